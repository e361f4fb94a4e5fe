"""The modules, run by ansible-playbook (the dev venv's ansible-core) from the synced collection tree.

* Check mode against the local test server: every request ``litellm_key``, ``litellm_keys``, ``litellm_team``,
  ``litellm_user``, ``litellm_budget`` and ``litellm_credential`` plan (create, update, members, delete, rotation) and every read of the
  ``*_info`` modules keeps the real proxy's contract; replayed for real, the planned writes are accepted by the
  local server and pass the real proxy's validation.
* End to end against the real proxy with its database (no Enterprise license, no models), in one -vvv run: key
  lifecycle (check mode, create, no change, update with merged metadata, delete, delete again), a key set,
  users, a budget and a team with members (added, removed, a role the plain proxy refuses), the info modules,
  a credential (its secret write-only, rotated once), a key of a missing team refused before any write, an
  Enterprise-only setting refused as such, a wrong API key refused as an authentication failure, and no secret
  anywhere in the output.
"""

import copy
import json
import re
import secrets

import pytest
import requests

from contract_http import describe, send, send_raw
from openapi_contract import RequestView
from playbook_runner import results_task, run_playbook
from request_catalogue import BASELINE_ALIAS, BASELINE_KEY, BASELINE_TOKEN, MISSING_PROJECT_ID, every_setting

REDACTED = '********'
ANSIBLE_NO_TRACEBACK = '(traceback unavailable)'
# Anything shaped like a LiteLLM secret (its abbreviation "sk-...abcd" is shorter).
SECRET_SHAPE = re.compile(r'sk-[A-Za-z0-9_\-]{12,}')

# The objects the planned requests name, made on the local server before the plans (it checks references).
WORLD_TEAMS = ('team-a', 'team-set', 'plan-team')
WORLD_USERS = ('user-a', 'plan-user')
WORLD_BUDGETS = ('budget-a', 'plan-budget')
WORLD_ORGANIZATION = 'org-a'

# (label, options, expected action) for litellm_key in check mode, the baseline key existing on the server.
KEY_PLANS = [
    ('create alias only', {'key_alias': 'plan-create-bare'}, 'create'),
    ('create every option', dict(every_setting(0, create=True), key_alias='plan-create-all', duration='30d',
                                 key='sk-plan-chosen-' + secrets.token_hex(8), team_id='team-a', user_id='user-a',
                                 organization_id=WORLD_ORGANIZATION, end_user_budget_id='budget-a',
                                 object_permission={'vector_stores': ['vs-1']}), 'create'),
    ('create every option, edge values', dict(every_setting(1, create=True), key_alias='plan-create-edge',
                                              team_id='team-a', user_id='user-a', organization_id=WORLD_ORGANIZATION,
                                              end_user_budget_id='budget-a'), 'create'),
    ('create budgets', {'key_alias': 'plan-create-budget', 'max_budget': 25, 'soft_budget': 20.5,
                        'budget_duration': '1mo', 'model_max_budget': {'gpt-4o': 3}}, 'create'),
    ('create limits', {'key_alias': 'plan-create-limits', 'tpm_limit': 1000, 'rpm_limit': 10,
                       'max_parallel_requests': 2, 'model_rpm_limit': {'gpt-4o': 5},
                       'model_tpm_limit': {'gpt-4o': 500}}, 'create'),
    ('create ownership', {'key_alias': 'plan-create-owner', 'team_id': 'team-a', 'user_id': 'user-a',
                          'organization_id': WORLD_ORGANIZATION, 'budget_id': 'budget-a'}, 'create'),
    ('create blocked', {'key_alias': 'plan-create-blocked', 'blocked': True, 'allowed_routes': ['llm_api_routes'],
                        'guardrails': ['pii'], 'tags': ['a']}, 'create'),
    ('update every setting', dict(every_setting(0), key_alias=BASELINE_ALIAS, team_id='team-a', user_id='user-a',
                                  organization_id=WORLD_ORGANIZATION, end_user_budget_id='budget-a'), 'update'),
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
        'keys': [dict(every_setting(0), key_alias='set-keep', team_id=SET_TEAM, user_id='user-a',
                      organization_id=WORLD_ORGANIZATION, end_user_budget_id='budget-a'),
                 {'key_alias': 'set-new', 'tags': ['x'], 'duration': '1d', 'max_budget': 2},
                 {'key_alias': 'set-gone', 'state': 'absent'}]}),
    ('set by alias prefix', {
        'alias_prefix': 'plan-set-',
        'keys': [dict(every_setting(1, create=True), key_alias='plan-set-a', team_id='team-a', user_id='user-a',
                      organization_id=WORLD_ORGANIZATION, end_user_budget_id='budget-a'),
                 {'key_alias': 'plan-set-b', 'models': ['m'], 'blocked': True}]}),
]

# (label, module, options, expected action) for the team, user and budget modules in check mode.
OBJECT_PLANS = [
    ('team create', 'litellm_team', {'team_id': 'plan-new-team', 'team_alias': 'New', 'models': ['gpt-4o'],
                                     'max_budget': 10, 'budget_duration': '30d', 'tpm_limit': 5, 'rpm_limit': 1,
                                     'metadata': {'a': 1}, 'model_aliases': {'fast': 'gpt-4o-mini'},
                                     'members': [{'user_id': 'user-a', 'role': 'admin'}]}, 'create'),
    ('team create by alias', 'litellm_team', {'team_alias': 'Only an alias', 'blocked': True}, 'create'),
    ('team update', 'litellm_team', {'team_id': 'plan-team', 'max_budget': 20, 'organization_id': WORLD_ORGANIZATION,
                                     'metadata': {'b': 2}, 'models': []}, 'update'),
    ('team members', 'litellm_team', {'team_id': 'plan-team', 'members': [
        {'user_id': 'plan-user', 'role': 'admin'}, {'user_id': 'user-a'}], 'exclusive_members': True}, 'update'),
    ('team unchanged', 'litellm_team', {'team_id': 'plan-team', 'members': [{'user_id': 'plan-user'}],
                                        'exclusive_members': True}, 'unchanged'),
    ('team delete', 'litellm_team', {'team_id': 'plan-team', 'state': 'absent'}, 'delete'),
    ('user create', 'litellm_user', {'user_id': 'plan-new-user', 'user_email': 'new@example.com',
                                     'user_alias': 'New', 'user_role': 'internal_user_viewer', 'models': ['m'],
                                     'max_budget': 3, 'budget_duration': '7d', 'tpm_limit': 1, 'rpm_limit': 1,
                                     'max_parallel_requests': 1, 'metadata': {'a': 1}}, 'create'),
    ('user update', 'litellm_user', {'user_id': 'plan-user', 'max_budget': 4, 'metadata': {'b': 2}}, 'update'),
    ('user delete', 'litellm_user', {'user_id': 'plan-user', 'state': 'absent'}, 'delete'),
    ('budget create', 'litellm_budget', {'budget_id': 'plan-new-budget', 'max_budget': 5, 'soft_budget': 4,
                                         'budget_duration': '30d', 'tpm_limit': 1, 'rpm_limit': 1, 'tpd_limit': 10,
                                         'max_parallel_requests': 1}, 'create'),
    ('budget update', 'litellm_budget', {'budget_id': 'plan-budget', 'max_budget': 6, 'rpm_limit': 2}, 'update'),
    ('budget delete', 'litellm_budget', {'budget_id': 'plan-budget', 'state': 'absent'}, 'delete'),
    ('credential create', 'litellm_credential', {'credential_name': 'plan-new-credential', 'credential_values': {
        'api_key': 'sk-plan-credential-0001', 'api_base': 'https://plan.example/v1'},
        'credential_info': {'custom_llm_provider': 'openai'}}, 'create'),
    ('credential update', 'litellm_credential', {'credential_name': 'plan-credential', 'credential_values': {
        'api_base': 'https://plan-2.example/v1'}, 'credential_info': {'owner': 'plan'}}, 'update'),
    ('credential rotate', 'litellm_credential', {'credential_name': 'plan-credential', 'update_secrets': 'always',
                                                 'credential_values': {'api_key': 'sk-plan-rotated-0001'}}, 'update'),
    ('credential unchanged', 'litellm_credential', {'credential_name': 'plan-credential', 'credential_values': {
        'api_key': 'sk-plan-other-0001'}}, 'unchanged'),
    ('credential delete', 'litellm_credential', {'credential_name': 'plan-credential', 'state': 'absent'}, 'delete'),
]

INFO_QUERIES = [
    ('info every key', 'litellm_key_info', {}),
    ('info by alias', 'litellm_key_info', {'key_alias': BASELINE_ALIAS}),
    ('info by token', 'litellm_key_info', {'token': BASELINE_TOKEN}),
    ('info by owners', 'litellm_key_info', {'team_id': 'team-a', 'user_id': 'user-a',
                                            'organization_id': WORLD_ORGANIZATION}),
    ('info small pages', 'litellm_key_info', {'page_size': 1}),
    ('team info by id', 'litellm_team_info', {'team_id': 'plan-team'}),
    ('team info by filters', 'litellm_team_info', {'team_alias': 'plan', 'user_id': 'plan-user', 'page_size': 1}),
    ('user info by id', 'litellm_user_info', {'user_id': 'plan-user'}),
    ('user info by filters', 'litellm_user_info', {'user_role': 'internal_user', 'team_id': 'plan-team',
                                                   'page_size': 1}),
    ('budget info by id', 'litellm_budget_info', {'budget_id': 'plan-budget'}),
    ('budget info of all', 'litellm_budget_info', {}),
    ('credential info by name', 'litellm_credential_info', {'credential_name': 'plan-credential'}),
    ('credential info of all', 'litellm_credential_info', {}),
]


def _server_env(ansible_env, server, api_key):
    env = dict(ansible_env)
    env['LITELLM_PROXY_URL'] = server
    env['LITELLM_PROXY_API_KEY'] = api_key
    return env


def _post(server, path, body):
    answer = send_raw('DELETE' if path == '/organization/delete' else 'POST', server.url + path, server.master_key,
                      json_body=body)
    assert 200 <= answer.status_code < 300, '%s: %s' % (path, describe(answer))
    return answer


def _seed(server):
    """Empty the (licensed) local server and make what the plans name: SEEDED_KEYS, teams, users, budgets."""
    server.reset(data=True)
    for budget_id in WORLD_BUDGETS:
        _post(server, '/budget/new', {'budget_id': budget_id, 'max_budget': 10})
    for user_id in WORLD_USERS:
        _post(server, '/user/new', {'user_id': user_id, 'auto_create_key': False})
    _post(server, '/organization/new', {'organization_id': WORLD_ORGANIZATION, 'organization_alias': 'a'})
    for team_id in WORLD_TEAMS:
        members = [{'user_id': 'plan-user', 'role': 'user'}] if team_id == 'plan-team' else []
        _post(server, '/team/new', {'team_id': team_id, 'team_alias': team_id, 'members_with_roles': members})
    _post(server, '/_test/seed', {'projects': [{'project_id': MISSING_PROJECT_ID}]})
    _post(server, '/credentials', {'credential_name': 'plan-credential', 'credential_info': {},
                                   'credential_values': {'api_key': 'sk-plan-credential-0001'}})
    for body in SEEDED_KEYS:
        _post(server, '/key/generate', body)


@pytest.fixture(scope='session')
def check_mode_plans(tmp_path_factory, litellm_server_session, ansible_env):
    """Run every plan and info task in check mode once; returns (results by label, write counts)."""
    server = litellm_server_session
    server.plain_proxy = False
    server.strict_references = True
    _seed(server)
    server.reset(data=False)  # counters only: what follows must write nothing

    tmp_path = tmp_path_factory.mktemp('check-mode-plans')
    tasks, registered, labels = [], [], []

    def task(label, module, options):
        name = 'r%d' % len(tasks)
        tasks.append({'name': label, 'llmops.litellm.' + module: options, 'check_mode': True, 'diff': True,
                      'register': name})
        registered.append(name)
        labels.append(label)

    for label, options, _action in KEY_PLANS:
        task(label, 'litellm_key', options)
    for label, options in SET_PLANS:
        task(label, 'litellm_keys', options)
    for label, module, options, _action in OBJECT_PLANS:
        task(label, module, options)
    for label, module, options in INFO_QUERIES:
        task(label, module, options)
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
    for label, _module, _options, action in OBJECT_PLANS:
        assert results[label]['action'] == action, (label, results[label])
        assert not results[label].get('warnings'), (label, results[label].get('warnings'))


def _planned(results):
    for label, result in sorted(results.items()):
        for position, request in enumerate(result['requests']):
            yield label, position, request


def test_planned_requests_keep_the_real_contract(check_mode_plans, contract):
    results, _counts = check_mode_plans
    checked = 0
    for label, position, request in _planned(results):
        assert request['headers'].get('Authorization') == 'Bearer ' + REDACTED, (label, request['headers'])
        # Reads are sent (a few are POSTs: /budget/info); writes only planned.
        assert request['sent'] is (request['method'] == 'GET' or request['url'].endswith('/budget/info')), \
            (label, request)
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
    # Members: plan-user's role changes, user-a is added, the creator (default_user_id) is left alone.
    member_writes = [r['url'].rsplit('/', 1)[-1] for r in results['team members']['requests'] if not r['sent']]
    assert sorted(member_writes) == ['member_add', 'member_update'], results['team members']['requests']
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
    assert replayed >= 30


# -- end to end against the real proxy ---------------------------------------------------------------------


class ModuleRuns:
    """The tasks of the one -vvv playbook run against the real proxy, and their registered results by label."""

    def __init__(self, run_id):
        self.prefix = 'mc-%s' % run_id
        self.tasks = []
        self.labels = []
        self.expressions = []
        self.results = {}

    def name(self, suffix):
        return '%s-%s' % (self.prefix, suffix)

    def add(self, label, module, options, check_mode=False, no_log=False, environment_key=None):
        register = 't%d' % len(self.tasks)
        task = {'name': label, 'llmops.litellm.' + module: dict(options, retries=0), 'check_mode': check_mode,
                'diff': True, 'ignore_errors': True, 'register': register}
        if no_log:
            task['no_log'] = True
        self.tasks.append(task)
        self.labels.append(label)
        # Saved without the secrets a create returns (only whether it returned them).
        self.expressions.append(
            "(%s | dict2items | rejectattr('key', 'in', ['key', 'secrets']) | items2dict | combine("
            "{'returned_key': %s.key is defined, 'returned_secrets': (%s.secrets | default({})) | list}))"
            % (register, register, register))

    def __getitem__(self, label):
        return self.results[label]


WRONG_KEYS = ('sk-wrong-' + secrets.token_hex(12), 'wrong-' + secrets.token_hex(12))
# A provider key and its rotation, given to litellm_credential from the environment (as from a vault).
CREDENTIAL_SECRETS = ('sk-provider-' + secrets.token_hex(12), 'sk-provider-rotated-' + secrets.token_hex(12))


def _module_run_tasks(runs):
    """The end-to-end run: every task, in order (each may fail: ignore_errors; the tests look at each)."""
    n = runs.name
    alice, bob = n('alice'), n('bob')
    budget, team, key, orphan = n('budget'), n('team'), n('key'), n('orphan')
    # users and a budget
    runs.add('user alice create', 'litellm_user', {'user_id': alice, 'user_email': alice + '@example.com',
                                                   'max_budget': 5, 'metadata': {'owner': 'contract'}})
    runs.add('user bob create', 'litellm_user', {'user_id': bob, 'user_role': 'internal_user'})
    runs.add('user alice unchanged', 'litellm_user', {'user_id': alice, 'user_email': alice + '@example.com',
                                                      'max_budget': 5})
    runs.add('user alice update', 'litellm_user', {'user_id': alice, 'max_budget': 6, 'metadata': {'team': 'x'}})
    runs.add('budget create', 'litellm_budget', {'budget_id': budget, 'max_budget': 10, 'budget_duration': '30d',
                                                 'rpm_limit': 5})
    runs.add('budget unchanged', 'litellm_budget', {'budget_id': budget, 'max_budget': 10, 'rpm_limit': 5})
    runs.add('budget update', 'litellm_budget', {'budget_id': budget, 'max_budget': 12})
    # a team with members
    team_options = {'team_id': team, 'team_alias': n('alias'), 'models': ['gpt-4o'], 'max_budget': 50,
                    'metadata': {'owner': 'contract'}, 'members': [{'user_id': alice, 'role': 'user'}]}
    runs.add('team check mode', 'litellm_team', team_options, check_mode=True)
    runs.add('team create', 'litellm_team', team_options)
    runs.add('team unchanged', 'litellm_team', team_options)
    runs.add('team add a member', 'litellm_team', dict(team_options, max_budget=60, members=[
        {'user_id': alice, 'role': 'user'}, {'user_id': bob, 'role': 'user'}]))
    runs.add('team exclusive members', 'litellm_team', dict(team_options, max_budget=60, members=[
        {'user_id': bob, 'role': 'user'}], exclusive_members=True))
    runs.add('team exclusive members unchanged', 'litellm_team', dict(team_options, max_budget=60, members=[
        {'user_id': bob, 'role': 'user'}], exclusive_members=True))
    runs.add('team admin role refused', 'litellm_team', {'team_id': team, 'members': [
        {'user_id': bob, 'role': 'admin'}]})
    runs.add('team info', 'litellm_team_info', {'team_id': team})
    runs.add('team info by alias', 'litellm_team_info', {'team_alias': n('alias')})
    runs.add('user info', 'litellm_user_info', {'user_id': bob})
    runs.add('user info of the team', 'litellm_user_info', {'team_id': team})
    runs.add('budget info', 'litellm_budget_info', {'budget_id': budget})
    # a key: check mode, create, no change, update with merged metadata, delete, delete again
    key_options = {'key_alias': key, 'team_id': team, 'budget_id': budget, 'models': ['gpt-4o'],
                   'metadata': {'owner': 'contract'}, 'max_budget': 2}
    runs.add('key check mode', 'litellm_key', key_options, check_mode=True)
    runs.add('key create', 'litellm_key', key_options, no_log=True)
    runs.add('key unchanged', 'litellm_key', key_options)
    runs.add('key update', 'litellm_key', dict(key_options, metadata={'env': 'prod'}, max_budget=3))
    runs.add('key info', 'litellm_key_info', {'key_alias': key})
    runs.add('key delete', 'litellm_key', {'key_alias': key, 'state': 'absent'})
    runs.add('key delete again', 'litellm_key', {'key_alias': key, 'state': 'absent'})
    # a set of keys of the team
    set_keys = [{'key_alias': n('set-a'), 'models': ['gpt-4o']}, {'key_alias': n('set-b'), 'max_budget': 1}]
    runs.add('key set create', 'litellm_keys', {'team_id': team, 'keys': set_keys}, no_log=True)
    runs.add('key set unchanged', 'litellm_keys', {'team_id': team, 'keys': set_keys})
    runs.add('key set exclusive', 'litellm_keys', {'team_id': team, 'exclusive': True, 'keys': set_keys[:1]})
    runs.add('key set info', 'litellm_key_info', {'team_id': team})
    # refusals
    runs.add('key of a missing team', 'litellm_key', {'key_alias': orphan, 'team_id': n('no-team')})
    runs.add('key with an Enterprise setting', 'litellm_key', {'key_alias': n('tagged'), 'tags': ['a']})
    runs.add('wrong sk- key', 'litellm_key', {'key_alias': n('wrong'),
                                              'api_key': "{{ lookup('env', 'CONTRACT_WRONG_KEY_0') }}"})
    runs.add('wrong plain key', 'litellm_team_info', {'team_id': team,
                                                      'api_key': "{{ lookup('env', 'CONTRACT_WRONG_KEY_1') }}"})
    # a credential: its secret write-only (never compared, sent again only with update_secrets=always)
    credential = n('credential')
    secret, rotated = ("{{ lookup('env', 'CONTRACT_CREDENTIAL_SECRET_%d') }}" % i for i in (0, 1))
    credential_options = {'credential_name': credential, 'credential_info': {'custom_llm_provider': 'openai'},
                          'credential_values': {'api_key': secret, 'api_base': 'https://contract.example/v1'}}
    runs.add('credential create', 'litellm_credential', credential_options)
    runs.add('credential unchanged with another secret', 'litellm_credential', dict(
        credential_options, credential_values={'api_key': rotated, 'api_base': 'https://contract.example/v1'}))
    runs.add('credential rotate', 'litellm_credential', {'credential_name': credential, 'update_secrets': 'always',
                                                         'credential_values': {'api_key': rotated}})
    runs.add('credential info', 'litellm_credential_info', {'credential_name': credential})
    runs.add('credential masked value refused', 'litellm_credential', {'credential_name': credential,
                                                                       'credential_values': {'api_key': 'sk****01'}})
    runs.add('credential delete', 'litellm_credential', {'credential_name': credential, 'state': 'absent'})
    runs.add('credential delete again', 'litellm_credential', {'credential_name': credential, 'state': 'absent'})
    # clean up, with the modules
    runs.add('team delete', 'litellm_team', {'team_id': team, 'state': 'absent'})
    runs.add('team delete again', 'litellm_team', {'team_id': team, 'state': 'absent'})
    runs.add('user alice delete', 'litellm_user', {'user_id': alice, 'state': 'absent'})
    runs.add('user bob delete', 'litellm_user', {'user_id': bob, 'state': 'absent'})
    runs.add('budget delete', 'litellm_budget', {'budget_id': budget, 'state': 'absent'})
    runs.add('budget delete again', 'litellm_budget', {'budget_id': budget, 'state': 'absent'})
    return runs


@pytest.fixture(scope='session')
def module_runs(tmp_path_factory, real_proxy, ansible_env, run_id):
    """One -vvv run of every end-to-end task against the real proxy; the master key only in the environment of
    ansible-playbook (LITELLM_PROXY_API_KEY), never in a file."""
    runs = _module_run_tasks(ModuleRuns(run_id))
    tmp_path = tmp_path_factory.mktemp('real-proxy-modules')
    results_file = tmp_path / 'results.json'
    tasks = runs.tasks + [results_task(runs.expressions, results_file)]
    env = _server_env(ansible_env, real_proxy.url, real_proxy.master_key)
    for index, wrong in enumerate(WRONG_KEYS):
        env['CONTRACT_WRONG_KEY_%d' % index] = wrong
    for index, secret in enumerate(CREDENTIAL_SECRETS):
        env['CONTRACT_CREDENTIAL_SECRET_%d' % index] = secret
    completed = run_playbook(tmp_path, tasks, env, verbosity=3, name='real-proxy')
    # For whoever debugs a failure, with every key we know of masked (the tests check the raw output).
    scrubbed = SECRET_SHAPE.sub('<secret>', completed.stdout.replace(real_proxy.master_key, '<master key>'))
    (tmp_path / 'ansible-playbook-vvv.log').write_text(scrubbed)
    assert completed.returncode == 0, scrubbed[-5000:]
    runs.results = dict(zip(runs.labels, json.loads(results_file.read_text())))
    results_file.unlink()
    runs.output = completed.stdout
    return runs


def _ok(result, action, changed=None):
    assert not result.get('failed'), result.get('msg')
    assert result['action'] == action, result
    assert result['changed'] is (action not in ('unchanged', 'absent') if changed is None else changed), result


def _writes(result):
    return [r for r in result['requests'] if r['sent'] and not (r['method'] == 'GET' or r['url'].endswith('/budget/info'))]


def _get(real_proxy, path):
    answer = send_raw('GET', real_proxy.url + path, real_proxy.master_key)
    return answer.status_code, answer.json()


def test_users_and_budget(module_runs):
    _ok(module_runs['user alice create'], 'create')
    assert module_runs['user alice create']['user']['max_budget'] == 5
    _ok(module_runs['user bob create'], 'create')
    _ok(module_runs['user alice unchanged'], 'unchanged')
    _ok(module_runs['user alice update'], 'update')
    assert module_runs['user alice update']['changed_settings'] == ['max_budget', 'metadata']
    _ok(module_runs['budget create'], 'create')
    _ok(module_runs['budget unchanged'], 'unchanged')
    assert _writes(module_runs['budget unchanged']) == []
    _ok(module_runs['budget update'], 'update')
    budgets = module_runs['budget info']['budgets']
    assert [(b['budget_id'], b['max_budget'], b['rpm_limit']) for b in budgets] == [
        (module_runs.name('budget'), 12.0, 5)]
    assert module_runs['user info']['users'][0]['user_id'] == module_runs.name('bob')


def test_team_and_members(module_runs):
    n = module_runs.name
    checked = module_runs['team check mode']
    _ok(checked, 'create')
    assert _writes(checked) == [] and all(not r['sent'] for r in checked['requests'] if r['method'] == 'POST')
    _ok(module_runs['team create'], 'create')
    _ok(module_runs['team unchanged'], 'unchanged')
    added = module_runs['team add a member']
    _ok(added, 'update')
    assert [r['url'].rsplit('/', 1)[-1] for r in _writes(added)] == ['update', 'member_add'], added['requests']
    exclusive = module_runs['team exclusive members']
    _ok(exclusive, 'update')
    # alice goes; the master key's user LiteLLM added to the team (default_user_id) stays
    assert [(r['url'].rsplit('/', 1)[-1], r['body']) for r in _writes(exclusive)] == [
        ('member_delete', {'team_id': n('team'), 'user_id': n('alice')})], exclusive['requests']
    _ok(module_runs['team exclusive members unchanged'], 'unchanged')
    refused = module_runs['team admin role refused']
    # Refused at plan time: the proxy's license (GET /health/license) says has_license false.
    assert refused['failed'] and refused['msg'].startswith('members (role admin for %s, in an existing team): the '
                                                           'proxy has no LiteLLM Enterprise license' % n('bob'))
    assert 'authentication' not in refused['msg'] and _writes(refused) == [], refused['requests']
    teams = module_runs['team info']['teams']
    assert [t['team_id'] for t in teams] == [n('team')]
    assert teams[0]['members'] == sorted([{'user_id': n('bob'), 'role': 'user'},
                                          {'user_id': 'default_user_id', 'role': 'admin'}],
                                         key=lambda m: m['user_id'])
    assert teams[0]['max_budget'] == 60.0
    assert [t['team_id'] for t in module_runs['team info by alias']['teams']] == [n('team')]
    # the master key's user is in the team too (LiteLLM added it)
    assert sorted(u['user_id'] for u in module_runs['user info of the team']['users']) == sorted(
        [n('bob'), 'default_user_id'])


def test_key_lifecycle(module_runs):
    checked = module_runs['key check mode']
    _ok(checked, 'create')
    assert not checked['returned_key'] and _writes(checked) == []
    created = module_runs['key create']
    _ok(created, 'create')
    assert created['returned_key'], 'the task that creates a key returns its secret'
    _ok(module_runs['key unchanged'], 'unchanged')
    assert _writes(module_runs['key unchanged']) == []
    updated = module_runs['key update']
    _ok(updated, 'update')
    [write] = _writes(updated)
    # One request with exactly the differing fields; metadata merged with what is stored.
    assert set(write['body']) == {'key', 'metadata', 'max_budget'}, write
    assert write['body']['metadata'] == {'owner': 'contract', 'env': 'prod'}
    [info] = module_runs['key info']['virtual_keys']
    assert info['metadata'] == {'owner': 'contract', 'env': 'prod'} and info['max_budget'] == 3.0
    assert info['team_id'] == module_runs.name('team') and info['budget_id'] == module_runs.name('budget')
    assert 'key' not in info
    _ok(module_runs['key delete'], 'delete')
    _ok(module_runs['key delete again'], 'absent')
    assert _writes(module_runs['key delete again']) == []


def test_key_set(module_runs):
    created = module_runs['key set create']
    assert not created.get('failed'), created.get('msg')
    assert created['changed'] and created['summary'] == {'create': 2}, created
    assert sorted(created['returned_secrets']) == sorted([module_runs.name('set-a'), module_runs.name('set-b')])
    unchanged = module_runs['key set unchanged']
    assert not unchanged['changed'] and _writes(unchanged) == [], unchanged
    exclusive = module_runs['key set exclusive']
    assert exclusive['changed'] and [r['url'].rsplit('/', 1)[-1] for r in _writes(exclusive)] == ['delete']
    assert [k['key_alias'] for k in module_runs['key set info']['virtual_keys']] == [module_runs.name('set-a')]


def test_key_of_a_missing_team_is_refused_before_any_write(module_runs, real_proxy):
    result = module_runs['key of a missing team']
    assert result['failed'] and result.get('option') == 'team_id', result
    assert module_runs.name('no-team') in result['msg'] and 'does not exist' in result['msg']
    assert _writes(result) == [] and all(r['method'] == 'GET' for r in result['requests']), result['requests']
    status, listed = _get(real_proxy, '/key/list?key_alias=' + module_runs.name('orphan'))
    assert status == 200 and listed['keys'] == []


def test_enterprise_setting_is_reported_as_such(module_runs):
    result = module_runs['key with an Enterprise setting']
    # Refused before the write (the proxy's license says has_license false), as the write's 403 would.
    assert result['failed'] and _writes(result) == [], result
    assert result['msg'].startswith('tags: the proxy has no LiteLLM Enterprise license'), result['msg']
    assert 'authentication failed' not in result['msg'] and 'api_key' not in result['msg'], result['msg']


@pytest.mark.parametrize('label', ['wrong sk- key', 'wrong plain key'])
def test_wrong_api_key_is_an_authentication_failure(label, module_runs):
    result = module_runs[label]
    assert result['failed'] and result['error']['status'] == 401, result
    assert 'authentication failed' in result['msg'] and 'api_key' in result['msg'], result['msg']
    assert 'Traceback' not in result['msg']
    assert not set(result) & {'module_stderr', 'module_stdout'}, sorted(result)
    # ansible-core 2.19+ puts a placeholder into every failed result; anything else is a module traceback.
    traceback = result.get('exception', ANSIBLE_NO_TRACEBACK)
    assert traceback == ANSIBLE_NO_TRACEBACK, 'the failed result carries a traceback:\n' + traceback[-600:]
    assert [r['method'] for r in result['requests']] == ['GET'], 'nothing may be written after a failed read'


def test_clean_up_with_the_modules(module_runs, real_proxy):
    _ok(module_runs['team delete'], 'delete')
    _ok(module_runs['team delete again'], 'absent')
    _ok(module_runs['user alice delete'], 'delete')
    _ok(module_runs['user bob delete'], 'delete')
    _ok(module_runs['budget delete'], 'delete')
    _ok(module_runs['budget delete again'], 'absent')
    assert _get(real_proxy, '/team/info?team_id=' + module_runs.name('team'))[0] == 404
    # Deleting the team deleted its keys.
    assert _get(real_proxy, '/key/list?team_id=' + module_runs.name('team'))[1]['keys'] == []


def test_credential_secrets_are_write_only(module_runs, real_proxy):
    _ok(module_runs['credential create'], 'create')
    _ok(module_runs['credential unchanged with another secret'], 'unchanged')
    assert _writes(module_runs['credential unchanged with another secret']) == []
    rotated = module_runs['credential rotate']
    _ok(rotated, 'update')
    assert rotated['changed_settings'] == ['credential_values']
    assert [(r['method'], r['body']) for r in _writes(rotated)] == [
        ('PATCH', {'credential_name': module_runs.name('credential'), 'credential_values': {'api_key': REDACTED},
                   'credential_info': {}})]
    (stored,) = module_runs['credential info']['credentials']
    assert stored['credential_values'] == {'api_key': REDACTED, 'api_base': 'https://contract.example/v1'}
    refused = module_runs['credential masked value refused']
    assert refused['failed'] and refused['option'] == 'credential_values' and 'requests' not in refused
    _ok(module_runs['credential delete'], 'delete')
    _ok(module_runs['credential delete again'], 'absent')
    assert _get(real_proxy, '/credentials/by_name/' + module_runs.name('credential'))[0] == 404


def test_no_secret_in_the_output_at_vvv(module_runs, real_proxy):
    output = module_runs.output
    for secret in (real_proxy.master_key,) + WRONG_KEYS + CREDENTIAL_SECRETS:
        assert secret not in output
    leaked = sorted(set(SECRET_SHAPE.findall(output)))
    assert not leaked, 'secret-shaped strings in the -vvv output: %s' % [s[:8] + '...' for s in leaked]
    assert 'Traceback' not in output and 'The full traceback is' not in output, _first_traceback(output)
    assert 'MODULE FAILURE' not in output
    assert output.count('...ignoring') == sum(1 for r in module_runs.results.values() if r.get('failed'))


def _first_traceback(output):
    start = output.find('The full traceback is')
    return output[start:start + 1500] if start >= 0 else output[-1500:]
