#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: litellm_budget
short_description: Create, update and delete LiteLLM proxy budgets
version_added: 0.2.0
description:
  - Manages one budget of a L(LiteLLM proxy,https://docs.litellm.ai/docs/proxy/users), identified by
    O(budget_id). Keys follow a budget with O(llmops.litellm.litellm_key#module:budget_id).
  - The budget is read first. If it is missing it is created; if a setting you declared differs it is updated
    with only the differing fields; if nothing differs nothing is sent.
  - In check mode the module reads but never writes. It returns the requests a real run would send in
    RV(requests), with the Authorization header masked, and the same C(changed) and diff a real run would report.
author:
  - llmops.litellm maintainers (@llmops)
extends_documentation_fragment:
  - llmops.litellm.connection
  - llmops.litellm.approval
  - llmops.litellm.budget_settings
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
  budget_id:
    description:
      - The budget's id, which identifies it. You choose it.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the budget; V(absent) deletes it.
      - LiteLLM refuses to delete a budget that keys still follow; delete or move those keys first.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Supports C(module_defaults) through the action group C(group/llmops.litellm.litellm).
  - The writes a proxy without a LiteLLM Enterprise license refuses are checked before anything is written, in check
    mode too - O(model_max_budget) (a non-empty one). Only when a task plans such a write does the module read the
    proxy's license (C(GET /health/license), once per task; once for all the items of a loop run on the controller);
    if it says C(has_license) is V(false) the task fails naming the option, as the real run would, so a preview
    never approves what the proxy will refuse. A proxy that does not answer C(/health/license) is written to as
    before, and its refusal reported.
  - Options LiteLLM added after 1.100.0, the oldest release this collection is tested with - O(tpd_limit) (1.103.0)
    - are checked against the proxy's release before anything is written, in check mode too. Only when a task sends
    such an option does the module read the release (C(GET /health/readiness/details), once per task; once for all
    the items of a loop run on the controller); on an older proxy, which would drop the option without an error, the
    task fails naming the option and the release that added it. A proxy that does not say its release is written to
    as before.
seealso:
  - module: llmops.litellm.litellm_budget_info
  - module: llmops.litellm.litellm_key
'''

EXAMPLES = r'''
- name: A budget that the interns' keys follow
  llmops.litellm.litellm_budget:
    api_url: https://litellm.example.com
    api_key: "{{ litellm_master_key }}"
    budget_id: interns
    max_budget: 20
    soft_budget: 15
    budget_duration: 30d
    rpm_limit: 30

- name: A key that follows it
  llmops.litellm.litellm_key:
    key_alias: intern-notebook
    budget_id: interns
  register: intern_key
  no_log: true
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
budget_id:
  description: The budget's id.
  returned: when the budget exists after the task
  type: str
  sample: interns
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
budget:
  description:
    - The budget's settings and server-managed facts. After a write, the settings as the task set them.
  returned: when the budget exists after the task
  type: dict
  sample:
    budget_id: interns
    max_budget: 20.0
    soft_budget: 15.0
    budget_duration: 30d
    rpm_limit: 30
    budget_reset_at: '2027-01-01T00:00:00+00:00'
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
      sample: https://litellm.example.com/budget/update
    headers:
      description: Request headers; Authorization is masked.
      type: dict
    body:
      description: JSON body, or null for a GET.
      type: raw
      sample: {budget_id: interns, max_budget: 25}
    sent:
      description: Whether the request was sent (false for the writes of a check run).
      type: bool
      sample: false
'''

from ansible_collections.llmops.litellm.plugins.module_utils._budgets import BUDGET, run_budget_task
from ansible_collections.llmops.litellm.plugins.module_utils._module import ModuleDefinition


def argument_spec():
    spec = BUDGET.argument_spec()
    spec.update(
        budget_id=dict(type='str', required=True, no_log=False),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    return spec


MODULE = ModuleDefinition(argument_spec, run_budget_task, validate=BUDGET.validate)


def main():
    MODULE.main()


if __name__ == '__main__':
    main()
