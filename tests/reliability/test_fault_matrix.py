# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every fault of the fault proxy x every operation, through the real modules (run in this process).

Each case puts the fault proxy between the module and the local server, makes the operation's endpoint
fail either *transiently* (the next requests, then it recovers; default retries) or *persistently* (every
request; retries: 1), runs the module, and checks

* the outcome: success after retries, or a clean failure (no traceback, a message with the status code or
  the connection problem, no secret), exactly as the table below says;
* the server afterwards: never two keys with one alias, never a lost key, an update applied entirely or
  not at all, nothing written by a read.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json
import time

import pytest

from reliability_support import assert_clean

from ansible_collections.llmops.litellm.plugins.module_utils._client import LiteLLMClient, hash_key
from ansible_collections.llmops.litellm.plugins.modules import litellm_key, litellm_key_info

ENDPOINT = {'create': '/key/generate', 'update': '/key/update', 'delete': '/key/delete', 'info': '/key/list'}

STATUS_OF = {'http_500': 500, 'http_502': 502, 'http_503': 503, 'http_429': 429, 'http_502_after': 502}
STALLS = ('stall_before', 'stall_after')
CLOSES = ('close_before', 'close_after', 'cut_off')
GARBLED = ('html', 'truncated', 'empty')
# Faults after which the proxy may have acted; /key/generate must be resolved by a read before anything else.
AMBIGUOUS_FOR_CREATE = ('http_500', 'http_502', 'close_before', 'stall_before', 'close_after', 'cut_off',
                        'stall_after', 'http_502_after', 'html', 'truncated', 'empty')

# (transient outcome, persistent outcome) per fault and operation. An outcome is "<result> <server state>":
#   result: ok (the task succeeded), fail (a clean failure), lost (create: the key exists, the task failed
#           saying its secret was lost and how to recover)
#   state:  create one|none keys with the alias; update new|old settings (never a mix);
#           delete gone|kept; info: no state (nothing may be written)
EXPECTED = {
    'create': {
        'http_500': ('ok one', 'fail none'),
        'http_502': ('ok one', 'fail none'),
        'http_503': ('ok one', 'fail none'),
        'http_429': ('ok one', 'fail none'),
        'close_before': ('ok one', 'fail none'),
        'stall_before': ('ok one', 'fail none'),
        'html': ('ok one', 'fail none'),
        'close_after': ('lost one', 'lost one'),
        'cut_off': ('lost one', 'lost one'),
        'stall_after': ('lost one', 'lost one'),
        'http_502_after': ('lost one', 'lost one'),
        'truncated': ('lost one', 'lost one'),
        'empty': ('lost one', 'lost one'),
    },
    'update': {
        'http_500': ('fail old', 'fail old'),
        'http_502': ('ok new', 'fail old'),
        'http_503': ('ok new', 'fail old'),
        'http_429': ('ok new', 'fail old'),
        'close_before': ('ok new', 'fail old'),
        'stall_before': ('ok new', 'fail old'),
        'html': ('fail old', 'fail old'),
        'close_after': ('ok new', 'fail new'),
        'cut_off': ('ok new', 'fail new'),
        'stall_after': ('ok new', 'fail new'),
        'http_502_after': ('ok new', 'fail new'),
        'truncated': ('fail new', 'fail new'),
        'empty': ('fail new', 'fail new'),
    },
    'delete': {
        'http_500': ('fail kept', 'fail kept'),
        'http_502': ('ok gone', 'fail kept'),
        'http_503': ('ok gone', 'fail kept'),
        'http_429': ('ok gone', 'fail kept'),
        'close_before': ('ok gone', 'fail kept'),
        'stall_before': ('ok gone', 'fail kept'),
        'html': ('fail kept', 'fail kept'),
        'close_after': ('ok gone', 'fail gone'),
        'cut_off': ('ok gone', 'fail gone'),
        'stall_after': ('ok gone', 'fail gone'),
        'http_502_after': ('ok gone', 'fail gone'),
        'truncated': ('fail gone', 'fail gone'),
        'empty': ('fail gone', 'fail gone'),
    },
    'info': {
        'http_500': ('fail -', 'fail -'),
        'http_502': ('ok -', 'fail -'),
        'http_503': ('ok -', 'fail -'),
        'http_429': ('ok -', 'fail -'),
        'close_before': ('ok -', 'fail -'),
        'stall_before': ('ok -', 'fail -'),
        'html': ('fail -', 'fail -'),
        'close_after': ('ok -', 'fail -'),
        'cut_off': ('ok -', 'fail -'),
        'stall_after': ('ok -', 'fail -'),
        'http_502_after': ('ok -', 'fail -'),
        'truncated': ('fail -', 'fail -'),
        'empty': ('fail -', 'fail -'),
    },
}

OLD_SETTINGS = {'models': ['m1'], 'max_budget': 10.0, 'tpm_limit': None,
                'metadata': {'owner': 'team-a', 'unmanaged': 'keep me'}}
NEW_SETTINGS = {'models': ['m1', 'm2'], 'max_budget': 20.0, 'tpm_limit': 1000,
                'metadata': {'owner': 'team-b', 'unmanaged': 'keep me'}}
DESIRED = {'models': ['m2', 'm1'], 'max_budget': 20, 'tpm_limit': 1000, 'metadata': {'owner': 'team-b'}}


def _cases():
    for operation, table in sorted(EXPECTED.items()):
        for fault, outcomes in sorted(table.items()):
            for persistence, outcome in zip(('transient', 'persistent'), outcomes):
                yield pytest.param(operation, fault, persistence, outcome,
                                   id='%s-%s-%s' % (operation, fault, persistence))


@pytest.fixture
def direct(litellm_server):
    """A client that talks to the server itself, past the proxy: to seed keys and to look at the result."""
    client = LiteLLMClient(litellm_server.url, api_key=litellm_server.master_key, retries=0)
    yield client
    client.close()


def _keys_with_alias(direct, alias):
    return direct.list_keys(key_alias=alias, size=100)['keys']


def _settings(record):
    return {'models': sorted(record['models']), 'max_budget': record['max_budget'], 'tpm_limit': record['tpm_limit'],
            'metadata': record['metadata']}


def _connection(proxy, server, fault, persistence):
    # Short timeouts only where the fault is a stall: elsewhere a loaded CI machine must not time out.
    return {
        'api_url': proxy.url,
        'api_key': server.master_key,
        'retries': 3 if persistence == 'transient' else 1,
        'timeout': 0.5 if fault in STALLS else 20,
    }


def _inject(proxy, operation, fault, persistence):
    if persistence == 'transient':
        # A stall costs a timeout each: one is enough to prove the retry. Other faults hit twice in a row.
        times = 1 if fault in STALLS else 2
    else:
        times = None
    options = {'stall': 5.0} if fault in STALLS else {}
    return proxy.inject(ENDPOINT[operation], fault, times=times, **options)


def _check_message(result, fault, outcome):
    message = result['msg']
    if outcome.startswith('lost'):
        assert 'lost' in message and 'regenerate' in message and 'key option' in message, message
        return
    if fault in STATUS_OF:
        assert 'HTTP %d' % STATUS_OF[fault] in message, message
    elif fault in STALLS:
        assert 'timed out' in message and 'timeout' in message, message
    elif fault in CLOSES:
        assert 'api_url' in message, message
    elif fault in GARBLED:
        assert 'HTTP 200' in message and 'not JSON' in message, message


@pytest.mark.parametrize('operation, fault, persistence, outcome', list(_cases()))
def test_fault_leaves_the_server_consistent(operation, fault, persistence, outcome, fault_proxy, litellm_server,
                                            direct, run_module):
    alias = 'fault-%s-%s' % (operation, fault)
    master = litellm_server.master_key
    seeded = None
    if operation in ('update', 'delete'):
        seeded = direct.generate_key({'key_alias': alias, 'models': OLD_SETTINGS['models'], 'max_budget': 10,
                                      'metadata': OLD_SETTINGS['metadata']})
    if operation == 'info':
        for number in range(3):
            direct.generate_key({'key_alias': '%s-%d' % (alias, number), 'team_id': 'fleet'})
    writes_before = litellm_server.counts()['writes']
    _inject(fault_proxy, operation, fault, persistence)

    args = _connection(fault_proxy, litellm_server, fault, persistence)
    if operation == 'info':
        result = run_module(litellm_key_info, dict(args, team_id='fleet'))
    else:
        args.update(key_alias=alias, state='absent' if operation == 'delete' else 'present')
        if operation != 'delete':
            args.update(DESIRED)
        result = run_module(litellm_key, args)

    expected_result, expected_state = outcome.split()
    secrets = [master] + ([seeded['key']] if seeded else [])
    assert_clean(result, *secrets)
    if operation == 'create':
        # A secret the server generated may be in the task's key return value, nowhere else (not in a message).
        assert_clean(dict(result, key=None) if expected_result == 'ok' else result, *_generated_secrets(fault_proxy))
    if expected_result == 'ok':
        assert not result.get('failed'), result['msg']
    else:
        assert result.get('failed'), result
        _check_message(result, fault, outcome)

    stored = _keys_with_alias(direct, alias)
    assert len(stored) <= 1, 'two keys share the alias %r' % alias
    if operation == 'create':
        assert len(stored) == (1 if expected_state == 'one' else 0)
        if expected_result == 'lost':
            assert stored[0]['token'] in result['msg']
        if expected_result == 'ok':
            assert result['changed'] and result['token'] == stored[0]['token']
            assert result['key'].startswith('sk-') and hash_key(result['key']) == stored[0]['token']
            assert _settings(stored[0]) == dict(NEW_SETTINGS, metadata={'owner': 'team-b'})
        _assert_generate_resolved_by_read(fault_proxy, fault)
    elif operation == 'update':
        assert len(stored) == 1 and stored[0]['token'] == seeded['token'], 'the key was lost'
        assert _settings(stored[0]) == (NEW_SETTINGS if expected_state == 'new' else OLD_SETTINGS)
    elif operation == 'delete':
        assert len(stored) == (0 if expected_state == 'gone' else 1)
        if expected_state == 'kept':
            assert stored[0]['token'] == seeded['token'] and _settings(stored[0]) == OLD_SETTINGS
    else:
        assert litellm_server.counts()['writes'] == writes_before, 'a read wrote'
        if expected_result == 'ok':
            assert sorted(k['key_alias'] for k in result['virtual_keys']) == ['%s-%d' % (alias, n) for n in range(3)]


def _generated_secrets(proxy):
    found = []
    for record in proxy.requests_to('/key/generate'):
        if record['forwarded'] and record['status'] == 200:
            found.append(json.loads(record['body'].decode('utf-8'))['key'])
    return found


def _assert_generate_resolved_by_read(proxy, fault):
    """After an ambiguous failure of /key/generate the very next request is the read by alias."""
    records = list(proxy.records)
    for index, record in enumerate(records):
        if record['path'] == '/key/generate' and record['fault'] == fault and fault in AMBIGUOUS_FOR_CREATE:
            following = records[index + 1] if index + 1 < len(records) else None
            assert following is not None and following['method'] == 'GET' and following['path'] == '/key/list', (
                'after %s on /key/generate the module sent %r' % (fault, following))


@pytest.mark.parametrize('fault', ['close_after', 'cut_off', 'stall_after', 'http_502_after', 'truncated', 'empty'])
def test_create_with_a_chosen_key_survives_a_lost_answer(fault, fault_proxy, litellm_server, direct, run_module):
    """With the secret chosen by the caller, a lost answer to /key/generate is resolved and the task succeeds."""
    alias = 'chosen-%s' % fault
    chosen = 'sk-chosen-secret-%s-0123456789' % fault.replace('_', '-')
    _inject(fault_proxy, 'create', fault, 'transient')
    args = _connection(fault_proxy, litellm_server, fault, 'transient')
    result = run_module(litellm_key, dict(args, key_alias=alias, key=chosen, max_budget=5))
    assert_clean(result, litellm_server.master_key, chosen)
    assert not result.get('failed'), result['msg']
    assert result['changed'] and result['token'] == hash_key(chosen)
    stored = _keys_with_alias(direct, alias)
    assert [k['token'] for k in stored] == [hash_key(chosen)]
    assert len(fault_proxy.requests_to('/key/generate')) == 1, 'the key was created twice'


def _create_whose_answer_and_reread_are_lost(proxy, server, run_module):
    proxy.inject('/key/generate', 'close_after', times=1)
    # The first read (is the key there?) passes; the read that should resolve the lost answer fails.
    proxy.inject('/key/list', 'http_500', times=None, after=1)
    return run_module(litellm_key, dict(_connection(proxy, server, 'close_after', 'persistent'),
                                        key_alias='twice-unlucky', max_budget=1))


def test_create_whose_answer_and_reread_are_lost_fails_and_a_rerun_finds_the_key(fault_proxy, litellm_server,
                                                                                 direct, run_module):
    result = _create_whose_answer_and_reread_are_lost(fault_proxy, litellm_server, run_module)
    assert_clean(result, litellm_server.master_key, *_generated_secrets(fault_proxy))
    assert result.get('failed') and 'HTTP 500' in result['msg'], result
    assert len(_keys_with_alias(direct, 'twice-unlucky')) == 1
    fault_proxy.clear()
    again = run_module(litellm_key, dict(_connection(fault_proxy, litellm_server, None, 'transient'),
                                         key_alias='twice-unlucky', max_budget=1))
    assert not again.get('failed') and not again['changed'], again
    assert len(_keys_with_alias(direct, 'twice-unlucky')) == 1
    assert len(fault_proxy.requests_to('/key/generate')) == 1


def test_create_whose_answer_and_reread_are_lost_names_the_way_out(fault_proxy, litellm_server, run_module):
    # The re-run finds the key and reports no change: this message is the only place the user learns that
    # the secret may be lost, so it must say so and name the way out, as when the read succeeds.
    message = _create_whose_answer_and_reread_are_lost(fault_proxy, litellm_server, run_module)['msg']
    assert 'lost' in message and 'regenerate' in message and 'key option' in message, message


def test_429_retry_after_seconds_is_honoured(fault_proxy, litellm_server, direct, run_module, retry_sleeps):
    direct.generate_key({'key_alias': 'rate-limited', 'max_budget': 1})
    fault_proxy.inject('/key/update', 'http_429', times=2, retry_after='7')
    result = run_module(litellm_key, dict(_connection(fault_proxy, litellm_server, 'http_429', 'transient'),
                                          key_alias='rate-limited', max_budget=2))
    assert not result.get('failed'), result['msg']
    assert retry_sleeps == [7.0, 7.0]
    assert _keys_with_alias(direct, 'rate-limited')[0]['max_budget'] == 2


def test_429_retry_after_http_date_is_honoured_and_capped(fault_proxy, litellm_server, run_module, retry_sleeps):
    in_30_seconds = email.utils.formatdate(time.time() + 30, usegmt=True)
    fault_proxy.inject('/key/list', 'http_429', times=1, retry_after=in_30_seconds)
    fault_proxy.inject('/key/list', 'http_429', times=1, retry_after='86400')
    result = run_module(litellm_key_info, _connection(fault_proxy, litellm_server, 'http_429', 'transient'))
    assert not result.get('failed'), result['msg']
    assert len(retry_sleeps) == 2
    assert 20 < retry_sleeps[0] <= 30
    # A day-long Retry-After must not hang a CI job: the client caps it.
    assert retry_sleeps[1] == 60


def test_backoff_grows_exponentially_with_jitter(fault_proxy, litellm_server, run_module, retry_sleeps):
    sequences = []
    for _run in range(2):
        del retry_sleeps[:]
        fault_proxy.inject('/key/list', 'http_502', times=3)
        result = run_module(litellm_key_info, _connection(fault_proxy, litellm_server, 'http_502', 'transient'))
        assert not result.get('failed'), result['msg']
        assert len(retry_sleeps) == 3
        for attempt, delay in enumerate(retry_sleeps, start=1):
            ceiling = 0.5 * 2 ** (attempt - 1)   # the client's default backoff is 0.5 s
            assert ceiling / 2 <= delay <= ceiling
        sequences.append(list(retry_sleeps))
    assert sequences[0] != sequences[1], 'no jitter: two runs waited exactly the same'


def test_retries_zero_means_one_attempt(fault_proxy, litellm_server, run_module):
    fault_proxy.inject('/key/list', 'http_503', times=1)
    args = dict(_connection(fault_proxy, litellm_server, 'http_503', 'transient'), retries=0)
    result = run_module(litellm_key_info, args)
    assert result.get('failed') and 'HTTP 503' in result['msg']
    assert len(fault_proxy.requests_to('/key/list')) == 1


def test_fault_on_the_read_before_a_write_writes_nothing(fault_proxy, litellm_server, direct, run_module):
    """A create whose first read fails must not create anything blindly."""
    fault_proxy.inject('/key/list', 'http_500', times=None)
    result = run_module(litellm_key, dict(_connection(fault_proxy, litellm_server, 'http_500', 'persistent'),
                                          key_alias='never-read'))
    assert result.get('failed') and 'HTTP 500' in result['msg']
    assert litellm_server.counts()['writes'] == 0
    assert _keys_with_alias(direct, 'never-read') == []
