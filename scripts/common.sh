# shellcheck shell=bash disable=SC2034  # the variables are for the scripts that source this file
# Paths, the test matrix and helpers shared by the project's scripts. Sourced, never run.
#
# Everything the scripts make lives inside the repository (.venv*, .build/), except pip's and npm's download
# caches (~/.cache/pip, ~/.npm), the real proxy's build (~/.cache/llmops-litellm) and ansible-test's own
# directory (~/.ansible/test: its per-test virtualenvs, and the get-pip cache and SSH key pair that
# scripts/bootstrap.sh makes). Parallel runs share none of it unsafely: pip and npm write their caches by atomic
# renames, the real proxy's build is made under a lock, and ansible-test's shared files are made once, by
# scripts/bootstrap.sh, before anything runs side by side.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# python_for X.Y: path of a Python X.Y interpreter, or nothing (status 1). `pythonX.Y` on PATH when it runs;
# otherwise the newest X.Y.* that pyenv installed: pyenv's pythonX.Y shims answer only for the versions
# selected (`pyenv global`/PYENV_VERSION), but every installed one is there to use.
python_for() {
    local version="$1" candidate
    candidate="$("python${version}" -c 'import sys; print(sys.executable)' 2>/dev/null)" && [[ -x "${candidate}" ]] &&
        { echo "${candidate}"; return 0; }
    local pyenv_root="${PYENV_ROOT:-}"
    [[ -n "${pyenv_root}" ]] || pyenv_root="$(pyenv root 2>/dev/null)" || pyenv_root="${HOME}/.pyenv"
    for candidate in $(printf '%s\n' "${pyenv_root}/versions/${version}".*/bin/"python${version}" | sort -rV); do
        [[ -x "${candidate}" ]] && "${candidate}" -c '' 2>/dev/null && { echo "${candidate}"; return 0; }
    done
    return 1
}

# The test matrix. ansible-core lines the collection is tested with, newest first, each with its own virtual
# environment (made by scripts/bootstrap.sh) and controller Python:
#   2.21  .venv               Python 3.13   locks/dev.txt           every tier; the development environment
#   2.20  .venv-ansible-2.20  Python 3.12   locks/ansible-2.20.txt  sanity and integration
#   2.19  .venv-ansible-2.19  Python 3.11   locks/ansible-2.19.txt  sanity and integration; the oldest line
#                                                                   meta/runtime.yml claims
RELEASES=(2.21 2.20 2.19)
VENV="${ROOT}/.venv"
declare -A VENV_OF_RELEASE=([2.21]="${VENV}" [2.20]="${ROOT}/.venv-ansible-2.20" [2.19]="${ROOT}/.venv-ansible-2.19")
declare -A PYTHON_OF_RELEASE=([2.21]=3.13 [2.20]=3.12 [2.19]=3.11)
# Each environment installs one lock of scripts/locks.py (locks/NAME.txt), by hash.
declare -A LOCK_OF_RELEASE=([2.21]=dev [2.20]=ansible-2.20 [2.19]=ansible-2.19)
LOCKS="${ROOT}/scripts/locks.py"
NEWEST_RELEASE="${RELEASES[0]}"
OLDEST_RELEASE="${RELEASES[-1]}"

# PYTHON: the interpreter that runs the helper scripts and makes the tool environments that are not part of the
# matrix above (scripts/ecosystem.sh's .venv-ecosystem and others read it from the environment): the newest
# line's controller Python. Exported, so that the scripts the test runner starts see the same.
if [[ -z "${PYTHON:-}" ]]; then
    PYTHON="$(python_for "${PYTHON_OF_RELEASE[${NEWEST_RELEASE}]}")" || PYTHON=python3
fi
export PYTHON

BUILD_DIR="${ROOT}/.build"
LOG_DIR="${BUILD_DIR}/logs"
# ansible and ansible-test need the collection at <root>/ansible_collections/<namespace>/<name>, as a real copy.
COLLECTIONS_ROOT="${BUILD_DIR}/collections"
COLLECTION_DIR="${COLLECTIONS_ROOT}/ansible_collections/llmops/litellm"

# The LiteLLM releases the real-proxy tier tests (meta/litellm.yml): litellm_releases primary | tested.
# The file is written in block style (`primary: X`, `tested:` then `  - X` lines); tests/unit/scripts holds that.
litellm_releases() {
    local key="$1" file="${ROOT}/meta/litellm.yml"
    case "${key}" in
        primary | oldest) sed -n "s/^${key}:[[:space:]]*\([0-9][0-9A-Za-z.]*\)[[:space:]]*\$/\1/p" "${file}" ;;
        tested) sed -n '/^tested:/,/^[^[:space:]-]/s/^[[:space:]]*-[[:space:]]*\([0-9][0-9A-Za-z.]*\)[[:space:]]*$/\1/p' "${file}" ;;
        *) die "litellm_releases: primary, oldest or tested, not '${key}'" ;;
    esac
}

# only_release RELEASE: restrict RELEASES to RELEASE (the scripts' `--only RELEASE` option).
only_release() {
    [[ -n "${1:-}" && -n "${VENV_OF_RELEASE[$1]:-}" ]] || die "--only takes one of: ${RELEASES[*]}"
    RELEASES=("$1")
}
