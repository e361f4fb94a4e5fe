# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One reconcile path for every LiteLLM object: find, plan, then apply or record.

A resource (``Resource`` subclass: key, team, user, budget) says how its object is found, which requests
create, update and delete it, and what its settings are (a ``FieldTable``). The ``Reconciler`` does the rest
the same way for all of them:

- ``find`` reads the object by what identifies it;
- ``plan`` compares the declared settings with the stored ones and returns a ``Plan``: an action, a list of
  *unsent* requests (each knows its retry policy and whether it writes) and the before/after diff;
- ``apply`` is the one place that decides to send them, or, in check mode, to record them unsent.

Private to the collection (leading underscore): its API may change between releases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.llmops.litellm.plugins.module_utils._approval import check_approved, plan_of
from ansible_collections.llmops.litellm.plugins.module_utils._enterprise import LEAVE_OUT, check_license, enterprise_writes
from ansible_collections.llmops.litellm.plugins.module_utils._releases import check_release
from ansible_collections.llmops.litellm.plugins.module_utils._errors import (
    DuplicateIdentity,
    EnterpriseFeatureRequired,
    InvalidOption,
    LiteLLMError,
    MissingReference,
    NotFoundError,
    ServerError,
)
from ansible_collections.llmops.litellm.plugins.module_utils._fields import (
    UPDATE_SECRETS,
    FieldTable,
    update_secrets_option,
)

CHANGING_ACTIONS = ('create', 'update', 'delete')


class Resource:
    """What the engine needs to know about one kind of LiteLLM object. Subclasses fill it in."""

    kind = None                 # the object's name in messages: "key", "team"
    identity = ()               # the options that identify the object, most specific first
    server_id = None            # the field of a stored object that the proxy identifies it by
    fields = FieldTable(())     # the settings

    # -- identity --------------------------------------------------------------------------------------

    def label(self, params):
        """What a message or a diff calls the object the task declares."""
        for name in self.identity:
            if params.get(name) is not None:
                return params[name]
        return None

    def identity_view(self, params, record):
        """The identifying fields of a diff entry."""
        view = dict((name, params.get(name)) for name in self.identity if params.get(name) is not None)
        if record is not None and record.get(self.server_id) is not None:
            view[self.server_id] = record[self.server_id]
        return view

    # -- options ---------------------------------------------------------------------------------------

    def argument_spec(self, exclude=()):
        spec = self.fields.argument_spec(exclude)
        if self.fields.clearable and 'clear' not in exclude:
            spec['clear'] = {'type': 'list', 'elements': 'str', 'choices': self.fields.clearable}
        if self.fields.write_only and UPDATE_SECRETS not in exclude:
            spec[UPDATE_SECRETS] = update_secrets_option()
        return spec

    def validate(self, params):
        """Raise InvalidOption for bad input; nothing has been sent yet."""
        self.fields.validate(params)

    # -- requests (subclasses) -------------------------------------------------------------------------

    def find(self, client, params):
        """The stored object the task declares, or None. Raise DuplicateIdentity if that is ambiguous."""
        raise NotImplementedError

    def create_request(self, client, params):
        raise NotImplementedError

    def update_request(self, client, record, values):
        raise NotImplementedError

    def delete_request(self, client, record):
        raise NotImplementedError

    def related_requests(self, client, params, record):
        """Writes beyond the object's own update (team members); returns (requests, before, after)."""
        return [], {}, {}

    def references(self, params, record):
        """The (option, resource, id) of objects that must exist before this object is written."""
        return []

    def exists(self, client, identifier):
        """Whether an object of this kind with this id exists (for resources other objects refer to)."""
        raise NotImplementedError

    def missing_reference(self, option, identifier):
        return ('%s %r does not exist on the proxy. Create it first (an earlier task, or LiteLLM\'s API), or '
                'leave %s out.' % (self.kind, identifier, option))

    def lost_create_race(self, error):
        """True if ``error`` says another run created the object between our read and our create."""
        return False

    def explain_failure(self, error, request):
        """The proxy failed on ``request``: add what is known to cause that answer (LiteLLM's bare 500s)."""
        return error

    def plan_warnings(self, params, record):
        """What the task should know about an existing object that no update can change."""
        return []

    def update_only_reason(self, option):
        return ('applies to an existing %s only: LiteLLM creates a %s without it. Create the %s first, then declare '
                '%s.' % (self.kind, self.kind, self.kind, option))

    # -- views -----------------------------------------------------------------------------------------

    def describe(self, record):
        """The object's settings and server-managed facts, never a secret."""
        view = self.fields.view(record)
        view.update(self.identity_view({}, record))
        return view

    def described_after(self, plan, answers):
        """The object's view once ``plan`` is applied (None where it is gone or was never created)."""
        if plan.action in ('delete', 'absent'):
            return None
        if plan.action == 'create':
            answer = answers[0] if answers else None
            if answer is None:
                return None
            info = self.describe(answer)
        else:
            info = self.describe(plan.record)
        stored = dict(info)
        info.update(self.fields.desired(plan.params))
        info.update(plan.sent_values)
        for field in self.fields:
            if field.server_merges and field.name in info:
                # The proxy merged what was declared into what it had.
                info[field.name] = dict(stored.get(field.name) or {}, **(info[field.name] or {}))
        info.update((name, self.fields[name].read({})) for name in plan.cleared)
        if plan.action != 'create':
            # After a create the answer tells what the related writes made (LiteLLM may add to them).
            info.update(plan.related_after)
        # The secrets the task declared are never shown.
        return self.fields.shown(info)

    # -- creation --------------------------------------------------------------------------------------

    def accept_created(self, client, plan, answer):
        """Check the answer to a create; return it (or what stands for it)."""
        return answer

    def recover_created(self, plan, record, error):
        """The create's answer was lost but the object exists: return what stands for the answer."""
        return record

    def create_unknown(self, plan, error, read_error):
        return LiteLLMError(
            'creating the %s %r may or may not have happened (%s), and reading it back failed too (%s). Run the '
            'task again: it finds the %s and does not create a second one.'
            % (self.kind, plan.label, error.message, read_error.message, self.kind),
            method='POST', status=read_error.status)


class Plan:
    """What one object needs: an action, the unsent requests that do it, and the diff they make."""

    def __init__(self, resource, params, action, record=None, requests=(), changed_settings=(), diff=None,
                 sent_values=None, related_after=None, cleared=()):
        self.resource = resource
        self.params = params
        self.label = resource.label(params)
        self.action = action                  # create | update | delete | unchanged | absent
        self.record = record
        self.requests = list(requests)
        self.changed_settings = list(changed_settings)
        self.diff = diff
        self.sent_values = sent_values or {}  # what the update carries per setting (merged mappings)
        self.related_after = related_after or {}  # what the related writes leave (a team's members)
        self.cleared = list(cleared)              # the settings the update clears
        self.extra = []                           # writes the task sends after the plan's own (run_task)

    @property
    def changed(self):
        return self.action in CHANGING_ACTIONS

    @property
    def writes(self):
        return [r for r in self.requests if r.writes]

    @property
    def server_id(self):
        return (self.record or {}).get(self.resource.server_id)


class Reconciler:
    """Find, plan and apply one resource's objects; in check mode the writes are recorded, never sent."""

    def __init__(self, resource, client, check_mode=False, approved=None):
        self.resource = resource
        self.client = client
        self.check_mode = check_mode
        # The plan (or its digest) the task was approved with: nothing is written unless the plan is the same.
        self.approved = approved
        self.warnings = []
        # Objects found to exist (or not) during this task, so a reference is read once per task.
        self._known = {}
        # Settings this proxy refused as Enterprise features during this task, with the refusal: a set of
        # objects does not send them again to hear the same answer.
        self._refused = {}

    def find(self, params):
        return self.resource.find(self.client, params)

    # planning

    def _guard_secrets(self, params, requests):
        """The declared secrets of write-only settings: masked in every message of the client, marked on the
        requests that carry them (masked where reported, hashed in the plan)."""
        fields = self.resource.fields
        if not fields.write_only:
            return requests
        for secret in fields.secret_values(params):
            self.client.redactor.add(secret)
        for request in requests:
            body = request.json if isinstance(request.json, dict) else None
            if body is not None:
                request.secret_paths = fields.secret_paths(body)
        return requests

    def plan(self, params, record):
        """Decide what the object ``params`` declares needs, given the stored ``record`` (or None)."""
        resource = self.resource
        fields = resource.fields
        label_view = resource.identity_view(params, record)
        # An object that is absent has no server id to show.
        absent_view = resource.identity_view(params, None)
        if params.get('state') == 'absent':
            if record is None:
                return Plan(resource, params, 'absent', diff=_diff(absent_view, None, None))
            before = _present(label_view, fields.display(_without_identity(resource.describe(record), label_view)))
            return Plan(resource, params, 'delete', record, [resource.delete_request(self.client, record)],
                        diff=_diff(absent_view, before, None))

        if record is None:
            for field in fields:
                if field.update_only and params.get(field.name) is not None:
                    raise InvalidOption(field.name, resource.update_only_reason(field.name))
            values = fields.creation_values(params)
            requests = self._guard_secrets(params, [resource.create_request(self.client, params)])
            related, _before, related_after = resource.related_requests(self.client, params, None)
            # A secret is never shown; a write-only mapping shows what is not secret in it.
            shown = dict((name, value) for name, value in values.items()
                         if not fields[name].no_log or fields[name].write_only)
            shown.update(related_after)
            return Plan(resource, params, 'create', None, requests + related, related_after=related_after,
                        diff=_diff(absent_view, None, _present(label_view, fields.display(shown))))

        for warning in resource.plan_warnings(params, record):
            if warning not in self.warnings:
                self.warnings.append(warning)
        desired = fields.desired(params)
        current = fields.current(record)
        changed = fields.differing(desired, current)
        # Secrets cannot be compared: update_secrets: always sends the declared ones again (reported as changed).
        resent = fields.declared_secrets(params) if params.get(UPDATE_SECRETS) == 'always' else []
        changed.extend(name for name in resent if name not in changed)
        cleared = fields.cleared(params.get('clear'), current)
        requests = []
        sent = dict((name, fields[name].to_send(desired[name], record, resend_secrets=name in resent))
                    if fields[name].server_merges else (name, fields[name].to_send(desired[name], record))
                    for name in changed)
        fields.clearing_values(cleared, record, sent)
        fields.with_companions(sent, desired, record)
        if sent:
            requests.append(resource.update_request(self.client, record, sent))
            self._guard_secrets(params, requests)
        related, related_before, related_after = resource.related_requests(self.client, params, record)
        requests.extend(related)
        changed_settings = changed + cleared + sorted(related_before)
        if not requests:
            shown = dict((name, current[name]) for name in list(desired) + list(params.get('clear') or ()))
            view = _present(label_view, fields.display(shown))
            return Plan(resource, params, 'unchanged', record, diff=_diff(absent_view, view, dict(view)))
        before = dict((name, current[name]) for name in changed + cleared)
        before.update(related_before)
        after = dict((name, dict(current[name] or {}, **sent[name]) if fields[name].server_merges else sent[name])
                     for name in changed)
        after.update((name, fields[name].read({})) for name in cleared)
        after.update(related_after)
        return Plan(resource, params, 'update', record, requests, changed_settings, sent_values=sent,
                    related_after=related_after, cleared=cleared,
                    diff=_diff(absent_view, _present(label_view, fields.display(before)),
                               _present(label_view, fields.display(after))))

    def check_references(self, plan):
        """Before a write: every object the plan refers to exists (read once per task, never on no change).

        In check mode a missing object is a warning, not a failure: an earlier task of the same run may be
        the one that creates it, and check mode created nothing.
        """
        if not plan.writes or plan.action == 'delete':
            return
        for option, target, identifier in self.resource.references(plan.params, plan.record):
            known = (target.kind, identifier)
            if known not in self._known:
                self._known[known] = target.exists(self.client, identifier)
            if self._known[known]:
                continue
            message = target.missing_reference(option, identifier)
            if not self.check_mode:
                raise MissingReference(option, message)
            warning = '%s: %s A real run fails here unless an earlier task creates it.' % (option, message)
            if warning not in self.warnings:
                self.warnings.append(warning)

    def check_proxy(self, plan, requests):
        """Before a write, in check mode too: a planned write of a declared option newer than the proxy's LiteLLM
        release, or of one the Enterprise table marks on a proxy that says it has no license, fails here, as the
        real run would (each read only for such a write, once per task)."""
        check_release(self.client, plan, requests)
        check_license(self.resource.kind, self.client, requests)

    # approving

    def approve(self, requests):
        """The plan of ``requests`` (digest and canonical writes); raises PlanNotApproved if it is not the one
        the task was approved with. Called with every write the task will send, before the first is sent."""
        plan = plan_of(requests)
        check_approved(self.approved, plan)
        return plan

    # applying

    def apply(self, plan):
        """Send (or, in check mode, record) the plan's requests in order. Returns their answers (None unsent)."""
        answers = []
        for request in plan.requests:
            if self.check_mode:
                self.client.record_unsent(request)
                answers.append(None)
                continue
            self._refuse_known(request)
            try:
                if plan.action == 'create' and request is plan.requests[0]:
                    answers.append(self._create(plan, request))
                else:
                    answers.append(self.client.send(request))
            except NotFoundError:
                if plan.action == 'delete':
                    # Gone already: deleted between our read and our write, or by an earlier attempt of this
                    # very request whose answer was lost. Either way the desired state holds.
                    answers.append(None)
                    continue
                raise
            except ServerError as exc:
                raise self.resource.explain_failure(exc, request)
            except EnterpriseFeatureRequired as exc:
                refusal = self.enterprise_refusal(exc, request)
                for name in refusal.options:
                    self._refused.setdefault(name, refusal)
                raise refusal
        return answers

    def _refuse_known(self, request):
        body = request.json if isinstance(request.json, dict) else {}
        known = sorted(name for name in body if name in self._refused)
        if known:
            earlier = self._refused[known[0]]
            raise EnterpriseFeatureRequired(
                '%s: refused earlier in this task as a LiteLLM Enterprise feature, so not sent again (%s)'
                % (', '.join(known), earlier.message), status=earlier.status, error_type=earlier.error_type,
                param=earlier.param, method=request.method, url=self.client.redactor.text(request.url))

    def _create(self, plan, request):
        """Send a create at most once per object: an ambiguous failure is resolved by reading again."""
        resource = self.resource
        error = None
        for _attempt in range(self.client.retries + 1):
            try:
                answer = self.client.send(request)
            except LiteLLMError as exc:
                if not exc.ambiguous:
                    raise
                error = exc
            else:
                return resource.accept_created(self.client, plan, answer)
            # The proxy may or may not have created it. Ask before sending anything again: retrying blindly
            # could leave two objects where one was declared.
            try:
                record = self.find(plan.params)
            except LiteLLMError as read_error:
                raise resource.create_unknown(plan, error, read_error)
            if record is not None:
                return resource.recover_created(plan, record, error)
        raise error

    def enterprise_refusal(self, error, request):
        """Name the options a proxy without an Enterprise license refused, instead of blaming the API key."""
        body = request.json if isinstance(request.json, dict) else {}
        sent = [f for f in self.resource.fields if f.name in body]
        named = [f.name for f in sent if re.search(r'(?<!\w)%s(?!\w)' % re.escape(f.name), error.message)]
        named = named or enterprise_writes(self.resource.kind, [request])
        subject = ', '.join(named) if named else 'this request'
        message = '%s: %s. %s' % (subject, error.message, LEAVE_OUT % ('them' if len(named) > 1 else 'it'))
        refusal = EnterpriseFeatureRequired(message, status=error.status, error_type=error.error_type,
                                            param=error.param, method=error.method, url=error.url)
        refusal.options = named
        return refusal


def run_task(reconciler, params, more_writes=None):
    """One object's task: read, plan, check references, approve, apply (or record) and build the common result.

    ``more_writes(plan)`` returns writes the task sends after the plan's own (a key's rotation): they are part of
    the approved plan, and the caller sends them.
    """
    resource = reconciler.resource
    record = reconciler.find(params)
    plan = reconciler.plan(params, record)
    reconciler.check_references(plan)
    extra = more_writes(plan) if more_writes is not None else []
    reconciler.check_proxy(plan, plan.requests + extra)
    approved = reconciler.approve(plan.requests + extra)
    try:
        answers = reconciler.apply(plan)
    except LiteLLMError as exc:
        # Another run created the object between our read and our create (parallel CI jobs declaring one
        # object): plan again against the one that won, as a re-run would, instead of failing. That plan was
        # not the approved one, so an approved task fails here.
        record = reconciler.find(params) if plan.action == 'create' and resource.lost_create_race(exc) else None
        if record is None:
            raise
        plan = reconciler.plan(params, record)
        extra = more_writes(plan) if more_writes is not None else []
        reconciler.check_proxy(plan, plan.requests + extra)
        approved = reconciler.approve(plan.requests + extra)
        answers = reconciler.apply(plan)
    result = {
        'changed': plan.changed,
        'action': plan.action,
        'changed_settings': plan.changed_settings,
        'diff': plan.diff,
        'warnings': list(reconciler.warnings),
        'plan_digest': approved['digest'],
        'plan': approved,
    }
    plan.extra = extra
    return plan, answers, result


def _without_identity(view, identity):
    return dict((k, v) for k, v in view.items() if k not in identity)


def _present(identity, settings):
    view = dict(identity)
    view['state'] = 'present'
    view.update(settings)
    return view


def _diff(identity, before, after):
    absent = dict(identity)
    absent['state'] = 'absent'
    return {'before': before or absent, 'after': after or dict(absent)}


def duplicates_error(kind, identity, value, ids, id_name):
    """The failure for more than one stored object matching what identifies the declared one."""
    return DuplicateIdentity(
        '%d %ss share %s %r (%s: %s); the module cannot tell which one to manage. Delete the extra %ss, or '
        'identify the %s by its %s. Nothing was changed.'
        % (len(ids), kind, identity, value, id_name, ', '.join(sorted(str(i) for i in ids)), kind, kind, id_name))


def object_task(resource, result_name):
    """The task function of a module that manages one object of ``resource``: its settings are returned as
    ``result_name`` (and its id as the resource's server id) whenever the object exists after the task."""

    def run(client, params, check_mode):
        reconciler = Reconciler(resource, client, check_mode, approved=params.get('approved_plan'))
        plan, answers, result = run_task(reconciler, params)
        info = resource.described_after(plan, answers)
        if info is not None:
            result[result_name] = info
            result[resource.server_id] = info.get(resource.server_id)
        result['requests'] = client.history
        return result

    return run
