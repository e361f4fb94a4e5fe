# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The table of Enterprise-only writes and the license read, without a server (a client that answers as told)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.llmops.litellm.plugins.module_utils._client import LiteLLMClient
from ansible_collections.llmops.litellm.plugins.module_utils._enterprise import (
    check_license,
    enterprise_options,
    enterprise_writes,
)
from ansible_collections.llmops.litellm.plugins.module_utils._errors import EnterpriseFeatureRequired, NotFoundError

SECRET = 'sk-master-key-never-cached'


class LicenseClient(LiteLLMClient):
    """A client whose /health/license answers ``answer`` (or raises it) and counts the reads."""

    def __init__(self, answer, url='http://proxy.test'):
        super(LicenseClient, self).__init__(url, SECRET)
        self.answer = answer
        self.reads = 0

    def health_license(self, return_request=False):
        self.reads += 1
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


UNLICENSED = {'has_license': False, 'license_type': 'community'}


def test_the_table_names_what_a_plain_proxy_refuses():
    assert enterprise_options('key') == ['tags', 'guardrails', 'disable_global_guardrails', 'policies', 'prompts',
                                         'allowed_passthrough_routes', 'denied_passthrough_routes',
                                         'model_max_budget', 'permissions', 'regenerate']
    assert enterprise_options('budget') == ['model_max_budget']
    assert enterprise_options('team') == ['members', 'members']
    assert enterprise_options('user') == []


def test_only_writes_that_hold_a_refused_value_match():
    client = LicenseClient(UNLICENSED)
    assert enterprise_writes('key', [client.generate_key({'tags': ['a'], 'rpm_limit': 1}, return_request=True)]) \
        == ['tags']
    assert enterprise_writes('key', [client.generate_key({'tags': []}, return_request=True)]) == []
    # get_spend_routes: only /key/generate refuses it.
    assert enterprise_writes('key', [client.update_key({'permissions': {'get_spend_routes': True}},
                                                       return_request=True)]) == []
    assert enterprise_writes('key', [client.key_info('x', return_request=True)]) == []
    assert enterprise_writes('team', [client.new_team({'members_with_roles': [{'user_id': 'a', 'role': 'admin'}]},
                                                      return_request=True)]) == []
    assert enterprise_writes('team', [client.add_team_members('t', [{'user_id': 'a', 'role': 'admin'}],
                                                              return_request=True)]) \
        == ['members (role admin for a, added to an existing team)']


def test_no_enterprise_write_no_read():
    client = LicenseClient(UNLICENSED)
    check_license('key', client, [client.generate_key({'rpm_limit': 1}, return_request=True)])
    assert client.reads == 0


def test_an_unlicensed_proxy_fails_once_read():
    client = LicenseClient(UNLICENSED)
    request = client.generate_key({'tags': ['a']}, return_request=True)
    for _attempt in range(2):
        with pytest.raises(EnterpriseFeatureRequired) as info:
            check_license('key', client, [request])
    assert str(info.value).endswith('Leave it out on a proxy without a LiteLLM Enterprise license.')
    assert client.reads == 1


@pytest.mark.parametrize('answer', [
    NotFoundError('GET /health/license answered HTTP 404', status=404), {'has_license': 'no'}, [], None,
    {'has_license': True, 'license_type': 'enterprise'},
])
def test_anything_but_has_license_false_lets_the_write_through(answer):
    client = LicenseClient(answer)
    check_license('key', client, [client.generate_key({'tags': ['a']}, return_request=True)])
    assert client.reads == 1
