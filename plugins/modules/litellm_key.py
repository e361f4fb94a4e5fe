#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: litellm_key
short_description: Create, update, rotate and delete LiteLLM proxy virtual keys
version_added: 0.1.0
description:
  - Manages one virtual key of a L(LiteLLM proxy,https://docs.litellm.ai/docs/proxy/virtual_keys), identified by
    O(key_alias).
  - The key is read with one request. If it is missing it is created; if a setting you declared differs it is
    updated with only the differing fields; if nothing differs nothing is sent.
  - Only the options you set are managed. Settings the proxy manages itself (spend, timestamps, the key's hash)
    never cause a change.
  - In check mode the module reads but never writes. It returns the requests a real run would send in
    RV(requests), with the Authorization header and secrets masked, and the same C(changed) and diff a real run
    would report.
  - The secret of a new key is returned once, in RV(key). Register the result with C(no_log=true).
author:
  - llmops.litellm maintainers (@llmops)
extends_documentation_fragment:
  - llmops.litellm.connection
  - llmops.litellm.approval
  - llmops.litellm.key_settings
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: Reads only; every write is returned unsent in RV(requests).
  diff_mode:
    support: full
    details: Shows the managed settings before and after; never a secret.
  action_group:
    support: full
    membership:
      - llmops.litellm.litellm
  platform:
    platforms: all
options:
  key_alias:
    description:
      - The key's alias, which identifies it. LiteLLM keeps aliases unique.
      - If more than one key has this alias the module fails, lists their hashes, and changes nothing.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the key; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  key:
    description:
      - A secret you choose for the key, starting with C(sk-) and at least 16 characters long. Used when the
        key is created; LiteLLM generates one if you leave this out.
      - Knowing the secret in advance makes creation safe to repeat after a lost answer.
      - With O(regenerate=true), the key is rotated to this secret.
    type: str
  regenerate:
    description:
      - Rotate the key's secret in place. The new secret is returned in RV(key); the task always reports a change.
      - A LiteLLM Enterprise feature; a proxy without an Enterprise license refuses it, and the module says so.
    type: bool
    default: false
  grace_period:
    description:
      - With O(regenerate=true), how long the old secret keeps working, such as V(24h). Without it the old
        secret stops working at once.
    type: str
notes:
  - Supports C(module_defaults) through the action group C(group/llmops.litellm.litellm).
  - Requests the module makes, at most - no change, 1 (the read); create, update or delete, 2 (the read and
    one write), plus, before a create or update, one read of each team, budget and MCP server the declared
    settings name, and of the proxy's license before an Enterprise-only write; check mode, only the reads.
  - Every request field of LiteLLM 1.108.7's C(/key/generate) and C(/key/update) is an option of this module,
    except C(key_alias), which is the key's identity rather than a setting; C(spend), which the proxy manages
    (it counts what the key spends; LiteLLM resets it with C(/key/{key}/reset_spend)); and C(send_invite_email),
    an action at creation (it e-mails the user an invitation), not a state of the key.
  - Settings that need a LiteLLM Enterprise license - O(tags), O(guardrails), O(policies), O(prompts),
    O(disable_global_guardrails), O(allowed_passthrough_routes), O(denied_passthrough_routes),
    O(model_max_budget) and O(regenerate). A proxy without a license refuses them and the module reports that,
    naming the option; within one task a refused setting is not sent again.
  - The writes a proxy without a LiteLLM Enterprise license refuses are checked before anything is written, in check
    mode too - O(tags), O(guardrails), O(disable_global_guardrails), O(policies), O(prompts),
    O(allowed_passthrough_routes), O(denied_passthrough_routes), O(model_max_budget), C(get_spend_routes) in
    O(permissions) when the key is created, and O(regenerate). Only when a task plans such a write does the module
    read the proxy's license (C(GET /health/license), once per task; once for all the items of a loop run on the
    controller); if it says C(has_license) is V(false) the task fails naming the option, as the real run would, so a
    preview never approves what the proxy will refuse. A proxy that does not answer C(/health/license) is written to
    as before, and its refusal reported.
  - Options LiteLLM added after 1.100.0, the oldest release this collection is tested with - O(soft_budget)
    (1.102.0), O(tpd_limit) (1.103.0), O(end_user_budget_id) (1.103.0), the C(skills) entry of O(object_permission)
    (1.102.0), O(denied_passthrough_routes) (1.106.0) and clearing O(project_id) (1.102.0) - are checked against the
    proxy's release before anything is written, in check mode too. Only when a task sends such an option does the
    module read the release (C(GET /health/readiness/details), once per task; once for all the items of a loop run
    on the controller); on an older proxy, which would drop the option without an error, the task fails naming the
    option and the release that added it. A proxy that does not say its release is written to as before.
seealso:
  - module: llmops.litellm.litellm_key_info
  - name: LiteLLM virtual keys
    description: LiteLLM's documentation of virtual keys.
    link: https://docs.litellm.ai/docs/proxy/virtual_keys
'''

EXAMPLES = r'''
- name: The data team (a key may only name a team that exists)
  llmops.litellm.litellm_team:
    api_url: https://litellm.example.com
    api_key: "{{ litellm_master_key }}"
    team_id: data-team

- name: Create or update a key for the data team
  llmops.litellm.litellm_key:
    api_url: https://litellm.example.com
    api_key: "{{ litellm_master_key }}"
    key_alias: data-team-notebooks
    team_id: data-team
    models: [gpt-4o, gpt-4o-mini]
    max_budget: 200
    budget_duration: 30d
    rpm_limit: 600
    metadata:
      owner: data-platform@example.com
  register: data_key
  no_log: true  # the result holds the new secret

- name: Store the new secret in a vault only when it was just created
  ansible.builtin.copy:
    content: "{{ data_key.key }}"
    dest: /etc/notebooks/litellm-key
    mode: "0600"
  when: data_key.key is defined
  no_log: true

- name: Connection settings once for the whole play
  module_defaults:
    group/llmops.litellm.litellm:
      api_url: https://litellm.example.com
      api_key: "{{ litellm_master_key }}"
  block:
    - name: Block a key without deleting it
      llmops.litellm.litellm_key:
        key_alias: contractor-2024
        blocked: true

    - name: Rotate a key, keeping the old secret valid for a day (LiteLLM Enterprise)
      llmops.litellm.litellm_key:
        key_alias: ci-pipeline
        regenerate: true
        grace_period: 24h
      register: rotated
      no_log: true

    - name: A key that may only call the LLM API, rotated by LiteLLM every 30 days
      llmops.litellm.litellm_key:
        key_alias: batch-jobs
        key_type: llm_api
        auto_rotate: true
        rotation_interval: 30d
        enforced_params: [user]
      register: batch_key
      no_log: true

    - name: No budget and no rate limit any more
      llmops.litellm.litellm_key:
        key_alias: batch-jobs
        clear: [max_budget, tpm_limit, rpm_limit]

    - name: Delete a key
      llmops.litellm.litellm_key:
        key_alias: old-prototype
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
key:
  description:
    - The key's secret. Returned only when the key was created or rotated by this task; LiteLLM never shows it again.
    - Register the task with C(no_log=true).
  returned: when the key was created or regenerated, and not in check mode
  type: str
  sample: sk-xxxxxxxxxxxxxxxxxxxxxx
token:
  description: The key's sha256 hash, by which LiteLLM identifies it. Not a secret.
  returned: when the key exists after the task
  type: str
  sample: 8a7f2c1e5d0b4a3f9e6d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f
action:
  description: What the task did (or, in check mode, would do).
  returned: always
  type: str
  sample: update
  choices: [create, update, delete, regenerate, unchanged, absent]
changed_settings:
  description: Names of the settings that differed and were (or would be) updated.
  returned: always
  type: list
  elements: str
  sample: [max_budget, models]
key_info:
  description:
    - The key's settings and server-managed facts, without its secret.
    - After a write, the settings as the task set them.
  returned: when the key exists after the task
  type: dict
  sample:
    key_alias: data-team-notebooks
    token: 8a7f2c1e5d0b4a3f9e6d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f
    key_name: sk-...Xy4Q
    models: [gpt-4o, gpt-4o-mini]
    max_budget: 200.0
    team_id: data-team
    metadata: {owner: data-platform@example.com}
    spend: 0.0
    expires: null
requests:
  description:
    - Every HTTP request of this task, in order, with the Authorization header and secrets masked.
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
      sample: https://litellm.example.com/key/update
    headers:
      description: Request headers; Authorization is masked.
      type: dict
      sample: {Authorization: Bearer ********, Content-Type: application/json}
    body:
      description: JSON body, or null for a GET.
      type: raw
      sample: {key: 8a7f2c1e5d0b4a3f9e6d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f, max_budget: 300}
    sent:
      description: Whether the request was sent (false for the writes of a check run).
      type: bool
      sample: false
'''

from ansible_collections.llmops.litellm.plugins.module_utils._keys import KEY, run_key_task, validate_key_task
from ansible_collections.llmops.litellm.plugins.module_utils._module import ModuleDefinition


def argument_spec():
    spec = KEY.argument_spec()
    spec.update(
        key_alias=dict(type='str', required=True, no_log=False),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        regenerate=dict(type='bool', default=False),
        grace_period=dict(type='str'),
    )
    return spec


MODULE = ModuleDefinition(argument_spec, run_key_task, validate=validate_key_task)


def main():
    MODULE.main()


if __name__ == '__main__':
    main()
