# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # The settings of a LiteLLM team, documented once. The engine's field table
    # (plugins/module_utils/_teams.py, TEAM_FIELDS) is held to this by tests/unit/plugins/doc_fragments/.
    DOCUMENTATION = r'''
options:
  team_alias:
    description:
      - The team's display name.
      - Without O(team_id) it identifies the team. LiteLLM does not keep aliases unique; if more than one team
        has this alias the module fails, lists their ids, and changes nothing.
      - With O(team_id), it is a setting like the others (the team is renamed when it differs).
    type: str
  organization_id:
    description:
      - Organization the team belongs to. Organizations are a LiteLLM Enterprise feature; a missing organization
        is refused by the proxy.
    type: str
  models:
    description:
      - Models the team's keys may call. An empty list allows every model. Order does not matter.
    type: list
    elements: str
  max_budget:
    description:
      - Maximum spend of the team, in USD.
    type: float
  budget_duration:
    description:
      - Period after which the team's spend is reset, such as V(30d).
    type: str
  tpm_limit:
    description:
      - Tokens per minute the team may use.
    type: int
  rpm_limit:
    description:
      - Requests per minute the team may make.
    type: int
  metadata:
    description:
      - Metadata entries to set on the team. Entries you do not list are kept; set an entry to V(null) to remove it.
    type: dict
  blocked:
    description:
      - Block the team (V(true)), so that LiteLLM refuses every call made with its keys; V(false) unblocks it.
    type: bool
  model_aliases:
    description:
      - 'Model alias mappings for the team, such as C({"gpt-4": "gpt-4o"}). LiteLLM keeps them in its model table.'
    type: dict
  members:
    description:
      - Members of the team, by user id, each with a role.
      - Members are added with LiteLLM's C(/team/member_add), their role changed with C(/team/member_update),
        and, with O(exclusive_members=true), members not listed are removed with C(/team/member_delete).
      - LiteLLM creates a user for a O(members[].user_id) it does not know (only the master key or a proxy admin
        may do that).
      - Adding an admin to an existing team, or making a member of one an admin, is a LiteLLM Enterprise feature
        (C(/team/member_add) and C(/team/member_update) refuse the role V(admin) on a proxy without a license);
        the admins of a team's first members, given when the team is created, need no license.
    type: list
    elements: dict
    suboptions:
      user_id:
        description:
          - The member's user id.
        type: str
        required: true
      role:
        description:
          - The member's role in the team.
        type: str
        choices: [admin, user]
        default: user
  exclusive_members:
    description:
      - Remove members of the team that O(members) does not list. Without it, members not listed are left alone.
      - Requires O(members); V(members=[]) with this removes every member.
      - LiteLLM adds the user behind the API key that creates a team as an admin member. For the master key that is
        C(default_user_id), LiteLLM's own name for it, which this option leaves alone; a key of another user adds
        that user, whom O(members) should then list.
    type: bool
    default: false
'''
