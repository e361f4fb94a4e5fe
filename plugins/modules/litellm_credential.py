#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: litellm_credential
short_description: Create, update and delete LiteLLM proxy credentials
version_added: 0.2.0
description:
  - Manages one credential of a L(LiteLLM proxy,https://docs.litellm.ai/docs/credentials), identified by
    O(credential_name) - a named set of provider settings (an API key, its base URL) that models refer to.
  - The credential is read first. If it is missing it is created; if a value you declared that can be read back
    differs it is updated with only the differing values; if nothing differs nothing is sent.
  - Secrets are write-only, see O(update_secrets) and O(credential_values).
  - In check mode the module reads but never writes. It returns the requests a real run would send in
    RV(requests), with the Authorization header and the secrets masked, and the same C(changed) and diff a real run
    would report.
author:
  - llmops.litellm maintainers (@llmops)
extends_documentation_fragment:
  - llmops.litellm.connection
  - llmops.litellm.approval
  - llmops.litellm.credential_settings
  - llmops.litellm.update_secrets
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: Reads only; every write is returned unsent in RV(requests).
  diff_mode:
    support: full
    details: Shows the managed settings before and after, secrets masked.
  action_group:
    support: full
    membership:
      - llmops.litellm.litellm
  platform:
    platforms: all
options:
  credential_name:
    description:
      - The credential's name, which identifies it. You choose it; models name it in their C(litellm_credential_name).
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the credential; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Supports C(module_defaults) through the action group C(group/llmops.litellm.litellm).
  - LiteLLM keeps credentials in its database only when the proxy runs with C(STORE_MODEL_IN_DB=True); without it they
    do not survive a restart of the proxy.
seealso:
  - module: llmops.litellm.litellm_credential_info
  - name: LiteLLM credentials
    description: How LiteLLM stores and uses credentials.
    link: https://docs.litellm.ai/docs/credentials
'''

EXAMPLES = r'''
- name: The OpenAI key the production models use
  llmops.litellm.litellm_credential:
    api_url: https://litellm.example.com
    api_key: "{{ litellm_master_key }}"
    credential_name: openai-prod
    credential_values:
      api_key: "{{ openai_api_key }}"
      api_base: https://api.openai.com/v1
    credential_info:
      custom_llm_provider: openai
  vars:
    # Keep it in Ansible Vault (ansible-vault encrypt_string); here it is read from the environment.
    openai_api_key: "{{ lookup('ansible.builtin.env', 'OPENAI_API_KEY', default='replace-me') }}"

- name: Rotate that key once (then go back to the default, update_secrets=on_create)
  llmops.litellm.litellm_credential:
    credential_name: openai-prod
    credential_values:
      api_key: "{{ openai_api_key_new }}"
    update_secrets: always
  vars:
    openai_api_key_new: "{{ lookup('ansible.builtin.env', 'OPENAI_API_KEY_NEW', default='replace-me-too') }}"

- name: Delete a credential
  llmops.litellm.litellm_credential:
    credential_name: openai-staging
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
credential_name:
  description: The credential's name.
  returned: when the credential exists after the task
  type: str
  sample: openai-prod
action:
  description: What the task did (or, in check mode, would do).
  returned: always
  type: str
  sample: create
  choices: [create, update, delete, unchanged, absent]
changed_settings:
  description:
    - Names of the settings that differed and were (or would be) updated; with O(update_secrets=always) also
      C(credential_values) whenever secrets are declared.
  returned: always
  type: list
  elements: str
  sample: [credential_values]
credential:
  description:
    - The credential's settings. After a write, the settings as the task set them.
  returned: when the credential exists after the task
  type: dict
  contains:
    credential_name:
      description: The credential's name.
      type: str
      sample: openai-prod
    credential_values:
      description:
        - The values; every secret is shown as C(********). Ansible also hides the values the task declared
          (C(no_log)).
      type: dict
      sample: {api_key: '********', api_base: https://api.openai.com/v1}
    credential_info:
      description: The info LiteLLM keeps beside the values.
      type: dict
      sample: {custom_llm_provider: openai}
    display_name:
      description: The name LiteLLM's UI shows, if one was set there.
      type: str
      sample: null
requests:
  description:
    - Every HTTP request of this task, in order, with the Authorization header and the secrets masked.
    - In check mode the writes are listed with RV(requests[].sent=false) and were not sent.
  returned: always
  type: list
  elements: dict
  contains:
    method:
      description: HTTP method.
      type: str
      sample: PATCH
    url:
      description: Full URL, including the query string.
      type: str
      sample: https://litellm.example.com/credentials/openai-prod
    headers:
      description: Request headers; Authorization is masked.
      type: dict
    body:
      description: JSON body, or null for a GET; secrets are masked.
      type: raw
      sample: {credential_name: openai-prod, credential_values: {api_base: https://eu.api.openai.com/v1}, credential_info: {}}
    sent:
      description: Whether the request was sent (false for the writes of a check run).
      type: bool
      sample: false
'''

from ansible_collections.llmops.litellm.plugins.module_utils._credentials import CREDENTIAL, run_credential_task
from ansible_collections.llmops.litellm.plugins.module_utils._module import ModuleDefinition


def argument_spec():
    spec = CREDENTIAL.argument_spec()
    spec.update(
        credential_name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    return spec


MODULE = ModuleDefinition(argument_spec, run_credential_task, validate=CREDENTIAL.validate)


def main():
    MODULE.main()


if __name__ == '__main__':
    main()
