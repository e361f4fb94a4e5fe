# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Plan digests: canonical writes, one digest per plan, and what an approved plan that no longer holds says."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib

import pytest

from ansible_collections.llmops.litellm.plugins.module_utils._approval import (
    PlanNotApproved,
    canonical_write,
    check_approved,
    plan_of,
)
from ansible_collections.llmops.litellm.plugins.module_utils._client import LiteLLMClient
from ansible_collections.llmops.litellm.plugins.module_utils._errors import InvalidOption

TOKEN = 'b' * 64


@pytest.fixture
def client():
    return LiteLLMClient('http://proxy.invalid:4000', api_key='sk-master-secret-0001')


def test_a_write_in_canonical_form_has_no_secret_and_no_authorization(client):
    request = client.generate_key({'key_alias': 'a', 'key': 'sk-chosen-secret-000001'}, return_request=True)
    write = canonical_write(request)
    assert write == {'method': 'POST', 'path': '/key/generate', 'query': {},
                     'body': {'key_alias': 'a',
                              'key': {'sha256': hashlib.sha256(b'sk-chosen-secret-000001').hexdigest()}}}
    assert 'sk-' not in repr(plan_of([request]))
    # A key named by its hash (an update) stays as it is: a hash is no secret.
    assert canonical_write(client.update_key({'key': TOKEN, 'max_budget': 1}, return_request=True))['body']['key'] == TOKEN


def test_the_same_plan_always_has_the_same_digest_and_reads_are_no_part_of_it(client):
    first = plan_of([client.list_keys(key_alias='a', return_request=True),
                     client.update_key({'max_budget': 1, 'key': TOKEN}, return_request=True)])
    again = plan_of([client.update_key({'key': TOKEN, 'max_budget': 1}, return_request=True)])
    assert first == again and first['digest'].startswith('sha256:')
    other = plan_of([client.update_key({'key': TOKEN, 'max_budget': 2}, return_request=True)])
    assert other['digest'] != first['digest']
    # No write at all is a plan too, with a digest of its own; the budget read (a POST) is no write.
    empty = plan_of([client.budget_info(['b'], return_request=True)])
    assert empty['writes'] == [] and empty['digest'] not in (first['digest'], other['digest'])


def test_the_approved_plan_applies_and_nothing_else(client):
    plan = plan_of([client.update_key({'key': TOKEN, 'max_budget': 1}, return_request=True)])
    check_approved(None, plan)
    check_approved(plan['digest'], plan)
    check_approved(plan, plan)


def test_a_changed_plan_says_which_object_and_which_field(client):
    approved = plan_of([client.update_key({'key': TOKEN, 'max_budget': 1}, return_request=True),
                        client.generate_key({'key_alias': 'new-one'}, return_request=True)])
    now = plan_of([client.update_key({'key': TOKEN, 'max_budget': 1, 'rpm_limit': 5}, return_request=True),
                   client.delete_keys(keys=['c' * 64], return_request=True)])
    with pytest.raises(PlanNotApproved) as refused:
        check_approved(approved, now)
    message = str(refused.value)
    assert refused.value.option == 'approved_plan'
    assert 'POST /key/update (key=%s) now rpm_limit 5 (approved null)' % TOKEN in message
    assert 'POST /key/generate (key_alias=new-one) was approved and is no longer planned' in message
    assert 'POST /key/delete' in message and 'planned but was not approved' in message
    assert message.endswith('Nothing was written; preview and approve again.')


def test_a_changed_plan_against_a_bare_digest_says_what_it_would_send(client):
    approved = plan_of([])
    now = plan_of([client.update_key({'key': TOKEN, 'max_budget': 1}, return_request=True)])
    with pytest.raises(PlanNotApproved) as refused:
        check_approved(approved['digest'], now)
    assert 'the task would now send POST /key/update' in str(refused.value)


@pytest.mark.parametrize('approved', ['a digest', {'writes': []}, 42])
def test_something_that_is_no_plan_is_refused(client, approved):
    with pytest.raises(InvalidOption) as refused:
        check_approved(approved, plan_of([]))
    assert refused.value.option == 'approved_plan' and not isinstance(refused.value, PlanNotApproved)
