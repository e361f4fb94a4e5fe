#!/usr/bin/env bash
# Integration tier: the targets in tests/integration/targets, run by `ansible-test integration` on this
# controller, once per ansible-core line of the test matrix (scripts/common.sh: 2.21 with .venv on Python 3.13,
# 2.20 with .venv-ansible-2.20 on 3.12, 2.19 with .venv-ansible-2.19 on 3.11), from the synced collection tree.
# --local: the controller is the line's venv, whose Python also runs the modules.
#
#   scripts/integration.sh                    every target, every line (side by side, see INTEGRATION_JOBS)
#   scripts/integration.sh --only 2.19        one line
#   scripts/integration.sh litellm_key -vvv   other arguments go to `ansible-test integration`
#
# ansible-test passes no environment through to the playbooks: the setup_litellm target starts a fresh
# local test server (tests/litellm_test_server) for each run, with a random master key, and stops it.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ "${1:-}" == "--only" ]]; then
    only_release "${2:-}"
    shift 2
fi

compgen -G "${ROOT}/tests/integration/targets/*/tasks/main.yml" >/dev/null ||
    die "no integration target with tasks in tests/integration/targets/"
"${ROOT}/scripts/bootstrap.sh"
"${ROOT}/scripts/sync-tree.sh" >/dev/null

# ansible-test runs in the tree it tests and writes into it (tests/output/), and one run keeps one CPU busy: each
# line runs in a copy of the synced tree of its own, INTEGRATION_JOBS lines at a time (default: all of them; 1
# runs them one after another). Their output is shown as it comes, each line prefixed with its release, and kept
# in .build/logs/integration-<release>.log.
jobs="${INTEGRATION_JOBS:-${#RELEASES[@]}}"
[[ "${jobs}" =~ ^[1-9][0-9]*$ ]] || die "INTEGRATION_JOBS must be a whole number, 1 or more, not '${jobs}'"
mkdir -p "${LOG_DIR}"

run_release() {
    local release="$1"
    shift
    local copy_root="${BUILD_DIR}/integration/${release}"
    local tree="${copy_root}/ansible_collections/llmops/litellm"
    rm -rf "${copy_root}"
    mkdir -p "$(dirname "${tree}")"
    cp -a "${COLLECTION_DIR}" "${tree}"
    rm -rf "${tree}/tests/output"
    log "ansible-core ${release} (Python ${PYTHON_OF_RELEASE[${release}]}): ansible-test integration --local $*"
    local started=${SECONDS} result=0
    # See scripts/sync-tree.sh: without ANSIBLE_TEST_CONTENT_ROOT, ansible-test lists the files through this repo's
    # git and sees none.
    (cd "${tree}" && ANSIBLE_TEST_CONTENT_ROOT="${tree}" PATH="${VENV_OF_RELEASE[${release}]}/bin:${PATH}" \
        ansible-test integration --local --color no "$@") || result=$?
    log "ansible-core ${release}: $((SECONDS - started))s, exit ${result}"
    return "${result}"
}

declare -A pid_of=()
status=0
wait_for() {
    local release="$1"
    wait "${pid_of[${release}]}" || { status=1; log "ansible-core ${release}: FAILED (see .build/logs/integration-${release}.log)"; }
    unset "pid_of[${release}]"
}
for release in "${RELEASES[@]}"; do
    while ((${#pid_of[@]} >= jobs)); do
        wait -n || true
        for running in "${!pid_of[@]}"; do
            kill -0 "${pid_of[${running}]}" 2>/dev/null || wait_for "${running}"
        done
    done
    run_release "${release}" "$@" > >(sed -u "s/^/[${release}] /" | tee "${LOG_DIR}/integration-${release}.log") 2>&1 &
    pid_of[${release}]=$!
done
for release in "${!pid_of[@]}"; do
    wait_for "${release}"
done
exit "${status}"
