# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An integration-style run at -vvv --diff, and a scan of everything it printed for every secret.

The run creates (with and without ``no_log``, with generated and caller-chosen secrets), previews and
applies an update, rotates, lists, fails on a wrong API key and on a gateway that echoes the Authorization
header, and deletes. The fault proxy sits in front of the server only to *see* every answer, so the scan
knows each secret the server generated, including those of ``no_log`` tasks that never reach the output.

Allowed: a secret of a task without ``no_log`` in that task's ``key`` return value. Nothing else, anywhere:
not the API key, not a wrong API key, not a caller-chosen secret, not the secret of a ``no_log`` task.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

import pytest

WRONG_KEY = 'sk-wrong-scan-0badc0de0badc0de'
CHOSEN_HIDDEN = 'sk-chosen-hidden-1f2e3d4c5b6a7980'
CHOSEN_OPEN = 'sk-chosen-open-a1b2c3d4e5f60718'
CHOSEN_IN_SET = 'sk-chosen-in-set-99aa88bb77cc66dd'
KEY = 'llmops.litellm.litellm_key'
KEYS = 'llmops.litellm.litellm_keys'
INFO = 'llmops.litellm.litellm_key_info'


def _plays(proxy_url, master_key):
    connection = {'api_url': proxy_url, 'api_key': master_key, 'retries': 1}
    tasks = [
        {'name': 'create, key shown', KEY: {'key_alias': 'scan-open', 'models': ['m1'], 'max_budget': 5,
                                            'metadata': {'owner': 'scan'}}, 'register': 'open_key'},
        {'name': 'create, no_log', KEY: {'key_alias': 'scan-hidden', 'max_budget': 5}, 'no_log': True,
         'register': 'hidden_key'},
        {'name': 'create with a chosen key, no_log', KEY: {'key_alias': 'scan-chosen-hidden', 'key': CHOSEN_HIDDEN},
         'no_log': True},
        # The key option is no_log: ansible masks its value everywhere, even in this task's own result.
        {'name': 'create with a chosen key, shown', KEY: {'key_alias': 'scan-chosen-open', 'key': CHOSEN_OPEN}},
        {'name': 'preview an update', KEY: {'key_alias': 'scan-open', 'max_budget': 6, 'models': ['m1', 'm2']},
         'check_mode': True},
        {'name': 'update', KEY: {'key_alias': 'scan-open', 'max_budget': 6, 'models': ['m1', 'm2']}},
        {'name': 'no change', KEY: {'key_alias': 'scan-open', 'max_budget': 6}},
        {'name': 'rotate, no_log', KEY: {'key_alias': 'scan-hidden', 'regenerate': True}, 'no_log': True},
        {'name': 'rotate, key shown', KEY: {'key_alias': 'scan-chosen-open', 'regenerate': True}},
        {'name': 'rotate to a chosen key, shown', KEY: {'key_alias': 'scan-chosen-hidden', 'regenerate': True,
                                                        'key': CHOSEN_HIDDEN + '-2'}},
        {'name': 'set of keys, no_log', 'no_log': True,
         KEYS: {'keys': [{'key_alias': 'scan-set-hidden-1'}, {'key_alias': 'scan-set-hidden-2'}]}},
        {'name': 'set of keys, shown', KEYS: {'keys': [{'key_alias': 'scan-set-open', 'max_budget': 1},
                                                       {'key_alias': 'scan-set-chosen'}],
                                              'chosen_keys': {'scan-set-chosen': CHOSEN_IN_SET}}},
        {'name': 'list every key', INFO: {}},
        {'name': 'wrong api_key', INFO: {'api_key': WRONG_KEY}, 'ignore_errors': True},
        {'name': 'wrong api_key on create', KEY: {'key_alias': 'scan-never', 'api_key': WRONG_KEY},
         'ignore_errors': True},
        {'name': 'gateway echoes the api key', INFO: {'key_alias': 'scan-echo'}, 'ignore_errors': True},
        {'name': 'delete', KEY: {'key_alias': 'scan-open', 'state': 'absent'}},
        {'name': 'delete, no_log', KEY: {'key_alias': 'scan-hidden', 'state': 'absent'}, 'no_log': True},
    ]
    return [
        {'name': 'secrets scan', 'hosts': 'localhost', 'gather_facts': False,
         'module_defaults': {'group/llmops.litellm.litellm': connection}, 'tasks': tasks},
        # The API key from the controller's environment (LITELLM_PROXY_API_KEY), as LiteLLM's own CLI takes it.
        {'name': 'api key from the environment', 'hosts': 'localhost', 'gather_facts': False,
         'tasks': [{'name': 'list with the key from the environment', INFO: {'api_url': proxy_url}}]},
    ]


# On the controller the modules run in-process (their action plugins); litellm_in_process=false runs them as
# modules. Both ways are scanned.
@pytest.fixture(params=['in_process', 'module'])
def scanned_run(request, fault_proxy, litellm_server, playbook_runner, tmp_path):
    fault_proxy.inject('/key/list', 'echo_auth', times=1, query_contains='key_alias=scan-echo')
    log_file = tmp_path / 'ansible.log'
    master_key = litellm_server.master_key
    way = ['-e', 'litellm_in_process=false'] if request.param == 'module' else []
    run = playbook_runner(_plays(fault_proxy.url, master_key), args=['-vvv', '--diff'] + way,
                          env={'ANSIBLE_LOG_PATH': str(log_file), 'LITELLM_PROXY_API_KEY': master_key})
    log = log_file.read_text() if log_file.exists() else ''
    run.way = request.param
    return run, run.output + '\n' + log


def _generated_secrets(proxy):
    """Every secret the server handed out during the run, by endpoint, as the proxy saw the answers."""
    found = []
    for record in proxy.records:
        if record['forwarded'] and record['status'] == 200 and record['path'].endswith(('/generate', '/regenerate')):
            found.append(json.loads(record['body'].decode('utf-8'))['key'])
    return found


def test_no_secret_in_the_output_of_a_vvv_run(scanned_run, fault_proxy, litellm_server):
    run, output = scanned_run
    results = run.results['localhost']
    failed = sorted(name for name, result in results.items() if result['_status'] == 'failed')
    assert failed == ['gateway echoes the api key', 'wrong api_key', 'wrong api_key on create'], run.output[-5000:]
    assert 'task path:' in output, 'not a -vvv run'
    assert ('<localhost> EXEC' in output) == (run.way == 'module'), 'the modules did not run the way asked'
    assert 'Traceback' not in output

    generated = _generated_secrets(fault_proxy)
    # litellm_key: scan-open, scan-hidden, two chosen keys, three rotations; litellm_keys: four keys
    assert len(generated) == 11, generated
    for task in ('create, no_log', 'rotate, no_log', 'create with a chosen key, no_log', 'set of keys, no_log'):
        assert results[task].get('censored') and 'key' not in results[task], results[task]
    # where each shown secret may appear: as the value the module returns it in
    shown = {
        results['create, key shown']['key']: '"key": ',
        results['rotate, key shown']['key']: '"key": ',
        results['set of keys, shown']['secrets']['scan-set-open']: '"scan-set-open": ',
    }
    assert set(shown) <= set(generated) and len(shown) == 3
    assert set(results['set of keys, shown']['secrets']) == {'scan-set-open'}, 'a chosen secret was returned'

    never = {litellm_server.master_key, WRONG_KEY, CHOSEN_HIDDEN, CHOSEN_HIDDEN + '-2', CHOSEN_OPEN,
             CHOSEN_IN_SET} | (set(generated) - set(shown))
    for secret in sorted(never):
        assert secret not in output, 'a secret that must never be shown is in the output:\n%s' % _around(output, secret)
    for secret, label in sorted(shown.items()):
        everywhere = output.count(secret)
        as_return_value = len(re.findall(re.escape('%s"%s"' % (label, secret)), output))
        assert everywhere and everywhere == as_return_value, (
            'a generated key appears outside the return value that carries it:\n%s' % _around(output, secret))


def _around(text, secret):
    lines = [line for line in text.splitlines() if secret in line]
    return '\n'.join(line.replace(secret, '<SECRET>')[:400] for line in lines[:5])
