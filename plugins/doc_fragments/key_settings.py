# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # The settings of a LiteLLM virtual key, documented once for litellm_key (and, through
    # scripts/sync_suboptions.py, for the items of litellm_keys). The engine's field table
    # (plugins/module_utils/_keys.py, KEY_FIELDS) is held to this by tests/unit/plugins/doc_fragments/.
    DOCUMENTATION = r'''
options:
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
        existing key has another type). LiteLLM sets O(allowed_routes) of such a key itself, so the two cannot be
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
      - ID of a budget the key follows (see M(llmops.litellm.litellm_budget)). It must exist, as for O(team_id).
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
      - A temporary increase of O(max_budget), in USD, until O(temp_budget_expiry). LiteLLM keeps it in the key's metadata.
      - For an existing key only (LiteLLM's C(/key/generate) does not take it); for a new key, set O(max_budget).
      - LiteLLM takes it only together with O(temp_budget_expiry). An update sends both (the stored one when only
        one is declared), and the module refuses it when the key has neither stored nor declared.
    type: float
  temp_budget_expiry:
    description:
      - When O(temp_budget_increase) ends, an ISO 8601 time such as V(2027-01-31T00:00:00Z).
      - For an existing key only, like O(temp_budget_increase).
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
      - How LiteLLM enforces O(rpm_limit). LiteLLM keeps it in the key's metadata.
    type: str
    choices: [guaranteed_throughput, best_effort_throughput, dynamic]
  tpm_limit_type:
    description:
      - How LiteLLM enforces O(tpm_limit). LiteLLM keeps it in the key's metadata.
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
        refuses a change of it before sending anything; O(clear=[project_id]) takes the key out of its project.
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
      - Output tokens LiteLLM assumes for a request when it checks O(tpm_limit) before the answer is known.
    type: int
  default_estimated_output_tokens_per_model:
    description:
      - 'O(default_estimated_output_tokens) per model, such as C({"gpt-4o": 800}); each 1 or more (LiteLLM refuses 0).'
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
      - Let LiteLLM rotate the key's secret on its own every O(rotation_interval); LiteLLM computes the next time
        (C(key_rotation_at) in RV(llmops.litellm.litellm_key#module:key_info)). For a rotation now, see
        O(llmops.litellm.litellm_key#module:regenerate).
    type: bool
  rotation_interval:
    description:
      - How often LiteLLM rotates the key when O(auto_rotate) is true, such as V(30d).
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
      - Flags (O(blocked), O(auto_rotate), ...) are cleared by declaring them V(false); a list can also be
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
'''
