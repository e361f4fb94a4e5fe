#!/usr/bin/env bash
# Refreshes the hash locks of every environment the suite makes (`make lock`): locks/NAME.txt from locks/NAME.in,
# for the locks whose input changed, keeping the versions that still fit. With --upgrade: every lock, at the
# newest versions that fit. Arguments name locks (dev, ecosystem, litellm-proxy-1.108.7, ...). See scripts/locks.py.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

exec "${PYTHON}" "${LOCKS}" compile "$@"
