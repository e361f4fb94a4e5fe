# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reconcile a whole set of keys in one task, with the same engine as one key.

The set's scope is read once (paginated), every declared key is planned by the key ``Reconciler``, and only
the differences are written. Private to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.llmops.litellm.plugins.module_utils._errors import (
    EnterpriseFeatureRequired,
    InvalidOption,
    LiteLLMError,
    ReleaseTooOld,
)
from ansible_collections.llmops.litellm.plugins.module_utils._keys import KEY, key_reconciler

# LiteLLM's /key/delete takes a list; this many per request keeps one failure from hiding many keys.
DELETE_BATCH = 100


def key_item_options():
    """Options of one item of ``keys``: litellm_key's settings, less what only makes sense for one key."""
    spec = KEY.argument_spec(exclude=('key',))
    # Caller-chosen secrets come through the no_log option chosen_keys, never inside the (logged) list.
    spec['key_alias'] = {'type': 'str', 'required': True, 'no_log': False}
    spec['state'] = {'type': 'str', 'default': 'present', 'choices': ['present', 'absent']}
    return spec


def validate_key_specs(items, scope, chosen_keys):
    """Check every declared key before anything is sent; return them as key task options.

    ``items`` are already parsed against key_item_options() (by AnsibleModule, or the action plugin).
    """
    specs = []
    seen = set()
    for index, item in enumerate(items):
        where = 'keys[%d]' % index
        spec = dict(item)
        alias = spec['key_alias']
        spec['key'] = chosen_keys.get(alias)
        try:
            KEY.validate(spec)
        except InvalidOption as exc:
            raise exc.within(where)
        if alias in seen:
            raise InvalidOption(where, 'key_alias %r is declared twice' % alias)
        seen.add(alias)
        for field in ('team_id', 'user_id'):
            if scope.get(field) is not None:
                if spec.get(field) is None:
                    spec[field] = scope[field]
                elif spec[field] != scope[field]:
                    raise InvalidOption('%s.%s' % (where, field), 'is %r but the set is scoped to %s %r'
                                        % (spec[field], field, scope[field]))
        prefix = scope.get('alias_prefix')
        if prefix and not alias.startswith(prefix):
            raise InvalidOption(where, 'key_alias %r is outside the set scoped to alias_prefix %r' % (alias, prefix))
        specs.append(spec)
    unknown = set(chosen_keys) - seen
    if unknown:
        raise InvalidOption('chosen_keys', 'names aliases that keys does not declare: %s' % ', '.join(sorted(unknown)))
    return specs


def read_scope(client, scope, page_size=100):
    """Every key in the scope, grouped by alias. One request per page."""
    filters = dict((k, scope[k]) for k in ('team_id', 'user_id') if scope.get(k) is not None)
    prefix = scope.get('alias_prefix')
    by_alias = {}
    for record in client.iter_keys(page_size=page_size, **filters):
        alias = record.get('key_alias')
        if prefix and not (alias or '').startswith(prefix):
            continue
        by_alias.setdefault(alias, []).append(record)
    return by_alias


def _scope(params):
    return dict((k, params.get(k)) for k in ('team_id', 'user_id', 'alias_prefix'))


def validate_key_set_task(params):
    if not 1 <= params['page_size'] <= 100:
        raise InvalidOption('page_size', 'must be between 1 and 100 (LiteLLM serves at most 100 keys per page)')
    if params.get('exclusive') and not any(_scope(params).values()):
        raise InvalidOption('exclusive', 'needs a scope the set owns: team_id, user_id or alias_prefix; without '
                                         'one it would delete every other key on the proxy')
    validate_key_specs(params.get('keys') or [], _scope(params), params.get('chosen_keys') or {})


def run_key_set_task(client, params, check_mode):
    """One litellm_keys task: plan every key, approve the whole plan, then apply it key by key.

    Fails (``failed: true``) at the end if any key failed, with every outcome.
    """
    reconciler = key_reconciler(client, check_mode, approved=params.get('approved_plan'))
    scope = _scope(params)
    specs = validate_key_specs(params.get('keys') or [], scope, params.get('chosen_keys') or {})
    existing = read_scope(client, scope, params.get('page_size') or 100)

    # Plan everything first: one digest covers the whole set, and nothing is written before it is approved.
    steps = []          # (plan, None) to apply, or (None, outcome) already decided (a failure)
    declared = set()
    deletions = []
    for spec in specs:
        alias = spec['key_alias']
        declared.add(alias)
        records = existing.get(alias) or []
        if len(records) > 1:
            steps.append((None, _failure(alias, 'present', '%d keys share this alias (tokens: %s); delete the extras'
                                         % (len(records), ', '.join(sorted(r.get('token') or '?' for r in records))))))
            continue
        plan = reconciler.plan(spec, records[0] if records else None)
        if plan.action == 'delete':
            deletions.append(plan)
            continue
        try:
            reconciler.check_references(plan)
            # The license and the release are read once for the whole set, and only if some key plans a write
            # that depends on them.
            reconciler.check_proxy(plan, plan.requests)
        except (InvalidOption, EnterpriseFeatureRequired, ReleaseTooOld) as exc:
            steps.append((None, _failure(alias, plan.action, str(exc))))
            continue
        steps.append((plan, None))
    if params.get('exclusive'):
        # Keys made outside Ansible may have no alias (None); they are in the scope all the same.
        for alias in sorted((a for a in existing if a not in declared), key=lambda a: (a is not None, a or '')):
            for record in existing[alias]:
                deletions.append(reconciler.plan({'key_alias': alias, 'state': 'absent'}, record))
    batches = [(batch, client.delete_keys(keys=[p.server_id for p in batch], return_request=True))
               for batch in (deletions[start:start + DELETE_BATCH] for start in range(0, len(deletions), DELETE_BATCH))]
    approved = reconciler.approve([r for plan, _failed in steps if plan is not None for r in plan.requests]
                                  + [request for _batch, request in batches])

    outcomes = []
    secrets = {}
    diff = {'before': {}, 'after': {}}
    for plan, decided in steps:
        outcomes.append(decided if plan is None else _apply_one(reconciler, plan, secrets, diff))
    outcomes.extend(_delete_all(reconciler, batches, diff))

    failed = [o for o in outcomes if o.get('failed')]
    counts = {}
    for outcome in outcomes:
        counts[outcome['action']] = counts.get(outcome['action'], 0) + 1
    result = {
        'changed': any(o['changed'] for o in outcomes),
        'results': outcomes,
        'summary': counts,
        'secrets': secrets,
        'diff': diff,
        'requests': client.history,
        'warnings': list(reconciler.warnings),
        'plan_digest': approved['digest'],
        'plan': approved,
    }
    if failed:
        names = ', '.join('%s (%s)' % (o['key_alias'], o['msg']) for o in failed)
        result.update(failed=True, msg='%d of %d keys failed: %s' % (len(failed), len(outcomes), names))
    return result


def _apply_one(reconciler, plan, secrets, diff):
    alias = plan.label
    outcome = {'key_alias': alias, 'action': plan.action, 'changed': plan.changed,
               'changed_settings': plan.changed_settings, 'token': plan.server_id}
    try:
        answers = reconciler.apply(plan)
    except (InvalidOption, LiteLLMError) as exc:
        return _failure(alias, plan.action, str(exc))

    if plan.changed:
        diff['before'][alias] = plan.diff['before']
        diff['after'][alias] = plan.diff['after']
    created = answers[0] if plan.action == 'create' and answers else None
    if created is not None and created.get('key') and plan.params.get('key') is None:
        secrets[alias] = created['key']
    # Unchanged keys stay out of the result: at 1000 keys their descriptions are most of the output, and
    # litellm_key_info is the way to list keys.
    if plan.changed:
        outcome['key_info'] = KEY.described_after(plan, answers)
        if outcome['key_info'] is not None:
            outcome['token'] = outcome['key_info']['token']
    return outcome


def _delete_all(reconciler, batches, diff):
    """Send each batch delete; a failed batch is retried key by key so each failure is named."""
    outcomes = []
    for batch, request in batches:
        try:
            _send_delete(reconciler, request)
            done = [(p, None) for p in batch]
        except LiteLLMError:
            done = []
            for plan in batch:
                try:
                    _send_delete(reconciler, plan.requests[0])
                    done.append((plan, None))
                except LiteLLMError as exc:
                    done.append((plan, exc))
        for plan, error in done:
            if error is not None:
                outcomes.append(_failure(plan.label, 'delete', error.message))
                continue
            label = plan.label if plan.label is not None else 'token:%s' % plan.server_id
            diff['before'][label] = plan.diff['before']
            diff['after'][label] = plan.diff['after']
            outcomes.append({'key_alias': plan.label, 'action': 'delete', 'changed': True, 'changed_settings': [],
                             'token': plan.server_id})
    return outcomes


def _send_delete(reconciler, request):
    if reconciler.check_mode:
        reconciler.client.record_unsent(request)
        return
    try:
        reconciler.client.send(request)
    except LiteLLMError as exc:
        # LiteLLM answers "No keys found" when every key of the request is already gone: the goal holds.
        if exc.status == 404:
            return
        raise


def _failure(alias, action, message):
    return {'key_alias': alias, 'action': action, 'changed': False, 'failed': True, 'msg': message,
            'changed_settings': []}
