#!/usr/bin/env bash
# ansible-test sanity on the synced collection tree, once per ansible-core line of the test matrix
# (scripts/common.sh: 2.21 on Python 3.13, 2.20 on 3.12, 2.19 on 3.11).
#
#   scripts/sanity.sh                      every sanity test, ansible-core 2.21, then 2.20, then 2.19
#   scripts/sanity.sh --only 2.20          one line (2.21 = .venv, 2.20 = .venv-ansible-2.20, 2.19 = ...-2.19)
#   scripts/sanity.sh --test pylint ...    other arguments go to `ansible-test sanity` (--test, --skip-test, files)
#
# Each line is ONE ansible-test run: every test, with the line's controller Python in a virtualenv (--venv;
# the per-test virtualenvs are kept under ~/.ansible/test, so a warm run installs nothing). The tests that
# depend on the Python version (compile, import) run on the controller Python and on the other Pythons this
# line is the test line for. Every module Python from 3.8 up (tests/config.yml) is tested once in all:
#   - a line's controller Python with that line (3.13 with 2.21, 3.12 with 2.20, 3.11 with 2.19);
#   - any other Python with the newest line that supports it for modules (3.9, 3.10 and 3.14 with 2.21;
#     3.8, which only 2.19 still supports, with 2.19).
# compile only asks the interpreter to compile the files, the same whichever ansible-test does it; import runs
# the modules against the line's module_utils, which each line checks on its own controller Python. Running
# both on every Python of every line would repeat the same result. Pythons this machine lacks are reported.
#
# Rule: no entries in tests/sanity/ignore-*.txt. A problem is fixed, not ignored; this script fails otherwise.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The oldest module Python the collection supports (tests/config.yml: modules.python_requires).
OLDEST_MODULE_PYTHON=3.8

# The whole matrix, newest line first (scripts/common.sh), before --only narrows RELEASES.
all_releases=("${RELEASES[@]}")
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

# pyenv's pythonX.Y shims answer only for the selected versions, and ansible-test looks the interpreters up
# as pythonX.Y on PATH. Links to the real executables (pythonX.Y only, so `python3` stays what it was) go
# first on PATH.
PYTHON_LINKS="${BUILD_DIR}/pythons"
mkdir -p "${PYTHON_LINKS}"

# module_pythons RELEASE: the Python versions (>= OLDEST_MODULE_PYTHON) that this line's ansible-test supports
# for modules, oldest first.
module_pythons() {
    "${VENV_OF_RELEASE[$1]}/bin/python" - "${OLDEST_MODULE_PYTHON}" <<'PY'
import sys
from ansible_test._util.target.common.constants import CONTROLLER_PYTHON_VERSIONS, REMOTE_ONLY_PYTHON_VERSIONS

def key(version):
    return tuple(map(int, version.split('.')))

print(*sorted((v for v in REMOTE_ONLY_PYTHON_VERSIONS + CONTROLLER_PYTHON_VERSIONS
               if key(v) >= key(sys.argv[1])), key=key))
PY
}

# The Pythons each line tests (see the top of this file), over the whole matrix, not only the selected lines:
# `--only 2.21` runs what the full run gives 2.21.
declare -A PYTHONS_OF_RELEASE=()
declare -A TESTED_BY=()
for release in "${all_releases[@]}"; do
    PYTHONS_OF_RELEASE[${release}]="${PYTHON_OF_RELEASE[${release}]}"
    TESTED_BY[${PYTHON_OF_RELEASE[${release}]}]="${release}"
done
for release in "${all_releases[@]}"; do  # newest first: the newest line that supports a Python tests it
    for version in $(module_pythons "${release}"); do
        [[ -n "${TESTED_BY[${version}]:-}" ]] && continue
        TESTED_BY[${version}]="${release}"
        if executable="$(python_for "${version}")"; then
            ln -sfn "${executable}" "${PYTHON_LINKS}/python${version}"
            PYTHONS_OF_RELEASE[${release}]+=" ${version}"
        else
            log "Python ${version} not found on this machine: its compile and import tests are skipped"
        fi
    done
done
for release in "${RELEASES[@]}"; do
    version="${PYTHON_OF_RELEASE[${release}]}"
    executable="$(python_for "${version}")" || die "Python ${version} not found (controller of ansible-core ${release})"
    ln -sfn "${executable}" "${PYTHON_LINKS}/python${version}"
done

# ansible-test finds the collection's files through version control when it finds a .git above the collection;
# this repo's .git ignores .build/, so point it at the copy directly (it then lists the files itself).
export ANSIBLE_TEST_CONTENT_ROOT="${COLLECTION_DIR}"
cd "${COLLECTION_DIR}"
status=0
for release in "${RELEASES[@]}"; do
    controller="${PYTHON_OF_RELEASE[${release}]}"
    targets=()
    for version in ${PYTHONS_OF_RELEASE[${release}]}; do
        targets+=(--target-python "${version}")
    done
    log "ansible-core ${release}: ansible-test sanity, controller Python ${controller}, compile/import on Python ${PYTHONS_OF_RELEASE[${release}]// /, }"
    started=${SECONDS}
    PATH="${PYTHON_LINKS}:${VENV_OF_RELEASE[${release}]}/bin:${PATH}" \
        ansible-test sanity --color no --controller "origin:python=venv/${controller}" "${targets[@]}" "$@" || status=1
    log "ansible-core ${release}: $((SECONDS - started))s"
done
exit "${status}"
