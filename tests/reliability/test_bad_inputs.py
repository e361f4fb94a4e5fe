# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A table of bad inputs, each run through the real module by ansible-playbook (one playbook, one task each).

Every case must fail with a message that names the offending option, without a traceback and without
showing a secret, and the server's write counter must show that nothing was written.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import socket

import pytest

from litellm_test_server import start_server
from reliability_support import assert_clean, run_playbook

MASTER_KEY = 'sk-master-badinputs-5f1c2e9a7b3d'
WRONG_KEY = 'sk-wrong-key-9d8c7b6a5f4e3d2c'
BAD_CHOSEN_KEY = 'not-a-litellm-secret-0123456789'
KEY = 'llmops.litellm.litellm_key'
HOSTS = ('table-a', 'table-b')
INFO = 'llmops.litellm.litellm_key_info'

# The message must match the pattern; where the module itself caught the problem, its result also says which
# option (``option``). Patterns for ansible's own argument checks quote ansible-core's wording.
ANSIBLE_TYPE = r"argument '%s' is of type"
# An infinite number inside a dict: ansible-core 2.19 templates it to a float (the module refuses it), older
# releases to a string that is no dict (ansible refuses it). Either message must name the option.
INFINITE_IN_DICT = r"(^|argument ')%s(: |' is of type)"
CASES = [
    # id, module, arguments changed from the defaults, option named, pattern of the message
    ('max_budget not a number', KEY, {'max_budget': 'lots'}, 'max_budget', ANSIBLE_TYPE),
    ('max_budget negative', KEY, {'max_budget': -1}, 'max_budget', None),
    ('max_budget infinite', KEY, {'max_budget': 'inf'}, 'max_budget', None),
    ('max_budget not a number (nan)', KEY, {'max_budget': 'nan'}, 'max_budget', None),
    ('soft_budget negative', KEY, {'soft_budget': -0.5}, 'soft_budget', None),
    ('tpm_limit negative', KEY, {'tpm_limit': -5}, 'tpm_limit', None),
    ('tpm_limit fractional', KEY, {'tpm_limit': 1.5}, 'tpm_limit', ANSIBLE_TYPE),
    ('rpm_limit not a number', KEY, {'rpm_limit': 'fast'}, 'rpm_limit', ANSIBLE_TYPE),
    ('max_parallel_requests negative', KEY, {'max_parallel_requests': -1}, 'max_parallel_requests', None),
    ('duration with an unknown unit', KEY, {'duration': '7x'}, 'duration', None),
    ('budget_duration without a count', KEY, {'budget_duration': 'fortnight'}, 'budget_duration', None),
    ('key_alias empty', KEY, {'key_alias': ''}, 'key_alias', None),
    ('key_alias of 10000 characters', KEY, {'key_alias': 'a' * 10000}, 'key_alias', None),
    ('key_alias with surrounding blanks', KEY, {'key_alias': ' padded '}, 'key_alias', None),
    ('key_alias with a newline', KEY, {'key_alias': 'bad\nalias'}, 'key_alias', None),
    ('models a mapping', KEY, {'models': {'gpt-4o': 1}}, 'models', ANSIBLE_TYPE),
    ('models with an empty name', KEY, {'models': ['gpt-4o', '']}, 'models', None),
    ('metadata a list', KEY, {'metadata': [1, 2]}, 'metadata', ANSIBLE_TYPE),
    ('metadata a plain string', KEY, {'metadata': 'not-a-dict'}, 'metadata', ANSIBLE_TYPE),
    ('aliases a plain string', KEY, {'aliases': 'gpt-4o'}, 'aliases', ANSIBLE_TYPE),
    ('model_rpm_limit negative', KEY, {'model_rpm_limit': {'gpt-4o': -1}}, 'model_rpm_limit', None),
    ('model_tpm_limit not a number', KEY, {'model_tpm_limit': {'gpt-4o': 'many'}}, 'model_tpm_limit', None),
    ('model_max_budget negative', KEY, {'model_max_budget': {'gpt-4o': -5}}, 'model_max_budget', None),
    ('model_max_budget infinite', KEY, {'model_max_budget': "{{ {'gpt-4o': 'inf' | float} }}"},
     'model_max_budget', INFINITE_IN_DICT),
    ('metadata with an infinite number', KEY, {'metadata': "{{ {'limit': 'inf' | float} }}"}, 'metadata',
     INFINITE_IN_DICT),
    ('budget_id with soft_budget', KEY, {'budget_id': 'shared-budget', 'soft_budget': 5}, 'soft_budget', None),
    ('team_id blank', KEY, {'team_id': '   '}, 'team_id', None),
    ('key not a LiteLLM secret', KEY, {'key': BAD_CHOSEN_KEY}, 'key', None),
    ('state unknown', KEY, {'state': 'gone'}, 'state', r'value of %s must be one of'),
    ('blocked not a boolean', KEY, {'blocked': 'maybe'}, 'blocked', ANSIBLE_TYPE),
    ('regenerate with state absent', KEY, {'regenerate': True, 'state': 'absent'}, 'regenerate', None),
    ('grace_period without regenerate', KEY, {'grace_period': '24h'}, 'grace_period', None),
    ('unknown option', KEY, {'max_budgett': 5}, 'max_budgett', r'Unsupported parameters for .*module: %s\b'),
    ('api_url without a scheme', KEY, {'api_url': 'localhost:{port}'}, 'api_url', None),
    ('api_url with an endpoint path', KEY, {'api_url': '{url}/key/generate'}, 'api_url', None),
    ('api_url with another scheme', KEY, {'api_url': 'ftp://127.0.0.1:{port}'}, 'api_url', None),
    ('api_url unreachable', KEY, {'api_url': 'http://127.0.0.1:{closed_port}', 'retries': 1}, 'api_url',
     r'Connection refused.*Is %s right'),
    ('api_key wrong', KEY, {'api_key': WRONG_KEY}, 'api_key', r'HTTP 401.*Check %s'),
    ('api_key missing', KEY, {'api_key': '{{ omit }}'}, 'api_key', None),
    ('client_key without client_cert', KEY, {'client_key': '/nonexistent/client.key'}, 'client_key', None),
    ('ca_path not a file', KEY, {'api_url': 'https://localhost:{port}', 'ca_path': '/nonexistent/ca.pem'},
     'ca_path', None),
    ('client_cert not a file', KEY, {'api_url': 'https://localhost:{port}', 'client_cert': '/nonexistent/c.pem'},
     'client_cert', None),
    ('timeout zero', KEY, {'timeout': 0}, 'timeout', None),
    ('timeout not a number (nan)', KEY, {'timeout': 'nan'}, 'timeout', None),
    ('timeout infinite', KEY, {'timeout': 'inf'}, 'timeout', None),
    ('retries out of range', KEY, {'retries': 50}, 'retries', None),
    ('validate_certs not a boolean', KEY, {'validate_certs': 'perhaps'}, 'validate_certs', ANSIBLE_TYPE),
    ('info page_size zero', INFO, {'page_size': 0}, 'page_size', None),
    ('info page_size not a number', INFO, {'page_size': 'ten'}, 'page_size', ANSIBLE_TYPE),
    ('info unknown option', INFO, {'key_aliass': 'x'}, 'key_aliass', r'Unsupported parameters for .*module: %s\b'),
    ('info api_url with an endpoint path', INFO, {'api_url': '{url}/v1'}, 'api_url', None),
]


def _closed_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def _task(case, server, closed_port):
    name, module, changes, _option, _pattern = case
    places = {'url': server.url, 'port': server.port, 'closed_port': closed_port}
    args = {'api_url': server.url, 'api_key': MASTER_KEY}
    if module == KEY:
        args['key_alias'] = 'bad-input'
    for option, value in changes.items():
        args[option] = value.format(**places) if isinstance(value, str) and option == 'api_url' else value
    return {'name': name, module: args, 'ignore_errors': True, 'when': 'inventory_hostname == %r' % _host(name)}


def _host(name):
    # Two hosts and the free strategy: each runs its half of the table, in parallel, on its own core.
    return HOSTS[[case[0] for case in CASES].index(name) % len(HOSTS)]


@pytest.fixture(scope='module')
def bad_input_run(tmp_path_factory):
    server = start_server(master_key=MASTER_KEY)
    try:
        plays = [{'hosts': 'targets', 'gather_facts': False, 'strategy': 'free',
                  'tasks': [_task(case, server, _closed_port()) for case in CASES]}]
        run = run_playbook(tmp_path_factory.mktemp('bad-inputs'), plays, hosts=HOSTS, forks=len(HOSTS))
        yield run, server.counts()
    finally:
        server.stop()


def test_the_table_is_large_enough():
    assert len(CASES) >= 25
    assert len(set(case[0] for case in CASES)) == len(CASES), 'case names are task names: keep them unique'


@pytest.mark.parametrize('case', [pytest.param(case, id=case[0]) for case in CASES])
def test_bad_input_fails_naming_the_option(case, bad_input_run):
    run, _counts = bad_input_run
    name, _module, _changes, option, pattern = case
    result = run.result(name, _host(name))
    assert_clean(result, MASTER_KEY, WRONG_KEY, BAD_CHOSEN_KEY)
    assert result['_status'] == 'failed', 'accepted: %s' % json.dumps(result)[:2000]
    message = result['msg']
    assert re.search(r'\b%s\b' % re.escape(option), message), message
    if pattern is None:
        # Caught by the module itself: the message starts with the option, and the result names it.
        assert result.get('option') == option and message.startswith(option + ':'), message
    else:
        assert re.search(pattern % re.escape(option), message, re.S), message
    sent_writes = [r for r in result.get('requests') or () if r['sent'] and r['method'] != 'GET']
    assert not sent_writes, sent_writes


def test_the_server_wrote_nothing(bad_input_run):
    _run, counts = bad_input_run
    assert counts['writes'] == 0, counts
    assert set(counts['counts']) <= {'GET /key/list'}, counts


def test_no_secret_in_the_output(bad_input_run):
    # Tracebacks are checked case by case (assert_clean): ansible-core < 2.19 prints them at default verbosity,
    # 2.19 only from -vvv, so the whole output says less than each result.
    run, _counts = bad_input_run
    for secret in (MASTER_KEY, WRONG_KEY, BAD_CHOSEN_KEY):
        assert secret not in run.output
