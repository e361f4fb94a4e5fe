#!/usr/bin/env bash
# Sets up everything the demo and the tests need on a fresh machine; a quick no-op when already done.
#
#   .venv                 Python 3.13, locks/dev.txt: ansible-core 2.21 and the test tools (pytest,
#                         hypothesis, molecule, ...); every tier runs with it
#   .venv-ansible-2.20    Python 3.12, locks/ansible-2.20.txt: ansible-core 2.20 + what the sanity and
#                         integration runs need
#   .venv-ansible-2.19    Python 3.11, locks/ansible-2.19.txt: ansible-core 2.19 (the oldest line
#                         meta/runtime.yml claims), the same
#   ~/.ansible/test/cache/get_pip_<version>.py
#                         scripts/get_pip_shim.py, for every pip version the installed ansible-test releases
#                         bootstrap their --venv environments with (ansible-test would otherwise download
#                         get-pip.py from a host that is not a package registry)
#   ~/.ansible/test/id_rsa, id_rsa.pub
#                         the SSH key pair every `ansible-test integration` run of this user looks for, made
#                         here, once, as ansible-test makes it: the integration tier starts its lines side by
#                         side, and each would otherwise run ssh-keygen on this one path at the same moment
# The matrix (release, venv, Python) is in scripts/common.sh. Interpreters are found on PATH or, when
# pyenv's shims do not answer for them, among pyenv's installed versions.
#
# Every venv installs one lock file, by hash (scripts/locks.py: `pip install --require-hashes`; a package whose
# hash does not match stops the bootstrap, and says so). Each venv keeps a stamp: a hash of the lock, this
# script and the interpreter's version. A matching stamp and a working interpreter mean nothing to do; otherwise
# the venv is made anew from the lock (never installed over, so it holds nothing an earlier lock left). The venvs
# of older layouts (.venv-ansible-2.16) are removed. Packages come from pip's configured index (pip.conf, PIP_INDEX_URL, ...):
# air-gapped users point pip at their mirror and run this script unchanged.
#
# Usage: scripts/bootstrap.sh [--force]     (--force: rebuild every venv from scratch)
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Environments of earlier matrices: removed when found.
OBSOLETE_VENVS=("${ROOT}/.venv-ansible-2.16")
SHIM="${ROOT}/scripts/get_pip_shim.py"
SHIM_MARKER='llmops-litellm get-pip shim'
ANSIBLE_TEST_HOME="${HOME}/.ansible/test"
GET_PIP_CACHE="${ANSIBLE_TEST_HOME}/cache"

force=false
[[ "${1:-}" == "--force" ]] && force=true

# stamp_of PYTHON TEXT...: hash of the given inputs, the interpreter's version and this script.
stamp_of() {
    local python="$1"
    shift
    { printf '%s\n' "$@"; "${python}" -VV; cat "${BASH_SOURCE[0]}"; } | sha256sum | cut -d' ' -f1
}

# ensure_venv DIR PYTHON-VERSION LOCK   (LOCK: a lock of scripts/locks.py, e.g. dev for locks/dev.txt)
ensure_venv() {
    local dir="$1" version="$2" lock="$3"
    local python stamp stamp_file="${dir}/.bootstrap-stamp"
    python="$(python_for "${version}")" ||
        die "Python ${version} not found (for ${dir#"${ROOT}"/}): install it (pyenv install ${version}) or put python${version} on PATH"
    # A lock older than its input (locks/NAME.in changed, `make lock` not run) stops here, before any install.
    "${PYTHON}" "${LOCKS}" check "${lock}" || die "locks/${lock}.txt cannot be installed (above)"
    stamp="$(stamp_of "${python}" "$("${PYTHON}" "${LOCKS}" digest "${lock}")")"
    if [[ "${force}" != true && -f "${stamp_file}" && "$(cat "${stamp_file}")" == "${stamp}" ]] &&
        "${dir}/bin/python" -c '' 2>/dev/null; then
        log "${dir#"${ROOT}"/} is up to date"
        return 0
    fi
    # Made anew, never installed over: the venv holds exactly the lock, nothing an earlier lock left behind.
    log "creating ${dir#"${ROOT}"/} (Python ${version}: ${python})"
    rm -rf "${dir}"
    "${python}" -m venv "${dir}"
    log "installing locks/${lock}.txt into ${dir#"${ROOT}"/}"
    # The venv's own pip, by hash; the machine's pip config applies.
    "${PYTHON}" "${LOCKS}" install "${lock}" "${dir}/bin/python" ||
        die "could not install locks/${lock}.txt into ${dir#"${ROOT}"/} (above)"
    echo "${stamp}" >"${stamp_file}"
}

# Pip versions that ansible-test asks get-pip.py for (get_venv_packages in python_requirements.py).
get_pip_versions() {
    local venv
    for venv in "$@"; do
        grep -ho "pip='[0-9.]*'" "${venv}"/lib/python3*/site-packages/ansible_test/_internal/python_requirements.py
    done | sed "s/pip='\\(.*\\)'/\\1/" | sort -u
}

# The key pair ansible-test's SshKey looks for in ~/.ansible/test and makes when it is missing, made the same way
# (RSA, PEM, no passphrase, the header paramiko reads), under a lock of its own there: the file is the user's,
# shared by every checkout. The public half is moved in last, so a pair that is there is complete.
ensure_ansible_test_ssh_key() {
    local key="${ANSIBLE_TEST_HOME}/id_rsa"
    mkdir -p "${ANSIBLE_TEST_HOME}"
    (
        flock 8
        [[ -f "${key}" && -f "${key}.pub" ]] && exit 0
        log "making ansible-test's SSH key pair ${key} (once, before any integration line starts)"
        local scratch
        scratch="$(mktemp -d "${ANSIBLE_TEST_HOME}/.id_rsa.XXXXXX")"
        ssh-keygen -m PEM -q -t rsa -N '' -f "${scratch}/id_rsa" </dev/null
        sed -i -E 's/(BEGIN|END) PRIVATE KEY/\1 RSA PRIVATE KEY/' "${scratch}/id_rsa"
        mv -f "${scratch}/id_rsa" "${key}"
        mv -f "${scratch}/id_rsa.pub" "${key}.pub"
        rmdir "${scratch}"
    ) 8>"${ANSIBLE_TEST_HOME}/.llmops-id_rsa.lock"
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
    ensure_venv "${venv}" "${PYTHON_OF_RELEASE[${release}]}" "${LOCK_OF_RELEASE[${release}]}"
    venvs+=("${venv}")
done
install_get_pip_shims "${venvs[@]}"
ensure_ansible_test_ssh_key
log "bootstrap done in $((SECONDS - start))s"
