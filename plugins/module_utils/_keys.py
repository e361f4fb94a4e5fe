# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read/compare/write engine for LiteLLM virtual keys, shared by the key modules.

The modules only declare options and call :class:`KeyReconciler`. Everything that decides what to send
lives here: which settings a key has and where LiteLLM stores each of them, how they are normalised for
comparison, which fields an update carries, and the before/after diff.

Private to the collection (leading underscore): its API may change between releases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import math
import re

from ansible_collections.llmops.litellm.plugins.module_utils._client import (
    NOT_SAFE_TO_REPEAT,
    SAFE_TO_REPEAT,
    LiteLLMError,
    NotFoundError,
    hash_key,
    is_key_hash,
)

# LiteLLM's duration grammar (litellm_core_utils/duration_parser.py): a count and one unit.
DURATION_PATTERN = re.compile(r'^[1-9][0-9]*(s|m|h|d|w|mo)$')
# LiteLLM refuses control characters and ".." path segments in aliases, and caps them at 255 characters.
KEY_ALIAS_MAX_LENGTH = 255
_CONTROL_CHARACTERS = re.compile(r'[\x00-\x1f\x7f]')


class Setting:
    """One managed key setting: its option type, how it is compared, and where LiteLLM returns it."""

    def __init__(self, name, kind, read_path=None, fallback_path=None, elements=None):
        self.name = name
        self.kind = kind              # str | int | float | bool | set (order-free list) | dict
        self.read_path = read_path or (name,)
        self.fallback_path = fallback_path
        self.elements = elements

    def read(self, record):
        value = _dig(record, self.read_path)
        if value is None and self.fallback_path:
            value = _dig(record, self.fallback_path)
        # LiteLLM returns empty containers and null interchangeably for "not set".
        if value is None and self.kind == 'set':
            return []
        if value is None and self.kind == 'dict':
            return {}
        if value is None and self.kind == 'bool':
            return False
        return value

    def argument_spec(self):
        spec = {'type': {'set': 'list'}.get(self.kind, self.kind)}
        if self.kind == 'set':
            spec['elements'] = self.elements or 'str'
        return spec


# The settings litellm_key manages, in the order they are documented. Where a setting is stored
# somewhere other than a top-level column of the key, read_path says where (LiteLLM 1.108.7,
# key_management_endpoints.py: prepare_metadata_fields / metadata_json_with_limits fold per-model
# limits, tags and guardrails into metadata; soft_budget lives in the linked budget table; the
# organization is the org_id column).
SETTINGS = (
    Setting('models', 'set'),
    Setting('aliases', 'dict'),
    Setting('max_budget', 'float'),
    Setting('soft_budget', 'float', read_path=('litellm_budget_table', 'soft_budget'), fallback_path=('soft_budget',)),
    Setting('budget_duration', 'str'),
    Setting('budget_id', 'str'),
    Setting('tpm_limit', 'int'),
    Setting('rpm_limit', 'int'),
    Setting('max_parallel_requests', 'int'),
    Setting('team_id', 'str'),
    Setting('user_id', 'str'),
    Setting('organization_id', 'str', read_path=('org_id',), fallback_path=('organization_id',)),
    Setting('metadata', 'dict'),
    Setting('tags', 'set', read_path=('metadata', 'tags')),
    Setting('config', 'dict'),
    Setting('permissions', 'dict'),
    Setting('model_max_budget', 'dict'),
    Setting('model_rpm_limit', 'dict', read_path=('metadata', 'model_rpm_limit')),
    Setting('model_tpm_limit', 'dict', read_path=('metadata', 'model_tpm_limit')),
    Setting('guardrails', 'set', read_path=('metadata', 'guardrails')),
    Setting('allowed_routes', 'set', elements='raw'),
    Setting('blocked', 'bool'),
)
SETTINGS_BY_NAME = dict((s.name, s) for s in SETTINGS)

# Applied when a key is created and never compared: LiteLLM keeps `expires`, not `duration`, and keeps
# only the hash of the secret.
CREATION_ONLY = ('duration', 'key')

# Fields LiteLLM manages itself; shown in key_info, never compared, never sent.
SERVER_MANAGED = ('token', 'key_name', 'spend', 'expires', 'created_at', 'updated_at', 'created_by',
                  'updated_by', 'budget_reset_at', 'last_active', 'key_type')


def key_settings_argument_spec():
    """Argument spec of the key settings, shared by every module that declares keys."""
    spec = dict((s.name, s.argument_spec()) for s in SETTINGS)
    spec['duration'] = {'type': 'str'}
    spec['key'] = {'type': 'str', 'no_log': True}
    return spec


class InvalidOption(ValueError):
    """Bad input caught before anything is sent; the message names the option and the fix."""

    def __init__(self, option, message):
        super(InvalidOption, self).__init__('%s: %s' % (option, message))
        self.option = option


class DuplicateAlias(LiteLLMError):
    pass


class SecretLost(LiteLLMError):
    pass


def alias_taken(error):
    """True for LiteLLM's refusal to create a second key with an alias."""
    return error.status == 400 and error.param == 'key_alias' and 'already exists' in (error.message or '')


# -- normalisation and comparison ------------------------------------------------------------------------

def canonical(value):
    """A comparable form: numbers as floats (1 == 1.0), mappings with string keys, recursively."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dict):
        return dict((str(k), canonical(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    return value


def canonical_set(values):
    """Order-free lists compare as sets; duplicates mean nothing to LiteLLM either."""
    items = dict((json.dumps(canonical(v), sort_keys=True), canonical(v)) for v in values or ())
    return [items[k] for k in sorted(items)]


def canonical_set_display(values):
    """An order-free list sorted for display, values as given (not coerced to floats)."""
    unique = dict((json.dumps(canonical(v), sort_keys=True), v) for v in values or ())
    return [unique[k] for k in sorted(unique)]


def same(setting, desired, current):
    if setting.kind == 'set':
        return canonical_set(desired) == canonical_set(current)
    if setting.name == 'metadata':
        # Only the entries the user declares are managed; null means "must be absent".
        current = current or {}
        for name, value in desired.items():
            if value is None:
                if current.get(name) is not None:
                    return False
            elif canonical(current.get(name)) != canonical(value):
                return False
        return True
    return canonical(desired) == canonical(current)


def merged_metadata(desired, current):
    merged = dict(current or {})
    for name, value in desired.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    return merged


def current_settings(record):
    """The managed settings of a key as LiteLLM returns them (defaults for unset containers)."""
    return dict((s.name, s.read(record)) for s in SETTINGS)


def describe_key(record):
    """A key's settings and server-managed facts, never its secret. Used for key_info / keys returns."""
    view = current_settings(record)
    for name in SERVER_MANAGED:
        view[name] = record.get(name)
    view['key_alias'] = record.get('key_alias')
    view['token'] = token_of(record)
    return view


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


def described_after(plan, params, answer=None):
    """key_info once ``plan`` is applied: the stored key (or the answer to create) with the declared settings."""
    if plan.action == 'create':
        if answer is None:
            return None
        info = describe_key(answer)
    else:
        info = describe_key(plan.record)
    info.update(desired_settings(params))
    if plan.record is not None and 'metadata' in plan.changed_settings:
        info['metadata'] = merged_metadata(params['metadata'], plan.record.get('metadata'))
    return info


# -- input validation ----------------------------------------------------------------------------------

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


def _non_finite_number(value):
    """True if ``value`` holds infinity or NaN anywhere: JSON cannot carry them."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_non_finite_number(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_non_finite_number(v) for v in value)
    return False


def validate_settings(params):
    """Check the key settings in ``params`` (an options dict); raise InvalidOption on the first problem."""
    for setting in SETTINGS:
        if _non_finite_number(params.get(setting.name)):
            raise InvalidOption(setting.name, 'must hold finite numbers only (not inf or nan)')
    if params.get('budget_id') is not None and params.get('soft_budget') is not None:
        # LiteLLM keeps a key's soft budget in its budget row: with budget_id that row is the shared budget,
        # so setting soft_budget here would change every key that follows it.
        raise InvalidOption('soft_budget', 'cannot be combined with budget_id: the soft budget belongs to the '
                                           'budget that budget_id names; set it there, or leave budget_id out')
    for name in ('max_budget', 'soft_budget', 'tpm_limit', 'rpm_limit', 'max_parallel_requests'):
        value = params.get(name)
        if value is not None and value < 0:
            raise InvalidOption(name, 'must be zero or more, got %s' % value)
    for name in ('duration', 'budget_duration'):
        value = params.get(name)
        if value is not None and not DURATION_PATTERN.match(value):
            raise InvalidOption(name, 'must be a count and a unit (s, m, h, d, w or mo), such as "30d" or "12h"; '
                                      'got %r' % value)
    for name in ('model_rpm_limit', 'model_tpm_limit'):
        for model, limit in (params.get(name) or {}).items():
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
                raise InvalidOption(name, 'the limit for model %r must be a whole number, zero or more; got %r'
                                    % (model, limit))
    for model, budget in (params.get('model_max_budget') or {}).items():
        if isinstance(budget, dict):
            budget = budget.get('budget_limit')
        if isinstance(budget, bool) or not isinstance(budget, (int, float)) or budget < 0:
            raise InvalidOption('model_max_budget', 'the budget for model %r must be a number, zero or more, or '
                                                    '{budget_limit: N, time_period: "30d"}' % model)
    for name in ('models', 'tags', 'guardrails'):
        for item in params.get(name) or ():
            if not str(item).strip():
                raise InvalidOption(name, 'must not contain empty names')
    for name in ('team_id', 'user_id', 'organization_id', 'budget_id'):
        value = params.get(name)
        if value is not None and not value.strip():
            raise InvalidOption(name, 'must not be empty; leave it out to not manage it')
    secret = params.get('key')
    if secret is not None and (not secret.startswith('sk-') or len(secret) < 16):
        # Never echo the value: it is a secret even when it is a bad one.
        raise InvalidOption('key', 'a caller-chosen key must start with "sk-" and be at least 16 characters long')


def validate_key_options(params):
    """Everything litellm_key can check before it sends anything."""
    validate_key_alias(params['key_alias'])
    validate_settings(params)
    if params.get('regenerate') and params.get('state') == 'absent':
        raise InvalidOption('regenerate', 'cannot be combined with state: absent')
    if params.get('grace_period') is not None:
        if not params.get('regenerate'):
            raise InvalidOption('grace_period', 'applies only with regenerate: true')
        if not DURATION_PATTERN.match(params['grace_period']):
            raise InvalidOption('grace_period', 'must be a count and a unit (s, m, h, d, w or mo), such as "24h"')


def desired_settings(params):
    """The managed settings the user set (None means not managed)."""
    return dict((s.name, params[s.name]) for s in SETTINGS if params.get(s.name) is not None)


# -- planning and applying -------------------------------------------------------------------------------

class KeyPlan:
    """What one key needs: an action, the unsent request that does it, and the diff it makes."""

    def __init__(self, alias, action, record=None, request=None, policy=SAFE_TO_REPEAT, diff=None,
                 changed_settings=(), spec=None):
        self.alias = alias
        self.action = action          # create | update | delete | unchanged | absent
        self.record = record
        self.request = request
        self.policy = policy
        self.diff = diff or {'before': {}, 'after': {}}
        self.changed_settings = list(changed_settings)
        self.spec = spec or {}

    @property
    def changed(self):
        return self.action in ('create', 'update', 'delete')

    @property
    def token(self):
        return (self.record or {}).get('token')


class KeyReconciler:
    """Read a key by alias, compare it with the desired settings, and write only the difference.

    In check mode the writes are built as unsent requests and recorded, never sent.
    """

    def __init__(self, client, check_mode=False):
        self.client = client
        self.check_mode = check_mode

    # reads

    def find(self, alias):
        """The key whose key_alias is exactly ``alias``, or None. One request."""
        answer = self.client.list_keys(key_alias=alias, page=1, size=100, return_full_object=True)
        matches = [k for k in answer.get('keys') or () if isinstance(k, dict) and k.get('key_alias') == alias]
        if len(matches) > 1:
            tokens = ', '.join(sorted(k.get('token') or '?' for k in matches))
            raise DuplicateAlias(
                '%d keys share key_alias %r (tokens: %s); litellm_key cannot tell which one to manage. Delete '
                'the extra keys by token and run again. Nothing was changed.' % (len(matches), alias, tokens))
        return matches[0] if matches else None

    # planning

    def plan(self, alias, state, params, record):
        """Decide what ``alias`` needs. ``params`` holds the module options (None = not managed)."""
        desired = desired_settings(params)
        if state == 'absent':
            if record is None:
                return KeyPlan(alias, 'absent', diff=_diff_states(alias, None, None))
            request = self.client.delete_keys(keys=[record['token']], return_request=True)
            before = _present_view(alias, describe_key(record), None)
            return KeyPlan(alias, 'delete', record=record, request=request, diff=_diff_states(alias, before, None))

        if record is None:
            body = {'key_alias': alias}
            body.update(desired)
            if 'metadata' in body:
                body['metadata'] = merged_metadata(desired['metadata'], {})
            for name in CREATION_ONLY:
                if params.get(name) is not None:
                    body[name] = params[name]
            request = self.client.generate_key(body, return_request=True)
            after = dict((k, v) for k, v in body.items() if k != 'key')
            return KeyPlan(alias, 'create', request=request, policy=NOT_SAFE_TO_REPEAT, spec=params,
                           diff=_diff_states(alias, None, _present_view(alias, after, None)))

        current = current_settings(record)
        changed = [name for name, value in desired.items() if not same(SETTINGS_BY_NAME[name], value, current[name])]
        before = dict((name, current[name]) for name in changed)
        after = dict((name, desired[name]) for name in changed)
        if 'metadata' in changed:
            # /key/update replaces metadata wholesale: send the stored entries too, so unmanaged ones survive.
            after['metadata'] = merged_metadata(desired['metadata'], record.get('metadata'))
        if not changed:
            view = dict((name, current[name]) for name in desired)
            return KeyPlan(alias, 'unchanged', record=record,
                           diff=_diff_states(alias, _present_view(alias, view, record), _present_view(alias, view, record)))
        body = {'key': record['token']}
        body.update(after)
        request = self.client.update_key(body, return_request=True)
        return KeyPlan(alias, 'update', record=record, request=request, changed_settings=changed,
                       diff=_diff_states(alias, _present_view(alias, before, record), _present_view(alias, after, record)))

    def plan_regenerate(self, record, new_key=None, grace_period=None):
        body = {}
        if new_key is not None:
            body['new_key'] = new_key
        if grace_period is not None:
            body['grace_period'] = grace_period
        return self.client.regenerate_key(record['token'], body=body, return_request=True)

    # applying

    def apply(self, plan):
        """Send (or, in check mode, record) the plan's write. Returns the decoded answer or None."""
        if plan.request is None:
            return None
        if self.check_mode:
            self.client.record_unsent(plan.request)
            return None
        if plan.action == 'create':
            return self._create(plan)
        try:
            return self.client.send(plan.request, policy=plan.policy)
        except NotFoundError:
            if plan.action == 'delete':
                # Gone already: deleted between our read and our write, or by an earlier attempt of
                # this very request whose answer was lost. Either way the desired state holds.
                return None
            raise

    def _create(self, plan):
        """POST /key/generate at most once per key: an ambiguous failure is resolved by reading again."""
        for _attempt in range(self.client.retries + 1):
            try:
                answer = self.client.send(plan.request, policy=NOT_SAFE_TO_REPEAT)
            except LiteLLMError as exc:
                if not exc.ambiguous:
                    raise
                error = exc
            else:
                if answer.get('key_alias') not in (None, plan.alias):
                    # LiteLLM inserts keys with "upsert, do nothing if the hash exists": a chosen secret that
                    # already belongs to another key answers with that key, and nothing was created.
                    raise LiteLLMError(
                        'the chosen key (option key) already belongs to the key %r (token %s), so LiteLLM created '
                        'nothing for %r. Choose another secret, or leave key out to let LiteLLM generate one.'
                        % (answer.get('key_alias'), token_of(answer), plan.alias), method='POST')
                return answer
            # The proxy may or may not have created the key. Ask it before sending anything again:
            # retrying blindly could leave two keys with one alias.
            try:
                record = self.find(plan.alias)
            except LiteLLMError as read_error:
                raise LiteLLMError(
                    'creating the key %r may or may not have happened (%s), and reading it back failed too (%s). '
                    'Run the task again: it finds the key by alias and never creates a second one. If the key was '
                    'created, its secret was lost in transit (LiteLLM shows a secret only once): rotate it with '
                    'regenerate: true, or delete it and create it again; to make creation safe to repeat, choose '
                    'the secret yourself with the key option.'
                    % (plan.alias, error.message, read_error.message), method='POST', status=read_error.status)
            if record is None:
                continue
            chosen = plan.spec.get('key')
            if chosen is not None and record.get('token') == hash_key(chosen):
                answer = copy.deepcopy(record)
                answer['key'] = chosen
                return answer
            plan.record = record
            raise SecretLost(
                'the key %r was created (token %s) but its secret was lost in transit (%s). LiteLLM shows a '
                'secret only once. Rotate it with regenerate: true, or delete it and create it again; to make '
                'creation safe to repeat, choose the secret yourself with the key option.'
                % (plan.alias, record.get('token'), error.message), method='POST', status=error.status)
        raise error


def _dig(record, path):
    value = record
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _present_view(alias, settings, record):
    view = {'key_alias': alias, 'state': 'present'}
    for name, value in settings.items():
        setting = SETTINGS_BY_NAME.get(name)
        # Order-free lists are shown sorted on both sides, so a diff shows only what was added or removed.
        view[name] = canonical_set_display(value) if setting is not None and setting.kind == 'set' else value
    if record is not None and record.get('token'):
        view['token'] = record['token']
    return view


def _diff_states(alias, before, after):
    absent = {'key_alias': alias, 'state': 'absent'}
    return {'before': before or absent, 'after': after or absent}


def run_key_task(reconciler, params):
    """One litellm_key task: read by alias, plan, apply (or record in check mode), and build the result."""
    alias = params['key_alias']
    state = params.get('state') or 'present'
    regenerate = params.get('regenerate')

    client = reconciler.client
    record = reconciler.find(alias)
    plan = reconciler.plan(alias, state, params, record)
    result = {'changed': plan.changed, 'action': plan.action, 'changed_settings': plan.changed_settings,
              'diff': plan.diff, 'warnings': []}

    chosen = params.get('key')
    if record is not None and chosen is not None and record.get('token') != hash_key(chosen) and not regenerate:
        result['warnings'].append(
            'the key option differs from the secret of the existing key %r; it is used only when a key is created. '
            'Use regenerate: true to rotate the key to it.' % alias)

    try:
        answer = reconciler.apply(plan)
    except LiteLLMError as exc:
        # Another run created this alias between our read and our create (parallel CI jobs declaring one
        # key): plan again against the key that won, as a re-run would, instead of failing.
        record = reconciler.find(alias) if plan.action == 'create' and alias_taken(exc) else None
        if record is None:
            raise
        plan = reconciler.plan(alias, state, params, record)
        answer = reconciler.apply(plan)
        result.update(changed=plan.changed, action=plan.action, changed_settings=plan.changed_settings,
                      diff=plan.diff)

    if plan.action == 'delete' or plan.action == 'absent':
        result['requests'] = client.history
        return result

    info = described_after(plan, params, answer)
    if info is not None:
        result['key_info'] = info
        result['token'] = info['token']
    if plan.action == 'create' and answer is not None:
        result['key'] = answer.get('key')

    if regenerate and plan.action != 'create':
        # Rotation is an action, not a state: it always changes the key.
        request = reconciler.plan_regenerate(plan.record, new_key=chosen, grace_period=params.get('grace_period'))
        result['changed'] = True
        result['action'] = 'regenerate'
        result['diff'] = {'before': {'key_alias': alias, 'secret': 'current'},
                          'after': {'key_alias': alias, 'secret': 'rotated'}}
        if reconciler.check_mode:
            client.record_unsent(request)
        else:
            try:
                rotated = client.send(request, policy=NOT_SAFE_TO_REPEAT)
            except LiteLLMError as exc:
                if exc.enterprise_feature or exc.status == 403:
                    exc.message = ('rotating a key (regenerate: true) is a LiteLLM Enterprise feature and this '
                                   'proxy refused it: %s' % exc.message)
                raise
            result['key'] = rotated.get('key')
            result['token'] = result['key_info']['token'] = token_of(rotated)
    result['requests'] = client.history
    if result.get('key') is None:
        result.pop('key', None)
    return result


def list_described_keys(client, filters, page_size=100):
    """Every key matching ``filters`` (None values ignored), described without secrets, all pages."""
    filters = dict((k, v) for k, v in filters.items() if v is not None)
    keys = []
    for record in client.iter_keys(page_size=page_size, **filters):
        # The proxy's filters are exact today; checking again keeps that true if a version matches loosely.
        if filters.get('key_alias') is not None and record.get('key_alias') != filters['key_alias']:
            continue
        keys.append(describe_key(record))
    return keys
