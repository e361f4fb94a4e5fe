#!/usr/bin/env bash
# Ecosystem checks: how users meet the collection outside its own test suite.
#
#   scripts/ecosystem.sh              run every check (tests/ecosystem/, pytest, 2 workers)
#   scripts/ecosystem.sh -k galaxy    extra arguments go to pytest (here: only the galaxy build/install tests)
#   ECOSYSTEM_WORKERS=0 scripts/ecosystem.sh -x    one check after another, stop at the first failure
#   scripts/ecosystem.sh docs         build the HTML docsite into .build/docsite/ and print where it is
#   scripts/ecosystem.sh setup        only create/refresh the tools virtualenv
#
# The checks: antsibull-docs lint (extra docs and plugin docs) and the HTML site build; antsibull-changelog
# lint and CHANGELOG.rst up to date; ansible-lint (production profile) on every playbook; ansible-galaxy build,
# tarball contents, install into an empty path and the examples run from the installed copy; galaxy-importer;
# meta/execution-environment.yml requirements in a clean venv; ansible-doc of every module and every module's
# EXAMPLES run against the local test server.
#
# The tools live in their own virtualenv (.venv-ecosystem, installed by hash from locks/ecosystem.txt, the lock of
# locks/ecosystem.in) because antsibull-docs, ansible-lint and galaxy-importer constrain ansible-core independently
# of the dev venv. It is rebuilt only when that lock or the Python version changes, so a warm run installs nothing.
# Scratch (collection tree copy, built tarball, installed copy, test venvs, server state): .build/ecosystem/.
set -euo pipefail

# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ECO_VENV="${ECOSYSTEM_VENV:-${ROOT}/.venv-ecosystem}"
ECO_LOCK=ecosystem
export ECOSYSTEM_SCRATCH="${ECOSYSTEM_SCRATCH:-${ROOT}/.build/ecosystem}"


ensure_venv() {
    local stamp="${ECO_VENV}/.ecosystem-requirements"
    local want
    "$PYTHON" "$LOCKS" check "$ECO_LOCK" || die "locks/${ECO_LOCK}.txt cannot be installed (above)"
    want="$("$PYTHON" -c 'import sys; print(sys.version)' | head -n1) $("$PYTHON" "$LOCKS" digest "$ECO_LOCK")"
    if [[ -x "${ECO_VENV}/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        return 0
    fi
    log "creating ${ECO_VENV#"${ROOT}"/} (ecosystem tools, locks/${ECO_LOCK}.txt; once per change of the lock)"
    rm -rf "$ECO_VENV"
    "$PYTHON" -m venv "$ECO_VENV"
    "$PYTHON" "$LOCKS" install "$ECO_LOCK" "${ECO_VENV}/bin/python" ||
        die "could not install locks/${ECO_LOCK}.txt into ${ECO_VENV#"${ROOT}"/} (above)"
    # Written last: an interrupted install leaves no stamp and is redone on the next run.
    printf '%s\n' "$want" >"$stamp"
}

main() {
    local mode=all
    case "${1:-}" in
        setup | docs | all) mode="$1"; shift ;;
    esac
    ensure_venv
    export PATH="${ECO_VENV}/bin:${PATH}"
    # The tools must not pick up a user's ansible.cfg or collections; the tests set their own paths.
    export ANSIBLE_CONFIG=/dev/null
    export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 PY_COLORS=0
    case "$mode" in
        setup) log "tools ready in ${ECO_VENV}" ;;
        docs)
            local dest="${1:-${ROOT}/.build/docsite}"
            "${ECO_VENV}/bin/python" "${ROOT}/tests/ecosystem/docsite.py" --dest "$dest"
            ;;
        all)
            cd "$ROOT"
            # ECOSYSTEM_WORKERS=0 runs the checks one after another (easier to read when debugging one).
            local workers=(-n "${ECOSYSTEM_WORKERS:-2}" --dist loadfile)
            [[ "${ECOSYSTEM_WORKERS:-2}" == 0 ]] && workers=(-p no:xdist)
            exec "${ECO_VENV}/bin/python" -m pytest -p no:cacheprovider -ra "${workers[@]}" "$@" tests/ecosystem
            ;;
    esac
}

main "$@"
