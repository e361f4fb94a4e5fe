# shellcheck shell=bash disable=SC2034  # the variables are for the scripts that source this file
# Paths and helpers shared by the project's scripts. Sourced, never run.
#
# Everything the scripts make lives inside the repository (.venv*, .build/), except pip's download cache
# (~/.cache/pip) and ansible-test's own directories (~/.ansible/test: its per-test virtualenvs and the
# get-pip cache that scripts/bootstrap.sh fills).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3.11}"

# Main development environment: newest ansible-core we support.
VENV="${ROOT}/.venv"
# Oldest ansible-core we support (meta/runtime.yml requires_ansible).
VENV_ANSIBLE_MIN="${ROOT}/.venv-ansible-2.16"

BUILD_DIR="${ROOT}/.build"
LOG_DIR="${BUILD_DIR}/logs"
# ansible and ansible-test need the collection at <root>/ansible_collections/<namespace>/<name>, as a real copy.
COLLECTIONS_ROOT="${BUILD_DIR}/collections"
COLLECTION_DIR="${COLLECTIONS_ROOT}/ansible_collections/llmops/litellm"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# The ansible-core releases that sanity and integration run with: the newest and the oldest supported.
RELEASES=(2.19 2.16)
declare -A VENV_OF_RELEASE=([2.19]="${VENV}" [2.16]="${VENV_ANSIBLE_MIN}")

# only_release RELEASE: restrict RELEASES to RELEASE (the scripts' `--only RELEASE` option).
only_release() {
    [[ -n "${1:-}" && -n "${VENV_OF_RELEASE[$1]:-}" ]] || die "--only takes one of: ${RELEASES[*]}"
    RELEASES=("$1")
}
