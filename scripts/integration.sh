#!/usr/bin/env bash
# Integration tier: the targets in tests/integration/targets, run by `ansible-test integration` on this
# controller, once per ansible-core line of the test matrix (scripts/common.sh: 2.21 with .venv on Python 3.13,
# 2.20 with .venv-ansible-2.20 on 3.12, 2.19 with .venv-ansible-2.19 on 3.11), from the synced collection tree.
# --local: the controller is the line's venv, whose Python also runs the modules.
#
#   scripts/integration.sh                    every target, every line, newest first
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

# See scripts/sync-tree.sh: without this, ansible-test lists the files through this repo's git and sees none.
export ANSIBLE_TEST_CONTENT_ROOT="${COLLECTION_DIR}"
cd "${COLLECTION_DIR}"
status=0
for release in "${RELEASES[@]}"; do
    log "ansible-core ${release} (Python ${PYTHON_OF_RELEASE[${release}]}): ansible-test integration --local $*"
    started=${SECONDS}
    PATH="${VENV_OF_RELEASE[${release}]}/bin:${PATH}" ansible-test integration --local --color no "$@" || status=1
    log "ansible-core ${release}: $((SECONDS - started))s"
done
exit "${status}"
