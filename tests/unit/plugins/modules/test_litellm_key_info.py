# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""litellm_key_info reads N keys with ceil(N / page size) requests (at least one), counted by the server."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

import pytest

from ansible_collections.llmops.litellm.plugins.modules import litellm_key_info

# A full LiteLLM secret; the abbreviated display form "sk-...abcd" does not match.
SECRET_SHAPE = re.compile(r'sk-[A-Za-z0-9_\-]{6,}')


def team_rows(team, count, prefix=None):
    return [{'key_alias': '%s-%04d' % (prefix or team, index), 'team_id': team, 'max_budget': 1.0}
            for index in range(count)]


@pytest.mark.parametrize('count, expected_requests', [
    (0, 1),
    (1, 1),
    (100, 1),
    (101, 2),
    (250, 3),
])
def test_default_page_size_reads_ceil_n_over_100(run_module, seed_keys, key_requests, count, expected_requests):
    seeded = seed_keys(team_rows('info', count))

    result = run_module(litellm_key_info)

    assert key_requests() == {'reads': expected_requests, 'writes': 0,
                              'by_endpoint': {'GET /key/list': expected_requests}}
    assert sorted(k['key_alias'] for k in result['virtual_keys']) == sorted(r['key_alias'] for r in seeded)
    assert result['changed'] is False


def test_page_size_option_sets_the_number_of_reads(run_module, seed_keys, key_requests):
    seed_keys(team_rows('info', 60))

    result = run_module(litellm_key_info, page_size=25)

    assert key_requests()['by_endpoint'] == {'GET /key/list': 3}
    assert len(result['virtual_keys']) == 60
    assert len(set(k['token'] for k in result['virtual_keys'])) == 60


def test_filter_reads_only_the_matching_pages(run_module, seed_keys, key_requests):
    seed_keys(team_rows('big-team', 250) + team_rows('small-team', 30))

    result = run_module(litellm_key_info, team_id='small-team')

    assert key_requests()['by_endpoint'] == {'GET /key/list': 1}
    assert set(k['team_id'] for k in result['virtual_keys']) == {'small-team'}
    assert len(result['virtual_keys']) == 30


def test_alias_filter_is_one_request(run_module, seed_keys, key_requests):
    seed_keys(team_rows('info', 150))

    result = run_module(litellm_key_info, key_alias='info-0042')

    assert key_requests()['by_endpoint'] == {'GET /key/list': 1}
    assert [k['key_alias'] for k in result['virtual_keys']] == ['info-0042']


def test_listing_never_returns_a_secret(run_module, seed_keys):
    seeded = seed_keys(team_rows('info', 120))

    result = run_module(litellm_key_info)

    text = json.dumps(result.result)
    assert not any(row['key'] in text for row in seeded)
    assert not SECRET_SHAPE.search(text)
    assert all(not k.get('key') for k in result['virtual_keys'])
