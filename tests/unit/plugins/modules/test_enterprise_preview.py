# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A planned Enterprise-only write fails before anything is written, in check mode too, on a proxy whose license
says ``has_license: false``; the license is read only for such a write, once per task (and per in-process loop).

The local server answers ``GET /health/license`` as LiteLLM does: no license on a plain proxy, a license on the
default server (which accepts Enterprise features).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.llmops.litellm.plugins.module_utils._proxy_facts import proxy_facts_scope
from ansible_collections.llmops.litellm.plugins.modules import (
    litellm_budget,
    litellm_key,
    litellm_keys,
    litellm_team,
)
from litellm_test_server import server as test_server

LICENSE_READ = 'GET /health/license'
RELEASE_READ = 'GET /health/readiness/details'
LEAVE_OUT = 'on a proxy without a LiteLLM Enterprise license.'
TEAM = 'licensing-team'


def counts(server):
    """The server's request counts by endpoint, without its own test endpoints."""
    return dict((k, v) for k, v in server.counts()['counts'].items() if '/_test/' not in k)


def writes(server):
    return dict((k, v) for k, v in counts(server).items() if not k.startswith('GET ') and k != 'POST /budget/info')


@pytest.fixture
def plain(litellm_server):
    litellm_server.plain_proxy = True
    return litellm_server


@pytest.fixture
def without_license_endpoint(monkeypatch):
    """A proxy from before /health/license: the route answers 404 as an unknown one does."""
    monkeypatch.setattr(test_server, 'ROUTES', tuple(r for r in test_server.ROUTES if r[2] != '/health/license'))


@pytest.fixture
def team(run_module, litellm_server):
    created = run_module(litellm_team, team_id=TEAM, members=[{'user_id': 'alice'}])
    assert not created.failed, created.get('msg')
    litellm_server.reset(data=False)


# -- keys ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('option, value', [
    ('tags', ['prod']), ('guardrails', ['pii']), ('disable_global_guardrails', True), ('policies', ['p1']),
    ('prompts', ['prompt-1']), ('allowed_passthrough_routes', ['/anthropic']),
    ('denied_passthrough_routes', ['/anthropic']), ('model_max_budget', {'gpt-4o': 1.0}),
])
def test_check_mode_on_a_plain_proxy_fails_for_an_enterprise_key_option(run_module, plain, option, value):
    result = run_module(litellm_key, check_mode=True, key_alias='enterprise-preview', **{option: value})

    assert result.failed
    assert result['msg'].startswith('%s: the proxy has no LiteLLM Enterprise license' % option)
    assert result['msg'].endswith('Leave it out ' + LEAVE_OUT)
    # denied_passthrough_routes is newer than the oldest tested release too: the proxy's release is read first.
    newer = option == 'denied_passthrough_routes'
    assert counts(plain) == dict({'GET /key/list': 1, LICENSE_READ: 1}, **({RELEASE_READ: 1} if newer else {}))
    # The reads are in the module's requests like every other read; nothing was planned unsent.
    assert [(r['method'], r['url'].split('?')[0][len(plain.url):]) for r in result['requests']] == [
        ('GET', '/key/list')] + ([('GET', '/health/readiness/details')] if newer else []) + [
        ('GET', '/health/license')]


def test_the_real_run_fails_the_same_way_before_writing(run_module, plain):
    result = run_module(litellm_key, key_alias='enterprise-apply', tags=['prod'], guardrails=['pii'])

    assert result.failed
    assert result['msg'].startswith('tags, guardrails: the proxy has no LiteLLM Enterprise license')
    assert result['msg'].endswith('Leave them out ' + LEAVE_OUT)
    assert writes(plain) == {}


def test_get_spend_routes_at_creation_fails_in_check_mode(run_module, plain):
    result = run_module(litellm_key, check_mode=True, key_alias='spend-routes',
                        permissions={'get_spend_routes': True})

    assert result.failed and result['msg'].startswith('permissions (get_spend_routes, when the key is created)')


def test_rotation_fails_in_check_mode(run_module, plain):
    assert not run_module(litellm_key, key_alias='rotated').failed
    plain.reset(data=False)

    result = run_module(litellm_key, check_mode=True, key_alias='rotated', regenerate=True)

    assert result.failed and result['msg'].startswith('regenerate: the proxy has no LiteLLM Enterprise license')
    assert counts(plain) == {'GET /key/list': 1, LICENSE_READ: 1}


def test_a_licensed_proxy_plans_and_applies_as_before(run_module, litellm_server):
    declared = dict(key_alias='licensed', tags=['prod'], model_max_budget={'gpt-4o': 1.0})

    preview = run_module(litellm_key, check_mode=True, **declared)
    assert not preview.failed, preview.get('msg')
    assert preview['action'] == 'create' and [r['url'].endswith('/key/generate') for r in preview.unsent] == [True]
    assert counts(litellm_server) == {'GET /key/list': 1, LICENSE_READ: 1}
    litellm_server.reset(data=False)

    applied = run_module(litellm_key, **declared)
    assert not applied.failed, applied.get('msg')
    assert counts(litellm_server) == {'GET /key/list': 1, LICENSE_READ: 1, 'POST /key/generate': 1}
    litellm_server.reset(data=False)

    again = run_module(litellm_key, **declared)
    assert again['action'] == 'unchanged'
    assert counts(litellm_server) == {'GET /key/list': 1}


def test_an_ordinary_create_and_a_no_op_never_read_the_license(run_module, plain):
    assert not run_module(litellm_key, key_alias='ordinary', max_budget=5).failed
    assert counts(plain) == {'GET /key/list': 1, 'POST /key/generate': 1}
    plain.reset(data=False)
    assert run_module(litellm_key, key_alias='ordinary', max_budget=5)['action'] == 'unchanged'
    assert counts(plain) == {'GET /key/list': 1}


def test_an_empty_enterprise_setting_needs_no_license(run_module, plain):
    # LiteLLM checks the premium fields for truth: an empty list passes a plain proxy.
    result = run_module(litellm_key, check_mode=True, key_alias='empty-tags', disable_global_guardrails=False)

    assert not result.failed, result.get('msg')
    assert LICENSE_READ not in counts(plain)


def test_without_the_license_endpoint_the_modules_behave_as_before(run_module, plain, without_license_endpoint):
    preview = run_module(litellm_key, check_mode=True, key_alias='old-proxy', tags=['prod'])
    assert not preview.failed, preview.get('msg')
    assert preview['action'] == 'create'
    # The read was tried (a 404, so not counted by the server's routes) and the write planned as before.
    assert counts(plain) == {'GET /key/list': 1}
    assert [r['url'].split('?')[0][len(plain.url):] for r in preview['requests']] == [
        '/key/list', '/health/license', '/key/generate']

    applied = run_module(litellm_key, key_alias='old-proxy', tags=['prod'])
    assert applied.failed
    # The proxy's own refusal, reported as before.
    assert applied['msg'].startswith('tags: the proxy refused POST')
    assert applied['msg'].endswith('Leave it out ' + LEAVE_OUT)


def test_an_unexpected_license_answer_falls_back(run_module, plain, monkeypatch):
    from litellm_test_server import management  # pylint: disable=import-outside-toplevel
    monkeypatch.setattr(management.ManagementService, 'license_info', lambda self: {'license': 'unknown'})

    preview = run_module(litellm_key, check_mode=True, key_alias='odd-answer', tags=['prod'])

    assert not preview.failed, preview.get('msg')
    assert counts(plain) == {'GET /key/list': 1, LICENSE_READ: 1}


# -- litellm_keys ----------------------------------------------------------------------------------------------

def test_a_set_reads_the_license_once_and_fails_only_the_enterprise_keys(run_module, plain, team):
    result = run_module(litellm_keys, check_mode=True, team_id=TEAM, keys=[
        {'key_alias': 'plain'}, {'key_alias': 'tagged', 'tags': ['prod']},
        {'key_alias': 'guarded', 'guardrails': ['pii']}])

    assert result.failed
    outcomes = dict((o['key_alias'], o) for o in result['results'])
    assert not outcomes['plain'].get('failed')
    assert outcomes['tagged']['msg'].startswith('tags: the proxy has no LiteLLM Enterprise license')
    assert outcomes['guarded']['msg'].startswith('guardrails: the proxy has no LiteLLM Enterprise license')
    assert counts(plain) == {'GET /key/list': 1, 'GET /team/info': 1, LICENSE_READ: 1}


def test_a_set_without_enterprise_settings_reads_no_license(run_module, plain, team):
    assert not run_module(litellm_keys, team_id=TEAM, keys=[{'key_alias': 'a'}, {'key_alias': 'b'}]).failed
    assert LICENSE_READ not in counts(plain)


# -- teams -----------------------------------------------------------------------------------------------------

def test_check_mode_on_a_plain_proxy_fails_for_an_admin_added_later(run_module, plain, team):
    result = run_module(litellm_team, check_mode=True, team_id=TEAM,
                        members=[{'user_id': 'alice'}, {'user_id': 'carol', 'role': 'admin'}])

    assert result.failed
    assert result['msg'].startswith('members (role admin for carol, added to an existing team): the proxy has no')
    assert result['msg'].endswith('Leave it out ' + LEAVE_OUT)
    assert counts(plain) == {'GET /team/info': 1, LICENSE_READ: 1}


def test_check_mode_on_a_plain_proxy_fails_for_a_member_made_admin(run_module, plain, team):
    result = run_module(litellm_team, check_mode=True, team_id=TEAM, members=[{'user_id': 'alice', 'role': 'admin'}])

    assert result.failed
    assert result['msg'].startswith('members (role admin for alice, in an existing team)')


def test_the_apply_refusal_of_an_admin_names_the_members(run_module, plain, team, without_license_endpoint):
    result = run_module(litellm_team, team_id=TEAM, members=[{'user_id': 'alice', 'role': 'admin'}])

    assert result.failed
    assert result['msg'].startswith('members (role admin for alice, in an existing team): the proxy refused')


def test_admins_of_a_new_team_need_no_license(run_module, plain):
    result = run_module(litellm_team, team_id='new-team', members=[{'user_id': 'alice', 'role': 'admin'}])

    assert not result.failed, result.get('msg')
    assert LICENSE_READ not in counts(plain)


def test_an_admin_added_on_a_licensed_proxy_is_planned_and_applied(run_module, litellm_server, team):
    members = [{'user_id': 'alice'}, {'user_id': 'carol', 'role': 'admin'}]
    preview = run_module(litellm_team, check_mode=True, team_id=TEAM, members=members)
    assert not preview.failed and preview['changed']
    applied = run_module(litellm_team, team_id=TEAM, members=members)
    assert not applied.failed and applied['changed']
    assert counts(litellm_server)[LICENSE_READ] == 2


# -- budgets ---------------------------------------------------------------------------------------------------

def test_check_mode_on_a_plain_proxy_fails_for_a_budget_per_model_limit(run_module, plain):
    result = run_module(litellm_budget, check_mode=True, budget_id='per-model',
                        model_max_budget={'gpt-4o': {'max_budget': 1}})

    assert result.failed
    assert result['msg'].startswith('model_max_budget: the proxy has no LiteLLM Enterprise license')
    assert writes(plain) == {} and counts(plain)[LICENSE_READ] == 1


def test_a_budget_per_model_limit_on_a_licensed_proxy(run_module, litellm_server):
    result = run_module(litellm_budget, budget_id='per-model', model_max_budget={'gpt-4o': {'max_budget': 1}})

    assert not result.failed, result.get('msg')
    assert counts(litellm_server)['POST /budget/new'] == 1 and counts(litellm_server)[LICENSE_READ] == 1


# -- in-process loops ------------------------------------------------------------------------------------------

def test_an_in_process_loop_reads_the_license_once_for_all_its_items(litellm_server):
    litellm_server.plain_proxy = True
    connection = {'api_url': litellm_server.url, 'api_key': litellm_server.master_key}
    results = []
    for item in ('loop-1', 'loop-2', 'loop-3'):
        params = dict((name, None) for name in litellm_key.MODULE.argument_spec())
        params.update(connection, key_alias=item, tags=['prod'], state='present', validate_certs=True,
                      timeout=30, retries=3)
        with proxy_facts_scope('one-task'):
            results.append(litellm_key.MODULE.execute(params, check_mode=True))
    assert [r.get('failed') for r in results] == [True] * 3
    assert counts(litellm_server)[LICENSE_READ] == 1
    # Another task reads it again.
    with proxy_facts_scope('another-task'):
        litellm_key.MODULE.execute(params, check_mode=True)
    assert counts(litellm_server)[LICENSE_READ] == 2
