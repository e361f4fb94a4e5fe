# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parallel module runs: 50 hosts with forks 10 each declare their own key; 10 race for one alias.

The race is made certain, not left to timing: the fault proxy holds the answer to every racer's read of the
alias until all ten have read, so all ten see "missing" and all ten send /key/generate. The server must then hold
exactly one key; each loser, refused by the proxy ("already exists"), reads the winner's key and carries on
against it as a re-run would (here: no change); and a re-run must change nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

from reliability_support import assert_clean

from ansible_collections.llmops.litellm.plugins.module_utils._client import LiteLLMClient
from ansible_collections.llmops.litellm.plugins.module_utils._errors import LiteLLMError
from ansible_collections.llmops.litellm.plugins.module_utils._keys import run_key_task

HOSTS = ['fleet-%02d' % number for number in range(50)]
RACERS = 10
KEY = 'llmops.litellm.litellm_key'


def _fleet_task(name, server):
    return {'name': name, KEY: {
        'api_url': server.url, 'api_key': server.master_key, 'key_alias': 'fleet-{{ inventory_hostname }}',
        'models': ['shared', 'm-{{ inventory_hostname }}'], 'max_budget': 7,
        'metadata': {'host': '{{ inventory_hostname }}'}}}


def _race_task(name, url, server):
    return {'name': name, 'ignore_errors': True, KEY: {
        'api_url': url, 'api_key': server.master_key, 'key_alias': 'race-alias', 'models': ['shared'],
        'max_budget': 3}}


def test_fifty_hosts_with_forks_converge_and_racers_leave_one_key(litellm_server, fault_proxy, playbook_runner):
    hold = fault_proxy.inject('/key/list', 'hold', times=RACERS, query_contains='key_alias=race-alias',
                              parties=RACERS, wait=120)
    racers = 'targets[0:%d]' % (RACERS - 1)
    plays = [
        {'name': 'fleet', 'hosts': 'targets', 'gather_facts': False,
         'tasks': [_fleet_task('create fleet key', litellm_server)]},
        {'name': 'race', 'hosts': racers, 'gather_facts': False,
         'tasks': [_race_task('race for one alias', fault_proxy.url, litellm_server)]},
        {'name': 'converge', 'hosts': racers, 'gather_facts': False,
         'tasks': [_fleet_task('fleet key again', litellm_server),
                   _race_task('race alias again', litellm_server.url, litellm_server)]},
    ]
    run = playbook_runner(plays, hosts=HOSTS, forks=10)
    assert 'Traceback' not in run.output and litellm_server.master_key not in run.output

    # 50 distinct aliases, created once each, exactly as declared
    for host in HOSTS:
        result = run.result('create fleet key', host)
        assert_clean(result, litellm_server.master_key)
        assert result['_status'] == 'ok' and result['changed'] and result['action'] == 'create', result
    keys = _all_keys(litellm_server)
    fleet = [k for k in keys if k['key_alias'].startswith('fleet-')]
    assert sorted(k['key_alias'] for k in fleet) == ['fleet-%s' % host for host in HOSTS]
    for key in fleet:
        host = key['key_alias'][len('fleet-'):]
        assert sorted(key['models']) == sorted(['shared', 'm-%s' % host])
        assert key['max_budget'] == 7 and key['metadata'] == {'host': host}

    # the race: all ten read "missing" together, all ten tried to create, one key exists
    assert hold.applied == RACERS and not hold.barrier_broken, hold.describe()
    assert len(fault_proxy.requests_to('/key/generate')) == RACERS
    race_keys = [k for k in keys if k['key_alias'] == 'race-alias']
    assert len(race_keys) == 1, race_keys
    outcomes = [run.result('race for one alias', host) for host in HOSTS[:RACERS]]
    for outcome in outcomes:
        assert_clean(outcome, litellm_server.master_key)
        assert outcome['_status'] == 'ok' and outcome['token'] == race_keys[0]['token'], outcome
    assert sorted(r['action'] for r in outcomes) == ['create'] + ['unchanged'] * (RACERS - 1)
    assert [r['changed'] for r in outcomes].count(True) == 1
    assert len(keys) == len(HOSTS) + 1

    # a second parallel run changes nothing
    for host in HOSTS[:RACERS]:
        for task in ('fleet key again', 'race alias again'):
            result = run.result(task, host)
            assert result['_status'] == 'ok' and not result['changed'], result


def test_two_engines_racing_on_one_alias_leave_one_key(litellm_server, fault_proxy):
    """The same race in this process, with the engine the modules use, through two clients at once."""
    fault_proxy.inject('/key/list', 'hold', times=2, query_contains='key_alias=duel', parties=2, wait=30)
    outcomes = []

    def declare():
        client = LiteLLMClient(fault_proxy.url, api_key=litellm_server.master_key, retries=0)
        try:
            params = {'key_alias': 'duel', 'state': 'present', 'max_budget': 1}
            outcomes.append(run_key_task(client, params, False))
        except LiteLLMError as error:
            outcomes.append(error)
        finally:
            client.close()

    threads = [threading.Thread(target=declare) for _racer in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(outcomes) == 2
    assert len([k for k in _all_keys(litellm_server) if k['key_alias'] == 'duel']) == 1
    assert all(isinstance(o, dict) for o in outcomes), outcomes
    assert sorted(o['action'] for o in outcomes) == ['create', 'unchanged']
    assert len(fault_proxy.requests_to('/key/generate')) == 2, 'both must have tried to create'


def _all_keys(server):
    client = LiteLLMClient(server.url, api_key=server.master_key, retries=0)
    try:
        return list(client.iter_keys(page_size=100))
    finally:
        client.close()
