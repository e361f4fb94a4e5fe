# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A representative part of the fault matrix through ansible-playbook: real module processes, real output.

The fault proxy is scripted before the run; each rule is consumed by the task meant for it (rules on one
endpoint apply in order, and reads are told apart by their query).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from reliability_support import assert_clean

from ansible_collections.llmops.litellm.plugins.module_utils._client import LiteLLMClient, hash_key

CHOSEN = 'sk-playbook-chosen-0f1e2d3c4b5a'
KEY = 'llmops.litellm.litellm_key'
INFO = 'llmops.litellm.litellm_key_info'

TASKS = [
    # name, module, arguments, expected status
    ('create, answer lost', KEY, {'key_alias': 'pb-lost'}, 'failed'),
    ('create with a chosen key, answer lost', KEY, {'key_alias': 'pb-chosen', 'key': CHOSEN}, 'ok'),
    ('create through 503s', KEY, {'key_alias': 'pb-main', 'team_id': 'pb-team', 'models': ['m1']}, 'ok'),
    ('update through 502s', KEY, {'key_alias': 'pb-main', 'max_budget': 5}, 'ok'),
    ('update through a stalled answer', KEY, {'key_alias': 'pb-main', 'max_budget': 6, 'timeout': 1}, 'ok'),
    ('list through rate limits', INFO, {'team_id': 'pb-team'}, 'ok'),
    ('list answered by a login page', INFO, {'team_id': 'pb-portal'}, 'failed'),
    ('delete refused by a 500', KEY, {'key_alias': 'pb-chosen', 'state': 'absent'}, 'failed'),
    ('delete through a reset', KEY, {'key_alias': 'pb-main', 'state': 'absent'}, 'ok'),
]


def _script(proxy):
    proxy.inject('/key/generate', 'close_after', times=1, body_contains='pb-lost')
    proxy.inject('/key/generate', 'close_after', times=1, body_contains='pb-chosen')
    proxy.inject('/key/generate', 'http_503', times=2, body_contains='pb-main')
    proxy.inject('/key/update', 'http_502', times=2)
    proxy.inject('/key/update', 'stall_after', times=1, stall=5)
    proxy.inject('/key/list', 'http_429', times=2, query_contains='team_id=pb-team', retry_after='1')
    proxy.inject('/key/list', 'html', times=None, query_contains='team_id=pb-portal')
    # A delete body names the key by hash, not alias: the 500 (never retried) comes first.
    proxy.inject('/key/delete', 'http_500', times=1)
    proxy.inject('/key/delete', 'close_after', times=1)


def test_faults_through_ansible_playbook(fault_proxy, litellm_server, playbook_runner):
    # The key names a team: it must exist (the module reads it before the create).
    direct = LiteLLMClient(litellm_server.url, api_key=litellm_server.master_key, retries=0)
    try:
        direct.new_team({'team_id': 'pb-team'})
    finally:
        direct.close()
    _script(fault_proxy)
    connection = {'api_url': fault_proxy.url, 'api_key': litellm_server.master_key, 'retries': 3}
    plays = [{'hosts': 'localhost', 'gather_facts': False,
              'module_defaults': {'group/llmops.litellm.litellm': connection},
              'tasks': [{'name': name, module: args, 'ignore_errors': True} for name, module, args, _status in TASKS]}]
    run = playbook_runner(plays)
    assert 'Traceback' not in run.output
    for secret in (litellm_server.master_key, CHOSEN):
        assert secret not in run.output

    for name, _module, _args, status in TASKS:
        result = run.result(name)
        assert_clean(result, litellm_server.master_key, CHOSEN)
        assert result['_status'] == status, (name, result.get('msg'))

    lost = run.result('create, answer lost')['msg']
    assert 'lost' in lost and 'regenerate' in lost and 'key option' in lost
    assert run.result('create with a chosen key, answer lost')['token'] == hash_key(CHOSEN)
    assert [k['key_alias'] for k in run.result('list through rate limits')['virtual_keys']] == ['pb-main']
    assert 'HTTP 200' in run.result('list answered by a login page')['msg']
    assert 'HTTP 500' in run.result('delete refused by a 500')['msg']

    client = LiteLLMClient(litellm_server.url, api_key=litellm_server.master_key, retries=0)
    try:
        stored = dict((k['key_alias'], k) for k in client.iter_keys())
    finally:
        client.close()
    assert sorted(stored) == ['pb-chosen', 'pb-lost'], 'exactly the keys that should exist'
    assert stored['pb-chosen']['token'] == hash_key(CHOSEN)
    # every rule was used up by its task: the script and the module's requests agree
    assert [r.remaining for r in fault_proxy.rules if r.remaining is not None] == [0] * 8
