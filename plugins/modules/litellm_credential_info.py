#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: litellm_credential_info
short_description: List LiteLLM proxy credentials and their settings, never their secrets
version_added: 0.2.0
description:
  - Reads the credentials of a L(LiteLLM proxy,https://docs.litellm.ai/docs/credentials). With O(credential_name)
    one; otherwise all.
  - Returns each credential's settings in the same form as M(llmops.litellm.litellm_credential) uses them; every
    secret is shown as C(********) (LiteLLM itself answers secrets masked).
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
  credential_name:
    description:
      - Only the credential with this name.
    type: str
notes:
  - Supports C(module_defaults) through the action group C(group/llmops.litellm.litellm).
  - LiteLLM answers the credential list in one page.
seealso:
  - module: llmops.litellm.litellm_credential
'''

EXAMPLES = r'''
- name: Every credential
  llmops.litellm.litellm_credential_info:
    api_url: https://litellm.example.com
    api_key: "{{ litellm_master_key }}"
  register: all_credentials

- name: Their names
  ansible.builtin.debug:
    msg: "{{ all_credentials.credentials | map(attribute='credential_name') | list }}"
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
credentials:
  description: The matching credentials.
  returned: always
  type: list
  elements: dict
  contains:
    credential_name:
      description: The credential's name.
      type: str
      sample: openai-prod
    credential_values:
      description: The values; every secret is shown as C(********).
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
  description: The HTTP requests made, with the Authorization header masked.
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.llmops.litellm.plugins.module_utils._credentials import run_credential_info_task
from ansible_collections.llmops.litellm.plugins.module_utils._module import ModuleDefinition


def argument_spec():
    return dict(credential_name=dict(type='str'))


MODULE = ModuleDefinition(argument_spec, run_credential_info_task)


def main():
    MODULE.main()


if __name__ == '__main__':
    main()
