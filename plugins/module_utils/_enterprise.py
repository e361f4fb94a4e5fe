# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The writes a LiteLLM proxy without an Enterprise license refuses, and the read of the proxy's license.

``ENTERPRISE_RULES`` is the one table of them: the engine checks planned writes against it (a preview never
approves what the proxy will refuse), the refusal of a real run names its options, and a unit test holds each
module's documentation to it. The rules are what LiteLLM 1.108.7 showed on a plain proxy
(tests/real_proxy/FINDINGS.md) and what its source checks (team_endpoints.py ``_check_team_member_admin_add``).

The license is read (``GET /health/license``) only when a task plans such a write, once per task and once per
in-process loop (_proxy_facts.py).

Private to the collection (leading underscore): its API may change between releases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.llmops.litellm.plugins.module_utils._errors import EnterpriseFeatureRequired
from ansible_collections.llmops.litellm.plugins.module_utils._proxy_facts import proxy_has_license

# How a refusal ends, at preview and at apply time alike.
LEAVE_OUT = 'Leave %s out on a proxy without a LiteLLM Enterprise license.'

KEY_MODULES = ('litellm_key', 'litellm_keys')


def _set(value):
    """LiteLLM checks these premium fields for truth (a null or an empty list passes)."""
    return bool(value)


def _names_get_spend_routes(value):
    return isinstance(value, dict) and bool(value.get('get_spend_routes'))


def _admins_added(body):
    member = body.get('member')
    members = member if isinstance(member, list) else [member]
    return [m.get('user_id') for m in members if isinstance(m, dict) and m.get('role') == 'admin']


def _admin_assigned(body):
    return [body.get('user_id')] if body.get('role') == 'admin' else []


class EnterpriseRule:
    """One write a proxy without a LiteLLM Enterprise license refuses.

    ``option`` is the module option the write comes from, ``paths`` the request paths (regular expressions) it
    is sent to, ``refused(body)`` whether a body holds it (a list of what it names, or a bool), ``modules`` the
    modules whose documentation must name it.
    """

    def __init__(self, kind, option, paths, refused, modules, what=None):
        self.kind = kind
        self.option = option
        self.paths = [re.compile(path + '$') for path in paths]
        self.refused = refused
        self.modules = modules
        self.what = what

    def matches(self, request):
        """What of ``request`` this rule refuses (a non-empty list), or an empty list."""
        if not request.writes or not any(p.search(request.url.split('?')[0]) for p in self.paths):
            return []
        body = request.json if isinstance(request.json, dict) else {}
        held = self.refused(body)
        if held is True:
            return [self.option]
        return ['%s (%s)' % (self.option, self.what % ', '.join(str(h) for h in held))] if held else []


def _field(kind, option, paths, modules, check=_set):
    return EnterpriseRule(kind, option, paths, lambda body: option in body and check(body[option]), modules)


KEY_WRITES = (r'/key/generate', r'/key/update')

ENTERPRISE_RULES = [
    # 403 "This feature is only available for LiteLLM Enterprise users: <field>" (FINDINGS.md section 3).
    _field('key', 'tags', KEY_WRITES, KEY_MODULES),
    _field('key', 'guardrails', KEY_WRITES, KEY_MODULES),
    _field('key', 'disable_global_guardrails', KEY_WRITES, KEY_MODULES),
    _field('key', 'policies', KEY_WRITES, KEY_MODULES),
    _field('key', 'prompts', KEY_WRITES, KEY_MODULES),
    _field('key', 'allowed_passthrough_routes', KEY_WRITES, KEY_MODULES),
    _field('key', 'denied_passthrough_routes', KEY_WRITES, KEY_MODULES),
    # 500 "You must have an enterprise license to set model_max_budget".
    _field('key', 'model_max_budget', KEY_WRITES, KEY_MODULES),
    # /key/generate only: a bare 500 (the Enterprise check's ValueError is swallowed); /key/update takes it.
    EnterpriseRule('key', 'permissions', [r'/key/generate'],
                   lambda body: ['get_spend_routes'] if _names_get_spend_routes(body.get('permissions')) else [],
                   KEY_MODULES, what='%s, when the key is created'),
    # Rotation: 500 naming the license.
    EnterpriseRule('key', 'regenerate', [r'/key/[^/]+/regenerate', r'/key/regenerate'], lambda body: True,
                   ('litellm_key',)),
    # 400 "Invalid model_max_budget: You must have an enterprise license ...".
    _field('budget', 'model_max_budget', (r'/budget/new', r'/budget/update'), ('litellm_budget',)),
    # 400 "Assigning team admins is a premium feature". /team/new adds its initial members without that check
    # (it calls _add_team_members_to_team directly): only admins added to or made in an existing team count.
    EnterpriseRule('team', 'members', [r'/team/member_add'], _admins_added, ('litellm_team',),
                   what='role admin for %s, added to an existing team'),
    EnterpriseRule('team', 'members', [r'/team/member_update'], _admin_assigned, ('litellm_team',),
                   what='role admin for %s, in an existing team'),
]


def enterprise_options(kind):
    """The options of ``kind`` that a proxy without a license refuses (the refusal of a real run names them)."""
    return [rule.option for rule in ENTERPRISE_RULES if rule.kind == kind]


def enterprise_writes(kind, requests):
    """What of ``requests`` (unsent) a proxy without a license refuses, in order, each named once."""
    named = []
    for request in requests:
        for rule in ENTERPRISE_RULES:
            if rule.kind != kind:
                continue
            for name in rule.matches(request):
                if name not in named:
                    named.append(name)
    return named


def unlicensed_refusal(named, request):
    """The failure at plan time: the same sentence a real run's refusal ends in."""
    return EnterpriseFeatureRequired(
        '%s: the proxy has no LiteLLM Enterprise license (GET /health/license answered has_license: false) and '
        'refuses %s, so nothing was written. %s'
        % (', '.join(named), 'them' if len(named) > 1 else 'it', LEAVE_OUT % ('them' if len(named) > 1 else 'it')),
        method=request.method, url=request.url)


def check_license(kind, client, requests):
    """Raise the refusal before any write if ``requests`` hold an Enterprise-only write and the proxy has no
    license; read the license only then."""
    writes = [r for r in requests if r.writes]
    named = enterprise_writes(kind, writes)
    if not named:
        return
    if proxy_has_license(client) is False:
        first = next(r for r in writes if enterprise_writes(kind, [r]))
        raise unlicensed_refusal(named, first)
