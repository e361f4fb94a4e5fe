# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""litellm_team and litellm_team_info against the local server: lifecycle, identity, members, check mode.

A team found by id costs one read (GET /team/info); by alias two (the alias search, then the full team).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.llmops.litellm.plugins.modules import litellm_team, litellm_team_info

TEAM = {'team_id': 'data-team', 'team_alias': 'Data team', 'models': ['gpt-4o', 'gpt-4o-mini'], 'max_budget': 500,
        'budget_duration': '30d', 'metadata': {'cost_center': '4711'}, 'model_aliases': {'fast': 'gpt-4o-mini'}}
MEMBERS = [{'user_id': 'alice', 'role': 'admin'}, {'user_id': 'bob'}]
# LiteLLM adds the master key's user to every team the master key creates.
PROXY_ADMIN = {'user_id': 'default_user_id', 'role': 'admin'}


def counts(server):
    """The server's request counts by endpoint, without its own test endpoints."""
    return dict((k, v) for k, v in server.counts()['counts'].items() if '/_test/' not in k)


@pytest.fixture
def existing_team(run_module, litellm_server):
    created = run_module(litellm_team, members=MEMBERS, **TEAM)
    assert created['changed'] and not created.failed, created.get('msg')
    litellm_server.reset(data=False)
    return created


def test_create_sends_one_read_and_one_write_and_returns_the_team(run_module, litellm_server):
    result = run_module(litellm_team, diff=True, members=MEMBERS, **TEAM)

    assert not result.failed, result.get('msg')
    assert result['changed'] and result['action'] == 'create'
    assert counts(litellm_server) == {'GET /team/info': 1, 'POST /team/new': 1}
    assert result['team_id'] == 'data-team'
    team = result['team']
    assert team['team_alias'] == 'Data team' and team['max_budget'] == 500
    assert team['members'] == [{'user_id': 'alice', 'role': 'admin'}, {'user_id': 'bob', 'role': 'user'}, PROXY_ADMIN]
    assert result['diff']['before'] == {'team_id': 'data-team', 'team_alias': 'Data team', 'state': 'absent'}
    assert result['diff']['after']['members'] == team['members'][:2]
    (create,) = [r for r in result['requests'] if r['method'] == 'POST']
    assert create['body']['members_with_roles'] == [{'user_id': 'alice', 'role': 'admin'},
                                                    {'user_id': 'bob', 'role': 'user'}]


def test_no_change_sends_exactly_one_read(run_module, existing_team, litellm_server):
    # Lists in another order, 500 as a float: equivalent declarations.
    again = dict(TEAM, models=['gpt-4o-mini', 'gpt-4o'], max_budget=500.0)
    result = run_module(litellm_team, members=list(reversed(MEMBERS)), **again)

    assert result['changed'] is False and result['action'] == 'unchanged'
    assert counts(litellm_server) == {'GET /team/info': 1}


def test_update_sends_only_the_differing_fields(run_module, existing_team, litellm_server):
    result = run_module(litellm_team, diff=True, **dict(TEAM, max_budget=600, rpm_limit=60))

    assert result['action'] == 'update' and sorted(result['changed_settings']) == ['max_budget', 'rpm_limit']
    (update,) = [r for r in result['requests'] if r['method'] == 'POST']
    assert update['url'].endswith('/team/update')
    assert update['body'] == {'team_id': 'data-team', 'max_budget': 600, 'rpm_limit': 60}
    assert result['diff']['before']['max_budget'] == 500 and result['diff']['after']['max_budget'] == 600
    assert run_module(litellm_team, **dict(TEAM, max_budget=600, rpm_limit=60))['changed'] is False


def test_metadata_is_merged(run_module, existing_team):
    result = run_module(litellm_team, team_id='data-team', metadata={'owner': 'data-platform'})
    assert result['team']['metadata'] == {'cost_center': '4711', 'owner': 'data-platform'}

    removed = run_module(litellm_team, team_id='data-team', metadata={'cost_center': None})
    assert removed['changed'] and removed['team']['metadata'] == {'owner': 'data-platform'}
    assert run_module(litellm_team, team_id='data-team', metadata={'cost_center': None})['changed'] is False


def test_model_aliases_compare_where_litellm_keeps_them(run_module, existing_team):
    assert run_module(litellm_team, team_id='data-team', model_aliases={'fast': 'gpt-4o-mini'})['changed'] is False
    changed = run_module(litellm_team, team_id='data-team', model_aliases={'fast': 'gpt-4o'})
    assert changed['changed_settings'] == ['model_aliases']
    assert run_module(litellm_team, team_id='data-team', model_aliases={'fast': 'gpt-4o'})['changed'] is False


def test_members_are_added_and_their_roles_changed_one_request_each(run_module, existing_team, litellm_server):
    declared = [{'user_id': 'alice', 'role': 'user'}, {'user_id': 'carol'}, {'user_id': 'dave', 'role': 'admin'}]
    result = run_module(litellm_team, diff=True, team_id='data-team', members=declared)

    assert result['changed_settings'] == ['members']
    writes = [(r['url'].rsplit('/', 1)[-1], r['body']) for r in result['requests'] if r['method'] == 'POST']
    assert writes == [
        ('member_add', {'team_id': 'data-team', 'member': [{'user_id': 'carol', 'role': 'user'},
                                                           {'user_id': 'dave', 'role': 'admin'}]}),
        ('member_update', {'team_id': 'data-team', 'user_id': 'alice', 'role': 'user'}),
    ]
    # Not exclusive: bob stays.
    assert [m['user_id'] for m in result['team']['members']] == ['alice', 'bob', 'carol', 'dave', 'default_user_id']
    assert result['diff']['before']['members'] == [{'user_id': 'alice', 'role': 'admin'},
                                                   {'user_id': 'bob', 'role': 'user'}, PROXY_ADMIN]
    assert run_module(litellm_team, team_id='data-team', members=declared)['changed'] is False


def test_exclusive_members_removes_the_unlisted_but_the_proxy_admin(run_module, existing_team, litellm_server):
    result = run_module(litellm_team, team_id='data-team', members=[{'user_id': 'alice', 'role': 'admin'}],
                        exclusive_members=True)

    assert result['changed_settings'] == ['members']
    assert [(r['url'].rsplit('/', 1)[-1], r['body']) for r in result['requests'] if r['method'] == 'POST'] == [
        ('member_delete', {'team_id': 'data-team', 'user_id': 'bob'})]
    listed = run_module(litellm_team_info, team_id='data-team')
    assert listed['teams'][0]['members'] == [{'user_id': 'alice', 'role': 'admin'}, PROXY_ADMIN]
    assert run_module(litellm_team, team_id='data-team', members=[{'user_id': 'alice', 'role': 'admin'}],
                      exclusive_members=True)['changed'] is False


def test_check_mode_sends_the_read_only_and_the_real_run_sends_what_it_showed(run_module, existing_team,
                                                                              litellm_server):
    options = dict(TEAM, max_budget=700, members=[{'user_id': 'erin'}])
    planned = run_module(litellm_team, check_mode=True, diff=True, **options)

    assert planned['changed'] and litellm_server.counts()['writes'] == 0
    assert [r['url'].rsplit('/', 1)[-1] for r in planned.unsent] == ['update', 'member_add']
    applied = run_module(litellm_team, diff=True, **options)
    assert [(r['url'], r['body']) for r in applied['requests'] if r['method'] == 'POST'] == [
        (r['url'], r['body']) for r in planned.unsent]
    assert applied['diff'] == planned['diff']


def test_a_team_known_by_alias_is_found_by_it(run_module, litellm_server):
    created = run_module(litellm_team, team_alias='prototypes', rpm_limit=60)
    assert created['action'] == 'create' and created['team_id']
    litellm_server.reset(data=False)

    again = run_module(litellm_team, team_alias='prototypes', rpm_limit=60)
    assert again['changed'] is False and again['team_id'] == created['team_id']
    assert counts(litellm_server) == {'GET /v2/team/list': 1, 'GET /team/info': 1}


def test_two_teams_with_one_alias_fail_and_change_nothing(run_module, litellm_server):
    # LiteLLM does not keep team aliases unique.
    run_module(litellm_team, team_id='twin-1', team_alias='twins')
    run_module(litellm_team, team_id='twin-2', team_alias='twins')
    litellm_server.reset(data=False)

    result = run_module(litellm_team, team_alias='twins', max_budget=1)
    assert result.failed
    assert "2 teams share team_alias 'twins'" in result['msg'] and 'twin-1, twin-2' in result['msg']
    assert litellm_server.counts()['writes'] == 0


def test_absent_deletes_and_absent_again_changes_nothing(run_module, existing_team, litellm_server):
    deleted = run_module(litellm_team, team_id='data-team', state='absent')
    assert deleted['action'] == 'delete' and deleted['changed']
    assert [r['body'] for r in deleted['requests'] if r['method'] == 'POST'] == [{'team_ids': ['data-team']}]

    again = run_module(litellm_team, team_id='data-team', state='absent')
    assert again['changed'] is False and again['action'] == 'absent'


@pytest.mark.parametrize('options, words', [
    pytest.param({'max_budget': 1}, ['one of the following is required: team_id, team_alias'], id='no-identity'),
    pytest.param({'team_id': 't', 'exclusive_members': True}, ['exclusive_members: needs members'], id='exclusive'),
    pytest.param({'team_id': 't', 'members': [{'user_id': 'a'}, {'user_id': 'a'}]}, ["members[1].user_id: 'a'"],
                 id='twice'),
    pytest.param({'team_id': 't', 'members': [{'user_id': 'a', 'role': 'owner'}]}, ['role', 'admin, user'],
                 id='role'),
    pytest.param({'team_id': 't', 'budget_duration': 'monthly'}, ['budget_duration: must be a count'], id='duration'),
    pytest.param({'team_id': 't', 'max_budget': -5}, ['max_budget: must be zero or more'], id='negative'),
])
def test_bad_input_fails_before_any_request(run_module, litellm_server, options, words):
    result = run_module(litellm_team, **options)

    assert result.failed
    assert all(word in result['msg'] for word in words), result['msg']
    assert litellm_server.counts()['total'] == 0


def test_team_info_lists_every_page_and_one_team_with_its_members(run_module, existing_team, litellm_server):
    for index in range(4):
        run_module(litellm_team, team_id='more-%d' % index, team_alias='more')
    litellm_server.reset(data=False)

    everything = run_module(litellm_team_info, page_size=2)
    assert sorted(t['team_id'] for t in everything['teams']) == ['data-team', 'more-0', 'more-1', 'more-2', 'more-3']
    assert counts(litellm_server) == {'GET /v2/team/list': 3}

    by_alias = run_module(litellm_team_info, team_alias='more')
    assert sorted(t['team_id'] for t in by_alias['teams']) == ['more-0', 'more-1', 'more-2', 'more-3']

    one = run_module(litellm_team_info, team_id='data-team')
    assert one['teams'][0]['members'] == [{'user_id': 'alice', 'role': 'admin'}, {'user_id': 'bob', 'role': 'user'},
                                          PROXY_ADMIN]
    assert run_module(litellm_team_info, team_id='no-such-team')['teams'] == []
