#!/usr/bin/env bash
# The REAL LiteLLM proxy on a real PostgreSQL, built from package registries only (tests/real_proxy/stack.py):
# the one command that starts this stack for a user, and the entry point of its tests.
#
#   scripts/real-proxy.sh build                   # once: PostgreSQL 15 if missing (apt-get, as root), the proxy
#                                                 # venv, the query engine's npm packages, `prisma generate`
#   scripts/real-proxy.sh start                   # PostgreSQL + LiteLLM's migrations + the proxy; prints the URL
#                                                 # and the master key file (mode 0600; the key is never printed)
#   scripts/real-proxy.sh status | stop
#   scripts/real-proxy.sh run -- ansible-playbook examples/demo.yml
#                                                 # a stack of its own for the command, which gets
#                                                 # LITELLM_PROXY_URL and LITELLM_PROXY_API_KEY; stopped whatever
#                                                 # happens; exits with the command's status
#   scripts/real-proxy.sh test [PYTEST-ARGS...]   # pytest tests/real_proxy (engine smoke test, 30-cycle soak)
#   scripts/real-proxy.sh --state-dir DIR start   # another state dir (default .build/real-proxy/default)
#
# LiteLLM's version is the contract tier's pin (tests/contract/litellm-version.txt). The build is cached in
# ${XDG_CACHE_HOME:-~/.cache}/llmops-litellm/ (about 0.8 GB, 3 minutes cold; a cached start takes about a minute).
# With LITELLM_TEST_PROXY_URL and LITELLM_TEST_PROXY_MASTER_KEY set (a proxy of your own, e.g. LiteLLM's database
# image), nothing is built or started: run and test use that proxy.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

STACK="${ROOT}/tests/real_proxy/stack.py"
POSTGRES_PACKAGE=postgresql-15

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
    exit 2
}

postgres_installed() {
    [[ -n "${PG_BIN:-}" && -x "${PG_BIN}/initdb" ]] && return 0
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && return 0
    command -v initdb >/dev/null
}

# Debian's PostgreSQL for the private cluster: installed here when missing and we may (root, apt-get). One install
# at a time (the test runner builds the stack in the background while other tiers run): a second caller waits,
# then finds it installed.
ensure_postgres() {
    postgres_installed && return 0
    if [[ "${EUID}" -eq 0 ]] && command -v apt-get >/dev/null; then
        local lock_dir="${XDG_CACHE_HOME:-${HOME}/.cache}/llmops-litellm"
        mkdir -p "${lock_dir}"
        (
            flock 8
            postgres_installed && exit 0
            log "installing Debian's ${POSTGRES_PACKAGE} (the stack runs a private cluster of it)"
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${POSTGRES_PACKAGE}" >/dev/null
        ) 8>"${lock_dir}/.postgres-install.lock"
        postgres_installed || die "${POSTGRES_PACKAGE} is installed, but no initdb in /usr/lib/postgresql/*/bin"
        return 0
    fi
    die "PostgreSQL is not installed: run \`sudo apt-get update && sudo apt-get install -y ${POSTGRES_PACKAGE}\` (or set PG_BIN to the directory of initdb and pg_ctl), then run this again"
}

uses_existing_proxy() {
    [[ -n "${LITELLM_TEST_PROXY_URL:-}" && -n "${LITELLM_TEST_PROXY_MASTER_KEY:-}" ]]
}

global=()
if [[ "${1:-}" == "--state-dir" ]]; then
    [[ -n "${2:-}" ]] || die "--state-dir needs a directory"
    global=(--state-dir "$2")
    shift 2
fi
action="${1:-}"
[[ -n "${action}" ]] || usage

if [[ ! -x "${VENV}/bin/python" ]]; then
    log "no dev environment at ${VENV#"${ROOT}"/} yet: running scripts/bootstrap.sh"
    "${ROOT}/scripts/bootstrap.sh"
fi

case "${action}" in
    build)
        ensure_postgres
        exec "${VENV}/bin/python" "${STACK}" "${global[@]}" build
        ;;
    start | run)
        if ! uses_existing_proxy; then
            ensure_postgres
        fi
        exec "${VENV}/bin/python" "${STACK}" "${global[@]}" "$@"
        ;;
    stop | status)
        exec "${VENV}/bin/python" "${STACK}" "${global[@]}" "$@"
        ;;
    test)
        shift
        if ! uses_existing_proxy; then
            ensure_postgres
            "${VENV}/bin/python" "${STACK}" build
        fi
        cd "${ROOT}"
        # REAL_PROXY_TIER_REQUIRED: a stack that cannot be built fails the run instead of skipping the tests.
        REAL_PROXY_TIER_REQUIRED=1 exec "${VENV}/bin/python" -m pytest -p no:cacheprovider -ra tests/real_proxy "$@"
        ;;
    -h | --help | help)
        usage
        ;;
    *)
        die "unknown action '${action}' (build, start, stop, status, run -- CMD..., test [PYTEST-ARGS])"
        ;;
esac
