# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""litellm_credential and litellm_credential_info against the local server: write-only secrets (update_secrets),
compared non-secret values, and no secret anywhere in what the module reports."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.llmops.litellm.plugins.module_utils._credentials import CREDENTIAL
from ansible_collections.llmops.litellm.plugins.modules import litellm_credential, litellm_credential_info

SECRET = 'sk-provider-secret-0123456789'
ROTATED = 'sk-provider-rotated-9876543210'
OPENAI = {'credential_name': 'openai-prod',
          'credential_values': {'api_key': SECRET, 'api_base': 'https://api.openai.com/v1'},
          'credential_info': {'custom_llm_provider': 'openai'}}


def counts(server):
    return dict((k, v) for k, v in server.counts()['counts'].items() if '/_test/' not in k)


def stored(server):
    return server.httpd.service.store.entity('credential', 'openai-prod')


@pytest.fixture
def openai(run_module, litellm_server):
    created = run_module(litellm_credential, **OPENAI)
    assert created['changed'] and not created.failed, created.get('msg')
    litellm_server.reset(data=False)
    return created


def test_lifecycle(run_module, litellm_server):
    planned = run_module(litellm_credential, check_mode=True, **OPENAI)
    assert planned['changed'] and planned['action'] == 'create' and litellm_server.counts()['writes'] == 0
    litellm_server.reset(data=False)

    created = run_module(litellm_credential, diff=True, **OPENAI)
    assert created['action'] == 'create' and created['credential_name'] == 'openai-prod'
    assert created['plan_digest'] == planned['plan_digest']
    assert created['credential']['credential_values']['api_key'] == '********'
    assert created['credential']['credential_info'] == {'custom_llm_provider': 'openai'}
    assert stored(litellm_server)['credential_values'] == OPENAI['credential_values']
    assert counts(litellm_server) == {'GET /credentials/by_name/{credential_name}': 1, 'POST /credentials': 1}

    litellm_server.reset(data=False)
    again = run_module(litellm_credential, **OPENAI)
    assert again['changed'] is False and again['action'] == 'unchanged'
    assert counts(litellm_server) == {'GET /credentials/by_name/{credential_name}': 1}

    moved = dict(OPENAI, credential_values={'api_key': SECRET, 'api_base': 'https://eu.api.openai.com/v1'})
    preview = run_module(litellm_credential, check_mode=True, **moved)
    assert preview['changed'] and preview['changed_settings'] == ['credential_values']
    updated = run_module(litellm_credential, **moved)
    assert updated['action'] == 'update' and updated['plan_digest'] == preview['plan_digest']
    # Only the value that differs, and the credential_info LiteLLM's PATCH requires; never the secret. (Ansible's
    # no_log hides every declared value of credential_values in the module's output.)
    assert [r['body'] for r in updated['requests'] if r['method'] == 'PATCH'] == [
        {'credential_name': 'openai-prod', 'credential_values': {'api_base': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'},
         'credential_info': {}}]
    assert stored(litellm_server)['credential_values'] == moved['credential_values']
    assert run_module(litellm_credential, **moved)['changed'] is False

    deleted = run_module(litellm_credential, credential_name='openai-prod', state='absent')
    assert deleted['action'] == 'delete' and stored(litellm_server) is None
    assert run_module(litellm_credential, credential_name='openai-prod', state='absent')['action'] == 'absent'


def test_a_changed_secret_is_not_sent_by_default(run_module, openai, litellm_server):
    rotated = dict(OPENAI, credential_values={'api_key': ROTATED})
    result = run_module(litellm_credential, **rotated)
    assert result['changed'] is False and litellm_server.counts()['writes'] == 0
    assert stored(litellm_server)['credential_values']['api_key'] == SECRET


def test_update_secrets_always_sends_them_again(run_module, openai, litellm_server):
    rotated = dict(OPENAI, credential_values={'api_key': ROTATED}, update_secrets='always')
    preview = run_module(litellm_credential, check_mode=True, diff=True, **rotated)
    assert preview['changed'] and preview['changed_settings'] == ['credential_values']
    (write,) = preview.unsent
    assert write['method'] == 'PATCH' and write['body']['credential_values'] == {'api_key': '********'}
    result = run_module(litellm_credential, **rotated)
    assert result['changed'] and result['plan_digest'] == preview['plan_digest']
    assert stored(litellm_server)['credential_values'] == {'api_key': ROTATED, 'api_base': 'https://api.openai.com/v1'}
    # Every run sends it again, reported as changed.
    assert run_module(litellm_credential, **rotated)['changed'] is True
    # Without secrets declared there is nothing to send again.
    info_only = dict(OPENAI, credential_values={'api_base': 'https://api.openai.com/v1'}, update_secrets='always')
    assert run_module(litellm_credential, **info_only)['changed'] is False


def test_credential_info_is_compared_and_merged(run_module, openai, litellm_server):
    result = run_module(litellm_credential, credential_name='openai-prod', credential_info={'team': 'ml'})
    assert result['changed'] and result['changed_settings'] == ['credential_info']
    assert [r['body'] for r in result['requests'] if r['method'] == 'PATCH'] == [
        {'credential_name': 'openai-prod', 'credential_values': {}, 'credential_info': {'team': 'ml'}}]
    assert stored(litellm_server)['credential_info'] == {'custom_llm_provider': 'openai', 'team': 'ml'}
    assert result['credential']['credential_info'] == {'custom_llm_provider': 'openai', 'team': 'ml'}
    assert run_module(litellm_credential, credential_name='openai-prod', credential_info={'team': 'ml'})[
        'changed'] is False


def test_a_masked_read_back_is_never_sent(run_module, openai, litellm_server):
    moved = dict(OPENAI, credential_values={'api_key': SECRET, 'api_base': 'https://x.example/v1'},
                 update_secrets='on_create')
    result = run_module(litellm_credential, **moved)
    for request in result['requests']:
        assert '****' not in json.dumps(request['body']).replace('********', '')
    assert stored(litellm_server)['credential_values']['api_key'] == SECRET


@pytest.mark.parametrize('values, fragment', [
    ({'api_key': 'sk****-1'}, 'credential_values: entry api_key looks like the masked value the proxy answers'),
    ({'api_key': '*****'}, 'credential_values: entry api_key looks like the masked value'),
    ({'api_key': None}, 'credential_values: entry api_key is null'),
    ({'': 'x'}, 'credential_values: has an entry with an empty name'),
])
def test_bad_values_fail_before_any_request(run_module, litellm_server, values, fragment):
    result = run_module(litellm_credential, credential_name='c', credential_values=values)
    assert result.failed and result['msg'].startswith(fragment), result['msg']
    assert 'Ansible Vault' in result['msg'] or 'null' in result['msg'] or 'empty' in result['msg']
    assert result['option'] == 'credential_values'
    assert litellm_server.counts()['total'] == 0


def test_bad_names_and_missing_values(run_module, litellm_server):
    result = run_module(litellm_credential, credential_name=' ')
    assert result.failed and result['msg'].startswith('credential_name: must be a non-empty string')
    assert litellm_server.counts()['total'] == 0
    result = run_module(litellm_credential, credential_name='new', credential_info={'a': 1})
    assert result.failed and result['msg'].startswith('credential_values: is required to create the credential')
    assert litellm_server.counts()['writes'] == 0


def test_credential_info_module(run_module, openai):
    run_module(litellm_credential, credential_name='azure', credential_values={'api_key': 'az-secret-123456'})
    everything = run_module(litellm_credential_info)
    assert sorted(c['credential_name'] for c in everything['credentials']) == ['azure', 'openai-prod']
    (one,) = run_module(litellm_credential_info, credential_name='openai-prod')['credentials']
    assert one['credential_values'] == {'api_key': '********', 'api_base': 'https://api.openai.com/v1'}
    assert one['credential_info'] == {'custom_llm_provider': 'openai'}
    assert run_module(litellm_credential_info, credential_name='none-such')['credentials'] == []


def test_a_name_with_a_slash(run_module, litellm_server):
    result = run_module(litellm_credential, credential_name='team/openai', credential_values={'api_key': SECRET})
    assert not result.failed, result.get('msg')
    assert litellm_server.httpd.service.store.entity('credential', 'team/openai') is not None
    assert run_module(litellm_credential, credential_name='team/openai', credential_values={'api_key': SECRET})[
        'changed'] is False


def test_no_secret_in_the_result_nor_the_planned_requests(litellm_server):
    """The engine's own result (no Ansible no_log masking involved): secrets appear nowhere, in any action."""
    def execute(module, check_mode=False, **options):
        options.update(api_url=litellm_server.url, api_key=litellm_server.master_key)
        params = ArgumentSpecValidator(module.MODULE.argument_spec()).validate(options).validated_parameters
        return module.MODULE.execute(params, check_mode=check_mode, diff=True)

    runs = []
    for check_mode in (True, False):
        for values in ({'api_key': SECRET, 'api_base': 'https://a'}, {'api_key': ROTATED, 'api_base': 'https://b'}):
            runs.append(execute(litellm_credential, check_mode, credential_name='openai-prod', credential_values=values,
                                update_secrets='always'))
    runs.append(execute(litellm_credential_info))
    runs.append(execute(litellm_credential, credential_name='openai-prod', credential_values={'api_key': SECRET},
                        state='absent'))
    # A failure that could quote the secret: a masked-looking one refused, and a proxy error.
    runs.append(execute(litellm_credential, credential_name='x', credential_values={'api_key': SECRET + '****'}))
    for result in runs[:-1]:
        assert not result.get('failed'), result.get('msg')
    assert runs[-1]['failed']
    for result in runs:
        text = json.dumps(result)
        for secret in (SECRET, ROTATED, SECRET[-12:], ROTATED[-12:]):
            assert secret not in text
    assert any(r.get('action') == 'update' and r['plan']['writes'] for r in runs)


def test_a_lost_create_race_plans_again(run_module, openai, litellm_server, monkeypatch):
    """Another run created the credential between our read and our create (409): plan again against it, as a re-run
    would, instead of failing."""
    real_find = type(CREDENTIAL).find
    calls = []

    def find(self, client, params):
        calls.append(params['credential_name'])
        return None if len(calls) == 1 else real_find(self, client, params)

    monkeypatch.setattr(type(CREDENTIAL), 'find', find)
    result = run_module(litellm_credential, **dict(OPENAI, credential_info={'owner': 'ml'}))
    assert not result.failed, result.get('msg')
    assert result['action'] == 'update' and len(calls) == 2
    assert [r['method'] for r in result['requests'] if r['method'] != 'GET'] == ['POST', 'PATCH']
    assert stored(litellm_server)['credential_info'] == {'custom_llm_provider': 'openai', 'owner': 'ml'}
