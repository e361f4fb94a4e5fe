#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: litellm_key_info
short_description: List LiteLLM proxy virtual keys and their settings, never their secrets
version_added: 0.1.0
description:
  - Reads the virtual keys of a L(LiteLLM proxy,https://docs.litellm.ai/docs/proxy/virtual_keys), optionally
    filtered, following the proxy's pagination to the last page.
  - Returns each key's settings in the same normalised form as M(llmops.litellm.litellm_key), with its hash
    but never its secret.
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
  key_alias:
    description:
      - Only the key with exactly this alias.
    type: str
  token:
    description:
      - Only the key with this sha256 hash (the C(token) of a key in another result).
    type: str
  team_id:
    description:
      - Only keys of this team.
    type: str
  user_id:
    description:
      - Only keys of this user.
    type: str
  organization_id:
    description:
      - Only keys of this organization.
    type: str
  page_size:
    description:
      - Keys asked for per request. LiteLLM serves at most 100 per page, so the default makes the fewest requests.
    type: int
    default: 100
notes:
  - With no filter, every key the API key may see is returned.
  - Supports C(module_defaults) through the action group C(group/llmops.litellm.litellm).
seealso:
  - module: llmops.litellm.litellm_key
'''

EXAMPLES = r'''
- name: All keys of a team
  llmops.litellm.litellm_key_info:
    api_url: https://litellm.example.com
    api_key: "{{ litellm_master_key }}"
    team_id: data-team
  register: team_keys

- name: Show which keys are near their budget
  ansible.builtin.debug:
    msg: "{{ item.key_alias }} has spent {{ item.spend }} of {{ item.max_budget }}"
  loop: "{{ team_keys.virtual_keys | selectattr('max_budget') | list }}"
  loop_control:
    label: "{{ item.key_alias }}"

- name: One key by alias
  llmops.litellm.litellm_key_info:
    key_alias: ci-pipeline
  environment:
    LITELLM_PROXY_URL: https://litellm.example.com
    LITELLM_PROXY_API_KEY: "{{ litellm_master_key }}"
  register: ci_key
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
virtual_keys:
  description:
    - The matching keys, in the proxy's order, each without its secret.
    - Each has the settings options of M(llmops.litellm.litellm_key) (C(models), C(max_budget), C(metadata), ...)
      and the server-managed facts C(token), C(key_name), C(spend), C(expires), C(created_at), C(updated_at),
      C(created_by), C(updated_by), C(budget_reset_at), C(last_active) and C(key_type).
  returned: always
  type: list
  elements: dict
  sample:
    - key_alias: data-team-notebooks
      token: 8a7f2c1e5d0b4a3f9e6d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f
      key_name: sk-...Xy4Q
      models: [gpt-4o]
      max_budget: 200.0
      spend: 12.5
      team_id: data-team
      metadata: {owner: data-platform@example.com}
requests:
  description: The HTTP requests made, with the Authorization header masked.
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.llmops.litellm.plugins.module_utils._keys import run_key_info_task
from ansible_collections.llmops.litellm.plugins.module_utils._module import (
    ModuleDefinition,
    page_size_option,
    validate_page_size,
)


def argument_spec():
    return dict(
        key_alias=dict(type='str', no_log=False),
        token=dict(type='str', no_log=False),
        team_id=dict(type='str'),
        user_id=dict(type='str'),
        organization_id=dict(type='str'),
        page_size=page_size_option(),
    )


MODULE = ModuleDefinition(argument_spec, run_key_info_task, validate=validate_page_size)


def main():
    MODULE.main()


if __name__ == '__main__':
    main()
