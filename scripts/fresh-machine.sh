#!/usr/bin/env bash
# `make test` as on a brand-new machine: .ci/run in a new clone of this repository's HEAD, with HOME set to an
# empty directory (no ~/.ansible, ~/.cache, pip or npm cache, no user configuration), CI=true and no standard input,
# exactly as CI runs it. The Python interpreters are found as the README says (on PATH, or among pyenv's installed
# versions: PYENV_ROOT is kept). At the end, a table of each tier's seconds per run.
#
#   scripts/fresh-machine.sh                 one cold run
#   scripts/fresh-machine.sh --runs 2        a cold run, then a second one in another new clone with the same home:
#                                            the second shows what the caches under ~ save
#   scripts/fresh-machine.sh --home DIR      use DIR as the home (made if missing; an existing one is warm)
#   scripts/fresh-machine.sh --work DIR      put the clones, logs and the default home in DIR (default: a new
#                                            directory under ${TMPDIR:-/tmp}); --keep keeps the clones afterwards
#
# Only committed work is tested (it clones HEAD). The logs stay in the work directory: run-N.log is the whole
# output of run N, summary.txt the table. Exit status: 0 when every run passed.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

runs=1
home=""
work=""
keep=false
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die "--runs takes a whole number, 1 or more"; runs="$2"; shift 2 ;;
        --home) [[ -n "${2:-}" ]] || die "--home takes a directory"; home="$2"; shift 2 ;;
        --work) [[ -n "${2:-}" ]] || die "--work takes a directory"; work="$2"; shift 2 ;;
        --keep) keep=true; shift ;;
        -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done

if [[ -n "$(git -C "${ROOT}" status --porcelain --untracked-files=no)" ]]; then
    log "the work tree has uncommitted changes: they are not part of this run (it tests HEAD, $(git -C "${ROOT}" rev-parse --short HEAD))"
fi
[[ -n "${work}" ]] || work="$(mktemp -d "${TMPDIR:-/tmp}/llmops-fresh-machine.XXXXXX")"
mkdir -p "${work}"
work="$(cd "${work}" && pwd)"
[[ -n "${home}" ]] || home="${work}/home"
mkdir -p "${home}"
home="$(cd "${home}" && pwd)"
if [[ -n "$(ls -A "${home}")" ]]; then
    log "home ${home} is not empty: this run is warm"
fi
# pyenv's installed interpreters stay where they are; HOME no longer leads to them.
pyenv_root="${PYENV_ROOT:-}"
[[ -n "${pyenv_root}" ]] || pyenv_root="$(pyenv root 2>/dev/null)" || pyenv_root="${HOME}/.pyenv"

# The environment of a new machine's CI run: the user's settings that point into the old home, or at caches
# and configuration elsewhere, are dropped.
clean_env=(env -u XDG_CACHE_HOME -u XDG_CONFIG_HOME -u XDG_DATA_HOME -u XDG_STATE_HOME -u PIP_CACHE_DIR
           -u npm_config_cache -u NPM_CONFIG_CACHE -u ANSIBLE_HOME -u ANSIBLE_CONFIG -u ANSIBLE_COLLECTIONS_PATH
           -u VIRTUAL_ENV -u PYTHON -u LITELLM_TEST_PROXY_URL -u LITELLM_TEST_PROXY_MASTER_KEY
           -u LITELLM_PROXY_URL -u LITELLM_PROXY_API_KEY
           HOME="${home}" PYENV_ROOT="${pyenv_root}" CI=true)

summary="${work}/summary.txt"
declare -A seconds_of=()
tiers=()
status=0
for run in $(seq 1 "${runs}"); do
    clone="${work}/clone-${run}"
    rm -rf "${clone}"
    git clone --quiet --no-hardlinks "${ROOT}" "${clone}"
    tested="$(git -C "${clone}" rev-parse --short HEAD)"
    log "run ${run} of ${runs}: .ci/run in ${clone} (HEAD ${tested}), HOME=${home}"
    started=${SECONDS}
    result=0
    (cd "${clone}" && "${clean_env[@]}" bash .ci/run </dev/null) >"${work}/run-${run}.log" 2>&1 || result=$?
    seconds=$((SECONDS - started))
    log "run ${run}: exit ${result} in ${seconds}s (log: ${work}/run-${run}.log)"
    [[ ${result} -eq 0 ]] || status=1
    # The tier table scripts/test.sh prints at the end, and the set-up before the first tier.
    bootstrap="$(sed -n 's/^==> bootstrap done in \([0-9]*\)s$/\1/p' "${work}/run-${run}.log" | head -n1)"
    seconds_of["set-up,${run}"]="${bootstrap:-?}"
    while read -r tier outcome tier_seconds; do
        [[ " ${tiers[*]} " == *" ${tier} "* ]] || tiers+=("${tier}")
        seconds_of["${tier},${run}"]="${tier_seconds} ${outcome}"
    done < <(awk '/^tier +result +seconds$/ {table = 1; next} table && /^total / {exit} table && NF >= 3 {print $1, $2, $NF}' \
        "${work}/run-${run}.log")
    seconds_of["total,${run}"]="${seconds} $([[ ${result} -eq 0 ]] && echo PASS || echo "FAIL(${result})")"
    seconds_of["commit,${run}"]="${tested}"
    [[ "${keep}" == true ]] || rm -rf "${clone}"
done

{
    printf '%-12s' "tier"
    for run in $(seq 1 "${runs}"); do printf '  %-16s' "run ${run} (s)"; done
    printf '\n'
    for tier in commit set-up "${tiers[@]}" total; do
        printf '%-12s' "${tier}"
        for run in $(seq 1 "${runs}"); do printf '  %-16s' "${seconds_of[${tier},${run}]:--}"; done
        printf '\n'
    done
    printf '\nset-up: scripts/bootstrap.sh before the first tier (the virtualenvs, by hash); total: the whole .ci/run.\n'
    printf 'home %s, %s\n' "${home}" "$(date -u +%Y-%m-%dT%H:%MZ)"
} | tee "${summary}"
exit "${status}"
