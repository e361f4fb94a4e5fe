# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run the collection's modules in-process against the local key server, and read its request counter.

The module's own ``main()`` runs with its arguments injected the way ansible-core's module test support does
it: ``ansible.module_utils.testing.patch_module_args`` on ansible-core >= 2.19, ``basic._ANSIBLE_ARGS`` before
(2.16 - 2.18 have no helper). A run takes milliseconds, so a test can afford hundreds of them; what differs
from a run under ansible-playbook (AnsiballZ packaging, the connection) sends no request to the proxy, and
requests are what these tests count.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import io
import json
import secrets

import pytest
import requests

from ansible.module_utils import basic

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    from unittest import mock

    @contextlib.contextmanager
    def patch_module_args(args=None):
        payload = json.dumps({'ANSIBLE_MODULE_ARGS': args or {}}).encode('utf-8')
        with mock.patch.object(basic, '_ANSIBLE_ARGS', payload):
            yield


class ModuleRun:
    """What one module run printed (its JSON result) and how it ended."""

    def __init__(self, result, exit_code):
        self.result = result
        self.exit_code = exit_code

    @property
    def failed(self):
        return bool(self.result.get('failed'))

    def __getitem__(self, name):
        return self.result[name]

    def get(self, name, default=None):
        return self.result.get(name, default)

    @property
    def warnings(self):
        """The warnings' texts (ansible-core 2.19 reports each as a summary object, older releases as text)."""
        return [w if isinstance(w, str) else w.get('event', w).get('msg') for w in self.result.get('warnings', ())]

    @property
    def unsent(self):
        """The requests check mode planned and did not send."""
        return [r for r in self.result['requests'] if not r['sent']]


def run_module_main(module, args):
    """Run ``module.main()`` with ``args``; return a ModuleRun (exit_json and fail_json both end in SystemExit)."""
    output = io.StringIO()
    exit_code = None
    with patch_module_args(args), contextlib.redirect_stdout(output):
        try:
            module.main()
        except SystemExit as stop:
            exit_code = stop.code
    text = output.getvalue()
    if exit_code is None:
        raise AssertionError('the module returned without exit_json/fail_json; it printed: %r' % text)
    return ModuleRun(json.loads(text), exit_code)


@pytest.fixture
def run_module(litellm_server):
    """``run_module(module, check_mode=False, diff=False, **options)``: the module against the test server."""

    def run(module, check_mode=False, diff=False, **options):
        args = {'api_url': litellm_server.url, 'api_key': litellm_server.master_key,
                '_ansible_check_mode': check_mode, '_ansible_diff': diff}
        args.update(options)
        return run_module_main(module, args)

    return run


def key_api_requests(server):
    """The server's counts of key-API requests since its last reset: reads, writes and per endpoint."""
    counts = dict((name, count) for name, count in server.counts()['counts'].items() if ' /key/' in name)
    writes = sum(count for name, count in counts.items() if not name.startswith('GET '))
    return {'reads': sum(counts.values()) - writes, 'writes': writes, 'by_endpoint': counts}


@pytest.fixture
def key_requests(litellm_server):
    """``key_requests()``: the key-API requests the server received since the test started (or last reset)."""
    return lambda: key_api_requests(litellm_server)


@pytest.fixture
def seed_keys(litellm_server):
    """``seed_keys(rows)``: store key rows directly (fast, no alias check), then zero the counters.

    Each row is a dict of key columns; a random secret is chosen unless the row has ``key``. Returns the rows
    with their secrets.
    """

    def seed(rows):
        rows = [dict(row) for row in rows]
        for row in rows:
            row.setdefault('key', 'sk-seeded-' + secrets.token_hex(12))
        answer = requests.post(litellm_server.url + '/_test/seed', json={'keys': rows}, timeout=60,
                               headers={'Authorization': 'Bearer ' + litellm_server.master_key})
        answer.raise_for_status()
        litellm_server.reset(data=False)
        return rows

    return seed


@pytest.fixture
def seed_teams(litellm_server):
    """``seed_teams(*team_ids)``: store teams directly (a key may only name a team that exists), then zero the
    counters."""

    def seed(*team_ids):
        answer = requests.post(litellm_server.url + '/_test/seed',
                               json={'teams': [{'team_id': team_id} for team_id in team_ids]}, timeout=60,
                               headers={'Authorization': 'Bearer ' + litellm_server.master_key})
        answer.raise_for_status()
        litellm_server.reset(data=False)

    return seed
