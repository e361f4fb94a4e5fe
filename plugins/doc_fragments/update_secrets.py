# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # The shared option of every module with write-only secrets (the engine's Field(write_only=...), the argument
    # spec of _fields.update_secrets_option()), as community.general's update_password.
    DOCUMENTATION = r'''
options:
  update_secrets:
    description:
      - When the module sends the secrets it is given. LiteLLM never answers a secret back (it masks it), so the
        module cannot compare one with what the proxy holds.
      - V(on_create) sends them only when the object is created. A re-run reports no change even if a declared secret
        differs from the stored one; the settings that can be read back are compared and updated as usual.
      - V(always) sends the declared secrets again on every run, reported as changed (RV(changed_settings) names the
        option). Use it once to rotate a secret, then return to V(on_create).
    type: str
    choices: [on_create, always]
    default: on_create
notes:
  - Secrets are write-only. They never appear in the results, diffs, planned requests (RV(requests)), plans
    (RV(plan), where they are only their sha256) or error messages; a declared value that contains C(****), the mask
    LiteLLM answers in place of a secret, is refused before anything is sent.
'''
