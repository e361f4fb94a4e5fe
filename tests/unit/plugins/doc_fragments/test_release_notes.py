# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Each option a field table marks as newer than the oldest tested LiteLLM release (``since``) says so: in its
option documentation and in the notes of each module that takes it, with the release that added it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib

import pytest
import yaml

from ansible_collections.llmops.litellm.plugins.module_utils._budgets import BUDGET
from ansible_collections.llmops.litellm.plugins.module_utils._keys import KEY

# The resource, its doc fragment, and the modules (with how their notes name the option).
DOCUMENTED = [
    (KEY, 'key_settings', {'litellm_key': '', 'litellm_keys': 'keys[].'}),
    (BUDGET, 'budget_settings', {'litellm_budget': ''}),
]


def _newer(resource):
    for field in resource.fields:
        for phase, since in sorted(field.since.items()):
            if since:
                yield field.name, None, phase, since
        for entry, since in sorted(field.entries_since.items()):
            yield field.name, entry, None, since


def _options(fragment):
    module = importlib.import_module('ansible_collections.llmops.litellm.plugins.doc_fragments.' + fragment)
    return yaml.safe_load(module.ModuleDocFragment.DOCUMENTATION)['options']


def _notes(module):
    module = importlib.import_module('ansible_collections.llmops.litellm.plugins.modules.' + module)
    return ' '.join(' '.join(yaml.safe_load(module.DOCUMENTATION).get('notes') or ()).split())


CASES = [(resource, fragment, modules, item) for resource, fragment, modules in DOCUMENTED
         for item in sorted(set(_newer(resource)))]


@pytest.mark.parametrize('resource, fragment, modules, item', CASES,
                         ids=['%s-%s' % (case[1], case[3][0] + ('.' + case[3][1] if case[3][1] else '')) for case in CASES])
def test_a_newer_option_names_its_release(resource, fragment, modules, item):
    name, entry, _phase, since = item
    description = ' '.join(' '.join(_options(fragment)[name]['description']).split())
    assert 'LiteLLM %s or later' % since in description, (name, since)
    if entry:
        assert 'C(%s) entry needs LiteLLM %s' % (entry, since) in description
    for module, prefix in modules.items():
        named = ('the C(%s) entry of O(%s%s) (%s)' % (entry, prefix, name, since) if entry
                 else 'O(%s%s) (%s)' % (prefix, name, since))
        assert named in _notes(module), (module, named)


def test_the_tables_mark_some_options():
    # A table that loses its marks would let the tests above pass on nothing.
    assert len(CASES) >= 7
