# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # The settings of a LiteLLM virtual key, documented once for litellm_key (and, through
    # scripts/sync_suboptions.py, for the items of litellm_keys). The engine's field table
    # (plugins/module_utils/_keys.py, KEY_FIELDS) is held to this by tests/unit/plugins/doc_fragments/.
    DOCUMENTATION = r'''
options:
  duration:
    description:
      - How long a new key is valid, such as V(30d), V(12h) or V(1mo). Applied only when the key is created;
        LiteLLM turns it into an expiry time and does not keep the duration, so it is never compared.
    type: str
  models:
    description:
      - Models the key may call. An empty list allows every model. Order does not matter.
    type: list
    elements: str
  aliases:
    description:
      - 'Model alias mappings for this key, such as C({"gpt-4": "gpt-4o"}).'
    type: dict
  max_budget:
    description:
      - Maximum spend of the key, in USD.
    type: float
  soft_budget:
    description:
      - Spend, in USD, at which LiteLLM alerts without blocking. Stored in the key's budget.
    type: float
  budget_duration:
    description:
      - Period after which the key's spend is reset, such as V(30d).
    type: str
  budget_id:
    description:
      - ID of a budget (created with LiteLLM's C(/budget/new)) the key follows.
    type: str
  tpm_limit:
    description:
      - Tokens per minute the key may use.
    type: int
  rpm_limit:
    description:
      - Requests per minute the key may make.
    type: int
  max_parallel_requests:
    description:
      - Requests the key may have in flight at once.
    type: int
  team_id:
    description:
      - Team that owns the key.
    type: str
  user_id:
    description:
      - User that owns the key.
    type: str
  organization_id:
    description:
      - Organization of the key.
    type: str
  metadata:
    description:
      - Metadata entries to set on the key. Entries you do not list are kept; set an entry to V(null) to remove it.
      - LiteLLM keeps some settings (C(tags), C(guardrails), C(model_rpm_limit), C(model_tpm_limit)) inside the
        metadata; set those with their own options.
    type: dict
  tags:
    description:
      - Tags for spend tracking and tag-based routing. Order does not matter.
      - A LiteLLM Enterprise feature; a proxy without an Enterprise license refuses it, and the module says so.
    type: list
    elements: str
  config:
    description:
      - Key-specific proxy configuration.
    type: dict
  permissions:
    description:
      - 'Key-specific permissions, such as C({"pii": false}).'
    type: dict
  model_max_budget:
    description:
      - 'Budget per model, such as C({"gpt-4o": {"budget_limit": 10, "time_period": "30d"}}).'
      - A LiteLLM Enterprise feature; a proxy without an Enterprise license refuses it, and the module says so.
    type: dict
  model_rpm_limit:
    description:
      - 'Requests per minute per model, such as C({"gpt-4o": 100}).'
    type: dict
  model_tpm_limit:
    description:
      - 'Tokens per minute per model, such as C({"gpt-4o": 100000}).'
    type: dict
  guardrails:
    description:
      - Guardrails active for the key. Order does not matter.
      - A LiteLLM Enterprise feature; a proxy without an Enterprise license refuses it, and the module says so.
    type: list
    elements: str
  allowed_routes:
    description:
      - Proxy routes the key may call. Order does not matter.
    type: list
    elements: raw
  blocked:
    description:
      - Block the key (V(true)) or unblock it (V(false)).
    type: bool
'''
