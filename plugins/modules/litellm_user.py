#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: litellm_user
short_description: Create, update and delete LiteLLM proxy internal users
version_added: 0.2.0
description:
  - Manages one internal user of a L(LiteLLM proxy,https://docs.litellm.ai/docs/proxy/users), identified by
    O(user_id).
  - The user is read first. If it is missing it is created; if a setting you declared differs it is updated
    with only the differing fields; if nothing differs nothing is sent.
  - LiteLLM's C(/user/new) creates a key for a new user unless told not to; this module always tells it not
    to, so declaring a user never creates a key. Declare keys with M(llmops.litellm.litellm_key).
  - In check mode the module reads but never writes. It returns the requests a real run would send in
    RV(requests), with the Authorization header masked, and the same C(changed) and diff a real run would report.
author:
  - llmops.litellm maintainers (@llmops)
extends_documentation_fragment:
  - llmops.litellm.connection
  - llmops.litellm.approval
  - llmops.litellm.user_settings
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: Reads only; every write is returned unsent in RV(requests).
  diff_mode:
    support: full
    details: Shows the managed settings before and after.
  action_group:
    support: full
    membership:
      - llmops.litellm.litellm
  platform:
    platforms: all
options:
  user_id:
    description:
      - The user's id, which identifies the user. You choose it, for example the user's e-mail address.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the user; V(absent) deletes it.
      - Deleting a user with LiteLLM 1.108.7 also deletes the user's keys and team memberships.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Supports C(module_defaults) through the action group C(group/llmops.litellm.litellm).
  - Team membership is declared on the team, with the O(llmops.litellm.litellm_team#module:members) option of
    M(llmops.litellm.litellm_team).
seealso:
  - module: llmops.litellm.litellm_user_info
  - module: llmops.litellm.litellm_team
  - name: LiteLLM users
    description: LiteLLM's documentation of internal users.
    link: https://docs.litellm.ai/docs/proxy/users
'''

EXAMPLES = r'''
- name: Alice, an internal user with a monthly budget
  llmops.litellm.litellm_user:
    api_url: https://litellm.example.com
    api_key: "{{ litellm_master_key }}"
    user_id: alice@example.com
    user_email: alice@example.com
    user_alias: Alice
    user_role: internal_user
    max_budget: 50
    budget_duration: 30d

- name: Remove a user who left
  llmops.litellm.litellm_user:
    user_id: carol@example.com
    state: absent
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
user_id:
  description: The user's id.
  returned: when the user exists after the task
  type: str
  sample: alice@example.com
action:
  description: What the task did (or, in check mode, would do).
  returned: always
  type: str
  sample: create
  choices: [create, update, delete, unchanged, absent]
changed_settings:
  description: Names of the settings that differed and were (or would be) updated.
  returned: always
  type: list
  elements: str
  sample: [max_budget]
user:
  description:
    - The user's settings and server-managed facts. After a write, the settings as the task set them.
  returned: when the user exists after the task
  type: dict
  sample:
    user_id: alice@example.com
    user_email: alice@example.com
    user_role: internal_user
    max_budget: 50.0
    spend: 0.0
    teams: [data-team]
requests:
  description:
    - Every HTTP request of this task, in order, with the Authorization header masked.
    - In check mode the writes are listed with RV(requests[].sent=false) and were not sent.
  returned: always
  type: list
  elements: dict
  contains:
    method:
      description: HTTP method.
      type: str
      sample: POST
    url:
      description: Full URL, including the query string.
      type: str
      sample: https://litellm.example.com/user/update
    headers:
      description: Request headers; Authorization is masked.
      type: dict
    body:
      description: JSON body, or null for a GET.
      type: raw
      sample: {user_id: alice@example.com, max_budget: 60}
    sent:
      description: Whether the request was sent (false for the writes of a check run).
      type: bool
      sample: false
'''

from ansible_collections.llmops.litellm.plugins.module_utils._module import ModuleDefinition
from ansible_collections.llmops.litellm.plugins.module_utils._users import USER, run_user_task


def argument_spec():
    spec = USER.argument_spec()
    spec.update(
        user_id=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    return spec


MODULE = ModuleDefinition(argument_spec, run_user_task, validate=USER.validate)


def main():
    MODULE.main()


if __name__ == '__main__':
    main()
