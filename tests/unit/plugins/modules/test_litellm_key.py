# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""litellm_key sends the fewest possible requests; the local server's counter is the meter.

A run reads the key once (GET /key/list by alias) and writes at most once: no change = 1 request; create,
update, delete = 2 key requests (and, before a create or update, one read of the team the key names: LiteLLM
would create a key for a team that does not exist and refuse every later update of it); check mode = the reads.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.llmops.litellm.plugins.modules import litellm_key

ALIAS = 'counted-key'
SETTINGS = {'models': ['gpt-4o-mini', 'gpt-4o'], 'max_budget': 10, 'team_id': 'team-count', 'metadata': {'owner': 'a'}}


@pytest.fixture(autouse=True)
def team(seed_teams):
    seed_teams(SETTINGS['team_id'])


def team_reads(litellm_server):
    return litellm_server.counts()['counts'].get('GET /team/info', 0)


@pytest.fixture
def existing_key(run_module, litellm_server):
    """The key exists with SETTINGS; the counters start at zero."""
    created = run_module(litellm_key, key_alias=ALIAS, **SETTINGS)
    assert created['changed'] and not created.failed
    litellm_server.reset(data=False)
    return created


def test_no_change_sends_exactly_one_read(run_module, existing_key, key_requests):
    result = run_module(litellm_key, key_alias=ALIAS, **SETTINGS)

    assert result['changed'] is False
    assert key_requests() == {'reads': 1, 'writes': 0, 'by_endpoint': {'GET /key/list': 1}}
    assert [r['method'] for r in result['requests']] == ['GET']


def test_create_sends_one_read_and_one_write(run_module, key_requests):
    result = run_module(litellm_key, key_alias=ALIAS, **SETTINGS)

    assert result['changed'] is True
    assert key_requests()['by_endpoint'] == {'GET /key/list': 1, 'POST /key/generate': 1}


def test_update_sends_one_read_and_one_write(run_module, existing_key, key_requests):
    changed = dict(SETTINGS, max_budget=20, models=['gpt-4o'])
    result = run_module(litellm_key, key_alias=ALIAS, **changed)

    assert result['changed'] is True
    assert sorted(result['changed_settings']) == ['max_budget', 'models']
    assert key_requests()['by_endpoint'] == {'GET /key/list': 1, 'POST /key/update': 1}


def test_delete_sends_one_read_and_one_write(run_module, existing_key, key_requests, litellm_server):
    result = run_module(litellm_key, key_alias=ALIAS, state='absent')

    assert result['changed'] is True
    assert key_requests()['by_endpoint'] == {'GET /key/list': 1, 'POST /key/delete': 1}
    litellm_server.reset(data=False)
    again = run_module(litellm_key, key_alias=ALIAS, state='absent')
    assert again['changed'] is False
    assert key_requests()['by_endpoint'] == {'GET /key/list': 1}


@pytest.mark.parametrize('options, action, write', [
    pytest.param(dict(SETTINGS, key_alias='not-there-yet'), 'create', '/key/generate', id='create'),
    pytest.param(dict(SETTINGS, key_alias=ALIAS, max_budget=99), 'update', '/key/update', id='update'),
    pytest.param(dict(key_alias=ALIAS, state='absent'), 'delete', '/key/delete', id='delete'),
])
def test_check_mode_sends_only_the_read(run_module, existing_key, key_requests, options, action, write):
    result = run_module(litellm_key, check_mode=True, diff=True, **options)

    assert result['changed'] is True
    assert result['action'] == action
    assert key_requests() == {'reads': 1, 'writes': 0, 'by_endpoint': {'GET /key/list': 1}}
    # The write a real run would send is planned and shown, marked unsent.
    assert [(r['method'], r['url'].split('?')[0].endswith(write)) for r in result.unsent] == [('POST', True)]
    assert result['requests'][0]['sent'] is True


def test_check_mode_no_change_sends_only_the_read(run_module, existing_key, key_requests):
    result = run_module(litellm_key, check_mode=True, key_alias=ALIAS, **SETTINGS)

    assert result['changed'] is False
    assert key_requests()['by_endpoint'] == {'GET /key/list': 1}
    assert len(result['requests']) == 1


def test_check_mode_then_real_run_send_the_planned_request(run_module, existing_key, key_requests, litellm_server):
    options = dict(SETTINGS, key_alias=ALIAS, max_budget=42)
    planned = run_module(litellm_key, check_mode=True, **options)
    litellm_server.reset(data=False)

    applied = run_module(litellm_key, **options)

    assert key_requests()['by_endpoint'] == {'GET /key/list': 1, 'POST /key/update': 1}
    assert [dict(r, sent=True) for r in planned['requests']] == applied['requests']


def test_the_team_is_read_only_before_a_write(run_module, existing_key, litellm_server):
    run_module(litellm_key, key_alias=ALIAS, **SETTINGS)
    assert team_reads(litellm_server) == 0, 'a no-change run read the team'

    run_module(litellm_key, key_alias=ALIAS, **dict(SETTINGS, max_budget=30))
    assert team_reads(litellm_server) == 1


def test_a_key_of_a_team_that_does_not_exist_is_refused_before_anything_is_written(run_module, litellm_server):
    result = run_module(litellm_key, key_alias='orphan', team_id='no-such-team', max_budget=1)

    assert result.failed
    assert result['option'] == 'team_id'
    assert result['msg'].startswith("team_id: the team 'no-such-team' does not exist on the proxy")
    assert 'litellm_team' in result['msg']
    assert litellm_server.counts()['writes'] == 0


def test_check_mode_warns_of_a_missing_team_instead_of_failing(run_module, litellm_server):
    # An earlier task of the same run may create the team; check mode created nothing.
    result = run_module(litellm_key, check_mode=True, key_alias='orphan', team_id='made-later', max_budget=1)

    assert not result.failed and result['changed']
    assert any("'made-later' does not exist" in w for w in result.warnings), result.warnings
    assert litellm_server.counts()['writes'] == 0


def test_a_budget_that_does_not_exist_is_refused_before_anything_is_written(run_module, litellm_server):
    # The real proxy answers a bare HTTP 500 "Internal Server Error." to this create.
    result = run_module(litellm_key, key_alias='orphan', budget_id='no-such-budget')

    assert result.failed and result['option'] == 'budget_id'
    assert 'litellm_budget' in result['msg']
    assert litellm_server.counts()['writes'] == 0


def test_clear_removes_settings_and_a_rerun_changes_nothing(run_module, litellm_server):
    created = run_module(litellm_key, key_alias='clearing', max_budget=10, tpm_limit=100, models=['gpt-4o'],
                         rpm_limit_type='dynamic', metadata={'owner': 'a'})
    assert created['changed'] and not created.failed, created.get('msg')
    clear = ['max_budget', 'tpm_limit', 'models', 'rpm_limit_type', 'metadata']

    planned = run_module(litellm_key, check_mode=True, diff=True, key_alias='clearing', clear=clear)
    assert planned['changed'] and litellm_server.counts()['writes'] == 1   # only the create above
    assert sorted(planned['changed_settings']) == sorted(clear)

    cleared = run_module(litellm_key, diff=True, key_alias='clearing', clear=clear)
    assert [r['body'] for r in cleared.unsent] == []
    assert cleared['diff'] == planned['diff']
    info = cleared['key_info']
    assert (info['max_budget'], info['tpm_limit'], info['models'], info['rpm_limit_type']) == (None, None, [], None)

    again = run_module(litellm_key, key_alias='clearing', clear=clear)
    assert again['changed'] is False, again['changed_settings']


def test_an_interval_without_auto_rotate_names_the_fix(run_module, litellm_server):
    result = run_module(litellm_key, key_alias='no-rotation', auto_rotate=False, rotation_interval='30d')

    assert result.failed and result['option'] == 'rotation_interval'
    # Not "declare auto_rotate: false": the task did; the interval is what to change.
    assert 'leave rotation_interval out' in result['msg'] and 'declare auto_rotate' not in result['msg']
    assert litellm_server.counts()['total'] == 0
