# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""litellm_user and litellm_user_info against the local server: lifecycle, no key as a side effect, check mode."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.llmops.litellm.plugins.modules import litellm_key_info, litellm_user, litellm_user_info

ALICE = {'user_id': 'alice@example.com', 'user_email': 'alice@example.com', 'user_alias': 'Alice',
         'user_role': 'internal_user', 'models': ['gpt-4o'], 'max_budget': 50, 'budget_duration': '30d',
         'metadata': {'department': 'data'}}


def counts(server):
    return dict((k, v) for k, v in server.counts()['counts'].items() if '/_test/' not in k)


@pytest.fixture
def alice(run_module, litellm_server):
    created = run_module(litellm_user, **ALICE)
    assert created['changed'] and not created.failed, created.get('msg')
    litellm_server.reset(data=False)
    return created


def test_create_never_makes_a_key(run_module, litellm_server):
    result = run_module(litellm_user, diff=True, **ALICE)

    assert result['action'] == 'create' and result['user_id'] == 'alice@example.com'
    assert counts(litellm_server) == {'GET /user/info': 1, 'POST /user/new': 1}
    (create,) = [r for r in result['requests'] if r['method'] == 'POST']
    assert create['body']['auto_create_key'] is False
    assert 'key' not in result.result and 'sk-' not in str(result.result)
    assert run_module(litellm_key_info, user_id='alice@example.com')['virtual_keys'] == []
    assert result['user']['user_role'] == 'internal_user' and result['user']['max_budget'] == 50
    assert result['diff']['after']['user_email'] == 'alice@example.com'


def test_no_change_sends_one_read(run_module, alice, litellm_server):
    result = run_module(litellm_user, **dict(ALICE, max_budget=50.0))
    assert result['changed'] is False
    assert counts(litellm_server) == {'GET /user/info': 1}


def test_update_sends_only_the_differing_fields(run_module, alice, litellm_server):
    result = run_module(litellm_user, diff=True, user_id='alice@example.com', max_budget=60, user_role='proxy_admin')

    assert sorted(result['changed_settings']) == ['max_budget', 'user_role']
    (update,) = [r for r in result['requests'] if r['method'] == 'POST']
    assert update['body'] == {'user_id': 'alice@example.com', 'max_budget': 60, 'user_role': 'proxy_admin'}
    assert run_module(litellm_user, user_id='alice@example.com', max_budget=60,
                      user_role='proxy_admin')['changed'] is False


def test_metadata_is_merged(run_module, alice):
    result = run_module(litellm_user, user_id='alice@example.com', metadata={'manager': 'bob'})
    assert result['user']['metadata'] == {'department': 'data', 'manager': 'bob'}


def test_check_mode_writes_nothing(run_module, alice, litellm_server):
    planned = run_module(litellm_user, check_mode=True, user_id='alice@example.com', max_budget=70)
    created = run_module(litellm_user, check_mode=True, user_id='zoe@example.com')

    assert planned['changed'] and created['changed'] and created['action'] == 'create'
    assert litellm_server.counts()['writes'] == 0
    assert [r['url'].rsplit('/', 1)[-1] for r in planned.unsent + created.unsent] == ['update', 'new']


def test_absent_deletes_and_absent_again_changes_nothing(run_module, alice):
    deleted = run_module(litellm_user, user_id='alice@example.com', state='absent')
    assert deleted['action'] == 'delete'
    assert [r['body'] for r in deleted['requests'] if r['method'] == 'POST'] == [{'user_ids': ['alice@example.com']}]
    assert run_module(litellm_user, user_id='alice@example.com', state='absent')['action'] == 'absent'


@pytest.mark.parametrize('options, words', [
    pytest.param({'user_id': ' '}, ['user_id: must be a non-empty string'], id='empty-id'),
    pytest.param({'user_id': 'u', 'user_role': 'root'}, ['user_role', 'proxy_admin'], id='role'),
    pytest.param({'user_id': 'u', 'tpm_limit': -1}, ['tpm_limit: must be zero or more'], id='negative'),
])
def test_bad_input_fails_before_any_request(run_module, litellm_server, options, words):
    result = run_module(litellm_user, **options)
    assert result.failed and all(word in result['msg'] for word in words), result['msg']
    assert litellm_server.counts()['total'] == 0


def test_user_info_one_user_or_every_page(run_module, alice, litellm_server):
    for index in range(4):
        run_module(litellm_user, user_id='user-%d' % index, user_role='internal_user_viewer')
    litellm_server.reset(data=False)

    everything = run_module(litellm_user_info, page_size=2)
    assert sorted(u['user_id'] for u in everything['users']) == [
        'alice@example.com', 'user-0', 'user-1', 'user-2', 'user-3']
    assert counts(litellm_server) == {'GET /user/list': 3}
    viewers = run_module(litellm_user_info, user_role='internal_user_viewer')
    assert sorted(u['user_id'] for u in viewers['users']) == ['user-0', 'user-1', 'user-2', 'user-3']
    (one,) = run_module(litellm_user_info, user_id='alice@example.com')['users']
    assert one['user_alias'] == 'Alice' and one['max_budget'] == 50
    assert run_module(litellm_user_info, user_id='nobody')['users'] == []
