# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Each module's notes name every Enterprise-only write of the engine's table (_enterprise.ENTERPRISE_RULES).

The table drives the check at plan time; this holds the documentation to it, so a rule added to the table fails
here until the modules it applies to say so.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib

import pytest
import yaml

from ansible_collections.llmops.litellm.plugins.module_utils._enterprise import ENTERPRISE_RULES

# How a module's notes name an option of the table: litellm_keys takes the key options per item.
OPTION_PREFIX = {'litellm_keys': 'keys[].'}
MODULES = sorted(set(module for rule in ENTERPRISE_RULES for module in rule.modules))


def notes_of(module):
    documentation = importlib.import_module('ansible_collections.llmops.litellm.plugins.modules.' + module).DOCUMENTATION
    return ' '.join(yaml.safe_load(documentation).get('notes') or ())


@pytest.mark.parametrize('module', MODULES)
def test_the_notes_name_each_enterprise_rule_of_the_module(module):
    notes = notes_of(module)
    missing = ['O(%s%s)' % (OPTION_PREFIX.get(module, ''), rule.option) for rule in ENTERPRISE_RULES
               if module in rule.modules and 'O(%s%s)' % (OPTION_PREFIX.get(module, ''), rule.option) not in notes]
    assert not missing, '%s: the notes do not name %s' % (module, ', '.join(missing))


@pytest.mark.parametrize('module', MODULES)
def test_the_notes_say_the_preview_fails_on_a_proxy_without_a_license(module):
    notes = notes_of(module)
    assert 'Enterprise' in notes and '/health/license' in notes and 'check mode' in notes, module


def test_every_module_with_such_writes_is_covered():
    assert MODULES == ['litellm_budget', 'litellm_key', 'litellm_keys', 'litellm_team']
