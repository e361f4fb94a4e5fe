# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The field table: argument specs, validation, read paths, comparison and what a create or update carries."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.llmops.litellm.plugins.module_utils._compare import MERGE, SET, STRICT
from ansible_collections.llmops.litellm.plugins.module_utils._errors import InvalidOption
from ansible_collections.llmops.litellm.plugins.module_utils._fields import (
    Field,
    FieldTable,
    check_budget_config_per_model,
    check_positive_numbers_per_model,
    check_whole_numbers_per_model,
)

TABLE = FieldTable([
    Field('models', 'list', not_empty=True),
    Field('max_budget', 'float', minimum=0),
    Field('budget_duration', duration=True),
    Field('soft_budget', 'float', read=[('litellm_budget_table', 'soft_budget'), ('soft_budget',)]),
    Field('tags', 'list', read=('metadata', 'tags')),
    Field('metadata', 'dict', compare=MERGE),
    Field('blocked', 'bool'),
    Field('duration', create_only=True, duration=True),
    Field('key', create_only=True, no_log=True),
    Field('members', 'list', elements='dict', managed=False),
])


def test_comparisons_follow_the_type_unless_declared():
    assert (TABLE['models'].compare, TABLE['max_budget'].compare, TABLE['metadata'].compare) == (SET, STRICT, MERGE)
    assert TABLE['duration'].compare is None and TABLE['members'].compare is None
    assert [f.name for f in TABLE.compared] == ['models', 'max_budget', 'budget_duration', 'soft_budget', 'tags',
                                                'metadata', 'blocked']


def test_argument_spec():
    spec = TABLE.argument_spec(exclude=('members',))
    assert spec['models'] == {'type': 'list', 'elements': 'str'}
    assert spec['key'] == {'type': 'str', 'no_log': True}
    assert 'members' not in spec


@pytest.mark.parametrize('name, explicit', [('key_alias', False), ('token', False), ('user_id', None),
                                            ('password_hint', False), ('keys_allowed', None)])
def test_options_named_like_secrets_say_they_are_not(name, explicit):
    spec = Field(name, 'list' if name.endswith('allowed') else 'str').argument_spec()
    if name == 'keys_allowed':
        explicit = False
    assert spec.get('no_log') is explicit


def test_flags_and_choices_need_no_no_log():
    assert 'no_log' not in Field('key_blocked', 'bool').argument_spec()
    assert 'no_log' not in Field('key_type', choices=['a', 'b']).argument_spec()


def test_read_paths_first_found_and_the_unset_forms():
    record = {'litellm_budget_table': None, 'soft_budget': 5, 'metadata': {'tags': ['x']}, 'models': None,
              'blocked': None}
    assert TABLE.current(record) == {'models': [], 'max_budget': None, 'budget_duration': None, 'soft_budget': 5,
                                     'tags': ['x'], 'metadata': {'tags': ['x']}, 'blocked': False}


@pytest.mark.parametrize('name, value, words', [
    ('max_budget', -1.0, 'must be zero or more'),
    ('max_budget', float('inf'), 'finite'),
    ('budget_duration', '30 days', 'a count and a unit'),
    ('models', ['ok', ' '], 'empty names'),
])
def test_validation_names_the_option(name, value, words):
    with pytest.raises(InvalidOption) as refused:
        TABLE[name].validate(value)
    assert refused.value.option == name and words in str(refused.value)


def test_a_check_reason_becomes_the_message():
    field = Field('model_rpm_limit', 'dict', check=check_whole_numbers_per_model)
    with pytest.raises(InvalidOption) as refused:
        field.validate({'gpt-4o': 1.5})
    assert str(refused.value).startswith("model_rpm_limit: the limit for model 'gpt-4o' must be a whole number")
    field.validate(None)


def test_what_a_create_and_an_update_carry():
    params = {'models': ['a'], 'metadata': {'owner': 'x', 'gone': None}, 'duration': '7d', 'key': 'sk-secret',
              'members': [{'user_id': 'u'}], 'max_budget': None}
    assert TABLE.creation_values(params) == {'models': ['a'], 'metadata': {'owner': 'x'}, 'duration': '7d',
                                             'key': 'sk-secret'}
    assert TABLE.desired(params) == {'models': ['a'], 'metadata': {'owner': 'x', 'gone': None}}
    stored = {'metadata': {'other': 1, 'gone': 2}}
    assert TABLE['metadata'].to_send({'owner': 'x', 'gone': None}, stored) == {'other': 1, 'owner': 'x'}
    assert TABLE.differing(TABLE.desired(params), TABLE.current(stored)) == ['models', 'metadata']


@pytest.mark.parametrize('value, message', [
    ({'gpt-4o': 5}, 'must be a mapping'),
    ({'gpt-4o': {}}, 'must be a mapping'),
    ({'gpt-4o': {'budget_limit': 5, 'time_period': '30d'}}, 'budget_limit, time_period is not one of'),
    ({'gpt-4o': {'max_budget': -1}}, 'max_budget must be a number'),
    ({'gpt-4o': {'tpm_limit': 1.5}}, 'tpm_limit must be a number'),
    ({'gpt-4o': {'budget_duration': 30}}, 'budget_duration must be a duration'),
])
def test_a_budgets_per_model_limits_are_litellms_budget_config(value, message):
    with pytest.raises(ValueError) as refused:
        check_budget_config_per_model(value)
    assert message in str(refused.value)
    check_budget_config_per_model({'gpt-4o': {'max_budget': 10, 'budget_duration': '30d', 'tpm_limit': 1,
                                              'rpm_limit': 2}})


def test_estimated_output_tokens_per_model_are_positive_as_litellm_wants():
    check_whole_numbers_per_model({'gpt-4o': 0})
    with pytest.raises(ValueError) as refused:
        check_positive_numbers_per_model({'gpt-4o': 0})
    assert "model 'gpt-4o' must be a whole number, 1 or more; got 0" in str(refused.value)
