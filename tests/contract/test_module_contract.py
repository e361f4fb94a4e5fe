"""The modules, run by ansible-playbook from the synced collection tree, against both servers.

* Check mode against the local test server: every request ``litellm_key`` plans (create, update, delete,
  rotation) and every read of ``litellm_key_info`` keeps the real proxy's contract; replayed for real, the
  planned writes are accepted by the local server and pass the real proxy's validation.
* Against the real proxy (no database): with a wrong ``api_key`` and with the master key, the modules fail
  cleanly with the proxy's own message, no traceback, and no key in the output even at -vvv.
"""

import copy
import json
import secrets

import pytest

from contract_http import describe, error_message, send, send_raw
from openapi_contract import RequestView
from playbook_runner import results_task, run_playbook
from request_catalogue import BASELINE_ALIAS, BASELINE_KEY, BASELINE_TOKEN, every_setting

import requests

REDACTED = '********'
ANSIBLE_NO_TRACEBACK = '(traceback unavailable)'


# (label, options, expected action) for litellm_key in check mode, the baseline key existing on the server.
KEY_PLANS = [
    ('create alias only', {'key_alias': 'plan-create-bare'}, 'create'),
    ('create every option', dict(every_setting(0), key_alias='plan-create-all', duration='30d',
                                 key='sk-plan-chosen-' + secrets.token_hex(8)), 'create'),
    ('create every option, edge values', dict(every_setting(1), key_alias='plan-create-edge'), 'create'),
    ('create budgets', {'key_alias': 'plan-create-budget', 'max_budget': 25, 'soft_budget': 20.5,
                        'budget_duration': '1mo', 'model_max_budget': {'gpt-4o': 3}}, 'create'),
    ('create limits', {'key_alias': 'plan-create-limits', 'tpm_limit': 1000, 'rpm_limit': 10,
                       'max_parallel_requests': 2, 'model_rpm_limit': {'gpt-4o': 5},
                       'model_tpm_limit': {'gpt-4o': 500}}, 'create'),
    ('create ownership', {'key_alias': 'plan-create-owner', 'team_id': 'team-a', 'user_id': 'user-a',
                          'organization_id': 'org-a', 'budget_id': 'budget-a'}, 'create'),
    ('create blocked', {'key_alias': 'plan-create-blocked', 'blocked': True, 'allowed_routes': ['llm_api_routes'],
                        'guardrails': ['pii'], 'tags': ['a']}, 'create'),
    ('update every setting', dict(every_setting(0), key_alias=BASELINE_ALIAS), 'update'),
    ('update metadata merge', {'key_alias': BASELINE_ALIAS, 'metadata': {'owner': None, 'env': 'prod'}}, 'update'),
    ('update models and tags', {'key_alias': BASELINE_ALIAS, 'models': ['gpt-4o'], 'tags': ['x']}, 'update'),
    ('update budgets', {'key_alias': BASELINE_ALIAS, 'max_budget': 1.5, 'soft_budget': 1.0,
                        'budget_duration': '7d'}, 'update'),
    ('update blocked', {'key_alias': BASELINE_ALIAS, 'blocked': True}, 'update'),
    ('unchanged', {'key_alias': BASELINE_ALIAS, 'metadata': {'owner': 'contract-tests'}}, 'unchanged'),
    ('delete', {'key_alias': BASELINE_ALIAS, 'state': 'absent'}, 'delete'),
    ('absent already', {'key_alias': 'plan-never-existed', 'state': 'absent'}, 'absent'),
    ('regenerate', {'key_alias': BASELINE_ALIAS, 'regenerate': True}, 'regenerate'),
    ('regenerate with grace period and new key', {'key_alias': BASELINE_ALIAS, 'regenerate': True,
                                                  'grace_period': '24h',
                                                  'key': 'sk-plan-rotated-' + secrets.token_hex(8)}, 'regenerate'),
]

# Keys on the server besides the baseline one: a team that litellm_keys reconciles as a set.
SET_TEAM = 'team-set'
SEEDED_KEYS = [BASELINE_KEY] + [
    {'key': 'sk-contract-set-%s-%s' % (alias, secrets.token_hex(6)), 'key_alias': alias, 'team_id': SET_TEAM,
     'models': ['gpt-4o-mini']} for alias in ('set-keep', 'set-extra-1', 'set-extra-2')]

# (label, options) for litellm_keys in check mode.
SET_PLANS = [
    ('set exclusive team', {
        'team_id': SET_TEAM, 'exclusive': True, 'page_size': 2,
        'chosen_keys': {'set-new': 'sk-plan-set-chosen-' + secrets.token_hex(8)},
        'keys': [dict(every_setting(0), key_alias='set-keep', team_id=SET_TEAM),
                 {'key_alias': 'set-new', 'tags': ['x'], 'duration': '1d', 'max_budget': 2},
                 {'key_alias': 'set-gone', 'state': 'absent'}]}),
    ('set by alias prefix', {
        'alias_prefix': 'plan-set-',
        'keys': [dict(every_setting(1), key_alias='plan-set-a'),
                 {'key_alias': 'plan-set-b', 'models': ['m'], 'blocked': True}]}),
]

INFO_QUERIES = [
    ('info every key', {}),
    ('info by alias', {'key_alias': BASELINE_ALIAS}),
    ('info by token', {'token': BASELINE_TOKEN}),
    ('info by owners', {'team_id': 'team-a', 'user_id': 'user-a', 'organization_id': 'org-a'}),
    ('info small pages', {'page_size': 1}),
]


def _server_env(ansible_env, server, api_key):
    env = dict(ansible_env)
    env['LITELLM_PROXY_URL'] = server
    env['LITELLM_PROXY_API_KEY'] = api_key
    return env


def _seed(server):
    """Empty the local server and create SEEDED_KEYS on it."""
    server.reset(data=True)
    for body in SEEDED_KEYS:
        created = send_raw('POST', server.url + '/key/generate', server.master_key, json_body=body)
        assert created.status_code == 200, describe(created)


@pytest.fixture(scope='session')
def check_mode_plans(tmp_path_factory, litellm_server_session, ansible_env):
    """Run every KEY_PLANS and INFO_QUERIES task in check mode once; returns (labels, results, write counts)."""
    server = litellm_server_session
    _seed(server)
    server.reset(data=False)  # counters only: what follows must write nothing

    tmp_path = tmp_path_factory.mktemp('check-mode-plans')
    tasks, registered, labels = [], [], []
    for index, (label, options, _action) in enumerate(KEY_PLANS):
        tasks.append({'name': label, 'llmops.litellm.litellm_key': options, 'check_mode': True, 'diff': True,
                      'register': 'plan_%d' % index})
        registered.append('plan_%d' % index)
        labels.append(label)
    for index, (label, options) in enumerate(SET_PLANS):
        tasks.append({'name': label, 'llmops.litellm.litellm_keys': options, 'check_mode': True, 'diff': True,
                      'register': 'set_%d' % index})
        registered.append('set_%d' % index)
        labels.append(label)
    for index, (label, options) in enumerate(INFO_QUERIES):
        tasks.append({'name': label, 'llmops.litellm.litellm_key_info': options, 'check_mode': True,
                      'register': 'info_%d' % index})
        registered.append('info_%d' % index)
        labels.append(label)
    results_file = tmp_path / 'results.json'
    tasks.append(results_task(registered, results_file))
    completed = run_playbook(tmp_path, tasks, _server_env(ansible_env, server.url, server.master_key))
    assert completed.returncode == 0, completed.stdout[-5000:]
    results = json.loads(results_file.read_text())
    results_file.unlink()
    return dict(zip(labels, results)), server.counts()


def test_check_mode_writes_nothing(check_mode_plans):
    results, counts = check_mode_plans
    assert counts['writes'] == 0, counts
    for label, _options, action in KEY_PLANS:
        assert results[label]['action'] == action, (label, results[label])
        assert results[label]['changed'] is (action not in ('unchanged', 'absent')), label
        assert 'key' not in results[label], 'check mode creates nothing, so it returns no secret'


def _planned(results):
    for label, result in sorted(results.items()):
        for position, request in enumerate(result['requests']):
            yield label, position, request


def test_planned_requests_keep_the_real_contract(check_mode_plans, contract):
    results, _counts = check_mode_plans
    checked = 0
    for label, position, request in _planned(results):
        assert request['headers'].get('Authorization') == 'Bearer ' + REDACTED, (label, request['headers'])
        assert request['sent'] is (request['method'] == 'GET'), (label, request)
        errors = contract.request_errors(RequestView.from_description(request))
        assert not errors, '%s, request %d: %s\n  %s' % (label, position, json.dumps(request), '\n  '.join(errors))
        checked += 1
    writes = [label for label, _p, r in _planned(results) if not r['sent']]
    for label, _options, action in KEY_PLANS:
        assert writes.count(label) == (0 if action in ('unchanged', 'absent') else 1), label
    # The team set: one update, one creation, one deletion of both undeclared keys (in one request).
    assert [r['url'].rsplit('/', 1)[-1] for r in results['set exclusive team']['requests'] if not r['sent']] == \
        ['update', 'generate', 'delete'], results['set exclusive team']['requests']
    assert writes.count('set by alias prefix') == 2
    assert checked > len(writes)


def _replayable(request):
    """The planned request, made sendable: masked secrets replaced by fresh ones, placeholder auth."""
    body = copy.deepcopy(request['body'])
    if isinstance(body, dict):
        for field in ('key', 'new_key'):
            if body.get(field) == REDACTED:
                body[field] = 'sk-contract-replay-' + secrets.token_hex(8)
    headers = dict(request['headers'])
    headers.pop('Authorization', None)
    return requests.Request(request['method'], request['url'], headers=headers,
                            json=body if request['body'] is not None else None)


def test_planned_writes_are_accepted_when_replayed(check_mode_plans, litellm_server, real_proxy):
    results, _counts = check_mode_plans
    replayed = 0
    for label, _position, request in _planned(results):
        if request['sent']:
            continue
        replay = _replayable(request)
        real = send(replay, real_proxy.url, real_proxy.master_key)
        assert real.status_code != 422, '%s: the real proxy rejected the planned request: %s' % (label, describe(real))
        _seed(litellm_server)
        local = send(replay, litellm_server.url, litellm_server.master_key)
        assert 200 <= local.status_code < 300, '%s: %s' % (label, describe(local))
        replayed += 1
    assert replayed >= 20


# -- against the real proxy --------------------------------------------------------------------------------

WRONG_KEYS = ('sk-wrong-' + secrets.token_hex(12), 'wrong-' + secrets.token_hex(12))
REAL_PROXY_TASKS = [
    # The wrong keys reach the option from the environment, so that no key is written into the playbook file.
    ('wrong sk- key as option', 'llmops.litellm.litellm_key',
     {'key_alias': 'contract-real', 'api_key': "{{ lookup('env', 'CONTRACT_WRONG_KEY_0') }}"}, False, WRONG_KEYS[0]),
    ('wrong plain key as option', 'llmops.litellm.litellm_key',
     {'key_alias': 'contract-real', 'api_key': "{{ lookup('env', 'CONTRACT_WRONG_KEY_1') }}"}, False, WRONG_KEYS[1]),
    ('master key from environment', 'llmops.litellm.litellm_key', {'key_alias': 'contract-real', 'models': ['m']},
     False, None),
    ('master key, check mode', 'llmops.litellm.litellm_key', {'key_alias': 'contract-real', 'max_budget': 1},
     True, None),
    ('master key, absent', 'llmops.litellm.litellm_key', {'key_alias': 'contract-real', 'state': 'absent'},
     False, None),
    ('master key, key info', 'llmops.litellm.litellm_key_info', {'key_alias': 'contract-real'}, False, None),
    ('master key, key set', 'llmops.litellm.litellm_keys',
     {'alias_prefix': 'contract-', 'exclusive': True, 'keys': [{'key_alias': 'contract-real'}]}, False, None),
]


@pytest.fixture(scope='session')
def real_proxy_run(tmp_path_factory, real_proxy, each_ansible_env):
    """One -vvv run of every REAL_PROXY_TASKS task against the real proxy; the master key only in the
    environment of ansible-playbook (LITELLM_PROXY_API_KEY), never in a file."""
    tmp_path = tmp_path_factory.mktemp('real-proxy-modules')
    tasks, registered = [], []
    for index, (label, module, options, check_mode, _api_key) in enumerate(REAL_PROXY_TASKS):
        tasks.append({'name': label, module: dict(options, retries=0), 'check_mode': check_mode,
                      'ignore_errors': True, 'register': 'real_%d' % index})
        registered.append('real_%d' % index)
    results_file = tmp_path / 'results.json'
    tasks.append(results_task(registered, results_file))
    env = _server_env(each_ansible_env, real_proxy.url, real_proxy.master_key)
    for index, wrong in enumerate(WRONG_KEYS):
        env['CONTRACT_WRONG_KEY_%d' % index] = wrong
    completed = run_playbook(tmp_path, tasks, env, verbosity=3, name='real-proxy')
    results = json.loads(results_file.read_text())
    results_file.unlink()
    # For whoever debugs a failure, with every key we know of masked (the tests check the raw output).
    scrubbed = completed.stdout
    for secret in (real_proxy.master_key,) + WRONG_KEYS:
        scrubbed = scrubbed.replace(secret, '<secret>')
    (tmp_path / 'ansible-playbook-vvv.log').write_text(scrubbed)
    return completed, dict(zip([t[0] for t in REAL_PROXY_TASKS], results))


@pytest.mark.parametrize('label,module,options,check_mode,api_key', REAL_PROXY_TASKS,
                         ids=[t[0] for t in REAL_PROXY_TASKS])
def test_module_fails_cleanly_on_the_real_proxy(label, module, options, check_mode, api_key, real_proxy,
                                                real_proxy_run):
    _completed, results = real_proxy_run
    result = results[label]
    assert result['failed'] is True and result.get('changed') is False, result
    # The proxy's own words for the same read: ask it directly with the same key.
    direct = send_raw('GET', real_proxy.url + '/key/list?key_alias=contract-real', api_key or real_proxy.master_key)
    expected = error_message(direct)
    assert expected, describe(direct)
    # The module may end the sentence its own way; the words are the proxy's.
    assert expected.rstrip('.') in result['msg'], (expected, result['msg'])
    assert str(direct.status_code) in result['msg']
    assert 'Traceback' not in result['msg']
    assert not set(result) & {'module_stderr', 'module_stdout'}, sorted(result)
    # ansible-core 2.19 puts a placeholder into every failed result; anything else is a module traceback.
    traceback = result.get('exception', ANSIBLE_NO_TRACEBACK)
    assert traceback == ANSIBLE_NO_TRACEBACK, 'the failed result carries a traceback:\n' + traceback[-600:]
    assert [r['method'] for r in result['requests']] == ['GET'], 'nothing may be written after a failed read'


def test_real_proxy_run_shows_no_secret_at_vvv(real_proxy_run, real_proxy):
    completed, _results = real_proxy_run
    output = completed.stdout
    assert completed.returncode == 0, output[-5000:]  # every task failed, as ignored errors
    assert output.count('...ignoring') == len(REAL_PROXY_TASKS), output[-5000:]
    for secret in (real_proxy.master_key,) + WRONG_KEYS:
        assert secret not in output
    assert 'Traceback' not in output and 'The full traceback is' not in output, _first_traceback(output)
    assert 'MODULE FAILURE' not in output
    assert 'No connected db' in output and 'Database not connected' in output


def _first_traceback(output):
    start = output.find('The full traceback is')
    return output[start:start + 1500] if start >= 0 else output[-1500:]
