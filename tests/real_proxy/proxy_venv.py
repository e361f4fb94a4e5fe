"""The one cached virtual environment that runs the real LiteLLM proxy, for the contract tier and the real stack.

Both ``scripts/contract.sh`` (the proxy without a database) and ``stack.py build`` (the proxy on PostgreSQL) run
LiteLLM from the same venv, so it is installed in one place, here::

    ${XDG_CACHE_HOME:-~/.cache}/llmops-litellm/litellm-proxy-VERSION

It holds ``litellm[proxy]==VERSION`` and ``prisma==0.15.0`` on Python 3.11 (LITELLM_PROXY_PYTHON names another
interpreter; not PYTHON, which is the project's tool interpreter and may be newer than LiteLLM's tested one),
with every package they need, installed by hash from ``locks/litellm-proxy-VERSION.txt`` (scripts/locks.py; one
lock per LiteLLM release the suite builds, so two machines run the same code under the same pin). LiteLLM lists
prisma under its ``extra-proxy`` extra (not ``proxy``), yet its database code and even its error paths without a
database import it; 0.15.0 is the release whose engine and Prisma CLI the real stack can provide (see
engine/package.json), pinned rather than left to whatever satisfies LiteLLM's bound. The venv is reused while
its stamp (written last, naming this recipe and the lock's hash) matches and its programs run; otherwise it is
rebuilt from scratch. One install at a time per machine (flock): parallel runs wait for the first and reuse its
venv.

Command line (stdlib only; prints the venv's path on stdout, progress on stderr)::

    python tests/real_proxy/proxy_venv.py [--version 1.108.7] [--python /path/to/python3.11]
"""

import argparse
import fcntl
import glob
import json
import os
import pathlib
import shutil
import subprocess
import sys

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
if str(REPO_ROOT / 'scripts') not in sys.path:
    sys.path.insert(0, str(REPO_ROOT / 'scripts'))

import locks  # noqa: E402  pylint: disable=wrong-import-position

VERSION_FILE = REPO_ROOT / 'tests' / 'contract' / 'litellm-version.txt'
# The prisma-client-py release the real stack's query engine (engine/package.json) is built for.
PRISMA_REQUIREMENT = 'prisma==0.15.0'
# Written last by a complete install (the contract tier's conftest looks for it too).
STAMP_NAME = '.llmops-contract-complete'
# Modules the proxy, LiteLLM's CLI and client, and the real stack's build need from the venv.
REQUIRED_MODULES = ('fastapi', 'uvicorn', 'prisma', 'click', 'requests', 'litellm_proxy_extras')
PYTHON_VERSION = '3.11'


class ProxyVenvError(RuntimeError):
    """The proxy venv cannot be installed or used; the message says why and where."""


def log(message):
    print('==> ' + message, file=sys.stderr, flush=True)


def pinned_litellm_version():
    """The LiteLLM version of tests/contract/litellm-version.txt (the only place it is pinned)."""
    for line in VERSION_FILE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith('#'):
            return line.strip()
    raise ProxyVenvError('%s names no version' % VERSION_FILE)


def litellm_version():
    """LITELLM_VERSION if set (checking another release), else the pinned one."""
    return os.environ.get('LITELLM_VERSION') or pinned_litellm_version()


def cache_root():
    cache = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return pathlib.Path(cache) / 'llmops-litellm'


def venv_path(version=None):
    return cache_root() / ('litellm-proxy-' + (version or litellm_version()))


def find_python():
    """LITELLM_PROXY_PYTHON, else a Python 3.11: ``python3.11`` on PATH when it runs, else the newest 3.11 that
    pyenv installed (pyenv's shims answer only for the versions selected, but every installed one is usable)."""
    given = os.environ.get('LITELLM_PROXY_PYTHON')
    candidates = [given] if given else ['python' + PYTHON_VERSION] + sorted(
        glob.glob(os.path.join(os.environ.get('PYENV_ROOT') or os.path.expanduser('~/.pyenv'), 'versions',
                               PYTHON_VERSION + '.*', 'bin', 'python' + PYTHON_VERSION)), reverse=True)
    for candidate in candidates:
        try:
            found = subprocess.run([candidate, '-c', 'import sys; print(sys.executable)'], check=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, universal_newlines=True)
        except (OSError, subprocess.CalledProcessError):
            continue
        return found.stdout.strip()
    raise ProxyVenvError('no Python %s found (tried %s): install it, or set LITELLM_PROXY_PYTHON to an interpreter'
                         % (PYTHON_VERSION, ', '.join(candidates)))


def lock_name(version):
    """The lock of scripts/locks.py that installs this LiteLLM release: locks/litellm-proxy-VERSION.txt."""
    return 'litellm-proxy-' + version


def recipe(version, python):
    """What the venv is built from: a venv stamped with anything else is rebuilt."""
    interpreter = subprocess.run([python, '-c', 'import sys; print(sys.version.split()[0])'], check=True,
                                 stdout=subprocess.PIPE, universal_newlines=True).stdout.strip()
    try:
        lock = locks.Lock(lock_name(version))
        problems = lock.problems()
    except locks.LockError as error:
        problems = [str(error)]
    if problems:
        raise ProxyVenvError('LiteLLM %s has no usable lock: %s. To build another release, copy '
                             'locks/litellm-proxy-%s.in to locks/%s.in with that version and run `make lock`'
                             % (version, '; '.join(problems), pinned_litellm_version(), lock_name(version)))
    return json.dumps({'litellm': 'litellm[proxy]==' + version, 'prisma': PRISMA_REQUIREMENT, 'python': interpreter,
                       'lock_sha256': lock.digest()}, sort_keys=True)


def stamp(venv):
    """The recipe a complete venv was built from, or None."""
    try:
        return (pathlib.Path(venv) / STAMP_NAME).read_text()
    except OSError:
        return None


_HEALTH_PROBE = '''
import importlib.metadata, importlib.util, sys
assert importlib.metadata.version('litellm') == sys.argv[1], importlib.metadata.version('litellm')
assert importlib.metadata.version('prisma') == sys.argv[2], importlib.metadata.version('prisma')
for module in sys.argv[3:]:
    assert importlib.util.find_spec(module) is not None, module
'''


def healthy(venv, version, expected_recipe):
    venv = pathlib.Path(venv)
    if stamp(venv) != expected_recipe:
        return False
    if not all((venv / 'bin' / name).is_file() for name in ('python', 'litellm', 'litellm-proxy', 'prisma')):
        return False
    probe = subprocess.run([str(venv / 'bin' / 'python'), '-c', _HEALTH_PROBE, version,
                            PRISMA_REQUIREMENT.split('==')[1]] + list(REQUIRED_MODULES),
                           check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return probe.returncode == 0


_BOUND_CHECK = '''
import importlib.metadata, re, sys
try:
    from packaging.requirements import Requirement
except ImportError:
    sys.exit(0)
for requirement in importlib.metadata.requires('litellm') or ():
    if re.match(r'prisma\\b', requirement):
        declared = Requirement(requirement.split(';')[0])
        if not declared.specifier.contains(sys.argv[1], prereleases=True):
            sys.exit('LiteLLM declares %s, which excludes prisma %s' % (declared, sys.argv[1]))
'''


def install(venv, version, python, expected_recipe):
    log('installing litellm[proxy]==%s and %s into %s (locks/%s.txt)'
        % (version, PRISMA_REQUIREMENT, venv, lock_name(version)))
    shutil.rmtree(str(venv), ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([python, '-m', 'venv', str(venv)], check=True)
    try:
        locks.install(lock_name(version), str(venv / 'bin' / 'python'))
    except locks.LockError as error:
        raise ProxyVenvError('%s (into %s)' % (error, venv)) from None
    bound = subprocess.run([str(venv / 'bin' / 'python'), '-c', _BOUND_CHECK, PRISMA_REQUIREMENT.split('==')[1]],
                           check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    if bound.returncode != 0:
        raise ProxyVenvError('%s; change prisma in locks/%s.in and PRISMA_REQUIREMENT in %s (and the engine pins '
                             'in tests/real_proxy/engine/package.json to match), then run `make lock`'
                             % (bound.stdout.strip(), lock_name(version), pathlib.Path(__file__).relative_to(REPO_ROOT)))
    (venv / STAMP_NAME).write_text(expected_recipe)


def ensure(version=None, python=None):
    """The path of a complete proxy venv for ``version``, installed now unless a healthy one is cached."""
    version = version or litellm_version()
    python = python or find_python()
    venv = venv_path(version)
    expected_recipe = recipe(version, python)
    cache_root().mkdir(parents=True, exist_ok=True)
    with open(str(cache_root() / ('.litellm-proxy-%s.lock' % version)), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if healthy(venv, version, expected_recipe):
            log('reusing %s' % venv)
            return venv
        install(venv, version, python, expected_recipe)
        if not healthy(venv, version, expected_recipe):
            raise ProxyVenvError('the proxy environment %s is not usable after installing it' % venv)
    return venv


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--version', help='LiteLLM version (default: LITELLM_VERSION or %s)'
                        % VERSION_FILE.relative_to(REPO_ROOT))
    parser.add_argument('--python', help='interpreter to build the venv with (default: LITELLM_PROXY_PYTHON, '
                        'else Python %s)' % PYTHON_VERSION)
    args = parser.parse_args(argv)
    try:
        print(ensure(args.version, args.python))
    except (ProxyVenvError, subprocess.CalledProcessError) as error:
        print('ERROR: %s' % error, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
