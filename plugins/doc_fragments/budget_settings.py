# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # The settings of a LiteLLM budget, documented once. The engine's field table
    # (plugins/module_utils/_budgets.py, BUDGET_FIELDS) is held to this by tests/unit/plugins/doc_fragments/.
    DOCUMENTATION = r'''
options:
  max_budget:
    description:
      - Maximum spend, in USD, of each object that follows the budget.
    type: float
  soft_budget:
    description:
      - Spend, in USD, at which LiteLLM alerts without blocking.
    type: float
  budget_duration:
    description:
      - Period after which spend is reset, such as V(30d).
    type: str
  tpm_limit:
    description:
      - Tokens per minute.
    type: int
  rpm_limit:
    description:
      - Requests per minute.
    type: int
  tpd_limit:
    description:
      - Tokens per day (LiteLLM charges batch submissions against it instead of O(tpm_limit) and O(rpm_limit)).
      - Needs LiteLLM 1.103.0 or later; on an older proxy the module fails before writing anything, in check mode too.
    type: int
  max_parallel_requests:
    description:
      - Requests that may be in flight at once.
    type: int
  model_max_budget:
    description:
      - 'Limits per model, such as C({"gpt-4o": {"max_budget": 10, "budget_duration": "30d"}}): each model takes
        C(max_budget), C(budget_duration), C(tpm_limit) and C(rpm_limit); the module refuses any other name (LiteLLM
        would drop it without a word).'
      - A LiteLLM Enterprise feature; a proxy without an Enterprise license refuses it, and the module says so.
    type: dict
'''
