# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Local LiteLLM-compatible server: a TEST AND DEMO ASSET, not a LiteLLM replacement.

It speaks the management API of the LiteLLM proxy 1.108.7 with the same paths, payloads, status codes and error
shapes, so the collection's client, modules and LiteLLM's own client can be exercised on a machine without
Postgres.  It stores everything in SQLite and authenticates only the master key.

- Keys (this file): ``/key/generate``, ``/key/update``, ``/key/delete``, ``/key/info``, ``/key/list``,
  ``/key/regenerate``, ``/key/{key}/regenerate``, ``/key/block``, ``/key/unblock``,
  ``/key/service-account/generate``.
- Teams, users, budgets, organizations (``management.py``): ``/team/new``, ``/team/update``, ``/team/delete``,
  ``/team/info``, ``/team/list``, ``/v2/team/list``, ``/team/member_add``, ``/team/member_update``,
  ``/team/member_delete``, ``/team/block``, ``/team/unblock``, ``/user/new``, ``/user/update``, ``/user/delete``,
  ``/user/info``, ``/user/list``, ``/budget/new``, ``/budget/update``, ``/budget/info``, ``/budget/list``,
  ``/budget/delete``, ``/organization/new``, ``/organization/info``, ``/organization/list``,
  ``DELETE /organization/delete``; ``SEMANTICS.md`` says what each one does and answers.
- Credentials (``management.py``, kept as with ``STORE_MODEL_IN_DB=True``): ``POST /credentials`` (409 for a name
  that exists), ``GET /credentials``, ``GET /credentials/by_name/{name}`` (values of sensitive names masked),
  ``PATCH /credentials/{name}`` (merges values and info), ``DELETE /credentials/{name}``.
- MCP servers (``GET/POST /v1/mcp/server``, ``DELETE /v1/mcp/server/{id}``): only what keys' object permissions
  refer to.
- ``/health/liveliness`` (no key needed); ``/health/license`` (``has_license: false`` on a plain proxy);
  ``/health/readiness/details`` (``litellm_version``: ``LITELLM_RELEASE``, or ``--litellm-version``).

Start it with::

    python tests/litellm_test_server/server.py --port 4000 --master-key sk-... [--db FILE]
        [--plain-proxy] [--no-models] [--disable-auto-add-proxy-admin-to-teams] [--lenient-references]
        [--certfile F --keyfile F [--client-ca F]] [--ready-file F] [--litellm-version X.Y.Z]

``--port 0`` picks a free port; ``--ready-file`` receives the base URL once the server listens.
The master key falls back to the environment variable ``LITELLM_MASTER_KEY``.

Test-only endpoints (master key required): ``GET /_test/requests`` returns per-endpoint request
counters ``{"counts": {"POST /key/generate": n, "POST /team/new": n, ...}, "total": n, "writes": n,
"accepted_writes": n, "server": "local"}`` (writes: POST/PUT/PATCH/DELETE of the LiteLLM endpoints except the read-only
``POST /budget/info``), ``POST /_test/reset`` clears them (``{"data": true}`` also deletes all data), and
``POST /_test/seed`` ``{"keys": [...], "teams": [...], "users": [...], "budgets": [...], "organizations": [...],
"projects": [...]}``
stores raw rows without any check (to build states such as two keys sharing one alias, which a real proxy can
hold but refuses to create; rows get the table's defaults and generated ids).

Mirrored from LiteLLM (its source and measurements of a real 1.108.7 proxy with PostgreSQL):

- The server answers as one LiteLLM release, ``LITELLM_RELEASE`` (the primary release of the real-proxy tier) or
  ``--litellm-version``, where the releases of the test matrix answer differently: the shape of errors (1.102.0:
  handled exceptions answer param null; 1.108.0: a key that is not found names no hash; 1.109.0: OpenAI-shaped
  errors, common.py ``ProxyError.body``), and 1.109.0's additions (router_settings.content_policy_fallbacks, a
  team list's caller_membership, /user/info's admin_mcp_permissions, a key joining a project, the 403 of
  get_spend_routes). Fields and behaviour older releases lack otherwise are listed by the differential tests
  (tests/contract/known-differences.yml).

- Bodies and query strings are validated against ``openapi-keys-1.100.0.json`` (jsonschema) plus what the
  1.108.7 proxy's own /openapi.json adds (``openapi-keys-1.108.7-additions.json``) for the key endpoints, and
  against ``openapi-management-1.108.7.json`` (extracted from the 1.108.7 document by ``extract_openapi.py``) for
  the others, with pydantic's lax scalar conversions for top-level fields ("10" -> 10.0, "yes" -> true) and the
  request models' own validators (a team member needs a user_id or a user_email); failures answer
  422 ``{"detail": [{"type", "loc", "msg"}]}`` exactly as the real proxy does. Unknown fields are ignored.
- Other errors answer as the endpoint raises them: ``{"error": {"message", "type", "param", "code"}}`` where
  LiteLLM converts the exception (an HTTPException's dict detail becomes its ``str()``, e.g.
  ``"{'error': 'No keys found'}"``), FastAPI's ``{"detail": ...}`` where the endpoint raises outside any
  ``try`` (team member and budget endpoints, /team/delete, /user/delete), text/plain 500 where nothing catches.
- Auth: no header, a malformed one or a key other than the master key answer 401 with LiteLLM's messages.
- ``token`` = sha256 of the secret; a value starting with "sk-" is a secret, anything else a hash.
- Metadata folding, ``metadata`` replacing stored metadata on update (keys, teams, users), soft_budget in a
  linked budget row (``litellm_budget_table``), ``duration`` -> ``expires``, archived rows for deleted and
  rotated keys (``/key/info`` answers ``status: deleted`` for them), ``organization_id`` in /key/info but
  ``org_id`` in /key/list full objects; immutable ``metadata.service_account_id``.
- Team aliases are not unique, team ids are; team model aliases live in a model table (``litellm_model_table``);
  team members get user rows (created when missing) and membership rows; ``/user/new`` creates a key unless
  ``auto_create_key`` is false; delete cascades as LiteLLM's (SEMANTICS.md).
- ``--plain-proxy``: tags/guardrails/policies/prompts (non-empty) answer 403, a non-empty
  model_max_budget 500 (400 on update), regeneration 500 (measured: not 403), team admins 400, every
  organization route 403.
- ``--no-models`` (``llm_router=False``): a proxy without any model configured, as the real test stack is: moving a
  key to another team answers 400 "LLM router not found", putting a team into an organization 500.
- ``/team/new`` adds ``default_user_id`` (the master key's user) as an admin member of every new team, as LiteLLM
  does (``--disable-auto-add-proxy-admin-to-teams`` / ``auto_add_team_creator=False`` turns that off).
- The contract tier's differential tests (tests/contract/test_differential.py) hold all of this to the real proxy
  with its database: every status and body of their sequences is compared; SEMANTICS.md says what they measured.
- References are checked as a real proxy's database checks them: ``/key/generate`` with a missing organization
  or budget answers 500 (a missing team is accepted), ``/key/update`` of a key whose team is missing answers
  404, a team change needs the key's user in the team. ``--lenient-references`` (``strict_references=False``)
  turns that off, for tests of other things that name ids without creating the objects.

Known differences: only the master key authenticates (generated keys are not credentials here, and the
grace period of a rotated key has nothing to keep valid); no spend tracking; no model router (a key's models are
not checked against its team's); ``/team/update`` does not
manage team-member budgets (``team_member_*``); ``/user/info`` needs a ``user_id``; a body that is JSON but not
an object answers 422 (the real proxy answers 500); nested values get no lax conversions; union-typed fields
(``member``: a member or a list) report only the first alternative's validation errors.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import json
import math
import os
import re
import secrets
import signal
import socket
import sqlite3
import ssl
import sys
import tempfile
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import jsonschema

if __package__:
    from .common import (
        duration_in_seconds, GENERATED_KEY_BYTES, hash_token, hash_token_if_needed, MASTER_KEY_RECORDED_AS, METADATA_FIELDS,
        METADATA_FIELDS_PREMIUM, MINIMUM_CUSTOM_KEY_LENGTH, NOT_PREMIUM_USER, PlainResponse, PlainTextResponse,
        PROXY_ADMIN_NAME, ProxyError, RequestInvalid, _budget_duration_error, caught_as_auth_error, _db_time, _http_exception,
        _masked, _now, _value_error, _with_relations, next_reset_time, release_key, reset_at,
    )
    from .management import CredentialService, ManagementService
else:  # run as a script: python tests/litellm_test_server/server.py
    from common import (  # type: ignore[no-redef]
        duration_in_seconds, GENERATED_KEY_BYTES, hash_token, hash_token_if_needed, MASTER_KEY_RECORDED_AS, METADATA_FIELDS,
        METADATA_FIELDS_PREMIUM, MINIMUM_CUSTOM_KEY_LENGTH, NOT_PREMIUM_USER, PlainResponse, PlainTextResponse,
        PROXY_ADMIN_NAME, ProxyError, RequestInvalid, _budget_duration_error, caught_as_auth_error, _db_time, _http_exception,
        _masked, _now, _value_error, _with_relations, next_reset_time, release_key, reset_at,
    )
    from management import CredentialService, ManagementService  # type: ignore[no-redef]

# The LiteLLM release this server answers as (the primary release of the real-proxy tier, meta/litellm.yml; a
# unit test holds the two equal): what GET /health/readiness/details names.
LITELLM_RELEASE = "1.109.3"
OPENAPI_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "openapi-keys-1.100.0.json")
# What the 1.108.7 proxy's own /openapi.json declares beyond the 1.100.0 document (tpd_limit, soft_budget on update...).
OPENAPI_ADDITIONS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "openapi-keys-1.108.7-additions.json")
# Team, user, budget and organization operations of the 1.108.7 proxy's /openapi.json (see extract_openapi.py).
OPENAPI_MANAGEMENT_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "openapi-management-1.108.7.json")
# Field declaration order of LiteLLM's request models: pydantic lists validation errors in this order.
FIELD_ORDER_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "field-order-1.108.7.json")

KEY_COLUMNS = (
    ("token", None), ("key_name", None), ("key_alias", None), ("soft_budget_cooldown", False), ("spend", 0.0),
    ("total_spend", 0.0), ("expires", None), ("models", []), ("aliases", {}), ("config", {}), ("router_settings", {}),
    ("user_id", None), ("team_id", None), ("agent_id", None), ("project_id", None), ("permissions", {}),
    ("max_parallel_requests", None), ("metadata", {}), ("blocked", None), ("tpm_limit", None), ("rpm_limit", None),
    ("tpd_limit", None), ("max_budget", None), ("budget_duration", None), ("budget_reset_at", None),
    ("allowed_cache_controls", []), ("allowed_routes", []), ("key_type", None), ("policies", []),
    ("access_group_ids", []), ("model_spend", {}), ("model_max_budget", {}), ("budget_fallbacks", {}),
    ("budget_id", None), ("organization_id", None), ("object_permission_id", None), ("created_at", None),
    ("created_by", None), ("updated_at", None), ("updated_by", None), ("settings_updated_at", None),
    ("last_active", None), ("rotation_count", 0), ("auto_rotate", False), ("rotation_interval", None),
    ("last_rotation_at", None), ("key_rotation_at", None), ("budget_limits", None),
)
KEY_COLUMN_NAMES = frozenset(name for name, _default in KEY_COLUMNS)

# Request fields that are columns of the key row (everything else is request-only or folded into metadata).
WRITABLE_COLUMNS = frozenset((
    "key_alias", "models", "aliases", "config", "router_settings", "user_id", "team_id", "agent_id", "project_id",
    "permissions", "max_parallel_requests", "metadata", "blocked", "tpm_limit", "rpm_limit", "tpd_limit", "max_budget",
    "budget_duration", "allowed_cache_controls", "allowed_routes", "key_type", "access_group_ids", "model_max_budget",
    "budget_fallbacks", "budget_id", "organization_id", "auto_rotate", "rotation_interval", "budget_limits", "spend",
))

# Request fields that are neither columns nor metadata (they address the key or steer the operation).
REQUEST_ONLY_FIELDS = frozenset(("key", "new_key", "new_master_key", "grace_period"))

# GenerateKeyResponse fields in the order LiteLLM serializes them (pydantic dump of the 1.108.7 model).
GENERATE_RESPONSE_FIELDS = (
    ("key_alias", None), ("duration", None), ("models", []), ("spend", 0.0), ("max_budget", None), ("user_id", None),
    ("team_id", None), ("agent_id", None), ("max_parallel_requests", None), ("metadata", {}), ("tpm_limit", None),
    ("rpm_limit", None), ("budget_duration", None), ("budget_limits", None), ("allowed_cache_controls", []),
    ("config", {}), ("permissions", {}), ("model_max_budget", {}), ("budget_fallbacks", None),
    ("model_rpm_limit", None), ("model_tpm_limit", None), ("mcp_rpm_limit", None), ("tag_rpm_limit", None),
    ("guardrails", None), ("policies", None), ("prompts", None), ("blocked", None), ("aliases", {}),
    ("object_permission", None), ("key", None), ("tpd_limit", None), ("default_estimated_output_tokens", None),
    ("default_estimated_output_tokens_per_model", None), ("budget_id", None), ("end_user_budget_id", None),
    ("tags", None), ("disable_global_guardrails", None), ("enable_prompt_caching", None),
    ("throttle_on_budget_exceeded", None), ("enforced_params", None), ("allowed_routes", []),
    ("allowed_passthrough_routes", None), ("denied_passthrough_routes", None), ("allowed_vector_store_indexes", None),
    ("rpm_limit_type", None), ("tpm_limit_type", None), ("router_settings", None), ("access_group_ids", None),
    ("key_name", None), ("key_type", None), ("expires", None), ("token_id", None), ("organization_id", None),
    ("project_id", None), ("litellm_budget_table", None), ("token", None), ("created_by", None), ("updated_by", None),
    ("created_at", None), ("updated_at", None),
)

# The key_data fields generate_key_helper_fn hands to GenerateKeyResponse (the others keep their defaults).
GENERATE_RESPONSE_FROM_ROW = (
    "key_alias", "models", "spend", "max_budget", "user_id", "team_id", "agent_id", "max_parallel_requests", "metadata",
    "tpm_limit", "rpm_limit", "tpd_limit", "budget_duration", "budget_limits", "allowed_cache_controls", "config",
    "permissions", "model_max_budget", "budget_fallbacks", "blocked", "aliases", "budget_id", "allowed_routes",
    "router_settings", "access_group_ids", "key_name", "key_type", "organization_id", "project_id", "created_by",
    "updated_by", "created_at", "updated_at",
)

# UserAPIKeyAuth fields /key/list?return_full_object=true adds after the token columns (all unset for a stored key).
LIST_VIEW_EXTRA_FIELDS = (
    ("team_spend", None), ("team_alias", None), ("team_tpm_limit", None), ("team_rpm_limit", None),
    ("team_tpd_limit", None), ("team_max_budget", None), ("team_soft_budget", None), ("team_model_max_budget", None),
    ("team_models", []), ("team_blocked", False), ("soft_budget", None), ("team_model_aliases", None),
    ("team_member", None), ("team_metadata", None), ("team_object_permission_id", None), ("team_member_spend", None),
    ("team_member_tpm_limit", None), ("team_member_rpm_limit", None), ("end_user_id", None),
    ("end_user_tpm_limit", None), ("end_user_rpm_limit", None), ("end_user_tpd_limit", None),
    ("end_user_max_budget", None), ("end_user_model_max_budget", None), ("organization_alias", None),
    ("organization_max_budget", None), ("organization_tpm_limit", None), ("organization_rpm_limit", None),
    ("organization_metadata", None), ("project_alias", None), ("project_metadata", None),
    ("last_refreshed_at", None), ("api_key", None), ("user_role", None), ("allowed_model_region", None),
    ("parent_otel_span", None), ("rpm_limit_per_model", None), ("tpm_limit_per_model", None),
    ("user_tpm_limit", None), ("user_rpm_limit", None), ("user_email", None), ("user_spend", None),
    ("user_max_budget", None), ("user_model_max_budget", None), ("request_route", None), ("is_session_token", False),
    ("user", None), ("created_by_user", None), ("end_user_object_permission", None), ("team_object_permission", None),
    ("jwt_claims", None),
)
# LiteLLM_VerificationToken field order used by UserAPIKeyAuth (org_id replaces the organization_id column).
LIST_VIEW_TOKEN_FIELDS = (
    "token", "key_name", "key_alias", "spend", "total_spend", "max_budget", "expires", "models", "aliases", "config",
    "user_id", "team_id", "agent_id", "project_id", "max_parallel_requests", "metadata", "tpm_limit", "rpm_limit",
    "tpd_limit", "budget_duration", "budget_reset_at", "allowed_cache_controls", "allowed_routes", "key_type",
    "permissions", "model_spend", "model_max_budget", "budget_fallbacks", "soft_budget_cooldown", "blocked",
    "litellm_budget_table", "budget_id", "org_id", "created_at", "created_by", "updated_at", "updated_by",
    "settings_updated_at", "last_active", "object_permission_id", "object_permission", "access_group_ids",
    "rotation_count", "auto_rotate", "rotation_interval", "last_rotation_at", "key_rotation_at", "router_settings",
    "budget_limits",
)

# UpdateRouterConfig as /key/generate answers it (pydantic dump with every field, the sent ones set; measured).
ROUTER_CONFIG_FIELDS = (
    ("routing_strategy_args", None), ("routing_strategy", None), ("routing_groups", None), ("retry_policy", None),
    ("model_group_retry_policy", None), ("model_group_affinity_config", None), ("allowed_fails", None),
    ("cooldown_time", None), ("num_retries", None), ("timeout", None), ("max_retries", None), ("retry_after", None),
    ("fallbacks", None), ("context_window_fallbacks", None), ("content_policy_fallbacks", None),
    ("model_group_alias", {}), ("enable_tag_filtering", None), ("weights", None), ("tag_routing_prefix", None),
    ("optional_pre_call_checks", None), ("fallback_on_unsupported_params", None),
)
# The release that added a field to UpdateRouterConfig (types/router.py).
ROUTER_CONFIG_FIELDS_SINCE = {"content_policy_fallbacks": "1.109.0"}

# LiteLLM_ObjectPermissionTable: the lists a key's object_permission holds (unset ones are empty), in the order
# Prisma returns them; the relations /key/info and /key/update include are unset (measured).
OBJECT_PERMISSION_FIELDS = (
    ("mcp_servers", []), ("mcp_access_groups", []), ("mcp_tool_permissions", None), ("vector_stores", []),
    ("agents", []), ("agent_access_groups", []), ("models", []), ("blocked_tools", []), ("mcp_toolsets", []),
    ("search_tools", []), ("mcp_tool_search_enabled", None), ("skills", []),
)
OBJECT_PERMISSION_RELATIONS = ("teams", "projects", "verification_tokens", "organizations", "users", "end_users",
                               "agents_table")

# An MCP server as /v1/mcp/server answers its creation (201) and lists it (measured on 1.108.7; the two differ).
MCP_SERVER_FIELDS = (
    ("server_id", None), ("is_config", False), ("server_name", None), ("alias", None), ("description", None),
    ("url", None), ("spec_path", None), ("transport", None), ("auth_type", None), ("credentials", None),
    ("instructions", None), ("created_at", None), ("created_by", None), ("updated_at", None), ("updated_by", None),
    ("teams", []), ("mcp_access_groups", []), ("allowed_tools", []), ("tool_name_to_display_name", {}),
    ("tool_name_to_description", {}), ("pinned_tools", None), ("extra_headers", []), ("mcp_info", None),
    ("static_headers", {}), ("env_vars", []), ("status", "unknown"), ("last_health_check", None),
    ("health_check_error", None), ("command", None), ("args", []), ("env", {}), ("issuer", None),
    ("authorization_url", None), ("token_url", None), ("registration_url", None), ("oauth2_flow", None),
    ("token_exchange_endpoint", None), ("audience", None), ("subject_token_type", None),
    ("token_exchange_profile", None), ("allow_all_keys", False), ("available_on_public_internet", True),
    ("delegate_auth_to_upstream", False), ("oauth_passthrough", False), ("dcr_bridge", None),
    ("per_server_oauth_discovery", False), ("is_byok", False), ("byok_description", []),
    ("byok_api_key_help_url", None), ("has_user_credential", None), ("connected_app_reachable", None),
    ("source_url", None), ("timeout", None), ("max_concurrent_requests", None), ("rpm", None),
    ("approval_status", "active"), ("submitted_by", None), ("submitted_at", None), ("reviewed_at", None),
    ("review_notes", None),
)
# What the list shows differently from the creation's answer.
MCP_SERVER_LISTED = {"created_by": None, "updated_by": None, "tool_name_to_display_name": None,
                     "tool_name_to_description": None, "static_headers": None, "env_vars": None, "status": None,
                     "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
                     "token_exchange_profile": "rfc8693"}
# Request fields of an MCP server registration that the answer repeats.
MCP_SERVER_REQUEST_FIELDS = ("server_name", "alias", "description", "url", "spec_path", "transport", "auth_type",
                             "instructions", "allowed_tools", "extra_headers", "mcp_access_groups", "teams", "command",
                             "args", "env", "allow_all_keys", "available_on_public_internet")

_UNSAFE_ALIAS = re.compile("(^|/)\\.\\.(/|$)|[\\x00-\\x1f\\x7f-\\x9f\\x85\u2028\u2029]")
_VALID_API_KEY = re.compile(r"^(sk-[A-Za-z0-9_-]+|[a-fA-F0-9]{64})$")
_BOOL_TRUE = frozenset(("1", "on", "t", "true", "y", "yes"))
_BOOL_FALSE = frozenset(("0", "off", "f", "false", "n", "no"))


# ---------------------------------------------------------------------------------------------------------------
# Request validation against the OpenAPI document
# ---------------------------------------------------------------------------------------------------------------

def _non_null(schema):
    """The non-null alternative of an Optional[...] schema (anyOf [X, {"type": "null"}])."""
    options = schema.get("anyOf")
    if options:
        rest = [option for option in options if option.get("type") != "null"]
        if len(rest) == 1:
            return rest[0]
    return schema


def _format_limit(value):
    return str(int(value)) if float(value).is_integer() else str(value)


class RequestValidator(object):
    """Validates bodies and query strings against the schemas of the OpenAPI document, FastAPI-style."""

    def __init__(self, document, field_order=None):
        self.document = document
        self.components = document.get("components", {})
        self.field_order = field_order or {}
        self._validators = {}

    def operation(self, method, path_template):
        return self.document["paths"][path_template][method.lower()]

    def _validator(self, schema):
        cache_key = json.dumps(schema, sort_keys=True)
        validator = self._validators.get(cache_key)
        if validator is None:
            root = dict(schema)
            root["components"] = self.components
            validator = jsonschema.Draft202012Validator(root)
            self._validators[cache_key] = validator
        return validator

    def resolve(self, schema):
        while "$ref" in schema:
            node = self.document
            for part in schema["$ref"].lstrip("#/").split("/"):
                node = node[part]
            schema = node
        return schema

    def body_schema(self, method, path_template):
        content = self.operation(method, path_template).get("requestBody", {}).get("content", {})
        return content.get("application/json", {}).get("schema")

    def validate_body(self, method, path_template, body):
        schema = self.body_schema(method, path_template)
        if schema is None:
            return body
        if isinstance(body, dict):
            body = self._coerce_lax(body, self.resolve(_non_null(schema)))
        errors = self._errors(schema, body, ["body"])
        order = self.declaration_order(method, path_template)
        errors.sort(key=lambda item: _declaration_rank(order, item["loc"]))
        if not errors and isinstance(body, dict):
            errors = self._datetime_errors(self.resolve(_non_null(schema)), body)
        if errors:
            raise RequestInvalid(errors)
        return body

    def declaration_order(self, method, path_template):
        """The request model's field order: pydantic reports errors in it (the schema's properties keep it too)."""
        schema = self.body_schema(method, path_template) or {}
        name = _non_null(schema).get("$ref", "").rsplit("/", 1)[-1]
        return self.field_order.get(name) or list(self.resolve(_non_null(schema)).get("properties", {}))

    def _datetime_errors(self, schema, body):
        """Top-level "format": "date-time" fields, parsed as pydantic parses a datetime."""
        errors = []
        for name, field_schema in schema.get("properties", {}).items():
            value = body.get(name)
            if not isinstance(value, str) or self.resolve(_non_null(field_schema)).get("format") != "date-time":
                continue
            try:
                datetime.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
            except ValueError:
                reason = "input is too short" if len(value) < 10 else "invalid character in date"
                errors.append({"type": "datetime_from_date_parsing", "loc": ["body", name],
                               "msg": "Input should be a valid datetime or date, %s" % reason})
        return errors

    def _coerce_lax(self, body, schema):
        """Pydantic's lax mode: numeric strings for numbers, "yes"/"true"/1 for booleans (top-level fields)."""
        properties = schema.get("properties", {})
        coerced = dict(body)
        for name, value in body.items():
            if name not in properties:
                continue
            field_type = self.resolve(_non_null(properties[name])).get("type")
            coerced[name] = _lax_scalar(field_type, value)
        return coerced

    def validate_query(self, method, path_template, query):
        """Coerce declared query parameters (FastAPI ignores undeclared ones); raise RequestInvalid on failure."""
        values = {}
        errors = []
        for parameter in self.operation(method, path_template).get("parameters", []):
            if parameter.get("in") != "query":
                continue
            name = parameter["name"]
            schema = parameter.get("schema", {})
            if name not in query:
                if parameter.get("required"):
                    errors.append({"type": "missing", "loc": ["query", name], "msg": "Field required"})
                else:
                    values[name] = schema.get("default")
                continue
            target = self.resolve(_non_null(schema))
            if target.get("type") == "array":
                values[name] = list(query[name])
                continue
            raw = query[name][-1]
            try:
                value = _query_scalar(target.get("type"), raw)
            except RequestInvalid as error:
                errors.extend(dict(item, loc=["query", name]) for item in error.errors)
                continue
            errors.extend(self._errors(schema, value, ["query", name]))
            values[name] = value
        if errors:
            raise RequestInvalid(errors)
        return values

    def _errors(self, schema, instance, location):
        validator = self._validator(schema)
        found = []
        for error in sorted(validator.iter_errors(instance), key=lambda item: list(item.absolute_path)):
            found.extend(self._pydantic_errors(error, location))
        return found

    def _pydantic_errors(self, error, location):
        if error.validator in ("anyOf", "oneOf") and error.context:
            # Optional[X] failed: report what X says, not the null alternative (as pydantic does).
            branches = {}
            for sub in error.context:
                branches.setdefault(sub.schema_path[0] if sub.schema_path else 0, []).append(sub)
            non_null = [subs for index, subs in sorted(branches.items())
                        if error.validator_value[index].get("type") != "null"]
            if non_null:
                result = []
                for sub in non_null[0]:
                    result.extend(self._pydantic_errors(sub, location))
                return result
        loc = location + list(error.absolute_path)
        return [_pydantic_error(error, loc)]


def _declaration_rank(order, loc):
    field = loc[1] if len(loc) > 1 else ""
    return (order.index(field) if field in order else len(order), str(field))


def _lax_scalar(field_type, value):
    """Pydantic's lax conversions of a JSON scalar for a number, integer or boolean field (others pass through)."""
    if field_type == "number":
        if isinstance(value, (bool, int)):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value.strip())
            except ValueError:
                return value
    elif field_type == "integer":
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            text = value.strip()
            if re.match(r"^[+-]?\d+(\.0*)?$", text):
                return int(float(text)) if "." in text else int(text)
    elif field_type == "boolean":
        if isinstance(value, str):
            try:
                return _parse_bool(value.strip())
            except ValueError:
                return value
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value in (0, 1):
            return bool(value)
    return value


def _parse_bool(text):
    lowered = text.lower()
    if lowered in _BOOL_TRUE:
        return True
    if lowered in _BOOL_FALSE:
        return False
    raise ValueError(text)


# FastAPI's parsing of one query-string value per declared type: (parser, pydantic error type, message).
_QUERY_PARSERS = {
    "integer": (int, "int_parsing", "Input should be a valid integer, unable to parse string as an integer"),
    "number": (float, "float_parsing", "Input should be a valid number, unable to parse string as a number"),
    "boolean": (_parse_bool, "bool_parsing", "Input should be a valid boolean, unable to interpret input"),
}


def _query_scalar(field_type, raw):
    if field_type not in _QUERY_PARSERS:
        return raw
    parser, error_type, message = _QUERY_PARSERS[field_type]
    try:
        return parser(raw.strip())
    except ValueError:
        raise RequestInvalid([{"type": error_type, "loc": [], "msg": message}])


_TYPE_ERRORS = {
    "array": ("list_type", "Input should be a valid list"),
    "object": ("dict_type", "Input should be a valid dictionary"),
    "string": ("string_type", "Input should be a valid string"),
    "integer": ("int_type", "Input should be a valid integer"),
    "number": ("float_type", "Input should be a valid number"),
    "boolean": ("bool_type", "Input should be a valid boolean"),
}


# litellm/types/proxy/auth/user_roles.py LitellmUserRoles: value -> member name.
_USER_ROLE_MEMBERS = {
    "proxy_admin": "PROXY_ADMIN", "proxy_admin_viewer": "PROXY_ADMIN_VIEW_ONLY", "org_admin": "ORG_ADMIN",
    "internal_user": "INTERNAL_USER", "internal_user_viewer": "INTERNAL_USER_VIEW_ONLY", "team": "TEAM",
    "customer": "CUSTOMER",
}

_BOUND_ERRORS = {
    "minimum": ("greater_than_equal", "greater than or equal to"),
    "maximum": ("less_than_equal", "less than or equal to"),
    "exclusiveMinimum": ("greater_than", "greater than"),
    "exclusiveMaximum": ("less_than", "less than"),
}


def _pydantic_error(error, loc):
    """Translate one jsonschema error into the {"type", "loc", "msg"} item FastAPI/pydantic would report."""
    kind = error.validator
    value = error.instance
    if kind == "type":
        expected = error.validator_value if isinstance(error.validator_value, str) else error.validator_value[0]
        if expected == "object" and "properties" in error.schema:
            return {"type": "model_attributes_type", "loc": loc,
                    "msg": "Input should be a valid dictionary or object to extract fields from"}
        if expected == "integer" and isinstance(value, float):
            return {"type": "int_from_float", "loc": loc,
                    "msg": "Input should be a valid integer, got a number with a fractional part"}
        if expected == "boolean" and isinstance(value, (int, float)):
            value = str(value)
        if isinstance(value, str) and expected in _QUERY_PARSERS:
            _parser, error_type, message = _QUERY_PARSERS[expected]
            return {"type": error_type, "loc": loc, "msg": message}
        error_type, message = _TYPE_ERRORS.get(expected, ("value_error", error.message))
        return {"type": error_type, "loc": loc, "msg": message}
    if kind == "enum":
        options = ["'%s'" % option for option in error.validator_value]
        if "title" not in error.schema and set(error.validator_value) <= set(_USER_ROLE_MEMBERS):
            # a Literal of LitellmUserRoles members (user_role): pydantic shows the members' repr (measured)
            options = ["<LitellmUserRoles.%s: '%s'>" % (_USER_ROLE_MEMBERS[option], option)
                       for option in error.validator_value]
        listed = options[0] if len(options) == 1 else "%s or %s" % (", ".join(options[:-1]), options[-1])
        error_type = "enum" if "title" in error.schema else "literal_error"
        return {"type": error_type, "loc": loc, "msg": "Input should be %s" % listed}
    if kind == "required":
        missing = re.match(r"'(.*)' is a required property", error.message)
        return {"type": "missing", "loc": loc + [missing.group(1) if missing else ""], "msg": "Field required"}
    if kind in _BOUND_ERRORS:
        error_type, relation = _BOUND_ERRORS[kind]
        return {"type": error_type, "loc": loc,
                "msg": "Input should be %s %s" % (relation, _format_limit(error.validator_value))}
    return {"type": "value_error", "loc": loc, "msg": "Value error, %s" % error.message}


# ---------------------------------------------------------------------------------------------------------------
# Storage
# ---------------------------------------------------------------------------------------------------------------

class KeyStore(object):
    """SQLite storage of key rows, budget rows and deleted-key records; one lock makes every operation atomic."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.RLock()
        self.connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.executescript(
            """
            CREATE TABLE IF NOT EXISTS keys (
                token TEXT PRIMARY KEY, key_alias TEXT, user_id TEXT, team_id TEXT, organization_id TEXT,
                created_at TEXT NOT NULL, row TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS keys_alias ON keys (key_alias, created_at DESC, token DESC);
            CREATE INDEX IF NOT EXISTS keys_user ON keys (user_id, created_at DESC, token DESC);
            CREATE INDEX IF NOT EXISTS keys_team ON keys (team_id, created_at DESC, token DESC);
            CREATE INDEX IF NOT EXISTS keys_org ON keys (organization_id, created_at DESC, token DESC);
            CREATE INDEX IF NOT EXISTS keys_order ON keys (created_at DESC, token DESC);
            CREATE TABLE IF NOT EXISTS budgets (budget_id TEXT PRIMARY KEY, row TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS deleted_keys (
                id INTEGER PRIMARY KEY AUTOINCREMENT, token TEXT NOT NULL, deleted_at TEXT NOT NULL, row TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS deleted_token ON deleted_keys (token);
            CREATE TABLE IF NOT EXISTS entities (
                kind TEXT NOT NULL, id TEXT NOT NULL, created_at TEXT, seq INTEGER NOT NULL, row TEXT NOT NULL,
                PRIMARY KEY (kind, id));
            CREATE TABLE IF NOT EXISTS sequences (kind TEXT PRIMARY KEY, value INTEGER NOT NULL);
            """
        )

    def close(self):
        with self.lock:
            self.connection.close()

    def transaction(self):
        return _Transaction(self)

    def get(self, token):
        with self.lock:
            found = self.connection.execute("SELECT row FROM keys WHERE token = ?", (token,)).fetchone()
        return json.loads(found[0]) if found else None

    def find_by_alias(self, alias, exclude_token=None, limit=None):
        sql = "SELECT row FROM keys WHERE key_alias = ?"
        args = [alias]
        if exclude_token is not None:
            sql += " AND token != ?"
            args.append(exclude_token)
        sql += " ORDER BY created_at DESC, token DESC"
        if limit is not None:
            sql += " LIMIT %d" % int(limit)
        with self.lock:
            return [json.loads(found[0]) for found in self.connection.execute(sql, args).fetchall()]

    def find_tokens(self, tokens):
        rows = []
        with self.lock:
            for token in tokens:
                found = self.connection.execute("SELECT row FROM keys WHERE token = ?", (token,)).fetchone()
                if found:
                    rows.append(json.loads(found[0]))
        return rows

    def put_many(self, rows):
        with self.lock:
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                for row in rows:
                    self.put(row)
            except Exception:
                self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")

    def put(self, row):
        with self.lock:
            self.connection.execute(
                "INSERT OR REPLACE INTO keys (token, key_alias, user_id, team_id, organization_id, created_at, row) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (row["token"], row.get("key_alias"), row.get("user_id"), row.get("team_id"), row.get("organization_id"),
                 row.get("created_at") or "", json.dumps(row)),
            )

    def delete(self, token, archived_row):
        with self.lock:
            self.connection.execute("DELETE FROM keys WHERE token = ?", (token,))
            self.connection.execute("INSERT INTO deleted_keys (token, deleted_at, row) VALUES (?, ?, ?)",
                                    (token, archived_row["deleted_at"], json.dumps(archived_row)))

    def deleted(self, token):
        with self.lock:
            found = self.connection.execute(
                "SELECT row FROM deleted_keys WHERE token = ? ORDER BY deleted_at DESC, id DESC LIMIT 1", (token,)
            ).fetchone()
        return json.loads(found[0]) if found else None

    def budget(self, budget_id):
        if budget_id is None:
            return None
        with self.lock:
            found = self.connection.execute("SELECT row FROM budgets WHERE budget_id = ?", (budget_id,)).fetchone()
        return json.loads(found[0]) if found else None

    def put_budget(self, row):
        with self.lock:
            self.connection.execute("INSERT OR REPLACE INTO budgets (budget_id, row) VALUES (?, ?)",
                                    (row["budget_id"], json.dumps(row)))

    def delete_budget(self, budget_id):
        with self.lock:
            self.connection.execute("DELETE FROM budgets WHERE budget_id = ?", (budget_id,))

    def all_budgets(self):
        """Every budget row, oldest first (the order Postgres returns an unordered find_many in, near enough)."""
        with self.lock:
            found = self.connection.execute("SELECT row FROM budgets").fetchall()
        rows = [json.loads(item[0]) for item in found]
        rows.sort(key=lambda row: (row.get("created_at") or "", row["budget_id"]))
        return rows

    def delete_live(self, token):
        """Delete a key row without archiving it (LiteLLM's delete_many on user and organization deletion)."""
        with self.lock:
            self.connection.execute("DELETE FROM keys WHERE token = ?", (token,))

    # -- teams, users, memberships, organizations, model tables: JSON rows by kind and id ----------------------

    def entity(self, kind, entity_id):
        with self.lock:
            found = self.connection.execute("SELECT row FROM entities WHERE kind = ? AND id = ?",
                                            (kind, entity_id)).fetchone()
        return json.loads(found[0]) if found else None

    def put_entity(self, kind, entity_id, row, created_at):
        with self.lock:
            found = self.connection.execute("SELECT seq FROM entities WHERE kind = ? AND id = ?",
                                            (kind, entity_id)).fetchone()
            seq = found[0] if found else self.next_id("entity-seq")
            self.connection.execute(
                "INSERT OR REPLACE INTO entities (kind, id, created_at, seq, row) VALUES (?, ?, ?, ?, ?)",
                (kind, entity_id, created_at, seq, json.dumps(row)))

    def delete_entity(self, kind, entity_id):
        with self.lock:
            self.connection.execute("DELETE FROM entities WHERE kind = ? AND id = ?", (kind, entity_id))

    def entities(self, kind):
        """Every row of one kind in insertion order."""
        with self.lock:
            found = self.connection.execute("SELECT row FROM entities WHERE kind = ? ORDER BY seq", (kind,)).fetchall()
        return [json.loads(item[0]) for item in found]

    def next_id(self, kind):
        """An autoincrement value (Postgres SERIAL), never reused within one database."""
        with self.lock:
            found = self.connection.execute("SELECT value FROM sequences WHERE kind = ?", (kind,)).fetchone()
            value = (found[0] if found else 0) + 1
            self.connection.execute("INSERT OR REPLACE INTO sequences (kind, value) VALUES (?, ?)", (kind, value))
        return value

    @staticmethod
    def _where(filters):
        """An SQL WHERE clause for exact matches on the indexed columns named in ``filters``."""
        clauses = []
        args = []
        for column in ("user_id", "team_id", "organization_id", "key_alias", "token"):
            if filters.get(column):
                clauses.append("%s = ?" % column)
                args.append(filters[column])
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args

    def list(self, filters, page, size):
        """One page of live rows (newest first) and the count of all matching: /key/list's fast path."""
        where, args = self._where(filters)
        with self.lock:
            total = self.connection.execute("SELECT COUNT(*) FROM keys" + where, args).fetchone()[0]
            found = self.connection.execute(
                "SELECT row FROM keys" + where + " ORDER BY created_at DESC, token DESC LIMIT ? OFFSET ?",
                args + [size, (page - 1) * size],
            ).fetchall()
        return total, [json.loads(item[0]) for item in found]

    def matching(self, filters, deleted=False):
        """Every live (or archived) row matching the exact-match filters, newest first."""
        if deleted:
            # The archive is small and has no filter columns: filter its rows here.
            with self.lock:
                found = self.connection.execute("SELECT row FROM deleted_keys").fetchall()
            rows = [row for row in (json.loads(item[0]) for item in found)
                    if all(row.get(name) == value for name, value in filters.items() if value)]
        else:
            where, args = self._where(filters)
            with self.lock:
                found = self.connection.execute("SELECT row FROM keys" + where, args).fetchall()
            rows = [json.loads(item[0]) for item in found]
        rows.sort(key=lambda row: (row.get("created_at") or "", row.get("token") or ""), reverse=True)
        return rows

    def wipe(self):
        with self.lock:
            self.connection.execute("DELETE FROM keys")
            self.connection.execute("DELETE FROM budgets")
            self.connection.execute("DELETE FROM deleted_keys")
            self.connection.execute("DELETE FROM entities")
            self.connection.execute("DELETE FROM sequences")


class _Transaction(object):
    """Holds the store lock and an SQLite transaction: a check and the write it guards happen as one step."""

    def __init__(self, store):
        self.store = store

    def __enter__(self):
        self.store.lock.acquire()
        self.store.connection.execute("BEGIN IMMEDIATE")
        return self.store

    def __exit__(self, exc_type, exc, traceback):
        try:
            self.store.connection.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.store.lock.release()
        return False


# ---------------------------------------------------------------------------------------------------------------
# Key semantics (LiteLLM proxy/management_endpoints/key_management_endpoints.py)
# ---------------------------------------------------------------------------------------------------------------

def _new_row():
    return dict((name, copy.deepcopy(default)) for name, default in KEY_COLUMNS)


def _key_status(row, now):
    if row.get("blocked") is True:
        return "revoked"
    expires = row.get("expires")
    if not expires:
        return "active"
    moment = datetime.datetime.fromisoformat(expires)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return "expired" if moment < now else "active"


_PRISMA_REQUIRED = "`data.models`: A value is required but not set"
_PRISMA_UNION = ("Unable to match input value to any allowed input type for the field. Parse errors: [%s, %s]"
                 % (_PRISMA_REQUIRED, _PRISMA_REQUIRED))
# What Prisma's engine says about `models: null` in an update (measured through update_key_fn).
_PRISMA_MODELS_NULL = ("Unable to match input value to any allowed input type for the field. Parse errors: [%s, %s]"
                       % (_PRISMA_UNION, _PRISMA_UNION))


def _token_view(row):
    """A key row as LiteLLM's pydantic LiteLLM_VerificationToken dumps it: the organization is ``org_id``, no
    ``policies``, relations unset (/key/block, /key/unblock, and the archive /key/info reads deleted keys from)."""
    view = dict((name, copy.deepcopy(row.get(name))) for name in LIST_VIEW_TOKEN_FIELDS)
    view.update({"org_id": row.get("organization_id"), "litellm_budget_table": None, "object_permission": None})
    return view


def _abbreviate(secret):
    return "sk-..." if len(secret) < MINIMUM_CUSTOM_KEY_LENGTH else "sk-...%s" % secret[-4:]


class KeyService(object):
    """The key endpoints' behaviour on top of a KeyStore."""

    def __init__(self, store, plain_proxy=False, strict_references=True, llm_router=True, litellm_version=None):
        self.store = store
        self.plain_proxy = plain_proxy
        # The release /health/readiness/details names: the one this server answers as, unless told otherwise
        # (a test of what the modules do with an older proxy).
        self.litellm_version = litellm_version or LITELLM_RELEASE
        # True: a proxy with models configured (an LLM router), as every deployment has; False: one without any
        # (the real test stack), which refuses to move a key to another team.
        self.llm_router = llm_router
        # True: team, organization and budget ids a key names are checked as a real proxy with its database does
        # (see the module docstring); False: they are stored unchecked, as this server always did.
        self.strict_references = strict_references

    # -- helpers -------------------------------------------------------------------------------------------

    def answers_as(self, release):
        """True when the release this server answers as is ``release`` or later (what changed in that release is
        commented where it is answered)."""
        return release_key(self.litellm_version) >= release_key(release)

    def _premium_check(self, field):
        if self.plain_proxy:
            raise _http_exception(403, {"error": "This feature is only available for LiteLLM Enterprise users: %s. %s"
                                        % (field, NOT_PREMIUM_USER)})

    def _check_model_max_budget(self, model_max_budget):
        if not model_max_budget:
            return
        if self.plain_proxy:
            raise ValueError("Invalid model_max_budget: You must have an enterprise license to set model_max_budget. %s. "
                             "Example of valid model_max_budget: https://docs.litellm.ai/docs/proxy/users" % NOT_PREMIUM_USER)

    @staticmethod
    def _check_budget(name, value):
        if value is not None and (not math.isfinite(value) or value < 0):
            raise _http_exception(400, {"error": "%s must be a non-negative finite number. Received: %r" % (name, float(value))})

    @staticmethod
    def _check_alias_format(alias):
        if alias is not None and _UNSAFE_ALIAS.search(alias):
            raise ProxyError(400, 'Invalid key_alias: must not contain control characters (such as tab or newline) or a ".." '
                             'path segment', "bad_request_error", "key_alias")

    def _check_alias_unique(self, alias, exclude_token=None):
        if alias is not None and self.store.find_by_alias(alias, exclude_token=exclude_token, limit=1):
            raise ProxyError(400, "Key with alias '%s' already exists. Unique key aliases across all keys are required." % alias,
                             "bad_request_error", "key_alias")

    def _create_budget(self, soft_budget, model_max_budget, now):
        budget = {
            "budget_id": str(uuid.uuid4()), "max_budget": None, "soft_budget": soft_budget, "max_parallel_requests": None,
            "tpm_limit": None, "rpm_limit": None, "tpd_limit": None, "model_max_budget": model_max_budget or {},
            "budget_duration": None, "budget_reset_at": None, "allowed_models": [], "temp_budget_increase": None,
            "temp_budget_expiry": None, "created_at": _db_time(now), "created_by": PROXY_ADMIN_NAME,
            "updated_at": _db_time(now), "updated_by": PROXY_ADMIN_NAME,
        }
        self.store.put_budget(budget)
        return budget

    def budget_view(self, budget_id):
        """The linked budget row as Prisma includes it (its own relations unset), or None."""
        return ManagementService.budget_prisma(self.store.budget(budget_id))

    def _with_budget(self, row):
        result = dict(row)
        result["litellm_budget_table"] = self.budget_view(row.get("budget_id"))
        return result

    @staticmethod
    def _reset_at(budget_duration, now):
        return reset_at(budget_duration, now)

    # -- generate ------------------------------------------------------------------------------------------

    def generate(self, data, enforce_references=True, unique_alias=True, created_by=PROXY_ADMIN_NAME,
                 key_type="default"):
        """/key/generate. /user/new's keys (generate_key_helper_fn with request_type="user") skip the alias and
        reference checks and are stored without created_by, updated_by and key_type (measured)."""
        for name in ("team_id", "organization_id", "project_id"):
            if data.get(name) == "":
                data[name] = None
        if data.get("max_budget") == "":
            data["max_budget"] = None
        self._check_budget("max_budget", data.get("max_budget"))
        if enforce_references and self.strict_references:
            # generate_key_fn checks the project (_check_project_key_limits) before anything of
            # _common_key_generation_helper: the budget duration, Enterprise fields, the organization (measured)
            self._check_project(data)
        self._check_budget("soft_budget", data.get("soft_budget"))
        if data.get("budget_duration") is not None:
            problem = _budget_duration_error(data["budget_duration"])
            if problem:
                raise _http_exception(400, {"error": problem})
        metadata = dict(data.get("metadata") or {})
        for field in METADATA_FIELDS_PREMIUM + METADATA_FIELDS:
            if data.get(field) is not None:
                if field in METADATA_FIELDS_PREMIUM and data[field]:
                    self._premium_check(field)
                metadata[field] = data[field]
        if (data.get("metadata") or {}).get("service_account_id") is not None and data.get("team_id") is None:
            # _common_key_generation_helper -> validate_team_id_used_in_service_account_request
            raise ProxyError(400, "team_id is required for service account keys. Please specify `team_id` in the "
                                  "request body.")
        self._check_alias_format(data.get("key_alias"))
        secret = data.get("key")
        if secret is not None and not secret.startswith("sk-"):
            raise _http_exception(400, {"error": "Invalid key format. LiteLLM Virtual Key must start with 'sk-'. Received: %s"
                                        % _masked(secret)})
        if secret is not None and len(secret) < MINIMUM_CUSTOM_KEY_LENGTH:
            raise _http_exception(400, {"error": "Invalid key format. LiteLLM Virtual Key must be at least %d characters long."
                                        % MINIMUM_CUSTOM_KEY_LENGTH})
        now = _now()
        expires = None
        if data.get("duration") is not None:
            expires = now + datetime.timedelta(seconds=duration_in_seconds(data["duration"]))
        self._check_model_max_budget(data.get("model_max_budget"))
        if secret is None:
            secret = "sk-" + secrets.token_urlsafe(GENERATED_KEY_BYTES)
        with self.store.transaction():
            if unique_alias:
                self._check_alias_unique(data.get("key_alias"))
            if enforce_references and self.strict_references:
                self._check_generate_references(data)
            if self.plain_proxy and "get_spend_routes" in json.dumps(data.get("permissions") or {}):
                if self.answers_as("1.109.0"):
                    # generate_key_helper_fn calls require_enterprise_license("get_spend_routes"): a 403
                    self._premium_check("get_spend_routes")
                # before: a ValueError ("get_spend_routes permission is only available for LiteLLM Enterprise
                # users") turned into generate_key_helper_fn's generic 500 (measured; the answer does not say why)
                raise _http_exception(500, {"error": "Internal Server Error."})
            token = hash_token(secret)
            existing = self.store.get(token)
            if existing is None:
                row = self._insert(data, token, secret, metadata, expires, now, created_by=created_by,
                                   key_type=key_type)
            else:
                # LiteLLM inserts with "upsert, do nothing if the hash exists": nothing is created or changed, and
                # the answer is built from the request, with the existing row's timestamps (measured).
                row = self._insert(data, token, secret, metadata, expires, now, store=False, created_by=created_by,
                                   key_type=key_type)
                row.update(created_at=existing.get("created_at"), updated_at=existing.get("updated_at"))
        return self._generate_response(secret, row, expires)

    def _check_generate_references(self, data):
        """What a real proxy's database refuses on /key/generate (a team that does not exist is accepted)."""
        organization_id = data.get("organization_id")
        if organization_id is not None and self.store.entity("organization", organization_id) is None:
            # get_org_object raises OrganizationNotFoundError (a plain Exception): handle_exception_on_proxy, 500.
            raise ProxyError(500, "Organization doesn't exist in db. Organization=%s. Create organization via "
                                  "`/organization/new` call." % organization_id, raised_as="Exception")
        budget_id = data.get("budget_id")
        if budget_id is not None and data.get("soft_budget") is None and self.store.budget(budget_id) is None:
            # the insert fails on the foreign key; generate_key_helper_fn answers a generic 500
            raise _http_exception(500, {"error": "Internal Server Error."})

    def _check_project(self, data):
        """get_project_object: a project that does not exist is a 404 (measured). Projects exist here only as
        /_test/seed makes them."""
        if data.get("project_id") is not None and self.store.entity("project", data["project_id"]) is None:
            raise _http_exception(404, {"error": "Project not found, project_id=%s" % data["project_id"]})

    def _check_project_assignment(self, data, existing):
        """_validate_update_key_data: a key cannot move from one project to another (null detaches it); from
        1.109.0 (_validate_project_assignment) a key without a project may join an existing one of its own team."""
        if existing.get("project_id") is not None or not self.answers_as("1.109.0"):
            raise _http_exception(400, "Project reassignment is not supported. Use null to detach the key.")
        project = self.store.entity("project", data["project_id"])
        if project is None:
            raise _http_exception(404, {"error": "Project not found, project_id=%s" % data["project_id"]})
        team_id = data["team_id"] if "team_id" in data else existing.get("team_id")
        if team_id is None or team_id != project.get("team_id"):
            raise _http_exception(400, {"error": "Project %s belongs to team %s. Keys can only be assigned to a project "
                                                 "owned by their own team (key team: %s)"
                                                 % (data["project_id"], project.get("team_id"), team_id)})

    def _check_update_references(self, data, existing):
        """update_key_fn -> _validate_update_key_data: the key's team (sent or stored) must exist, a team change
        must suit the key, a sent organization must exist when throughput fields or the organization change."""
        team_id = data.get("team_id") or existing.get("team_id")
        team = self.store.entity("team", team_id) if team_id is not None else None
        if team_id is not None and team is None:
            raise _http_exception(404, {"error": "Team doesn't exist in db. Team=%s. Create team via `/team/new` call."
                                        % team_id})
        organization_id = data.get("organization_id") or existing.get("organization_id")
        throughput = any(data.get(name) is not None for name in ("organization_id", "tpm_limit", "rpm_limit",
                                                                 "tpm_limit_type", "rpm_limit_type"))
        if organization_id is not None and throughput and self.store.entity("organization", organization_id) is None:
            # get_org_object raises OrganizationNotFoundError; update_key_fn answers it as a 400 auth_error (measured)
            raise ValueError("Organization doesn't exist in db. Organization=%s. Create organization via "
                             "`/organization/new` call." % organization_id)
        if data.get("team_id") is not None and data["team_id"] != existing.get("team_id"):
            if not self.llm_router:
                # a proxy without models has no router, and update_key_fn refuses every team change (measured)
                raise _http_exception(400, {"error": "LLM router not found. Please set it up by passing in a valid "
                                                     "config.yaml or adding models via the UI."})
            # validate_key_team_change (the model-access check needs a router: not mirrored)
            if existing.get("tpm_limit") is not None:
                if team.get("tpm_limit") and existing["tpm_limit"] > team["tpm_limit"]:
                    raise _http_exception(403, "Key=%s has a tpm_limit=%s which is greater than the team's "
                                               "tpm_limit=%s." % (existing["token"], existing["tpm_limit"], team["tpm_limit"]))
                if team.get("rpm_limit") and existing.get("rpm_limit") and existing["rpm_limit"] > team["rpm_limit"]:
                    raise _http_exception(403, "Key=%s has a rpm_limit=%s which is greater than the team's "
                                               "rpm_limit=%s." % (existing["token"], existing["rpm_limit"], team["rpm_limit"]))
            if existing.get("user_id") is not None and not any(
                    member.get("user_id") == existing["user_id"] for member in team.get("members_with_roles") or []):
                raise _http_exception(403, "User=%s is not a member of the team=%s. Check team members via "
                                           "`/team/info`." % (existing["user_id"], team["team_id"]))
        budget_id = data.get("budget_id")
        if budget_id is not None and "soft_budget" not in data and self.store.budget(budget_id) is None:
            raise ValueError("Foreign key constraint failed on the field: `LiteLLM_VerificationToken_budget_id_fkey "
                             "(index)`")

    def _insert(self, data, token, secret, metadata, expires, now, store=True, created_by=PROXY_ADMIN_NAME,
                key_type="default"):
        row = _new_row()
        for name in WRITABLE_COLUMNS:
            if data.get(name) is not None:
                row[name] = copy.deepcopy(data[name])
        row.update({
            "token": token, "key_name": _abbreviate(secret), "metadata": metadata, "spend": float(data.get("spend") or 0.0),
            "key_type": data.get("key_type") or key_type, "created_at": _db_time(now), "updated_at": _db_time(now),
            "created_by": created_by, "updated_by": created_by,
            "expires": expires.isoformat() if expires else None,
        })
        row["allowed_routes"] = {"llm_api": ["llm_api_routes"], "management": ["management_routes"],
                                 "read_only": ["info_routes"]}.get(row["key_type"], row["allowed_routes"] or [])
        if row.get("budget_duration"):
            row["budget_reset_at"] = self._reset_at(row["budget_duration"], now)
        row["budget_limits"] = self._budget_windows(row.get("budget_limits"), now)
        if data.get("object_permission") is not None and store:
            row["object_permission_id"] = self._write_object_permission(data["object_permission"], None)
        if data.get("soft_budget") is not None and store:
            row["budget_id"] = self._create_budget(data["soft_budget"], data.get("model_max_budget"), now)["budget_id"]
        if row.get("auto_rotate") and row.get("rotation_interval"):
            row["key_rotation_at"] = _db_time(now + datetime.timedelta(seconds=duration_in_seconds(row["rotation_interval"])))
        if store:
            self.store.put(row)
        return row

    # -- budget windows, object permissions -----------------------------------------------------------------

    @staticmethod
    def _budget_windows(windows, now):
        """Each budget_limits window with its next reset (reset_at), as LiteLLM initialises them."""
        if not windows:
            return windows
        result = []
        for window in windows:
            window = dict(window)
            window["reset_at"] = next_reset_time(window["budget_duration"], now).isoformat()
            result.append(window)
        return result

    def _write_object_permission(self, value, permission_id):
        """Store a key's object_permission in its own row; its id. A new row has the sent lists and the others
        empty; an update changes the lists it is sent and keeps the others. MCP servers that are not registered are
        dropped without a word (measured)."""
        registered = set(row["server_id"] for row in self.store.entities("mcp_server"))
        row = self.store.entity("object_permission", permission_id) if permission_id else None
        if row is None:
            row = dict((name, copy.deepcopy(default)) for name, default in OBJECT_PERMISSION_FIELDS)
        for name, _default in OBJECT_PERMISSION_FIELDS:
            if value.get(name) is not None:
                row[name] = copy.deepcopy(value[name])
        row["mcp_servers"] = [server for server in row["mcp_servers"] or [] if server in registered]
        row["object_permission_id"] = permission_id or str(uuid.uuid4())
        self.store.put_entity("object_permission", row["object_permission_id"], row, None)
        return row["object_permission_id"]

    def object_permission_view(self, permission_id, relations=True):
        row = self.store.entity("object_permission", permission_id) if permission_id else None
        if row is None:
            return None
        view = {"object_permission_id": row["object_permission_id"]}
        view.update((name, copy.deepcopy(row.get(name))) for name, _default in OBJECT_PERMISSION_FIELDS)
        if relations:
            view.update((name, None) for name in OBJECT_PERMISSION_RELATIONS)
        return view

    def _generate_response(self, secret, row, expires):
        response = dict((name, copy.deepcopy(default)) for name, default in GENERATE_RESPONSE_FIELDS)
        for name in GENERATE_RESPONSE_FROM_ROW:
            response[name] = copy.deepcopy(row.get(name))
        router_settings = dict((name, copy.deepcopy(default)) for name, default in ROUTER_CONFIG_FIELDS
                               if name not in ROUTER_CONFIG_FIELDS_SINCE or self.answers_as(ROUTER_CONFIG_FIELDS_SINCE[name]))
        router_settings.update(copy.deepcopy(row.get("router_settings") or {}))
        response.update({
            "key": secret, "token": row["token"], "token_id": row["token"], "budget_limits": row.get("budget_limits"),
            "expires": expires.isoformat() if expires else row.get("expires"),
            "litellm_budget_table": self.budget_view(row.get("budget_id")), "router_settings": router_settings,
        })
        return response

    # -- update --------------------------------------------------------------------------------------------

    def update(self, data):
        if data.get("team_id") == "":
            del data["team_id"]
        if data.get("organization_id") == "":
            data["organization_id"] = None
        try:
            self._check_budget("max_budget", data.get("max_budget"))
            self._check_budget("soft_budget", data.get("soft_budget"))
            with self.store.transaction():
                return self._update_locked(data)
        except ProxyError as error:
            if error.raised_as == "HTTPException":
                raise caught_as_auth_error(error)
            raise
        except ValueError as error:
            raise caught_as_auth_error(error)

    def _existing_for_update(self, data):
        if data.get("key") is not None:
            row = self.store.get(hash_token_if_needed(data["key"]))
            if row is None:
                raise ProxyError(404, "Key not found.", "not_found_error", "key")
            return row
        alias = data.get("key_alias")
        rows = self.store.find_by_alias(alias, limit=2)
        if not rows:
            raise ProxyError(404, "Key not found. No key with key_alias='%s'." % alias, "not_found_error", "key_alias")
        if len(rows) > 1:
            raise ProxyError(400, "Multiple keys share key_alias='%s', so it cannot be used as an identifier." % alias,
                             "bad_request_error", "key_alias")
        return rows[0]

    def _update_locked(self, data):
        existing = self._existing_for_update(data)
        if data.get("project_id") is not None and data["project_id"] != existing.get("project_id"):
            self._check_project_assignment(data, existing)
        if self.strict_references:
            self._check_update_references(data, existing)
        if "models" in data and data["models"] is None:
            # models is String[] in schema.prisma: Prisma refuses null, update_key_fn answers it as auth_error
            raise ValueError(_PRISMA_MODELS_NULL)
        key = data.get("key") if data.get("key") is not None else existing["token"]
        now = _now()
        row = dict(existing)
        row.update(self._prepare_update_values(data, existing, now))
        row["updated_at"] = _db_time(now)
        row["settings_updated_at"] = _db_time(now)
        self.store.put(row)
        response = {"key": key}
        response.update(_with_relations(row))
        response["object_permission"] = self.object_permission_view(row.get("object_permission_id"))
        return response

    def _prepare_update_values(self, data, existing, now, unique_alias=True):
        """The row changes an update (or a regeneration's body) makes: LiteLLM's prepare_key_update_data."""
        for field in METADATA_FIELDS_PREMIUM:
            if data.get(field):
                self._premium_check(field)
        values = {}
        for name, value in data.items():
            if name in REQUEST_ONLY_FIELDS or name in METADATA_FIELDS or name in METADATA_FIELDS_PREMIUM:
                continue
            if name == "key_type":
                # not a field of UpdateKeyRequest: ignored (measured)
                continue
            values[name] = value
        if values.get("budget_limits"):
            values["budget_limits"] = self._budget_windows(values["budget_limits"], now)
        if values.get("object_permission") is not None:
            values["object_permission_id"] = self._write_object_permission(values.pop("object_permission"),
                                                                           existing.get("object_permission_id"))
        if "duration" in values:
            duration = values.pop("duration")
            if duration is None or duration == "-1":
                values["expires"] = None
            elif duration:
                values["expires"] = (now + datetime.timedelta(seconds=duration_in_seconds(duration))).isoformat()
        if "budget_duration" in values:
            budget_duration = values["budget_duration"]
            if budget_duration is None:
                values["budget_reset_at"] = None
            elif budget_duration:
                if budget_duration != existing.get("budget_duration") or not existing.get("budget_reset_at"):
                    values["budget_reset_at"] = self._reset_at(budget_duration, now)
            else:
                del values["budget_duration"]
        if "model_max_budget" in values:
            self._check_model_max_budget(values["model_max_budget"])
        # A sent `metadata` replaces the stored one; folded fields are applied on top of either (nulls ignored).
        sent_metadata = values.get("metadata") if "metadata" in values else None
        metadata = values["metadata"] if "metadata" in values else copy.deepcopy(existing.get("metadata") or {})
        metadata = dict(metadata or {})
        for reserved in ("service_account_id",):
            # LiteLLM_Reserved_Metadata_Fields are immutable once set: kept when omitted, refused when changed.
            kept = (existing.get("metadata") or {}).get(reserved)
            if kept is None:
                continue
            if "metadata" in values and (sent_metadata is None or (reserved in sent_metadata
                                                                   and sent_metadata[reserved] != kept)):
                raise _http_exception(400, "%s is immutable once set and cannot be changed via update." % reserved)
            metadata[reserved] = kept
        for field in METADATA_FIELDS_PREMIUM + METADATA_FIELDS:
            if data.get(field) is not None:
                metadata[field] = data[field]
        if isinstance(metadata.get("temp_budget_expiry"), str) and "temp_budget_expiry" in data:
            # LiteLLM stores the parsed datetime's isoformat()
            metadata["temp_budget_expiry"] = datetime.datetime.fromisoformat(
                data["temp_budget_expiry"].replace("Z", "+00:00").replace("z", "+00:00")).isoformat()
        if "metadata" in values and values["metadata"] is None and not any(
                data.get(field) is not None for field in METADATA_FIELDS_PREMIUM + METADATA_FIELDS):
            # `metadata: null` is stored as JSON null (measured; such a key cannot be deleted any more)
            metadata = None
        values["metadata"] = metadata
        if values.get("key_alias") != existing.get("key_alias"):
            self._check_alias_format(values.get("key_alias"))
        if unique_alias and values.get("key_alias") is not None:
            self._check_alias_unique(values["key_alias"], exclude_token=existing["token"])
        changes = dict((name, copy.deepcopy(value)) for name, value in values.items() if name in KEY_COLUMN_NAMES)
        if "soft_budget" in values:
            soft_budget = values["soft_budget"]
            budget = self.store.budget(existing.get("budget_id"))
            if budget is not None:
                budget.update({"soft_budget": soft_budget, "updated_at": _db_time(now), "updated_by": PROXY_ADMIN_NAME})
                self.store.put_budget(budget)
            elif soft_budget is not None:
                changes["budget_id"] = self._create_budget(soft_budget, None, now)["budget_id"]
        if values.get("auto_rotate") and values.get("rotation_interval"):
            changes["key_rotation_at"] = _db_time(now + datetime.timedelta(seconds=duration_in_seconds(values["rotation_interval"])))
        if "spend" in changes:
            changes["spend"] = float(changes["spend"] or 0.0)
        changes["updated_by"] = PROXY_ADMIN_NAME
        return changes

    # -- delete --------------------------------------------------------------------------------------------

    def delete(self, data):
        with self.store.transaction():
            if data.get("keys"):
                tokens = [hash_token_if_needed(key) for key in data["keys"]]
                deleted_keys = data["keys"]
            else:
                tokens = self._tokens_for_aliases(data["key_aliases"])
                deleted_keys = data["key_aliases"]
            rows = self.store.find_tokens(tokens)
            if not rows:
                raise _http_exception(404, {"error": "No keys found"})
            if any(row.get("metadata") is None for row in rows):
                # the archive row's model refuses null metadata; nothing is deleted (measured)
                raise ProxyError(500, "1 validation error for LiteLLM_DeletedVerificationToken\nmetadata\n  Input should "
                                      "be a valid dictionary [type=dict_type, input_value=None, input_type=NoneType]\n"
                                      "    For further information visit https://errors.pydantic.dev/2.14/v/dict_type",
                                 raised_as="Exception")
            now = _now()
            for row in rows:
                self._archive(row, now)
        return {"deleted_keys": deleted_keys}

    def _tokens_for_aliases(self, aliases):
        tokens = []
        for alias in aliases:
            tokens.extend(row["token"] for row in self.store.find_by_alias(alias))
        return tokens

    # -- info / list ---------------------------------------------------------------------------------------

    def info(self, key):
        if key is None:
            # LiteLLM falls back to the caller's own key; the caller here is always the master key.
            raise ProxyError(404, "Key not found in database", "not_found_error", "key")
        token = hash_token_if_needed(key)
        row = self.store.get(token)
        if row is None:
            archived = self.store.deleted(token)
            if archived is None:
                raise ProxyError(404, "Key not found in database", "not_found_error", "key")
            info = _token_view(archived)
            info.pop("token", None)
            info.update({"id": archived.get("id"), "organization_id": archived.get("organization_id"),
                         "deleted_at": archived.get("deleted_at"), "deleted_by": archived.get("deleted_by"),
                         "deleted_by_api_key": archived.get("deleted_by_api_key"),
                         "litellm_changed_by": archived.get("litellm_changed_by"), "status": "deleted"})
            return {"key": key, "info": info}
        info = _with_relations(row)
        info.pop("token", None)
        info["litellm_budget_table"] = self.budget_view(row.get("budget_id"))
        info["object_permission"] = self.object_permission_view(row.get("object_permission_id"))
        if row.get("budget_limits"):
            # no spend is made here
            info["budget_limits_usage"] = dict((window["budget_duration"], {"current_spend": 0.0})
                                               for window in row["budget_limits"])
        info["status"] = _key_status(row, _now())
        return {"key": key, "info": info}

    def list(self, query):
        if query.get("status") is not None and query["status"] not in ("active", "expired", "revoked", "deleted"):
            raise ProxyError(400, str({"error": "Invalid status value. Supported: 'active', 'expired', 'revoked', 'deleted'."}),
                             "internal_server_error", "None", raised_as="HTTPException")
        if query.get("expires") is not None and query["expires"] not in ("active", "expired"):
            raise ProxyError(400, str({"error": "Invalid expires value. Supported: 'active', 'expired'."}),
                             "internal_server_error", "None", raised_as="HTTPException")
        if query.get("sort_by") is not None:
            valid = ["spend", "max_budget", "created_at", "updated_at", "token", "key_alias"]
            if query["sort_by"] not in valid:
                raise ProxyError(400, str({"error": "Invalid sort column. Must be one of: %s" % ", ".join(valid)}),
                                 "internal_server_error", "None", raised_as="HTTPException")
            if query["sort_order"].lower() not in ("asc", "desc"):
                raise ProxyError(400, str({"error": "Invalid sort order. Must be 'asc' or 'desc'"}),
                                 "internal_server_error", "None", raised_as="HTTPException")
        page, size = query["page"], query["size"]
        if any(query.get(name) for name in ("status", "expires", "sort_by", "substring_matching", "project_id", "agent_id",
                                            "access_group_id", "search")):
            total, rows = self._list_filtered(query, page, size)
        else:
            total, rows = self.store.list(dict(query, token=query.get("key_hash")), page, size)
        if query.get("return_full_object") or "user" in (query.get("expand") or []):
            if any(row.get("metadata") is None for row in rows):
                # each key on the page becomes a UserAPIKeyAuth, whose metadata must be a dict: one key with null
                # metadata breaks the whole page (measured)
                raise ProxyError(500, "1 validation error for UserAPIKeyAuth\nmetadata\n  Input "
                                      "should be a valid dictionary [type=dict_type, input_value=None, "
                                      "input_type=NoneType]\n    For further information visit "
                                      "https://errors.pydantic.dev/2.14/v/dict_type", "internal_server_error", "None",
                                 raised_as="Exception", prefix="Authentication Error, ")
            keys = [self._list_view(row) for row in rows]
        else:
            keys = [row["token"] for row in rows]
        return {"keys": keys, "total_count": total, "current_page": page, "total_pages": -(-total // size)}

    def _list_filtered(self, query, page, size):
        """The slow path of /key/list for the filters SQL does not cover: evaluated row by row."""
        substring = bool(query.get("substring_matching"))
        exact = {"team_id": query.get("team_id"), "organization_id": query.get("organization_id"),
                 "token": query.get("key_hash"),
                 "user_id": None if substring else query.get("user_id"),
                 "key_alias": None if substring else query.get("key_alias")}
        rows = self.store.matching(exact, deleted=query.get("status") == "deleted")
        now = _now()

        def wanted(row):
            for name in ("user_id", "key_alias"):
                if substring and query.get(name) and query[name].lower() not in (row.get(name) or "").lower():
                    return False
            for name in ("project_id", "agent_id"):
                if query.get(name) and row.get(name) != query[name]:
                    return False
            if query.get("access_group_id") and query["access_group_id"] not in (row.get("access_group_ids") or []):
                return False
            search = query.get("search")
            if search and row.get("token") != search and search.lower() not in (row.get("key_alias") or "").lower():
                return False
            if query.get("expires") and _key_status(dict(row, blocked=None), now) != query["expires"]:
                return False
            return query.get("status") in (None, "deleted") or _key_status(row, now) == query["status"]

        rows = [row for row in rows if wanted(row)]
        if query.get("sort_by"):
            column = query["sort_by"]
            descending = query["sort_order"].lower() == "desc"
            nulls = [row for row in rows if row.get(column) is None]
            values = sorted((row for row in rows if row.get(column) is not None), key=lambda row: row[column],
                            reverse=descending)
            # Postgres puts NULLs first when descending and last when ascending.
            rows = nulls + values if descending else values + nulls
        return len(rows), rows[(page - 1) * size:page * size]

    def _list_view(self, row):
        """The UserAPIKeyAuth object LiteLLM builds from a row (rows are freshly decoded, so no copies needed)."""
        source = self._with_budget(row)
        source["org_id"] = source.get("organization_id")
        source["object_permission"] = self.object_permission_view(row.get("object_permission_id"), relations=False)
        view = dict((name, source.get(name)) for name in LIST_VIEW_TOKEN_FIELDS)
        for name, default in LIST_VIEW_EXTRA_FIELDS:
            view[name] = [] if default == [] else default
        return view

    # -- block / unblock -----------------------------------------------------------------------------------

    def set_blocked(self, key, blocked):
        if not _VALID_API_KEY.match(key) or not 3 <= len(key) <= 100:
            raise ProxyError(400, "Invalid key format.", "bad_request_error", "key")
        token = hash_token(key) if key.startswith("sk-") else key
        with self.store.transaction():
            row = self.store.get(token)
            if row is None:
                raise ProxyError(404, "Key not found.", "not_found_error", "key")
            now = _now()
            row["blocked"] = blocked
            row["updated_at"] = _db_time(now)
            row["settings_updated_at"] = _db_time(now)
            self.store.put(row)
        # block_key_fn answers the LiteLLM_VerificationToken model of the row, unblock_key_fn the Prisma row with
        # its relations unset (measured)
        return _token_view(row) if blocked else _with_relations(row)

    # -- regenerate ----------------------------------------------------------------------------------------

    def regenerate(self, path_key, data):
        """Rotate a key in place (/key/regenerate, /key/{key}/regenerate): new secret, same row, old one archived."""
        if self.plain_proxy:
            # Measured on a non-premium 1.108.7 proxy: a ValueError surfaced as a 500, not a 403.
            raise ProxyError(500, "Regenerating Virtual Keys is an Enterprise feature, %s" % NOT_PREMIUM_USER,
                             raised_as="Exception")
        key = (data or {}).get("key") or path_key
        if not key:
            raise _http_exception(400, {"error": "No key passed in."})
        hashed = key if "sk" not in key else hash_token(key)
        with self.store.transaction():
            existing = self.store.get(hashed)
            if existing is None:
                raise _http_exception(404, {"error": "Key %s not found." % key})
            new_secret = self._new_regenerated_secret(data)
            now = _now()
            row = dict(existing)
            if data is not None:
                # LiteLLM checks only the alias format here, not its uniqueness (unlike /key/update).
                row.update(self._prepare_update_values(data, existing, now, unique_alias=False))
            row.update({"token": hash_token(new_secret), "key_name": _abbreviate(new_secret), "updated_at": _db_time(now),
                        "settings_updated_at": _db_time(now)})
            self._archive(existing, now)
            # grace_period: LiteLLM keeps the old secret valid for authentication in a separate table; only the
            # master key authenticates here, so there is nothing to keep (the value is validated and accepted).
            self.store.put(row)
        response = dict((name, copy.deepcopy(default)) for name, default in GENERATE_RESPONSE_FIELDS)
        for name in GENERATE_RESPONSE_FROM_ROW + ("expires", "policies"):
            response[name] = copy.deepcopy(row.get(name))
        # LiteLLM pops "token" into "token_id" before building the response, so "token" comes back null.
        response.update({"key": new_secret, "token": None, "token_id": row["token"]})
        return response

    @staticmethod
    def _new_regenerated_secret(data):
        new_secret = (data or {}).get("new_key")
        if new_secret is None:
            return "sk-" + secrets.token_urlsafe(GENERATED_KEY_BYTES)
        if not new_secret.startswith("sk-"):
            raise _http_exception(400, {"error": "New key must start with 'sk-'. This is to distinguish a key hash (used by "
                                        "litellm for logging / internal logic) from the actual key."})
        if len(new_secret) < MINIMUM_CUSTOM_KEY_LENGTH:
            raise _http_exception(400, {"error": "New key must be at least %d characters long." % MINIMUM_CUSTOM_KEY_LENGTH})
        return new_secret

    def archive(self, row, now):
        """Delete a live key and keep it in the deleted-keys archive (LiteLLM_DeletedVerificationToken)."""
        self._archive(row, now)

    def _archive(self, row, now):
        archived = dict(row)
        archived.update({"id": str(uuid.uuid4()), "deleted_at": _db_time(now), "deleted_by": PROXY_ADMIN_NAME,
                         "deleted_by_api_key": MASTER_KEY_RECORDED_AS, "litellm_changed_by": None})
        self.store.delete(row["token"], archived)


# ---------------------------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------------------------

ROUTES = (
    ("POST", re.compile(r"^/key/generate$"), "/key/generate", "generate"),
    ("POST", re.compile(r"^/key/update$"), "/key/update", "update"),
    ("POST", re.compile(r"^/key/delete$"), "/key/delete", "delete"),
    ("GET", re.compile(r"^/key/info$"), "/key/info", "info"),
    ("GET", re.compile(r"^/key/list$"), "/key/list", "list"),
    ("POST", re.compile(r"^/key/regenerate$"), "/key/regenerate", "regenerate"),
    ("POST", re.compile(r"^/key/(?P<key>.+)/regenerate$"), "/key/{key}/regenerate", "regenerate"),
    ("POST", re.compile(r"^/key/service-account/generate$"), "/key/service-account/generate",
     "service_account_generate"),
    ("POST", re.compile(r"^/key/block$"), "/key/block", "block"),
    ("POST", re.compile(r"^/key/unblock$"), "/key/unblock", "unblock"),
    ("POST", re.compile(r"^/team/new$"), "/team/new", "team_new"),
    ("POST", re.compile(r"^/team/update$"), "/team/update", "team_update"),
    ("POST", re.compile(r"^/team/delete$"), "/team/delete", "team_delete"),
    ("GET", re.compile(r"^/team/info$"), "/team/info", "team_info"),
    ("GET", re.compile(r"^/team/list$"), "/team/list", "team_list"),
    ("GET", re.compile(r"^/v2/team/list$"), "/v2/team/list", "team_list_v2"),
    ("POST", re.compile(r"^/team/member_add$"), "/team/member_add", "team_member_add"),
    ("POST", re.compile(r"^/team/member_delete$"), "/team/member_delete", "team_member_delete"),
    ("POST", re.compile(r"^/team/member_update$"), "/team/member_update", "team_member_update"),
    ("POST", re.compile(r"^/team/block$"), "/team/block", "team_block"),
    ("POST", re.compile(r"^/team/unblock$"), "/team/unblock", "team_unblock"),
    ("POST", re.compile(r"^/user/new$"), "/user/new", "user_new"),
    ("POST", re.compile(r"^/user/update$"), "/user/update", "user_update"),
    ("POST", re.compile(r"^/user/delete$"), "/user/delete", "user_delete"),
    ("GET", re.compile(r"^/user/info$"), "/user/info", "user_info"),
    ("GET", re.compile(r"^/user/list$"), "/user/list", "user_list"),
    ("POST", re.compile(r"^/budget/new$"), "/budget/new", "budget_new"),
    ("POST", re.compile(r"^/budget/update$"), "/budget/update", "budget_update"),
    ("POST", re.compile(r"^/budget/info$"), "/budget/info", "budget_info"),
    ("GET", re.compile(r"^/budget/list$"), "/budget/list", "budget_list"),
    ("POST", re.compile(r"^/budget/delete$"), "/budget/delete", "budget_delete"),
    ("POST", re.compile(r"^/credentials$"), "/credentials", "credential_new"),
    ("GET", re.compile(r"^/credentials$"), "/credentials", "credential_list"),
    ("GET", re.compile(r"^/credentials/by_name/(?P<credential_name>.+)$"), "/credentials/by_name/{credential_name}",
     "credential_by_name"),
    ("PATCH", re.compile(r"^/credentials/(?P<credential_name>.+)$"), "/credentials/{credential_name}",
     "credential_update"),
    ("DELETE", re.compile(r"^/credentials/(?P<credential_name>.+)$"), "/credentials/{credential_name}",
     "credential_delete"),
    ("GET", re.compile(r"^/v1/mcp/server$"), "/v1/mcp/server", "mcp_server_list"),
    ("POST", re.compile(r"^/v1/mcp/server$"), "/v1/mcp/server", "mcp_server_new"),
    ("DELETE", re.compile(r"^/v1/mcp/server/(?P<server_id>[^/]+)$"), "/v1/mcp/server/{server_id}", "mcp_server_delete"),
    ("POST", re.compile(r"^/organization/new$"), "/organization/new", "organization_new"),
    ("GET", re.compile(r"^/organization/info$"), "/organization/info", "organization_info"),
    ("GET", re.compile(r"^/organization/list$"), "/organization/list", "organization_list"),
    ("DELETE", re.compile(r"^/organization/delete$"), "/organization/delete", "organization_delete"),
    ("GET", re.compile(r"^/health/liveliness$"), None, "liveliness"),
    ("GET", re.compile(r"^/health/license$"), "/health/license", "health_license"),
    ("GET", re.compile(r"^/health/readiness/details$"), "/health/readiness/details", "health_readiness_details"),
    ("GET", re.compile(r"^/_test/requests$"), None, "test_requests"),
    ("POST", re.compile(r"^/_test/reset$"), None, "test_reset"),
    ("POST", re.compile(r"^/_test/seed$"), None, "test_seed"),
)
# Routes served without validation against the OpenAPI fragments: what keys refer to (MCP servers), and the
# license read, which takes no input.
UNVALIDATED_TEMPLATES = frozenset(("/v1/mcp/server", "/v1/mcp/server/{server_id}", "/health/license",
                                   "/health/readiness/details"))
WRITE_METHODS = frozenset(("POST", "PUT", "DELETE", "PATCH"))
# An answer without a body (DELETE /v1/mcp/server/{id}: 202).
EMPTY_BODY = object()


WRITE_PREFIXES = ("/key/", "/team/", "/v2/team/", "/user/", "/budget/", "/organization/", "/v1/mcp/", "/credentials")
# POST routes that only read.
READ_ONLY_POSTS = frozenset(("/budget/info",))


def is_write(method, template):
    return method in WRITE_METHODS and template.startswith(WRITE_PREFIXES) and template not in READ_ONLY_POSTS


class RequestCounter(object):
    """Per-endpoint request counts ("METHOD /path-template") of the LiteLLM endpoints.

    ``writes`` counts every write request received (also those refused); ``accepted_writes`` only those
    answered 2xx, i.e. that changed stored keys, teams, users, budgets or organizations.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}
        self.total = 0
        self.writes = 0
        self.accepted_writes = 0

    def record(self, method, template):
        with self.lock:
            name = "%s %s" % (method, template)
            self.counts[name] = self.counts.get(name, 0) + 1
            self.total += 1
            if is_write(method, template):
                self.writes += 1

    def record_accepted_write(self):
        with self.lock:
            self.accepted_writes += 1

    def snapshot(self):
        with self.lock:
            return {"counts": dict(self.counts), "total": self.total, "writes": self.writes,
                    "accepted_writes": self.accepted_writes, "server": "local"}

    def reset(self):
        with self.lock:
            self.counts = {}
            self.total = 0
            self.writes = 0
            self.accepted_writes = 0


class KeyServerHTTP(ThreadingHTTPServer):
    """ThreadingHTTPServer carrying the shared state the handlers need."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, master_key, service, validator, ssl_context=None, management=None):
        self.master_key = master_key
        self.service = service
        self.management = management if management is not None else ManagementService(service.store, service)
        self.credentials = CredentialService(service.store, service)
        self.validator = validator
        self.counter = RequestCounter()
        self.ssl_context = ssl_context
        ThreadingHTTPServer.__init__(self, address, KeyRequestHandler)

    def get_request(self):
        connection, address = self.socket.accept()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.ssl_context is not None:
            connection.settimeout(30)
            connection = self.ssl_context.wrap_socket(connection, server_side=True, do_handshake_on_connect=False)
        return connection, address

    def finish_request(self, request, client_address):
        if isinstance(request, ssl.SSLSocket):
            try:
                request.do_handshake()
            except (ssl.SSLError, OSError):
                return
            request.settimeout(None)
        ThreadingHTTPServer.finish_request(self, request, client_address)

    def handle_error(self, request, client_address):
        # A client that drops its connection is routine for a test server; do not print tracebacks for it.
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, ssl.SSLError, TimeoutError)):
            return
        ThreadingHTTPServer.handle_error(self, request, client_address)


class KeyRequestHandler(BaseHTTPRequestHandler):
    """Routes requests to KeyService and answers in LiteLLM's formats."""

    protocol_version = "HTTP/1.1"
    server_version = "litellm-test-server"
    sys_version = ""

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Quiet: the test runs would otherwise drown in access logs."""

    def do_GET(self):  # pylint: disable=invalid-name
        self._dispatch("GET")

    def do_POST(self):  # pylint: disable=invalid-name
        self._dispatch("POST")

    def do_PUT(self):  # pylint: disable=invalid-name
        self._dispatch("PUT")

    def do_DELETE(self):  # pylint: disable=invalid-name
        self._dispatch("DELETE")

    def do_PATCH(self):  # pylint: disable=invalid-name
        self._dispatch("PATCH")

    def _send(self, status, payload, headers=None):
        # Starlette's JSONResponse encoding: compact, UTF-8.
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_text(self, status, text, content_type="text/plain; charset=utf-8"):
        body = text.encode("utf-8")
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _route(self, method, path):
        allowed = []
        for route_method, pattern, template, action in ROUTES:
            match = pattern.match(path)
            if match:
                if route_method == method:
                    return template, action, match.groupdict()
                allowed.append(route_method)
        if allowed:
            raise PlainResponse(405, "Method Not Allowed", {"Allow": ", ".join(allowed)})
        raise PlainResponse(404, "Not Found")

    def _authenticate(self):
        header = self.headers.get("Authorization")
        api_key = None
        if header is not None:
            api_key = header[len("Bearer "):].strip() if header.startswith("Bearer ") else ""
        for alternative in ("x-litellm-api-key", "API-Key"):
            if not api_key and self.headers.get(alternative):
                api_key = self.headers.get(alternative)
                if api_key.startswith("Bearer "):
                    api_key = api_key[len("Bearer "):].strip()
        if api_key is None:
            raise ProxyError(401, "Authentication Error, No api key passed in.", "auth_error", "None")
        if api_key == "":
            raise ProxyError(401, "Authentication Error, Malformed API Key passed in. Ensure Key has `Bearer ` prefix.",
                             "auth_error", "None")
        if secrets.compare_digest(api_key.encode("utf-8"), self.server.master_key.encode("utf-8")):
            return
        if not api_key.startswith("sk-"):
            raise ProxyError(401, "LiteLLM Virtual Key expected. Received=%s, expected to start with 'sk-'." % _masked(api_key),
                             "auth_error", "None")
        if not self.server.service.answers_as("1.108.0"):
            # user_api_key_auth rewrote the 401 of a key it could not find, naming the key's hash (abbreviate_api_key)
            raise ProxyError(401, "Authentication Error, Invalid proxy server token passed. Received API Key = %s, Key "
                                  "Hash (Token) =%s. Unable to find token in cache or `LiteLLM_VerificationTokenTable`"
                             % ("sk-...%s" % api_key[-4:] if len(api_key) >= MINIMUM_CUSTOM_KEY_LENGTH else "sk-...",
                                hash_token(api_key)), "token_not_found_in_db", "key")
        raise ProxyError(401, "Authentication Error, Invalid API key provided.", "token_not_found_in_db", "key")

    def _dispatch(self, method):
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        try:
            raw_body = self._read_body()
            template, action, params = self._route(method, path)
            if template is not None:
                self.server.counter.record(method, template)
            if action == "liveliness":
                self._send(200, "I'm alive!")
                return
            self._authenticate()
            query = parse_qs(parts.query, keep_blank_values=True)
            status, payload = getattr(self, "_action_" + action)(template, params, query, raw_body)
            if template is not None and is_write(method, template):
                self.server.counter.record_accepted_write()
            if payload is EMPTY_BODY:
                self._send_text(status, "", content_type=None)
                return
            self._send(status, _as_serialized(template, payload))
        except PlainResponse as answer:
            self._send(answer.status, {"detail": answer.detail}, answer.headers)
        except PlainTextResponse as answer:
            self._send_text(answer.status, answer.text)
        except RequestInvalid as invalid:
            self._send(422, {"detail": invalid.errors})
        except ProxyError as error:
            self._send(error.status, error.body(self.server.service.litellm_version))
        except ValueError as error:
            # handle_exception_on_proxy: an unexpected exception becomes a 500 with its text.
            self._send(500, ProxyError(500, str(error), raised_as="Exception").body(self.server.service.litellm_version))

    def _json_body(self, raw_body, required=True):
        if not raw_body.strip():
            if required:
                raise RequestInvalid([{"type": "missing", "loc": ["body"], "msg": "Field required"}])
            return None
        try:
            body = json.loads(raw_body.decode("utf-8"))
        except UnicodeDecodeError:
            raise RequestInvalid([{"type": "json_invalid", "loc": ["body", 0], "msg": "JSON decode error"}])
        except ValueError as error:
            raise RequestInvalid([{"type": "json_invalid", "loc": ["body", getattr(error, "pos", 0)],
                                   "msg": "JSON decode error"}])
        if body is None and required:
            raise RequestInvalid([{"type": "missing", "loc": ["body"], "msg": "Field required"}])
        return body

    def _validated_body(self, template, raw_body, required=True, method="POST", body=None, before=None):
        if body is None:
            body = self._json_body(raw_body, required)
        if body is None:
            return None
        if not isinstance(body, dict):
            raise RequestInvalid([{"type": "model_attributes_type", "loc": ["body"],
                                   "msg": "Input should be a valid dictionary or object to extract fields from"}])
        extra = before(body) if before is not None else None
        if not extra:
            return self.server.validator.validate_body(method, template, body)
        try:
            self.server.validator.validate_body(method, template, body)
        except RequestInvalid as invalid:
            # model validators of nested items report alongside the field errors, in declaration order
            order = self.server.validator.declaration_order(method, template)
            raise RequestInvalid(sorted(invalid.errors + extra, key=lambda item: _declaration_rank(order, item["loc"])))
        raise RequestInvalid(extra)

    # -- actions -------------------------------------------------------------------------------------------

    def _action_generate(self, template, _params, _query, raw_body):
        data = self._validated_body(template, raw_body)
        return 200, self.server.service.generate(data)

    def _action_update(self, template, _params, _query, raw_body):
        data = self._validated_body(template, raw_body)
        if data.get("key") is None and data.get("key_alias") is None:
            raise _value_error("either key or key_alias must be provided")
        if (data.get("temp_budget_increase") is None) != (data.get("temp_budget_expiry") is None):
            raise _value_error("temp_budget_increase and temp_budget_expiry must be set together")
        return 200, self.server.service.update(data)

    def _action_delete(self, template, _params, _query, raw_body):
        data = self._validated_body(template, raw_body)
        if not data.get("keys") and not data.get("key_aliases"):
            raise _value_error("At least one of 'keys' or 'key_aliases' must be provided.")
        return 200, self.server.service.delete(data)

    def _action_info(self, template, _params, query, _raw_body):
        values = self.server.validator.validate_query("GET", template, query)
        return 200, self.server.service.info(values.get("key"))

    def _action_list(self, template, _params, query, _raw_body):
        values = self.server.validator.validate_query("GET", template, query)
        return 200, self.server.service.list(values)

    def _action_regenerate(self, template, params, query, raw_body):
        data = self._validated_body(template, raw_body, required=False)
        path_key = params.get("key")
        if path_key is None:
            path_key = self.server.validator.validate_query("POST", template, query).get("key")
        return 200, self.server.service.regenerate(path_key, data)

    def _action_block(self, template, _params, _query, raw_body):
        data = self._validated_body(template, raw_body)
        return 200, self.server.service.set_blocked(data["key"], True)

    def _action_unblock(self, template, _params, _query, raw_body):
        data = self._validated_body(template, raw_body)
        return 200, self.server.service.set_blocked(data["key"], False)

    # -- service accounts, teams, users, budgets, organizations (management.py) -------------------------------

    @property
    def _management(self):
        return self.server.management

    def _action_service_account_generate(self, template, _params, _query, raw_body):
        """key_management_endpoints.generate_service_account_key_fn (its checks run outside the try: {"detail"})."""
        data = self._validated_body(template, raw_body)
        if data.get("team_id") is None:
            raise PlainResponse(400, "team_id is required for service account keys. Please specify `team_id` in the "
                                     "request body.")
        if self.server.service.store.entity("team", data["team_id"]) is None:
            raise PlainResponse(400, "team_id does not exist in the database. Please specify a valid `team_id` in the "
                                     "request body.")
        metadata = dict(data.get("metadata") or {})
        if metadata.get("service_account_id") is None:
            metadata["service_account_id"] = data.get("key_alias") or str(uuid.uuid4())
            data["metadata"] = metadata
        data.pop("user_id", None)  # "do not allow user_id to be set for service account keys"
        return 200, self.server.service.generate(data)

    def _action_team_new(self, template, _params, _query, raw_body):
        return 200, self._management.new_team(self._validated_body(template, raw_body, before=_check_team_members))

    def _action_team_update(self, template, _params, _query, raw_body):
        return 200, self._management.update_team(self._validated_body(template, raw_body))

    def _action_team_delete(self, template, _params, _query, raw_body):
        return 200, self._management.delete_teams(self._validated_body(template, raw_body))

    def _action_team_info(self, template, _params, query, _raw_body):
        values = self.server.validator.validate_query("GET", template, query)
        return 200, self._management.team_info(values.get("team_id"))

    def _action_team_list(self, template, _params, query, _raw_body):
        return 200, self._management.list_teams(self.server.validator.validate_query("GET", template, query))

    def _action_team_list_v2(self, template, _params, query, _raw_body):
        return 200, self._management.list_teams_v2(self.server.validator.validate_query("GET", template, query))

    def _action_team_member_add(self, template, _params, _query, raw_body):
        data = self._validated_body(template, raw_body, before=_check_member_add_identity)
        return 200, self._management.member_add(data)

    def _action_team_member_delete(self, template, _params, _query, raw_body):
        data = self._validated_body(template, raw_body, before=_check_identity)
        return 200, self._management.member_delete(data)

    def _action_team_member_update(self, template, _params, _query, raw_body):
        return 200, self._management.member_update(self._validated_body(template, raw_body))

    def _action_team_block(self, template, _params, _query, raw_body):
        return 200, self._management.set_team_blocked(self._validated_body(template, raw_body)["team_id"], True)

    def _action_team_unblock(self, template, _params, _query, raw_body):
        return 200, self._management.set_team_blocked(self._validated_body(template, raw_body)["team_id"], False)

    def _action_user_new(self, template, _params, _query, raw_body):
        return 200, self._management.new_user(self._validated_body(template, raw_body))

    def _action_user_update(self, template, _params, _query, raw_body):
        # UpdateUserRequest's model validator (before its fields): a user_id or a user_email (measured)
        return 200, self._management.update_user(self._validated_body(template, raw_body, before=_check_identity))

    def _action_user_delete(self, template, _params, _query, raw_body):
        return 200, self._management.delete_users(self._validated_body(template, raw_body))

    def _action_user_info(self, template, _params, query, _raw_body):
        values = self.server.validator.validate_query("GET", template, query)
        return 200, self._management.user_info(values.get("user_id"))

    def _action_user_list(self, template, _params, query, _raw_body):
        return 200, self._management.list_users(self.server.validator.validate_query("GET", template, query))

    def _action_budget_new(self, template, _params, _query, raw_body):
        return 200, self._management.new_budget(self._validated_body(template, raw_body))

    def _action_budget_update(self, template, _params, _query, raw_body):
        return 200, self._management.update_budget(self._validated_body(template, raw_body))

    def _action_budget_info(self, template, _params, _query, raw_body):
        return 200, self._management.info_budgets(self._validated_body(template, raw_body))

    def _action_budget_list(self, _template, _params, _query, _raw_body):
        return 200, self._management.list_budgets()

    def _action_budget_delete(self, template, _params, _query, raw_body):
        return 200, self._management.delete_budget(self._validated_body(template, raw_body))

    # -- credentials (credential_endpoints/endpoints.py; every error caught: {"error": {...}}) ---------------------

    def _action_credential_new(self, template, _params, _query, raw_body):
        body = self._json_body(raw_body)
        if isinstance(body, dict) and not body.get("credential_values") and not body.get("model_id"):
            # CreateCredentialItem's model validator runs before its fields are validated (mode="before")
            raise _value_error("Either credential_values or model_id must be set")
        return 200, self.server.credentials.create(self._validated_body(template, raw_body, body=body))

    def _action_credential_list(self, _template, _params, _query, _raw_body):
        return 200, self.server.credentials.list()

    def _action_credential_by_name(self, _template, params, _query, _raw_body):
        return 200, self.server.credentials.by_name(params["credential_name"])

    def _action_credential_update(self, template, params, _query, raw_body):
        body = self._json_body(raw_body)
        if isinstance(body, dict) and not self.server.credentials.reworked:
            # 1.100.0's PATCH takes a CredentialItem: credential_name, credential_info and credential_values required.
            missing = [{"type": "missing", "loc": ["body", name], "msg": "Field required"}
                       for name in ("credential_name", "credential_info", "credential_values") if name not in body]
            if missing:
                raise RequestInvalid(missing)
        data = self._validated_body(template, raw_body, method="PATCH", body=body)
        return 200, self.server.credentials.update(params["credential_name"], data)

    def _action_credential_delete(self, _template, params, _query, _raw_body):
        return 200, self.server.credentials.delete(params["credential_name"])

    def _licensed_body(self, template, raw_body, method="POST"):
        """Organization routes: the JSON is decoded, then the router's license dependency runs, then validation."""
        body = self._json_body(raw_body)
        self._management.check_organizations_licensed()
        return self._validated_body(template, raw_body, method=method, body=body)

    def _action_organization_new(self, template, _params, _query, raw_body):
        return 200, self._management.new_organization(self._licensed_body(template, raw_body))

    def _action_organization_delete(self, template, _params, _query, raw_body):
        return 200, self._management.delete_organizations(self._licensed_body(template, raw_body, method="DELETE"))

    def _action_organization_info(self, template, _params, query, _raw_body):
        self._management.check_organizations_licensed()
        values = self.server.validator.validate_query("GET", template, query)
        return 200, self._management.info_organization(values["organization_id"])

    def _action_organization_list(self, template, _params, query, _raw_body):
        self._management.check_organizations_licensed()
        return 200, self._management.list_organizations(self.server.validator.validate_query("GET", template, query))

    # -- MCP servers: only what keys' object permissions refer to (a list, registering, deleting) -----------------

    def _action_health_license(self, _template, _params, _query, _raw_body):
        return 200, self._management.license_info()

    def _action_health_readiness_details(self, _template, _params, _query, _raw_body):
        # _health_endpoints._get_health_readiness_details with a connected database and no cache.
        return 200, {"status": "healthy", "db": "connected", "cache": None,
                     "litellm_version": self.server.service.litellm_version, "success_callbacks": [],
                     "use_aiohttp_transport": True, "log_level": "WARNING", "is_detailed_debug": False,
                     "show_no_redis_warning": False, "show_env_credential_login_warning": False}

    def _action_mcp_server_list(self, _template, _params, _query, _raw_body):
        listed = []
        for row in self.server.service.store.entities("mcp_server"):
            view = dict(row)
            view.update(MCP_SERVER_LISTED)
            view["mcp_info"] = dict(row.get("mcp_info") or {}, server_name=row.get("server_name"))
            listed.append(view)
        return 200, listed

    def _action_mcp_server_new(self, _template, _params, _query, raw_body):
        body = self._json_body(raw_body)
        if not isinstance(body, dict):
            raise RequestInvalid([{"type": "model_attributes_type", "loc": ["body"],
                                   "msg": "Input should be a valid dictionary or object to extract fields from"}])
        name = body.get("server_name") or ""
        if "-" in name:
            raise PlainResponse(400, {"error": "Server name cannot contain '-'. Use an alternative character instead "
                                               "Found: %s" % name})
        now = _db_time(_now())
        row = dict((field, copy.deepcopy(default)) for field, default in MCP_SERVER_FIELDS)
        row.update((field, copy.deepcopy(body[field])) for field in MCP_SERVER_REQUEST_FIELDS if field in body)
        row.update({"server_id": body.get("server_id") or str(uuid.uuid4()), "alias": body.get("alias") or name,
                    "created_at": now, "updated_at": now, "created_by": PROXY_ADMIN_NAME,
                    "updated_by": PROXY_ADMIN_NAME, "mcp_info": {"is_public": False, "is_public_explicit": False}})
        self.server.service.store.put_entity("mcp_server", row["server_id"], row, now)
        return 201, row

    def _action_mcp_server_delete(self, _template, params, _query, _raw_body):
        store = self.server.service.store
        if store.entity("mcp_server", params["server_id"]) is None:
            raise PlainResponse(404, {"error": "MCP Server not found, passed server_id=%s" % params["server_id"]})
        store.delete_entity("mcp_server", params["server_id"])
        return 202, EMPTY_BODY

    def _action_test_requests(self, _template, _params, _query, _raw_body):
        return 200, self.server.counter.snapshot()

    def _action_test_reset(self, _template, _params, _query, raw_body):
        body = self._json_body(raw_body, required=False) or {}
        self.server.counter.reset()
        if isinstance(body, dict) and body.get("data"):
            self.server.service.store.wipe()
        return 200, {"reset": True, "data": bool(isinstance(body, dict) and body.get("data"))}

    def _action_test_seed(self, _template, _params, _query, raw_body):
        body = self._json_body(raw_body)
        rows = []
        for given in body.get("keys", []):
            row = _new_row()
            row.update(given)
            secret = given.get("key")
            row.pop("key", None)
            if secret is not None:
                row["token"] = hash_token(secret)
                row["key_name"] = _abbreviate(secret)
            if not row.get("token"):
                raise ProxyError(400, "seed rows need a key or a token", "bad_request_error", "keys")
            row["created_at"] = row.get("created_at") or _db_time(_now())
            row["updated_at"] = row.get("updated_at") or row["created_at"]
            rows.append(row)
        self.server.service.store.put_many(rows)
        seeded = self._management.seed(body)
        seeded["tokens"] = [row["token"] for row in rows]
        return 200, seeded


_UTC_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+00:00$")
# Answers LiteLLM builds as dicts of Python datetimes (their isoformat(), "+00:00"); every other answer goes
# through a pydantic model, which writes UTC as "Z" (measured).
_ISOFORMAT_ANSWERS = frozenset(("/key/info", "/key/update"))
# Answers of what the caller stored, which carry no timestamp of the server's: passed on as they are.
_VERBATIM_ANSWERS = frozenset(("/credentials", "/credentials/by_name/{credential_name}"))
# JSON columns keep the strings they were given: their timestamps are never rewritten.
_JSON_COLUMNS = frozenset(("metadata",))


def _as_serialized(template, payload):
    """The answer as LiteLLM serialises it: UTC timestamps written "Z" unless the endpoint answers isoformat()."""
    if template in _ISOFORMAT_ANSWERS or template in _VERBATIM_ANSWERS or template is None:
        return payload
    kept = _JSON_COLUMNS | ({"budget_limits"} if template == "/key/list" else frozenset())
    return _zulu(payload, kept)


def _zulu(value, kept):
    if isinstance(value, dict):
        return dict((name, item if name in kept else _zulu(item, kept)) for name, item in value.items())
    if isinstance(value, list):
        return [_zulu(item, kept) for item in value]
    if isinstance(value, str) and _UTC_TIMESTAMP.match(value):
        return value[:-len("+00:00")] + "Z"
    return value


def _identity_error():
    return RequestInvalid([{"type": "value_error", "loc": ["body"],
                            "msg": "Value error, Either user id or user email must be provided"}])


def _lacks_identity(member):
    return isinstance(member, dict) and member.get("user_id") is None and member.get("user_email") is None


def _check_identity(body):
    """TeamMemberDeleteRequest's model validator runs before its fields are validated."""
    if _lacks_identity(body):
        raise _identity_error()


def _check_member_add_identity(body):
    """TeamMemberAddRequest's model validator: every member needs a user_id or a user_email."""
    members = body.get("member")
    members = members if isinstance(members, list) else [members]
    if any(_lacks_identity(member) for member in members):
        raise _identity_error()


def _check_team_members(body):
    """NewTeamRequest.members_with_roles items are Members: each needs a user_id or a user_email."""
    members = body.get("members_with_roles")
    if not isinstance(members, list):
        return []
    return [{"type": "value_error", "loc": ["body", "members_with_roles", index],
             "msg": "Value error, Either user id or user email must be provided"}
            for index, member in enumerate(members) if _lacks_identity(member)]


# ---------------------------------------------------------------------------------------------------------------
# Starting and stopping
# ---------------------------------------------------------------------------------------------------------------

def _ssl_context(certfile, keyfile, client_ca):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certfile, keyfile)
    if client_ca:
        context.load_verify_locations(cafile=client_ca)
        context.verify_mode = ssl.CERT_REQUIRED
    return context


def load_openapi():
    """The 1.100.0 key API document with the 1.108.7 additions merged in (properties and query parameters), plus
    the 1.108.7 team/user/budget/organization fragment (operations and schemas the key documents do not have)."""
    with open(OPENAPI_FILE, encoding="utf-8") as handle:
        document = json.load(handle)
    with open(OPENAPI_ADDITIONS_FILE, encoding="utf-8") as handle:
        additions = json.load(handle)
    schemas = document["components"]["schemas"]
    for name, properties in additions["schemas"].items():
        schemas[name].setdefault("properties", {}).update(properties)
    for operation, parameters in additions["parameters"].items():
        method, path = operation.split(" ", 1)
        document["paths"][path][method.lower()].setdefault("parameters", []).extend(parameters)
    with open(OPENAPI_MANAGEMENT_FILE, encoding="utf-8") as handle:
        management = json.load(handle)
    for path, operations in management["paths"].items():
        for method, operation in operations.items():
            document["paths"].setdefault(path, {}).setdefault(method, operation)
    for name, schema in management["components"]["schemas"].items():
        schemas.setdefault(name, schema)
    return document


def load_validator():
    document = load_openapi()
    with open(FIELD_ORDER_FILE, encoding="utf-8") as handle:
        field_order = json.load(handle)["models"]
    return RequestValidator(document, field_order)


class ServerHandle(object):
    """A running server: ``url``, ``master_key``, ``db_path``, ``counts()``, ``reset()`` and ``stop()``."""

    def __init__(self, httpd, db_path, owns_db, store):
        self.httpd = httpd
        self.db_path = db_path
        self.master_key = httpd.master_key
        self._owns_db = owns_db
        self._store = store
        host, port = httpd.server_address[:2]
        scheme = "https" if httpd.ssl_context is not None else "http"
        self.host = host
        self.port = port
        self.url = "%s://%s:%d" % (scheme, "localhost" if scheme == "https" else host, port)
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="litellm-test-server-%d" % port, daemon=True)
        self._stopped = False

    def start(self):
        self._thread.start()
        return self

    def counts(self):
        """The request counters: {"counts": {"POST /key/generate": n, ...}, "total": n, "writes": n}."""
        return self.httpd.counter.snapshot()

    def reset(self, data=True):
        """Clear the counters and, with data=True, all stored data (keys, teams, users, budgets, organizations)."""
        self.httpd.counter.reset()
        if data:
            self._store.wipe()

    @property
    def plain_proxy(self):
        return self.httpd.service.plain_proxy

    @plain_proxy.setter
    def plain_proxy(self, value):
        self.httpd.service.plain_proxy = bool(value)

    @property
    def litellm_version(self):
        """The LiteLLM release GET /health/readiness/details names (default LITELLM_RELEASE)."""
        return self.httpd.service.litellm_version

    @litellm_version.setter
    def litellm_version(self, value):
        self.httpd.service.litellm_version = value or LITELLM_RELEASE

    @property
    def llm_router(self):
        """True (default): a proxy with models configured; False: one without any model, which refuses to move a key
        to another team (400 "LLM router not found") and to put a team into an organization (500)."""
        return self.httpd.service.llm_router

    @llm_router.setter
    def llm_router(self, value):
        self.httpd.service.llm_router = bool(value)

    @property
    def auto_add_team_creator(self):
        """True (default, as LiteLLM): /team/new adds default_user_id (the master key's user) as an admin member;
        False: as with general_settings.disable_auto_add_proxy_admin_to_teams."""
        return self.httpd.management.auto_add_team_creator

    @auto_add_team_creator.setter
    def auto_add_team_creator(self, value):
        self.httpd.management.auto_add_team_creator = bool(value)

    @property
    def strict_references(self):
        """True: team, organization and budget ids named by keys are checked as a real proxy's database does."""
        return self.httpd.service.strict_references

    @strict_references.setter
    def strict_references(self, value):
        self.httpd.service.strict_references = bool(value)

    def stop(self):
        if self._stopped:
            return
        self._stopped = True
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=10)
        self._store.close()
        if self._owns_db:
            for suffix in ("", "-wal", "-shm"):
                try:
                    os.unlink(self.db_path + suffix)
                except OSError:
                    pass

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        self.stop()
        return False


def create_server(master_key, db_path=None, port=0, host="127.0.0.1", certfile=None, keyfile=None, client_ca=None,
                  plain_proxy=False, strict_references=True, llm_router=True, auto_add_team_creator=True,
                  litellm_version=None):
    """Build (but do not start) a server; returns a ServerHandle."""
    if not master_key:
        raise ValueError("a master key is required (--master-key or LITELLM_MASTER_KEY)")
    if bool(certfile) != bool(keyfile):
        raise ValueError("certfile and keyfile go together")
    if client_ca and not certfile:
        raise ValueError("client_ca needs certfile and keyfile (mutual TLS runs over HTTPS)")
    owns_db = db_path is None
    if owns_db:
        handle, db_path = tempfile.mkstemp(prefix="litellm-test-server-", suffix=".sqlite3")
        os.close(handle)
    store = KeyStore(db_path)
    context = _ssl_context(certfile, keyfile, client_ca) if certfile else None
    try:
        service = KeyService(store, plain_proxy, strict_references, llm_router, litellm_version)
        management = ManagementService(store, service, auto_add_team_creator)
        httpd = KeyServerHTTP((host, port), master_key, service, load_validator(), context, management)
    except Exception:
        store.close()
        raise
    return ServerHandle(httpd, db_path, owns_db, store)


def start_server(master_key, db_path=None, port=0, certfile=None, keyfile=None, client_ca=None, plain_proxy=False,
                 host="127.0.0.1", strict_references=True, llm_router=True, auto_add_team_creator=True,
                 litellm_version=None):
    """Start a server in a background thread of this process and return its ServerHandle."""
    return create_server(master_key, db_path=db_path, port=port, host=host, certfile=certfile, keyfile=keyfile,
                         client_ca=client_ca, plain_proxy=plain_proxy, strict_references=strict_references,
                         llm_router=llm_router, auto_add_team_creator=auto_add_team_creator,
                         litellm_version=litellm_version).start()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Local LiteLLM-compatible key server (test and demo asset).")
    parser.add_argument("--port", type=int, default=4000, help="port to listen on; 0 picks a free one (default 4000)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--master-key", default=os.environ.get("LITELLM_MASTER_KEY"),
                        help="the proxy master key (default: $LITELLM_MASTER_KEY)")
    parser.add_argument("--db", default=None, help="SQLite file to keep keys in (default: a temporary file)")
    parser.add_argument("--plain-proxy", action="store_true",
                        help="answer enterprise-only features as a proxy without a LiteLLM license does")
    parser.add_argument("--lenient-references", action="store_true",
                        help="do not check the team, organization and budget ids keys name (a real proxy's database "
                             "does)")
    parser.add_argument("--no-models", action="store_true",
                        help="answer as a proxy without any model configured (no LLM router) does")
    parser.add_argument("--disable-auto-add-proxy-admin-to-teams", action="store_true",
                        help="do not add default_user_id to new teams (LiteLLM's general setting of that name)")
    parser.add_argument("--certfile", help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--keyfile", help="private key of --certfile (PEM)")
    parser.add_argument("--client-ca", help="require client certificates signed by this CA (mutual TLS)")
    parser.add_argument("--ready-file", help="write the base URL to this file once listening")
    parser.add_argument("--litellm-version", default=LITELLM_RELEASE,
                        help="the LiteLLM release GET /health/readiness/details names (default %s, the release "
                             "this server answers as)" % LITELLM_RELEASE)
    args = parser.parse_args(argv)
    if not args.master_key:
        parser.error("--master-key (or LITELLM_MASTER_KEY) is required")
    if bool(args.certfile) != bool(args.keyfile):
        parser.error("--certfile and --keyfile go together")
    if args.client_ca and not args.certfile:
        parser.error("--client-ca needs --certfile and --keyfile")
    return args


def main(argv=None):
    args = parse_args(argv)
    server = create_server(args.master_key, db_path=args.db, port=args.port, host=args.host, certfile=args.certfile,
                           keyfile=args.keyfile, client_ca=args.client_ca, plain_proxy=args.plain_proxy,
                           strict_references=not args.lenient_references, llm_router=not args.no_models,
                           auto_add_team_creator=not args.disable_auto_add_proxy_admin_to_teams,
                           litellm_version=args.litellm_version)
    stop_requested = threading.Event()

    def _request_stop(_signum, _frame):
        stop_requested.set()

    signal.signal(signal.SIGTERM, _request_stop)
    signal.signal(signal.SIGINT, _request_stop)
    server.start()
    if args.ready_file:
        partial = args.ready_file + ".tmp"
        with open(partial, "w", encoding="utf-8") as handle:
            handle.write(server.url + "\n")
        os.replace(partial, args.ready_file)
    sys.stdout.write("litellm test server listening on %s (db %s)\n" % (server.url, server.db_path))
    sys.stdout.flush()
    while not stop_requested.wait(0.5):
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
