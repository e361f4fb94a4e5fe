"""Fixtures of the contract tier: the real LiteLLM proxy, its OpenAPI document, and the collection's code.

Run the tier with ``scripts/contract.sh``: it installs the pinned proxy into its cached venv and points
``LITELLM_PROXY_VENV`` at it. ``pytest tests/contract`` also works once that venv exists (the tier is skipped,
naming the command, if it does not). A pytest run of the whole ``tests/`` tree leaves this directory out: the
tier starts a real proxy and has its own command.
"""

import json
import os
import pathlib
import sys

import pytest

CONTRACT_DIR = pathlib.Path(__file__).resolve().parent
REPO_ROOT = CONTRACT_DIR.parents[1]
if str(CONTRACT_DIR) not in sys.path:
    sys.path.insert(0, str(CONTRACT_DIR))

from contract_env import LITELLM_VERSION, OPENAPI_COPY, collection_module_utils, collections_path  # noqa: E402
from litellm_proxy import LiteLLMProxy, proxy_environment  # noqa: E402
from openapi_contract import OpenAPIContract  # noqa: E402


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


def _proxy_venv_path():
    given = os.environ.get('LITELLM_PROXY_VENV')
    if given:
        return pathlib.Path(given)
    cache = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return pathlib.Path(cache) / 'llmops-litellm' / ('litellm-proxy-' + LITELLM_VERSION)


def _installed(venv):
    return (venv / '.llmops-contract-complete').is_file()


@pytest.fixture(scope='session')
def proxy_venv():
    venv = _proxy_venv_path()
    if not _installed(venv):
        message = ('no LiteLLM %s proxy environment at %s: run scripts/contract.sh (it installs it)'
                   % (LITELLM_VERSION, venv))
        if os.environ.get('CONTRACT_TIER_REQUIRED'):
            pytest.fail(message)
        pytest.skip(message)
    return venv


_SUMMARY = []


def pytest_terminal_summary(terminalreporter):
    for line in _SUMMARY:
        terminalreporter.write_line('contract tier: ' + line)


# Fixtures that need the real proxy running. Tests without them run first, while the proxy starts.
PROXY_FIXTURES = frozenset(('real_proxy', 'real_openapi', 'contract'))


def pytest_collection_modifyitems(items):
    mine = [index for index, item in enumerate(items) if CONTRACT_DIR in pathlib.Path(str(item.fspath)).parents]
    ordered = sorted((items[index] for index in mine), key=lambda item: bool(PROXY_FIXTURES & set(item.fixturenames)))
    for index, item in zip(mine, ordered):
        items[index] = item


@pytest.fixture(scope='session', autouse=True)
def proxy_started_early(request, tmp_path_factory):
    """Spawn the real proxy when the session's first contract test starts; ``real_proxy`` waits for it.

    It takes 6-17 s (more on a busy machine) to start, time the tests that do not need it put to use.
    """
    venv = _proxy_venv_path()
    if not _installed(venv) or os.environ.get('CONTRACT_OPENAPI_FILE'):
        return None
    proxy = LiteLLMProxy(venv, tmp_path_factory.mktemp('litellm-proxy'))
    # Registered before the process exists: the proxy is stopped whatever happens after this line.
    request.addfinalizer(proxy.stop)
    return proxy.spawn()


@pytest.fixture(scope='session')
def proxy_env(proxy_venv):
    """Environment for programs of the proxy venv (LiteLLM's client and CLI)."""
    return proxy_environment(str(proxy_venv))


@pytest.fixture(scope='session')
def real_proxy(proxy_venv, proxy_started_early):
    """The real LiteLLM proxy: loopback, no database, random master key; stopped at the end of the session."""
    if proxy_started_early is None:
        pytest.fail('the real proxy was not started (CONTRACT_OPENAPI_FILE is set: this run is offline)')
    proxy = proxy_started_early.wait()
    _SUMMARY.append('LiteLLM %s proxy (no database) on %s; serving when first needed, %.1f s after its start'
                    % (LITELLM_VERSION, proxy.url, proxy.startup_seconds))
    version = proxy.openapi()['info']['version']
    assert version == LITELLM_VERSION, 'the proxy venv runs LiteLLM %s, not %s' % (version, LITELLM_VERSION)
    return proxy


@pytest.fixture(scope='session')
def real_openapi(request, tmp_path_factory):
    """The live /openapi.json of the real proxy. CONTRACT_OPENAPI_FILE (a document saved by an earlier run)
    replaces it for the tier's own self-check, which must not start a second proxy."""
    saved = os.environ.get('CONTRACT_OPENAPI_FILE')
    if saved:
        return json.loads(pathlib.Path(saved).read_text())
    document = request.getfixturevalue('real_proxy').openapi()
    # Kept for whoever debugs a failure, and for the self-check; it holds no secret.
    (tmp_path_factory.getbasetemp() / OPENAPI_COPY).write_text(json.dumps(document))
    return document


@pytest.fixture(scope='session')
def contract(real_openapi):
    return OpenAPIContract(real_openapi)


@pytest.fixture(scope='session')
def client_module():
    return collection_module_utils('_client')


@pytest.fixture(scope='session')
def keys_module():
    return collection_module_utils('_keys')


# The ansible-core installations the modules are run with: the dev venv (newest supported ansible-core) and
# the oldest supported one (scripts/bootstrap.sh makes both).
ANSIBLE_VENVS = {'newest ansible-core': REPO_ROOT / '.venv', 'oldest ansible-core': REPO_ROOT / '.venv-ansible-2.16'}


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
    for name in ('LITELLM_PROXY_URL', 'LITELLM_PROXY_API_KEY', 'VIRTUAL_ENV'):
        env.pop(name, None)
    return env


@pytest.fixture(scope='session')
def ansible_env():
    return ansible_environment(sys.prefix)


@pytest.fixture(scope='session', params=sorted(ANSIBLE_VENVS))
def each_ansible_env(request):
    """ansible_env for every supported ansible-core installation."""
    venv = ANSIBLE_VENVS[request.param]
    if not (venv / 'bin' / 'ansible-playbook').exists():
        message = 'no %s at %s: run scripts/bootstrap.sh' % (request.param, venv)
        if os.environ.get('CONTRACT_TIER_REQUIRED'):
            pytest.fail(message)
        pytest.skip(message)
    return ansible_environment(venv)
