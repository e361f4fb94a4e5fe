# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""litellm_budget and litellm_budget_info against the local server, and a key that follows a budget."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.llmops.litellm.plugins.modules import litellm_budget, litellm_budget_info, litellm_key

INTERNS = {'budget_id': 'interns', 'max_budget': 20, 'soft_budget': 15, 'budget_duration': '30d', 'rpm_limit': 30}


def counts(server):
    return dict((k, v) for k, v in server.counts()['counts'].items() if '/_test/' not in k)


@pytest.fixture
def interns(run_module, litellm_server):
    created = run_module(litellm_budget, **INTERNS)
    assert created['changed'] and not created.failed, created.get('msg')
    litellm_server.reset(data=False)
    return created


def test_lifecycle(run_module, litellm_server):
    created = run_module(litellm_budget, diff=True, **INTERNS)
    assert created['action'] == 'create' and created['budget']['budget_reset_at']
    assert counts(litellm_server) == {'POST /budget/info': 1, 'POST /budget/new': 1}
    # /budget/info is a POST that only reads: it is no write.
    assert litellm_server.counts()['writes'] == 1

    litellm_server.reset(data=False)
    assert run_module(litellm_budget, **dict(INTERNS, max_budget=20.0))['changed'] is False
    assert counts(litellm_server) == {'POST /budget/info': 1}

    updated = run_module(litellm_budget, budget_id='interns', max_budget=25, tpd_limit=1000)
    assert sorted(updated['changed_settings']) == ['max_budget', 'tpd_limit']
    assert [r['body'] for r in updated['requests'] if r['url'].endswith('/budget/update')] == [
        {'budget_id': 'interns', 'max_budget': 25, 'tpd_limit': 1000}]

    deleted = run_module(litellm_budget, budget_id='interns', state='absent')
    assert deleted['action'] == 'delete'
    assert run_module(litellm_budget, budget_id='interns', state='absent')['action'] == 'absent'


def test_check_mode_sends_the_read_only(run_module, interns, litellm_server):
    planned = run_module(litellm_budget, check_mode=True, budget_id='interns', max_budget=99)
    assert planned['changed'] and litellm_server.counts()['writes'] == 0
    assert [r['url'].rsplit('/', 1)[-1] for r in planned.unsent] == ['update']
    # The read is a POST, and it was sent: check mode sends reads.
    assert [(r['url'].rsplit('/', 1)[-1], r['sent']) for r in planned['requests']][0] == ('info', True)


def test_a_key_may_follow_a_budget_that_exists(run_module, interns):
    key = run_module(litellm_key, key_alias='intern-notebook', budget_id='interns')
    assert not key.failed, key.get('msg')
    assert key['key_info']['budget_id'] == 'interns'


def test_bad_input_fails_before_any_request(run_module, litellm_server):
    result = run_module(litellm_budget, budget_id='b', soft_budget=-1)
    assert result.failed and result['msg'].startswith('soft_budget: must be zero or more')
    assert litellm_server.counts()['total'] == 0


def test_budget_info(run_module, interns):
    run_module(litellm_budget, budget_id='contractors', max_budget=5)
    everything = run_module(litellm_budget_info)
    assert sorted(b['budget_id'] for b in everything['budgets']) == ['contractors', 'interns']
    (one,) = run_module(litellm_budget_info, budget_id='interns')['budgets']
    assert one['max_budget'] == 20 and one['soft_budget'] == 15
    assert run_module(litellm_budget_info, budget_id='none-such')['budgets'] == []
