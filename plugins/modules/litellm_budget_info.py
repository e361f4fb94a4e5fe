#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: litellm_budget_info
short_description: List LiteLLM proxy budgets and their settings
version_added: 0.2.0
description:
  - Reads the budgets of a L(LiteLLM proxy,https://docs.litellm.ai/docs/proxy/users). With O(budget_id) one; otherwise all.
  - Returns each budget's settings in the same form as M(llmops.litellm.litellm_budget) uses them.
author:
  - llmops.litellm maintainers (@llmops)
extends_documentation_fragment:
  - llmops.litellm.connection
  - llmops.litellm.approval
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: Only reads; runs the same in check mode.
  diff_mode:
    support: none
    details: Reads only, so there is nothing to diff.
  action_group:
    support: full
    membership:
      - llmops.litellm.litellm
  platform:
    platforms: all
options:
  budget_id:
    description:
      - Only the budget with this id.
    type: str
notes:
  - Supports C(module_defaults) through the action group C(group/llmops.litellm.litellm).
  - LiteLLM answers the budget list in one page.
seealso:
  - module: llmops.litellm.litellm_budget
'''

EXAMPLES = r'''
- name: Every budget
  llmops.litellm.litellm_budget_info:
    api_url: https://litellm.example.com
    api_key: "{{ litellm_master_key }}"
  register: all_budgets

- name: Their ids
  ansible.builtin.debug:
    msg: "{{ all_budgets.budgets | map(attribute='budget_id') | list }}"
'''

RETURN = r'''
plan_digest:
  description:
    - The sha256 of the writes the task planned, in canonical form; the same in check mode and in a real run of the
      same plan. Give it to O(approved_plan) to apply exactly what was previewed.
  returned: always
  type: str
  sample: sha256:3f1c0b7d9e2a4c6b8d0f1e3a5c7b9d2f4e6a8c0b2d4f6e8a0c2e4a6c8e0b2d4f
plan:
  description: The digest and the planned writes, the form O(approved_plan) also takes.
  returned: always
  type: dict
  contains:
    digest:
      description: The same as RV(plan_digest).
      type: str
    writes:
      description: Each planned write - C(method), C(path), C(query) and C(body), secrets only as their sha256.
      type: list
      elements: dict
budgets:
  description:
    - The matching budgets.
    - Each has the settings options of M(llmops.litellm.litellm_budget) and the server-managed facts
      C(budget_id), C(budget_reset_at), C(created_at), C(created_by), C(updated_at) and C(updated_by).
  returned: always
  type: list
  elements: dict
  sample:
    - budget_id: interns
      max_budget: 20.0
      budget_duration: 30d
requests:
  description: The HTTP requests made, with the Authorization header masked.
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.llmops.litellm.plugins.module_utils._budgets import run_budget_info_task
from ansible_collections.llmops.litellm.plugins.module_utils._module import ModuleDefinition


def argument_spec():
    return dict(budget_id=dict(type='str', no_log=False))


MODULE = ModuleDefinition(argument_spec, run_budget_info_task)


def main():
    MODULE.main()


if __name__ == '__main__':
    main()
