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
