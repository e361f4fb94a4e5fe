#!/usr/bin/env bash
# Contract tier: checks our requests, our local test server and LiteLLM's own client against the REAL LiteLLM
# proxy (tests/contract/).
#
#   scripts/contract.sh [PYTEST-ARGS...]              # e.g. -k cli, or tests/contract/test_error_contract.py
#   LITELLM_VERSION=1.100.0 scripts/contract.sh      # check another LiteLLM release
#
# The proxy version is pinned in one place, tests/contract/litellm-version.txt; LITELLM_VERSION overrides it.
# The proxy is installed (`litellm[proxy]==VERSION`, plus the `prisma` client its database code imports, at the
# bound LiteLLM itself declares for it) into its own virtual environment, cached per version at
#   ${XDG_CACHE_HOME:-~/.cache}/llmops-litellm/litellm-proxy-VERSION
# and reused while it is complete and healthy (about a minute to build with a warm pip cache, seconds after).
# The tests run with the project's dev environment (.venv, see scripts/bootstrap.sh); the proxy venv only runs
# the proxy process and LiteLLM's own client and CLI. Nothing secret is written anywhere: the proxy's master
# key is random per run and lives only in process environments.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

VERSION_FILE="${ROOT}/tests/contract/litellm-version.txt"
if [[ -z "${LITELLM_VERSION:-}" ]]; then
    LITELLM_VERSION="$(grep -v '^[[:space:]]*#' "${VERSION_FILE}" | grep -m1 -v '^[[:space:]]*$' | tr -d '[:space:]')"
fi
[[ "${LITELLM_VERSION}" =~ ^[0-9A-Za-z.+!-]+$ ]] || die "not a version: '${LITELLM_VERSION}' (from LITELLM_VERSION or ${VERSION_FILE#"${ROOT}"/})"

CACHE_DIR="${XDG_CACHE_HOME:-${HOME}/.cache}/llmops-litellm"
PROXY_VENV="${CACHE_DIR}/litellm-proxy-${LITELLM_VERSION}"
# Written last by a complete install: a venv without it (an interrupted install) is rebuilt.
STAMP="${PROXY_VENV}/.llmops-contract-complete"

[[ -x "${VENV}/bin/python" ]] || die "no dev environment at ${VENV#"${ROOT}"/}: run scripts/bootstrap.sh first"
command -v "${PYTHON}" >/dev/null || die "${PYTHON} not found (set PYTHON=/path/to/python3)"

proxy_venv_healthy() {
    [[ -f "${STAMP}" && -x "${PROXY_VENV}/bin/litellm" && -x "${PROXY_VENV}/bin/litellm-proxy" ]] || return 1
    "${PROXY_VENV}/bin/python" - "${LITELLM_VERSION}" <<'PY' 2>/dev/null
import importlib.metadata
import importlib.util
import sys

assert importlib.metadata.version('litellm') == sys.argv[1]
for module in ('fastapi', 'uvicorn', 'prisma', 'click', 'requests'):
    assert importlib.util.find_spec(module) is not None, module
PY
}

install_proxy_venv() {
    log "installing litellm[proxy]==${LITELLM_VERSION} into ${PROXY_VENV}"
    rm -rf "${PROXY_VENV}"
    "${PYTHON}" -m venv "${PROXY_VENV}"
    local pip=("${PROXY_VENV}/bin/python" -m pip install --quiet --disable-pip-version-check)
    # Warnings about configured index locations that do not exist on this machine are noise.
    "${pip[@]}" "litellm[proxy]==${LITELLM_VERSION}" 2>&1 | sed '/Location .* is ignored: it is neither/d'
    # Without a database the proxy still imports prisma on its error paths; without the package those paths
    # crash into a bare "Internal Server Error" instead of LiteLLM's error JSON. Every real deployment (which
    # has a database) has it, so install it at the bound LiteLLM declares for it (extra "extra-proxy").
    local prisma_requirement
    prisma_requirement="$("${PROXY_VENV}/bin/python" -c '
import importlib.metadata, re
for requirement in importlib.metadata.requires("litellm") or ():
    if re.match(r"prisma\b", requirement):
        print(requirement.split(";")[0].strip().replace(" ", ""))
        break
else:
    print("prisma")
')"
    "${pip[@]}" "${prisma_requirement}" 2>&1 | sed '/Location .* is ignored: it is neither/d'
    echo "${LITELLM_VERSION}" >"${STAMP}"
}

mkdir -p "${CACHE_DIR}"
# One install at a time per machine: parallel runs wait for the first and then reuse its venv.
exec 9>"${CACHE_DIR}/.litellm-proxy-${LITELLM_VERSION}.lock"
flock 9
if proxy_venv_healthy; then
    log "reusing ${PROXY_VENV}"
else
    install_proxy_venv
    proxy_venv_healthy || die "the proxy environment ${PROXY_VENV} is not usable after installing"
fi
flock -u 9

COLLECTIONS_PATH="$("${ROOT}/scripts/sync-tree.sh")"

cd "${ROOT}"
# CONTRACT_TIER_REQUIRED: a missing proxy environment fails the run instead of skipping the tier.
export LITELLM_VERSION LITELLM_PROXY_VENV="${PROXY_VENV}" CONTRACT_TIER_REQUIRED=1
export CONTRACT_COLLECTIONS_PATH="${COLLECTIONS_PATH}"
# The whole tier, unless the arguments name tests of it themselves.
targets=(tests/contract)
for arg in "$@"; do
    [[ "${arg}" == tests/contract* ]] && targets=()
done
exec "${VENV}/bin/python" -m pytest -p no:cacheprovider -ra "${targets[@]}" "$@"
