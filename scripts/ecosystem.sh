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
# The tools live in their own virtualenv (.venv-ecosystem, pinned by tests/ecosystem/requirements.txt) because
# antsibull-docs, ansible-lint and galaxy-importer constrain ansible-core independently of the dev venv. It is
# rebuilt only when that file or the Python version changes, so a warm run installs nothing.
# Scratch (collection tree copy, built tarball, installed copy, test venvs, server state): .build/ecosystem/.
set -euo pipefail

# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ECO_VENV="${ECOSYSTEM_VENV:-${ROOT}/.venv-ecosystem}"
ECO_REQUIREMENTS="${ROOT}/tests/ecosystem/requirements.txt"
export ECOSYSTEM_SCRATCH="${ECOSYSTEM_SCRATCH:-${ROOT}/.build/ecosystem}"


# pip prints one warning per package for index locations configured on some machines but absent here;
# they say nothing about this install, so keep them out of the log.
pip_quiet() {
    "$@" 2>&1 | grep -v "is ignored: it is neither a file nor a directory" || true
    return "${PIPESTATUS[0]}"
}

ensure_venv() {
    local stamp="${ECO_VENV}/.ecosystem-requirements"
    local want
    want="$("$PYTHON" -c 'import sys; print(sys.version)' | head -n1) $(sha256sum "$ECO_REQUIREMENTS" | cut -d' ' -f1)"
    if [[ -x "${ECO_VENV}/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        return 0
    fi
    log "creating ${ECO_VENV#"${ROOT}"/} (ecosystem tools; once per change of tests/ecosystem/requirements.txt)"
    rm -rf "$ECO_VENV"
    "$PYTHON" -m venv "$ECO_VENV"
    pip_quiet "${ECO_VENV}/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ECO_REQUIREMENTS"
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
