#!/usr/bin/env bash
# The whole test suite, tier by tier (`make test` and .ci/run run it with no arguments).
#
#   scripts/test.sh                      every tier
#   scripts/test.sh unit sanity          only these tiers, in the order given
#   scripts/test.sh --list               the tiers and what each runs
#
# Every tier runs even when an earlier one failed. Each tier's output is shown and also written to
# .build/logs/<tier>.log. At the end: a table (tier, result, seconds) and the line `tiers: N passed, N failed`.
# The exit status is non-zero when any tier failed. A tier whose entry point is missing FAILS (it is part of
# the suite); a pytest tier that collects no test fails too (pytest exit status 5 is not success).
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The contract tier runs within real-proxy (against its stack); `scripts/test.sh contract` runs it alone.
ALL_TIERS=(unit sanity integration molecule real-proxy reliability ecosystem)
declare -A DESCRIPTION=(
    [unit]="pytest tests/unit (module_utils, modules, local test server), ansible-core 2.21, from the synced tree"
    [sanity]="scripts/sanity.sh: ansible-test sanity, ansible-core 2.21 (Python 3.13), 2.20 (3.12), 2.19 (3.11)"
    [integration]="scripts/integration.sh: ansible-test integration targets, ansible-core 2.21, 2.20, 2.19, side by side"
    [molecule]="molecule test (extensions/molecule), ansible-core 2.21, from the synced collection tree"
    [real-proxy]="scripts/real-proxy-tier.sh: the real LiteLLM proxy on PostgreSQL: contract, key settings, differential tests, integration targets, examples, molecule"
    [contract]="scripts/contract.sh: requests, modules and the local test server against the real LiteLLM proxy (part of real-proxy)"
    [reliability]="pytest tests/reliability (faults, TLS, concurrency, bad input, secrets), ansible-core 2.21"
    [ecosystem]="scripts/ecosystem.sh: docs, changelog, ansible-lint, galaxy build/import, ansible-runner, EE build"
)

missing() {
    printf '\nFAIL: %s\n\n' "$*" >&2
    return 1
}

# pytest_tier DIR [PYTEST-ARGS...]: pytest over DIR of the synced tree, with the collection importable as
# ansible_collections.llmops.litellm and the dev venv's ansible-playbook first on PATH.
pytest_tier() {
    local dir="$1"
    shift
    [[ -d "${ROOT}/${dir}" ]] || missing "${dir}/ does not exist"
    cd "${COLLECTION_DIR}"
    PATH="${VENV}/bin:${PATH}" PYTHONPATH="${COLLECTIONS_ROOT}${PYTHONPATH:+:${PYTHONPATH}}" \
        "${VENV}/bin/python" -m pytest -p no:cacheprovider -ra "${dir}" "$@"
}

# run_script PATH [ARGS...]: another tier's own entry point, from the repository root.
run_script() {
    local script="$1"
    shift
    [[ -f "${ROOT}/${script}" ]] || missing "${script} does not exist"
    cd "${ROOT}"
    bash "${ROOT}/${script}" "$@"
}

tier_unit() { pytest_tier tests/unit; }
tier_sanity() { run_script scripts/sanity.sh; }
tier_integration() { run_script scripts/integration.sh; }
tier_contract() { run_script scripts/contract.sh; }
tier_real-proxy() { run_script scripts/real-proxy-tier.sh; }
tier_ecosystem() { run_script scripts/ecosystem.sh; }
tier_reliability() { pytest_tier tests/reliability; }

tier_molecule() {
    local scenarios="${ROOT}/extensions/molecule"
    compgen -G "${scenarios}/*/molecule.yml" >/dev/null || missing "no molecule scenario in extensions/molecule/"
    cd "${COLLECTION_DIR}"
    PATH="${VENV}/bin:${PATH}" ANSIBLE_COLLECTIONS_PATH="${COLLECTIONS_ROOT}" molecule test --all
}

if [[ "${1:-}" == "--list" ]]; then
    for tier in "${ALL_TIERS[@]}"; do
        printf '%-12s %s\n' "${tier}" "${DESCRIPTION[${tier}]}"
    done
    exit 0
fi
tiers=("$@")
[[ ${#tiers[@]} -gt 0 ]] || tiers=("${ALL_TIERS[@]}")
for tier in "${tiers[@]}"; do
    [[ -n "${DESCRIPTION[${tier}]:-}" ]] || die "unknown tier '${tier}' (known: ${ALL_TIERS[*]})"
done

# Plain text for logs and CI; colours only for a person watching a terminal.
if [[ -n "${CI:-}" || ! -t 1 ]]; then
    export NO_COLOR=1 PY_COLORS=0 ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
fi

suite_started=${SECONDS}
"${ROOT}/scripts/bootstrap.sh"
"${ROOT}/scripts/sync-tree.sh" >/dev/null
mkdir -p "${LOG_DIR}"

# The real proxy's build (about 3 minutes on a new machine: PostgreSQL, downloads, unpacking, `prisma generate`)
# runs beside the first tiers, which keep one core busy and leave the other mostly idle. The real-proxy tier's
# own build step waits for it (the build holds a lock) and finds it done.
prebuild_pid=""
if [[ " ${tiers[*]} " == *" real-proxy "* && "${tiers[0]}" != real-proxy &&
      ! ( -n "${LITELLM_TEST_PROXY_URL:-}" && -n "${LITELLM_TEST_PROXY_MASTER_KEY:-}" ) ]]; then
    log "building the real proxy stacks beside the first tiers (log: ${LOG_DIR#"${ROOT}"/}/real-proxy-build.log)"
    # The primary release first (the tier starts with it), then the others meta/litellm.yml tests.
    (
        set -e
        primary="$(litellm_releases primary)"
        "${ROOT}/scripts/real-proxy.sh" build
        for release in $(litellm_releases tested); do
            [[ "${release}" == "${primary}" ]] || LITELLM_VERSION="${release}" "${ROOT}/scripts/real-proxy.sh" build
        done
    ) >"${LOG_DIR}/real-proxy-build.log" 2>&1 </dev/null &
    prebuild_pid=$!
fi

results=()
passed=0
failed=0
for tier in "${tiers[@]}"; do
    printf '\n======== tier %s: %s\n' "${tier}" "${DESCRIPTION[${tier}]}"
    started=${SECONDS}
    set +e
    # Its own shell: a tier's `cd`, variables and `set -e` exits stay inside it.
    (set -euo pipefail; "tier_${tier}") </dev/null 2>&1 | tee "${LOG_DIR}/${tier}.log"
    status=${PIPESTATUS[0]}
    set -e
    seconds=$((SECONDS - started))
    if [[ ${status} -eq 0 ]]; then
        result=PASS
        passed=$((passed + 1))
    else
        result="FAIL (exit ${status})"
        failed=$((failed + 1))
    fi
    results+=("$(printf '%-12s %-16s %6s' "${tier}" "${result}" "${seconds}")")
    printf '======== tier %s: %s in %ss (log: %s)\n' "${tier}" "${result}" "${seconds}" "${LOG_DIR#"${ROOT}"/}/${tier}.log"
done

# A build nobody waited for (the real-proxy tier did not run to its build step) is not left behind.
if [[ -n "${prebuild_pid}" ]]; then
    wait "${prebuild_pid}" || log "the background build of the real proxy failed (${LOG_DIR#"${ROOT}"/}/real-proxy-build.log)"
fi

printf '\n%-12s %-16s %6s\n' tier result seconds
printf '%s\n' "${results[@]}"
printf '%-12s %-16s %6s\n\n' total "" "$((SECONDS - suite_started))"
printf 'tiers: %d passed, %d failed\n' "${passed}" "${failed}"
[[ ${failed} -eq 0 ]]
