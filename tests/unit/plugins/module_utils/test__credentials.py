# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The credential resource and the engine's write-only settings (Field(write_only=...), server_merges,
update_secrets), without a server: plans, diffs, reported requests and plan digests never hold a secret."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.llmops.litellm.plugins.module_utils._approval import plan_of
from ansible_collections.llmops.litellm.plugins.module_utils._client import LiteLLMClient, describe_request, replace_at
from ansible_collections.llmops.litellm.plugins.module_utils._credentials import CREDENTIAL, is_secret_entry
from ansible_collections.llmops.litellm.plugins.module_utils._engine import Reconciler
from ansible_collections.llmops.litellm.plugins.module_utils._errors import InvalidOption
from ansible_collections.llmops.litellm.plugins.module_utils._fields import Field

SECRET = 'sk-provider-secret-0123456789'
STORED = {'credential_name': 'c', 'display_name': None, 'source': 'db', 'credential_info': {'custom_llm_provider': 'x'},
          'credential_values': {'api_key': 'sk****89', 'api_base': 'https://a'}}


def params(**options):
    base = {'credential_name': 'c', 'credential_values': None, 'credential_info': None, 'state': 'present',
            'update_secrets': 'on_create'}
    base.update(options)
    return base


@pytest.fixture
def reconciler():
    client = LiteLLMClient('http://proxy.invalid', api_key='sk-master-key-1234')
    yield Reconciler(CREDENTIAL, client)
    client.close()


@pytest.mark.parametrize('name, secret', [('api_key', True), ('aws_secret_access_key', True),
                                          ('vertex_credentials', True), ('AZURE_AD_TOKEN', True),
                                          ('api_base', False), ('api_version', False), ('region_name', False)])
def test_secret_entries_are_the_ones_litellm_masks(name, secret):
    assert is_secret_entry(name) is secret


def test_create_plan_shows_no_secret_and_hashes_it(reconciler):
    plan = reconciler.plan(params(credential_values={'api_key': SECRET, 'api_base': 'https://a'}), None)
    assert plan.action == 'create'
    (request,) = plan.requests
    assert request.json['credential_values']['api_key'] == SECRET  # what is sent
    assert request.secret_paths == [('credential_values', 'api_key')]
    assert plan.diff['after']['credential_values'] == {'api_key': '********', 'api_base': 'https://a'}
    shown = describe_request(request, reconciler.client.redactor, sent=False)
    assert shown['body']['credential_values'] == {'api_key': '********', 'api_base': 'https://a'}
    digest = plan_of(plan.requests)
    assert SECRET not in json.dumps(digest) and 'sha256' in json.dumps(digest['writes'][0]['body'])
    # The redactor knows the secret: any message that quotes it is masked.
    assert reconciler.client.redactor.text('proxy said %s' % SECRET) == 'proxy said ********'


def test_unchanged_when_only_the_secret_differs(reconciler):
    plan = reconciler.plan(params(credential_values={'api_key': 'sk-other-secret-99', 'api_base': 'https://a'}), STORED)
    assert plan.action == 'unchanged' and plan.requests == []
    assert plan.diff['before']['credential_values'] == {'api_key': '********', 'api_base': 'https://a'}


def test_always_sends_the_secret_again_and_only_what_differs(reconciler):
    plan = reconciler.plan(params(credential_values={'api_key': SECRET, 'api_base': 'https://a'},
                                  update_secrets='always'), STORED)
    assert plan.action == 'update' and plan.changed_settings == ['credential_values']
    (request,) = plan.requests
    assert request.method == 'PATCH' and request.url.endswith('/credentials/c')
    assert request.json == {'credential_name': 'c', 'credential_values': {'api_key': SECRET}, 'credential_info': {}}
    assert SECRET not in json.dumps(plan.diff) and SECRET not in json.dumps(plan_of(plan.requests))


def test_a_changed_public_value_is_sent_alone(reconciler):
    plan = reconciler.plan(params(credential_values={'api_key': SECRET, 'api_base': 'https://b'}), STORED)
    (request,) = plan.requests
    # The stored (masked) api_key is never sent back, nor the declared secret under on_create.
    assert request.json == {'credential_name': 'c', 'credential_values': {'api_base': 'https://b'},
                            'credential_info': {}}
    assert plan.diff['before']['credential_values'] == {'api_key': '********', 'api_base': 'https://a'}
    assert plan.diff['after']['credential_values'] == {'api_key': '********', 'api_base': 'https://b'}


def test_describe_never_shows_the_masked_read_back():
    view = CREDENTIAL.describe(STORED)
    assert view == {'credential_name': 'c', 'display_name': None, 'credential_info': {'custom_llm_provider': 'x'},
                    'credential_values': {'api_key': '********', 'api_base': 'https://a'}}


@pytest.mark.parametrize('values', [{'api_key': 'sk****89'}, {'vertex_credentials': {'private_key': 'pk****56'}}])
def test_masked_looking_secrets_are_refused(values):
    with pytest.raises(InvalidOption) as caught:
        CREDENTIAL.validate(params(credential_values=values))
    assert caught.value.option == 'credential_values' and 'Ansible Vault' in str(caught.value)


def test_a_wholly_write_only_field():
    field = Field('api_key', write_only=True, no_log=True)
    assert field.same('new', 'sk****89') and field.shown('x') == '********'
    assert field.secret_paths({'api_key': 'x'}) == [('api_key',)]
    with pytest.raises(InvalidOption):
        field.validate('ab****cd')


def test_replace_at_copies():
    body = {'a': {'b': 1, 'c': 2}}
    assert replace_at(body, [('a', 'b'), ('x', 'y')], lambda v: 'R') == {'a': {'b': 'R', 'c': 2}}
    assert body == {'a': {'b': 1, 'c': 2}}
