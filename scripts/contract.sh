#!/usr/bin/env bash
# Contract tier: checks our requests, our modules, our local test server and LiteLLM's own client against the
# REAL LiteLLM proxy with its database (tests/contract/).
#
#   scripts/contract.sh [PYTEST-ARGS...]              # e.g. -k differential, or tests/contract/test_error_contract.py
#   LITELLM_VERSION=1.100.0 scripts/contract.sh      # check another LiteLLM release
#   LITELLM_TEST_PROXY_URL=http://127.0.0.1:4000 LITELLM_TEST_PROXY_MASTER_KEY=sk-... scripts/contract.sh
#                                                    # against a proxy that runs already (nothing is started)
#   scripts/real-proxy.sh run -- scripts/contract.sh # the same, with the stack `run` starts: its
#                                                    # LITELLM_PROXY_URL / LITELLM_PROXY_API_KEY are used
#
# The proxy version is pinned in one place, tests/contract/litellm-version.txt; LITELLM_VERSION overrides it.
# Unless a running proxy is named, the tier runs against one real stack of its own (tests/real_proxy/stack.py: the
# pinned `litellm[proxy]` on a private PostgreSQL 15 with LiteLLM's migrations, no Enterprise license, no models),
# started once per run in the background (about a minute warm) and stopped at the end whatever happens. Its build
# is cached in ${XDG_CACHE_HOME:-~/.cache}/llmops-litellm/ (`scripts/real-proxy.sh build`, run here when needed;
# it installs Debian's PostgreSQL when it may). LiteLLM's own client and CLI run from the proxy venv of that build
# (tests/real_proxy/proxy_venv.py), installed here in any case.
#
# A running proxy: LITELLM_TEST_PROXY_URL and LITELLM_TEST_PROXY_MASTER_KEY, or else LITELLM_PROXY_URL and
# LITELLM_PROXY_API_KEY when they point at this machine (loopback: `scripts/real-proxy.sh run` and `start` give
# such URLs; a remote proxy in those variables is more likely a real deployment, and the tier creates and deletes
# keys, teams, users and budgets: name it with the LITELLM_TEST_PROXY_* variables to test it on purpose). Every
# object the tier makes carries a random run id, so it meets only its own objects, and it deletes what the
# module runs and the differential sequences make.
#
# The tests run with the project's dev environment (.venv, see scripts/bootstrap.sh). Nothing secret is written
# anywhere by this script: the stack's master key lives in its state dir (mode 0600) and process environments.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

VERSION_FILE="${ROOT}/tests/contract/litellm-version.txt"
if [[ -z "${LITELLM_VERSION:-}" ]]; then
    LITELLM_VERSION="$(grep -v '^[[:space:]]*#' "${VERSION_FILE}" | grep -m1 -v '^[[:space:]]*$' | tr -d '[:space:]')"
fi
[[ "${LITELLM_VERSION}" =~ ^[0-9A-Za-z.+!-]+$ ]] || die "not a version: '${LITELLM_VERSION}' (from LITELLM_VERSION or ${VERSION_FILE#"${ROOT}"/})"
export LITELLM_VERSION

[[ -x "${VENV}/bin/python" ]] || die "no dev environment at ${VENV#"${ROOT}"/}: run scripts/bootstrap.sh first"

loopback_url() {
    [[ "$1" =~ ^https?://(127\.[0-9.]+|localhost|\[::1\])(:[0-9]+)?/?$ ]]
}

# A running proxy given the way `scripts/real-proxy.sh run` gives it to its command.
if [[ -z "${LITELLM_TEST_PROXY_URL:-}" && -z "${LITELLM_TEST_PROXY_MASTER_KEY:-}" \
      && -n "${LITELLM_PROXY_URL:-}" && -n "${LITELLM_PROXY_API_KEY:-}" ]]; then
    if loopback_url "${LITELLM_PROXY_URL}"; then
        export LITELLM_TEST_PROXY_URL="${LITELLM_PROXY_URL}" LITELLM_TEST_PROXY_MASTER_KEY="${LITELLM_PROXY_API_KEY}"
    else
        log "LITELLM_PROXY_URL is not on this machine (${LITELLM_PROXY_URL}): not testing it; set LITELLM_TEST_PROXY_URL and LITELLM_TEST_PROXY_MASTER_KEY to test a remote proxy on purpose"
    fi
fi

if [[ -n "${LITELLM_TEST_PROXY_URL:-}" || -n "${LITELLM_TEST_PROXY_MASTER_KEY:-}" ]]; then
    [[ -n "${LITELLM_TEST_PROXY_URL:-}" && -n "${LITELLM_TEST_PROXY_MASTER_KEY:-}" ]] ||
        die "set both LITELLM_TEST_PROXY_URL and LITELLM_TEST_PROXY_MASTER_KEY, or neither"
    log "using the running proxy ${LITELLM_TEST_PROXY_URL} (nothing is started)"
else
    # PostgreSQL (installed when missing and we may), the proxy venv, the query engine, `prisma generate`:
    # cached, seconds when complete.
    "${ROOT}/scripts/real-proxy.sh" build ||
        die "could not build the real stack (scripts/real-proxy.sh build, output above)"
fi

# The proxy venv (LiteLLM's own client and CLI), shared with the real stack: one helper installs it for both.
PROXY_VENV="$("${VENV}/bin/python" "${ROOT}/tests/real_proxy/proxy_venv.py" --version "${LITELLM_VERSION}")" ||
    die "could not install the LiteLLM ${LITELLM_VERSION} proxy environment (tests/real_proxy/proxy_venv.py, output above)"

COLLECTIONS_PATH="$("${ROOT}/scripts/sync-tree.sh")"

cd "${ROOT}"
# CONTRACT_TIER_REQUIRED: a proxy or environment that cannot be had fails the run instead of skipping the tier.
export LITELLM_PROXY_VENV="${PROXY_VENV}" CONTRACT_TIER_REQUIRED=1
export CONTRACT_COLLECTIONS_PATH="${COLLECTIONS_PATH}"
# The whole tier, unless the arguments name tests of it themselves (not as the value of an option: --deselect X).
targets=(tests/contract)
previous=""
for arg in "$@"; do
    case "${previous}" in
        --deselect | --ignore | --ignore-glob | -k | -m | -p | --basetemp) ;;
        *) [[ "${arg}" == tests/contract* ]] && targets=() ;;
    esac
    previous="${arg}"
done
exec "${VENV}/bin/python" -m pytest -p no:cacheprovider -ra "${targets[@]}" "$@"
