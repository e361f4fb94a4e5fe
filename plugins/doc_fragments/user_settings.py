# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # The settings of a LiteLLM internal user, documented once. The engine's field table
    # (plugins/module_utils/_users.py, USER_FIELDS) is held to this by tests/unit/plugins/doc_fragments/.
    DOCUMENTATION = r'''
options:
  user_email:
    description:
      - The user's e-mail address.
    type: str
  user_alias:
    description:
      - The user's display name.
    type: str
  user_role:
    description:
      - The user's role on the proxy.
    type: str
    choices: [proxy_admin, proxy_admin_viewer, internal_user, internal_user_viewer]
  models:
    description:
      - Models the user's keys may call. An empty list allows every model. Order does not matter.
    type: list
    elements: str
  max_budget:
    description:
      - Maximum spend of the user, in USD.
    type: float
  budget_duration:
    description:
      - Period after which the user's spend is reset, such as V(30d).
    type: str
  tpm_limit:
    description:
      - Tokens per minute the user may use.
    type: int
  rpm_limit:
    description:
      - Requests per minute the user may make.
    type: int
  max_parallel_requests:
    description:
      - Requests the user may have in flight at once.
    type: int
  metadata:
    description:
      - Metadata entries to set on the user. Entries you do not list are kept; set an entry to V(null) to remove it.
    type: dict
'''
