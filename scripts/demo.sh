#!/usr/bin/env bash
# The main job, end to end (`make demo`): set up, start the local LiteLLM-compatible test server, run
# examples/demo.yml against it with --diff, stop the server.
#
# Before the tour it previews examples/team_platform.yml as a CI pipeline would, and prints the Markdown report of
# that preview. The tour previews creating keys in check mode (diff and the exact requests a real run would send,
# Authorization masked, nothing written), creates them, re-runs with no change, previews and applies an update,
# lists the keys and deletes them. Against your own proxy instead:
#   LITELLM_PROXY_URL=https://... LITELLM_PROXY_API_KEY=sk-... ansible-playbook examples/demo.yml --diff
# (with the collection installed, or ANSIBLE_COLLECTIONS_PATH="$(scripts/sync-tree.sh)").
#
#   scripts/demo.sh [ANSIBLE-PLAYBOOK-ARGS...]      e.g. scripts/demo.sh -v
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

"${ROOT}/scripts/bootstrap.sh"
ANSIBLE_COLLECTIONS_PATH="$("${ROOT}/scripts/sync-tree.sh")"
export ANSIBLE_COLLECTIONS_PATH
# Only the synced copy of this collection, not another installed version of it.
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
# The demo runs on localhost without an inventory: the warnings about that say nothing here.
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export PATH="${VENV}/bin:${PATH}"

cd "${ROOT}"
# First the preview a merge request's pipeline makes of examples/team_platform.yml (a team, its members, its
# budget and its keys): check mode, nothing written, and the callback llmops.litellm.plan writes the plan file and
# the Markdown report a reviewer reads (docs/docsite/rst/ci_check_diff_gate.rst). Then the tour, demo.yml.
PREVIEW_DIR="${BUILD_DIR}/demo"
mkdir -p "${PREVIEW_DIR}"
demo() {
    ANSIBLE_CALLBACKS_ENABLED=llmops.litellm.plan LITELLM_PLAN_FILE="${PREVIEW_DIR}/plan.json" \
        LITELLM_PLAN_REPORT="${PREVIEW_DIR}/plan.md" \
        ansible-playbook examples/team_platform.yml --check --diff -e "litellm_secrets_dir=${PREVIEW_DIR}/secrets" >/dev/null
    printf '\n==> the preview of examples/team_platform.yml (%s):\n\n' "${PREVIEW_DIR#"${ROOT}"/}/plan.md"
    cat "${PREVIEW_DIR}/plan.md"
    printf '\n==> the tour, examples/demo.yml\n'
    ansible-playbook examples/demo.yml --diff "$@"
}
export -f demo
export PREVIEW_DIR ROOT
"${ROOT}/scripts/with-test-server.sh" bash -c 'demo "$@"' demo "$@"
