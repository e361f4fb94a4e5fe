# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Options newer than the oldest tested LiteLLM release: which planned writes send them, and the refusal on an
older proxy, without a server (a client whose readiness read answers as told)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
import yaml

from ansible_collections.llmops.litellm.plugins.module_utils._budgets import BUDGET
from ansible_collections.llmops.litellm.plugins.module_utils._client import LiteLLMClient
from ansible_collections.llmops.litellm.plugins.module_utils._engine import Plan
from ansible_collections.llmops.litellm.plugins.module_utils._errors import ReleaseTooOld
from ansible_collections.llmops.litellm.plugins.module_utils._keys import KEY
from ansible_collections.llmops.litellm.plugins.module_utils._releases import (
    OLDEST_TESTED,
    check_release,
    newer_options,
    release_key,
)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))


class ReleaseClient(LiteLLMClient):
    def __init__(self, version):
        super(ReleaseClient, self).__init__('http://proxy.test', 'sk-master-test-key')
        self.version = version
        self.reads = 0

    def health_readiness_details(self, return_request=False):
        self.reads += 1
        return {'status': 'healthy', 'litellm_version': self.version}


def key_plan(client, action, body, params=None, cleared=()):
    request = (client.generate_key(body, return_request=True) if action == 'create'
               else client.update_key(dict(body, key='sk-0123456789abcdef'), return_request=True))
    declared = dict((name, value) for name, value in body.items())
    declared.update(params or {})
    return Plan(KEY, declared, action, requests=[request], cleared=cleared)


def test_oldest_tested_is_the_one_the_release_matrix_names():
    with open(os.path.join(REPO, 'meta', 'litellm.yml')) as handle:
        releases = yaml.safe_load(handle)
    assert OLDEST_TESTED == releases['oldest']
    assert releases['oldest'] in releases['tested']


def test_release_keys_order_releases_numerically():
    assert release_key('1.100.0') > release_key('1.99.4') and release_key('1.103.0') > release_key('1.102.4')
    assert release_key('1.108.7.post1') == release_key('1.108.7')


def test_every_since_is_newer_than_the_oldest_tested_release():
    # A `since` at or below the oldest tested release would never be checked: remove it instead.
    for resource in (KEY, BUDGET):
        for field in resource.fields:
            for since in list(field.since.values()) + list(field.entries_since.values()):
                assert since is None or release_key(since) > release_key(OLDEST_TESTED), (field.name, since)


@pytest.mark.parametrize('action, body, expected', [
    ('create', {'tpd_limit': 10}, [('tpd_limit', '1.103.0')]),
    ('create', {'end_user_budget_id': 'b'}, [('end_user_budget_id', '1.103.0')]),
    ('create', {'soft_budget': 1.0}, [('soft_budget', '1.102.0')]),
    ('update', {'soft_budget': 1.0}, [('soft_budget', '1.102.0')]),
    # project_id: /key/generate always took it, /key/update only since 1.102.0.
    ('create', {'project_id': 'p'}, []),
    ('update', {'project_id': 'p'}, [('project_id', '1.102.0')]),
    ('create', {'object_permission': {'skills': ['s']}}, [('object_permission.skills', '1.102.0')]),
    ('create', {'object_permission': {'mcp_servers': ['m']}}, []),
    ('create', {'max_budget': 5, 'models': ['gpt-4o']}, []),
    ('create', {'tpd_limit': 10, 'denied_passthrough_routes': ['/x']},
     [('tpd_limit', '1.103.0'), ('denied_passthrough_routes', '1.106.0')]),
])
def test_newer_options_of_a_plan(action, body, expected):
    plan = key_plan(ReleaseClient('1.100.0'), action, body)
    assert newer_options(plan, plan.requests) == expected


def test_only_declared_entries_count():
    # Clearing object_permission sends every entry empty, skills too: the user declared none of them.
    client = ReleaseClient('1.100.0')
    plan = key_plan(client, 'update', {'object_permission': {'skills': [], 'mcp_servers': []}},
                    params={'object_permission': None}, cleared=['object_permission'])
    assert newer_options(plan, plan.requests) == []
    check_release(client, plan, plan.requests)
    assert client.reads == 0


def test_an_older_proxy_refuses_before_anything_is_sent_and_names_the_release():
    client = ReleaseClient('1.100.0')
    plan = key_plan(client, 'create', {'tpd_limit': 10, 'denied_passthrough_routes': ['/x'], 'max_budget': 1})
    with pytest.raises(ReleaseTooOld) as info:
        check_release(client, plan, plan.requests)
    message = str(info.value)
    assert message.startswith('tpd_limit (LiteLLM 1.103.0), denied_passthrough_routes (LiteLLM 1.106.0): added '
                              'after the LiteLLM release this proxy runs, 1.100.0')
    assert message.endswith('Upgrade the proxy to LiteLLM 1.106.0 or later, or leave them out.')
    assert info.value.url.endswith('/key/generate') and client.reads == 1


def test_a_release_in_between_refuses_only_what_it_lacks():
    client = ReleaseClient('1.103.0')
    plan = key_plan(client, 'create', {'tpd_limit': 10, 'denied_passthrough_routes': ['/x']})
    with pytest.raises(ReleaseTooOld) as info:
        check_release(client, plan, plan.requests)
    assert str(info.value).startswith('denied_passthrough_routes (LiteLLM 1.106.0): added after')
    assert str(info.value).endswith('or leave it out.')


@pytest.mark.parametrize('version', ['1.106.0', '1.109.3', '1.110.2', None])
def test_a_new_enough_proxy_or_one_that_does_not_say_is_written_to(version):
    client = ReleaseClient(version)
    plan = key_plan(client, 'create', {'tpd_limit': 10, 'denied_passthrough_routes': ['/x']})
    check_release(client, plan, plan.requests)
    assert client.reads == 1


def test_a_budget_tpd_limit_on_an_older_proxy():
    client = ReleaseClient('1.102.4')
    plan = Plan(BUDGET, {'budget_id': 'b', 'tpd_limit': 5}, 'create',
                requests=[client.new_budget({'budget_id': 'b', 'tpd_limit': 5}, return_request=True)])
    with pytest.raises(ReleaseTooOld) as info:
        check_release(client, plan, plan.requests)
    assert str(info.value).startswith('tpd_limit (LiteLLM 1.103.0): added after the LiteLLM release this proxy '
                                      'runs, 1.102.4')
