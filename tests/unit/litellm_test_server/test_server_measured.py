# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the differential tests (tests/contract/test_differential.py) found the real LiteLLM 1.108.7 proxy with its
database to do, held here for the local server on its own: every behaviour below was measured on the real proxy.
"""

from __future__ import annotations

import datetime

import pytest

from litellm_test_server.common import next_reset_time

# UpdateRouterConfig's fields: 1.109.0 added content_policy_fallbacks
ROUTER_FIELDS = {"1.108.7": 20, "1.109.3": 21}


def error_of(response):
    return response.json()["error"]


def new_key(api, alias, **body):
    return api.generate(key_alias=alias, key="sk-measured-%s-0123456789" % alias, **body)


# -- keys ---------------------------------------------------------------------------------------------------------

def test_generate_answer_shapes(api, release):
    api.post("/budget/new", {"budget_id": "b"})
    created = new_key(api, "k", router_settings={"num_retries": 2}, soft_budget=1.0)
    # the whole UpdateRouterConfig, the sent fields set
    assert len(created["router_settings"]) == ROUTER_FIELDS[release] and created["router_settings"]["num_retries"] == 2
    assert created["router_settings"]["model_group_alias"] == {} and created["router_settings"]["timeout"] is None
    # the linked budget with its (unset) relations; UTC written "Z" by the pydantic answer, "+00:00" by /key/info
    assert created["litellm_budget_table"]["keys"] is None and created["created_at"].endswith("Z")
    info = api.info(created["token"])
    assert info["created_at"].endswith("+00:00") and info["litellm_budget_table"]["team_membership"] is None
    assert info["litellm_organization_table"] is None and info["jwt_key_mappings"] is None


def test_get_spend_routes_permission_needs_a_license(api, litellm_server, release):
    litellm_server.plain_proxy = True
    refused = api.post("/key/generate", {"key_alias": "s", "permissions": {"get_spend_routes": True}})
    if release == "1.108.7":
        # a ValueError that generate_key_helper_fn turns into its generic 500
        assert refused.status_code == 500 and error_of(refused)["message"] == "{'error': 'Internal Server Error.'}"
    else:
        assert refused.status_code == 403 and error_of(refused)["type"] == "auth_error"
        assert "only available for LiteLLM Enterprise users: get_spend_routes" in error_of(refused)["message"]
    assert api.post("/key/generate", {"key_alias": "p", "permissions": {"pii": False}}).status_code == 200
    litellm_server.plain_proxy = False
    assert api.post("/key/generate", {"key_alias": "s", "permissions": {"get_spend_routes": True}}).status_code == 200


def test_update_models_null_is_refused_by_the_database(api, release):
    key = new_key(api, "m", models=["gpt-4o"])
    refused = api.post("/key/update", {"key": key["token"], "models": None})
    assert refused.status_code == 400
    error = error_of(refused)
    if release == "1.108.7":
        assert error["type"] == "auth_error" and error["param"] == "None"
        assert error["message"].startswith("Authentication Error, Unable to match input value")
    else:
        assert error["type"] == "invalid_request_error" and error["param"] is None
        assert error["message"].startswith("Unable to match input value")
    assert "`data.models`: A value is required but not set" in error["message"]
    assert api.info(key["token"])["models"] == ["gpt-4o"]


def test_a_secret_of_another_key_creates_nothing_and_answers_the_request(api):
    first = new_key(api, "first")
    again = api.generate(key_alias="second", key="sk-measured-first-0123456789")
    assert again["key_alias"] == "second" and again["token"] == first["token"]
    assert again["created_at"] == first["created_at"]
    assert api.get("/key/list", params={"key_alias": "second"}).json()["keys"] == []


def test_block_and_unblock_answers(api):
    key = new_key(api, "b", organization_id=None)
    blocked = api.post("/key/block", {"key": key["token"]}).json()
    assert "org_id" in blocked and "organization_id" not in blocked and "policies" not in blocked
    unblocked = api.post("/key/unblock", {"key": key["token"]}).json()
    assert "organization_id" in unblocked and unblocked["jwt_key_mappings"] is None and unblocked["blocked"] is False


def test_deleted_key_info_is_the_archive_row(api):
    key = new_key(api, "gone")
    assert api.post("/key/delete", {"keys": [key["token"]]}).status_code == 200
    info = api.info(key["token"])
    assert info["status"] == "deleted" and len(info["id"]) == 36
    assert info["deleted_by"] == "default_user_id" and info["deleted_by_api_key"] == "litellm_proxy_master_key"
    assert info["litellm_budget_table"] is None and "org_id" in info and "policies" not in info


def test_null_metadata_breaks_full_lists_and_deletion(api):
    key = new_key(api, "n")
    assert api.post("/key/update", {"key": key["token"], "metadata": None}).status_code == 200
    assert api.info(key["token"])["metadata"] is None
    assert api.get("/key/list", params={"key_alias": "n"}).status_code == 200
    full = api.get("/key/list", params={"key_alias": "n", "return_full_object": "true"})
    assert full.status_code == 500 and "UserAPIKeyAuth" in error_of(full)["message"]
    deleted = api.post("/key/delete", {"keys": [key["token"]]})
    assert deleted.status_code == 500 and "LiteLLM_DeletedVerificationToken" in error_of(deleted)["message"]
    assert api.post("/key/update", {"key": key["token"], "metadata": {}}).status_code == 200
    assert api.post("/key/delete", {"keys": [key["token"]]}).status_code == 200


def test_projects(api, release):
    missing = api.post("/key/generate", {"key_alias": "p", "project_id": "nowhere", "tags": ["a"]})
    assert missing.status_code == 404  # before the Enterprise check of tags
    assert error_of(missing)["message"] == "{'error': 'Project not found, project_id=nowhere'}"
    key = new_key(api, "q")
    moved = api.post("/key/update", {"key": key["token"], "project_id": "nowhere"})
    if release == "1.108.7":
        # no key may join a project after its creation
        assert moved.status_code == 400 and error_of(moved) == {
            "message": "Project reassignment is not supported. Use null to detach the key.", "type": "auth_error",
            "param": "None", "code": "400"}
    else:
        # a key without a project may join one that exists (_validate_project_assignment)
        assert moved.status_code == 404 and error_of(moved) == {
            "message": "{'error': 'Project not found, project_id=nowhere'}", "type": "invalid_request_error",
            "param": None, "code": "404"}
    assert api.post("/key/update", {"key": key["token"], "project_id": None}).status_code == 200


def test_a_key_joins_a_project_of_its_team_from_1_109(api):
    assert api.post("/_test/seed", {"teams": [{"team_id": "t1"}, {"team_id": "t2"}],
                                    "projects": [{"project_id": "p1", "team_id": "t1"}]}).status_code == 200
    other_team = new_key(api, "other", team_id="t2")
    refused = api.post("/key/update", {"key": other_team["token"], "project_id": "p1"})
    assert refused.status_code == 400 and "Project p1 belongs to team t1" in error_of(refused)["message"]
    key = new_key(api, "joins", team_id="t1")
    assert api.post("/key/update", {"key": key["token"], "project_id": "p1"}).status_code == 200
    assert api.info(key["token"])["project_id"] == "p1"
    moved = api.post("/key/update", {"key": key["token"], "project_id": "p2"})
    assert moved.status_code == 400 and "Project reassignment is not supported" in error_of(moved)["message"]


def test_budget_windows(api):
    key = new_key(api, "w", budget_limits=[{"budget_duration": "1d", "max_budget": 1.0}])
    assert key["budget_limits"][0]["reset_at"]
    info = api.info(key["token"])
    assert info["budget_limits"][0]["reset_at"] == key["budget_limits"][0]["reset_at"].replace("Z", "+00:00")
    assert info["budget_limits_usage"] == {"1d": {"current_spend": 0.0}}


def test_object_permissions_and_mcp_servers(api):
    made = api.post("/v1/mcp/server", {"server_name": "srv", "url": "http://127.0.0.1:9/mcp", "transport": "http"})
    assert made.status_code == 201 and made.json()["created_by"] == "default_user_id"
    server_id = made.json()["server_id"]
    hyphen = api.post("/v1/mcp/server", {"server_name": "a-b"})
    assert hyphen.status_code == 400 and "cannot contain '-'" in hyphen.json()["detail"]["error"]
    assert [s["server_id"] for s in api.get("/v1/mcp/server").json()] == [server_id]
    key = new_key(api, "o", object_permission={"vector_stores": ["vs"], "mcp_servers": [server_id, "unregistered"]})
    assert key["object_permission"] is None
    stored = api.info(key["token"])["object_permission"]
    assert stored["vector_stores"] == ["vs"] and stored["mcp_servers"] == [server_id] and stored["agents"] == []
    assert stored["teams"] is None and stored["mcp_tool_permissions"] is None
    updated = api.post("/key/update", {"key": key["token"], "object_permission": {"agents": ["a"]}}).json()
    # only the sent lists change; the row keeps its id
    assert updated["object_permission"]["mcp_servers"] == [server_id] and updated["object_permission"]["agents"] == ["a"]
    assert updated["object_permission_id"] == stored["object_permission_id"]
    listed = api.get("/key/list", params={"key_alias": "o", "return_full_object": "true"}).json()["keys"][0]
    assert "teams" not in listed["object_permission"]
    deleted = api.session.delete(api.server.url + "/v1/mcp/server/" + server_id, timeout=10)
    assert deleted.status_code == 202 and deleted.content == b""
    missing = api.session.delete(api.server.url + "/v1/mcp/server/" + server_id, timeout=10)
    assert missing.status_code == 404


# -- a proxy without models ---------------------------------------------------------------------------------------

def test_a_proxy_without_models_refuses_team_changes(api, litellm_server):
    litellm_server.llm_router = False
    api.post("/team/new", {"team_id": "t"})
    key = new_key(api, "r")
    moved = api.post("/key/update", {"key": key["token"], "team_id": "t"})
    assert moved.status_code == 400 and "LLM router not found" in error_of(moved)["message"]
    into_org = api.post("/team/update", {"team_id": "t", "organization_id": "o"})
    assert into_org.status_code == 500 and error_of(into_org)["message"] == "{'error': 'No models configured on proxy'}"
    litellm_server.llm_router = True
    assert api.post("/key/update", {"key": key["token"], "team_id": "t"}).status_code == 200
    missing = api.post("/team/update", {"team_id": "t", "organization_id": "o"})
    assert missing.status_code == 404
    assert error_of(missing)["message"] == "{'error': 'Organization not found, passed organization_id=o'}"


# -- teams, users, budgets ----------------------------------------------------------------------------------------

def test_team_list_v2_by_member_reads_the_users_teams(api):
    api.post("/user/new", {"user_id": "u", "auto_create_key": False})
    api.post("/team/new", {"team_id": "a"})
    api.post("/team/new", {"team_id": "b", "members_with_roles": [{"user_id": "u", "role": "user"}]})
    listed = api.get("/v2/team/list", params={"user_id": "u"}).json()
    assert [t["team_id"] for t in listed["teams"]] == ["b"] and listed["teams"][0]["members_count"] == 2
    assert api.get("/v2/team/list", params={"user_id": "nobody"}).status_code == 404
    assert api.get("/v2/team/list", params={"user_id": "u", "team_id": "a"}).status_code == 404


def test_member_add_answers_the_user_row_before_the_team_was_added(api):
    api.post("/user/new", {"user_id": "old", "auto_create_key": False})
    api.post("/team/new", {"team_id": "t"})
    added = api.post("/team/member_add", {"team_id": "t", "member": [{"user_id": "old", "role": "user"},
                                                                     {"user_id": "new", "role": "user"}]}).json()
    teams = dict((user["user_id"], user["teams"]) for user in added["updated_users"])
    assert teams == {"old": [], "new": ["t"]}
    assert all("password" not in user for user in added["updated_users"])
    assert api.get("/user/info", params={"user_id": "old"}).json()["user_info"]["teams"] == ["t"]


def test_user_endpoints(api):
    role = api.post("/user/new", {"user_id": "x", "user_role": "boss"})
    assert role.status_code == 422
    assert role.json()["detail"][0]["msg"].startswith("Input should be <LitellmUserRoles.PROXY_ADMIN: 'proxy_admin'>")
    made = api.post("/user/new", {"user_id": "k", "models": ["m"]}).json()
    assert made["model_max_budget"] == {} and made["created_by"] is None and made["key_type"] is None
    info = api.get("/user/info", params={"user_id": "k"}).json()
    assert info["user_info"]["organization_memberships"] == [] and info["user_info"]["model_max_budget_usage"] == {}
    assert info["keys"][0]["created_by"] is None
    assert "password" not in api.get("/user/list").json()["users"][0]


def test_budget_model_max_budget_needs_a_license(api, litellm_server):
    litellm_server.plain_proxy = True
    body = {"budget_id": "m", "model_max_budget": {"gpt-4o": {"max_budget": 1.0}}}
    refused = api.post("/budget/new", body)
    assert refused.status_code == 400 and refused.json()["detail"]["error"].startswith(
        "Invalid model_max_budget: You must have an enterprise license")
    litellm_server.plain_proxy = False
    assert api.post("/budget/new", body).status_code == 200


@pytest.mark.parametrize("duration, expected", [
    ("1d", "2026-12-02T00:00:00+00:00"), ("30d", "2027-01-01T00:00:00+00:00"), ("1mo", "2027-01-01T00:00:00+00:00"),
    ("7d", "2026-12-07T00:00:00+00:00"), ("2d", "2026-12-03T00:00:00+00:00"), ("12h", "2026-12-02T00:00:00+00:00"),
    ("1h", "2026-12-01T19:00:00+00:00"), ("15m", "2026-12-01T18:45:00+00:00"),
])
def test_budget_resets_are_aligned_to_the_calendar(duration, expected):
    now = datetime.datetime(2026, 12, 1, 18, 40, 12, tzinfo=datetime.timezone.utc)  # a Tuesday
    assert next_reset_time(duration, now).isoformat() == expected
