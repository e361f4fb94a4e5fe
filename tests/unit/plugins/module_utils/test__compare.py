# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The three comparisons every setting uses, and the merge of a declared mapping into a stored one."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.llmops.litellm.plugins.module_utils._compare import (
    MERGE,
    SET,
    STRICT,
    canonical,
    canonical_set_display,
    merged,
    same,
)


@pytest.mark.parametrize('comparison, desired, current, expected', [
    (STRICT, 1, 1.0, True),
    (STRICT, {'a': [1, {'b': 2}]}, {'a': [1.0, {'b': 2.0}]}, True),
    (STRICT, True, 1, False),          # a flag is not a number
    (STRICT, None, 0, False),
    (SET, ['b', 'a', 'a'], ['a', 'b'], True),
    (SET, [], None, True),
    (SET, [{'x': 1}], [{'x': 1.0}], True),
    (SET, ['a'], ['a', 'b'], False),
    (MERGE, {'a': 1}, {'a': 1.0, 'b': 2}, True),
    (MERGE, {'a': None}, {'b': 2}, True),
    (MERGE, {'a': None}, {'a': 0}, False),
    (MERGE, {'a': {'deep': 1}}, {'a': {'deep': 1, 'more': 2}}, False),   # entries compare whole
    (MERGE, {'a': 1}, None, False),
])
def test_same(comparison, desired, current, expected):
    assert same(comparison, desired, current) is expected


def test_merged_sets_declared_entries_and_removes_nulls_without_touching_the_stored_mapping():
    stored = {'keep': 1, 'change': 2, 'drop': 3}
    assert merged({'change': 20, 'drop': None, 'new': 4}, stored) == {'keep': 1, 'change': 20, 'new': 4}
    assert stored == {'keep': 1, 'change': 2, 'drop': 3}
    assert merged({'a': None}, None) == {}


def test_canonical_keeps_flags_and_strings():
    assert canonical({1: 'x', 'n': 3}) == {'1': 'x', 'n': 3.0}
    assert canonical(True) != canonical(1) and canonical(False) != canonical(0)


def test_display_of_an_order_free_list_is_sorted_and_unique_but_keeps_the_values():
    assert canonical_set_display(['b', 'a', 'b']) == ['a', 'b']
    assert canonical_set_display([2, 1]) == [1, 2]
