# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""litellm_key sends the fewest possible requests; the local server's counter is the meter.

A run reads the key once (GET /key/list by alias) and writes at most once: no change = 1 request; create,
update, delete = 2; check mode = the read alone.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.llmops.litellm.plugins.modules import litellm_key

ALIAS = 'counted-key'
SETTINGS = {'models': ['gpt-4o-mini', 'gpt-4o'], 'max_budget': 10, 'team_id': 'team-count', 'metadata': {'owner': 'a'}}


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
    assert [(r['method'], r['url'].split('?')[0].endswith(write), r['sent']) for r in result['requests'][1:]] == [
        ('POST', True, False)]
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
