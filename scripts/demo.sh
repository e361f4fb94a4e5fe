#!/usr/bin/env bash
# The main job, end to end (`make demo`): set up, start the local LiteLLM-compatible test server, run
# examples/demo.yml against it with --diff, stop the server.
#
# The playbook previews creating keys in check mode (diff and the exact requests a real run would send,
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
"${ROOT}/scripts/with-test-server.sh" ansible-playbook examples/demo.yml --diff "$@"
