# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Each resource's settings are documented once (a doc fragment) and declared once (its field table): they agree.

ansible-test's validate-modules holds every module's documentation to its argument spec; this holds the doc
fragments to the engine's field tables (which every argument spec comes from), and litellm_keys' generated
suboptions to the key fragment.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import subprocess
import sys

import pytest
import yaml

from ansible_collections.llmops.litellm.plugins.doc_fragments import (
    budget_settings,
    credential_settings,
    key_settings,
    team_settings,
    update_secrets,
    user_settings,
)
from ansible_collections.llmops.litellm.plugins.module_utils._budgets import BUDGET
from ansible_collections.llmops.litellm.plugins.module_utils._credentials import CREDENTIAL
from ansible_collections.llmops.litellm.plugins.module_utils._enterprise import enterprise_options
from ansible_collections.llmops.litellm.plugins.module_utils._fields import UPDATE_SECRETS, update_secrets_option
from ansible_collections.llmops.litellm.plugins.module_utils._key_sets import key_item_options
from ansible_collections.llmops.litellm.plugins.module_utils._keys import KEY
from ansible_collections.llmops.litellm.plugins.module_utils._teams import TEAM
from ansible_collections.llmops.litellm.plugins.module_utils._users import USER
from ansible_collections.llmops.litellm.plugins.modules import litellm_keys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))

# (fragment, resource, options of the resource that its modules document themselves)
FRAGMENTS = [
    pytest.param(key_settings, KEY, ('key',), id='key'),
    pytest.param(team_settings, TEAM, (), id='team'),
    pytest.param(user_settings, USER, (), id='user'),
    pytest.param(budget_settings, BUDGET, (), id='budget'),
    # update_secrets is the shared option of every resource with write-only settings: a fragment of its own.
    pytest.param(credential_settings, CREDENTIAL, (UPDATE_SECRETS,), id='credential'),
]


def test_the_update_secrets_fragment_documents_the_shared_option():
    assert comparable(documented(update_secrets)) == comparable({UPDATE_SECRETS: update_secrets_option()})
    assert UPDATE_SECRETS in CREDENTIAL.argument_spec() and UPDATE_SECRETS not in BUDGET.argument_spec()


def documented(fragment):
    return yaml.safe_load(fragment.ModuleDocFragment.DOCUMENTATION)['options']


def comparable(options):
    """What the documentation and an argument spec both say of each option."""
    view = {}
    for name, option in options.items():
        view[name] = dict((k, option[k]) for k in ('type', 'elements', 'choices', 'default', 'required')
                          if option.get(k) not in (None, False))
        if option.get('options') or option.get('suboptions'):
            view[name]['suboptions'] = comparable(option.get('options') or option.get('suboptions'))
    return view


@pytest.mark.parametrize('fragment, resource, own', FRAGMENTS)
def test_the_fragment_documents_exactly_the_field_table(fragment, resource, own):
    assert comparable(documented(fragment)) == comparable(resource.argument_spec(exclude=own))


@pytest.mark.parametrize('fragment, resource, own', FRAGMENTS)
def test_every_documented_setting_has_a_description(fragment, resource, own):
    for name, option in documented(fragment).items():
        assert option.get('description'), name


@pytest.mark.parametrize('fragment, resource, own', FRAGMENTS)
def test_enterprise_settings_say_so(fragment, resource, own):
    docs = documented(fragment)
    for name in enterprise_options(resource.kind):
        if name in docs:
            assert 'Enterprise' in ' '.join(docs[name]['description']), name


def test_litellm_keys_items_document_the_item_options():
    keys = yaml.safe_load(litellm_keys.DOCUMENTATION)['options']['keys']
    assert comparable(keys['suboptions']) == comparable(key_item_options())


def test_litellm_keys_suboptions_are_generated_from_the_fragment():
    script = os.path.join(ROOT, 'scripts', 'sync_suboptions.py')
    done = subprocess.run([sys.executable, script, '--check'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, check=False)
    assert done.returncode == 0, done.stdout
