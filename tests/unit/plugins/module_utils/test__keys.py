# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Comparison, planning and diff logic of the key engine, without a server (requests are built unsent)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.llmops.litellm.plugins.module_utils._client import LiteLLMClient, hash_key
from ansible_collections.llmops.litellm.plugins.module_utils._compare import merged
from ansible_collections.llmops.litellm.plugins.module_utils._errors import InvalidOption, LiteLLMError
from ansible_collections.llmops.litellm.plugins.module_utils._keys import (
    KEY,
    KEY_FIELDS,
    key_reconciler,
    run_key_task,
    validate_key_alias,
)

TOKEN = 'a' * 64


def stored_key(**overrides):
    """A key as LiteLLM 1.108.7's /key/list?return_full_object=true returns it."""
    record = {
        'token': TOKEN, 'key_alias': 'team-a', 'key_name': 'sk-...abcd', 'spend': 3.5, 'max_budget': 10.0,
        'models': ['gpt-4o', 'gpt-4o-mini'], 'aliases': {}, 'config': {}, 'permissions': {},
        'metadata': {'owner': 'alice', 'tags': ['prod'], 'model_rpm_limit': {'gpt-4o': 10}},
        'tpm_limit': None, 'rpm_limit': 100, 'org_id': 'org-1', 'team_id': 'team-a', 'user_id': None,
        'blocked': None, 'allowed_routes': [], 'model_max_budget': {},
        'litellm_budget_table': {'soft_budget': 8.0}, 'created_at': '2026-01-01T00:00:00Z',
        'updated_at': '2026-01-02T00:00:00Z', 'expires': None,
    }
    record.update(overrides)
    return record


def params(**options):
    base = dict((field.name, None) for field in KEY_FIELDS)
    base.update(key_alias='team-a', state='present', regenerate=False, grace_period=None)
    base.update(options)
    return base


@pytest.fixture
def reconciler():
    return key_reconciler(LiteLLMClient('http://proxy.invalid:4000', api_key='sk-master-secret-123'), check_mode=True)


def test_reads_settings_where_litellm_stores_them():
    view = KEY_FIELDS.current(stored_key())
    assert view['soft_budget'] == 8.0
    assert view['organization_id'] == 'org-1'
    assert view['tags'] == ['prod']
    assert view['model_rpm_limit'] == {'gpt-4o': 10}
    assert view['blocked'] is False
    assert view['guardrails'] == []


@pytest.mark.parametrize('name, desired, current, expected', [
    ('models', ['b', 'a'], ['a', 'b'], True),
    ('models', ['a', 'a', 'b'], ['b', 'a'], True),
    ('models', ['a'], ['a', 'b'], False),
    ('max_budget', 10, 10.0, True),
    ('max_budget', 10.5, 10.0, False),
    ('model_rpm_limit', {'gpt-4o': 10}, {'gpt-4o': 10.0}, True),
    ('metadata', {'owner': 'alice'}, {'owner': 'alice', 'other': 1}, True),
    ('metadata', {'owner': 'bob'}, {'owner': 'alice'}, False),
    ('metadata', {'gone': None}, {'owner': 'alice'}, True),
    ('metadata', {'owner': None}, {'owner': 'alice'}, False),
    ('blocked', False, False, True),
    ('team_id', 'x', None, False),
])
def test_same_normalises(name, desired, current, expected):
    assert KEY_FIELDS[name].same(desired, current) is expected


def test_unchanged_key_plans_no_request(reconciler):
    declared = params(models=['gpt-4o-mini', 'gpt-4o'], max_budget=10, metadata={'owner': 'alice'}, tags=['prod'])
    plan = reconciler.plan(declared, stored_key())
    assert plan.action == 'unchanged'
    assert plan.requests == []
    assert not plan.changed
    assert plan.diff['before'] == plan.diff['after']


def test_server_managed_fields_never_cause_a_change(reconciler):
    record = stored_key(spend=99.0, updated_at='2030-01-01', key_name='sk-...zzzz')
    plan = reconciler.plan(params(max_budget=10.0), record)
    assert plan.action == 'unchanged'


def test_update_sends_only_differing_fields_by_hash(reconciler):
    plan = reconciler.plan(params(max_budget=20, models=['gpt-4o', 'gpt-4o-mini'], rpm_limit=100), stored_key())
    assert plan.action == 'update'
    assert plan.changed_settings == ['max_budget']
    (request,) = plan.requests
    assert request.method == 'POST' and request.url.endswith('/key/update')
    assert request.json == {'key': TOKEN, 'max_budget': 20}
    assert plan.diff['before']['max_budget'] == 10.0 and plan.diff['after']['max_budget'] == 20


def test_metadata_update_keeps_unmanaged_entries(reconciler):
    plan = reconciler.plan(params(metadata={'owner': 'bob', 'cost_center': 7}), stored_key())
    assert plan.requests[0].json['metadata'] == {
        'owner': 'bob', 'cost_center': 7, 'tags': ['prod'], 'model_rpm_limit': {'gpt-4o': 10}}


def test_metadata_null_removes_entry():
    assert merged({'owner': None, 'x': 1}, {'owner': 'a', 'y': 2}) == {'x': 1, 'y': 2}


def test_create_carries_creation_only_options_and_masks_secret_in_diff(reconciler):
    plan = reconciler.plan(params(key_alias='new-key', models=['gpt-4o'], duration='30d', key='sk-chosen-secret-0001'),
                           None)
    assert plan.action == 'create'
    (request,) = plan.requests
    assert request.url.endswith('/key/generate')
    assert request.json == {'key_alias': 'new-key', 'models': ['gpt-4o'], 'duration': '30d',
                            'key': 'sk-chosen-secret-0001'}
    assert 'sk-chosen-secret-0001' not in repr(plan.diff)
    assert plan.diff['before'] == {'key_alias': 'new-key', 'state': 'absent'}


def test_delete_by_hash_and_absent_is_noop(reconciler):
    plan = reconciler.plan(params(state='absent'), stored_key())
    assert plan.action == 'delete' and [r.json for r in plan.requests] == [{'keys': [TOKEN]}]
    gone = reconciler.plan(params(state='absent'), None)
    assert gone.action == 'absent' and gone.requests == [] and not gone.changed


def test_check_mode_apply_records_without_sending(reconciler):
    plan = reconciler.plan(params(max_budget=20), stored_key())
    assert reconciler.apply(plan) == [None]
    (entry,) = reconciler.client.history
    assert entry['sent'] is False
    assert entry['headers']['Authorization'] == 'Bearer ********'
    assert 'sk-master-secret-123' not in repr(entry)


def test_describe_key_has_no_secret():
    view = KEY.describe(stored_key(key='sk-this-is-a-secret-value'))
    assert 'key' not in view
    assert view['token'] == TOKEN and view['spend'] == 3.5


@pytest.mark.parametrize('options, option', [
    ({'max_budget': -1}, 'max_budget'),
    ({'rpm_limit': -5}, 'rpm_limit'),
    ({'duration': '7x'}, 'duration'),
    ({'budget_duration': '30'}, 'budget_duration'),
    ({'model_rpm_limit': {'gpt-4o': 'many'}}, 'model_rpm_limit'),
    ({'model_max_budget': {'gpt-4o': -2}}, 'model_max_budget'),
    ({'models': ['']}, 'models'),
    ({'team_id': ' '}, 'team_id'),
    ({'key': 'not-a-litellm-key'}, 'key'),
])
def test_invalid_settings_name_the_option(options, option):
    with pytest.raises(InvalidOption) as info:
        KEY.validate(params(**options))
    assert info.value.option == option
    assert str(info.value).startswith(option + ':')


def test_invalid_key_is_not_echoed():
    with pytest.raises(InvalidOption) as info:
        KEY.validate(params(key='short-secret'))
    assert 'short-secret' not in str(info.value)


@pytest.mark.parametrize('alias', ['', '   ', ' padded', 'x' * 256, 'a/../b', 'tab\there'])
def test_invalid_alias(alias):
    with pytest.raises(InvalidOption):
        validate_key_alias(alias)


def test_hash_key_matches_litellm():
    # LiteLLM's hash_token is the sha256 hex digest of the utf-8 secret; this is its value for "sk-1234".
    assert hash_key('sk-1234') == '88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b'


def test_diff_shows_order_free_lists_sorted_on_both_sides(reconciler):
    plan = reconciler.plan(params(models=['z-model', 'gpt-4o-mini', 'gpt-4o']), stored_key())
    assert plan.diff['before']['models'] == ['gpt-4o', 'gpt-4o-mini']
    assert plan.diff['after']['models'] == ['gpt-4o', 'gpt-4o-mini', 'z-model']
    # The request keeps the task's order: only the display is sorted.
    assert plan.requests[0].json['models'] == ['z-model', 'gpt-4o-mini', 'gpt-4o']


def _client(server):
    return LiteLLMClient(server.url, api_key=server.master_key, retries=0)


def test_a_chosen_secret_of_another_key_creates_nothing_and_says_so(litellm_server):
    secret = 'sk-chosen-secret-0123456789'
    run_key_task(_client(litellm_server), params(key_alias='probe-a', key=secret), False)
    with pytest.raises(LiteLLMError) as info:
        run_key_task(_client(litellm_server), params(key_alias='probe-b', key=secret), False)
    assert "already belongs to the key 'probe-a'" in str(info.value)
    assert secret not in str(info.value)
    assert [k['key_alias'] for k in _client(litellm_server).list_keys()['keys']] == ['probe-a']


def test_losing_a_create_race_converges_on_the_winner(litellm_server, monkeypatch):
    client = _client(litellm_server)
    # Our read sees no key; another run creates the alias before our create arrives.
    plan = key_reconciler(client).plan(params(key_alias='raced', max_budget=5), None)
    _client(litellm_server).generate_key({'key_alias': 'raced', 'max_budget': 1})
    original_find = KEY.find
    calls = []

    def find_missing_first(resource_client, declared):
        calls.append(declared['key_alias'])
        return None if len(calls) == 1 else original_find(resource_client, declared)

    monkeypatch.setattr(KEY, 'find', find_missing_first)
    result = run_key_task(client, params(key_alias='raced', max_budget=5), False)
    assert plan.action == 'create'
    assert result['action'] == 'update' and result['changed_settings'] == ['max_budget']
    assert 'key' not in result
    keys = client.list_keys(key_alias='raced')['keys']
    assert len(keys) == 1 and keys[0]['max_budget'] == 5


# -- clearing, creation-only and update-only settings -------------------------------------------------------

def test_clear_sends_what_litellm_clears_each_setting_with(reconciler):
    record = stored_key(max_budget=10.0, tpm_limit=5, models=['a'],
                        metadata={'owner': 'alice', 'tags': ['prod'], 'rpm_limit_type': 'dynamic'})
    plan = reconciler.plan(params(clear=['max_budget', 'tpm_limit', 'models', 'rpm_limit_type', 'config']), record)

    # config is already unset: no change for it.
    assert plan.changed_settings == ['max_budget', 'tpm_limit', 'models', 'rpm_limit_type']
    (request,) = plan.requests
    # A limit is set to null, a list to [] (LiteLLM refuses null for an array), a setting kept in metadata loses
    # its entry (LiteLLM ignores a null folded field and replaces metadata wholesale).
    assert request.json == {'key': TOKEN, 'max_budget': None, 'tpm_limit': None, 'models': [],
                            'metadata': {'owner': 'alice', 'tags': ['prod']}}
    assert plan.diff['before']['rpm_limit_type'] == 'dynamic' and plan.diff['after']['rpm_limit_type'] is None
    assert 'metadata' not in plan.diff['after']


def test_clearing_metadata_keeps_the_settings_litellm_keeps_there(reconciler):
    record = stored_key(metadata={'owner': 'alice', 'tags': ['prod'], 'model_rpm_limit': {'gpt-4o': 10}})
    plan = reconciler.plan(params(clear=['metadata']), record)
    assert plan.requests[0].json == {'key': TOKEN, 'metadata': {'tags': ['prod'], 'model_rpm_limit': {'gpt-4o': 10}}}

    cleared = stored_key(metadata={'tags': ['prod']})
    assert reconciler.plan(params(clear=['metadata']), cleared).action == 'unchanged'


def test_what_is_already_unset_is_no_change_and_zero_is_set(reconciler):
    assert reconciler.plan(params(clear=['tpm_limit', 'tags', 'guardrails']),
                           stored_key(metadata={})).action == 'unchanged'
    plan = reconciler.plan(params(clear=['tpm_limit']), stored_key(tpm_limit=0))
    assert plan.changed_settings == ['tpm_limit']


def test_a_setting_cannot_be_declared_and_cleared():
    with pytest.raises(InvalidOption) as refused:
        KEY.validate(params(max_budget=5, clear=['max_budget']))
    assert refused.value.option == 'clear' and 'max_budget' in str(refused.value)


def test_key_type_and_allowed_routes_exclude_each_other():
    with pytest.raises(InvalidOption) as refused:
        KEY.validate(params(key_type='llm_api', allowed_routes=['/chat/completions']))
    assert refused.value.option == 'allowed_routes' and 'llm_api_routes' in str(refused.value)
    KEY.validate(params(key_type='default', allowed_routes=['/chat/completions']))


def test_key_type_is_sent_at_creation_and_never_compared(reconciler):
    created = reconciler.plan(params(key_alias='typed', key_type='llm_api'), None)
    assert created.requests[0].json == {'key_alias': 'typed', 'key_type': 'llm_api'}

    # LiteLLM turns the type into allowed routes: neither differs from what was declared.
    stored = stored_key(key_type='llm_api', allowed_routes=['llm_api_routes'])
    again = reconciler.plan(params(key_type='llm_api'), stored)
    assert again.action == 'unchanged' and reconciler.warnings == []


def test_another_key_type_on_an_existing_key_is_a_warning_not_a_change(reconciler):
    plan = reconciler.plan(params(key_type='read_only'), stored_key(key_type='default'))
    assert plan.action == 'unchanged'
    (warning,) = reconciler.warnings
    assert warning.startswith("key_type: the existing key 'team-a' is of type default")


def test_update_only_settings_are_refused_for_a_new_key(reconciler):
    with pytest.raises(InvalidOption) as refused:
        reconciler.plan(params(key_alias='fresh', temp_budget_increase=5, temp_budget_expiry='2030-01-01T00:00:00Z'),
                        None)
    assert refused.value.option == 'temp_budget_increase' and 'existing key only' in str(refused.value)


def test_temporary_budgets_compare_where_litellm_keeps_them(reconciler):
    stored = stored_key(metadata={'temp_budget_increase': 5.0, 'temp_budget_expiry': '2030-01-01T00:00:00+00:00'})
    plan = reconciler.plan(params(temp_budget_increase=5, temp_budget_expiry='2030-01-01T00:00:00Z'), stored)
    assert plan.action == 'unchanged'


def test_a_temporary_budget_goes_with_its_companion_or_not_at_all(reconciler):
    # LiteLLM answers one without the other with 422 "must be set together": send both, or refuse first.
    stored = stored_key(metadata={'temp_budget_increase': 5.0, 'temp_budget_expiry': '2030-01-01T00:00:00+00:00'})
    (request,) = reconciler.plan(params(temp_budget_increase=7), stored).requests
    assert request.json['temp_budget_increase'] == 7 and request.json['temp_budget_expiry'] == \
        '2030-01-01T00:00:00+00:00'
    with pytest.raises(InvalidOption) as refused:
        reconciler.plan(params(temp_budget_increase=7), stored_key())
    assert refused.value.option == 'temp_budget_increase' and 'set temp_budget_expiry too' in str(refused.value)


def test_a_key_stays_in_the_project_it_was_created_in(reconciler):
    # LiteLLM refuses to move a key into another project (400 "Project reassignment is not supported").
    assert reconciler.plan(params(project_id='p1'), stored_key(project_id='p1')).action == 'unchanged'
    for stored in (stored_key(project_id='p1'), stored_key()):
        with pytest.raises(InvalidOption) as refused:
            reconciler.plan(params(project_id='p2'), stored)
        assert refused.value.option == 'project_id' and 'delete the key' in str(refused.value)
    (request,) = reconciler.plan(params(clear=['project_id']), stored_key(project_id='p1')).requests
    assert request.json['project_id'] is None


def test_budget_limits_compare_without_the_reset_time_litellm_adds(reconciler):
    stored = stored_key(budget_limits=[{'budget_duration': '1d', 'max_budget': 1.0,
                                        'reset_at': '2026-12-02T00:00:00+00:00'}])
    assert reconciler.plan(params(budget_limits=[{'budget_duration': '1d', 'max_budget': 1}]), stored).action == \
        'unchanged'
    changed = reconciler.plan(params(budget_limits=[{'budget_duration': '1d', 'max_budget': 2}]), stored)
    assert changed.diff['before']['budget_limits'] == [{'budget_duration': '1d', 'max_budget': 1.0}]


def test_object_permission_manages_the_declared_entries_as_sets(reconciler):
    stored = stored_key(object_permission={'object_permission_id': 'op-1', 'vector_stores': ['b', 'a'],
                                           'mcp_servers': ['s1'], 'agents': [], 'mcp_tool_permissions': None})
    assert reconciler.plan(params(object_permission={'vector_stores': ['a', 'b']}), stored).action == 'unchanged'
    plan = reconciler.plan(params(object_permission={'vector_stores': ['a']}), stored)
    # The update carries the other stored entries too (LiteLLM replaces the permission object), never its id.
    assert plan.requests[0].json['object_permission'] == {'vector_stores': ['a'], 'mcp_servers': ['s1'],
                                                          'agents': []}


def test_object_permission_entries_are_checked():
    with pytest.raises(InvalidOption) as refused:
        KEY.validate(params(object_permission={'vectorstores': ['a']}))
    assert 'has no entry vectorstores' in str(refused.value)
