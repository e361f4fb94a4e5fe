# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every request field of LiteLLM's key endpoints is an option of litellm_key or named as not managed, with why.

The fields come from litellm-key-requests-1.108.7.json (the /openapi.json of the pinned release); the contract
tier checks the live document of the pinned release the same way, so a LiteLLM upgrade shows what is new.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import yaml

from ansible_collections.llmops.litellm.plugins.module_utils._keys import KEY_FIELDS, NOT_MANAGED
from ansible_collections.llmops.litellm.plugins.modules import litellm_key

FIELDS_FILE = os.path.join(os.path.dirname(__file__), 'litellm-key-requests-1.108.7.json')
# Options of litellm_key that are not request fields: what the module does, not what the key is.
MODULE_OPTIONS = {'state', 'regenerate', 'grace_period', 'clear'}


def request_fields():
    with open(FIELDS_FILE) as handle:
        document = json.load(handle)
    return set(document['GenerateKeyRequest']) | set(document['UpdateKeyRequest'])


def options():
    return set(litellm_key.argument_spec())


def test_every_request_field_is_an_option_or_not_managed_with_a_reason():
    unaccounted = request_fields() - options() - set(NOT_MANAGED)
    assert not unaccounted, 'fields of LiteLLM neither managed nor named as not managed: %s' % sorted(unaccounted)
    assert all(NOT_MANAGED.values())


def test_no_field_is_both_managed_and_not_managed():
    assert not (set(NOT_MANAGED) - {'key_alias'}) & options()


def test_every_setting_is_a_field_of_litellm():
    # A setting LiteLLM does not know would be refused (422) or dropped.
    assert set(f.name for f in KEY_FIELDS) - request_fields() == set()
    assert set(NOT_MANAGED) <= request_fields()


def test_the_documentation_names_each_field_not_managed():
    notes = ' '.join(yaml.safe_load(litellm_key.DOCUMENTATION)['notes'])
    for name in NOT_MANAGED:
        assert 'C(%s)' % name in notes, name


def test_module_options_beyond_the_fields():
    assert options() - set(f.name for f in KEY_FIELDS) - {'key_alias'} == MODULE_OPTIONS
