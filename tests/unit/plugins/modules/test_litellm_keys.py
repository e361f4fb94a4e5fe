# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""litellm_keys: a whole set in one task. The scope is read in pages, only the differences are written.

Request counts come from the local server's counter: a set of N keys costs ceil(N / 100) reads (one when the
scope is empty) plus one write per created or updated key and one per 100 deleted keys.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json

import pytest

from ansible_collections.llmops.litellm.plugins.modules import litellm_key_info, litellm_keys

TEAM = 'set-team'


@pytest.fixture(autouse=True)
def teams(seed_teams):
    """The teams these sets name exist (a key may only name a team that exists)."""
    seed_teams(TEAM, 'owned', 'other', 'elsewhere')


def declared(count, prefix='set', **settings):
    keys = []
    for index in range(count):
        key = {'key_alias': '%s-%04d' % (prefix, index), 'models': ['gpt-4o-mini'], 'max_budget': 10.0}
        key.update(settings)
        keys.append(key)
    return keys


def aliases_on_server(run_module, **filters):
    listed = run_module(litellm_key_info, **filters)
    return sorted(k['key_alias'] for k in listed['virtual_keys'])


def actions(result):
    return dict((outcome['key_alias'], outcome['action']) for outcome in result['results'])


def sha256(text):
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


def test_set_lifecycle_sends_paged_reads_and_only_the_needed_writes(run_module, key_requests, litellm_server):
    keys = declared(150)

    created = run_module(litellm_keys, team_id=TEAM, keys=keys)
    assert not created.failed and created['changed']
    assert created['summary'] == {'create': 150}
    # The scope was empty: one read; one POST /key/generate per key (LiteLLM creates one key per request).
    assert key_requests()['by_endpoint'] == {'GET /key/list': 1, 'POST /key/generate': 150}
    litellm_server.reset(data=False)

    unchanged = run_module(litellm_keys, team_id=TEAM, keys=keys)
    assert unchanged['changed'] is False
    assert unchanged['summary'] == {'unchanged': 150}
    assert key_requests() == {'reads': 2, 'writes': 0, 'by_endpoint': {'GET /key/list': 2}}
    litellm_server.reset(data=False)

    for key in keys[::10]:
        key['max_budget'] = 20.0
    updated = run_module(litellm_keys, team_id=TEAM, keys=keys)
    assert updated['summary'] == {'update': 15, 'unchanged': 135}
    assert set(tuple(o['changed_settings']) for o in updated['results'] if o['action'] == 'update') == {('max_budget',)}
    assert key_requests()['by_endpoint'] == {'GET /key/list': 2, 'POST /key/update': 15}
    litellm_server.reset(data=False)

    deleted = run_module(litellm_keys, team_id=TEAM, keys=[dict(k, state='absent') for k in keys])
    assert deleted['summary'] == {'delete': 150}
    # Deletions go in batches of 100.
    assert key_requests()['by_endpoint'] == {'GET /key/list': 2, 'POST /key/delete': 2}
    assert aliases_on_server(run_module, team_id=TEAM) == []


def test_updated_keys_hold_the_new_settings(run_module):
    keys = declared(12)
    run_module(litellm_keys, team_id=TEAM, keys=keys)
    keys[3]['max_budget'] = 33.0
    keys[7]['models'] = ['gpt-4o']

    updated = run_module(litellm_keys, team_id=TEAM, keys=keys)

    changed = dict((alias, action) for alias, action in actions(updated).items() if action != 'unchanged')
    assert changed == {'set-0003': 'update', 'set-0007': 'update'}
    stored = dict((k['key_alias'], k) for k in run_module(litellm_key_info, team_id=TEAM)['virtual_keys'])
    assert stored['set-0003']['max_budget'] == 33.0
    assert stored['set-0007']['models'] == ['gpt-4o']
    assert run_module(litellm_keys, team_id=TEAM, keys=keys)['changed'] is False


def test_page_size_sets_the_number_of_reads(run_module, seed_keys, key_requests):
    seed_keys([{'key_alias': 'p-%03d' % i, 'team_id': TEAM} for i in range(120)])

    result = run_module(litellm_keys, team_id=TEAM, page_size=50, keys=[{'key_alias': 'p-000'}])

    assert result['summary'] == {'unchanged': 1}
    assert key_requests()['by_endpoint'] == {'GET /key/list': 3}


def test_exclusive_deletes_only_undeclared_keys_inside_the_team(run_module, seed_keys, key_requests):
    seed_keys([
        {'key_alias': 'own-a', 'team_id': 'owned'},
        {'key_alias': 'own-b', 'team_id': 'owned'},
        {'key_alias': 'own-c', 'team_id': 'owned'},
        {'key_alias': 'other-x', 'team_id': 'other'},
        {'key_alias': 'loose-y'},
    ])

    result = run_module(litellm_keys, team_id='owned', exclusive=True, keys=[{'key_alias': 'own-a'}])

    assert actions(result) == {'own-a': 'unchanged', 'own-b': 'delete', 'own-c': 'delete'}
    assert key_requests()['by_endpoint'] == {'GET /key/list': 1, 'POST /key/delete': 1}
    assert aliases_on_server(run_module) == ['loose-y', 'other-x', 'own-a']


def test_exclusive_with_alias_prefix_owns_only_that_prefix(run_module, seed_keys, key_requests):
    seed_keys([{'key_alias': alias} for alias in ('ws-1', 'ws-2', 'ws-3', 'ws', 'other-1', 'xws-1')])

    result = run_module(litellm_keys, alias_prefix='ws-', exclusive=True,
                        keys=[{'key_alias': 'ws-1'}, {'key_alias': 'ws-4'}])

    assert actions(result) == {'ws-1': 'unchanged', 'ws-4': 'create', 'ws-2': 'delete', 'ws-3': 'delete'}
    assert key_requests()['by_endpoint'] == {'GET /key/list': 1, 'POST /key/generate': 1, 'POST /key/delete': 1}
    assert aliases_on_server(run_module) == ['other-1', 'ws', 'ws-1', 'ws-4', 'xws-1']


def test_without_exclusive_undeclared_keys_are_untouched(run_module, seed_keys, key_requests):
    seed_keys([{'key_alias': 'keep-a', 'team_id': TEAM, 'max_budget': 1.0},
               {'key_alias': 'keep-b', 'team_id': TEAM, 'max_budget': 1.0}])

    result = run_module(litellm_keys, team_id=TEAM, keys=[{'key_alias': 'keep-a', 'max_budget': 2.0}])

    assert actions(result) == {'keep-a': 'update'}
    assert key_requests()['by_endpoint'] == {'GET /key/list': 1, 'POST /key/update': 1}
    assert aliases_on_server(run_module, team_id=TEAM) == ['keep-a', 'keep-b']


def test_exclusive_without_a_scope_fails_before_any_request(run_module, key_requests):
    result = run_module(litellm_keys, exclusive=True, keys=[{'key_alias': 'a'}])

    assert result.failed
    assert 'exclusive' in result['msg']
    assert key_requests() == {'reads': 0, 'writes': 0, 'by_endpoint': {}}


def test_check_mode_plans_every_key_and_sends_no_write(run_module, seed_keys, key_requests, litellm_server):
    seed_keys([{'key_alias': alias, 'team_id': TEAM, 'max_budget': 1.0}
               for alias in ('same', 'differs', 'retired', 'undeclared')])
    options = dict(team_id=TEAM, exclusive=True, keys=[
        {'key_alias': 'same', 'max_budget': 1.0},
        {'key_alias': 'differs', 'max_budget': 5.0},
        {'key_alias': 'new', 'max_budget': 1.0},
        {'key_alias': 'retired', 'state': 'absent'},
    ])

    planned = run_module(litellm_keys, check_mode=True, diff=True, **options)

    expected = {'same': 'unchanged', 'differs': 'update', 'new': 'create', 'retired': 'delete', 'undeclared': 'delete'}
    assert actions(planned) == expected
    assert planned['changed'] is True
    assert key_requests() == {'reads': 1, 'writes': 0, 'by_endpoint': {'GET /key/list': 1}}
    unsent = [(r['method'], r['url'].rsplit('/', 2)[-1]) for r in planned.unsent]
    assert sorted(unsent) == [('POST', 'delete'), ('POST', 'generate'), ('POST', 'update')]
    assert sorted(planned['diff']['after']) == ['differs', 'new', 'retired', 'undeclared']
    assert planned['diff']['before']['differs']['max_budget'] == 1.0
    assert planned['diff']['after']['differs']['max_budget'] == 5.0
    assert aliases_on_server(run_module, team_id=TEAM) == ['differs', 'retired', 'same', 'undeclared']

    # The real run does what the check run said, with the very requests it showed.
    litellm_server.reset(data=False)
    applied = run_module(litellm_keys, diff=True, **options)
    assert actions(applied) == expected
    assert [dict(r, sent=True) for r in planned['requests']] == applied['requests']
    assert key_requests()['writes'] == 3


def test_one_failing_key_does_not_hide_the_others(run_module, seed_keys, key_requests):
    # 'taken' exists outside the set's team: the read of the scope cannot see it, and LiteLLM refuses a
    # second key with that alias.
    seed_keys([{'key_alias': 'taken', 'team_id': 'elsewhere'}])

    result = run_module(litellm_keys, team_id=TEAM, keys=[{'key_alias': 'first'}, {'key_alias': 'taken'},
                                                          {'key_alias': 'last'}])

    assert result.failed
    outcomes = dict((o['key_alias'], o) for o in result['results'])
    assert [outcomes[a]['action'] for a in ('first', 'taken', 'last')] == ['create'] * 3
    assert not outcomes['first'].get('failed') and not outcomes['last'].get('failed')
    assert outcomes['taken']['failed'] is True
    assert 'already exists' in outcomes['taken']['msg']
    assert 'taken' in result['msg'] and '1 of 3' in result['msg']
    # The secrets of the keys that were created are not lost with the failure.
    assert sorted(result['secrets']) == ['first', 'last']
    assert key_requests()['by_endpoint'] == {'GET /key/list': 1, 'POST /key/generate': 3}
    assert aliases_on_server(run_module, team_id=TEAM) == ['first', 'last']


def test_a_server_rejection_fails_that_key_only(run_module, litellm_server):
    litellm_server.plain_proxy = True  # tags are an Enterprise feature: a plain proxy answers 403

    result = run_module(litellm_keys, team_id=TEAM, keys=[{'key_alias': 'plain'},
                                                          {'key_alias': 'tagged', 'tags': ['prod']}])

    assert result.failed
    outcomes = dict((o['key_alias'], o) for o in result['results'])
    assert not outcomes['plain'].get('failed') and outcomes['plain']['changed']
    assert outcomes['tagged']['failed'] is True
    assert 'Enterprise' in outcomes['tagged']['msg']
    assert sorted(result['secrets']) == ['plain']


def test_two_keys_sharing_an_alias_fail_that_alias_only(run_module, seed_keys, key_requests):
    seed_keys([{'key_alias': 'twin', 'team_id': TEAM}, {'key_alias': 'twin', 'team_id': TEAM}])

    result = run_module(litellm_keys, team_id=TEAM, keys=[{'key_alias': 'twin'}, {'key_alias': 'solo'}])

    assert result.failed
    outcomes = dict((o['key_alias'], o) for o in result['results'])
    assert outcomes['twin']['failed'] is True and '2 keys share this alias' in outcomes['twin']['msg']
    assert outcomes['solo']['action'] == 'create' and not outcomes['solo'].get('failed')
    assert key_requests()['by_endpoint'] == {'GET /key/list': 1, 'POST /key/generate': 1}


def test_secrets_come_back_by_alias_and_nowhere_else(run_module):
    chosen = 'sk-chosen-by-caller-0001'
    keys = declared(3, prefix='sec') + [{'key_alias': 'sec-chosen'}]

    result = run_module(litellm_keys, diff=True, team_id=TEAM, keys=keys, chosen_keys={'sec-chosen': chosen})

    tokens = dict((o['key_alias'], o['token']) for o in result['results'])
    # Generated secrets, by alias; each is the secret of the key the result names by hash.
    assert sorted(result['secrets']) == ['sec-0000', 'sec-0001', 'sec-0002']
    for alias, secret in result['secrets'].items():
        assert secret.startswith('sk-') and sha256(secret) == tokens[alias]
    # The caller's own secret is never echoed; the key was created with it.
    assert tokens['sec-chosen'] == sha256(chosen)
    everything_else = json.dumps(dict((k, v) for k, v in result.result.items() if k != 'secrets'))
    assert chosen not in everything_else
    for secret in result['secrets'].values():
        assert secret not in everything_else
    assert 'sk-' not in json.dumps(result['diff'])


# Types, unknown and missing options of an item are AnsibleModule's own suboption checks (they name the option
# within keys); what LiteLLM would refuse or misread is the collection's, and names the item.
@pytest.mark.parametrize('bad_item, words', [
    pytest.param({'key_alias': 'bad', 'max_budget': 'lots'}, ["'max_budget'", "'keys'"], id='wrong-type'),
    pytest.param({'key_alias': 'bad', 'no_such_option': 1}, ['keys.no_such_option'], id='unknown-option'),
    pytest.param({'key_alias': 'bad', 'key': 'sk-secret-in-the-list-01'}, ['keys.key'], id='secret-in-the-list'),
    pytest.param({'max_budget': 1.0}, ['key_alias', 'keys'], id='no-alias'),
    pytest.param({'key_alias': 'good'}, ['keys[1]:', 'declared twice'], id='duplicate-alias'),
    pytest.param({'key_alias': 'bad', 'team_id': 'another-team'}, ['keys[1].team_id:'], id='outside-the-team'),
    pytest.param({'key_alias': 'bad', 'budget_duration': 'monthly'}, ['keys[1].budget_duration:'], id='bad-duration'),
    pytest.param({'key_alias': 'bad', 'max_budget': -1}, ['keys[1].max_budget:'], id='negative-budget'),
])
def test_a_bad_item_fails_the_task_before_any_request(run_module, key_requests, bad_item, words):
    result = run_module(litellm_keys, team_id=TEAM, keys=[{'key_alias': 'good'}, bad_item])

    assert result.failed
    assert all(word in result['msg'] for word in words), result['msg']
    assert 'sk-secret-in-the-list-01' not in result['msg']
    assert key_requests() == {'reads': 0, 'writes': 0, 'by_endpoint': {}}


def test_a_chosen_key_for_an_undeclared_alias_fails_before_any_request(run_module, key_requests):
    result = run_module(litellm_keys, team_id=TEAM, keys=[{'key_alias': 'a'}],
                        chosen_keys={'not-declared': 'sk-chosen-by-caller-0002'})

    assert result.failed and result['msg'].startswith('chosen_keys')
    assert 'sk-chosen-by-caller-0002' not in json.dumps(result.result)
    assert key_requests()['by_endpoint'] == {}


def test_exclusive_team_scope_deletes_keys_without_an_alias(run_module, seed_keys, key_requests):
    # A key made outside Ansible (UI, API) may have no alias; in the team the set owns, it is undeclared.
    seed_keys([{'key_alias': 'declared', 'team_id': TEAM}, {'team_id': TEAM}, {'team_id': TEAM},
               {'key_alias': 'zz', 'team_id': TEAM}])

    result = run_module(litellm_keys, diff=True, team_id=TEAM, exclusive=True, keys=[{'key_alias': 'declared'}])

    assert not result.failed, result.get('msg')
    assert result['summary'] == {'unchanged': 1, 'delete': 3}
    assert len(result['diff']['before']) == 3  # one entry per deleted key, alias or not
    assert key_requests()['by_endpoint'] == {'GET /key/list': 1, 'POST /key/delete': 1}
    assert aliases_on_server(run_module, team_id=TEAM) == ['declared']
