# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The reads of what a proxy is (its license, its release): once per task, shared within a scope, never a secret
kept; a proxy that cannot answer gives None."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.llmops.litellm.plugins.module_utils import _proxy_facts
from ansible_collections.llmops.litellm.plugins.module_utils._client import LiteLLMClient
from ansible_collections.llmops.litellm.plugins.module_utils._errors import NotFoundError, ServerError
from ansible_collections.llmops.litellm.plugins.module_utils._proxy_facts import (
    proxy_facts_scope,
    proxy_has_license,
    proxy_release,
)

SECRET = 'sk-master-key-never-cached'
UNLICENSED = {'has_license': False, 'license_type': 'community'}


class FactsClient(LiteLLMClient):
    """A client whose /health/license and /health/readiness/details answer as told (or raise), counting reads."""

    def __init__(self, license_answer=None, readiness_answer=None, url='http://proxy.test'):
        super(FactsClient, self).__init__(url, SECRET)
        self.answers = {'license': license_answer, 'release': readiness_answer}
        self.reads = {'license': 0, 'release': 0}

    def _answer(self, fact):
        self.reads[fact] += 1
        if isinstance(self.answers[fact], Exception):
            raise self.answers[fact]
        return self.answers[fact]

    def health_license(self, return_request=False):
        return self._answer('license')

    def health_readiness_details(self, return_request=False):
        return self._answer('release')


def test_a_scope_shares_the_read_between_clients_of_one_proxy_and_key():
    first, second, elsewhere = FactsClient(UNLICENSED), FactsClient(UNLICENSED), FactsClient(
        UNLICENSED, url='http://other.test')
    with proxy_facts_scope('task'):
        assert proxy_has_license(first) is False
    with proxy_facts_scope('task'):
        assert proxy_has_license(second) is False
        assert proxy_has_license(elsewhere) is False
    assert (first.reads['license'], second.reads['license'], elsewhere.reads['license']) == (1, 0, 1)
    # The process keeps a digest of the key, never the key.
    assert SECRET not in repr(_proxy_facts._scope)
    # Outside a scope nothing is shared.
    assert proxy_has_license(FactsClient(UNLICENSED)) is False
    fresh = FactsClient(UNLICENSED)
    proxy_has_license(fresh)
    assert fresh.reads['license'] == 1


def test_another_scope_reads_again():
    client = FactsClient(readiness_answer={'litellm_version': '1.109.3'})
    with proxy_facts_scope('first task'):
        assert proxy_release(client) == '1.109.3'
    again = FactsClient(readiness_answer={'litellm_version': '1.108.7'})
    with proxy_facts_scope('second task'):
        assert proxy_release(again) == '1.108.7'
    assert again.reads['release'] == 1


def test_the_release_is_read_once_per_client_and_apart_from_the_license():
    client = FactsClient(UNLICENSED, {'status': 'healthy', 'litellm_version': '1.100.0'})
    assert [proxy_release(client) for _read in range(3)] == ['1.100.0'] * 3
    assert proxy_has_license(client) is False
    assert client.reads == {'license': 1, 'release': 1}


@pytest.mark.parametrize('answer', [
    NotFoundError('GET /health/readiness/details answered HTTP 404', status=404),
    ServerError('GET /health/readiness/details answered HTTP 500', status=500),
    {'status': 'healthy'}, {'litellm_version': None}, {'litellm_version': 'unknown'}, {'litellm_version': 1.1},
    [], None,
])
def test_a_proxy_that_does_not_say_its_release_gives_none(answer):
    client = FactsClient(readiness_answer=answer)
    assert proxy_release(client) is None
    assert proxy_release(client) is None
    assert client.reads['release'] == 1
