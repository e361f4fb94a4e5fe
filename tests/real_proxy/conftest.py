"""The real-stack tier: the real LiteLLM proxy on PostgreSQL (stack.py) and its query engine (engine/).

Run it with ``scripts/real-proxy.sh test`` (it installs PostgreSQL when it may and builds the stack first), or
``python -m pytest tests/real_proxy`` once built. A pytest run of the whole ``tests/`` tree leaves this directory
out: the tier builds and starts a real stack and has its own command. Fixtures: real_proxy_fixtures.py.
"""

import os
import pathlib

import requests
import pytest

from real_proxy_fixtures import REQUIRED, real_proxy_build, real_proxy_database, real_proxy_stack  # noqa: F401  pylint: disable=unused-import

REAL_PROXY_DIR = pathlib.Path(__file__).resolve().parent


def pytest_ignore_collect(collection_path, config):
    """Collect the tier only when asked for: by scripts/real-proxy.sh test, or a path inside this directory."""
    if os.environ.get(REQUIRED):
        return None
    for arg in config.args:
        target = pathlib.Path(str(config.invocation_params.dir), arg.split('::')[0]).resolve()
        if target == REAL_PROXY_DIR or REAL_PROXY_DIR in target.parents:
            return None
    path = pathlib.Path(str(collection_path)).resolve()
    return True if path == REAL_PROXY_DIR or REAL_PROXY_DIR in path.parents else None


@pytest.fixture(scope='session')
def proxy_session(real_proxy_stack):
    """requests to the stack's proxy as its admin (the master key), never through an HTTP proxy of the host."""
    session = requests.Session()
    session.trust_env = False
    session.headers['Authorization'] = 'Bearer ' + real_proxy_stack.master_key
    yield session
    session.close()
