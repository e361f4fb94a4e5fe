# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal-user endpoints of the local LiteLLM-compatible server (internal_user_endpoints.py of LiteLLM 1.108.7)."""

from __future__ import annotations

import pytest


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == str(response.status_code)
    return body["error"]


def new_user(api, **body):
    response = api.post("/user/new", body)
    assert response.status_code == 200, response.text
    return response.json()


def user_info(api, user_id):
    response = api.get("/user/info", params={"user_id": user_id})
    assert response.status_code == 200, response.text
    return response.json()


def test_user_new_creates_a_key_unless_told_not_to(api):
    created = new_user(api, user_id="alice", user_email="alice@example.com", max_budget=5, models=["gpt-4o"])
    assert created["user_id"] == "alice" and created["user_email"] == "alice@example.com"
    assert created["key"].startswith("sk-") and created["max_budget"] == 5.0
    key = api.info(created["key"])
    assert key["user_id"] == "alice" and key["models"] == ["gpt-4o"] and key["max_budget"] is None
    without = new_user(api, user_id="bob", auto_create_key=False)
    assert without["key"] == ""
    assert user_info(api, "bob")["keys"] == []
    generated = new_user(api, auto_create_key=False)
    assert len(generated["user_id"]) == 36


def test_user_new_duplicates_are_409(api, release):
    new_user(api, user_id="dup", user_email="Dup@Example.com", auto_create_key=False)
    same_id = api.post("/user/new", {"user_id": "dup"})
    assert same_id.status_code == 409
    error_type = {"1.108.7": "internal_server_error", "1.109.3": "invalid_request_error"}[release]
    assert error_of(same_id) == {"message": "{'error': 'User with id dup already exists'}",
                                 "type": error_type, "param": None, "code": "409"}
    same_email = api.post("/user/new", {"user_email": "dup@example.com"})
    assert same_email.status_code == 409
    assert error_of(same_email)["message"] == "{'error': 'User with email Dup@Example.com already exists'}"


def test_user_new_with_team_joins_it(api):
    api.post("/team/new", {"team_id": "t"})
    created = new_user(api, user_id="member", team_id="t")
    assert created["teams"] == ["t"]
    team = api.get("/team/info", params={"team_id": "t"}).json()
    # the team's creator (default_user_id) first, then the user /user/new added
    assert [m["user_id"] for m in team["team_info"]["members_with_roles"]] == ["default_user_id", "member"]
    assert [key["team_id"] for key in team["keys"]] == ["t"]
    # an unknown team: the user and its key are created, the membership silently is not
    lost = new_user(api, user_id="lost", team_id="ghost")
    assert lost["teams"] == [] and user_info(api, "lost")["user_info"]["team_id"] == "ghost"


def test_user_info_shape(api, release):
    api.post("/team/new", {"team_id": "t", "team_alias": "the-team", "members_with_roles": [{"user_id": "u", "role": "user"}]})
    api.generate(user_id="u", team_id="t", key_alias="in-team")
    api.generate(user_id="u", key_alias="personal")
    body = user_info(api, "u")
    since_1_109 = {"1.108.7": set(), "1.109.3": {"admin_mcp_permissions"}}[release]
    assert set(body) == {"user_id", "user_info", "keys", "teams"} | since_1_109
    assert "password" not in body["user_info"] and body["user_info"]["teams"] == ["t"]
    aliases = dict((key["key_alias"], key["team_alias"]) for key in body["keys"])
    assert aliases == {"in-team": "the-team", "personal": "None"}
    assert [team["team_id"] for team in body["teams"]] == ["t"]
    missing = api.get("/user/info", params={"user_id": "ghost"})
    assert missing.status_code == 404
    assert error_of(missing)["message"] == "User ghost not found"


def test_user_list_pages_newest_first(api):
    for index in range(3):
        new_user(api, user_id="user-%d" % index, user_email="u%d@example.com" % index, auto_create_key=index != 1)
    page = api.get("/user/list", params={"page_size": 2}).json()
    assert page["total"] == 3 and page["total_pages"] == 2 and page["page"] == 1 and page["page_size"] == 2
    assert [user["user_id"] for user in page["users"]] == ["user-2", "user-1"]
    assert [user["key_count"] for user in page["users"]] == [1, 0]
    assert [u["user_id"] for u in api.get("/user/list", params={"user_email": "U0@"}).json()["users"]] == ["user-0"]
    ordered = api.get("/user/list", params={"sort_by": "user_id", "sort_order": "asc"}).json()["users"]
    assert [user["user_id"] for user in ordered] == ["user-0", "user-1", "user-2"]
    assert api.get("/user/list", params={"page_size": 0}).status_code == 422


def test_user_update_upserts_and_replaces_metadata(api):
    new_user(api, user_id="upd", metadata={"a": 1}, auto_create_key=False)
    response = api.post("/user/update", {"user_id": "upd", "max_budget": 9, "metadata": {"b": 2}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["user_id"] == "upd" and body["data"]["max_budget"] == 9.0 and body["data"]["metadata"] == {"b": 2}
    assert "password" not in body["data"]
    created = api.post("/user/update", {"user_id": "brand-new", "user_alias": "made by update"})
    assert created.status_code == 200
    assert user_info(api, "brand-new")["user_info"]["user_alias"] == "made by update"
    neither = api.post("/user/update", {"max_budget": 1})
    assert neither.status_code == 422
    assert neither.json() == {"detail": [{"type": "value_error", "loc": ["body"],
                                          "msg": "Value error, Either user id or user email must be provided"}]}


def test_user_delete_removes_keys_memberships_and_roster_entries(api):
    members = [{"user_id": "bye", "role": "user"}, {"user_id": "stay", "role": "user"}]
    api.post("/team/new", {"team_id": "t", "members_with_roles": members})
    key = api.generate(user_id="bye", key_alias="bye-key")
    response = api.post("/user/delete", {"user_ids": ["bye"]})
    assert response.status_code == 200 and response.json() == 1
    assert api.get("/key/info", params={"key": key["token"]}).status_code == 404  # deleted, not archived
    team = api.get("/team/info", params={"team_id": "t"}).json()
    assert [m["user_id"] for m in team["team_info"]["members_with_roles"]] == ["stay", "default_user_id"]
    assert [m["user_id"] for m in team["team_memberships"]] == ["stay", "default_user_id"]
    missing = api.post("/user/delete", {"user_ids": ["stay", "ghost"]})
    assert missing.status_code == 404
    assert missing.json() == {"detail": {"error": "User not found, passed user_id=ghost"}}
    assert user_info(api, "stay")["user_id"] == "stay"


@pytest.mark.parametrize("path, body, detail", [
    ("/user/delete", {"user_ids": "a"}, [{"type": "list_type", "loc": ["body", "user_ids"],
                                          "msg": "Input should be a valid list"}]),
    ("/user/delete", {}, [{"type": "missing", "loc": ["body", "user_ids"], "msg": "Field required"}]),
    ("/user/new", {"max_budget": "lots"}, [{"type": "float_parsing", "loc": ["body", "max_budget"],
                                            "msg": "Input should be a valid number, unable to parse string as a number"}]),
])
def test_user_body_validation(api, path, body, detail):
    response = api.post(path, body)
    assert response.status_code == 422
    assert response.json() == {"detail": detail}


def test_counters_count_user_endpoints(litellm_server, api):
    new_user(api, user_id="c", auto_create_key=False)
    api.get("/user/info", params={"user_id": "c"})
    api.get("/user/list")
    api.post("/user/delete", {"user_ids": ["c"]})
    counts = litellm_server.counts()
    assert counts["counts"] == {"POST /user/new": 1, "GET /user/info": 1, "GET /user/list": 1, "POST /user/delete": 1}
    assert counts["writes"] == 2 and counts["accepted_writes"] == 2
