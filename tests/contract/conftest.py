"""Fixtures of the contract tier: the real LiteLLM proxy with its database, its OpenAPI document, the collection's
code and the local test server configured as that proxy is.

Run the tier with ``scripts/contract.sh``: it builds the real stack (tests/real_proxy/stack.py: the pinned proxy
on a private PostgreSQL) unless a proxy of your own is named, and installs the proxy venv LiteLLM's own client and
CLI run from. ``pytest tests/contract`` also works once both exist (the tier is skipped, naming the command, if
they do not). A pytest run of the whole ``tests/`` tree leaves this directory out: the tier starts a real stack
and has its own command.

One stack serves the whole session: the one ``LITELLM_TEST_PROXY_URL`` / ``LITELLM_TEST_PROXY_MASTER_KEY`` name
(nothing is started then), else a stack of the session's own, started when the session starts, in the
background, while the tests that need no proxy run; stopped at the end whatever happened.
"""

import json
import os
import pathlib
import sys
import threading
import time
import uuid

import pytest

CONTRACT_DIR = pathlib.Path(__file__).resolve().parent
REPO_ROOT = CONTRACT_DIR.parents[1]
# The stack, the proxy launcher and the proxy venv live with the real stack (tests/real_proxy/).
REAL_PROXY_DIR = REPO_ROOT / 'tests' / 'real_proxy'
for _path in (CONTRACT_DIR, REAL_PROXY_DIR):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from contract_env import (  # noqa: E402
    LITELLM_VERSION, OPENAPI_COPY, collection_module_utils, collections_path, without_newer_parts)
from litellm_proxy import StartupFailed, fetch_openapi, proxy_environment  # noqa: E402
from openapi_contract import OpenAPIContract  # noqa: E402
from proxy_venv import STAMP_NAME, ProxyVenvError, venv_path  # noqa: E402
import stack  # noqa: E402

# Every object the tier creates on the real proxy carries this in its id or alias: one long-lived proxy (your
# own, or `scripts/real-proxy.sh start`) can serve many runs, and a run only ever meets its own objects.
RUN_ID = 'c' + uuid.uuid4().hex[:7]


def pytest_ignore_collect(collection_path, config):
    """Collect the tier only when asked for: by scripts/contract.sh, or a path inside this directory."""
    if os.environ.get('CONTRACT_TIER_REQUIRED') or os.environ.get('CONTRACT_OPENAPI_FILE'):
        return None
    for arg in config.args:
        target = pathlib.Path(str(config.invocation_params.dir), arg.split('::')[0]).resolve()
        if target == CONTRACT_DIR or CONTRACT_DIR in target.parents:
            return None
    path = pathlib.Path(str(collection_path)).resolve()
    return True if path == CONTRACT_DIR or CONTRACT_DIR in path.parents else None


def _unavailable(message):
    if os.environ.get('CONTRACT_TIER_REQUIRED'):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _proxy_venv_path():
    given = os.environ.get('LITELLM_PROXY_VENV')
    if given:
        return pathlib.Path(given)
    return venv_path(LITELLM_VERSION)


def _installed(venv):
    return (venv / STAMP_NAME).is_file()


@pytest.fixture(scope='session')
def proxy_venv():
    """The venv of the pinned LiteLLM: LiteLLM's own client and CLI run from it."""
    venv = _proxy_venv_path()
    if not _installed(venv):
        _unavailable('no LiteLLM %s proxy environment at %s: run scripts/contract.sh (it installs it)'
                     % (LITELLM_VERSION, venv))
    return venv


_SUMMARY = []


def pytest_terminal_summary(terminalreporter):
    from differential import TOTALS  # pylint: disable=import-outside-toplevel
    lines = list(_SUMMARY)
    if TOTALS['sequences']:
        lines.append('differential: %(sequences)d sequences, %(steps)d steps replayed against both servers; '
                     '%(known)d known difference(s) met, %(listed)d listed in known-differences.yml' % TOTALS)
    for line in lines:
        terminalreporter.write_line('contract tier: ' + line)


# Fixtures that need the real proxy running. Tests without them run first, while the stack starts.
PROXY_FIXTURES = frozenset(('real_proxy', 'real_openapi', 'contract', 'real_release', 'real_world', 'module_runs',
                            'target'))


def pytest_collection_modifyitems(items):
    mine = [index for index, item in enumerate(items) if CONTRACT_DIR in pathlib.Path(str(item.fspath)).parents]
    ordered = sorted((items[index] for index in mine), key=lambda item: bool(PROXY_FIXTURES & set(item.fixturenames)))
    for index, item in zip(mine, ordered):
        items[index] = item


class RealProxy:
    """The session's one real proxy: ``url``, ``master_key``, ``openapi()``, ``existing`` (not ours to stop)."""

    def __init__(self, running, started_in):
        self.url = running.url
        self.master_key = running.master_key
        self.existing = running.existing
        self.startup_seconds = started_in
        self._openapi = None

    def openapi(self):
        if self._openapi is None:
            self._openapi = fetch_openapi(self.url)
        return self._openapi


class BackgroundStack:
    """Starts the real stack (or checks the existing proxy) in a thread; ``wait()`` returns the RealProxy."""

    def __init__(self, state_dir):
        self.state_dir = state_dir
        self.running = None
        self.build_error = None
        self.error = None
        self.started = time.monotonic()
        self.seconds = None
        self._thread = threading.Thread(target=self._start, name='contract-real-stack', daemon=True)

    def spawn(self):
        self._thread.start()
        return self

    def _start(self):
        try:
            existing = stack.existing_proxy()
            if existing is not None:
                self.running = existing.start()
            else:
                try:
                    stack.postgres_bin()
                    build = stack.build()
                except (stack.StackError, ProxyVenvError) as error:
                    self.build_error = error
                    return
                self.running = stack.RealProxyStack(self.state_dir, build=build)
                self.running.start()
        except BaseException as error:  # pylint: disable=broad-except  # reported by wait(), in the test
            self.error = error
        finally:
            self.seconds = time.monotonic() - self.started

    def wait(self):
        self._thread.join()
        if self.build_error is not None:
            # Not buildable here (no PostgreSQL, no Node.js, no package index): skipped, or failed when required.
            _unavailable('%s\n(the real stack: scripts/real-proxy.sh build)' % self.build_error)
        if self.error is not None:
            raise self.error
        return RealProxy(self.running, self.seconds)

    def stop(self):
        self._thread.join()
        if self.running is not None:
            self.running.stop()


@pytest.fixture(scope='session', autouse=True)
def stack_started_early(request, tmp_path_factory):
    """Start the session's stack when its first contract test starts; ``real_proxy`` waits for it.

    A warm start takes about a minute (PostgreSQL, LiteLLM's migrations, the proxy importing itself), time the
    tests that need no proxy put to use.
    """
    if os.environ.get('CONTRACT_OPENAPI_FILE'):
        return None
    if not any(PROXY_FIXTURES & set(item.fixturenames) for item in request.session.items):
        return None  # this run selected only tests that need no proxy
    started = BackgroundStack(tmp_path_factory.mktemp('real-stack'))
    # Registered before the thread exists: the stack is stopped whatever happens after this line.
    request.addfinalizer(started.stop)
    return started.spawn()


@pytest.fixture(scope='session')
def real_proxy(request, stack_started_early, tmp_path_factory):
    """The real LiteLLM proxy with its database (no Enterprise license, no models), for the whole session."""
    if os.environ.get('CONTRACT_OPENAPI_FILE'):
        pytest.fail('the real proxy is not started: CONTRACT_OPENAPI_FILE is set, this run is offline')
    started = stack_started_early
    if started is None:
        # Not foreseen at the start of the session (a test asked for it by name): started now.
        started = BackgroundStack(tmp_path_factory.mktemp('real-stack'))
        request.addfinalizer(started.stop)
        started.spawn()
    try:
        proxy = started.wait()
    except (stack.StackError, StartupFailed) as error:
        pytest.fail('the real stack did not start: %s' % error, pytrace=False)
    _SUMMARY.append('LiteLLM %s proxy with PostgreSQL on %s (%s); serving %.1f s after the session started'
                    % (LITELLM_VERSION, proxy.url, 'existing: LITELLM_TEST_PROXY_URL' if proxy.existing
                       else 'started for this session', proxy.startup_seconds))
    version = proxy.openapi()['info']['version']
    assert version == LITELLM_VERSION, 'the proxy runs LiteLLM %s, not %s' % (version, LITELLM_VERSION)
    return proxy


@pytest.fixture(scope='session')
def real_openapi(request, tmp_path_factory):
    """The live /openapi.json of the real proxy. CONTRACT_OPENAPI_FILE (a document saved by an earlier run)
    replaces it for the tier's own self-check, which must not start a second stack."""
    saved = os.environ.get('CONTRACT_OPENAPI_FILE')
    if saved:
        return json.loads(pathlib.Path(saved).read_text())
    document = request.getfixturevalue('real_proxy').openapi()
    # Kept for whoever debugs a failure, and for the self-check; it holds no secret.
    (tmp_path_factory.getbasetemp() / OPENAPI_COPY).write_text(json.dumps(document))
    return document


@pytest.fixture(scope='session')
def contract(real_openapi):
    """The real proxy's request contract. The parts of a write its release is too old for are left out of the
    check: the modules refuse to send them to such a proxy, which test_release_options.py holds on each release."""
    release = real_openapi.get('info', {}).get('version')
    return OpenAPIContract(real_openapi, body_filter=lambda path, body: without_newer_parts(path, body, release))


@pytest.fixture(scope='session')
def real_release(real_openapi):
    """The LiteLLM release of the real proxy, as its OpenAPI document names it."""
    return real_openapi.get('info', {}).get('version')


@pytest.fixture
def local_server(litellm_server, real_release):
    """The local test server answering as the real proxy's LiteLLM release does (licensed, with models, unless the
    test says otherwise)."""
    litellm_server.litellm_version = real_release
    return litellm_server


@pytest.fixture
def local_as_real(local_server):
    """The local test server set up as the real stack is: the same LiteLLM release, no Enterprise license, no
    models (no LLM router), references checked, the master key's user added to new teams."""
    local_server.plain_proxy = True
    local_server.llm_router = False
    return local_server


@pytest.fixture(scope='session')
def run_id():
    return RUN_ID


@pytest.fixture(scope='session')
def proxy_env(proxy_venv):
    """Environment for programs of the proxy venv (LiteLLM's client and CLI)."""
    return proxy_environment(str(proxy_venv))


@pytest.fixture(scope='session')
def client_module():
    return collection_module_utils('_client')


@pytest.fixture(scope='session')
def keys_module():
    return collection_module_utils('_keys')


def ansible_environment(venv):
    """Environment for ansible-playbook of ``venv`` with the synced collection tree."""
    bin_dir = pathlib.Path(venv) / 'bin'
    env = dict(os.environ)
    env['ANSIBLE_COLLECTIONS_PATH'] = collections_path()
    env['PATH'] = str(bin_dir) + os.pathsep + env.get('PATH', '')
    env['ANSIBLE_NOCOLOR'] = '1'
    env['ANSIBLE_FORCE_COLOR'] = '0'
    env['ANSIBLE_RETRY_FILES_ENABLED'] = '0'
    env['ANSIBLE_LOCALHOST_WARNING'] = '0'
    env['ANSIBLE_INVENTORY_UNPARSED_WARNING'] = '0'
    env['ANSIBLE_PYTHON_INTERPRETER'] = str(bin_dir / 'python')
    for name in ('LITELLM_PROXY_URL', 'LITELLM_PROXY_API_KEY', 'VIRTUAL_ENV', stack.EXISTING_URL,
                 stack.EXISTING_KEY):
        env.pop(name, None)
    return env


@pytest.fixture(scope='session')
def ansible_env():
    """ansible-playbook of the dev venv (the newest supported ansible-core)."""
    return ansible_environment(sys.prefix)
