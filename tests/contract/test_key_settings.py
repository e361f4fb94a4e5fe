"""Every key setting on the real proxy, and on the local server held to the same: the cycle a user goes through.

For each setting: create a key with it, run again (no change), change it, run again (no change), clear it
(litellm_key's ``clear`` option), run again (no change). Settings a plain proxy refuses as Enterprise features
are refused and reported as such, naming the option. The engine the modules use runs in-process (run_key_task),
so a cycle costs only its HTTP requests.
"""

import uuid

import pytest

from contract_env import collection_module_utils, newer_parts

KEYS = collection_module_utils('_keys')
CLIENT = collection_module_utils('_client')
ERRORS = collection_module_utils('_errors')

# (setting, first value, second value); the objects a value names are made before the cycle (see _prepare).
CYCLES = [
    ('models', ['gpt-4o'], ['gpt-4o', 'gpt-4o-mini']),
    ('aliases', {'fast': 'gpt-4o-mini'}, {'fast': 'gpt-4o'}),
    ('max_budget', 10, 12.5),
    ('soft_budget', 5, 6),
    ('budget_duration', '30d', '7d'),
    ('budget_id', '{budget}-1', '{budget}-2'),
    ('budget_limits', [{'budget_duration': '1d', 'max_budget': 1}], [{'budget_duration': '1d', 'max_budget': 2}]),
    ('budget_fallbacks', {'gpt-4o': ['gpt-4o-mini']}, {'gpt-4o': ['gpt-4o-mini', 'gpt-3.5-turbo']}),
    ('tpm_limit', 1000, 2000),
    ('rpm_limit', 10, 20),
    ('tpd_limit', 10000, 20000),
    ('max_parallel_requests', 2, 3),
    ('rpm_limit_type', 'guaranteed_throughput', 'best_effort_throughput'),
    ('tpm_limit_type', 'best_effort_throughput', 'dynamic'),
    # No change of team: LiteLLM checks a key's move between teams with its model router, which a proxy without
    # models does not have ("LLM router not found", HTTP 400).
    ('team_id', '{team}-1', None),
    ('user_id', 'cycle-user-1', 'cycle-user-2'),
    ('agent_id', 'cycle-agent-1', 'cycle-agent-2'),
    ('end_user_budget_id', '{budget}-1', '{budget}-2'),
    ('metadata', {'owner': 'a'}, {'owner': 'b', 'cost_center': 7}),
    ('config', {'allowed_cache_controls': ['no-cache']}, {'allowed_cache_controls': []}),
    # get_spend_routes needs LiteLLM Enterprise (answered with a bare 500): see test_spend_routes_permission_*.
    ('permissions', {'allow_pii_controls': True}, {'allow_pii_controls': False}),
    ('object_permission', {'vector_stores': ['vs-1']}, {'vector_stores': ['vs-1', 'vs-2'], 'agents': ['ag-1']}),
    ('access_group_ids', ['group-1'], ['group-1', 'group-2']),
    ('model_rpm_limit', {'gpt-4o': 10}, {'gpt-4o': 20}),
    ('model_tpm_limit', {'gpt-4o': 100}, {'gpt-4o': 200}),
    ('mcp_rpm_limit', {'github': 10}, {'github': 20}),
    ('tag_rpm_limit', {'batch': 5}, {'batch': 6}),
    ('default_estimated_output_tokens', 500, 600),
    ('default_estimated_output_tokens_per_model', {'gpt-4o': 500}, {'gpt-4o': 600}),
    ('enforced_params', ['user'], ['user', 'metadata.generation_name']),
    ('router_settings', {'num_retries': 2}, {'num_retries': 3, 'timeout': 30.0}),
    ('allowed_routes', ['/chat/completions'], ['/chat/completions', '/embeddings']),
    ('allowed_cache_controls', ['no-cache'], ['no-cache', 'no-store']),
    ('allowed_vector_store_indexes', [{'index_name': 'docs', 'index_permissions': ['read']}],
     [{'index_name': 'docs', 'index_permissions': ['read', 'write']}]),
]
# Flags: no clear (they are cleared by declaring false).
FLAGS = ['enable_prompt_caching', 'throttle_on_budget_exceeded', 'blocked']
# Refused by a proxy without a LiteLLM Enterprise license (tests/real_proxy/FINDINGS.md).
ENTERPRISE = [
    ('tags', ['team:data']), ('guardrails', ['pii-mask']), ('policies', ['policy-1']), ('prompts', ['prompt-1']),
    ('disable_global_guardrails', True), ('allowed_passthrough_routes', ['/anthropic']),
    ('denied_passthrough_routes', ['/anthropic']), ('model_max_budget', {'gpt-4o': {'budget_limit': 1.0}}),
]


@pytest.fixture(params=['real', 'local'])
def target(request):
    """A client of the real proxy or of the local test server (as a plain proxy, like the real one here)."""
    if request.param == 'real':
        proxy = request.getfixturevalue("real_proxy")
    else:
        proxy = request.getfixturevalue('litellm_server')
        proxy.plain_proxy = True
    client = CLIENT.LiteLLMClient(proxy.url, api_key=proxy.master_key, retries=0)
    # The release the target runs (the local server answers as the primary one, which has every setting).
    client.release = request.getfixturevalue('real_release') if request.param == 'real' else None
    yield client
    client.close()


def lacks(target, setting, value):
    """The options of ``setting: value`` the target's release does not have (the module refuses to send them)."""
    return sorted(set(newer_parts('/key/generate', {setting: value}, target.release)
                      + newer_parts('/key/update', {setting: value}, target.release)))


def params(alias, **settings):
    options = dict((f.name, None) for f in KEYS.KEY_FIELDS)
    options.update(key_alias=alias, state='present', regenerate=False, grace_period=None, clear=None)
    options.update(settings)
    return options


def run(client, alias, **settings):
    options = params(alias, **settings)
    KEYS.KEY.validate(options)
    client.history = []
    return KEYS.run_key_task(client, options, False)


def _prepare(client, value, run_id):
    """Make the teams and budgets a value names; return the value with the run's ids in it."""
    if isinstance(value, str) and value.startswith('{team}'):
        team_id = value.replace('{team}', 'cycle-team-' + run_id)
        client.new_team({'team_id': team_id})
        return team_id
    if isinstance(value, str) and value.startswith('{budget}'):
        budget_id = value.replace('{budget}', 'cycle-budget-' + run_id)
        client.new_budget({'budget_id': budget_id})
        return budget_id
    return value


@pytest.mark.parametrize('setting, first, second', CYCLES, ids=[c[0] for c in CYCLES])
def test_create_change_clear(target, setting, first, second):
    if lacks(target, setting, first):
        pytest.skip('LiteLLM %s has no %s: test_release_options.py checks the module refuses it'
                    % (target.release, setting))
    run_id = uuid.uuid4().hex[:8]
    alias = 'cycle-%s-%s' % (setting, run_id)
    first, second = _prepare(target, first, run_id), _prepare(target, second, run_id)
    try:
        created = run(target, alias, **{setting: first})
        assert created['action'] == 'create'
        assert run(target, alias, **{setting: first})['action'] == 'unchanged', 'no change after create'

        if second is not None:
            changed = run(target, alias, **{setting: second})
            assert changed['action'] == 'update' and changed['changed_settings'] == [setting]
            assert run(target, alias, **{setting: second})['action'] == 'unchanged', 'no change after update'

        cleared = run(target, alias, clear=[setting])
        assert cleared['action'] == 'update' and cleared['changed_settings'] == [setting], cleared
        again = run(target, alias, clear=[setting])
        assert again['action'] == 'unchanged', 'the clear did not stick: %s' % again['diff']
    finally:
        target.delete_keys(key_aliases=[alias])


@pytest.mark.parametrize('setting', FLAGS)
def test_flags_set_and_unset(target, setting):
    alias = 'cycle-%s-%s' % (setting, uuid.uuid4().hex[:8])
    try:
        assert run(target, alias, **{setting: True})['action'] == 'create'
        assert run(target, alias, **{setting: True})['action'] == 'unchanged'
        assert run(target, alias, **{setting: False})['changed_settings'] == [setting]
        assert run(target, alias, **{setting: False})['action'] == 'unchanged'
    finally:
        target.delete_keys(key_aliases=[alias])


def test_scheduled_rotation(target):
    alias = 'cycle-rotation-%s' % uuid.uuid4().hex[:8]
    try:
        created = run(target, alias, auto_rotate=True, rotation_interval='30d')
        assert created['action'] == 'create'
        stored = target.list_keys(key_alias=alias)['keys'][0]
        assert (stored['auto_rotate'], stored['rotation_interval']) == (True, '30d') and stored['key_rotation_at']
        assert run(target, alias, auto_rotate=True, rotation_interval='30d')['action'] == 'unchanged'
        # LiteLLM keeps a new interval only when auto_rotate comes with it: the update sends both.
        changed = run(target, alias, auto_rotate=True, rotation_interval='7d')
        assert changed['changed_settings'] == ['rotation_interval']
        assert changed['requests'][-1]['body'] == {'key': stored['token'], 'rotation_interval': '7d', 'auto_rotate': True}
        assert run(target, alias, auto_rotate=True, rotation_interval='7d')['action'] == 'unchanged'
        assert run(target, alias, auto_rotate=False)['changed_settings'] == ['auto_rotate']
        assert run(target, alias, auto_rotate=False)['action'] == 'unchanged'
    finally:
        target.delete_keys(key_aliases=[alias])


def test_temporary_budgets_on_an_existing_key(target):
    alias = 'cycle-temp-%s' % uuid.uuid4().hex[:8]
    try:
        with pytest.raises(ERRORS.InvalidOption):
            run(target, alias, temp_budget_increase=5)
        run(target, alias, max_budget=10)
        raised = {'temp_budget_increase': 5, 'temp_budget_expiry': '2030-01-01T00:00:00Z'}
        assert sorted(run(target, alias, **raised)['changed_settings']) == sorted(raised)
        assert run(target, alias, **raised)['action'] == 'unchanged'
        more = dict(raised)
        more['temp_budget_increase'] = 7
        assert run(target, alias, **more)['changed_settings'] == ['temp_budget_increase']
        assert run(target, alias, clear=sorted(raised))['action'] == 'update'
        assert run(target, alias, clear=sorted(raised))['action'] == 'unchanged'
    finally:
        target.delete_keys(key_aliases=[alias])


def test_key_type_is_kept_and_neither_it_nor_the_routes_it_implies_cause_a_change(target):
    alias = 'cycle-type-%s' % uuid.uuid4().hex[:8]
    try:
        created = run(target, alias, key_type='llm_api', max_budget=1)
        assert created['key_info']['key_type'] == 'llm_api'
        assert run(target, alias, key_type='llm_api', max_budget=1)['action'] == 'unchanged'
        # An update of another setting leaves the type and its routes alone.
        assert run(target, alias, key_type='llm_api', max_budget=2)['action'] == 'update'
        stored = target.list_keys(key_alias=alias)['keys'][0]
        assert (stored['key_type'], stored['allowed_routes']) == ('llm_api', ['llm_api_routes'])
        other = run(target, alias, key_type='read_only', max_budget=2)
        assert other['action'] == 'unchanged' and other['warnings'][0].startswith('key_type: the existing key')
    finally:
        target.delete_keys(key_aliases=[alias])


def test_mcp_servers_must_be_registered(target):
    # LiteLLM drops an mcp_servers entry naming no registered server without a word: the module refuses it first.
    alias = 'cycle-mcp-%s' % uuid.uuid4().hex[:8]
    registered = target.session.post(target.api_url + '/v1/mcp/server', timeout=30, json={
        'server_name': 'cycle_%s' % uuid.uuid4().hex[:6], 'url': 'http://127.0.0.1:9/mcp', 'transport': 'http'})
    assert registered.status_code in (200, 201), registered.text
    server_id = registered.json()['server_id']
    try:
        with pytest.raises(ERRORS.MissingReference) as refused:
            run(target, alias, object_permission={'mcp_servers': [server_id, 'no-such-server']})
        assert refused.value.option == 'object_permission' and "'no-such-server'" in str(refused.value)
        assert not target.list_keys(key_alias=alias)['keys']

        created = run(target, alias, object_permission={'mcp_servers': [server_id]})
        assert created['action'] == 'create'
        assert run(target, alias, object_permission={'mcp_servers': [server_id]})['action'] == 'unchanged'
    finally:
        target.delete_keys(key_aliases=[alias]) if target.list_keys(key_alias=alias)['keys'] else None
        target.session.delete(target.api_url + '/v1/mcp/server/%s' % server_id, timeout=30)


def test_a_chosen_secret_of_another_key_creates_nothing_and_says_so(target):
    # LiteLLM answers such a create as if it had made the key (measured): the module reads the key back.
    secret = 'sk-cycle-chosen-' + uuid.uuid4().hex
    first, second = ['cycle-chosen-%s-%s' % (n, uuid.uuid4().hex[:6]) for n in ('a', 'b')]
    try:
        assert run(target, first, key=secret)['action'] == 'create'
        with pytest.raises(ERRORS.LiteLLMError) as refused:
            run(target, second, key=secret)
        assert "already belongs to the key '%s'" % first in str(refused.value) and secret not in str(refused.value)
        assert not target.list_keys(key_alias=second)['keys']
    finally:
        target.delete_keys(key_aliases=[first])


def test_spend_routes_permission_is_refused_before_sending(target):
    # The proxy's license says has_license false: the module fails before the create that LiteLLM would answer
    # with a bare HTTP 500.
    alias = 'cycle-spend-%s' % uuid.uuid4().hex[:8]
    with pytest.raises(ERRORS.EnterpriseFeatureRequired) as refused:
        run(target, alias, permissions={'get_spend_routes': True})
    assert str(refused.value).startswith('permissions (get_spend_routes, when the key is created): the proxy has no '
                                         'LiteLLM Enterprise license')
    assert [r['url'].rsplit('/', 1)[-1].split('?')[0] for r in target.history] == ['list', 'license']
    assert not target.list_keys(key_alias=alias)['keys']


@pytest.mark.parametrize('setting, value', ENTERPRISE, ids=[e[0] for e in ENTERPRISE])
def test_enterprise_settings_are_refused_as_such(target, setting, value):
    alias = 'cycle-ent-%s-%s' % (setting, uuid.uuid4().hex[:8])
    if lacks(target, setting, value):
        # A release from before the option: refused as such first (test_release_options.py), not as Enterprise.
        pytest.skip('LiteLLM %s has no %s' % (target.release, setting))
    try:
        with pytest.raises(ERRORS.EnterpriseFeatureRequired) as refused:
            run(target, alias, **{setting: value})
        message = str(refused.value)
        assert message.startswith(setting + ':'), message
        assert 'Enterprise' in message and 'api_key' not in message
        assert not target.list_keys(key_alias=alias)['keys'], 'a refused create left a key'
    finally:
        target.delete_keys(key_aliases=[alias]) if target.list_keys(key_alias=alias)['keys'] else None
