# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""LiteLLM teams: their field table, how a team is found, and how its members are reconciled.

A team is identified by ``team_id`` when the task gives one (LiteLLM accepts a caller-chosen id and keeps ids
unique), otherwise by ``team_alias``, which LiteLLM does NOT keep unique: more than one team with the alias is
a failure that changes nothing. Members are not a column the team update sets: they are written with
``/team/member_add``, ``/team/member_update`` and ``/team/member_delete`` (LiteLLM 1.108.7,
team_endpoints.py), planned as ordinary writes of the same plan.

Private to the collection (leading underscore): its API may change between releases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.llmops.litellm.plugins.module_utils._compare import MERGE
from ansible_collections.llmops.litellm.plugins.module_utils._engine import Resource, duplicates_error, object_task
from ansible_collections.llmops.litellm.plugins.module_utils._errors import InvalidOption, NotFoundError
from ansible_collections.llmops.litellm.plugins.module_utils._fields import BUDGET_PERIOD, Field, FieldTable

MEMBER_ROLES = ['admin', 'user']
# LiteLLM's name for the master key's user (litellm_proxy_admin_name). LiteLLM adds it as an admin to every team
# made with the master key (team_endpoints.py _should_auto_add_team_creator): no person, and never declared, so
# exclusive_members leaves it alone.
PROXY_ADMIN_USER = 'default_user_id'
MEMBER_OPTIONS = {
    'user_id': {'type': 'str', 'required': True},
    'role': {'type': 'str', 'default': 'user', 'choices': MEMBER_ROLES},
}

TEAM_FIELDS = FieldTable([
    Field('team_alias', not_empty=True),
    Field('organization_id', not_empty=True),
    Field('models', 'list', not_empty=True),
    Field('max_budget', 'float', minimum=0),
    Field('budget_duration', duration=BUDGET_PERIOD),
    Field('tpm_limit', 'int', minimum=0),
    Field('rpm_limit', 'int', minimum=0),
    Field('metadata', 'dict', compare=MERGE),
    Field('blocked', 'bool'),
    # Kept in LiteLLM_ModelTable and returned joined to the team.
    Field('model_aliases', 'dict', read=[('litellm_model_table', 'model_aliases'), ('model_aliases',)]),
    Field('members', 'list', elements='dict', options=MEMBER_OPTIONS, managed=False),
    Field('exclusive_members', 'bool', default=False, managed=False),
])

SERVER_MANAGED = ('spend', 'budget_reset_at', 'created_at', 'updated_at')


def members_of(record):
    """The team's members as {user_id: role}, from members_with_roles (members invited by email only have none)."""
    members = {}
    for member in (record or {}).get('members_with_roles') or ():
        if isinstance(member, dict) and member.get('user_id'):
            members[member['user_id']] = member.get('role') or 'user'
    return members


def _member_list(members):
    return [{'user_id': user_id, 'role': members[user_id]} for user_id in sorted(members)]


class TeamResource(Resource):
    kind = 'team'
    identity = ('team_id', 'team_alias')
    server_id = 'team_id'
    fields = TEAM_FIELDS

    def label(self, params):
        return params.get('team_id') or params.get('team_alias')

    def identity_view(self, params, record):
        view = {}
        for name in ('team_id', 'team_alias'):
            value = params.get(name) if params.get(name) is not None else (record or {}).get(name)
            if value is not None:
                view[name] = value
        return view

    def validate(self, params):
        super(TeamResource, self).validate(params)
        if params.get('team_id') is not None and not params['team_id'].strip():
            raise InvalidOption('team_id', 'must not be empty; leave it out to identify the team by team_alias')
        if params.get('team_id') is None and params.get('team_alias') is None:
            raise InvalidOption('team_alias', 'is required without team_id: one of them identifies the team')
        seen = set()
        for index, member in enumerate(params.get('members') or ()):
            user_id = member.get('user_id')
            if not (user_id or '').strip():
                raise InvalidOption('members[%d].user_id' % index, 'must be a non-empty user id')
            if user_id in seen:
                raise InvalidOption('members[%d].user_id' % index, '%r is listed twice' % user_id)
            seen.add(user_id)
        if params.get('exclusive_members') and params.get('members') is None:
            raise InvalidOption('exclusive_members', 'needs members: the list of members the team must have '
                                                     '(an empty list removes every member)')

    def find(self, client, params):
        team_id = params.get('team_id')
        if team_id is None:
            alias = params['team_alias']
            matches = [t for t in client.iter_teams(team_alias=alias) if t.get('team_alias') == alias]
            if len(matches) > 1:
                raise duplicates_error('team', 'team_alias', alias, [t.get('team_id') for t in matches], 'team_id')
            if not matches:
                return None
            team_id = matches[0]['team_id']
        return self.read(client, team_id)

    @staticmethod
    def read(client, team_id):
        """The full team (its members and model aliases included), or None."""
        try:
            answer = client.team_info(team_id)
        except NotFoundError as exc:
            if getattr(exc, 'endpoint_missing', False):
                raise
            return None
        team = answer.get('team_info') if isinstance(answer, dict) else None
        return team if isinstance(team, dict) and team.get('team_id') else None

    def exists(self, client, identifier):
        return self.read(client, identifier) is not None

    def missing_reference(self, option, identifier):
        return ('the team %r does not exist on the proxy, and LiteLLM would create the key but refuse every later '
                'update of it. Create the team first with llmops.litellm.litellm_team (or LiteLLM\'s /team/new), '
                'or leave %s out.' % (identifier, option))

    def create_request(self, client, params):
        body = dict((name, params[name]) for name in ('team_id', 'team_alias') if params.get(name) is not None)
        body.update(self.fields.creation_values(params))
        if params.get('members'):
            # /team/new adds these the way /team/member_add does, in the same request.
            body['members_with_roles'] = [{'user_id': m['user_id'], 'role': m['role']} for m in params['members']]
        return client.new_team(body, return_request=True)

    def update_request(self, client, record, values):
        body = {'team_id': record['team_id']}
        body.update(values)
        return client.update_team(body, return_request=True)

    def delete_request(self, client, record):
        return client.delete_teams([record['team_id']], return_request=True)

    def related_requests(self, client, params, record):
        """The member writes: add the missing, change roles that differ, remove the unlisted if exclusive."""
        declared = params.get('members')
        if declared is None:
            return [], {}, {}
        wanted = dict((m['user_id'], m['role']) for m in declared)
        if record is None:
            return [], {}, {'members': _member_list(wanted)}
        current = members_of(record)
        requests = []
        added = [user_id for user_id in wanted if user_id not in current]
        if added:
            requests.append(client.add_team_members(
                record['team_id'], [{'user_id': u, 'role': wanted[u]} for u in added], return_request=True))
        for user_id in sorted(u for u in wanted if u in current and current[u] != wanted[u]):
            requests.append(client.update_team_member(record['team_id'], user_id, wanted[user_id], return_request=True))
        after = dict(current)
        after.update(wanted)
        if params.get('exclusive_members'):
            for user_id in sorted(u for u in current if u not in wanted and u != PROXY_ADMIN_USER):
                requests.append(client.delete_team_member(record['team_id'], user_id, return_request=True))
                after.pop(user_id)
        if not requests:
            return [], {}, {}
        return requests, {'members': _member_list(current)}, {'members': _member_list(after)}

    def lost_create_race(self, error):
        return error.status == 400 and 'already exists' in (error.message or '')

    def describe(self, record):
        view = self.fields.current(record)
        view.update(team_id=record.get('team_id'), team_alias=record.get('team_alias'),
                    members=_member_list(members_of(record)))
        for name in SERVER_MANAGED:
            view.setdefault(name, record.get(name))
        return view


TEAM = TeamResource()


def run_team_info_task(client, params, check_mode):
    """One litellm_team_info task: one team by id (with its members), or every team matching the filters."""
    if params.get('team_id') is not None:
        record = TEAM.read(client, params['team_id'])
        records = [record] if record is not None else []
    else:
        filters = dict((name, params.get(name)) for name in ('team_alias', 'organization_id', 'user_id'))
        records = [t for t in client.iter_teams(page_size=params['page_size'], **filters)
                   if params.get('team_alias') is None or t.get('team_alias') == params['team_alias']]
    return {'changed': False, 'teams': [TEAM.describe(r) for r in records], 'requests': client.history}


run_team_task = object_task(TEAM, 'team')
