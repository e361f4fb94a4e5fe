#!/usr/bin/env bash
# ansible-test sanity on the synced collection tree, with the newest and the oldest supported ansible-core.
#
#   scripts/sanity.sh                      every sanity test, ansible-core 2.19 then 2.16
#   scripts/sanity.sh --only 2.19          one ansible-core release (2.19 = .venv, 2.16 = .venv-ansible-2.16)
#   scripts/sanity.sh --test pylint ...    other arguments go to `ansible-test sanity`
#
# Tests run in ansible-test's own per-test virtualenvs (--venv; kept under ~/.ansible/test, so a warm run
# installs nothing) on the controller's Python 3.11. The Python-version-specific tests (compile, import) also
# run on every other Python from 3.8 up that this machine has (the modules' python_requires in
# tests/config.yml); missing versions are reported and skipped.
#
# Rule: no entries in tests/sanity/ignore-*.txt. A problem is fixed, not ignored; this script fails otherwise.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CONTROLLER_PYTHON=3.11
if [[ "${1:-}" == "--only" ]]; then
    only_release "${2:-}"
    shift 2
fi

"${ROOT}/scripts/bootstrap.sh"
"${ROOT}/scripts/sync-tree.sh" >/dev/null

ignore_entries="$(cd "${ROOT}" && grep -sHnv -e '^[[:space:]]*#' -e '^[[:space:]]*$' tests/sanity/ignore-*.txt || true)"
if [[ -n "${ignore_entries}" ]]; then
    printf '%s\n' "${ignore_entries}" >&2
    die "tests/sanity/ignore-*.txt must stay empty: fix the code instead"
fi

# pyenv installs several interpreters but its pythonX.Y shims answer only for the selected ones, and
# ansible-test runs them without PYENV_VERSION. Resolve every installed one to its real executable and put
# links to those (pythonX.Y only, so `python3` stays what it was) first on PATH.
if command -v pyenv >/dev/null && [[ -z "${PYENV_VERSION:-}" ]]; then
    # shellcheck disable=SC2046  # one version per word
    PYENV_VERSION="$(printf '%s\n' "$(pyenv version-name 2>/dev/null || true)" $(pyenv versions --bare --skip-aliases 2>/dev/null) |
        awk 'NF && !seen[$0]++' | paste -sd: -)"
    export PYENV_VERSION
fi
PYTHON_LINKS="${BUILD_DIR}/pythons"
mkdir -p "${PYTHON_LINKS}"

# other_pythons VENV: Pythons >= 3.8 other than the controller's that this ansible-core supports for modules
# and that this machine has (linked into PYTHON_LINKS).
other_pythons() {
    local version executable
    for version in $("$1/bin/python" -c 'from ansible_test._util.target.common.constants import *
print(*(v for v in REMOTE_ONLY_PYTHON_VERSIONS + CONTROLLER_PYTHON_VERSIONS
        if tuple(map(int, v.split("."))) >= (3, 8)))'); do
        [[ "${version}" == "${CONTROLLER_PYTHON}" ]] && continue
        if executable="$("python${version}" -c 'import sys; print(sys.executable)' 2>/dev/null)"; then
            ln -sfn "${executable}" "${PYTHON_LINKS}/python${version}"
            echo "${version}"
        else
            log "python${version} not found: its compile/import sanity tests are skipped"
        fi
    done
}

# ansible-test finds the collection's files through version control when it finds a .git above the collection;
# this repo's .git ignores .build/, so point it at the copy directly (it then lists the files itself).
export ANSIBLE_TEST_CONTENT_ROOT="${COLLECTION_DIR}"
cd "${COLLECTION_DIR}"
status=0
for release in "${RELEASES[@]}"; do
    venv="${VENV_OF_RELEASE[${release}]}"
    log "ansible-core ${release}: ansible-test sanity --python ${CONTROLLER_PYTHON}"
    started=${SECONDS}
    PATH="${venv}/bin:${PATH}" ansible-test sanity --venv --color no --python "${CONTROLLER_PYTHON}" "$@" || status=1
    log "ansible-core ${release}, Python ${CONTROLLER_PYTHON}: $((SECONDS - started))s"
    # With explicit arguments (one test, a file), only the controller Python runs.
    [[ $# -gt 0 ]] && continue
    for version in $(other_pythons "${venv}"); do
        log "ansible-core ${release}: ansible-test sanity --test compile --test import --python ${version}"
        started=${SECONDS}
        PATH="${venv}/bin:${PYTHON_LINKS}:${PATH}" ansible-test sanity --venv --color no --python "${version}" \
            --test compile --test import || status=1
        log "ansible-core ${release}, Python ${version}: $((SECONDS - started))s"
    done
done
exit "${status}"
