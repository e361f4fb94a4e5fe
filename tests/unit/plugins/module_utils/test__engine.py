# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The engine on its own: planning, recording in check mode, reference checks, Enterprise refusals.

Budgets serve as the example resource; requests are built unsent, or sent to the local server.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.llmops.litellm.plugins.module_utils._budgets import BUDGET
from ansible_collections.llmops.litellm.plugins.module_utils._client import LiteLLMClient
from ansible_collections.llmops.litellm.plugins.module_utils._engine import Reconciler, Resource
from ansible_collections.llmops.litellm.plugins.module_utils._errors import (
    EnterpriseFeatureRequired,
    MissingReference,
)

STORED = {'budget_id': 'b', 'max_budget': 10.0, 'rpm_limit': 5, 'budget_reset_at': '2027-01-01'}


def params(**options):
    base = dict((f.name, None) for f in BUDGET.fields)
    base.update(budget_id='b', state='present')
    base.update(options)
    return base


@pytest.fixture
def planner():
    return Reconciler(BUDGET, LiteLLMClient('http://proxy.invalid', api_key='sk-planner-000000000'), check_mode=True)


def test_create_update_unchanged_delete_absent(planner):
    created = planner.plan(params(max_budget=10), None)
    assert created.action == 'create' and [r.json for r in created.requests] == [{'budget_id': 'b', 'max_budget': 10}]
    assert created.diff == {'before': {'budget_id': 'b', 'state': 'absent'},
                            'after': {'budget_id': 'b', 'state': 'present', 'max_budget': 10}}

    unchanged = planner.plan(params(max_budget=10, rpm_limit=5.0), STORED)
    assert unchanged.action == 'unchanged' and unchanged.requests == [] and not unchanged.changed
    assert unchanged.diff['before'] == unchanged.diff['after']

    updated = planner.plan(params(max_budget=12, rpm_limit=5), STORED)
    assert updated.action == 'update' and updated.changed_settings == ['max_budget']
    assert [r.json for r in updated.requests] == [{'budget_id': 'b', 'max_budget': 12}]
    assert updated.diff['before']['max_budget'] == 10.0 and updated.diff['after']['max_budget'] == 12

    deleted = planner.plan(params(state='absent'), STORED)
    assert deleted.action == 'delete' and [r.json for r in deleted.requests] == [{'id': 'b'}]
    assert deleted.diff['after'] == {'budget_id': 'b', 'state': 'absent'}
    assert planner.plan(params(state='absent'), None).action == 'absent'


def test_check_mode_records_every_planned_request_unsent(planner):
    plan = planner.plan(params(max_budget=12), STORED)
    assert planner.apply(plan) == [None]
    assert [(h['url'].rsplit('/', 1)[-1], h['sent']) for h in planner.client.history] == [('update', False)]


def test_described_after_an_update_holds_what_was_sent(planner):
    plan = planner.plan(params(max_budget=12), STORED)
    info = BUDGET.described_after(plan, [None])
    assert info['max_budget'] == 12 and info['budget_reset_at'] == '2027-01-01'


class _Target(Resource):
    """A referenced kind whose objects are known up front; counts the lookups."""

    kind = 'thing'

    def __init__(self, existing):
        self.existing = set(existing)
        self.lookups = []

    def exists(self, client, identifier):
        self.lookups.append(identifier)
        return identifier in self.existing


class _Referring(type(BUDGET)):
    def __init__(self, target):
        self.target = target

    def references(self, params, record):
        return [('thing_id', self.target, params['thing_id'])]


def test_references_are_read_once_per_task_and_only_before_a_write():
    target = _Target(['there'])
    client = LiteLLMClient('http://proxy.invalid', api_key='sk-planner-000000000')
    reconciler = Reconciler(_Referring(target), client)
    for stored in (None, STORED, STORED):
        reconciler.check_references(reconciler.plan(dict(params(max_budget=1), thing_id='there'), stored))
    reconciler.check_references(reconciler.plan(dict(params(max_budget=10), thing_id='missing'), STORED))  # no write
    assert target.lookups == ['there']

    with pytest.raises(MissingReference) as refused:
        reconciler.check_references(reconciler.plan(dict(params(max_budget=1), thing_id='missing'), None))
    assert refused.value.option == 'thing_id' and "thing 'missing' does not exist" in str(refused.value)


def test_in_check_mode_a_missing_reference_is_one_warning():
    reconciler = Reconciler(_Referring(_Target([])), LiteLLMClient('http://proxy.invalid', api_key='sk-p-0000000000'),
                            check_mode=True)
    for _run in range(2):
        reconciler.check_references(reconciler.plan(dict(params(max_budget=1), thing_id='later'), None))
    assert len(reconciler.warnings) == 1 and 'unless an earlier task creates it' in reconciler.warnings[0]


def test_an_enterprise_refusal_names_the_refused_option(planner):
    request = planner.client.update_budget({'budget_id': 'b', 'max_budget': 1, 'model_max_budget': {'m': 1}},
                                           return_request=True)
    refusal = EnterpriseFeatureRequired('the proxy refused POST /budget/update because it needs a LiteLLM '
                                        'Enterprise license (HTTP 400): You must have an enterprise license to set '
                                        'model_max_budget', status=400)
    named = planner.enterprise_refusal(refusal, request)
    assert str(named).startswith('model_max_budget: the proxy refused')
    assert str(named).endswith('Leave it out on a proxy without a LiteLLM Enterprise license.')
    assert named.status == 400


def test_a_live_create_and_its_rerun(litellm_server):
    client = LiteLLMClient(litellm_server.url, api_key=litellm_server.master_key, retries=0)
    reconciler = Reconciler(BUDGET, client)
    plan = reconciler.plan(params(max_budget=3), reconciler.find(params()))
    (answer,) = reconciler.apply(plan)
    assert answer['budget_id'] == 'b'
    assert reconciler.plan(params(max_budget=3), reconciler.find(params())).action == 'unchanged'
