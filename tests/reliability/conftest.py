# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the reliability tier: the fault proxy, the modules run in-process, and ansible-playbook runs.

Run from a synced collection tree (the tests need ``ansible_collections.llmops.litellm`` to be *this* copy)::

    PYTHONPATH=<collections root> pytest tests/reliability

Two ways to run the real modules:

* ``run_module(module, args)``: the module's ``main()`` in this process, with its arguments handed over the
  way ansible does and its JSON answer read from stdout. Fast; used for the large tables. The client's
  ``sleep`` is replaced by a recorder (``retry_sleeps``), so backoff and ``Retry-After`` are checked without
  waiting.
* ``playbook_runner(plays, ...)`` (``reliability_support.run_playbook``): ``ansible-playbook`` in a subprocess
  against this tree, with forks, a real inventory and real output; every task result is written to JSON by
  ``callback_plugins/record_results.py``. RELIABILITY_ANSIBLE_PLAYBOOK picks another ansible-playbook (such as
  the one of the oldest supported ansible-core).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import io
import json
import os
import sys

import pytest
from ansible.release import __version__ as ansible_version

RELIABILITY_DIR = os.path.dirname(os.path.abspath(__file__))
if RELIABILITY_DIR not in sys.path:
    sys.path.insert(0, RELIABILITY_DIR)

# pylint: disable=wrong-import-position
from fault_proxy import FaultProxy  # noqa: E402
from reliability_support import COLLECTION_DIR, COLLECTIONS_ROOT, FOREIGN_ENVIRONMENT, run_playbook  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from hypothesis.database import DirectoryBasedExampleDatabase  # noqa: E402

# Hypothesis keeps its examples in ./.hypothesis, which here is the collection copy that ansible-test sanity
# reads (and its binary files fail no-smart-quotes); tests/output/ is ansible-test's own scratch directory.
hypothesis_settings.register_profile('collection', database=DirectoryBasedExampleDatabase(
    os.path.join(COLLECTION_DIR, 'tests', 'output', '.hypothesis')))
hypothesis_settings.load_profile('collection')


def _check_collection_tree():
    expected = os.path.join('ansible_collections', 'llmops', 'litellm')
    if not COLLECTION_DIR.endswith(os.sep + expected):
        return ('tests/reliability must run from a collection tree at .../%s (scripts/sync-tree.sh makes one); '
                'it runs from %s' % (expected, COLLECTION_DIR))
    try:
        from ansible_collections.llmops.litellm.plugins.module_utils import _client  # pylint: disable=import-outside-toplevel
    except ImportError as error:
        return 'cannot import the collection (%s): run with PYTHONPATH=%s' % (error, COLLECTIONS_ROOT)
    imported = os.path.realpath(_client.__file__)
    if not imported.startswith(os.path.realpath(COLLECTION_DIR) + os.sep):
        return ('the collection is imported from %s, not from the tree these tests are in (%s): run with '
                'PYTHONPATH=%s' % (imported, COLLECTION_DIR, COLLECTIONS_ROOT))
    return None


@pytest.fixture(scope='session', autouse=True)
def collection_tree():
    """Refuse to test another copy of the collection than the one these tests belong to."""
    problem = _check_collection_tree()
    if problem:
        pytest.fail(problem, pytrace=False)
    return COLLECTION_DIR


@pytest.fixture(autouse=True)
def hermetic_environment(monkeypatch):
    for name in FOREIGN_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


# -- the fault proxy ----------------------------------------------------------------------------------------

@pytest.fixture(scope='session')
def fault_proxy_session(litellm_server_session):
    proxy = FaultProxy(litellm_server_session.url).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def fault_proxy(fault_proxy_session, litellm_server):  # pylint: disable=unused-argument
    """The fault proxy in front of the (emptied) session server, with no rules and no records."""
    fault_proxy_session.clear()
    with fault_proxy_session.lock:
        del fault_proxy_session.records[:]
    yield fault_proxy_session
    fault_proxy_session.clear()


# -- modules in this process --------------------------------------------------------------------------------

# ansible-core 2.21 returns a result's invocation only when asked (_ansible_inject_invocation); older releases
# always do and refuse the argument.
INJECT_INVOCATION_ARGUMENT = tuple(int(p) for p in ansible_version.split('.')[:2]) >= (2, 21)


@contextlib.contextmanager
def _module_args(args):
    try:
        from ansible.module_utils.testing import patch_module_args  # pylint: disable=import-outside-toplevel
    except ImportError:  # ansible-core < 2.19
        from unittest import mock  # pylint: disable=import-outside-toplevel
        from ansible.module_utils import basic  # pylint: disable=import-outside-toplevel
        serialized = json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode('utf-8')
        with mock.patch.object(basic, '_ANSIBLE_ARGS', serialized):
            yield
        return
    with patch_module_args(args):
        yield


@pytest.fixture
def retry_sleeps(monkeypatch):
    """Delays the client asked to sleep (backoff, Retry-After), recorded instead of slept."""
    from ansible_collections.llmops.litellm.plugins.module_utils import _client, _connection_options  # pylint: disable=import-outside-toplevel

    sleeps = []

    class RecordingClient(_client.LiteLLMClient):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault('sleep', sleeps.append)
            super(RecordingClient, self).__init__(*args, **kwargs)

    monkeypatch.setattr(_connection_options, 'LiteLLMClient', RecordingClient)
    return sleeps


@pytest.fixture
def run_module(retry_sleeps):  # pylint: disable=redefined-outer-name,unused-argument
    """Run a module's main() here; returns its JSON result. An exception escaping main() fails the test."""

    def run(module, args, check_mode=False, diff=False):
        params = dict(args)
        params.update(_ansible_check_mode=check_mode, _ansible_diff=diff)
        if INJECT_INVOCATION_ARGUMENT:
            params['_ansible_inject_invocation'] = True
        stdout = io.StringIO()
        with _module_args(params), contextlib.redirect_stdout(stdout):
            try:
                module.main()
            except SystemExit:
                pass
        return json.loads(stdout.getvalue())

    return run


# -- ansible-playbook ---------------------------------------------------------------------------------------

@pytest.fixture
def playbook_runner(tmp_path):
    """``run(plays, hosts=('localhost',), forks=5, args=(), env=None, name='playbook')`` -> PlaybookRun."""

    def run(plays, name='playbook', **options):
        return run_playbook(tmp_path / name, plays, **options)

    return run
