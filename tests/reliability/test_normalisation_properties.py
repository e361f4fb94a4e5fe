# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property-based tests (hypothesis) of normalisation and comparison in module_utils/_keys.py.

``stored_after_create`` / ``stored_after_update`` model what LiteLLM keeps of a request (where each field
lives, numbers as floats, lists in any order, server-managed fields) so that plan() can be applied without
HTTP. The last property checks the same round trip against the local LiteLLM-compatible server.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import string
import uuid

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ansible_collections.llmops.litellm.plugins.module_utils._client import LiteLLMClient, describe_request, hash_key
from ansible_collections.llmops.litellm.plugins.module_utils._compare import SET
from ansible_collections.llmops.litellm.plugins.module_utils._errors import InvalidOption
from ansible_collections.llmops.litellm.plugins.module_utils._keys import KEY, KEY_FIELDS, LIMIT_TYPES, key_reconciler

# The compared settings of a key (create-only options such as duration and key are never compared).
SETTINGS = tuple(KEY_FIELDS.compared)
SETTINGS_BY_NAME = dict((f.name, f) for f in SETTINGS)
# Settings that exist only for an existing key (never in a create) and that LiteLLM takes only in pairs.
UPDATE_ONLY = tuple(f.name for f in SETTINGS if f.update_only)

# Request fields LiteLLM folds into the key's metadata (proxy/_types.py LiteLLM_ManagementEndpoint_MetadataFields).
FOLDED_INTO_METADATA = tuple(sorted(KEY_FIELDS.metadata_entries))
SET_SETTINGS = tuple(s.name for s in SETTINGS if s.compare == SET)
SERVER_MANAGED_VALUES = {
    'spend': st.floats(0, 1e6, allow_nan=False), 'created_at': st.text(max_size=30),
    'updated_at': st.text(max_size=30), 'expires': st.none() | st.text(max_size=30),
    'budget_reset_at': st.none() | st.text(max_size=30), 'key_name': st.text(max_size=12),
    'last_active': st.none() | st.text(max_size=30), 'created_by': st.text(max_size=12),
}

PLANNER = LiteLLMClient('http://planner.invalid', api_key='sk-planner-not-sent-0000', retries=0)

names = st.text(alphabet=string.ascii_letters + string.digits + '-_.', min_size=1, max_size=10)
counts = st.integers(min_value=0, max_value=2 ** 31)
money = (st.integers(min_value=0, max_value=10 ** 6)
         | st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False))
durations = st.builds('{0}{1}'.format, st.integers(1, 99), st.sampled_from(['s', 'm', 'h', 'd', 'w', 'mo']))
scalars = st.none() | st.booleans() | counts | money | names
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3),
                           max_leaves=6)
# Metadata entries a user manages; the names LiteLLM folds in are set with their own options instead.
metadata_names = names.filter(lambda n: n not in FOLDED_INTO_METADATA)

SETTING_VALUES = {
    'models': st.lists(names, max_size=4),
    'aliases': st.dictionaries(names, names, max_size=3),
    'max_budget': money,
    'soft_budget': money,
    'budget_duration': durations,
    'budget_id': names,
    'tpm_limit': counts,
    'rpm_limit': counts,
    'max_parallel_requests': counts,
    'team_id': names,
    'user_id': names,
    'organization_id': names,
    'metadata': st.dictionaries(metadata_names, json_values.filter(lambda v: v is not None), max_size=4),
    'tags': st.lists(names, max_size=4),
    'config': st.dictionaries(names, json_values, max_size=3),
    'permissions': st.dictionaries(names, st.booleans(), max_size=3),
    'model_max_budget': st.dictionaries(names, money | st.fixed_dictionaries(
        {'budget_limit': money, 'time_period': durations}), max_size=3),
    'model_rpm_limit': st.dictionaries(names, counts, max_size=3),
    'model_tpm_limit': st.dictionaries(names, counts, max_size=3),
    'guardrails': st.lists(names, max_size=3),
    'allowed_routes': st.lists(names, max_size=3),
    'blocked': st.booleans(),
    'budget_limits': st.lists(st.fixed_dictionaries({'budget_duration': durations, 'max_budget': money}), max_size=2),
    'budget_fallbacks': st.dictionaries(names, st.lists(names, max_size=2), max_size=2),
    'temp_budget_increase': money,
    'temp_budget_expiry': st.sampled_from(['2030-01-01T00:00:00Z', '2031-06-30T12:00:00+00:00']),
    'tpd_limit': counts,
    'rpm_limit_type': st.sampled_from(LIMIT_TYPES),
    'tpm_limit_type': st.sampled_from(LIMIT_TYPES),
    'project_id': names,
    'agent_id': names,
    'end_user_budget_id': names,
    'object_permission': st.fixed_dictionaries({}, optional={
        'vector_stores': st.lists(names, max_size=3), 'agents': st.lists(names, max_size=2),
        'mcp_servers': st.lists(names, max_size=2)}),
    'access_group_ids': st.lists(names, max_size=3),
    'mcp_rpm_limit': st.dictionaries(names, counts, max_size=2),
    'tag_rpm_limit': st.dictionaries(names, counts, max_size=2),
    'default_estimated_output_tokens': st.integers(min_value=1, max_value=10 ** 6),
    'default_estimated_output_tokens_per_model': st.dictionaries(names, st.integers(1, 2 ** 31), max_size=2),
    'enforced_params': st.lists(names, max_size=3),
    'router_settings': st.fixed_dictionaries({}, optional={'num_retries': st.integers(0, 10), 'timeout': money}),
    'disable_global_guardrails': st.booleans(),
    'policies': st.lists(names, max_size=2),
    'prompts': st.lists(names, max_size=2),
    'allowed_passthrough_routes': st.lists(names, max_size=2),
    'denied_passthrough_routes': st.lists(names, max_size=2),
    'allowed_cache_controls': st.lists(names, max_size=2),
    'allowed_vector_store_indexes': st.lists(st.fixed_dictionaries({
        'index_name': names, 'index_permissions': st.lists(st.sampled_from(['read', 'write']), max_size=2)}),
        max_size=2),
    'enable_prompt_caching': st.booleans(),
    'throttle_on_budget_exceeded': st.booleans(),
    'auto_rotate': st.booleans(),
    'rotation_interval': durations,
}
assert set(SETTING_VALUES) == set(SETTINGS_BY_NAME), 'a setting without a strategy'


def _acceptable(desired):
    """Declarations litellm_key accepts: the ones it refuses never plan a request."""
    try:
        KEY.validate(module_params('prop-key', desired))
    except InvalidOption:
        return False
    return True


# What a task declares (update-only settings are drawn for updates, see updates): the module's own checks pass.
desired_states = st.fixed_dictionaries(
    {}, optional=dict((k, v) for k, v in SETTING_VALUES.items() if k not in UPDATE_ONLY)).filter(_acceptable)
update_states = st.fixed_dictionaries({}, optional=SETTING_VALUES).filter(_acceptable)


def module_params(alias, desired):
    """The options dict a module hands the engine: every option present, None where unset."""
    params = dict((s.name, None) for s in SETTINGS)
    params.update(key_alias=alias, state='present', duration=None, key=None, regenerate=False, grace_period=None)
    params.update(desired)
    return params


def _json_copy(value):
    return json.loads(json.dumps(value))


def _as_server_returns(record, shuffle):
    """Numbers the way LiteLLM's float columns return them, order-free lists in another order."""
    if isinstance(record.get('max_budget'), int):
        record['max_budget'] = float(record['max_budget'])
    for name in SET_SETTINGS:
        path = SETTINGS_BY_NAME[name].paths[0]
        holder = record.get('metadata') if path[0] == 'metadata' else record
        if holder and isinstance(holder.get(path[-1]), list):
            holder[path[-1]] = shuffle(list(holder[path[-1]]))
    return record


def stored_after_create(body, shuffle):
    """The key LiteLLM stores for a /key/generate body, as /key/list?return_full_object=true returns it."""
    body = _json_copy(body)
    record = {'token': hash_key('sk-' + body['key_alias']), 'key_alias': body.pop('key_alias'), 'models': [],
              'aliases': {}, 'config': {}, 'permissions': {}, 'model_max_budget': {}, 'allowed_routes': [],
              'blocked': None, 'spend': 0.0, 'metadata': {}, 'litellm_budget_table': None, 'org_id': None}
    return _as_server_returns(_apply(record, body), shuffle)


def stored_after_update(record, body, shuffle):
    """The key after LiteLLM applies a /key/update body: metadata replaced, folded fields on top."""
    body = _json_copy(body)
    assert body.pop('key') == record['token'], 'an update addressed another key'
    return _as_server_returns(_apply(copy.deepcopy(record), body), shuffle)


def _apply(record, body):
    metadata = body.pop('metadata') if 'metadata' in body else dict(record.get('metadata') or {})
    for name in FOLDED_INTO_METADATA:
        if name in body:
            metadata[name] = body.pop(name)
    record['metadata'] = metadata
    if 'soft_budget' in body:
        record['litellm_budget_table'] = {'soft_budget': body.pop('soft_budget')}
    if 'organization_id' in body:
        record['org_id'] = body.pop('organization_id')
    body.pop('duration', None)
    body.pop('key', None)
    record.update(body)
    return record


def plan(alias, desired, record):
    return key_reconciler(PLANNER, check_mode=True).plan(module_params(alias, desired), record)


def body_of(planned):
    (request,) = planned.requests
    return request.json


@settings(max_examples=150, deadline=None)
@given(desired=desired_states, data=st.data())
def test_a_created_key_compares_equal_to_what_was_declared(desired, data):
    created = plan('prop-key', desired, None)
    assert created.action == 'create'
    record = stored_after_create(body_of(created), _shuffler(data))
    for name, values in SERVER_MANAGED_VALUES.items():
        record[name] = data.draw(values)
    again = plan('prop-key', desired, record)
    assert again.action == 'unchanged', (again.changed_settings, record)
    assert again.requests == [] and not again.changed_settings


@settings(max_examples=150, deadline=None)
@given(existing=desired_states, desired=update_states, data=st.data())
def test_an_applied_update_compares_equal_and_keeps_everything_else(existing, desired, data):
    # LiteLLM takes a temporary budget only with its expiry (refused first: test_a_temporary_budget_goes_with_its_
    # companion_or_not_at_all), and never moves a key into another project (refused first as well).
    assume(('temp_budget_increase' in desired) == ('temp_budget_expiry' in desired))
    desired = _same_project(existing, desired)
    shuffle = _shuffler(data)
    before = stored_after_create(body_of(plan('prop-key', existing, None)), shuffle)
    planned = plan('prop-key', desired, before)
    if planned.action == 'unchanged':
        return
    assert planned.action == 'update'
    body = body_of(planned)
    sent = set(body) - {'key'}
    changed = set(planned.changed_settings)
    # Besides what differs, only the settings LiteLLM takes together with those (rotation, temporary budgets).
    companions = set(c for name in changed for c in SETTINGS_BY_NAME[name].companions)
    assert changed <= sent <= changed | companions, 'the update carries fields that did not differ'
    after = stored_after_update(before, body, shuffle)
    assert plan('prop-key', desired, after).action == 'unchanged'

    # Nothing the task does not manage changed; metadata entries it does not declare survive.
    old, new = KEY_FIELDS.current(before), KEY_FIELDS.current(after)
    for name in set(SETTINGS_BY_NAME) - set(desired) - {'metadata'} - set(FOLDED_INTO_METADATA):
        assert _canonical(name, new[name]) == _canonical(name, old[name]), name
    for entry, value in (before.get('metadata') or {}).items():
        if entry not in (desired.get('metadata') or {}) and entry not in desired:
            assert _canonical(entry, after['metadata'].get(entry)) == _canonical(entry, value), (
                'unmanaged metadata entry %r was lost' % entry)


@settings(max_examples=100, deadline=None)
@given(desired=desired_states.filter(lambda d: any(d.get(n) for n in SET_SETTINGS)), data=st.data())
def test_order_and_repetition_of_order_free_lists_mean_nothing(desired, data):
    record = stored_after_create(body_of(plan('prop-key', desired, None)), lambda items: items)
    shuffled = dict(desired)
    for name in SET_SETTINGS:
        if shuffled.get(name):
            items = list(shuffled[name])
            shuffled[name] = data.draw(st.permutations(items + data.draw(st.lists(st.sampled_from(items), max_size=3))))
    assert plan('prop-key', shuffled, record).action == 'unchanged'


@settings(max_examples=100, deadline=None)
@given(number=st.integers(min_value=0, max_value=2 ** 52), model=names, as_float_on=st.sampled_from(['desired', 'stored']))
def test_whole_numbers_equal_their_float(number, model, as_float_on):
    declared = {'max_budget': number, 'tpm_limit': number, 'model_rpm_limit': {model: number},
                'model_max_budget': {model: {'budget_limit': number, 'time_period': '30d'}}}
    stored = copy.deepcopy(declared)
    floats = {'max_budget': float(number), 'tpm_limit': float(number), 'model_rpm_limit': {model: float(number)},
              'model_max_budget': {model: {'budget_limit': float(number), 'time_period': '30d'}}}
    if as_float_on == 'desired':
        declared = floats
    else:
        stored = floats
    record = stored_after_create(body_of(plan('prop-key', stored, None)), lambda items: items)
    record['max_budget'] = stored['max_budget']
    assert plan('prop-key', declared, record).action == 'unchanged'


@settings(max_examples=150, deadline=None)
@given(desired=desired_states, data=st.data())
def test_one_differing_setting_is_the_only_one_sent(desired, data):
    assume(desired)
    name = data.draw(st.sampled_from(sorted(desired)))
    assume(name != 'metadata' or desired['metadata'])
    # LiteLLM never moves a key into another project: the engine refuses that change (test__keys.py).
    assume(name != 'project_id')
    record = stored_after_create(body_of(plan('prop-key', desired, None)), lambda items: items)
    changed = dict(desired)
    changed[name] = _different(name, desired[name])
    update = plan('prop-key', changed, record)
    assert update.action == 'update' and update.changed_settings == [name]
    assert set(body_of(update)) - {'key', name} <= set(SETTINGS_BY_NAME[name].companions)


@settings(max_examples=50, deadline=None)
@given(desired=desired_states, suffix=st.text(alphabet=string.ascii_letters + string.digits, min_size=13, max_size=40))
def test_a_chosen_secret_never_appears_in_the_plan_view(desired, suffix):
    secret = 'sk-' + suffix
    params = module_params('prop-key', desired)
    params['key'] = secret
    created = key_reconciler(PLANNER, check_mode=True).plan(params, None)
    assert body_of(created)['key'] == secret, 'the secret must be sent'
    shown = json.dumps([created.diff, describe_request(created.requests[0], PLANNER.redactor, sent=False)])
    assert secret not in shown and 'sk-planner-not-sent' not in shown


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(existing=desired_states, desired=desired_states)
def test_round_trip_through_the_local_server(existing, desired, litellm_server_session):
    """Create, re-read, update, re-read against the local LiteLLM-compatible server: then nothing differs."""
    # LiteLLM keeps a key's soft budget in its linked budget row: see test_budget_id_and_soft_budget_together_*.
    assume(not _declares_both_budgets(existing) and not _declares_both_budgets(desired))
    existing, desired = _registered_only(existing), _registered_only(_same_project(existing, desired))
    litellm_server_session.plain_proxy = False
    # The ids drawn here name no team or budget: this is about comparison, not about references.
    litellm_server_session.strict_references = False
    client = LiteLLMClient(litellm_server_session.url, api_key=litellm_server_session.master_key, retries=0)
    engine = key_reconciler(client)
    alias = 'prop-%s' % uuid.uuid4().hex
    try:
        created = engine.plan(module_params(alias, existing), None)
        engine.apply(created)
        record = engine.find({'key_alias': alias})
        assert engine.plan(module_params(alias, existing), record).action == 'unchanged'
        engine.apply(engine.plan(module_params(alias, desired), record))
        record = engine.find({'key_alias': alias})
        again = engine.plan(module_params(alias, desired), record)
        assert again.action == 'unchanged', again.changed_settings
    finally:
        if engine.find({'key_alias': alias}):
            client.delete_keys(key_aliases=[alias])
        client.close()
        litellm_server_session.strict_references = True


def test_budget_id_and_soft_budget_together_are_refused():
    """LiteLLM stores soft_budget in the key's linked budget: creating a key with a soft budget makes a new
    budget and replaces the declared budget_id, and updating it writes into the budget budget_id names (shared
    by other keys). Declared together they never converge; the engine must refuse the pair."""
    params = module_params('prop-both-budgets', {'budget_id': 'shared-budget', 'soft_budget': 5})
    with pytest.raises(InvalidOption) as refused:
        KEY.validate(params)
    assert refused.value.option in ('budget_id', 'soft_budget')
    assert 'budget_id' in str(refused.value) and 'soft_budget' in str(refused.value)


def _registered_only(desired):
    """Without MCP servers: LiteLLM drops ones that are not registered (the module refuses them, see
    test_mcp_servers_must_be_registered), and the ids drawn here name none."""
    permission = desired.get('object_permission')
    if not permission or 'mcp_servers' not in permission:
        return desired
    return dict(desired, object_permission={k: v for k, v in permission.items() if k != 'mcp_servers'})


def _same_project(existing, desired):
    """LiteLLM refuses to move an existing key into another project (400 "Project reassignment is not
    supported"): the desired state keeps the project the key was created in."""
    if 'project_id' not in desired:
        return desired
    if 'project_id' in existing:
        return dict(desired, project_id=existing['project_id'])
    return {k: v for k, v in desired.items() if k != 'project_id'}


def _declares_both_budgets(desired):
    return desired.get('budget_id') is not None and desired.get('soft_budget') is not None


def _shuffler(data):
    return lambda items: data.draw(st.permutations(items)) if items else items


def _canonical(name, value):
    """A form in which the server's reordering of an order-free list is no difference."""
    if name in SET_SETTINGS and isinstance(value, list):
        return sorted(json.dumps(item, sort_keys=True) for item in value)
    return json.dumps(value, sort_keys=True)


def _different(name, value):
    """A value of the same kind as ``value`` that compares unequal to it."""
    field = SETTINGS_BY_NAME[name]
    kind = 'set' if field.compare == SET else field.type
    if kind == 'bool':
        return not value
    if kind in ('int', 'float'):
        return value + 1
    if name == 'budget_duration':
        count = value.rstrip(string.ascii_letters)
        return '%d%s' % (int(count) + 1, value[len(count):])
    if kind == 'str':
        return value + 'x'
    if kind == 'set':
        return list(value) + ['never-declared-before']
    if name == 'metadata':
        entry = sorted(value)[0]
        return dict(value, **{entry: [value[entry], 'changed']})
    return dict(value, **{'never-declared-before': 1})
