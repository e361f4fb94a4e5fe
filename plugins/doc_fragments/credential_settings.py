# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # The settings of a LiteLLM credential, documented once. The engine's field table
    # (plugins/module_utils/_credentials.py, CREDENTIAL_FIELDS) is held to this by tests/unit/plugins/doc_fragments/.
    DOCUMENTATION = r'''
options:
  credential_values:
    description:
      - The provider settings the credential holds, such as an C(api_key) and an C(api_base). Required to create a
        credential.
      - The values of names that contain C(key), C(token), C(secret), C(password), C(passwd), C(authorization) or
        C(credentials) (C(api_key), C(aws_secret_access_key), C(vertex_credentials)) are secrets. LiteLLM answers them
        masked, so they are write-only and never compared; O(update_secrets) decides whether an existing credential
        is sent them again. The other values (C(api_base), C(api_version)) are compared with the stored ones, and only
        those that differ are sent.
      - Only the declared values are managed; the others stay as they are (LiteLLM merges an update into the stored
        values). A value may not be null.
      - All its values are hidden from Ansible's output (C(no_log)); take the secrets from Ansible Vault.
    type: dict
  credential_info:
    description:
      - Facts about the credential that LiteLLM keeps beside it, such as its C(custom_llm_provider).
      - Only the declared entries are managed and compared; the others stay as they are (LiteLLM merges an update
        into the stored info). An entry may not be null.
    type: dict
'''
