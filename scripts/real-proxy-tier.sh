#!/usr/bin/env bash
# The real-proxy tier: everything that can run against the REAL LiteLLM proxy on PostgreSQL, against one stack.
#
#   scripts/real-proxy-tier.sh                  build (cached) and start the stack, run the tier, stop the stack
#   LITELLM_TEST_PROXY_URL=... LITELLM_TEST_PROXY_MASTER_KEY=... scripts/real-proxy-tier.sh
#                                               the same against a proxy of your own (nothing is built or started)
#
# In the stack's environment (scripts/real-proxy.sh run gives LITELLM_PROXY_URL / LITELLM_PROXY_API_KEY):
#   1. tests/real_proxy       the stack's own tests: the query engine alone, a 30-cycle soak of keys
#   2. scripts/contract.sh    requests against the live OpenAPI document, the modules end to end, every key setting's
#                             cycle, the local server held to the real one (differential tests)
#   3. the integration targets (ansible-test, ansible-core 2.21) and 4. the molecule scenario, through a counting
#      front (tests/reliability/fault_proxy.py --count-as litellm) that answers the request counters the targets
#      read, so they run unchanged; the targets skip what a real proxy cannot hold (two keys with one alias)
#   The examples run twice each (the integration target `examples`).
#   5. every other LiteLLM release meta/litellm.yml tests, each on a stack of its own (built and cached like the
#      first; scripts/test.sh builds them beside the first tiers): the contract tier's request, error,
#      differential, key-settings and release-option parts, the local server answering as that release
# Every part runs even when an earlier one failed; the exit status says whether all passed. What needs the local
# server only (injected faults, TLS variants) stays in the reliability tier. A proxy of your own is one release:
# the other releases are not run then.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ "${1:-}" != "--inside" ]]; then
    if [[ -n "${LITELLM_TEST_PROXY_URL:-}" && -n "${LITELLM_TEST_PROXY_MASTER_KEY:-}" ]]; then
        LITELLM_PROXY_URL="${LITELLM_TEST_PROXY_URL}" LITELLM_PROXY_API_KEY="${LITELLM_TEST_PROXY_MASTER_KEY}" \
            exec "${BASH_SOURCE[0]}" --inside
    fi
    "${ROOT}/scripts/real-proxy.sh" build
    REAL_PROXY_TIER_OWN_STACK=1 exec "${ROOT}/scripts/real-proxy.sh" run -- "${BASH_SOURCE[0]}" --inside
fi

[[ -n "${LITELLM_PROXY_URL:-}" && -n "${LITELLM_PROXY_API_KEY:-}" ]] || die "--inside needs LITELLM_PROXY_URL and LITELLM_PROXY_API_KEY"
# Set by the start above when this tier started the stack itself (so the other releases get stacks too).
OWN_STACK="${REAL_PROXY_TIER_OWN_STACK:-}"
# The tests of tests/real_proxy and the contract tier use a running proxy given this way.
export LITELLM_TEST_PROXY_URL="${LITELLM_PROXY_URL}" LITELLM_TEST_PROXY_MASTER_KEY="${LITELLM_PROXY_API_KEY}"
export REAL_PROXY_TIER_REQUIRED=1
"${ROOT}/scripts/bootstrap.sh"
COLLECTIONS_PATH="$("${ROOT}/scripts/sync-tree.sh")"

status=0
part() {
    local name="$1"
    shift
    log "real-proxy tier: ${name}"
    local started=${SECONDS}
    if "$@"; then
        log "real-proxy tier: ${name} passed in $((SECONDS - started))s"
    else
        log "real-proxy tier: ${name} FAILED in $((SECONDS - started))s"
        status=1
    fi
}

# The counting front, for the integration targets and molecule.
front_dir="$(mktemp -d "${BUILD_DIR}/real-proxy-front.XXXXXX")"
front_pid=""
integration_config="${COLLECTION_DIR}/tests/integration/integration_config.yml"
# shellcheck disable=SC2329  # run by the EXIT trap
stop_front() {
    rm -f "${integration_config}"
    [[ -n "${front_pid}" ]] && kill "${front_pid}" 2>/dev/null && wait "${front_pid}" 2>/dev/null
    rm -rf "${front_dir}"
}
trap stop_front EXIT

start_front() {
    "${VENV}/bin/python" "${ROOT}/tests/reliability/fault_proxy.py" --upstream "${LITELLM_PROXY_URL}" --port 0 \
        --count-as litellm --ready-file "${front_dir}/url" >"${front_dir}/front.log" 2>&1 </dev/null &
    front_pid=$!
    local deadline=$((SECONDS + 30))
    until [[ -s "${front_dir}/url" ]]; do
        if ! kill -0 "${front_pid}" 2>/dev/null || ((SECONDS >= deadline)); then
            die "the counting front did not start: $(cat "${front_dir}/front.log")"
        fi
        sleep 0.1
    done
    FRONT_URL="$(cat "${front_dir}/url")"
}

# shellcheck disable=SC2329  # run through part()
engine_and_soak() {
    cd "${ROOT}" && "${VENV}/bin/python" -m pytest -p no:cacheprovider -ra tests/real_proxy
}

# shellcheck disable=SC2329  # run through part()
integration_targets() {
    # ansible-test hands integration_config.yml to every target as variables; it holds the master key of this
    # throw-away stack, readable only by us, and is removed when the tier ends.
    (umask 077 && printf 'litellm_api_url: %s\nlitellm_api_key: %s\n' "${FRONT_URL}" "${LITELLM_PROXY_API_KEY}" \
        >"${integration_config}")
    cd "${COLLECTION_DIR}" && ANSIBLE_TEST_CONTENT_ROOT="${COLLECTION_DIR}" PATH="${VENV}/bin:${PATH}" \
        ansible-test integration --local --color no
    local result=$?
    rm -f "${integration_config}"
    return "${result}"
}

# shellcheck disable=SC2329  # run through part()
molecule_scenario() {
    cd "${COLLECTION_DIR}" && PATH="${VENV}/bin:${PATH}" ANSIBLE_COLLECTIONS_PATH="${COLLECTIONS_PATH}" \
        LITELLM_PROXY_URL="${FRONT_URL}" molecule test --all
}

# shellcheck disable=SC2329  # run through part()
other_release() {
    # A stack of this release, started by the contract tier itself: nothing of the primary stack is passed on.
    env -u LITELLM_PROXY_URL -u LITELLM_PROXY_API_KEY -u LITELLM_TEST_PROXY_URL -u LITELLM_TEST_PROXY_MASTER_KEY \
        LITELLM_VERSION="$1" "${ROOT}/scripts/contract.sh" tests/contract/test_request_contract.py \
        tests/contract/test_error_contract.py tests/contract/test_differential.py tests/contract/test_key_settings.py \
        tests/contract/test_release_options.py
}

start_front
part "engine and soak (tests/real_proxy)" engine_and_soak
part "contract (scripts/contract.sh)" "${ROOT}/scripts/contract.sh"
part "integration targets, ansible-core 2.21" integration_targets
part "molecule" molecule_scenario
if [[ -n "${OWN_STACK}" ]]; then
    primary="$(litellm_releases primary)"
    for release in $(litellm_releases tested); do
        [[ "${release}" == "${primary}" ]] && continue
        part "LiteLLM ${release}: request, error, differential, key-settings and release-option contract" \
            other_release "${release}"
    done
else
    log "real-proxy tier: a proxy of your own: the other LiteLLM releases of meta/litellm.yml are not run"
fi
exit "${status}"
