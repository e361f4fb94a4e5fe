#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: litellm_team_info
short_description: List LiteLLM proxy teams, their settings and members
version_added: 0.2.0
description:
  - Reads the teams of a L(LiteLLM proxy,https://docs.litellm.ai/docs/proxy/team_based_routing). With O(team_id)
    one team; otherwise every team matching the filters, following the proxy's pagination to the last page.
  - Returns each team's settings in the same form as M(llmops.litellm.litellm_team) uses them.
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
  team_id:
    description:
      - Only the team with this id (one request, members and model aliases included).
    type: str
  team_alias:
    description:
      - Only teams with exactly this alias (LiteLLM does not keep aliases unique, so there may be several).
    type: str
  organization_id:
    description:
      - Only teams of this organization.
    type: str
  user_id:
    description:
      - Only teams this user is a member of.
    type: str
  page_size:
    description:
      - Teams asked for per request. LiteLLM serves at most 100 per page, so the default makes the fewest requests.
    type: int
    default: 100
notes:
  - Supports C(module_defaults) through the action group C(group/llmops.litellm.litellm).
seealso:
  - module: llmops.litellm.litellm_team
'''

EXAMPLES = r'''
- name: Every team
  llmops.litellm.litellm_team_info:
    api_url: https://litellm.example.com
    api_key: "{{ litellm_master_key }}"
  register: all_teams

- name: Teams over 80 % of their budget
  ansible.builtin.debug:
    msg: "{{ item.team_alias }}: {{ item.spend }} of {{ item.max_budget }}"
  loop: "{{ all_teams.teams | selectattr('max_budget') | list }}"
  loop_control:
    label: "{{ item.team_id }}"
  when: item.spend > 0.8 * item.max_budget

- name: One team and its members
  llmops.litellm.litellm_team_info:
    team_id: data-team
  register: data_team
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
teams:
  description:
    - The matching teams, in the proxy's order.
    - Each has the settings options of M(llmops.litellm.litellm_team) (C(team_alias), C(models), C(max_budget),
      C(members), C(metadata), ...) and the server-managed facts C(team_id), C(spend), C(budget_reset_at),
      C(created_at) and C(updated_at).
  returned: always
  type: list
  elements: dict
  sample:
    - team_id: data-team
      team_alias: Data team
      models: [gpt-4o]
      max_budget: 500.0
      spend: 12.5
      members: [{user_id: alice@example.com, role: admin}]
requests:
  description: The HTTP requests made, with the Authorization header masked.
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.llmops.litellm.plugins.module_utils._module import (
    ModuleDefinition,
    page_size_option,
    validate_page_size,
)
from ansible_collections.llmops.litellm.plugins.module_utils._teams import run_team_info_task


def argument_spec():
    return dict(
        team_id=dict(type='str'),
        team_alias=dict(type='str'),
        organization_id=dict(type='str'),
        user_id=dict(type='str'),
        page_size=page_size_option(),
    )


MODULE = ModuleDefinition(argument_spec, run_team_info_task, validate=validate_page_size)


def main():
    MODULE.main()


if __name__ == '__main__':
    main()
