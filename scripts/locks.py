#!/usr/bin/env python
"""Hash-locked installs: every virtual environment the test suite makes installs exactly one lock file.

Each environment has two files in ``locks/``: ``NAME.in`` says what we ask for (the top-level pins, and the
Python the environment runs, in a ``# python: X.Y`` line, and any ``# override: PACKAGE==VERSION`` lines: a pin that
replaces what a dependency asks for, as ``uv pip compile --override`` does), ``NAME.txt`` is what we get: every package, its
dependencies included, at one version, with the sha256 of every file the index serves for that version. pip
installs a lock with ``--require-hashes`` (a file whose hash is not in the lock stops the install before anything
is installed) and ``--only-binary :all:`` (no source build, which would install build tools unchecked).

    scripts/locks.py install NAME PYTHON [PIP-ARGS...]   install locks/NAME.txt with PYTHON (a venv's interpreter)
    scripts/locks.py check [NAME...]                     each lock is current with its .in file (exit 1 if not)
    scripts/locks.py compile [--upgrade] [NAME...]       refresh locks (``make lock``); see below
    scripts/locks.py digest NAME                         the sha256 of the lock (what a venv built from it is stamped with)
    scripts/locks.py list                                the locks and their Pythons

Refreshing: after changing a ``.in`` file, ``make lock`` (this script's ``compile``) re-resolves the locks whose
input changed; versions that still fit are kept. ``make lock UPGRADE=1`` takes the newest versions that fit. It
runs ``uv pip compile --generate-hashes`` from ``.venv-locks`` (uv itself installed from ``locks/lock-tools.txt``,
by hash) against PyPI; ``UV_INDEX_URL`` names a mirror. Commit the ``.in`` and ``.txt`` files together: the
lock's header records the sha256 of its input, and ``check`` (run by the unit tier, and by every install) fails
on a lock older than its input.

Only the standard library: it runs before any environment exists.
"""

import argparse
import hashlib
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
LOCK_DIR = ROOT / 'locks'
LOCK_TOOLS = 'lock-tools'
TOOLS_VENV = ROOT / '.venv-locks'
PYTHON_LINE = re.compile(r'^#\s*python:\s*(\d+\.\d+)\s*$', re.MULTILINE)
# A pin that wins over a dependency's own requirement (a release whose exact pin the index does not serve).
OVERRIDE_LINE = re.compile(r'^#\s*override:\s*(\S+)\s*$', re.MULTILINE)
INPUT_DIGEST_LINE = re.compile(r'^# input-sha256: ([0-9a-f]{64})$', re.MULTILINE)
# uv names the platform; the locks are for the Linux machines the suite runs on (hashes cover every file
# of a version, so other CPUs' wheels are in them too).
PLATFORM = 'linux'
# pip warns once per package about index locations some machines configure and this one lacks.
PIP_NOISE = re.compile(r"^WARNING: Location '.*' is ignored: it is neither a file nor a directory\.$")
HASH_MISMATCH = 'DO NOT MATCH THE HASHES'


class LockError(Exception):
    """A lock cannot be used or made; the message says why and what to do."""


def log(message):
    print('==> ' + message, file=sys.stderr, flush=True)


def relative(path):
    try:
        return str(pathlib.Path(path).relative_to(ROOT))
    except ValueError:
        return str(path)


class Lock:
    """locks/NAME.in and locks/NAME.txt."""

    def __init__(self, name):
        if not re.match(r'^[A-Za-z0-9][A-Za-z0-9._-]*$', name):
            raise LockError('not a lock name: %r' % name)
        self.name = name
        self.input = LOCK_DIR / (name + '.in')
        self.path = LOCK_DIR / (name + '.txt')
        if not self.input.is_file():
            raise LockError('no lock %r: %s does not exist (known: %s)'
                            % (name, relative(self.input), ', '.join(all_names()) or 'none'))

    @property
    def python(self):
        """The Python version (X.Y) the environment runs, from the input's ``# python: X.Y`` line."""
        found = PYTHON_LINE.search(self.input.read_text())
        if not found:
            raise LockError('%s names no Python: add a line `# python: X.Y`' % relative(self.input))
        return found.group(1)

    def input_digest(self):
        return hashlib.sha256(self.input.read_bytes()).hexdigest()

    def digest(self):
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    def versions(self):
        """{normalised package name: version} of every package the lock installs."""
        pinned = (re.match(r'^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;]+)', line)
                  for line in requirements(self.path.read_text()))
        return {re.sub(r'[-_.]+', '-', match.group(1)).lower(): match.group(2) for match in pinned if match}

    def problems(self):
        """Why this lock cannot be installed as it is: [] when it is current and complete."""
        if not self.path.is_file():
            return ['%s does not exist: run `make lock`' % relative(self.path)]
        text = self.path.read_text()
        recorded = INPUT_DIGEST_LINE.search(text)
        if not recorded or recorded.group(1) != self.input_digest():
            return ['%s is not compiled from %s as it is now: run `make lock` and commit both'
                    % (relative(self.path), relative(self.input))]
        problems = []
        for requirement in requirements(text):
            if not re.match(r'^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?==[^\s;]+( *;.*?)? +--hash=sha256:', requirement):
                problems.append('%s: not one version with its hashes: %s' % (relative(self.path), requirement.split(' --hash')[0]))
        if not requirements(text):
            problems.append('%s locks no package' % relative(self.path))
        return problems


def requirements(text):
    """The requirement lines of a lock, each with its continuation lines joined; comments dropped."""
    joined = re.sub(r'\\\n', ' ', text)
    return [re.sub(r'\s+', ' ', line).strip() for line in joined.splitlines()
            if line.strip() and not line.lstrip().startswith('#')]


def all_names():
    return sorted(path.stem for path in LOCK_DIR.glob('*.in'))


def interpreter_version(python):
    try:
        return subprocess.run([python, '-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], check=True,
                              stdout=subprocess.PIPE, universal_newlines=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as error:
        raise LockError('cannot run the interpreter %s: %s' % (python, error)) from None


def has_pip(python):
    return subprocess.run([python, '-c', 'import pip'], check=False, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0


def install(name, python, pip_args=()):
    """pip install --require-hashes of locks/NAME.txt into the environment of ``python``."""
    lock = Lock(name)
    problems = lock.problems()
    if problems:
        raise LockError('; '.join(problems))
    version = interpreter_version(python)
    if version != lock.python:
        raise LockError('%s is locked for Python %s, but %s is Python %s: use a Python %s interpreter, or change '
                        'the `# python:` line of %s and run `make lock`'
                        % (relative(lock.path), lock.python, python, version, lock.python, relative(lock.input)))
    # A venv made --without-pip gets its packages from this interpreter's pip (pip --python).
    pip = [python, '-m', 'pip'] if has_pip(python) else [sys.executable, '-m', 'pip', '--python', python]
    command = pip + ['install', '--disable-pip-version-check', '--quiet', '--require-hashes', '--only-binary',
                     ':all:', '-r', str(lock.path)] + list(pip_args)
    process = subprocess.run(command, check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             universal_newlines=True)
    output = '\n'.join(line for line in process.stdout.splitlines() if not PIP_NOISE.match(line))
    if output.strip():
        print(output, file=sys.stderr)
    if process.returncode == 0:
        return
    if HASH_MISMATCH in process.stdout:
        raise LockError('a package the index served does not match its hash in %s (pip says which, above): nothing '
                        'was installed from it. The file differs from the one the lock was made from: a tampered or '
                        're-published package, or a mirror that serves other files. Find out which before going on; '
                        'if you changed the pins on purpose, refresh the locks with `make lock`' % relative(lock.path))
    raise LockError('pip could not install %s (exit status %d, output above)' % (relative(lock.path), process.returncode))


def ensure_tools():
    """.venv-locks with uv, from locks/lock-tools.txt (by hash); its path to uv."""
    lock = Lock(LOCK_TOOLS)
    uv = TOOLS_VENV / 'bin' / 'uv'
    stamp = TOOLS_VENV / '.locks-stamp'
    if uv.is_file() and stamp.is_file() and stamp.read_text() == lock.digest():
        return uv
    log('creating %s (uv, from %s)' % (relative(TOOLS_VENV), relative(lock.path)))
    shutil.rmtree(str(TOOLS_VENV), ignore_errors=True)
    subprocess.run([sys.executable, '-m', 'venv', str(TOOLS_VENV)], check=True)
    install(LOCK_TOOLS, str(TOOLS_VENV / 'bin' / 'python'))
    stamp.write_text(lock.digest())
    return uv


def compile_lock(name, uv, upgrade=False):
    lock = Lock(name)
    with tempfile.TemporaryDirectory() as scratch:
        output = pathlib.Path(scratch) / lock.path.name
        if lock.path.is_file() and not upgrade:
            # uv keeps the versions of an existing output file that still fit.
            shutil.copy2(str(lock.path), str(output))
        command = [str(uv), 'pip', 'compile', '--quiet', '--no-config', '--generate-hashes', '--no-header',
                   '--python-version', lock.python, '--python-platform', PLATFORM, '--output-file', str(output),
                   relative(lock.input)] + (['--upgrade'] if upgrade else [])
        overrides = OVERRIDE_LINE.findall(lock.input.read_text())
        if overrides:
            override_file = pathlib.Path(scratch) / 'overrides.txt'
            override_file.write_text('\n'.join(overrides) + '\n')
            command += ['--override', str(override_file)]
        process = subprocess.run(command, cwd=str(ROOT), check=False)
        if process.returncode != 0:
            raise LockError('uv could not resolve %s (exit status %d, output above)' % (relative(lock.input), process.returncode))
        body = output.read_text()
    header = ('# %s: every package of the %s environment (Python %s), with its hashes.\n'
              '# Compiled from %s by `make lock` (scripts/locks.py); do not edit by hand.\n'
              '# input-sha256: %s\n' % (relative(lock.path), name, lock.python, relative(lock.input), lock.input_digest()))
    lock.path.write_text(header + body)
    log('%s: %d packages' % (relative(lock.path), len(requirements(body))))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    commands = parser.add_subparsers(dest='command', required=True)
    install_parser = commands.add_parser('install', help='install locks/NAME.txt with PYTHON')
    install_parser.add_argument('name')
    install_parser.add_argument('python')
    install_parser.add_argument('pip_args', nargs=argparse.REMAINDER)
    check_parser = commands.add_parser('check', help='each lock is current with its input')
    check_parser.add_argument('names', nargs='*')
    compile_parser = commands.add_parser('compile', help='refresh locks whose input changed (all with --upgrade)')
    compile_parser.add_argument('--upgrade', action='store_true', help='the newest versions that fit')
    compile_parser.add_argument('names', nargs='*')
    digest_parser = commands.add_parser('digest', help='sha256 of locks/NAME.txt')
    digest_parser.add_argument('name')
    commands.add_parser('list', help='the locks and their Pythons')
    args = parser.parse_args(argv)
    try:
        if args.command == 'install':
            install(args.name, args.python, args.pip_args)
        elif args.command == 'check':
            problems = [problem for name in args.names or all_names() for problem in Lock(name).problems()]
            for problem in problems:
                print('ERROR: ' + problem, file=sys.stderr)
            return 1 if problems else 0
        elif args.command == 'compile':
            uv = ensure_tools()
            for name in args.names or all_names():
                lock = Lock(name)
                if args.upgrade or args.names or lock.problems():
                    compile_lock(name, uv, upgrade=args.upgrade)
                else:
                    log('%s is current' % relative(lock.path))
        elif args.command == 'digest':
            print(Lock(args.name).digest())
        else:
            for name in all_names():
                print('%-28s Python %s' % (name, Lock(name).python))
    except LockError as error:
        print('ERROR: %s' % error, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
