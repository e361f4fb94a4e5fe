# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""On the controller the modules run in-process (their action plugins); nothing differs from a module run but time.

One playbook covers every module: check mode, diff, creates, no-change runs, updates, deletes, bad input, a
refused reference, a proxy refusal and a wrong API key. It runs twice against the same (emptied) local server:
in-process (the default for a local connection) and as modules (litellm_in_process=false). The registered
results must be the same once what differs between any two runs (secrets, hashes, times, generated ids) is
normalised.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

import pytest

from reliability_support import assert_clean, run_playbook

# Values that differ between any two runs, whichever way the modules run.
VOLATILE_FIELDS = ('token', 'key', 'key_name', 'created_at', 'updated_at', 'expires', 'budget_reset_at', 'last_active',
                   'key_rotation_at', 'settings_updated_at', 'token_id', 'team_id_generated')
_UUID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}')
_HASH = re.compile(r'\b[0-9a-f]{64}\b')
_SECRET = re.compile(r'sk-[A-Za-z0-9_-]{16,}')


def tasks(connection, wrong_key):
    key = 'llmops.litellm.litellm_key'
    team = 'llmops.litellm.litellm_team'
    steps = [
        ('team, check mode', team, {'team_id': 'pt-team', 'members': [{'user_id': 'pt-alice', 'role': 'admin'}]}, True),
        ('team', team, {'team_id': 'pt-team', 'members': [{'user_id': 'pt-alice', 'role': 'admin'}]}, False),
        ('team by alias', team, {'team_alias': 'pt-alias', 'rpm_limit': 5}, False),
        ('team again', team, {'team_id': 'pt-team', 'members': [{'user_id': 'pt-alice', 'role': 'admin'}]}, False),
        ('user', 'llmops.litellm.litellm_user', {'user_id': 'pt-bob', 'max_budget': 3}, False),
        ('budget', 'llmops.litellm.litellm_budget', {'budget_id': 'pt-budget', 'max_budget': 9}, False),
        ('key, check mode', key, {'key_alias': 'pt-key', 'team_id': 'pt-team', 'max_budget': 5}, True),
        ('key', key, {'key_alias': 'pt-key', 'team_id': 'pt-team', 'max_budget': 5, 'metadata': {'a': 1}}, False),
        ('key again', key, {'key_alias': 'pt-key', 'team_id': 'pt-team', 'max_budget': 5.0}, False),
        ('key update, check mode', key, {'key_alias': 'pt-key', 'max_budget': 6, 'clear': ['metadata']}, True),
        ('key update', key, {'key_alias': 'pt-key', 'max_budget': 6, 'clear': ['metadata']}, False),
        ('chosen key', key, {'key_alias': 'pt-chosen', 'key': 'sk-parity-chosen-0123456789'}, False),
        ('key set', 'llmops.litellm.litellm_keys', {'team_id': 'pt-team', 'keys': [
            {'key_alias': 'pt-set-a', 'max_budget': 1}, {'key_alias': 'pt-set-b', 'budget_id': 'pt-budget'}]}, False),
        ('key info', 'llmops.litellm.litellm_key_info', {'team_id': 'pt-team'}, False),
        ('team info', 'llmops.litellm.litellm_team_info', {'team_id': 'pt-team'}, False),
        ('user info', 'llmops.litellm.litellm_user_info', {'user_id': 'pt-bob'}, False),
        ('budget info', 'llmops.litellm.litellm_budget_info', {}, False),
        ('credential', 'llmops.litellm.litellm_credential', {'credential_name': 'pt-credential', 'credential_values': {
            'api_key': 'sk-parity-credential-0123456789', 'api_base': 'https://pt.example/v1'}}, False),
        ('credential rotation, check mode', 'llmops.litellm.litellm_credential', {
            'credential_name': 'pt-credential', 'credential_values': {'api_key': 'sk-parity-rotated-0123456789'},
            'update_secrets': 'always'}, True),
        ('credential info', 'llmops.litellm.litellm_credential_info', {'credential_name': 'pt-credential'}, False),
        ('credential delete', 'llmops.litellm.litellm_credential',
         {'credential_name': 'pt-credential', 'state': 'absent'}, False),
        ('missing team', key, {'key_alias': 'pt-orphan', 'team_id': 'pt-nobody'}, False),
        ('missing team, check mode', key, {'key_alias': 'pt-orphan', 'team_id': 'pt-nobody'}, True),
        ('unknown option', key, {'key_alias': 'pt-key', 'modelz': ['x']}, False),
        ('bad value', key, {'key_alias': 'pt-key', 'max_budget': -1}, False),
        ('bad item', 'llmops.litellm.litellm_keys', {'keys': [{'key_alias': 'a'}, {'key_alias': 'a'}]}, False),
        ('wrong api key', key, {'key_alias': 'pt-key', 'api_key': wrong_key}, False),
        ('missing required', team, {'max_budget': 1}, False),
        ('key delete', key, {'key_alias': 'pt-key', 'state': 'absent'}, False),
        ('key delete again', key, {'key_alias': 'pt-key', 'state': 'absent'}, False),
        ('team delete', team, {'team_id': 'pt-team', 'state': 'absent'}, False),
    ]
    return [{'hosts': 'localhost', 'gather_facts': False,
             'module_defaults': {'group/llmops.litellm.litellm': connection},
             'tasks': [{'name': name, module: args, 'check_mode': check, 'diff': True, 'ignore_errors': True}
                       for name, module, args, check in steps]}]


def normalised(value):
    if isinstance(value, dict):
        return dict((k, '<volatile>' if k in VOLATILE_FIELDS and v is not None else normalised(v))
                    for k, v in value.items())
    if isinstance(value, list):
        return [normalised(v) for v in value]
    if isinstance(value, str):
        return _SECRET.sub('<secret>', _HASH.sub('<hash>', _UUID.sub('<uuid>', value)))
    return value


@pytest.fixture(scope='module')
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp('in-process')


@pytest.fixture(scope='module')
def both_runs(litellm_server_session, workdir):
    """The playbook run both ways (once for this file: each run takes a while as modules)."""
    server = litellm_server_session
    connection = {'api_url': server.url, 'api_key': server.master_key, 'retries': 0}
    plays = tasks(connection, 'sk-wrong-parity-key-0000000000')
    runs = {}
    for way, extra in (('in_process', []), ('module', ['-e', 'litellm_in_process=false'])):
        server.reset(data=True)
        runs[way] = run_playbook(workdir / way, plays, args=extra, env={'ANSIBLE_KEEP_REMOTE_FILES': '1'})
    server.reset(data=True)
    return runs


def test_results_are_the_same_either_way(both_runs):
    in_process, module = both_runs['in_process'], both_runs['module']
    assert 'Traceback' not in in_process.output + module.output
    for task, expected in sorted(module.results['localhost'].items()):
        got = in_process.results['localhost'][task]
        assert normalised(got) == normalised(expected), '%s differs:\nin-process %s\nmodule     %s' % (
            task, json.dumps(normalised(got), sort_keys=True), json.dumps(normalised(expected), sort_keys=True))


def test_each_way_ran_as_it_says(both_runs, workdir):
    # Kept remote files (ANSIBLE_KEEP_REMOTE_FILES) show which run shipped modules: only the module run did.
    shipped = dict((way, sorted(p.name for p in (workdir / way / 'remote_tmp').glob('ansible-tmp-*')))
                   for way in both_runs)
    assert shipped['in_process'] == [] and len(shipped['module']) >= 20


def test_no_secret_in_either_way(both_runs, litellm_server_session):
    master_key = litellm_server_session.master_key
    for run in both_runs.values():
        assert master_key not in run.output
        for result in run.results['localhost'].values():
            assert_clean(result, master_key, 'sk-parity-chosen-0123456789')


def test_failures_are_the_same_messages(both_runs):
    failed = dict((way, dict((t, r['msg']) for t, r in run.results['localhost'].items() if r['_status'] == 'failed'))
                  for way, run in both_runs.items())
    assert failed['in_process'] == failed['module']
    assert sorted(failed['module']) == ['bad item', 'bad value', 'missing required', 'missing team',
                                        'unknown option', 'wrong api key']
