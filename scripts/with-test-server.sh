#!/usr/bin/env bash
# Runs a command against a fresh local LiteLLM-compatible test server (tests/litellm_test_server/server.py),
# then stops the server, whatever the command did.
#
#   scripts/with-test-server.sh [SERVER-OPTION...] [--] COMMAND [ARG...]
#   e.g. scripts/with-test-server.sh ansible-playbook examples/demo.yml
#        scripts/with-test-server.sh --plain-proxy -- pytest tests/unit
#
# The server gets a free loopback port, a new SQLite database and a random master key. The command sees
#   LITELLM_PROXY_URL      the server's base URL
#   LITELLM_PROXY_API_KEY  its master key (handed over in the environment only: never printed, never on a
#                          command line, so it is not visible in `ps` either)
# Options before `--` (or before the first word not starting with `--`) go to the server, e.g. --plain-proxy.
# Exit status: the command's. On failure the server's log and database are kept under .build/test-server/.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

STARTUP_TIMEOUT_SECONDS=30

server_args=()
while [[ $# -gt 0 && "$1" == --* ]]; do
    if [[ "$1" == "--" ]]; then
        shift
        break
    fi
    server_args+=("$1")
    shift
done
[[ $# -gt 0 ]] || die "usage: $0 [SERVER-OPTION...] [--] COMMAND [ARG...]"

server_script="${ROOT}/tests/litellm_test_server/server.py"
[[ -f "${server_script}" ]] || die "the local test server is missing: ${server_script}"
# The server needs jsonschema: the dev venv has it (scripts/bootstrap.sh); fall back to python3.11 outside it.
server_python="${VENV}/bin/python"
[[ -x "${server_python}" ]] || server_python="${PYTHON}"

mkdir -p "${BUILD_DIR}/test-server"
state_dir="$(mktemp -d "${BUILD_DIR}/test-server/run.XXXXXX")"
master_key="sk-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
server_pid=""

stop_server() {
    local status=$?
    if [[ -n "${server_pid}" ]] && kill -0 "${server_pid}" 2>/dev/null; then
        kill "${server_pid}" 2>/dev/null || true
        wait "${server_pid}" 2>/dev/null || true
    fi
    if [[ ${status} -eq 0 ]]; then
        rm -rf "${state_dir}"
    else
        log "test server files kept for inspection: ${state_dir#"${ROOT}"/}"
    fi
    return "${status}"
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

LITELLM_MASTER_KEY="${master_key}" "${server_python}" "${server_script}" --port 0 \
    --db "${state_dir}/keys.sqlite" --ready-file "${state_dir}/url" "${server_args[@]}" \
    >"${state_dir}/server.log" 2>&1 </dev/null &
server_pid=$!

deadline=$((SECONDS + STARTUP_TIMEOUT_SECONDS))
until [[ -s "${state_dir}/url" ]]; do
    if ! kill -0 "${server_pid}" 2>/dev/null || ((SECONDS >= deadline)); then
        # The log is the server's own; mask the key all the same before showing it.
        sed "s/${master_key}/sk-***/g" "${state_dir}/server.log" >&2
        die "the local test server did not start (log above)"
    fi
    sleep 0.1
done

LITELLM_PROXY_URL="$(cat "${state_dir}/url")"
export LITELLM_PROXY_URL
export LITELLM_PROXY_API_KEY="${master_key}"
unset master_key
log "local test server at ${LITELLM_PROXY_URL}"
"$@"
