#!/usr/bin/env bash
# The scale benchmark (see bench/bench.py and bench/README.md): runs with the project's .venv by default.
#   bench/run.sh                 full run (N = 100 and 1000, litellm_key_info over 10 000 keys; about an hour)
#   bench/run.sh --smoke         N = 5, a few seconds per variant
#   BENCH_PYTHON=/path/to/venv/bin/python bench/run.sh ...   another venv (its ansible-playbook is used)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${BENCH_PYTHON:-${ROOT}/.venv/bin/python}"
[[ -x "${PYTHON}" ]] || { echo "ERROR: ${PYTHON} not found; run scripts/bootstrap.sh first" >&2; exit 1; }
exec "${PYTHON}" "${ROOT}/bench/bench.py" --ansible-bin-dir "$(dirname "${PYTHON}")" "$@"
