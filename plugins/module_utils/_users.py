# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""LiteLLM internal users (``LiteLLM_UserTable``), identified by their ``user_id``.

``/user/new`` creates a key for the new user unless it is sent ``auto_create_key: false`` (LiteLLM 1.108.7,
internal_user_endpoints.py): the module always sends that, so declaring a user never makes a key as a side
effect; keys are declared with the key modules.

Private to the collection (leading underscore): its API may change between releases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.llmops.litellm.plugins.module_utils._compare import MERGE
from ansible_collections.llmops.litellm.plugins.module_utils._engine import Resource, object_task
from ansible_collections.llmops.litellm.plugins.module_utils._errors import InvalidOption, NotFoundError
from ansible_collections.llmops.litellm.plugins.module_utils._fields import BUDGET_PERIOD, Field, FieldTable

# LiteLLM's LitellmUserRoles that an internal user can have (org_admin is a role within an organization).
USER_ROLES = ['proxy_admin', 'proxy_admin_viewer', 'internal_user', 'internal_user_viewer']

USER_FIELDS = FieldTable([
    Field('user_email', not_empty=True),
    Field('user_alias', not_empty=True),
    Field('user_role', choices=USER_ROLES),
    Field('models', 'list', not_empty=True),
    Field('max_budget', 'float', minimum=0),
    Field('budget_duration', duration=BUDGET_PERIOD),
    Field('tpm_limit', 'int', minimum=0),
    Field('rpm_limit', 'int', minimum=0),
    Field('max_parallel_requests', 'int', minimum=0),
    Field('metadata', 'dict', compare=MERGE),
])

SERVER_MANAGED = ('spend', 'teams', 'budget_reset_at', 'created_at', 'updated_at', 'sso_user_id')


class UserResource(Resource):
    kind = 'user'
    identity = ('user_id',)
    server_id = 'user_id'
    fields = USER_FIELDS

    def validate(self, params):
        if not (params.get('user_id') or '').strip():
            raise InvalidOption('user_id', 'must be a non-empty string that names the user')
        super(UserResource, self).validate(params)

    def find(self, client, params):
        return self.read(client, params['user_id'])

    @staticmethod
    def read(client, user_id):
        try:
            answer = client.user_info(user_id)
        except NotFoundError as exc:
            if getattr(exc, 'endpoint_missing', False):
                raise
            return None
        user = answer.get('user_info') if isinstance(answer, dict) else None
        return user if isinstance(user, dict) and user.get('user_id') == user_id else None

    def exists(self, client, identifier):
        return self.read(client, identifier) is not None

    def create_request(self, client, params):
        body = {'user_id': params['user_id'], 'auto_create_key': False}
        body.update(self.fields.creation_values(params))
        return client.new_user(body, return_request=True)

    def update_request(self, client, record, values):
        body = {'user_id': record['user_id']}
        body.update(values)
        return client.update_user(body, return_request=True)

    def delete_request(self, client, record):
        return client.delete_users([record['user_id']], return_request=True)

    def lost_create_race(self, error):
        return error.status in (400, 409) and 'already exists' in (error.message or '')

    def describe(self, record):
        view = self.fields.current(record)
        view['user_id'] = record.get('user_id')
        for name in SERVER_MANAGED:
            view[name] = record.get(name)
        return view


USER = UserResource()


def run_user_info_task(client, params, check_mode):
    """One litellm_user_info task: one user by id, or every user matching the filters, all pages."""
    if params.get('user_id') is not None:
        record = USER.read(client, params['user_id'])
        records = [record] if record is not None else []
    else:
        records = list(client.iter_users(page_size=params['page_size'], role=params.get('user_role'),
                                         team=params.get('team_id')))
    return {'changed': False, 'users': [USER.describe(r) for r in records], 'requests': client.history}


run_user_task = object_task(USER, 'user')
