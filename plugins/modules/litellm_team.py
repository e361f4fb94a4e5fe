#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: litellm_team
short_description: Create, update and delete LiteLLM proxy teams and their members
version_added: 0.2.0
description:
  - Manages one team of a L(LiteLLM proxy,https://docs.litellm.ai/docs/proxy/team_based_routing), identified
    by O(team_id) when you give one, otherwise by O(team_alias).
  - The team is read first. If it is missing it is created; if a setting you declared differs it is updated
    with only the differing fields; members are added, changed or (with O(exclusive_members=true)) removed one
    request each; if nothing differs nothing is sent.
  - Only the options you set are managed. Spend and timestamps never cause a change.
  - In check mode the module reads but never writes. It returns the requests a real run would send in
    RV(requests), with the Authorization header masked, and the same C(changed) and diff a real run would report.
author:
  - llmops.litellm maintainers (@llmops)
extends_documentation_fragment:
  - llmops.litellm.connection
  - llmops.litellm.approval
  - llmops.litellm.team_settings
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: Reads only; every write is returned unsent in RV(requests).
  diff_mode:
    support: full
    details: Shows the managed settings and members before and after.
  action_group:
    support: full
    membership:
      - llmops.litellm.litellm
  platform:
    platforms: all
options:
  team_id:
    description:
      - The team's id, which identifies it. LiteLLM accepts an id you choose when it creates the team, and keeps
        ids unique.
      - Without it, O(team_alias) identifies the team, and LiteLLM chooses the id of a new team (RV(team_id)).
    type: str
  state:
    description:
      - V(present) creates or updates the team; V(absent) deletes it.
      - Deleting a team with LiteLLM 1.108.7 also deletes the team's keys and its memberships; the users stay.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Supports C(module_defaults) through the action group C(group/llmops.litellm.litellm).
  - LiteLLM 1.108.7's team endpoints do not accept C(max_parallel_requests); set it on the team's keys.
  - The writes a proxy without a LiteLLM Enterprise license refuses are checked before anything is written, in check
    mode too - O(members) with the role V(admin) added to an existing team, or a member of one made an admin
    (C(/team/member_add), C(/team/member_update)); the admins among the first members of a new team need no license.
    Only when a task plans such a write does the module read the proxy's license (C(GET /health/license), once per
    task; once for all the items of a loop run on the controller); if it says C(has_license) is V(false) the task
    fails naming the option, as the real run would, so a preview never approves what the proxy will refuse. A proxy
    that does not answer C(/health/license) is written to as before, and its refusal reported.
seealso:
  - module: llmops.litellm.litellm_team_info
  - module: llmops.litellm.litellm_user
  - module: llmops.litellm.litellm_key
  - name: LiteLLM teams
    description: LiteLLM's documentation of teams.
    link: https://docs.litellm.ai/docs/proxy/team_based_routing
'''

EXAMPLES = r'''
- name: The data team, with two members and a monthly budget
  llmops.litellm.litellm_team:
    api_url: https://litellm.example.com
    api_key: "{{ litellm_master_key }}"
    team_id: data-team
    team_alias: Data team
    models: [gpt-4o, gpt-4o-mini]
    max_budget: 500
    budget_duration: 30d
    metadata:
      cost_center: "4711"
    members:
      - user_id: alice@example.com
        role: admin
      - user_id: bob@example.com

- name: Exactly these members, no others
  llmops.litellm.litellm_team:
    team_id: data-team
    members:
      - user_id: alice@example.com
        role: admin
    exclusive_members: true

- name: A team known only by its alias (LiteLLM chooses the id)
  llmops.litellm.litellm_team:
    team_alias: prototypes
    rpm_limit: 60
  register: prototypes

- name: Delete a team (and, with it, its keys)
  llmops.litellm.litellm_team:
    team_id: old-project
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
team_id:
  description: The team's id.
  returned: when the team exists after the task (not for a team that check mode would create without O(team_id))
  type: str
  sample: data-team
action:
  description: What the task did (or, in check mode, would do).
  returned: always
  type: str
  sample: update
  choices: [create, update, delete, unchanged, absent]
changed_settings:
  description: Names of the settings that differed and were (or would be) updated; C(members) when members changed.
  returned: always
  type: list
  elements: str
  sample: [max_budget, members]
team:
  description:
    - The team's settings and server-managed facts. After a write, the settings as the task set them.
  returned: when the team exists after the task
  type: dict
  sample:
    team_id: data-team
    team_alias: Data team
    models: [gpt-4o, gpt-4o-mini]
    max_budget: 500.0
    budget_duration: 30d
    members: [{user_id: alice@example.com, role: admin}, {user_id: bob@example.com, role: user}]
    metadata: {cost_center: "4711"}
    spend: 0.0
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
      sample: https://litellm.example.com/team/update
    headers:
      description: Request headers; Authorization is masked.
      type: dict
    body:
      description: JSON body, or null for a GET.
      type: raw
      sample: {team_id: data-team, max_budget: 600}
    sent:
      description: Whether the request was sent (false for the writes of a check run).
      type: bool
      sample: false
'''

from ansible_collections.llmops.litellm.plugins.module_utils._module import ModuleDefinition
from ansible_collections.llmops.litellm.plugins.module_utils._teams import TEAM, run_team_task


def argument_spec():
    spec = TEAM.argument_spec()
    spec.update(
        team_id=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    return spec


MODULE = ModuleDefinition(argument_spec, run_team_task, validate=TEAM.validate,
                          required_one_of=[('team_id', 'team_alias')])


def main():
    MODULE.main()


if __name__ == '__main__':
    main()
