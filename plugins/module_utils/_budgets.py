# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""LiteLLM budgets (``LiteLLM_BudgetTable``): shared limits that keys, teams members and organizations follow.

A budget is identified by its ``budget_id``, which the caller chooses. LiteLLM 1.108.7's
budget_management_endpoints.py: ``/budget/new`` refuses an id that exists (400), ``/budget/update`` sets the
fields it is sent, ``/budget/info`` (a POST that only reads) answers the rows of the ids it is given.

Private to the collection (leading underscore): its API may change between releases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.llmops.litellm.plugins.module_utils._engine import Resource, object_task
from ansible_collections.llmops.litellm.plugins.module_utils._errors import InvalidOption
from ansible_collections.llmops.litellm.plugins.module_utils._fields import (
    BUDGET_PERIOD,
    Field,
    FieldTable,
    check_budget_config_per_model,
)

BUDGET_FIELDS = FieldTable([
    Field('max_budget', 'float', minimum=0),
    Field('soft_budget', 'float', minimum=0),
    Field('budget_duration', duration=BUDGET_PERIOD),
    Field('tpm_limit', 'int', minimum=0),
    Field('rpm_limit', 'int', minimum=0),
    Field('tpd_limit', 'int', minimum=0, since='1.103.0'),
    Field('max_parallel_requests', 'int', minimum=0),
    Field('model_max_budget', 'dict', check=check_budget_config_per_model),
])

SERVER_MANAGED = ('budget_reset_at', 'created_at', 'created_by', 'updated_at', 'updated_by')


class BudgetResource(Resource):
    kind = 'budget'
    identity = ('budget_id',)
    server_id = 'budget_id'
    fields = BUDGET_FIELDS

    def validate(self, params):
        if not (params.get('budget_id') or '').strip():
            raise InvalidOption('budget_id', 'must be a non-empty string that names the budget')
        super(BudgetResource, self).validate(params)

    def find(self, client, params):
        rows = client.budget_info([params['budget_id']])
        matches = [r for r in rows or () if isinstance(r, dict) and r.get('budget_id') == params['budget_id']]
        return matches[0] if matches else None

    def exists(self, client, identifier):
        return self.find(client, {'budget_id': identifier}) is not None

    def missing_reference(self, option, identifier):
        return ('the budget %r does not exist on the proxy (LiteLLM would answer a bare HTTP 500). Create it first '
                'with llmops.litellm.litellm_budget (or LiteLLM\'s /budget/new), or leave %s out.'
                % (identifier, option))

    def create_request(self, client, params):
        body = {'budget_id': params['budget_id']}
        body.update(self.fields.creation_values(params))
        return client.new_budget(body, return_request=True)

    def update_request(self, client, record, values):
        body = {'budget_id': record['budget_id']}
        body.update(values)
        return client.update_budget(body, return_request=True)

    def delete_request(self, client, record):
        return client.delete_budget(record['budget_id'], return_request=True)

    def lost_create_race(self, error):
        return error.status == 400 and 'already exists' in (error.message or '')

    def describe(self, record):
        view = self.fields.current(record)
        view['budget_id'] = record.get('budget_id')
        for name in SERVER_MANAGED:
            view[name] = record.get(name)
        return view


BUDGET = BudgetResource()


def run_budget_info_task(client, params, check_mode):
    """One litellm_budget_info task: one budget by id, or every budget."""
    if params.get('budget_id') is not None:
        rows = client.budget_info([params['budget_id']])
    else:
        rows = client.list_budgets()
    records = [r for r in rows or () if isinstance(r, dict)]
    return {'changed': False, 'budgets': [BUDGET.describe(r) for r in records], 'requests': client.history}


run_budget_task = object_task(BUDGET, 'budget')
