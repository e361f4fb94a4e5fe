"""pytest fixtures of the real stack: this directory's conftest.py uses them, and so can any tier.

Another tier loads them as a plugin, with tests/real_proxy on its path::

    PYTHONPATH=tests/real_proxy python -m pytest -p real_proxy_fixtures tests/...

- ``real_proxy_stack`` (session): the real LiteLLM proxy on PostgreSQL, ``.url`` and ``.master_key``; or the
  proxy of LITELLM_TEST_PROXY_URL / LITELLM_TEST_PROXY_MASTER_KEY when both are set (nothing started then).
  Stopped at the end of the session, whatever happened.
- ``real_proxy_build`` (session): the cached build (stack.build()); ``real_proxy_database`` (session): a private
  PostgreSQL with LiteLLM's migrations, without a proxy (the engine's own tests).

When the stack cannot be built here (no PostgreSQL, no Node.js) the tests that need it are skipped, naming what
to run; with REAL_PROXY_TIER_REQUIRED set (scripts/real-proxy.sh test) they fail instead. A stack that is built
but does not start always fails.
"""

import os
import pathlib
import sys

import pytest

REAL_PROXY_DIR = pathlib.Path(__file__).resolve().parent
if str(REAL_PROXY_DIR) not in sys.path:
    sys.path.insert(0, str(REAL_PROXY_DIR))

import stack  # noqa: E402  pylint: disable=wrong-import-position
from proxy_venv import ProxyVenvError  # noqa: E402  pylint: disable=wrong-import-position

REQUIRED = 'REAL_PROXY_TIER_REQUIRED'


def _unavailable(error):
    message = '%s\n(the real stack: scripts/real-proxy.sh build)' % error
    if os.environ.get(REQUIRED):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope='session')
def real_proxy_build():
    try:
        stack.postgres_bin()
        return stack.build()
    except (stack.StackError, ProxyVenvError) as error:
        return _unavailable(error)


@pytest.fixture(scope='session')
def real_proxy_database(request, tmp_path_factory, real_proxy_build):
    """A private PostgreSQL with LiteLLM's migrations (``.url``, ``.psql(sql)``); no proxy."""
    cluster = stack.PostgresCluster(tmp_path_factory.mktemp('real-proxy-postgres'))
    # Registered before anything runs: the cluster is stopped whatever happens after this line.
    request.addfinalizer(cluster.stop)
    cluster.init().start()
    folders = stack.migration_folders(stack.proxy_venv.litellm_version(), real_proxy_build)
    stack.apply_migrations(cluster, folders, cluster.requested / 'migrations.log')
    return cluster


@pytest.fixture(scope='session')
def real_proxy_stack(request, tmp_path_factory):
    """The real proxy on PostgreSQL (or the user's own, see the module docstring), for the whole session."""
    existing = stack.existing_proxy()
    if existing is not None:
        return existing.start()
    running = stack.RealProxyStack(tmp_path_factory.mktemp('real-proxy'),
                                   build=request.getfixturevalue('real_proxy_build'))
    request.addfinalizer(running.stop)
    return running.start()
