#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: litellm_keys
short_description: Reconcile a whole set of LiteLLM proxy virtual keys in one task
version_added: 0.1.0
description:
  - Declares many virtual keys of a L(LiteLLM proxy,https://docs.litellm.ai/docs/proxy/virtual_keys) at once, for
    every user of a workshop or every service of a platform.
  - Reads the keys once (one request per 100 keys), compares each declared key with the same engine as
    M(llmops.litellm.litellm_key), and writes only the differences. Deletions go in batches.
  - With O(exclusive=true), keys in the set's scope (O(team_id), O(user_id) or O(alias_prefix)) that the list
    does not declare are deleted. Without it, nothing undeclared is touched.
  - A failure on one key does not stop the others; every key's outcome is in RV(results), and the task fails at
    the end if any key failed.
  - In check mode nothing is written; RV(requests) lists what a real run would send.
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
    details: Reads only; every write is returned unsent in RV(requests).
  diff_mode:
    support: full
    details: Before and after of each changed key, by alias; never a secret.
  action_group:
    support: full
    membership:
      - llmops.litellm.litellm
  platform:
    platforms: all
options:
  keys:
    description:
      - The keys of the set. Each item takes the options of M(llmops.litellm.litellm_key) - O(keys[].key_alias)
        (required), O(keys[].state) and every key setting - except the connection options, C(key), C(regenerate)
        and C(grace_period).
      - Items are validated before anything is sent; one bad item fails the task with no change.
    type: list
    elements: dict
    default: []
    suboptions:
      # BEGIN key settings, written by scripts/sync_suboptions.py from doc_fragments/key_settings.py
      key_alias:
        description:
          - The key's alias, which identifies it in the set.
        type: str
        required: true
      state:
        description:
          - V(present) creates or updates the key; V(absent) deletes it.
        type: str
        choices: [present, absent]
        default: present
      duration:
        description:
          - How long a new key is valid, such as V(30d), V(12h) or V(1mo). Applied only when the key is created;
            LiteLLM turns it into an expiry time and does not keep the duration, so it is never compared.
        type: str
      key_type:
        description:
          - What the key may call. V(llm_api) allows the LLM API routes, V(management) the management routes,
            V(read_only) the info routes; V(default) LiteLLM's default routes.
          - Applied only when the key is created (LiteLLM cannot change the type of a key; the module warns when an
            existing key has another type). LiteLLM sets O(keys[].allowed_routes) of such a key itself, so the two cannot be
            declared together.
        type: str
        choices: [default, llm_api, management, read_only]
      models:
        description:
          - Models the key may call. An empty list allows every model. Order does not matter.
        type: list
        elements: str
      aliases:
        description:
          - 'Model alias mappings for this key, such as C({"gpt-4": "gpt-4o"}).'
        type: dict
      max_budget:
        description:
          - Maximum spend of the key, in USD.
        type: float
      soft_budget:
        description:
          - Spend, in USD, at which LiteLLM alerts without blocking. Stored in the key's budget.
          - Needs LiteLLM 1.102.0 or later; on an older proxy the module fails before writing anything, in check mode too.
        type: float
      budget_duration:
        description:
          - Period after which the key's spend is reset, such as V(30d).
        type: str
      budget_id:
        description:
          - ID of a budget the key follows (see M(llmops.litellm.litellm_budget)). It must exist, as for O(keys[].team_id).
        type: str
      budget_limits:
        description:
          - 'Spending windows, each with its own limit and reset period, such as C([{"budget_duration": "1d", "max_budget": 5}]).'
          - LiteLLM adds each window's next reset time (C(reset_at)); that never counts as a difference. Order does not matter.
        type: list
        elements: dict
      budget_fallbacks:
        description:
          - 'Models to fall back to, per model, once its budget is spent, such as C({"gpt-4o": ["gpt-4o-mini"]}).'
        type: dict
      temp_budget_increase:
        description:
          - A temporary increase of O(keys[].max_budget), in USD, until O(keys[].temp_budget_expiry). LiteLLM keeps it in the key's metadata.
          - For an existing key only (LiteLLM's C(/key/generate) does not take it); for a new key, set O(keys[].max_budget).
          - LiteLLM takes it only together with O(keys[].temp_budget_expiry). An update sends both (the stored one when only
            one is declared), and the module refuses it when the key has neither stored nor declared.
        type: float
      temp_budget_expiry:
        description:
          - When O(keys[].temp_budget_increase) ends, an ISO 8601 time such as V(2027-01-31T00:00:00Z).
          - For an existing key only, like O(keys[].temp_budget_increase).
        type: str
      tpm_limit:
        description:
          - Tokens per minute the key may use.
        type: int
      rpm_limit:
        description:
          - Requests per minute the key may make.
        type: int
      tpd_limit:
        description:
          - Tokens per day the key may use.
          - Needs LiteLLM 1.103.0 or later; on an older proxy the module fails before writing anything, in check mode too.
        type: int
      max_parallel_requests:
        description:
          - Requests the key may have in flight at once.
        type: int
      rpm_limit_type:
        description:
          - How LiteLLM enforces O(keys[].rpm_limit). LiteLLM keeps it in the key's metadata.
        type: str
        choices: [guaranteed_throughput, best_effort_throughput, dynamic]
      tpm_limit_type:
        description:
          - How LiteLLM enforces O(keys[].tpm_limit). LiteLLM keeps it in the key's metadata.
        type: str
        choices: [guaranteed_throughput, best_effort_throughput, dynamic]
      team_id:
        description:
          - Team that owns the key.
          - The team must exist (see M(llmops.litellm.litellm_team)). LiteLLM would create the key for a team it does
            not know and then refuse every later update of it, so the module checks the team before it writes and
            fails naming this option if it is missing; in check mode it warns instead.
        type: str
      user_id:
        description:
          - User that owns the key.
        type: str
      organization_id:
        description:
          - Organization of the key.
        type: str
      project_id:
        description:
          - Project of the key. The proxy refuses a project that does not exist.
          - Set when the key is created. LiteLLM refuses to move an existing key into another project, so the module
            refuses a change of it before sending anything; O(keys[].clear=[project_id]) takes the key out of its project.
          - Clearing it needs LiteLLM 1.102.0 or later (earlier releases ignore it on an update); on an older proxy the
            module fails before writing anything, in check mode too.
        type: str
      agent_id:
        description:
          - Agent the key belongs to.
        type: str
      end_user_budget_id:
        description:
          - ID of a budget (see M(llmops.litellm.litellm_budget)) for the end users who call with this key.
            LiteLLM keeps it in the key's metadata.
          - Needs LiteLLM 1.103.0 or later; on an older proxy the module fails before writing anything, in check mode too.
        type: str
      metadata:
        description:
          - Metadata entries to set on the key. Entries you do not list are kept; set an entry to V(null) to remove it.
          - LiteLLM keeps some settings (C(tags), C(guardrails), C(model_rpm_limit), C(model_tpm_limit)) inside the
            metadata; set those with their own options.
        type: dict
      tags:
        description:
          - Tags for spend tracking and tag-based routing. Order does not matter.
          - A LiteLLM Enterprise feature; a proxy without an Enterprise license refuses it, and the module says so.
        type: list
        elements: str
      config:
        description:
          - Key-specific proxy configuration.
        type: dict
      permissions:
        description:
          - 'Key-specific permissions, such as C({"allow_pii_controls": true}).'
          - C(get_spend_routes) is a LiteLLM Enterprise feature; a proxy without a license answers it with a bare HTTP
            500, which the module's message then explains.
        type: dict
      object_permission:
        description:
          - 'What the key may use beyond models, such as C({"vector_stores": ["vs-1"], "mcp_servers": ["<server id>"]}).
            The entries are C(mcp_servers), C(mcp_access_groups), C(mcp_tool_permissions), C(mcp_toolsets),
            C(blocked_tools), C(vector_stores), C(agents), C(agent_access_groups), C(models), C(search_tools),
            C(mcp_tool_search_enabled) and C(skills).'
          - Only the entries you declare are managed; lists compare in any order.
          - The C(skills) entry needs LiteLLM 1.102.0 or later; on an older proxy the module fails before writing
            anything, in check mode too.
          - LiteLLM drops an C(mcp_servers) entry that names no registered MCP server without a word, so the module
            checks each against the proxy's MCP servers (by server id) before it writes, and fails naming the ones it
            does not know.
        type: dict
      access_group_ids:
        description:
          - Access groups whose models the key may call. Order does not matter.
        type: list
        elements: str
      model_max_budget:
        description:
          - 'Budget per model, such as C({"gpt-4o": {"budget_limit": 10, "time_period": "30d"}}).'
          - A LiteLLM Enterprise feature; a proxy without an Enterprise license refuses it, and the module says so.
        type: dict
      model_rpm_limit:
        description:
          - 'Requests per minute per model, such as C({"gpt-4o": 100}).'
        type: dict
      model_tpm_limit:
        description:
          - 'Tokens per minute per model, such as C({"gpt-4o": 100000}).'
        type: dict
      mcp_rpm_limit:
        description:
          - 'Requests per minute per MCP server, such as C({"github": 60}). LiteLLM keeps it in the key''s metadata.'
        type: dict
      tag_rpm_limit:
        description:
          - 'Requests per minute per request tag, such as C({"batch": 10}). LiteLLM keeps it in the key''s metadata.'
        type: dict
      default_estimated_output_tokens:
        description:
          - Output tokens LiteLLM assumes for a request when it checks O(keys[].tpm_limit) before the answer is known.
        type: int
      default_estimated_output_tokens_per_model:
        description:
          - 'O(keys[].default_estimated_output_tokens) per model, such as C({"gpt-4o": 800}); each 1 or more (LiteLLM refuses 0).'
        type: dict
      enforced_params:
        description:
          - Request parameters every call with the key must carry, such as V(user) or V(metadata.generation_name).
            Order does not matter. LiteLLM keeps them in the key's metadata.
        type: list
        elements: str
      router_settings:
        description:
          - 'Router settings for calls with this key, such as C({"num_retries": 2, "timeout": 30}).'
        type: dict
      guardrails:
        description:
          - Guardrails active for the key. Order does not matter.
          - A LiteLLM Enterprise feature; a proxy without an Enterprise license refuses it, and the module says so.
        type: list
        elements: str
      disable_global_guardrails:
        description:
          - Turn off the proxy's global guardrails for this key.
          - A LiteLLM Enterprise feature; a proxy without an Enterprise license refuses it, and the module says so.
        type: bool
      policies:
        description:
          - Policies that apply to the key. Order does not matter.
          - A LiteLLM Enterprise feature; a proxy without an Enterprise license refuses it, and the module says so.
        type: list
        elements: str
      prompts:
        description:
          - Prompt templates the key may use. Order does not matter.
          - A LiteLLM Enterprise feature; a proxy without an Enterprise license refuses it, and the module says so.
        type: list
        elements: str
      allowed_routes:
        description:
          - Proxy routes the key may call. Order does not matter.
        type: list
        elements: raw
      allowed_passthrough_routes:
        description:
          - Pass-through routes the key may call. Order does not matter.
          - A LiteLLM Enterprise feature; a proxy without an Enterprise license refuses it, and the module says so.
        type: list
        elements: str
      denied_passthrough_routes:
        description:
          - Pass-through routes the key may not call. Order does not matter.
          - A LiteLLM Enterprise feature; a proxy without an Enterprise license refuses it, and the module says so.
          - Needs LiteLLM 1.106.0 or later; on an older proxy the module fails before writing anything, in check mode too.
        type: list
        elements: str
      allowed_cache_controls:
        description:
          - Cache controls callers may send with this key, such as V(no-cache). Order does not matter.
        type: list
        elements: str
      allowed_vector_store_indexes:
        description:
          - 'Vector store indexes the key may use, such as C([{"index_name": "docs", "index_permissions": ["read"]}]).
            Order does not matter. LiteLLM keeps them in the key''s metadata.'
        type: list
        elements: dict
      enable_prompt_caching:
        description:
          - Let LiteLLM cache prompts for calls with this key. LiteLLM keeps it in the key's metadata.
        type: bool
      throttle_on_budget_exceeded:
        description:
          - Throttle calls once the key's budget is spent, instead of refusing them. LiteLLM keeps it in the key's metadata.
        type: bool
      auto_rotate:
        description:
          - Let LiteLLM rotate the key's secret on its own every O(keys[].rotation_interval); LiteLLM computes the next time
            (C(key_rotation_at) in RV(llmops.litellm.litellm_key#module:key_info)). For a rotation now, see
            O(llmops.litellm.litellm_key#module:regenerate).
        type: bool
      rotation_interval:
        description:
          - How often LiteLLM rotates the key when O(keys[].auto_rotate) is true, such as V(30d).
        type: str
      blocked:
        description:
          - Block the key (V(true)) or unblock it (V(false)).
        type: bool
      clear:
        description:
          - Settings to remove from the key, such as V([max_budget, tpm_limit]). A setting you leave out is not managed,
            so this is how to say a key must not have it any more. Each is cleared the way LiteLLM keeps it (measured on
            a real proxy) - a limit or an id is set to null, a list to V([]), a mapping to V({}), a setting LiteLLM
            keeps in metadata loses its entry; V(metadata) clears the entries of your own, not the settings LiteLLM
            keeps there.
          - A setting already unset is no change. A setting cannot be declared and cleared in one task.
          - Flags (O(keys[].blocked), O(keys[].auto_rotate), ...) are cleared by declaring them V(false); a list can also be
            declared empty (V(models=[]) allows every model).
        type: list
        elements: str
        choices:
          - models
          - aliases
          - max_budget
          - soft_budget
          - budget_duration
          - budget_id
          - budget_limits
          - budget_fallbacks
          - temp_budget_increase
          - temp_budget_expiry
          - tpm_limit
          - rpm_limit
          - tpd_limit
          - max_parallel_requests
          - rpm_limit_type
          - tpm_limit_type
          - team_id
          - user_id
          - organization_id
          - project_id
          - agent_id
          - end_user_budget_id
          - metadata
          - tags
          - config
          - permissions
          - object_permission
          - access_group_ids
          - model_max_budget
          - model_rpm_limit
          - model_tpm_limit
          - mcp_rpm_limit
          - tag_rpm_limit
          - default_estimated_output_tokens
          - default_estimated_output_tokens_per_model
          - enforced_params
          - router_settings
          - guardrails
          - policies
          - prompts
          - allowed_routes
          - allowed_passthrough_routes
          - denied_passthrough_routes
          - allowed_cache_controls
          - allowed_vector_store_indexes
      # END key settings
  chosen_keys:
    description:
      - Secrets you choose for keys of the set, by alias. Used when those keys are created.
      - Kept out of O(keys) so they are never logged.
    type: dict
  team_id:
    description:
      - The set owns the keys of this team. Declared keys default to it, and only this team's keys are read.
    type: str
  user_id:
    description:
      - The set owns the keys of this user. Declared keys default to it, and only this user's keys are read.
    type: str
  alias_prefix:
    description:
      - The set owns the keys whose alias starts with this prefix. Every declared alias must start with it.
    type: str
  exclusive:
    description:
      - Delete the keys in the scope that O(keys) does not declare. Requires O(team_id), O(user_id) or O(alias_prefix).
    type: bool
    default: false
  page_size:
    description:
      - Keys asked for per read request (LiteLLM serves at most 100).
    type: int
    default: 100
notes:
  - Supports C(module_defaults) through the action group C(group/llmops.litellm.litellm).
  - A declared key that exists outside the scope is not seen by the read; creating it then fails with LiteLLM's
    "already exists" error for that key.
  - The writes a proxy without a LiteLLM Enterprise license refuses are checked before anything is written, in check
    mode too - O(keys[].tags), O(keys[].guardrails), O(keys[].disable_global_guardrails), O(keys[].policies),
    O(keys[].prompts), O(keys[].allowed_passthrough_routes), O(keys[].denied_passthrough_routes),
    O(keys[].model_max_budget) and C(get_spend_routes) in O(keys[].permissions) when the key is created; a key that
    plans one fails alone, the others are applied. Only when a task plans such a write does the module read the
    proxy's license (C(GET /health/license), once per task; once for all the items of a loop run on the controller);
    if it says C(has_license) is V(false) the task fails naming the option, as the real run would, so a preview
    never approves what the proxy will refuse. A proxy that does not answer C(/health/license) is written to as
    before, and its refusal reported.
  - Options LiteLLM added after 1.100.0, the oldest release this collection is tested with - O(keys[].soft_budget)
    (1.102.0), O(keys[].tpd_limit) (1.103.0), O(keys[].end_user_budget_id) (1.103.0), the C(skills) entry of
    O(keys[].object_permission) (1.102.0), O(keys[].denied_passthrough_routes) (1.106.0) and clearing
    O(keys[].project_id) (1.102.0) - are checked against the proxy's release before anything is written, in check
    mode too. Only when a task sends such an option does the module read the release (C(GET
    /health/readiness/details), once per task; once for all the items of a loop run on the controller); on an older
    proxy, which would drop the option without an error, the task fails naming the option and the release that added
    it. A proxy that does not say its release is written to as before.
seealso:
  - module: llmops.litellm.litellm_key
  - module: llmops.litellm.litellm_key_info
'''

EXAMPLES = r'''
- name: The workshop's team
  llmops.litellm.litellm_team:
    api_url: https://litellm.example.com
    api_key: "{{ litellm_master_key }}"
    team_id: workshop-2026-11

- name: One key per workshop attendee, and no others in the workshop team
  llmops.litellm.litellm_keys:
    api_url: https://litellm.example.com
    api_key: "{{ litellm_master_key }}"
    team_id: workshop-2026-11
    exclusive: true
    keys: "{{ attendees | map('regex_replace', '^(.+)$', '{\"key_alias\": \"\\1\"}') | map('from_json') | map('combine', key_defaults) }}"
  vars:
    attendees: [ws-alice, ws-bob, ws-carol]
    key_defaults:
      models: [gpt-4o-mini]
      max_budget: 5
      duration: 7d
  register: workshop
  no_log: true  # the result holds the new secrets

- name: Hand out the new secrets
  ansible.builtin.copy:
    content: "{{ workshop.secrets | to_nice_json }}"
    dest: /srv/workshop/keys.json
    mode: "0600"
  no_log: true

- name: Services of the platform, declared explicitly
  llmops.litellm.litellm_keys:
    alias_prefix: svc-
    keys:
      - key_alias: svc-search
        models: [text-embedding-3-small]
        rpm_limit: 1000
      - key_alias: svc-chat
        models: [gpt-4o]
        max_budget: 500
        budget_duration: 30d
      - key_alias: svc-legacy
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
results:
  description: Each key's outcome, declared keys first, then deletions.
  returned: always
  type: list
  elements: dict
  contains:
    key_alias:
      description: The key's alias.
      type: str
    action:
      description: What was (or, in check mode, would be) done.
      type: str
      sample: update
    changed:
      description: Whether the key changed.
      type: bool
    changed_settings:
      description: Settings that differed.
      type: list
      elements: str
    token:
      description: The key's hash.
      type: str
    key_info:
      description: The key's settings after the task, as in M(llmops.litellm.litellm_key)'s RV(llmops.litellm.litellm_key#module:key_info).
      type: dict
      returned: for keys the task created or updated
    failed:
      description: Present and true when this key failed.
      type: bool
      returned: on failure of this key
    msg:
      description: Why this key failed.
      type: str
      returned: on failure of this key
summary:
  description: How many keys had each action.
  returned: always
  type: dict
  sample: {create: 3, unchanged: 97, delete: 1}
secrets:
  description:
    - The secrets of the keys this task created, by alias. LiteLLM never shows them again.
    - Register the task with C(no_log=true).
  returned: always
  type: dict
  sample: {ws-alice: sk-xxxxxxxxxxxxxxxxxxxxxx}
requests:
  description:
    - Every HTTP request of this task, in order, with the Authorization header and secrets masked. In check mode
      the writes are listed with C(sent=false) and were not sent.
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.llmops.litellm.plugins.module_utils._key_sets import (
    key_item_options,
    run_key_set_task,
    validate_key_set_task,
)
from ansible_collections.llmops.litellm.plugins.module_utils._module import ModuleDefinition, page_size_option


def argument_spec():
    return dict(
        # no_log=False: the list declares keys by alias; secrets go through chosen_keys.
        keys=dict(type='list', elements='dict', default=[], no_log=False, options=key_item_options()),
        chosen_keys=dict(type='dict', no_log=True),
        team_id=dict(type='str'),
        user_id=dict(type='str'),
        alias_prefix=dict(type='str'),
        exclusive=dict(type='bool', default=False),
        page_size=page_size_option(),
    )


MODULE = ModuleDefinition(argument_spec, run_key_set_task, validate=validate_key_set_task)


def main():
    MODULE.main()


if __name__ == '__main__':
    main()
