# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""LiteLLM virtual keys: their field table and what is particular to them, on the shared engine.

A key is identified by its ``key_alias`` and stored by the sha256 hash of its secret (``token``). What differs
from other objects: the proxy shows a new key's secret once, in the answer to the create, so a create whose
answer is lost needs care; a key can be rotated (``regenerate``); and LiteLLM folds several settings into the
key's metadata or other tables, which the field table's read paths follow.

Private to the collection (leading underscore): its API may change between releases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible_collections.llmops.litellm.plugins.module_utils._budgets import BUDGET
from ansible_collections.llmops.litellm.plugins.module_utils._client import hash_key, is_key_hash
from ansible_collections.llmops.litellm.plugins.module_utils._compare import MERGE, MERGE_SETS
from ansible_collections.llmops.litellm.plugins.module_utils._engine import (
    Reconciler,
    Resource,
    duplicates_error,
    run_task,
)
from ansible_collections.llmops.litellm.plugins.module_utils._errors import (
    EnterpriseFeatureRequired,
    InvalidOption,
    LiteLLMError,
    SecretLost,
)
from ansible_collections.llmops.litellm.plugins.module_utils._fields import (
    BUDGET_PERIOD,
    DURATION_PATTERN,
    Field,
    FieldTable,
    check_budget_per_model,
    check_budget_windows,
    check_positive_numbers_per_model,
    check_timestamp,
    check_whole_numbers_per_model,
    only_entries,
    timestamp,
    whole_numbers_per,
    without_nulls,
    without_server_fields,
)
from ansible_collections.llmops.litellm.plugins.module_utils._teams import TEAM

# LiteLLM refuses control characters and ".." path segments in aliases, and caps them at 255 characters.
KEY_ALIAS_MAX_LENGTH = 255
_CONTROL_CHARACTERS = re.compile(r'[\x00-\x1f\x7f]')


def _check_chosen_secret(value):
    # Never echo the value: it is a secret even when it is a bad one.
    if not value.startswith('sk-') or len(value) < 16:
        raise ValueError('a caller-chosen key must start with "sk-" and be at least 16 characters long')


# The settings litellm_key manages, in the order they are documented (doc_fragments/key_settings.py): every
# field of LiteLLM 1.108.7's GenerateKeyRequest and UpdateKeyRequest but those in NOT_MANAGED (a unit test
# holds the two to the OpenAPI document). Where LiteLLM stores a setting somewhere other than a top-level
# column of the key, read says where, as measured on the real proxy (tests/real_proxy/FINDINGS.md):
# key_management_endpoints.py folds the LiteLLM_ManagementEndpoint_MetadataFields (per-model limits, limit
# types, enforced params, temporary budgets, ...) and the Enterprise ones (tags, guardrails, ...) into metadata;
# soft_budget lives in the linked budget table; the organization is the org_id column.
OBJECT_PERMISSION_ENTRIES = ('mcp_servers', 'mcp_access_groups', 'mcp_tool_permissions', 'mcp_toolsets',
                             'blocked_tools', 'vector_stores', 'agents', 'agent_access_groups', 'models',
                             'search_tools', 'mcp_tool_search_enabled', 'skills')
KEY_TYPES = ['default', 'llm_api', 'management', 'read_only']
LIMIT_TYPES = ['guaranteed_throughput', 'best_effort_throughput', 'dynamic']


def _metadata(name):
    return ('metadata', name)


def _empty_object_permission():
    lists = ('mcp_servers', 'mcp_access_groups', 'mcp_toolsets', 'blocked_tools', 'vector_stores', 'agents',
             'agent_access_groups', 'models', 'search_tools', 'skills')
    return dict((name, []) for name in lists)


KEY_FIELDS = FieldTable([
    Field('duration', create_only=True, duration=True),
    Field('key_type', create_only=True, choices=KEY_TYPES),
    Field('models', 'list', not_empty=True),
    Field('aliases', 'dict'),
    Field('max_budget', 'float', minimum=0),
    # 1.100.0 takes it at creation but does not return it (its keys have no litellm_budget_table) and drops it on
    # /key/update, which took it in 1.102.0 (measured on the real 1.100.0 proxy).
    Field('soft_budget', 'float', minimum=0, read=[('litellm_budget_table', 'soft_budget'), ('soft_budget',)],
          since='1.102.0'),
    Field('budget_duration', duration=BUDGET_PERIOD),
    Field('budget_id', not_empty=True),
    Field('budget_limits', 'list', elements='dict', normalise=without_server_fields('reset_at'),
          check=check_budget_windows),
    Field('budget_fallbacks', 'dict'),
    # LiteLLM takes the two only together (422 "must be set together").
    Field('temp_budget_increase', 'float', minimum=0, read=_metadata('temp_budget_increase'), update_only=True,
          companions=('temp_budget_expiry',), companions_required=True),
    Field('temp_budget_expiry', read=_metadata('temp_budget_expiry'), update_only=True, normalise=timestamp,
          check=check_timestamp, companions=('temp_budget_increase',), companions_required=True),
    Field('tpm_limit', 'int', minimum=0),
    Field('rpm_limit', 'int', minimum=0),
    Field('tpd_limit', 'int', minimum=0, since='1.103.0'),
    Field('max_parallel_requests', 'int', minimum=0),
    Field('rpm_limit_type', choices=LIMIT_TYPES, read=_metadata('rpm_limit_type')),
    Field('tpm_limit_type', choices=LIMIT_TYPES, read=_metadata('tpm_limit_type')),
    Field('team_id', not_empty=True),
    Field('user_id', not_empty=True),
    Field('organization_id', not_empty=True, read=[('org_id',), ('organization_id',)]),
    # key_management_endpoints._validate_update_key_data: 400 "Project reassignment is not supported".
    Field('project_id', not_empty=True, since={'update': '1.102.0'},
          fixed='LiteLLM cannot move an existing key into another project (it refuses the update); delete the key '
                '(state=absent) and create it in the project, or clear project_id to take the key out of it'),
    Field('agent_id', not_empty=True),
    Field('end_user_budget_id', not_empty=True, read=_metadata('end_user_budget_id'), since='1.103.0'),
    Field('metadata', 'dict', compare=MERGE),
    Field('tags', 'list', read=_metadata('tags'), not_empty=True),
    Field('config', 'dict'),
    Field('permissions', 'dict'),
    # Stored in a table of its own; clearing sends each list entry empty (LiteLLM ignores an empty object).
    Field('object_permission', 'dict', compare=MERGE_SETS, entries=OBJECT_PERMISSION_ENTRIES,
          normalise=only_entries(*OBJECT_PERMISSION_ENTRIES), clear_with=_empty_object_permission(),
          entries_since={'skills': '1.102.0'}),
    Field('access_group_ids', 'list', not_empty=True),
    Field('model_max_budget', 'dict', check=check_budget_per_model),
    Field('model_rpm_limit', 'dict', read=_metadata('model_rpm_limit'), check=check_whole_numbers_per_model),
    Field('model_tpm_limit', 'dict', read=_metadata('model_tpm_limit'), check=check_whole_numbers_per_model),
    Field('mcp_rpm_limit', 'dict', read=_metadata('mcp_rpm_limit'), check=whole_numbers_per('MCP server')),
    Field('tag_rpm_limit', 'dict', read=_metadata('tag_rpm_limit'), check=whole_numbers_per('tag')),
    Field('default_estimated_output_tokens', 'int', minimum=1, read=_metadata('default_estimated_output_tokens')),
    Field('default_estimated_output_tokens_per_model', 'dict', check=check_positive_numbers_per_model,
          read=_metadata('default_estimated_output_tokens_per_model')),
    Field('enforced_params', 'list', read=_metadata('enforced_params'), not_empty=True),
    Field('router_settings', 'dict', normalise=without_nulls),
    Field('guardrails', 'list', read=_metadata('guardrails'), not_empty=True),
    Field('disable_global_guardrails', 'bool', read=_metadata('disable_global_guardrails')),
    Field('policies', 'list', read=[_metadata('policies'), ('policies',)], not_empty=True),
    Field('prompts', 'list', read=_metadata('prompts'), not_empty=True),
    Field('allowed_routes', 'list', elements='raw'),
    Field('allowed_passthrough_routes', 'list', read=_metadata('allowed_passthrough_routes')),
    Field('denied_passthrough_routes', 'list', read=_metadata('denied_passthrough_routes'), since='1.106.0'),
    Field('allowed_cache_controls', 'list'),
    Field('allowed_vector_store_indexes', 'list', elements='dict', read=_metadata('allowed_vector_store_indexes')),
    Field('enable_prompt_caching', 'bool', read=_metadata('enable_prompt_caching')),
    Field('throttle_on_budget_exceeded', 'bool', read=_metadata('throttle_on_budget_exceeded')),
    # LiteLLM keeps the two only when they come together (_set_key_rotation_fields): an update sends both.
    Field('auto_rotate', 'bool', companions=('rotation_interval',)),
    Field('rotation_interval', duration=True, companions=('auto_rotate',), clearable=False),
    Field('blocked', 'bool'),
    # Only litellm_key takes a chosen secret; litellm_keys takes them through its no_log option chosen_keys.
    Field('key', create_only=True, no_log=True, check=_check_chosen_secret),
], clearing=True)

# The request fields of GenerateKeyRequest / UpdateKeyRequest that are no setting of the module, and why
# (the documentation's notes name each; a unit test holds this to the OpenAPI document).
NOT_MANAGED = {
    'key_alias': 'the identity of the key (the key_alias option), not a setting',
    'spend': 'managed by the proxy, which counts what the key spends; LiteLLM resets it with /key/{key}/reset_spend',
    'send_invite_email': 'an action at creation (it e-mails the user an invitation), not a state of the key',
}

# Fields LiteLLM manages itself; shown in key_info, never compared, never sent.
SERVER_MANAGED = ('token', 'key_name', 'spend', 'expires', 'created_at', 'updated_at', 'created_by',
                  'updated_by', 'budget_reset_at', 'last_active', 'key_type')


def validate_key_alias(alias):
    if alias is None or not str(alias).strip():
        raise InvalidOption('key_alias', 'must be a non-empty string that names the key')
    if alias != alias.strip():
        raise InvalidOption('key_alias', 'must not start or end with white space')
    if len(alias) > KEY_ALIAS_MAX_LENGTH:
        raise InvalidOption('key_alias', 'is %d characters long; LiteLLM allows at most %d'
                            % (len(alias), KEY_ALIAS_MAX_LENGTH))
    if _CONTROL_CHARACTERS.search(alias) or '..' in alias.split('/'):
        raise InvalidOption('key_alias', 'must not contain control characters or a ".." path segment')


def token_of(record):
    """The key's hash from a stored key or a generate/regenerate answer, never a secret.

    Answers name the hash differently (``token``, ``token_id``; regeneration answers ``token: null``), and
    where an answer carries the secret itself, hashing it is the one sure way to the hash.
    """
    for name in ('token', 'token_id', 'key'):
        value = record.get(name)
        if value:
            return value if is_key_hash(value) else hash_key(value)
    return None


def alias_taken(error):
    """True for LiteLLM's refusal to create a second key with an alias."""
    return error.status == 400 and error.param == 'key_alias' and 'already exists' in (error.message or '')


class McpServers(Resource):
    """The MCP servers registered on the proxy, as objects a key's object_permission refers to (by server id)."""

    kind = 'MCP server'

    def exists(self, client, identifier):
        servers = client.list_mcp_servers()
        return any(isinstance(s, dict) and s.get('server_id') == identifier for s in servers or ())

    def missing_reference(self, option, identifier):
        return ('mcp_servers entry %r names no MCP server registered on the proxy (GET /v1/mcp/server), and LiteLLM '
                'would drop it without a word. Give the server_id of a registered server, or register it first.'
                % identifier)


MCP_SERVERS = McpServers()


class KeyResource(Resource):
    kind = 'key'
    identity = ('key_alias',)
    server_id = 'token'
    fields = KEY_FIELDS

    def validate(self, params):
        validate_key_alias(params.get('key_alias'))
        super(KeyResource, self).validate(params)
        if params.get('key_type') not in (None, 'default') and params.get('allowed_routes') is not None:
            # /key/generate replaces the allowed routes of such a key with its preset: declared together, the
            # routes would differ after the create and be updated on the next run.
            raise InvalidOption('allowed_routes', 'cannot be combined with key_type %s, which sets the allowed routes '
                                                  'itself (llm_api: llm_api_routes, management: management_routes, '
                                                  'read_only: info_routes); declare one of the two'
                                % params['key_type'])
        if params.get('auto_rotate') and params.get('rotation_interval') is None:
            raise InvalidOption('rotation_interval', 'is required with auto_rotate: true (LiteLLM ignores auto_rotate '
                                                     'without an interval)')
        if params.get('rotation_interval') is not None and not params.get('auto_rotate'):
            # Said to a task that may well declare auto_rotate: false: the fix is the interval, not the switch. The
            # interval is no choice of clear (LiteLLM keeps it only together with auto_rotate), so leaving it out
            # is the fix: a stored one does nothing while auto_rotate is false.
            raise InvalidOption('rotation_interval', 'applies only with auto_rotate: true (LiteLLM ignores it '
                                                     'otherwise); leave rotation_interval out: with auto_rotate: '
                                                     'false a stored interval has no effect')
        if params.get('budget_id') is not None and params.get('soft_budget') is not None:
            # LiteLLM keeps a key's soft budget in its budget row: with budget_id that row is the shared budget,
            # so setting soft_budget here would change every key that follows it.
            raise InvalidOption('soft_budget', 'cannot be combined with budget_id: the soft budget belongs to the '
                                               'budget that budget_id names; set it there, or leave budget_id out')

    def find(self, client, params):
        """The key whose key_alias is exactly the declared one, or None. One request."""
        alias = params['key_alias']
        answer = client.list_keys(key_alias=alias, page=1, size=100, return_full_object=True)
        matches = [k for k in answer.get('keys') or () if isinstance(k, dict) and k.get('key_alias') == alias]
        if len(matches) > 1:
            raise duplicates_error('key', 'key_alias', alias, [k.get('token') or '?' for k in matches], 'token')
        return matches[0] if matches else None

    def create_request(self, client, params):
        body = {'key_alias': params['key_alias']}
        body.update(self.fields.creation_values(params))
        return client.generate_key(body, return_request=True)

    def update_request(self, client, record, values):
        body = {'key': record['token']}
        body.update(values)
        return client.update_key(body, return_request=True)

    def delete_request(self, client, record):
        return client.delete_keys(keys=[record['token']], return_request=True)

    def references(self, params, record):
        # LiteLLM creates a key for a team that does not exist and then refuses every update of it (404), and
        # answers a missing budget with a bare 500: both are caught before anything is written.
        refs = []
        if params.get('team_id') is not None:
            refs.append(('team_id', TEAM, params['team_id']))
        for option in ('budget_id', 'end_user_budget_id'):
            if params.get(option) is not None:
                refs.append((option, BUDGET, params[option]))
        for server in (params.get('object_permission') or {}).get('mcp_servers') or ():
            refs.append(('object_permission', MCP_SERVERS, server))
        return refs

    def lost_create_race(self, error):
        return alias_taken(error)

    def explain_failure(self, error, request):
        body = request.json if isinstance(request.json, dict) else {}
        if (body.get('permissions') or {}).get('get_spend_routes'):
            error.message += ('. A proxy without a LiteLLM Enterprise license answers so (a bare HTTP 500) when '
                              'permissions sets get_spend_routes, which is an Enterprise feature')
        return error

    def plan_warnings(self, params, record):
        if record is None:
            return []
        warnings = []
        chosen = params.get('key')
        if chosen is not None and record.get('token') != hash_key(chosen) and not params.get('regenerate'):
            warnings.append('the key option differs from the secret of the existing key %r; it is used only when a key '
                            'is created. Use regenerate: true to rotate the key to it.' % params['key_alias'])
        key_type = params.get('key_type')
        if key_type is not None and (record.get('key_type') or 'default') != key_type:
            warnings.append('key_type: the existing key %r is of type %s; LiteLLM sets the type when a key is created '
                            'and cannot change it (delete the key and create it again to change it)'
                            % (params['key_alias'], record.get('key_type') or 'default'))
        return warnings

    def describe(self, record):
        view = self.fields.current(record)
        for name in SERVER_MANAGED:
            view[name] = record.get(name)
        view['key_alias'] = record.get('key_alias')
        view['token'] = token_of(record)
        return view

    def accept_created(self, client, plan, answer):
        """A chosen secret may already be another key's: LiteLLM then creates nothing and answers as if it had.

        LiteLLM inserts keys with "upsert, do nothing if the hash exists" and builds its answer from the request
        (measured on 1.108.7), so only reading the key back tells. Generated secrets are new: no read for them.
        """
        if plan.params.get('key') is None:
            return answer
        stored = client.key_info(token_of(answer)).get('info') or {}
        if stored.get('key_alias') != plan.label:
            raise LiteLLMError(
                'the chosen key (option key) already belongs to the key %r (token %s), so LiteLLM created nothing '
                'for %r. Choose another secret, or leave key out to let LiteLLM generate one.'
                % (stored.get('key_alias'), token_of(answer), plan.label), method='POST')
        return answer

    def recover_created(self, plan, record, error):
        chosen = plan.params.get('key')
        if chosen is not None and record.get('token') == hash_key(chosen):
            answer = copy.deepcopy(record)
            answer['key'] = chosen
            return answer
        plan.record = record
        raise SecretLost(
            'the key %r was created (token %s) but its secret was lost in transit (%s). LiteLLM shows a secret '
            'only once. Rotate it with regenerate: true, or delete it and create it again; to make creation safe '
            'to repeat, choose the secret yourself with the key option.'
            % (plan.label, record.get('token'), error.message), method='POST', status=error.status)

    def create_unknown(self, plan, error, read_error):
        return LiteLLMError(
            'creating the key %r may or may not have happened (%s), and reading it back failed too (%s). Run the '
            'task again: it finds the key by alias and never creates a second one. If the key was created, its '
            'secret was lost in transit (LiteLLM shows a secret only once): rotate it with regenerate: true, or '
            'delete it and create it again; to make creation safe to repeat, choose the secret yourself with the '
            'key option.' % (plan.label, error.message, read_error.message), method='POST', status=read_error.status)


KEY = KeyResource()


def key_reconciler(client, check_mode=False, approved=None):
    return Reconciler(KEY, client, check_mode=check_mode, approved=approved)


def validate_key_task(params):
    """Everything litellm_key can check before it sends anything."""
    KEY.validate(params)
    if params.get('regenerate') and params.get('state') == 'absent':
        raise InvalidOption('regenerate', 'cannot be combined with state: absent')
    if params.get('grace_period') is not None:
        if not params.get('regenerate'):
            raise InvalidOption('grace_period', 'applies only with regenerate: true')
        if not DURATION_PATTERN.match(params['grace_period']):
            raise InvalidOption('grace_period', 'must be a count and a unit (s, m, h, d, w or mo), such as "24h"')


def regenerate_request(client, record, new_key=None, grace_period=None):
    """The unsent rotation of a stored key (to ``new_key`` if given; the old secret valid for ``grace_period``)."""
    body = dict((name, value) for name, value in (('new_key', new_key), ('grace_period', grace_period))
                if value is not None)
    return client.regenerate_key(record['token'], body=body, return_request=True)


def run_key_task(client, params, check_mode):
    """One litellm_key task: read by alias, plan, approve, apply (or record in check mode), rotate if asked."""
    reconciler = key_reconciler(client, check_mode, approved=params.get('approved_plan'))
    alias = params['key_alias']
    chosen = params.get('key')

    def rotation(plan):
        # Rotation is an action, not a state: it always changes an existing key. Planned with the rest, so it is
        # part of the approved plan.
        if not params.get('regenerate') or plan.action in ('create', 'delete', 'absent'):
            return []
        return [regenerate_request(client, plan.record, new_key=chosen, grace_period=params.get('grace_period'))]

    plan, answers, result = run_task(reconciler, params, more_writes=rotation)
    info = KEY.described_after(plan, answers)
    if info is not None:
        result['key_info'] = info
        result['token'] = info['token']
    if plan.action == 'create' and answers and answers[0] is not None and answers[0].get('key'):
        result['key'] = answers[0]['key']

    for request in plan.extra:
        result.update(changed=True, action='regenerate',
                      diff={'before': {'key_alias': alias, 'secret': 'current'},
                            'after': {'key_alias': alias, 'secret': 'rotated'}})
        if check_mode:
            client.record_unsent(request)
            continue
        try:
            rotated = client.send(request)
        except EnterpriseFeatureRequired as exc:
            exc.message = ('regenerate: rotating a key is a LiteLLM Enterprise feature and this proxy refused it: '
                           '%s' % exc.message)
            raise
        result['key'] = rotated.get('key')
        result['token'] = result['key_info']['token'] = token_of(rotated)
    result['requests'] = client.history
    return result


def list_described_keys(client, filters, page_size=100):
    """Every key matching ``filters`` (None values ignored), described without secrets, all pages."""
    filters = dict((k, v) for k, v in filters.items() if v is not None)
    keys = []
    for record in client.iter_keys(page_size=page_size, **filters):
        # The proxy's filters are exact today; checking again keeps that true if a version matches loosely.
        if filters.get('key_alias') is not None and record.get('key_alias') != filters['key_alias']:
            continue
        keys.append(KEY.describe(record))
    return keys


def run_key_info_task(client, params, check_mode):
    """One litellm_key_info task: the keys matching its filters, all pages (the same in check mode)."""
    filters = dict(key_alias=params['key_alias'], key_hash=params['token'], team_id=params['team_id'],
                   user_id=params['user_id'], organization_id=params['organization_id'])
    keys = list_described_keys(client, filters, params['page_size'])
    return {'changed': False, 'virtual_keys': keys, 'requests': client.history}
