# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A declared option newer than the proxy's LiteLLM release fails before anything is written, in check mode too,
naming the release that added it; the release is read only for such an option, once per task (and per
in-process loop); a proxy that does not say its release is written to as before.

The local server names its release in ``GET /health/readiness/details`` (``litellm_version``, set per test).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import requests

from ansible_collections.llmops.litellm.plugins.module_utils._proxy_facts import proxy_facts_scope
from ansible_collections.llmops.litellm.plugins.modules import litellm_budget, litellm_key, litellm_keys, litellm_team
from litellm_test_server import server as test_server

RELEASE_READ = 'GET /health/readiness/details'
TEAM = 'release-team'


def counts(server):
    return dict((k, v) for k, v in server.counts()['counts'].items() if '/_test/' not in k)


def writes(server):
    return dict((k, v) for k, v in counts(server).items() if not k.startswith('GET ') and k != 'POST /budget/info')


@pytest.fixture
def oldest(litellm_server):
    """A proxy that says it runs LiteLLM 1.100.0, the oldest tested release."""
    litellm_server.litellm_version = '1.100.0'
    return litellm_server


@pytest.mark.parametrize('option, value, since', [
    ('tpd_limit', 1000, '1.103.0'), ('end_user_budget_id', 'eu-budget', '1.103.0'), ('soft_budget', 2.0, '1.102.0'),
])
def test_check_mode_on_an_older_proxy_fails_for_a_newer_key_option(run_module, oldest, option, value, since):
    result = run_module(litellm_key, check_mode=True, key_alias='newer-option', **{option: value})

    assert result.failed
    assert result['msg'] == (
        '%s (LiteLLM %s): added after the LiteLLM release this proxy runs, 1.100.0 (GET /health/readiness/details), '
        'which would drop it without an error, so nothing was written. Upgrade the proxy to LiteLLM %s or later, or '
        'leave it out.' % (option, since, since))
    # (end_user_budget_id names a budget: its reference check reads /budget/info first.)
    assert writes(oldest) == {} and counts(oldest)[RELEASE_READ] == 1
    assert [r['url'].split('?')[0][len(oldest.url):] for r in result['requests']
            if 'budget' not in r['url']] == ['/key/list', '/health/readiness/details']


def test_the_real_run_fails_the_same_way_before_writing(run_module, oldest):
    result = run_module(litellm_key, key_alias='newer-apply', tpd_limit=10, object_permission={'skills': ['s']})

    assert result.failed
    assert result['msg'].startswith('tpd_limit (LiteLLM 1.103.0), object_permission.skills (LiteLLM 1.102.0): added '
                                    'after the LiteLLM release this proxy runs, 1.100.0')
    assert result['msg'].endswith('Upgrade the proxy to LiteLLM 1.103.0 or later, or leave them out.')
    assert writes(oldest) == {}


def test_an_option_only_newer_on_update_is_read_for_the_update_only(run_module, oldest):
    # project_id: /key/generate always took it; /key/update took it in 1.102.0 (clearing it sends it).
    seeded = requests.post(oldest.url + '/_test/seed', timeout=30, json={'projects': [{'project_id': 'p1'}]},
                           headers={'Authorization': 'Bearer ' + oldest.master_key})
    assert seeded.status_code == 200, seeded.text
    created = run_module(litellm_key, key_alias='in-project', project_id='p1')
    assert not created.failed, created.get('msg')
    assert RELEASE_READ not in counts(oldest)

    cleared = run_module(litellm_key, check_mode=True, key_alias='in-project', clear=['project_id'])

    assert cleared.failed and cleared['msg'].startswith('project_id (LiteLLM 1.102.0): added after')


def test_a_new_enough_proxy_plans_and_applies_with_one_read(run_module, litellm_server):
    assert litellm_server.litellm_version == test_server.LITELLM_RELEASE
    declared = dict(key_alias='new-enough', tpd_limit=1000)

    preview = run_module(litellm_key, check_mode=True, **declared)
    assert not preview.failed, preview.get('msg')
    assert counts(litellm_server) == {'GET /key/list': 1, RELEASE_READ: 1}
    litellm_server.reset(data=False)

    applied = run_module(litellm_key, **declared)
    assert not applied.failed, applied.get('msg')
    assert counts(litellm_server) == {'GET /key/list': 1, RELEASE_READ: 1, 'POST /key/generate': 1}
    litellm_server.reset(data=False)

    # A no-op sends nothing, so it reads nothing.
    assert run_module(litellm_key, **declared)['action'] == 'unchanged'
    assert counts(litellm_server) == {'GET /key/list': 1}


def test_an_ordinary_create_on_an_older_proxy_reads_no_release(run_module, oldest):
    assert not run_module(litellm_key, key_alias='ordinary', max_budget=5, models=['gpt-4o']).failed
    assert counts(oldest) == {'GET /key/list': 1, 'POST /key/generate': 1}


def test_a_proxy_without_the_readiness_details_is_written_to_as_before(run_module, oldest, monkeypatch):
    monkeypatch.setattr(test_server, 'ROUTES',
                        tuple(r for r in test_server.ROUTES if r[2] != '/health/readiness/details'))

    applied = run_module(litellm_key, key_alias='says-nothing', tpd_limit=10)

    assert not applied.failed, applied.get('msg')
    assert [r['url'].split('?')[0][len(oldest.url):] for r in applied['requests']] == [
        '/key/list', '/health/readiness/details', '/key/generate']


def test_a_budget_tpd_limit_on_an_older_proxy(run_module, oldest):
    result = run_module(litellm_budget, check_mode=True, budget_id='daily', tpd_limit=100)

    assert result.failed and result['msg'].startswith('tpd_limit (LiteLLM 1.103.0): added after')
    assert writes(oldest) == {}


def test_a_set_reads_the_release_once_and_fails_only_the_newer_keys(run_module, oldest):
    assert not run_module(litellm_team, team_id=TEAM).failed
    oldest.reset(data=False)

    result = run_module(litellm_keys, check_mode=True, team_id=TEAM, keys=[
        {'key_alias': 'plain'}, {'key_alias': 'daily', 'tpd_limit': 5}, {'key_alias': 'ended', 'end_user_budget_id': 'x'}])

    assert result.failed
    outcomes = dict((o['key_alias'], o) for o in result['results'])
    assert not outcomes['plain'].get('failed')
    assert outcomes['daily']['msg'].startswith('tpd_limit (LiteLLM 1.103.0)')
    assert outcomes['ended']['msg'].startswith('end_user_budget_id (LiteLLM 1.103.0)')
    assert counts(oldest)[RELEASE_READ] == 1


def test_an_in_process_loop_reads_the_release_once_for_all_its_items(oldest):
    connection = {'api_url': oldest.url, 'api_key': oldest.master_key}
    results = []
    for item in ('loop-1', 'loop-2', 'loop-3'):
        params = dict((name, None) for name in litellm_key.MODULE.argument_spec())
        params.update(connection, key_alias=item, tpd_limit=5, state='present', validate_certs=True, timeout=30,
                      retries=3)
        with proxy_facts_scope('one-task'):
            results.append(litellm_key.MODULE.execute(params, check_mode=True))
    assert [r.get('failed') for r in results] == [True] * 3
    assert counts(oldest)[RELEASE_READ] == 1
