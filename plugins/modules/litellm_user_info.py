#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: litellm_user_info
short_description: List LiteLLM proxy internal users and their settings
version_added: 0.2.0
description:
  - Reads the internal users of a L(LiteLLM proxy,https://docs.litellm.ai/docs/proxy/users). With O(user_id) one
    user; otherwise every user matching the filters, following the proxy's pagination to the last page.
  - Returns each user's settings in the same form as M(llmops.litellm.litellm_user) uses them.
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
  user_id:
    description:
      - Only the user with this id.
    type: str
  user_role:
    description:
      - Only users with this role.
    type: str
    choices: [proxy_admin, proxy_admin_viewer, internal_user, internal_user_viewer]
  team_id:
    description:
      - Only members of this team.
    type: str
  page_size:
    description:
      - Users asked for per request. LiteLLM serves at most 100 per page, so the default makes the fewest requests.
    type: int
    default: 100
notes:
  - Supports C(module_defaults) through the action group C(group/llmops.litellm.litellm).
seealso:
  - module: llmops.litellm.litellm_user
'''

EXAMPLES = r'''
- name: Every internal user
  llmops.litellm.litellm_user_info:
    api_url: https://litellm.example.com
    api_key: "{{ litellm_master_key }}"
  register: all_users

- name: Their e-mail addresses
  ansible.builtin.debug:
    msg: "{{ all_users.users | map(attribute='user_email') | select | list }}"

- name: One user
  llmops.litellm.litellm_user_info:
    user_id: alice@example.com
  register: alice
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
users:
  description:
    - The matching users, in the proxy's order.
    - Each has the settings options of M(llmops.litellm.litellm_user) (C(user_email), C(user_role), C(models),
      C(max_budget), C(metadata), ...) and the server-managed facts C(user_id), C(spend), C(teams),
      C(budget_reset_at), C(created_at), C(updated_at) and C(sso_user_id).
  returned: always
  type: list
  elements: dict
  sample:
    - user_id: alice@example.com
      user_email: alice@example.com
      user_role: internal_user
      max_budget: 50.0
      spend: 1.25
      teams: [data-team]
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
from ansible_collections.llmops.litellm.plugins.module_utils._users import USER_ROLES, run_user_info_task


def argument_spec():
    return dict(
        user_id=dict(type='str'),
        user_role=dict(type='str', choices=USER_ROLES),
        team_id=dict(type='str'),
        page_size=page_size_option(),
    )


MODULE = ModuleDefinition(argument_spec, run_user_info_task, validate=validate_page_size)


def main():
    MODULE.main()


if __name__ == '__main__':
    main()
