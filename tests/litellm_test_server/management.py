# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Teams, team members, internal users, budgets, organizations and credentials of the local LiteLLM-compatible server.

Each method follows one endpoint of LiteLLM 1.108.7 (``litellm/proxy/management_endpoints/``: team_endpoints.py,
internal_user_endpoints.py, budget_management_endpoints.py, organization_endpoints.py); SEMANTICS.md beside
this file lists what each one does and answers.  Rows are kept in the server's SQLite file in the column order
of ``schema.prisma``.  Errors are raised the way LiteLLM raises them:

- ``ProxyError``: what ``handle_exception_on_proxy`` (or an endpoint's own ``except``) renders as
  ``{"error": {"message", "type", "param", "code"}}``;
- ``PlainResponse``: an ``HTTPException`` raised outside any ``try``, rendered by FastAPI as ``{"detail": ...}``;
- ``PlainTextResponse``: an exception nothing caught (Starlette's 500 "Internal Server Error").
"""

from __future__ import annotations

import copy
import math
import uuid

if __package__:
    from .common import (
        METADATA_FIELDS, METADATA_FIELDS_PREMIUM, NOT_PREMIUM_USER, PROXY_ADMIN_NAME, PlainResponse,
        PlainTextResponse, ProxyError, _budget_duration_error, caught_as_auth_error, _db_time, _http_exception, _now,
        _with_relations, premium_error,
        MASTER_KEY_RECORDED_AS, reset_at,
    )
else:  # loaded by server.py run as a script
    from common import (  # type: ignore[no-redef]
        METADATA_FIELDS, METADATA_FIELDS_PREMIUM, NOT_PREMIUM_USER, PROXY_ADMIN_NAME, PlainResponse,
        PlainTextResponse, ProxyError, _budget_duration_error, caught_as_auth_error, _db_time, _http_exception, _now,
        _with_relations, premium_error,
        MASTER_KEY_RECORDED_AS, reset_at,
    )

# schema.prisma LiteLLM_TeamTable: scalar columns in order, with their defaults.
TEAM_COLUMNS = (
    ("team_id", None), ("team_alias", None), ("organization_id", None), ("object_permission_id", None),
    ("admins", []), ("members", []), ("members_with_roles", []), ("metadata", {}), ("max_budget", None),
    ("soft_budget", None), ("spend", 0.0), ("models", []), ("max_parallel_requests", None), ("tpm_limit", None),
    ("rpm_limit", None), ("tpd_limit", None), ("budget_duration", None), ("budget_reset_at", None),
    ("blocked", False), ("created_at", None), ("updated_at", None), ("model_spend", {}), ("model_max_budget", {}),
    ("router_settings", {}), ("team_member_permissions", []), ("access_group_ids", []), ("policies", []),
    ("default_team_member_models", []), ("budget_limits", None), ("model_id", None),
    ("allow_team_guardrail_config", False),
)
TEAM_RELATIONS = ("litellm_organization_table", "litellm_model_table", "object_permission", "projects")
TEAM_COLUMN_NAMES = frozenset(name for name, _default in TEAM_COLUMNS)
# pydantic LiteLLM_TeamTable (litellm/models/team.py) field order: /team/new, /team/info, /team/list answer this.
TEAM_MODEL_FIELDS = (
    "team_alias", "team_id", "organization_id", "admins", "members", "members_with_roles", "team_member_permissions",
    "metadata", "tpm_limit", "rpm_limit", "tpd_limit", "max_budget", "soft_budget", "budget_duration",
    "budget_limits", "models", "blocked", "router_settings", "access_group_ids", "default_team_member_models", "spend",
    "max_parallel_requests", "budget_reset_at", "model_id", "model_spend", "model_max_budget", "policies",
    "allow_team_guardrail_config", "litellm_model_table", "object_permission", "object_permission_id", "updated_at",
    "created_at",
)
TEAM_INFO_EXTRA_FIELDS = (
    "team_member_budget_table", "access_group_models", "access_group_mcp_server_ids", "access_group_agent_ids",
    "access_group_skill_names", "unresolved_access_group_ids", "access_group_details", "organization_models",
    "model_max_budget_usage",
)
# NewTeamRequest / UpdateTeamRequest fields that are team columns (the others are folded or steer the request).
TEAM_WRITABLE = frozenset((
    "team_alias", "team_id", "organization_id", "admins", "members", "metadata", "tpm_limit", "rpm_limit", "tpd_limit",
    "max_budget", "soft_budget", "budget_duration", "budget_limits", "models", "blocked", "router_settings",
    "access_group_ids", "default_team_member_models", "team_member_permissions", "model_max_budget", "policies",
))
TEAM_MEMBER_BUDGET_FIELDS = ("team_member_budget", "team_member_rpm_limit", "team_member_tpm_limit",
                             "team_member_budget_duration", "team_member_model_max_budget")
SYSTEM_MANAGED_TEAM_METADATA = ("team_member_budget_id",)

# schema.prisma LiteLLM_UserTable.
USER_COLUMNS = (
    ("user_id", None), ("user_alias", None), ("team_id", None), ("sso_user_id", None), ("organization_id", None),
    ("object_permission_id", None), ("password", None), ("password_reset_required", None),
    ("last_breach_check_at", None), ("teams", []), ("user_role", None), ("max_budget", None), ("spend", 0.0),
    ("user_email", None), ("models", []), ("metadata", {}), ("max_parallel_requests", None), ("tpm_limit", None),
    ("rpm_limit", None), ("budget_duration", None), ("budget_reset_at", None), ("allowed_cache_controls", []),
    ("policies", []), ("model_spend", {}), ("model_max_budget", {}), ("created_at", None), ("updated_at", None),
)
USER_RELATIONS = ("verified_subjects", "litellm_organization_table", "organization_memberships",
                  "invitations_created", "invitations_updated", "invitations_user", "object_permission")
USER_COLUMN_NAMES = frozenset(name for name, _default in USER_COLUMNS)
# pydantic LiteLLM_UserTable field order (/user/list items add key_count).
USER_MODEL_FIELDS = (
    "user_id", "user_alias", "team_id", "sso_user_id", "organization_id", "object_permission_id", "password",
    "password_reset_required", "last_breach_check_at", "teams", "user_role", "max_budget", "spend", "user_email",
    "models", "metadata", "max_parallel_requests", "tpm_limit", "rpm_limit", "budget_duration", "budget_reset_at",
    "allowed_cache_controls", "policies", "model_spend", "model_max_budget", "created_at", "updated_at",
    "organization_memberships", "object_permission",
)
# NewUserResponse field order (proxy/_types.py).
NEW_USER_RESPONSE_FIELDS = (
    ("key_alias", None), ("duration", None), ("models", []), ("spend", 0.0), ("max_budget", None), ("user_id", None),
    ("team_id", None), ("agent_id", None), ("max_parallel_requests", None), ("metadata", {}), ("tpm_limit", None),
    ("rpm_limit", None), ("budget_duration", None), ("budget_limits", None), ("allowed_cache_controls", []),
    ("config", {}), ("permissions", {}), ("model_max_budget", None), ("budget_fallbacks", None),
    ("model_rpm_limit", None), ("model_tpm_limit", None), ("mcp_rpm_limit", None), ("tag_rpm_limit", None),
    ("guardrails", None), ("policies", None), ("prompts", None), ("blocked", None), ("aliases", {}),
    ("object_permission", None), ("key", ""), ("tpd_limit", None), ("default_estimated_output_tokens", None),
    ("default_estimated_output_tokens_per_model", None), ("budget_id", None), ("end_user_budget_id", None),
    ("tags", None), ("disable_global_guardrails", None), ("enable_prompt_caching", None),
    ("throttle_on_budget_exceeded", None), ("enforced_params", None), ("allowed_routes", []),
    ("allowed_passthrough_routes", None), ("denied_passthrough_routes", None), ("allowed_vector_store_indexes", None),
    ("rpm_limit_type", None), ("tpm_limit_type", None), ("router_settings", None), ("access_group_ids", None),
    ("key_name", None), ("key_type", None), ("expires", None), ("token_id", None), ("organization_id", None),
    ("project_id", None), ("litellm_budget_table", None), ("token", None), ("created_by", None), ("updated_by", None),
    ("created_at", None), ("updated_at", None), ("user_email", None), ("user_role", None), ("teams", None),
    ("user_alias", None),
)
# UpdateUserRequest fields written to the user row by /user/update (the key-ish ones are ignored by LiteLLM too).
USER_WRITABLE = frozenset((
    "user_id", "user_alias", "user_email", "user_role", "team_id", "max_budget", "models", "metadata",
    "max_parallel_requests", "tpm_limit", "rpm_limit", "budget_duration", "allowed_cache_controls", "model_max_budget",
    "spend", "policies", "organization_id", "sso_user_id", "teams",
))
USER_ROLES = ("proxy_admin", "proxy_admin_viewer", "internal_user", "internal_user_viewer")

# schema.prisma LiteLLM_BudgetTable.
BUDGET_COLUMNS = (
    ("budget_id", None), ("max_budget", None), ("soft_budget", None), ("max_parallel_requests", None),
    ("tpm_limit", None), ("rpm_limit", None), ("tpd_limit", None), ("model_max_budget", None),
    ("budget_duration", None), ("budget_reset_at", None), ("allowed_models", []), ("temp_budget_increase", None),
    ("temp_budget_expiry", None), ("created_at", None), ("created_by", None), ("updated_at", None),
    ("updated_by", None),
)
BUDGET_RELATIONS = ("organization", "projects", "keys", "end_users", "tags", "model_access_groups",
                    "team_membership", "organization_membership")
BUDGET_REQUEST_FIELDS = ("budget_id", "max_budget", "soft_budget", "max_parallel_requests", "tpm_limit", "rpm_limit",
                         "tpd_limit", "budget_duration", "model_max_budget", "budget_reset_at")
# pydantic LiteLLM_BudgetTable (nested in organization answers).
BUDGET_MODEL_FIELDS = ("budget_id", "soft_budget", "max_budget", "max_parallel_requests", "tpm_limit", "rpm_limit",
                       "tpd_limit", "model_max_budget", "budget_duration", "allowed_models", "temp_budget_increase",
                       "temp_budget_expiry")

# schema.prisma LiteLLM_OrganizationTable.
ORG_COLUMNS = (
    ("organization_id", None), ("organization_alias", None), ("budget_id", None), ("metadata", {}), ("models", []),
    ("spend", 0.0), ("model_spend", {}), ("object_permission_id", None), ("created_at", None), ("created_by", None),
    ("updated_at", None), ("updated_by", None),
)
ORG_MODEL_FIELDS = ("organization_id", "organization_alias", "budget_id", "spend", "metadata", "models", "model_spend",
                    "created_by", "updated_by", "users", "litellm_budget_table", "object_permission",
                    "object_permission_id")
# schema.prisma LiteLLM_ProjectTable (projects are only seeded here: keys may name them).
PROJECT_COLUMNS = (
    ("project_id", None), ("project_alias", None), ("description", None), ("team_id", None), ("budget_id", None),
    ("metadata", {}), ("models", []), ("spend", 0.0), ("model_spend", {}), ("created_at", None), ("created_by", None),
    ("updated_at", None), ("updated_by", None),
)
ORGANIZATIONS_PREMIUM = ("Organizations are only available for LiteLLM Enterprise users. %s" % NOT_PREMIUM_USER)

TEAM_ADMIN_PREMIUM = (
    "Assigning team admins is a premium feature. You must be a LiteLLM Enterprise user to use this feature. If you have "
    "a license please set `LITELLM_LICENSE` in your env. Get a 7 day trial key here: https://www.litellm.ai/#trial. "
    "Pricing: https://www.litellm.ai/#pricing"
)


def _defaults(columns):
    return dict((name, copy.deepcopy(default)) for name, default in columns)


def _check_non_negative(name, value):
    if value is not None and (not math.isfinite(value) or value < 0):
        raise _http_exception(400, {"error": "%s must be a non-negative finite number. Received: %r"
                                    % (name, float(value))})


def _check_duration(budget_duration, plain=False):
    if budget_duration is None:
        return
    problem = _budget_duration_error(budget_duration)
    if problem:
        if plain:
            raise PlainResponse(400, {"error": problem})
        raise _http_exception(400, {"error": problem})


def _reset_at(budget_duration, now):
    return reset_at(budget_duration, now)


def member_dict(member):
    return {"user_id": member.get("user_id"), "user_email": member.get("user_email"), "role": member.get("role")}


def member_repr(member):
    """repr() of LiteLLM's pydantic Member, as its error messages show it."""
    return "Member(user_id=%r, user_email=%r, role=%r)" % (member.get("user_id"), member.get("user_email"),
                                                           member.get("role"))


class ManagementService(object):
    """Teams, members, users, budgets and organizations over the key server's store and key service."""

    def __init__(self, store, keys, auto_add_team_creator=True):
        self.store = store
        self.keys = keys
        # LiteLLM adds the caller (the master key's user, default_user_id) to every team it creates as an admin
        # member, unless general_settings.disable_auto_add_proxy_admin_to_teams is true (team_endpoints.py
        # _should_auto_add_team_creator; measured on 1.108.7).
        self.auto_add_team_creator = auto_add_team_creator

    @property
    def plain_proxy(self):
        return self.keys.plain_proxy

    # -- row helpers ---------------------------------------------------------------------------------------------

    def team(self, team_id):
        return self.store.entity("team", team_id) if team_id is not None else None

    def user(self, user_id):
        return self.store.entity("user", user_id) if user_id is not None else None

    def organization(self, organization_id):
        return self.store.entity("organization", organization_id) if organization_id is not None else None

    def _put_team(self, row):
        self.store.put_entity("team", row["team_id"], row, row.get("created_at"))

    def _put_user(self, row):
        self.store.put_entity("user", row["user_id"], row, row.get("created_at"))

    def _memberships(self, team_id=None, user_id=None):
        rows = self.store.entities("membership")
        return [row for row in rows if (team_id is None or row["team_id"] == team_id)
                and (user_id is None or row["user_id"] == user_id)]

    def _put_membership(self, row):
        self.store.put_entity("membership", "%s\n%s" % (row["user_id"], row["team_id"]), row, None)

    def _delete_membership(self, user_id, team_id):
        self.store.delete_entity("membership", "%s\n%s" % (user_id, team_id))

    def _model_table(self, model_id):
        return self.store.entity("model_table", str(model_id)) if model_id is not None else None

    def _membership_view(self, row):
        return {"user_id": row["user_id"], "team_id": row["team_id"], "budget_id": row.get("budget_id"),
                "spend": row.get("spend", 0.0), "total_spend": row.get("total_spend", 0.0),
                "litellm_budget_table": self.budget_full(self.store.budget(row.get("budget_id")))}

    @staticmethod
    def budget_prisma(budget):
        if budget is None:
            return None
        view = dict((name, copy.deepcopy(budget.get(name, copy.deepcopy(default)))) for name, default in BUDGET_COLUMNS)
        for relation in BUDGET_RELATIONS:
            view[relation] = None
        return view

    @staticmethod
    def budget_model(budget):
        if budget is None:
            return None
        return dict((name, copy.deepcopy(budget.get(name))) for name in BUDGET_MODEL_FIELDS)

    @classmethod
    def budget_full(cls, budget):
        """LiteLLM_BudgetTableFull (a membership's budget): the model plus budget_reset_at and created_at."""
        view = cls.budget_model(budget)
        if view is not None:
            view.update(budget_reset_at=budget.get("budget_reset_at"), created_at=budget.get("created_at"))
        return view

    def _model_table_model(self, model_id):
        """LiteLLM_ModelTable as the pydantic team models nest it (team aliases live here, not on the team)."""
        table = self._model_table(model_id)
        if table is None:
            return None
        return {"id": table["id"], "model_aliases": copy.deepcopy(table["model_aliases"]),
                "created_by": table["created_by"], "updated_by": table["updated_by"], "team": None}

    def _model_table_prisma(self, model_id):
        table = self._model_table(model_id)
        if table is None:
            return None
        view = dict(table)
        view["team"] = None
        return view

    def team_model(self, row, **extra):
        """The pydantic LiteLLM_TeamTable dump of a team row (litellm_model_table included)."""
        view = dict((name, copy.deepcopy(row.get(name))) for name in TEAM_MODEL_FIELDS)
        view["litellm_model_table"] = self._model_table_model(row.get("model_id"))
        view["object_permission"] = None
        view.update(extra)
        return view

    def team_prisma(self, row):
        """The Prisma dump of a team row with litellm_model_table and object_permission included (/team/update)."""
        view = dict((name, copy.deepcopy(row.get(name))) for name, _default in TEAM_COLUMNS)
        for relation in TEAM_RELATIONS:
            view[relation] = None
        view["litellm_model_table"] = self._model_table_prisma(row.get("model_id"))
        return view

    @staticmethod
    def user_prisma(row, password=True):
        view = dict((name, copy.deepcopy(row.get(name))) for name, _default in USER_COLUMNS)
        for relation in USER_RELATIONS:
            view[relation] = None
        if not password:
            view.pop("password", None)
        return view

    @staticmethod
    def user_model(row, password=True, **extra):
        view = dict((name, copy.deepcopy(row.get(name))) for name in USER_MODEL_FIELDS)
        if not password:
            view.pop("password", None)
        view.update(extra)
        return view

    def _new_budget_row(self, values, now):
        budget = _defaults(BUDGET_COLUMNS)
        budget.update(dict((name, copy.deepcopy(value)) for name, value in values.items() if value is not None))
        budget["budget_id"] = budget.get("budget_id") or str(uuid.uuid4())
        budget.update({"created_at": _db_time(now), "updated_at": _db_time(now), "created_by": PROXY_ADMIN_NAME,
                       "updated_by": PROXY_ADMIN_NAME})
        self.store.put_budget(budget)
        return budget

    def _fold_metadata(self, data, metadata, on_update=False):
        """Management-endpoint metadata fields go into metadata; premium ones need a license when truthy."""
        for field in METADATA_FIELDS_PREMIUM + METADATA_FIELDS:
            if data.get(field) is None:
                continue
            if field in METADATA_FIELDS_PREMIUM and data[field] and self.plain_proxy:
                raise _http_exception(403, premium_error(None if on_update else field))
            metadata[field] = data[field]
        return metadata

    def _new_user_row(self, user_id, now, **values):
        row = _defaults(USER_COLUMNS)
        row.update({"user_id": user_id, "created_at": _db_time(now), "updated_at": _db_time(now)})
        row.update(dict((name, copy.deepcopy(value)) for name, value in values.items() if value is not None))
        return row

    # -- team members (management_helpers/utils.py add_new_member) -----------------------------------------------

    def _add_member(self, team, member, now, max_budget_in_team=None, budget_duration=None, allowed_models=None):
        """Upsert the user row (a user_id without one gets a new internal_user row), link the team, membership row."""
        user = None
        # What LiteLLM answers for an existing user is the row as it was before the team was appended (the upsert's
        # result; the append is a separate update). A new user is created with the team already in ``teams``.
        answered = None
        if member.get("user_id") is not None:
            user = self.user(member["user_id"])
            if user is None:
                user = self._new_user_row(member["user_id"], now, teams=[team["team_id"]], models=[],
                                          user_role="internal_user", user_email=member.get("user_email"))
            else:
                answered = copy.deepcopy(user)
                if team["team_id"] not in user["teams"]:
                    user["teams"] = user["teams"] + [team["team_id"]]
        else:
            found = [row for row in self.store.entities("user")
                     if (row.get("user_email") or "").lower() == member["user_email"].lower()]
            if len(found) > 1:
                raise _http_exception(400, {"error": "Multiple users with this email found in db. Please use 'user_id' "
                                                     "instead."})
            if found:
                user = found[0]
                answered = copy.deepcopy(user)
                if team["team_id"] not in user["teams"]:
                    user["teams"] = user["teams"] + [team["team_id"]]
            else:
                user = self._new_user_row(str(uuid.uuid4()), now, teams=[team["team_id"]], models=[],
                                          user_role="internal_user", user_email=member["user_email"])
        self._put_user(user)
        budget_id = None
        default_budget_id = (team.get("metadata") or {}).get("team_member_budget_id")
        if max_budget_in_team is not None or allowed_models is not None or budget_duration is not None:
            values = {"max_budget": max_budget_in_team, "allowed_models": allowed_models, "budget_duration": budget_duration}
            if budget_duration is not None:
                values["budget_reset_at"] = _reset_at(budget_duration, now)
            budget_id = self._new_budget_row(values, now)["budget_id"]
        elif default_budget_id is not None and self.store.budget(default_budget_id) is not None:
            budget_id = default_budget_id
        existing = self._memberships(team["team_id"], user["user_id"])
        if not existing:
            self._put_membership({"user_id": user["user_id"], "team_id": team["team_id"], "spend": 0.0,
                                  "total_spend": 0.0, "budget_id": budget_id})
        return answered if answered is not None else user

    def _add_members(self, team, members, now, **budget):
        users = []
        for member in members:
            if self._in_roster(member, team["members_with_roles"]):
                continue
            user = self._add_member(team, member, now, **budget)
            users.append(user)
            resolved = member_dict(member)
            resolved["user_id"] = resolved["user_id"] or user["user_id"]
            resolved["user_email"] = resolved["user_email"] or user.get("user_email")
            if not self._in_roster(resolved, team["members_with_roles"]):
                team["members_with_roles"] = team["members_with_roles"] + [resolved]
        return users

    @staticmethod
    def _in_roster(member, roster):
        return any((member.get("user_id") is not None and existing.get("user_id") == member["user_id"])
                   or (member.get("user_email") is not None and existing.get("user_email") == member["user_email"])
                   for existing in roster)

    # -- /_test/seed ---------------------------------------------------------------------------------------------

    def seed(self, body):
        """Raw rows, no checks: {"teams": [...], "users": [...], "budgets": [...], "organizations": [...]}; each row
        is completed with the table's defaults (team_id/user_id/budget_id/organization_id generated when absent)."""
        now = _db_time(_now())
        seeded = {"team_ids": [], "user_ids": [], "budget_ids": [], "organization_ids": [], "project_ids": []}
        with self.store.transaction():
            for given in body.get("budgets") or []:
                row = _defaults(BUDGET_COLUMNS)
                row.update({"created_at": now, "updated_at": now, "created_by": PROXY_ADMIN_NAME,
                            "updated_by": PROXY_ADMIN_NAME})
                row.update(given)
                row["budget_id"] = row.get("budget_id") or str(uuid.uuid4())
                self.store.put_budget(row)
                seeded["budget_ids"].append(row["budget_id"])
            for kind, columns, id_name, target in (
                    ("project", PROJECT_COLUMNS, "project_id", "project_ids"),
                    ("organization", ORG_COLUMNS, "organization_id", "organization_ids"),
                    ("team", TEAM_COLUMNS, "team_id", "team_ids"), ("user", USER_COLUMNS, "user_id", "user_ids")):
                for given in body.get(kind + "s") or []:
                    row = _defaults(columns)
                    row.update({"created_at": now, "updated_at": now})
                    if kind == "organization":
                        row.update({"created_by": PROXY_ADMIN_NAME, "updated_by": PROXY_ADMIN_NAME})
                    row.update(given)
                    row[id_name] = row.get(id_name) or str(uuid.uuid4())
                    self.store.put_entity(kind, row[id_name], row, row["created_at"])
                    seeded[target].append(row[id_name])
        return seeded

    # -- /team/new -----------------------------------------------------------------------------------------------

    def new_team(self, data):
        """team_endpoints.new_team."""
        _check_non_negative("max_budget", data.get("max_budget"))
        _check_non_negative("team_member_budget", data.get("team_member_budget"))
        _check_non_negative("soft_budget", data.get("soft_budget"))
        _check_duration(data.get("budget_duration"))
        _check_duration(data.get("team_member_budget_duration"))
        self._check_team_model_max_budget(data.get("model_max_budget"))
        self._check_team_model_max_budget(data.get("team_member_model_max_budget"))
        if data.get("soft_budget") is not None and data.get("max_budget") is not None \
                and data["soft_budget"] >= data["max_budget"]:
            raise _http_exception(400, {"error": "soft_budget (%r) must be strictly lower than max_budget (%r)"
                                        % (float(data["soft_budget"]), float(data["max_budget"]))})
        with self.store.transaction():
            team_id = data.get("team_id")
            if team_id is None:
                team_id = str(uuid.uuid4())
            elif team_id == "litellm-dashboard":
                raise _http_exception(400, {"error": "team_id 'litellm-dashboard' is reserved for LiteLLM UI dashboard "
                                                     "sessions and cannot be used for a real team. Please use a "
                                                     "different team id."})
            elif self.team(team_id) is not None:
                raise _http_exception(400, {"error": "Team id = %s already exists. Please use a different team id."
                                            % team_id})
            if data.get("organization_id") is not None and self.organization(data["organization_id"]) is None:
                raise _http_exception(400, "Organization not found for organization_id=%s" % data["organization_id"])
            now = _now()
            row = _defaults(TEAM_COLUMNS)
            for name in TEAM_WRITABLE:
                if data.get(name) is not None:
                    row[name] = copy.deepcopy(data[name])
            metadata = dict(data.get("metadata") or {})
            for key in SYSTEM_MANAGED_TEAM_METADATA:
                metadata.pop(key, None)
            row["metadata"] = self._fold_metadata(data, metadata)
            row.update({"team_id": team_id, "created_at": _db_time(now), "updated_at": _db_time(now),
                        "members_with_roles": []})
            if row.get("budget_duration"):
                row["budget_reset_at"] = _reset_at(row["budget_duration"], now)
            if isinstance(data.get("model_aliases"), dict):
                row["model_id"] = self._new_model_table(data["model_aliases"], now)
            if any(data.get(name) is not None for name in TEAM_MEMBER_BUDGET_FIELDS):
                alias = data.get("team_alias")
                budget_id = ("team-%s-budget-%s" % (alias.replace(" ", "-"), uuid.uuid4().hex) if alias is not None
                             else "team-budget-%s" % uuid.uuid4().hex)
                duration = (data.get("team_member_budget_duration") if "team_member_budget_duration" in data
                            else data.get("budget_duration"))
                values = {"budget_id": budget_id, "budget_duration": duration,
                          "max_budget": data.get("team_member_budget"), "rpm_limit": data.get("team_member_rpm_limit"),
                          "tpm_limit": data.get("team_member_tpm_limit"),
                          "model_max_budget": data.get("team_member_model_max_budget")}
                if duration:
                    values["budget_reset_at"] = _reset_at(duration, now)
                self._new_budget_row(values, now)
                row["metadata"]["team_member_budget_id"] = budget_id
            members = list(data.get("members_with_roles") or [])
            if self.auto_add_team_creator and not any(m.get("user_id") == PROXY_ADMIN_NAME for m in members):
                members.append({"user_id": PROXY_ADMIN_NAME, "user_email": None, "role": "admin"})
            self._add_members(row, members, now)
            self._put_team(row)
        return self.team_model(row)

    def _new_model_table(self, aliases, now):
        model_id = self.store.next_id("model_table")
        self.store.put_entity("model_table", str(model_id), {
            "id": model_id, "model_aliases": copy.deepcopy(aliases), "created_at": _db_time(now),
            "created_by": PROXY_ADMIN_NAME, "updated_at": _db_time(now), "updated_by": PROXY_ADMIN_NAME}, None)
        return model_id

    def _check_team_model_max_budget(self, model_max_budget):
        """common_utils.validate_team_model_max_budget (also for team_member_model_max_budget)."""
        if model_max_budget and self.plain_proxy:
            raise _http_exception(403, {"error": "Setting model_max_budget on a team is an enterprise feature. %s"
                                        % NOT_PREMIUM_USER})

    # -- /team/update --------------------------------------------------------------------------------------------

    def update_team(self, data):
        """team_endpoints.update_team: metadata replaces (system keys kept), folded fields merge into it."""
        _check_non_negative("max_budget", data.get("max_budget"))
        _check_non_negative("team_member_budget", data.get("team_member_budget"))
        _check_non_negative("soft_budget", data.get("soft_budget"))
        _check_duration(data.get("budget_duration"))
        _check_duration(data.get("team_member_budget_duration"))
        self._check_team_model_max_budget(data.get("model_max_budget"))
        with self.store.transaction():
            existing = self.team(data["team_id"])
            if existing is None:
                raise _http_exception(404, {"error": "Team not found, passed team_id=%s" % data["team_id"]})
            if data.get("soft_budget") is not None:
                ceiling = data["max_budget"] if data.get("max_budget") is not None else existing.get("max_budget")
                if ceiling is not None and data["soft_budget"] >= ceiling:
                    raise _http_exception(400, {"error": "soft_budget (%r) must be strictly lower than max_budget (%r)"
                                                % (float(data["soft_budget"]), float(ceiling))})
            if data.get("max_budget") is not None and existing.get("soft_budget") is not None \
                    and data.get("soft_budget") is None and data["max_budget"] <= existing["soft_budget"]:
                raise _http_exception(400, {"error": "max_budget (%r) must be strictly greater than soft_budget (%r)"
                                            % (float(data["max_budget"]), float(existing["soft_budget"]))})
            if data.get("organization_id") == "":
                data["organization_id"] = None
            elif data.get("organization_id") is not None:
                # fetch_and_validate_organization (any non-empty organization_id, the current one too)
                if not self.keys.llm_router:
                    raise _http_exception(500, {"error": "No models configured on proxy"})
                if self.organization(data["organization_id"]) is None:
                    raise _http_exception(404, {"error": "Organization not found, passed organization_id=%s"
                                                         % data["organization_id"]})
            now = _now()
            row = dict(existing)
            for name in TEAM_WRITABLE - {"team_id"}:
                if name in data:
                    row[name] = copy.deepcopy(data[name])
            if "model_max_budget" in data and data["model_max_budget"] is None:
                row["model_max_budget"] = {}
            if "metadata" in data:
                metadata = dict(data["metadata"] or {})
                for key in SYSTEM_MANAGED_TEAM_METADATA:
                    metadata.pop(key, None)
                    if key in (existing.get("metadata") or {}):
                        metadata[key] = existing["metadata"][key]
            else:
                metadata = copy.deepcopy(existing.get("metadata") or {})
            row["metadata"] = self._fold_metadata(data, metadata, on_update=True)
            if data.get("budget_duration") is not None:
                if data["budget_duration"] != existing.get("budget_duration") or not existing.get("budget_reset_at"):
                    row["budget_reset_at"] = _reset_at(data["budget_duration"], now)
            elif "budget_duration" in data:
                row["budget_reset_at"] = None
            if isinstance(data.get("model_aliases"), dict):
                if row.get("model_id") is None:
                    row["model_id"] = self._new_model_table(data["model_aliases"], now)
                else:
                    table = self._model_table(row["model_id"])
                    table.update({"model_aliases": copy.deepcopy(data["model_aliases"]), "updated_at": _db_time(now)})
                    self.store.put_entity("model_table", str(row["model_id"]), table, None)
            row["updated_at"] = _db_time(now)
            self._put_team(row)
        return {"team_id": row["team_id"], "data": self.team_prisma(row)}

    # -- /team/block, /team/unblock ------------------------------------------------------------------------------

    def set_team_blocked(self, team_id, blocked):
        with self.store.transaction():
            row = self.team(team_id)
            if row is None:
                raise PlainResponse(404, {"error": "Team not found, passed team_id=%s" % team_id})
            row["blocked"] = blocked
            row["updated_at"] = _db_time(_now())
            self._put_team(row)
        view = self.team_prisma(row)
        view["litellm_model_table"] = None  # block_team's update includes no relation
        return view

    # -- /team/delete --------------------------------------------------------------------------------------------

    def delete_teams(self, data):
        """team_endpoints.delete_team: all-or-nothing check, then archive+delete the teams' keys, drop memberships,
        take the team ids off users' ``teams``; user rows stay."""
        with self.store.transaction():
            rows = []
            for team_id in data["team_ids"]:
                row = self.team(team_id)
                if row is None:
                    raise PlainResponse(404, {"error": "Team not found, passed team_id=%s" % team_id})
                rows.append(row)
            now = _now()
            team_ids = set(data["team_ids"])
            for team_id in sorted(team_ids):
                for key in self.store.matching({"team_id": team_id}):
                    self.keys.archive(key, now)
            for row in rows:
                archived = dict(row, id=str(uuid.uuid4()), deleted_at=_db_time(now), deleted_by=PROXY_ADMIN_NAME,
                                deleted_by_api_key=MASTER_KEY_RECORDED_AS, litellm_changed_by=None)
                self.store.put_entity("deleted_team", "%s\n%s" % (row["team_id"], uuid.uuid4().hex), archived,
                                      row.get("created_at"))
                self.store.delete_entity("team", row["team_id"])
            for user in self.store.entities("user"):
                if team_ids & set(user.get("teams") or []):
                    user["teams"] = [team for team in user["teams"] if team not in team_ids]
                    self._put_user(user)
            for membership in self.store.entities("membership"):
                if membership["team_id"] in team_ids:
                    self._delete_membership(membership["user_id"], membership["team_id"])
        return {"deleted_teams": data["team_ids"]}

    # -- /team/info ----------------------------------------------------------------------------------------------

    def team_info(self, team_id):
        """team_endpoints.team_info: {"team_id", "team_info", "keys", "team_memberships"}."""
        if team_id is None:
            raise caught_as_auth_error(_http_exception(422, {"message": "Malformed request. No team id passed in."}))
        row = self.team(team_id)
        if row is None:
            raise caught_as_auth_error(_http_exception(404, {"message": "Team not found, passed team id: %s." % team_id}))
        default_budget_id = (row.get("metadata") or {}).get("team_member_budget_id")
        default_budget = self.store.budget(default_budget_id) if default_budget_id else None
        members = []
        for member in row["members_with_roles"]:
            user = self.user(member.get("user_id"))
            members.append({"user_id": member.get("user_id"),
                            "user_email": member.get("user_email") or (user or {}).get("user_email"),
                            "role": member.get("role"), "user_alias": (user or {}).get("user_alias")})
        info = self.team_model(row)
        info["members_with_roles"] = members
        for name in TEAM_INFO_EXTRA_FIELDS:
            info[name] = None
        info["model_max_budget_usage"] = {}
        info["team_member_budget_table"] = self.budget_full(default_budget)
        info["caller_edit_access"] = {"kind": "unrestricted"}
        # an unordered find_many: Postgres returns the rows as inserted, oldest first
        keys = [_with_relations(key) for key in reversed(self.store.matching({"team_id": team_id}))]
        active_default = default_budget_id if default_budget is not None else None
        memberships = []
        for membership in self._memberships(team_id=team_id):
            view = self._membership_view(membership)
            budget_id = membership.get("budget_id")
            view["budget_source"] = ("custom" if budget_id is not None and budget_id != active_default
                                     else "team_default" if active_default is not None else "none")
            memberships.append(view)
        return {"team_id": team_id, "team_info": info, "keys": keys, "team_memberships": memberships}

    # -- /team/list, /v2/team/list -------------------------------------------------------------------------------

    def list_teams(self, query):
        """team_endpoints.list_team: a bare list sorted by team_alias, each team with its keys and memberships."""
        user_id = query.get("user_id")
        teams = self.store.entities("team")
        if user_id:
            teams = [row for row in teams if any(m.get("user_id") == user_id for m in row["members_with_roles"])]
        result = []
        for row in teams:
            memberships = [self._membership_view(m) for m in self._memberships(team_id=row["team_id"], user_id=user_id)]
            keys = [_with_relations(key) for key in reversed(self.store.matching({"team_id": row["team_id"]}))]
            result.append(self.team_model(row, team_memberships=memberships, keys=keys))
        result.sort(key=lambda item: item.get("team_alias") or "")
        organization_id = query.get("organization_id")
        if organization_id is not None:
            if organization_id == "default_organization":
                result = [item for item in result if item["organization_id"] is None]
            else:
                result = [item for item in result if item["organization_id"] == organization_id]
        return result

    def list_teams_v2(self, query):
        """team_endpoints.list_team_v2: {"teams", "total", "page", "page_size", "total_pages"}."""
        if query.get("status") is not None and query["status"] != "deleted":
            raise PlainResponse(400, {"error": "Invalid status value. Currently only 'deleted' is supported."})
        deleted = query.get("status") == "deleted"
        rows = self.store.entities("deleted_team" if deleted else "team")
        member_of = None
        if query.get("user_id"):
            # _build_team_list_where_conditions: the user must exist; live teams are the ones in its ``teams``
            user = self.user(query["user_id"])
            if user is None:
                raise PlainResponse(404, {"error": "User not found, passed user_id=%s" % query["user_id"]})
            member_of = set(user.get("teams") or [])
            if not deleted and query.get("team_id") and query["team_id"] not in member_of:
                raise PlainResponse(404, {"error": "User is not a member of team_id=%s" % query["team_id"]})

        def wanted(row):
            if query.get("team_id") and row["team_id"] != query["team_id"]:
                return False
            if query.get("team_alias") and query["team_alias"].lower() not in (row.get("team_alias") or "").lower():
                return False
            if query.get("organization_id") and row.get("organization_id") != query["organization_id"]:
                return False
            if query.get("user_id"):
                if deleted and query["user_id"] not in (row.get("members") or []):
                    return False
                if not deleted and row["team_id"] not in member_of:
                    return False
            search = query.get("search")
            if search:
                if query.get("search_team_id_match") == "prefix":
                    id_match = row["team_id"].startswith(search)
                else:
                    id_match = row["team_id"] == search
                if not id_match and search.lower() not in (row.get("team_alias") or "").lower():
                    return False
            return True

        rows = [row for row in rows if wanted(row)]
        column = query.get("sort_by") if query.get("sort_by") in ("team_id", "team_alias", "created_at") else None
        order = (query.get("sort_order") or "asc").lower()
        if column is None:
            column, order = "created_at", "desc"
        elif order not in ("asc", "desc"):
            order = "asc"
        nulls = [row for row in rows if row.get(column) is None]
        # rows made within the same millisecond keep their insertion order, newest first when descending (the
        # sort is stable), as distinct timestamps would order them
        present = [row for row in rows if row.get(column) is not None]
        values = sorted(present[::-1] if order == "desc" else present, key=lambda row: row[column],
                        reverse=order == "desc")
        rows = nulls + values if order == "desc" else values + nulls
        page, size = query["page"], query["page_size"]
        total = len(rows)
        items = []
        for row in rows[(page - 1) * size:page * size]:
            view = self.team_model(row)
            if deleted:
                # LiteLLM_DeletedTeamTable: no model table relation, no default member models column value
                view.update({"litellm_model_table": None, "default_team_member_models": None, "id": row.get("id"),
                             "deleted_at": row.get("deleted_at"), "deleted_by": row.get("deleted_by"),
                             "deleted_by_api_key": row.get("deleted_by_api_key"),
                             "litellm_changed_by": row.get("litellm_changed_by")})
            else:
                view["members_count"] = len(row.get("members_with_roles") or [])
                view["keys_count"] = len(self.store.matching({"team_id": row["team_id"]}))
                for name in ("access_group_models", "access_group_mcp_server_ids", "access_group_agent_ids",
                             "access_group_skill_names"):
                    view[name] = None
                if self.keys.answers_as("1.109.0"):
                    view["caller_membership"] = self._caller_membership(row)
            items.append(view)
        return {"teams": items, "total": total, "page": page, "page_size": size, "total_pages": -(-total // size)}

    def _caller_membership(self, team):
        """team_endpoints._team_list_caller_membership (1.109.0) for the master key's user, default_user_id: its
        spend and effective budget in a team it is a member of, else null. A temporary budget increase of the
        member's budget is not added (the server keeps none)."""
        rows = self._memberships(team_id=team["team_id"], user_id=PROXY_ADMIN_NAME)
        membership = rows[0] if rows else None
        if membership is None and not any(member.get("user_id") == PROXY_ADMIN_NAME
                                          for member in team.get("members_with_roles") or []):
            return None
        member_budget = self.store.budget(membership.get("budget_id")) if membership is not None else None
        default_budget_id = (team.get("metadata") or {}).get("team_member_budget_id")
        default_budget = self.store.budget(default_budget_id) if default_budget_id is not None else None
        if member_budget is not None and member_budget.get("max_budget") is not None:
            max_budget = member_budget["max_budget"]
        elif default_budget is not None and (default_budget.get("max_budget") or 0) > 0:
            max_budget = default_budget["max_budget"]
        else:
            max_budget = None
        reset = member_budget.get("budget_reset_at") if member_budget is not None and max_budget is not None else None
        return {"spend": (membership.get("spend") if membership is not None else 0.0) or 0.0, "max_budget": max_budget,
                "budget_reset_at": reset}

    # -- /team/member_add ----------------------------------------------------------------------------------------

    def member_add(self, data):
        """team_endpoints.team_member_add (FastAPI {"detail"} errors: the endpoint has no try/except)."""
        members = data["member"] if isinstance(data["member"], list) else [data["member"]]
        if self.plain_proxy:
            for member in members:
                if member.get("role") == "admin":
                    if isinstance(data["member"], list):
                        message = ("Assigning team admins is a premium feature. Got=user_id=%r user_email=%r role=%r. %s. "
                                   % (member.get("user_id"), member.get("user_email"), member.get("role"),
                                      NOT_PREMIUM_USER))
                    else:
                        message = "Assigning team admins is a premium feature. %s" % NOT_PREMIUM_USER
                    raise PlainResponse(400, {"error": message})
        _check_duration(data.get("budget_duration"), plain=True)
        with self.store.transaction():
            team = self.team(data["team_id"])
            if team is None:
                raise PlainResponse(404, {"error": "Team doesn't exist in db. Team=%s. Create team via `/team/new` call."
                                                   % data["team_id"]})
            roster = team["members_with_roles"]
            duplicates = [member for member in members if self._in_roster(member, roster)]
            existing = "[%s]" % ", ".join(member_repr(member) for member in roster)
            if isinstance(data["member"], list) and len(duplicates) == len(members):
                raise ProxyError(400, "All users are already in team. Existing members=%s" % existing,
                                 "team_member_already_in_team", "member")
            if not isinstance(data["member"], list) and duplicates:
                member = data["member"]
                raise ProxyError(400, "User already in team. Member: user_id=%s, user_email=%s. Existing members=%s"
                                 % (member.get("user_id"), member.get("user_email"), existing),
                                 "team_member_already_in_team", "member")
            for member in members:
                self._check_member_identity(member)
            now = _now()
            users = self._add_members(team, members, now, max_budget_in_team=data.get("max_budget_in_team"),
                                      budget_duration=data.get("budget_duration"),
                                      allowed_models=data.get("allowed_models"))
            team["updated_at"] = _db_time(now)
            self._put_team(team)
            added = set(user["user_id"] for user in users)
            memberships = [self._membership_view(m) for m in self._memberships(team_id=team["team_id"])
                           if m["user_id"] in added]
        response = self.team_model(team)
        response["updated_users"] = [self.user_model(user, password=False) for user in users]
        response["updated_team_memberships"] = memberships
        return response

    def _check_member_identity(self, member):
        """_validate_and_populate_member_user_info: user_email and user_id must name the same user."""
        if member.get("user_email") is None or member.get("user_id") is None:
            return
        found = [row for row in self.store.entities("user") if row.get("user_email") == member["user_email"]]
        if len(found) > 1:
            raise PlainResponse(400, {"error": "Multiple users found with email '%s'. Please use 'user_id' instead."
                                               % member["user_email"]})
        if found and found[0]["user_id"] != member["user_id"]:
            raise PlainResponse(400, {"error": "user_email '%s' and user_id '%s' do not belong to the same user."
                                               % (member["user_email"], member["user_id"])})

    # -- /team/member_delete -------------------------------------------------------------------------------------

    def member_delete(self, data):
        """team_endpoints._team_member_delete: roster entry, membership row, the user's keys in the team (archived)
        and the team id in the user's ``teams`` go; the user row stays."""
        with self.store.transaction():
            team = self.team(data["team_id"])
            if team is None:
                raise PlainResponse(400, {"error": "Team id=%s does not exist in db" % data["team_id"]})

            def addressed(member):
                return ((data.get("user_id") is not None and member.get("user_id") == data["user_id"])
                        or (data.get("user_email") is not None and member.get("user_email") == data["user_email"]))

            removed = [member for member in team["members_with_roles"] if addressed(member)]
            kept = [member for member in team["members_with_roles"] if not addressed(member)]
            user_ids = set(member["user_id"] for member in removed if member.get("user_id") is not None)
            if not removed and data.get("user_id") is not None:
                user_ids = {data["user_id"]}
            if user_ids:
                users = [self.user(user_id) for user_id in user_ids]
                users = [user for user in users if user is not None]
            else:
                users = [row for row in self.store.entities("user") if row.get("user_email") == data.get("user_email")]
            stale = [user for user in users if team["team_id"] in (user.get("teams") or [])]
            if not removed and not stale:
                raise PlainResponse(400, {"error": "User not found in team"})
            targets = user_ids | set(user["user_id"] for user in (users if removed else stale))
            now = _now()
            if removed:
                team["members_with_roles"] = kept
                team["updated_at"] = _db_time(now)
                self._put_team(team)
            for user in stale:
                user["teams"] = [team_id for team_id in user["teams"] if team_id != team["team_id"]]
                self._put_user(user)
            for user_id in targets:
                self._delete_membership(user_id, team["team_id"])
                for key in self.store.matching({"team_id": team["team_id"], "user_id": user_id}):
                    self.keys.archive(key, now)
        return self.team_model(team)

    # -- /team/member_update -------------------------------------------------------------------------------------

    def member_update(self, data):
        """team_endpoints.team_member_update: role in the roster, per-member limits in the membership's budget."""
        if data.get("role") == "admin" and self.plain_proxy:
            raise PlainResponse(400, TEAM_ADMIN_PREMIUM)
        if data.get("user_id") is None and data.get("user_email") is None:
            raise PlainResponse(400, {"error": "Either user_id or user_email needs to be passed in"})
        _check_duration(data.get("budget_duration"), plain=True)
        with self.store.transaction():
            team = self.team(data["team_id"])
            if team is None:
                raise PlainResponse(400, {"error": "Team id=%s does not exist in db" % data["team_id"]})
            user_id = data.get("user_id")
            if user_id is None:
                for member in team["members_with_roles"]:
                    if member.get("user_email") is not None and member["user_email"] == data["user_email"]:
                        user_id = member.get("user_id")
                        break
            if user_id is None:
                raise PlainResponse(400, {"error": "User id doesn't exist in team table. Data=%s" % _request_str(data)})
            now = _now()
            if data.get("role") is not None:
                if all(member.get("user_id") != user_id for member in team["members_with_roles"]):
                    raise PlainResponse(404, {"error": "User %s is not a member of team %s" % (user_id, team["team_id"])})
                team["members_with_roles"] = [
                    dict(member, role=data["role"], user_email=data.get("user_email") or member.get("user_email"))
                    if member.get("user_id") == user_id else member for member in team["members_with_roles"]]
                team["updated_at"] = _db_time(now)
                self._put_team(team)
            patch = dict((target, data[source]) for source, target in (
                ("max_budget_in_team", "max_budget"), ("tpm_limit", "tpm_limit"), ("rpm_limit", "rpm_limit"),
                ("budget_duration", "budget_duration"), ("allowed_models", "allowed_models"),
                ("temp_budget_increase", "temp_budget_increase"), ("temp_budget_expiry", "temp_budget_expiry"),
                ("model_max_budget", "model_max_budget")) if data.get(source) is not None)
            if patch:
                if patch.get("budget_duration"):
                    patch["budget_reset_at"] = _reset_at(patch["budget_duration"], now)
                memberships = self._memberships(team["team_id"], user_id)
                membership = memberships[0] if memberships else {"user_id": user_id, "team_id": team["team_id"],
                                                                 "spend": 0.0, "total_spend": 0.0, "budget_id": None}
                default_id = (team.get("metadata") or {}).get("team_member_budget_id")
                budget = self.store.budget(membership.get("budget_id"))
                if budget is None or membership.get("budget_id") == default_id:
                    # the shared team default is cloned on a member's first own limit
                    copied = ("max_budget", "tpm_limit", "rpm_limit", "budget_duration")
                    base = dict((name, budget.get(name)) for name in copied) if budget else {}
                    base.pop("budget_id", None)
                    base.update(patch)
                    budget = self._new_budget_row(base, now)
                else:
                    budget.update(patch)
                    budget.update({"updated_at": _db_time(now), "updated_by": PROXY_ADMIN_NAME})
                    self.store.put_budget(budget)
                membership["budget_id"] = budget["budget_id"]
                self._put_membership(membership)
        return {"user_id": user_id, "user_email": data.get("user_email"), "team_id": data["team_id"],
                "max_budget_in_team": data.get("max_budget_in_team"), "tpm_limit": data.get("tpm_limit"),
                "rpm_limit": data.get("rpm_limit"), "budget_duration": data.get("budget_duration"),
                "allowed_models": data.get("allowed_models"), "temp_budget_increase": data.get("temp_budget_increase"),
                "temp_budget_expiry": data.get("temp_budget_expiry"), "model_max_budget": data.get("model_max_budget")}

    # -- /user/new -----------------------------------------------------------------------------------------------

    def new_user(self, data):
        """internal_user_endpoints.new_user: a user row and, unless auto_create_key is false, a key for it."""
        _check_duration(data.get("budget_duration"))
        for field, label, insensitive in (("user_id", "id", False), ("user_email", "email", True)):
            value = data.get(field)
            if not value:
                continue
            wanted = value.strip()
            for row in self.store.entities("user"):
                stored = row.get(field) or ""
                if (stored.lower() == wanted.lower()) if insensitive else stored == wanted:
                    raise _http_exception(409, {"error": "User with %s %s already exists" % (label, stored)})
        user_id = data.get("user_id") or str(uuid.uuid4())
        now = _now()
        metadata = dict(data.get("metadata") or {})
        for field in ("model_rpm_limit", "model_tpm_limit", "mcp_rpm_limit", "tag_rpm_limit", "guardrails", "policies",
                      "prompts"):
            if data.get(field) is not None:
                metadata[field] = data[field]
        user_values = {
            "max_budget": data.get("max_budget"), "user_email": data.get("user_email"), "user_alias": data.get("user_alias"),
            "team_id": data.get("team_id"), "user_role": data.get("user_role"), "spend": float(data.get("spend") or 0.0),
            "models": data.get("models") or [], "metadata": metadata,
            "max_parallel_requests": data.get("max_parallel_requests"), "tpm_limit": data.get("tpm_limit"),
            "rpm_limit": data.get("rpm_limit"), "budget_duration": data.get("budget_duration"),
            "allowed_cache_controls": data.get("allowed_cache_controls") or [], "sso_user_id": data.get("sso_user_id"),
        }
        if data.get("model_max_budget"):
            user_values["model_max_budget"] = data["model_max_budget"]
        if data.get("budget_duration"):
            user_values["budget_reset_at"] = _reset_at(data["budget_duration"], now)
        key_response = None
        with self.store.transaction():
            user = self._new_user_row(user_id, now, **user_values)
            self._put_user(user)
        if data.get("auto_create_key", True) is not False:
            key_request = dict((name, copy.deepcopy(data[name])) for name in (
                "key_alias", "duration", "models", "max_parallel_requests", "tpm_limit", "rpm_limit", "team_id",
                "agent_id", "metadata", "allowed_cache_controls", "config", "permissions", "aliases", "blocked",
                "model_rpm_limit", "model_tpm_limit", "mcp_rpm_limit", "tag_rpm_limit", "guardrails", "policies",
                "prompts", "budget_fallbacks", "budget_limits", "object_permission") if data.get(name) is not None)
            key_request["user_id"] = user_id
            # generate_key_helper_fn(request_type="user") gives the key no max_budget/budget_duration of its own
            # /user/new reaches generate_key_helper_fn directly: no alias uniqueness or reference checks
            key_response = self.keys.generate(key_request, enforce_references=False, unique_alias=False,
                                              created_by=None, key_type=None)
        team_id = data.get("team_id")
        teams = None
        if team_id is not None:
            with self.store.transaction():
                team = self.team(team_id)
                if team is not None and not self._in_roster({"user_id": user_id}, team["members_with_roles"]):
                    self._add_members(team, [{"user_id": user_id, "user_email": data.get("user_email"), "role": "user"}],
                                      now)
                    self._put_team(team)
            teams = list(self.user(user_id)["teams"])
        return self._new_user_response(self.user(user_id), key_response, teams)

    @staticmethod
    def _new_user_response(user, key_response, teams):
        response = dict((name, copy.deepcopy(default)) for name, default in NEW_USER_RESPONSE_FIELDS)
        if key_response is not None:
            for name in list(response):
                if name in key_response and name not in ("token", "token_id"):
                    response[name] = copy.deepcopy(key_response[name])
            response["key"] = key_response["key"]
            response["max_budget"] = None
        for name in ("user_id", "user_email", "user_role", "user_alias", "team_id", "max_budget", "spend", "models",
                     "metadata", "max_parallel_requests", "tpm_limit", "rpm_limit", "budget_duration",
                     "allowed_cache_controls", "organization_id"):
            response[name] = copy.deepcopy(user.get(name))
        if user.get("model_max_budget"):
            response["model_max_budget"] = copy.deepcopy(user["model_max_budget"])
        else:
            # the key's (empty) model_max_budget when a key was made (measured), else unset
            response["model_max_budget"] = {} if key_response is not None else None
        if teams is not None:
            response["teams"] = teams
        return response

    # -- /user/info ----------------------------------------------------------------------------------------------

    def user_info(self, user_id):
        """internal_user_endpoints.user_info: {"user_id", "user_info", "keys", "teams"}."""
        if user_id is None:
            raise ProxyError(400, "user_id is required by this test server (LiteLLM answers the caller's own view)")
        user = self.user(user_id)
        if user is None:
            raise _http_exception(404, "User %s not found" % user_id)
        team_ids = []
        teams = []
        for row in self.list_teams({"user_id": user_id}):
            team_ids.append(row["team_id"])
            teams.append(row)
        for team_id in user.get("teams") or []:
            row = self.team(team_id)
            if row is not None and team_id not in team_ids:
                team_ids.append(team_id)
                teams.append(self.team_prisma(row))
        teams.sort(key=lambda item: item.get("team_alias") or "")
        keys = []
        for key in self.store.matching({"user_id": user_id}):
            view = _with_relations(key)
            if key.get("team_id") is not None:
                team = self.team(key["team_id"])
                view["team_alias"] = team.get("team_alias") if team is not None else None
            else:
                view["team_alias"] = "None"
            keys.append(view)
        info = self.user_prisma(user, password=False)
        # user_info includes the organization memberships (none here) and adds the per-model budget usage
        info["organization_memberships"] = []
        info["model_max_budget_usage"] = {}
        answer = {"user_id": user_id, "user_info": info, "keys": keys, "teams": teams}
        if self.keys.answers_as("1.109.0"):
            # UserInfoResponse.admin_mcp_permissions: set only for an MCP admin's own view
            answer["admin_mcp_permissions"] = None
        return answer

    # -- /user/list ----------------------------------------------------------------------------------------------

    def list_users(self, query):
        """internal_user_endpoints.get_users: paged, newest first unless sort_by is given."""
        rows = self.store.entities("user")
        if query.get("role"):
            rows = [row for row in rows if row.get("user_role") == query["role"]]
        if query.get("user_ids"):
            ids = [uid.strip() for uid in query["user_ids"].split(",") if uid.strip()]
            if len(ids) == 1:
                rows = [row for row in rows if ids[0].lower() in row["user_id"].lower()]
            else:
                rows = [row for row in rows if row["user_id"] in ids]
        if query.get("user_email") is not None:
            rows = [row for row in rows if query["user_email"].lower() in (row.get("user_email") or "").lower()]
        if query.get("team") is not None:
            rows = [row for row in rows if query["team"] in (row.get("teams") or [])]
        if query.get("search"):
            needle = query["search"].lower()
            rows = [row for row in rows if needle in row["user_id"].lower()
                    or needle in (row.get("user_email") or "").lower()]
        sort_by = query.get("sort_by")
        if sort_by is not None:
            valid = ["user_id", "user_email", "created_at", "spend", "user_alias", "user_role"]
            if sort_by not in valid:
                raise PlainResponse(400, {"error": "Invalid sort column. Must be one of: %s" % ", ".join(valid)})
            order = (query.get("sort_order") or "asc").lower()
            if order not in ("asc", "desc"):
                raise PlainResponse(400, {"error": "Invalid sort order. Must be 'asc' or 'desc'"})
            rows.sort(key=lambda row: (row.get(sort_by) is None, row.get(sort_by) or ""), reverse=order == "desc")
        else:
            rows.sort(key=lambda row: (row.get("created_at") or "", row["user_id"]), reverse=True)
        page, size = query["page"], query["page_size"]
        total = len(rows)
        users = [self.user_model(row, password=False, key_count=len(self.store.matching({"user_id": row["user_id"]})))
                 for row in rows[(page - 1) * size:page * size]]
        return {"users": users, "total": total, "page": page, "page_size": size, "total_pages": -(-total // size)}

    # -- /user/update --------------------------------------------------------------------------------------------

    def update_user(self, data):
        """internal_user_endpoints._update_single_user_helper: upserts by user_id (a missing user is created)."""
        if not data.get("user_id") and not data.get("user_email"):
            raise caught_as_auth_error(ValueError("Either user_id or user_email must be provided"))
        _check_duration(data.get("budget_duration"))
        now = _now()
        with self.store.transaction():
            if data.get("user_id"):
                existing = self.user(data["user_id"])
            else:
                matches = [row for row in self.store.entities("user") if row.get("user_email") == data["user_email"]]
                existing = matches[0] if matches else None
            values = {}
            for name, value in data.items():
                if name not in USER_WRITABLE:
                    continue
                if name in ("max_budget", "budget_duration", "tpm_limit", "rpm_limit", "model_max_budget"):
                    values[name] = {} if name == "model_max_budget" and value is None else value
                elif value is not None and not (name == "models" and value == []):
                    values[name] = value
            if values.get("budget_duration"):
                if existing is None or values["budget_duration"] != existing.get("budget_duration") \
                        or not existing.get("budget_reset_at"):
                    values["budget_reset_at"] = _reset_at(values["budget_duration"], now)
            elif "budget_duration" in values:
                values["budget_reset_at"] = None
            existing_metadata = (existing or {}).get("metadata") or {}
            metadata = dict(values["metadata"]) if "metadata" in values else copy.deepcopy(existing_metadata)
            for field in METADATA_FIELDS_PREMIUM + METADATA_FIELDS:
                if data.get(field) is not None:
                    metadata[field] = data[field]
            values["metadata"] = metadata
            if existing is None:
                user_id = data.get("user_id") or str(uuid.uuid4())
                row = self._new_user_row(user_id, now)
            else:
                row = dict(existing)
            row.update(copy.deepcopy(values))
            if existing is None and not data.get("user_id"):
                row["user_email"] = data["user_email"]
            row["updated_at"] = _db_time(now)
            self._put_user(row)
        return {"user_id": row["user_id"], "data": self.user_prisma(row, password=False)}

    # -- /user/delete --------------------------------------------------------------------------------------------

    def delete_users(self, data):
        """internal_user_endpoints.delete_user: 404 on the first unknown id (nothing deleted); then the users' keys
        are deleted (not archived), the users leave every team roster, their memberships and rows go. Answers the
        number of users deleted."""
        with self.store.transaction():
            for user_id in data["user_ids"]:
                if self.user(user_id) is None:
                    raise PlainResponse(404, {"error": "User not found, passed user_id=%s" % user_id})
            user_ids = set(data["user_ids"])
            for user_id in user_ids:
                for key in self.store.matching({"user_id": user_id}):
                    self.store.delete_live(key["token"])
            for team in self.store.entities("team"):
                kept = [member for member in team["members_with_roles"] if member.get("user_id") not in user_ids]
                if len(kept) != len(team["members_with_roles"]):
                    team["members_with_roles"] = kept
                    self._put_team(team)
            for membership in self.store.entities("membership"):
                if membership["user_id"] in user_ids:
                    self._delete_membership(membership["user_id"], membership["team_id"])
            for user_id in user_ids:
                self.store.delete_entity("user", user_id)
        return len(user_ids)

    # -- budgets (budget_management_endpoints.py; no try/except: errors are FastAPI {"detail"}) ------------------

    def _check_budget_request(self, data):
        for name in ("max_budget", "soft_budget"):
            value = data.get(name)
            if value is not None and (not math.isfinite(value) or value < 0):
                raise PlainResponse(400, {"error": "%s must be a non-negative finite number. Received: %r"
                                                   % (name, float(value))})
        _check_duration(data.get("budget_duration"), plain=True)
        if data.get("model_max_budget") and self.plain_proxy:
            # key_management_endpoints.validate_model_max_budget, its ValueError as a 400 {"detail"} (measured)
            raise PlainResponse(400, {"error": "Invalid model_max_budget: You must have an enterprise license to set "
                                               "model_max_budget. %s. Example of valid model_max_budget: "
                                               "https://docs.litellm.ai/docs/proxy/users" % NOT_PREMIUM_USER})

    def new_budget(self, data):
        self._check_budget_request(data)
        now = _now()
        with self.store.transaction():
            if data.get("budget_id") is not None and self.store.budget(data["budget_id"]) is not None:
                raise PlainResponse(400, {"error": "Budget with id '%s' already exists." % data["budget_id"]})
            values = dict((name, data.get(name)) for name in BUDGET_REQUEST_FIELDS)
            if values.get("budget_reset_at") is None and values.get("budget_duration") is not None:
                values["budget_reset_at"] = _reset_at(values["budget_duration"], now)
            budget = self._new_budget_row(values, now)
        return self.budget_prisma(budget)

    def update_budget(self, data):
        if data.get("budget_id") is None:
            raise PlainResponse(400, {"error": "budget_id is required"})
        self._check_budget_request(data)
        now = _now()
        with self.store.transaction():
            budget = self.store.budget(data["budget_id"])
            if budget is None:
                # Prisma's update() answers None for a missing row: FastAPI serialises it as null.
                return None
            for name in BUDGET_REQUEST_FIELDS:
                if name in data:
                    budget[name] = copy.deepcopy(data[name])
            if data.get("budget_duration") is not None and "budget_reset_at" not in data:
                budget["budget_reset_at"] = _reset_at(data["budget_duration"], now)
            elif "budget_duration" in data and data["budget_duration"] is None and "budget_reset_at" not in data:
                budget["budget_reset_at"] = None
            budget.update({"updated_at": _db_time(now), "updated_by": PROXY_ADMIN_NAME})
            self.store.put_budget(budget)
        return self.budget_prisma(budget)

    def info_budgets(self, data):
        if not data["budgets"]:
            raise PlainResponse(400, {"error": "Specify list of budget id's to query. Passed in=%s" % data["budgets"]})
        return [self.budget_prisma(budget) for budget in self.store.all_budgets() if budget["budget_id"] in data["budgets"]]

    def list_budgets(self):
        return [self.budget_prisma(budget) for budget in self.store.all_budgets()]

    def delete_budget(self, data):
        """Prisma delete: a missing row answers null; keys and memberships linked to it lose the link (SetNull); a
        budget an organization uses cannot go (its budget_id is required): an unhandled error, 500 text/plain."""
        with self.store.transaction():
            budget = self.store.budget(data["id"])
            if budget is None:
                return None
            if any(org.get("budget_id") == data["id"] for org in self.store.entities("organization")):
                raise PlainTextResponse()
            for key in self.store.matching({}):
                if key.get("budget_id") == data["id"]:
                    self.store.put(dict(key, budget_id=None))
            for membership in self.store.entities("membership"):
                if membership.get("budget_id") == data["id"]:
                    self._put_membership(dict(membership, budget_id=None))
            self.store.delete_budget(data["id"])
        return self.budget_prisma(budget)

    # -- organizations (organization_endpoints.py: every route needs a license) ----------------------------------

    def check_organizations_licensed(self):
        if self.plain_proxy:
            raise PlainResponse(403, {"error": ORGANIZATIONS_PREMIUM})

    def license_info(self):
        """_health_endpoints.health_license_endpoint without license data: a plain proxy has no license string
        (community); this server, when it accepts Enterprise features, answers as a proxy with a license does."""
        licensed = not self.plain_proxy
        return {"has_license": licensed, "license_type": "enterprise" if licensed else "community",
                "expiration_date": None, "allowed_features": [], "limits": {"max_users": None, "max_teams": None}}

    def org_model(self, row, with_members=False):
        view = dict((name, copy.deepcopy(row.get(name))) for name in ORG_MODEL_FIELDS)
        view["litellm_budget_table"] = self.budget_model(self.store.budget(row.get("budget_id")))
        if with_members:
            view["members"] = []
            view["teams"] = [self.team_model(team) for team in self.store.entities("team")
                             if team.get("organization_id") == row["organization_id"]]
        view["created_at"] = row.get("created_at")
        view["updated_at"] = row.get("updated_at")
        return view

    def new_organization(self, data):
        self.check_organizations_licensed()
        for name in ("max_budget", "soft_budget"):
            _check_non_negative(name, data.get(name))
        now = _now()
        with self.store.transaction():
            organization_id = data.get("organization_id") or str(uuid.uuid4())
            if self.organization(organization_id) is not None:
                raise PlainTextResponse()  # a unique-constraint failure nothing handles
            budget_id = data.get("budget_id")
            if budget_id is None:
                values = dict((name, data.get(name)) for name in BUDGET_MODEL_FIELDS if name != "budget_id")
                budget_id = self._new_budget_row(values, now)["budget_id"]
            elif self.store.budget(budget_id) is None:
                raise PlainTextResponse()  # foreign-key failure
            metadata = dict(data.get("metadata") or {})
            for field in ("model_rpm_limit", "model_tpm_limit"):
                if data.get(field) is not None:
                    metadata[field] = data[field]
            row = _defaults(ORG_COLUMNS)
            row.update({"organization_id": organization_id, "organization_alias": data["organization_alias"],
                        "budget_id": budget_id, "metadata": metadata, "models": data.get("models") or [],
                        "created_at": _db_time(now), "updated_at": _db_time(now), "created_by": PROXY_ADMIN_NAME,
                        "updated_by": PROXY_ADMIN_NAME})
            self.store.put_entity("organization", organization_id, row, row["created_at"])
        return self.org_model(row)

    def info_organization(self, organization_id):
        self.check_organizations_licensed()
        row = self.organization(organization_id)
        if row is None:
            raise _http_exception(404, {"error": "Organization not found for organization_id=%s" % organization_id})
        return self.org_model(row, with_members=True)

    def list_organizations(self, query):
        self.check_organizations_licensed()
        rows = self.store.entities("organization")
        if query.get("org_id"):
            rows = [row for row in rows if row["organization_id"] == query["org_id"]]
        if query.get("org_alias"):
            rows = [row for row in rows if query["org_alias"].lower() in (row.get("organization_alias") or "").lower()]
        return [self.org_model(row, with_members=True) for row in rows]

    def delete_organizations(self, data):
        """organization_endpoints.delete_organization: per id, its teams, memberships and keys (not archived) go, then
        the row; an unknown id answers 404 after the earlier ids were deleted (no transaction)."""
        self.check_organizations_licensed()
        deleted = []
        for organization_id in data["organization_ids"]:
            with self.store.transaction():
                for team in self.store.entities("team"):
                    if team.get("organization_id") == organization_id:
                        self.store.delete_entity("team", team["team_id"])
                for key in self.store.matching({"organization_id": organization_id}):
                    self.store.delete_live(key["token"])
                row = self.organization(organization_id)
                if row is None:
                    raise PlainResponse(404, {"error": "Organization=%s not found" % organization_id})
                view = self.org_model(row, with_members=True)
                self.store.delete_entity("organization", organization_id)
            deleted.append(view)
        return deleted


class CredentialService(object):
    """Credentials (LiteLLM 1.108.7 / 1.109.3 ``proxy/credential_endpoints/endpoints.py``), kept as with
    ``STORE_MODEL_IN_DB=True``: one row per ``credential_name`` (``LiteLLM_CredentialsTable``), read back masked.

    Every endpoint catches what it raises (``handle_exception_on_proxy``): an HTTPException's detail becomes the
    message of ``{"error": {...}}`` (``_http_exception``); the ProxyExceptions it raises itself keep their type and
    param. Values are stored as sent (the real proxy encrypts them at rest and answers from its in-memory copy).
    """

    def __init__(self, store, keys):
        self.store = store
        self.keys = keys

    def credential(self, name):
        return self.store.entity("credential", name)

    @property
    def reworked(self):
        """Whether the server answers as a release with the credential endpoints of 1.108.7 (display names, 409, 404s,
        PATCH of an UpdateCredentialItem) rather than as 1.100.0."""
        return self.keys.answers_as(CREDENTIAL_ENDPOINTS_REWORKED_SINCE)

    def view(self, row):
        """CredentialView: credential_values masked as get_masked_values(unmasked_length=4, number_of_asterisks=4);
        1.100.0 answers a CredentialItem (no display_name, no source)."""
        view = {"credential_name": row["credential_name"], "display_name": row.get("display_name"),
                "credential_info": copy.deepcopy(row.get("credential_info") or {}),
                "credential_values": masked_credential_values(row.get("credential_values") or {}),
                "source": "db"}
        if not self.reworked:
            del view["display_name"], view["source"]
        return view

    def _values_of_model(self, model_id):
        """_resolve_deployment_credentials: the server has no models (its router knows none)."""
        if not self.keys.llm_router:
            raise _http_exception(500, "LLM router not found. Please ensure you have a valid router instance.")
        raise _http_exception(404, "Model not found")

    def create(self, data):
        values = self._values_of_model(data["model_id"]) if data.get("model_id") else data.get("credential_values")
        if values is None:
            raise _http_exception(400, "Credential values are required. Unable to infer credential values from model ID.")
        name = data["credential_name"]
        display_name = _normalized_display_name(data.get("display_name"))
        now = _db_time(_now())
        with self.store.transaction():
            if self.credential(name) is not None:
                if not self.reworked:
                    # 1.100.0 does not catch Prisma's unique violation: handle_exception_on_proxy answers its text.
                    raise ProxyError(500, "Unique constraint failed on the fields: (`credential_name`)",
                                     raised_as="Exception")
                raise _http_exception(409, "Credential '%s' already exists. Update it with PATCH /credentials/%s, or "
                                           "delete it first." % (name, name))
            row = {"credential_name": name, "display_name": display_name,
                   "credential_values": dict((k, v) for k, v in values.items() if v is not None),
                   "credential_info": copy.deepcopy(data.get("credential_info") or {}),
                   "created_at": now, "created_by": PROXY_ADMIN_NAME, "updated_at": now,
                   "updated_by": PROXY_ADMIN_NAME}
            self.store.put_entity("credential", name, row, now)
        return {"success": True, "message": "Credential created successfully"}

    def list(self):
        return {"success": True, "credentials": [self.view(row) for row in self.store.entities("credential")]}

    def by_name(self, name):
        row = self.credential(name)
        if row is None:
            raise _http_exception(404, "Credential not found. Got credential name: " + name)
        return self.view(row)

    def update(self, name, data):
        if not self.reworked:
            return self._update_1_100(name, data)
        if data.get("credential_name") and data["credential_name"] != name:
            raise ProxyError(400, "credential_name is immutable. Set display_name to change how the credential is "
                                  "labeled.", "validation_error", "credential_name")
        display_name = _normalized_display_name(data.get("display_name"))
        to_delete = list(data.get("credential_values_to_delete") or ())
        overlap = sorted(set(to_delete) & set(data.get("credential_values") or {}))
        if overlap:
            raise _http_exception(400, "credential_values_to_delete overlaps credential_values for key(s): %s"
                                  % overlap)
        requested = self._values_of_model(data["model_id"]) if data.get("model_id") else \
            (data.get("credential_values") or {})
        now = _db_time(_now())
        with self.store.transaction():
            row = self.credential(name)
            if row is None:
                raise _http_exception(404, "Credential not found in DB.")
            stored = row.get("credential_values") or {}
            if self.keys.answers_as(MASKED_READ_BACKS_KEPT_SINCE):
                requested = _without_masked_read_backs(requested, stored)
            values = dict(stored)
            values.update((k, v) for k, v in requested.items() if v is not None)
            for entry in to_delete:
                values.pop(entry, None)
            info = dict(row.get("credential_info") or {})
            info.update(data.get("credential_info") or {})
            row = dict(row, credential_values=values, credential_info=info, updated_at=now,
                       updated_by=PROXY_ADMIN_NAME)
            if "display_name" in data:
                row["display_name"] = display_name
            self.store.put_entity("credential", name, row, row.get("created_at"))
        return {"success": True, "message": "Credential updated successfully"}

    def _update_1_100(self, name, data):
        """1.100.0's update_credential: the body is a whole CredentialItem; its credential_name renames the credential;
        values and info are merged into the stored ones."""
        now = _db_time(_now())
        with self.store.transaction():
            row = self.credential(name)
            if row is None:
                raise _http_exception(404, "Credential not found in DB.")
            values = dict(row.get("credential_values") or {})
            values.update(data.get("credential_values") or {})
            info = dict(row.get("credential_info") or {})
            info.update(data.get("credential_info") or {})
            row = dict(row, credential_name=data["credential_name"] or name, credential_values=values,
                       credential_info=info, updated_at=now, updated_by=PROXY_ADMIN_NAME)
            if row["credential_name"] != name:
                self.store.delete_entity("credential", name)
            self.store.put_entity("credential", row["credential_name"], row, row.get("created_at"))
        return {"success": True, "message": "Credential updated successfully"}

    def delete(self, name):
        with self.store.transaction():
            if self.credential(name) is None:
                if not self.reworked:
                    # 1.100.0 deletes by name without looking: a missing one is "deleted" too.
                    return {"success": True, "message": "Credential deleted successfully"}
                raise _http_exception(404, "Credential not found. Got credential name: " + name)
            self.store.delete_entity("credential", name)
        return {"success": True, "message": "Credential deleted successfully"}


# litellm_logging.get_masked_values: an entry whose name holds one of these is masked (recursively for a mapping).
SENSITIVE_KEYWORDS = ("authorization", "token", "key", "secret", "vertex_credentials", "credentials", "password",
                      "passwd")
# The first release known to answer the credential endpoints as 1.108.7 and 1.109.3 do (a CredentialView with
# display_name and source, 409 for a name that exists, 404 for deleting a missing one, PATCH of an
# UpdateCredentialItem); 1.100.0, the oldest tested release, answers the earlier way. Releases between are not measured.
CREDENTIAL_ENDPOINTS_REWORKED_SINCE = "1.108.7"
# The release whose PATCH /credentials keeps the stored secret when sent a masked read-back of it
# (_without_masked_read_backs; 1.108.7 stores the masked text). The first release known to do so: 1.109.3's source.
MASKED_READ_BACKS_KEPT_SINCE = "1.109.3"
_SHORT_SECRET_MASK = "*****"


def is_sensitive(name):
    return any(keyword in name.lower() for keyword in SENSITIVE_KEYWORDS)


def _mask(value, depth=0):
    if isinstance(value, dict):
        return masked_credential_values(value, depth + 1) if depth < 20 else value
    if not isinstance(value, str):
        return value
    if len(value) <= 4:
        return _SHORT_SECRET_MASK
    return value[:2] + "****" + value[-2:]


def masked_credential_values(values, depth=0):
    return dict((k, _mask(v, depth) if is_sensitive(k) else v) for k, v in values.items())


def _is_masked_read_back(value):
    return isinstance(value, str) and (value == _SHORT_SECRET_MASK or (len(value) == 8 and value[2:-2] == "****"))


def _without_masked_read_backs(requested, stored, depth=0):
    kept = {}
    for name, value in requested.items():
        if not is_sensitive(name):
            kept[name] = value
        elif isinstance(value, dict) and depth < 20:
            inner = stored.get(name)
            kept[name] = _without_masked_read_backs(value, inner if isinstance(inner, dict) else {}, depth + 1)
        elif not _is_masked_read_back(value):
            kept[name] = value
        elif name in stored:
            kept[name] = stored[name]
    return kept


def _normalized_display_name(display_name):
    if display_name is None:
        return None
    trimmed = display_name.strip()
    if not trimmed:
        raise ProxyError(400, "display_name cannot be blank. Send null to clear it or omit the field to leave it "
                              "unchanged.", "validation_error", "display_name")
    if len(trimmed) > 255:
        raise ProxyError(400, "display_name cannot be longer than 255 characters.", "validation_error", "display_name")
    return trimmed


def _request_str(data):
    """str() of LiteLLM's TeamMemberUpdateRequest as its error message shows it (pydantic v2 field=repr pairs)."""
    names = ("user_id", "user_email", "team_id", "max_budget_in_team", "role", "tpm_limit", "rpm_limit",
             "budget_duration", "allowed_models", "temp_budget_increase", "temp_budget_expiry", "model_max_budget")
    return " ".join("%s=%r" % (name, data.get(name)) for name in names)
