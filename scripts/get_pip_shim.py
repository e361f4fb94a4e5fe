# llmops-litellm get-pip shim (scripts/bootstrap.sh installs this file; the line above marks it as ours)
"""Stand-in for get-pip.py, so that `ansible-test ... --venv` works where only a package registry is reachable.

ansible-test creates its virtual environments without pip and bootstraps pip by running
``get-pip.py <pip options> pip==<version>`` (plus ``--no-setuptools``/``--no-wheel`` in newer releases).
It takes that script from ``~/.ansible/test/cache/get_pip_<version>.py`` when present and only otherwise
downloads it from a host that is not a package registry, which fails on air-gapped or registry-only machines.

scripts/bootstrap.sh copies this file there for every pip version the installed ansible-test releases ask
for. It does what get-pip.py does, with the interpreter's own bundled pip (``ensurepip``) instead of an
embedded copy, and then lets that pip install the requested packages from whatever index the user's pip
configuration names (PIP_INDEX_URL, pip.conf, ...).

``ensurepip`` clears every PIP_* variable and sets PIP_CONFIG_FILE=/dev/null in the process it runs in.
Each pip step therefore runs in its own process, and the second one gets the environment as it was when
this script started, so the user's index, proxy and certificate settings still apply.

Air-gapped users: point pip at an internal mirror (PIP_INDEX_URL or pip.conf), then run scripts/bootstrap.sh,
or copy this file by hand to ~/.ansible/test/cache/get_pip_<version with _ for .>.py.
"""

import os
import subprocess
import sys

# Options of get-pip.py itself; pip does not know them.
GET_PIP_OPTIONS = ('--no-setuptools', '--no-wheel', '--no-pip')


def run(command, env, quiet=False):
    """Run a command; stop with its exit status if it fails. A quiet command's output is shown only then."""
    process = subprocess.run(command, env=env, stdout=subprocess.PIPE if quiet else None,
                             stderr=subprocess.STDOUT if quiet else None, check=False)
    if process.returncode:
        if quiet:
            sys.stdout.write(process.stdout.decode(errors='replace'))
        sys.stderr.write('get-pip shim: %s exited with status %d\n' % (' '.join(command[1:4]), process.returncode))
        sys.exit(process.returncode)


def has_module(name, env):
    """Whether the target interpreter can import the named module."""
    return subprocess.call([sys.executable, '-c', 'import %s' % name], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0


def main(argv):
    original_env = dict(os.environ)
    pip_args = [arg for arg in argv if arg not in GET_PIP_OPTIONS]
    packages = []
    # get-pip.py installs setuptools and wheel unless told not to; keep that behaviour.
    if '--no-setuptools' not in argv:
        packages.append('setuptools')
    if '--no-wheel' not in argv:
        packages.append('wheel')
    # Python <= 3.11's ensurepip always installs setuptools too: remove it again when it was not wanted.
    had_setuptools = has_module('setuptools', original_env)

    run([sys.executable, '-m', 'ensurepip', '--default-pip'], dict(original_env), quiet=True)
    run([sys.executable, '-m', 'pip', 'install', '--upgrade'] + pip_args + packages, dict(original_env))

    if '--no-setuptools' in argv and not had_setuptools and has_module('setuptools', original_env):
        run([sys.executable, '-m', 'pip', 'uninstall', '--yes', '--quiet', 'setuptools'], dict(original_env))


if __name__ == '__main__':
    main(sys.argv[1:])
