# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The key-set engine (_key_sets): validation of declared keys, paged scope reads, batched deletes.

Against the local key server over real HTTP; its counter says how many requests each step sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.llmops.litellm.plugins.module_utils._client import LiteLLMClient
from ansible_collections.llmops.litellm.plugins.module_utils._errors import InvalidOption, ServerError
from ansible_collections.llmops.litellm.plugins.module_utils._key_sets import (
    DELETE_BATCH,
    _delete_all,
    key_item_options,
    read_scope,
    run_key_set_task,
    validate_key_specs,
)
from ansible_collections.llmops.litellm.plugins.module_utils._keys import key_reconciler

ITEMS = ArgumentSpecValidator({'keys': {'type': 'list', 'elements': 'dict', 'options': key_item_options()}})


def parsed(items):
    """``keys`` as the module receives it: parsed against the item options (defaults applied)."""
    result = ITEMS.validate({'keys': items})
    assert not result.error_messages, result.error_messages
    return result.validated_parameters['keys']


def task_params(**options):
    params = {'keys': [], 'chosen_keys': None, 'team_id': None, 'user_id': None, 'alias_prefix': None,
              'exclusive': False, 'page_size': 100}
    params.update(options)
    params['keys'] = parsed(params['keys'])
    return params


def request_counts(server):
    return dict((name, count) for name, count in server.counts()['counts'].items() if ' /key/' in name)


@pytest.fixture
def client(litellm_server):
    return LiteLLMClient(litellm_server.url, api_key=litellm_server.master_key, retries=0)


@pytest.fixture
def make_team(client, litellm_server):
    """Create a team over HTTP (POST /team/new with a chosen id), then zero the counters."""

    def make(team_id):
        client.new_team({'team_id': team_id})
        litellm_server.reset(data=False)

    return make


@pytest.fixture
def make_keys(client, litellm_server):
    """Create keys over HTTP (POST /key/generate), then zero the counters."""

    def make(aliases, **settings):
        for alias in aliases:
            body = {'key_alias': alias}
            body.update(settings)
            client.generate_key(body)
        litellm_server.reset(data=False)

    return make


class RefusingDeletes(LiteLLMClient):
    """A client whose proxy fails (HTTP 500) every multi-key delete and the single deletes of ``refused``."""

    def __init__(self, *args, **kwargs):
        self.refused = set(kwargs.pop('refused', ()))
        super(RefusingDeletes, self).__init__(*args, **kwargs)

    def send(self, request):
        keys = (request.json or {}).get('keys') if request.url.endswith('/key/delete') else None
        if keys and (len(keys) > 1 or keys[0] in self.refused):
            raise ServerError('the proxy failed (HTTP 500) for POST /key/delete: simulated', status=500)
        return super(RefusingDeletes, self).send(request)


# -- validation ----------------------------------------------------------------------------------------------

def test_declared_keys_take_the_scope_and_defaults():
    specs = validate_key_specs(parsed([{'key_alias': 'a'}, {'key_alias': 'b', 'team_id': 't', 'state': 'absent'}]),
                               {'team_id': 't', 'user_id': 'u', 'alias_prefix': None}, {})

    assert [(s['key_alias'], s['state'], s['team_id'], s['user_id']) for s in specs] == [
        ('a', 'present', 't', 'u'), ('b', 'absent', 't', 'u')]
    assert specs[0]['key'] is None


def test_chosen_keys_reach_their_spec_only():
    specs = validate_key_specs(parsed([{'key_alias': 'a'}, {'key_alias': 'b'}]), {}, {'b': 'sk-chosen-secret-0001'})

    assert [s['key'] for s in specs] == [None, 'sk-chosen-secret-0001']


@pytest.mark.parametrize('items, scope, option, words', [
    pytest.param([{'key_alias': 'a'}, {'key_alias': ' b'}], {}, 'keys[1].key_alias', 'white space', id='bad-alias'),
    pytest.param([{'key_alias': 'a'}, {'key_alias': 'a'}], {}, 'keys[1]', 'declared twice', id='twice'),
    pytest.param([{'key_alias': 'x-a'}], {'alias_prefix': 'ws-'}, 'keys[0]', 'outside', id='prefix'),
    pytest.param([{'key_alias': 'a', 'user_id': 'v'}], {'user_id': 'u'}, 'keys[0].user_id', 'scoped', id='user'),
    pytest.param([{'key_alias': 'a', 'duration': '3 days'}], {}, 'keys[0].duration', 'unit', id='duration'),
])
def test_invalid_declarations_name_the_item(items, scope, option, words):
    with pytest.raises(InvalidOption) as caught:
        validate_key_specs(parsed(items), scope, {})

    assert caught.value.option == option
    assert words in str(caught.value)


def test_nothing_is_sent_when_a_declaration_is_invalid(client, litellm_server):
    with pytest.raises(InvalidOption):
        run_key_set_task(client, task_params(team_id='t', keys=[{'key_alias': 'a'}, {'key_alias': 'a'}]), False)

    assert litellm_server.counts()['total'] == 0


# -- reading the scope ---------------------------------------------------------------------------------------

def test_scope_is_read_in_pages(client, make_keys, litellm_server):
    make_keys(['t-%02d' % i for i in range(25)], team_id='t')
    make_keys(['u-%02d' % i for i in range(5)], team_id='u')

    found = read_scope(client, {'team_id': 't'}, page_size=10)

    assert sorted(found) == ['t-%02d' % i for i in range(25)]
    assert request_counts(litellm_server) == {'GET /key/list': 3}


def test_alias_prefix_scope_reads_every_key_and_keeps_the_prefix(client, make_keys, litellm_server):
    # LiteLLM's /key/list has no prefix filter: the whole proxy is read, the prefix applied here.
    make_keys(['ws-1', 'ws-2', 'ws', 'other'])
    client.generate_key({})  # a key without an alias
    litellm_server.reset(data=False)

    found = read_scope(client, {'alias_prefix': 'ws-'})

    assert sorted(found) == ['ws-1', 'ws-2']
    assert request_counts(litellm_server) == {'GET /key/list': 1}


# -- writing -------------------------------------------------------------------------------------------------

def test_deletes_go_in_batches_of_a_hundred(client, make_keys, litellm_server):
    count = 2 * DELETE_BATCH + 50
    make_keys(['del-%03d' % i for i in range(count)], team_id='t')

    result = run_key_set_task(client, task_params(team_id='t', exclusive=True), False)

    assert not result.get('failed')
    assert result['summary'] == {'delete': count}
    assert request_counts(litellm_server) == {'GET /key/list': 3, 'POST /key/delete': 3}
    assert client.list_keys(team_id='t')['total_count'] == 0


def test_a_failed_batch_is_retried_key_by_key_and_names_the_failure(litellm_server, make_keys):
    make_keys(['bad-1', 'ok-1', 'ok-2'], team_id='t')
    client = RefusingDeletes(litellm_server.url, api_key=litellm_server.master_key, retries=0)
    refused_token = next(iter(read_scope(client, {'team_id': 't'})['bad-1']))['token']
    client.refused.add(refused_token)
    litellm_server.reset(data=False)

    result = run_key_set_task(client, task_params(team_id='t', exclusive=True), False)

    assert result['failed'] and result['msg'].startswith('1 of 3 keys failed')
    outcomes = dict((o['key_alias'], o) for o in result['results'])
    assert outcomes['bad-1']['failed'] is True and 'simulated' in outcomes['bad-1']['msg']
    assert [outcomes[a]['action'] for a in ('ok-1', 'ok-2')] == ['delete', 'delete']
    assert not outcomes['ok-1'].get('failed') and not outcomes['ok-2'].get('failed')
    # The refused requests never reached the server; the two single deletes did.
    assert request_counts(litellm_server) == {'GET /key/list': 1, 'POST /key/delete': 2}
    assert sorted(read_scope(client, {'team_id': 't'})) == ['bad-1']
    assert sorted(result['diff']['after']) == ['ok-1', 'ok-2']


def test_keys_already_gone_count_as_deleted(client, make_keys, litellm_server):
    make_keys(['gone-1', 'gone-2'], team_id='t')
    reconciler = key_reconciler(client)
    plans = [reconciler.plan({'key_alias': alias, 'state': 'absent'}, records[0])
             for alias, records in sorted(read_scope(client, {'team_id': 't'}).items())]
    client.delete_keys(key_aliases=['gone-1', 'gone-2'])  # someone else deletes them first
    litellm_server.reset(data=False)

    batch = client.delete_keys(keys=[p.server_id for p in plans], return_request=True)
    outcomes = _delete_all(reconciler, [(plans, batch)], {'before': {}, 'after': {}})

    assert [(o['key_alias'], o['action'], o.get('failed')) for o in outcomes] == [
        ('gone-1', 'delete', None), ('gone-2', 'delete', None)]
    assert request_counts(litellm_server) == {'POST /key/delete': 1}


def test_check_mode_records_every_write_unsent(make_keys, make_team, litellm_server):
    make_team('t')
    make_keys(['keep', 'change', 'drop'], team_id='t', max_budget=1.0)
    params = task_params(team_id='t', exclusive=True, keys=[
        {'key_alias': 'keep', 'max_budget': 1.0}, {'key_alias': 'change', 'max_budget': 2.0}, {'key_alias': 'add'}])
    client = LiteLLMClient(litellm_server.url, api_key=litellm_server.master_key)

    result = run_key_set_task(client, params, True)

    assert not result.get('failed')
    assert result['summary'] == {'unchanged': 1, 'update': 1, 'create': 1, 'delete': 1}
    assert result['secrets'] == {}
    # The scope read, the team read (once, for the first key that writes), then the unsent writes.
    assert [(r['method'], r['url'].split('?')[0].rsplit('/', 2)[-2:], r['sent']) for r in result['requests']] == [
        ('GET', ['key', 'list'], True), ('GET', ['team', 'info'], True), ('POST', ['key', 'update'], False),
        ('POST', ['key', 'generate'], False), ('POST', ['key', 'delete'], False)]
    assert litellm_server.counts()['writes'] == 0


def test_a_key_of_a_missing_team_is_refused_before_anything_is_written(client, litellm_server):
    result = run_key_set_task(client, task_params(keys=[{'key_alias': 'orphan', 'team_id': 'no-such-team'}]), False)

    assert result['failed']
    (outcome,) = result['results']
    assert outcome['msg'].startswith("team_id: the team 'no-such-team' does not exist")
    assert litellm_server.counts()['writes'] == 0
