# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Team endpoints of the local LiteLLM-compatible server (team_endpoints.py of LiteLLM 1.108.7), over real HTTP."""

from __future__ import annotations

import pytest

TEAM_MISSING = "Team doesn't exist in db. Team=%s. Create team via `/team/new` call."
# LiteLLM adds the caller, the master key's user, to every team it creates, as an admin, after the given members.
CREATOR = {"user_id": "default_user_id", "user_email": None, "role": "admin"}


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == str(response.status_code)
    return body["error"]


def new_team(api, **body):
    response = api.post("/team/new", body)
    assert response.status_code == 200, response.text
    return response.json()


def team_info(api, team_id):
    response = api.get("/team/info", params={"team_id": team_id})
    assert response.status_code == 200, response.text
    return response.json()


# -- /team/new ----------------------------------------------------------------------------------------------------

def test_new_team_with_chosen_id_and_defaults(api):
    team = new_team(api, team_id="data", team_alias="Data team", models=["gpt-4o"], max_budget=10, tpm_limit=5)
    assert team["team_id"] == "data" and team["team_alias"] == "Data team"
    assert team["models"] == ["gpt-4o"] and team["max_budget"] == 10.0 and team["tpm_limit"] == 5
    assert team["members_with_roles"] == [CREATOR] and team["metadata"] == {} and team["blocked"] is False
    assert team["spend"] == 0.0 and team["litellm_model_table"] is None and team["created_at"]
    generated = new_team(api, team_alias="no-id")
    assert len(generated["team_id"]) == 36


def test_the_master_keys_user_joins_every_new_team_as_admin(api, litellm_server):
    new_team(api, team_id="c1", members_with_roles=[{"user_id": "alice", "role": "user"}])
    listed = new_team(api, team_id="c2", members_with_roles=[{"user_id": "default_user_id", "role": "user"}])
    assert listed["members_with_roles"] == [{"user_id": "default_user_id", "user_email": None, "role": "user"}]
    info = team_info(api, "c1")
    assert [m["user_id"] for m in info["team_info"]["members_with_roles"]] == ["alice", "default_user_id"]
    assert [m["user_id"] for m in info["team_memberships"]] == ["alice", "default_user_id"]
    creator = api.get("/user/info", params={"user_id": "default_user_id"}).json()["user_info"]
    assert creator["teams"] == ["c1", "c2"] and creator["user_role"] == "internal_user"
    # general_settings.disable_auto_add_proxy_admin_to_teams
    litellm_server.auto_add_team_creator = False
    assert new_team(api, team_id="c3")["members_with_roles"] == []


def test_team_alias_is_not_unique_but_team_id_is(api, release):
    first = new_team(api, team_alias="twins")
    second = new_team(api, team_alias="twins")
    assert first["team_id"] != second["team_id"]
    assert [team["team_alias"] for team in api.get("/team/list").json()] == ["twins", "twins"]
    new_team(api, team_id="unique")
    response = api.post("/team/new", {"team_id": "unique"})
    assert response.status_code == 400
    assert error_of(response) == {
        "message": "{'error': 'Team id = unique already exists. Please use a different team id.'}",
        "type": {"1.108.7": "internal_server_error", "1.109.3": "invalid_request_error"}[release], "param": None,
        "code": "400"}


def test_new_team_members_create_users_and_memberships(api):
    team = new_team(api, team_id="t", members_with_roles=[{"user_id": "alice", "role": "admin"},
                                                          {"user_email": "bob@example.com", "role": "user"}])
    roster = team["members_with_roles"]
    assert roster[0] == {"user_id": "alice", "user_email": None, "role": "admin"}
    assert roster[1]["user_email"] == "bob@example.com" and roster[1]["user_id"]
    alice = api.get("/user/info", params={"user_id": "alice"}).json()["user_info"]
    assert alice["teams"] == ["t"] and alice["user_role"] == "internal_user"
    memberships = team_info(api, "t")["team_memberships"]
    assert sorted(m["user_id"] for m in memberships) == sorted(m["user_id"] for m in roster)
    assert memberships[0]["budget_source"] == "none"


def test_new_team_folds_fields_into_metadata_and_model_aliases_into_model_table(api):
    team = new_team(api, team_id="meta", metadata={"owner": "x"}, tags=["prod"], model_rpm_limit={"m": 1},
                    model_aliases={"fast": "gpt-4o-mini"})
    assert team["metadata"] == {"owner": "x", "tags": ["prod"], "model_rpm_limit": {"m": 1}}
    table = team["litellm_model_table"]
    assert table["model_aliases"] == {"fast": "gpt-4o-mini"} and team["model_id"] == table["id"]
    assert team_info(api, "meta")["team_info"]["litellm_model_table"]["model_aliases"] == {"fast": "gpt-4o-mini"}


@pytest.mark.parametrize("body, message", [
    ({"max_budget": -1}, "{'error': 'max_budget must be a non-negative finite number. Received: -1.0'}"),
    ({"soft_budget": 5, "max_budget": 5}, "{'error': 'soft_budget (5.0) must be strictly lower than max_budget (5.0)'}"),
    ({"budget_duration": "x"}, "{'error': \"Invalid budget_duration 'x'. Use a format like '1h', '24h', '7d', or '30d'.\"}"),
    ({"organization_id": "no-org"}, "Organization not found for organization_id=no-org"),
])
def test_new_team_refusals(api, body, message):
    response = api.post("/team/new", body)
    assert response.status_code == 400
    assert error_of(response)["message"] == message
    assert api.get("/team/list").json() == []


def test_new_team_body_validation(api):
    # as pydantic reports NewTeamRequest (checked with LiteLLM 1.108.7's model): field order, the member's
    # own model validator included
    response = api.post("/team/new", {"team_alias": 5, "members_with_roles": [{"role": "user"}]})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"type": "string_type", "loc": ["body", "team_alias"], "msg": "Input should be a valid string"},
        {"type": "value_error", "loc": ["body", "members_with_roles", 0],
         "msg": "Value error, Either user id or user email must be provided"}]
    response = api.post("/team/new", {"members_with_roles": [{"role": "user"}]})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"type": "value_error", "loc": ["body", "members_with_roles", 0],
                                          "msg": "Value error, Either user id or user email must be provided"}]


# -- /team/update -------------------------------------------------------------------------------------------------

def test_update_team_replaces_metadata_and_answers_the_row(api):
    new_team(api, team_id="u", team_alias="old", metadata={"a": 1}, max_budget=3)
    response = api.post("/team/update", {"team_id": "u", "team_alias": "new", "metadata": {"b": 2},
                                         "guardrails": ["g"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["team_id"] == "u"
    assert body["data"]["team_alias"] == "new" and body["data"]["metadata"] == {"b": 2, "guardrails": ["g"]}
    assert body["data"]["max_budget"] == 3.0 and "litellm_organization_table" in body["data"]
    api.post("/team/update", {"team_id": "u", "tags": ["t"]})
    assert team_info(api, "u")["team_info"]["metadata"] == {"b": 2, "guardrails": ["g"], "tags": ["t"]}


def test_update_unknown_team_is_404(api, release):
    response = api.post("/team/update", {"team_id": "ghost", "max_budget": 1})
    assert response.status_code == 404
    error_type = {"1.108.7": "internal_server_error", "1.109.3": "invalid_request_error"}[release]
    assert error_of(response) == {"message": "{'error': 'Team not found, passed team_id=ghost'}",
                                  "type": error_type, "param": None, "code": "404"}
    missing = api.post("/team/update", {"max_budget": 1})
    assert missing.status_code == 422
    assert missing.json()["detail"] == [{"type": "missing", "loc": ["body", "team_id"], "msg": "Field required"}]


# -- members -----------------------------------------------------------------------------------------------------

def test_member_add_creates_the_missing_user(api):
    new_team(api, team_id="m")
    response = api.post("/team/member_add", {"team_id": "m", "member": {"user_id": "newbie", "role": "user"},
                                             "max_budget_in_team": 4})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["members_with_roles"] == [CREATOR, {"user_id": "newbie", "user_email": None, "role": "user"}]
    assert [user["user_id"] for user in body["updated_users"]] == ["newbie"]
    membership = body["updated_team_memberships"][0]
    assert membership["litellm_budget_table"]["max_budget"] == 4.0
    assert api.get("/user/info", params={"user_id": "newbie"}).json()["user_info"]["teams"] == ["m"]


def test_member_add_duplicates_and_missing_team(api):
    new_team(api, team_id="d", members_with_roles=[{"user_id": "u1", "role": "user"}])
    duplicate = api.post("/team/member_add", {"team_id": "d", "member": {"user_id": "u1", "role": "user"}})
    assert duplicate.status_code == 400
    error = error_of(duplicate)
    assert error["type"] == "team_member_already_in_team" and error["param"] == "member"
    assert error["message"] == ("User already in team. Member: user_id=u1, user_email=None. Existing members="
                                "[Member(user_id='u1', user_email=None, role='user'), "
                                "Member(user_id='default_user_id', user_email=None, role='admin')]")
    everyone = api.post("/team/member_add", {"team_id": "d", "member": [{"user_id": "u1", "role": "user"}]})
    assert error_of(everyone)["message"].startswith("All users are already in team.")
    missing = api.post("/team/member_add", {"team_id": "ghost", "member": {"user_id": "u1", "role": "user"}})
    assert missing.status_code == 404
    assert missing.json() == {"detail": {"error": TEAM_MISSING % "ghost"}}
    nobody = api.post("/team/member_add", {"team_id": "d", "member": {"role": "user"}})
    assert nobody.status_code == 422
    assert nobody.json()["detail"] == [{"type": "value_error", "loc": ["body"],
                                        "msg": "Value error, Either user id or user email must be provided"}]


def test_member_update_role_and_budget(api):
    new_team(api, team_id="r", members_with_roles=[{"user_id": "u1", "role": "user"}])
    response = api.post("/team/member_update", {"team_id": "r", "user_id": "u1", "role": "admin",
                                                "max_budget_in_team": 7, "tpm_limit": 9})
    assert response.status_code == 200, response.text
    assert response.json()["max_budget_in_team"] == 7.0 and response.json()["user_id"] == "u1"
    info = team_info(api, "r")
    assert info["team_info"]["members_with_roles"][0]["role"] == "admin"
    budget = info["team_memberships"][0]["litellm_budget_table"]
    assert budget["max_budget"] == 7.0 and budget["tpm_limit"] == 9
    assert info["team_memberships"][0]["budget_source"] == "custom"
    stranger = api.post("/team/member_update", {"team_id": "r", "user_id": "nobody", "role": "user"})
    assert stranger.status_code == 404
    assert stranger.json() == {"detail": {"error": "User nobody is not a member of team r"}}
    missing = api.post("/team/member_update", {"team_id": "ghost", "user_id": "u1"})
    assert missing.status_code == 400
    assert missing.json() == {"detail": {"error": "Team id=ghost does not exist in db"}}


def test_member_delete_removes_membership_and_the_members_team_keys(api):
    new_team(api, team_id="x", members_with_roles=[{"user_id": "u1", "role": "user"}, {"user_id": "u2", "role": "user"}])
    team_key = api.generate(team_id="x", user_id="u1", key_alias="u1-in-x")
    own_key = api.generate(user_id="u1", key_alias="u1-own")
    response = api.post("/team/member_delete", {"team_id": "x", "user_id": "u1"})
    assert response.status_code == 200, response.text
    assert [m["user_id"] for m in response.json()["members_with_roles"]] == ["u2", "default_user_id"]
    assert api.info(team_key["token"])["status"] == "deleted"
    assert api.info(own_key["token"])["status"] == "active"
    user = api.get("/user/info", params={"user_id": "u1"}).json()["user_info"]
    assert user["teams"] == []
    assert [m["user_id"] for m in team_info(api, "x")["team_memberships"]] == ["u2", "default_user_id"]
    again = api.post("/team/member_delete", {"team_id": "x", "user_id": "u1"})
    assert again.status_code == 400 and again.json() == {"detail": {"error": "User not found in team"}}
    nobody = api.post("/team/member_delete", {"team_id": "x"})
    assert nobody.status_code == 422


# -- /team/info, /team/list, /v2/team/list ------------------------------------------------------------------------

def test_team_info_shape(api, release):
    new_team(api, team_id="i", team_alias="info", members_with_roles=[{"user_id": "u1", "role": "user"}])
    key = api.generate(team_id="i", key_alias="k")
    body = team_info(api, "i")
    assert set(body) == {"team_id", "team_info", "keys", "team_memberships"}
    assert body["team_info"]["members_with_roles"] == [{"user_id": "u1", "user_email": None, "role": "user",
                                                        "user_alias": None}, dict(CREATOR, user_alias=None)]
    assert body["team_info"]["caller_edit_access"] == {"kind": "unrestricted"}
    assert [item["token"] for item in body["keys"]] == [key["token"]]
    missing = api.get("/team/info", params={"team_id": "ghost"})
    assert missing.status_code == 404
    # team_info re-raises what it catches: as an auth_error with param "None" before 1.109.0
    expected = {"1.108.7": ("auth_error", "None"), "1.109.3": ("invalid_request_error", None)}[release]
    assert error_of(missing) == {"message": "{'message': 'Team not found, passed team id: ghost.'}",
                                 "type": expected[0], "param": expected[1], "code": "404"}


def test_team_list_is_a_bare_list_and_v2_pages(api):
    for index in range(3):
        new_team(api, team_id="p%d" % index, team_alias="alias-%d" % (2 - index),
                 members_with_roles=[{"user_id": "member", "role": "user"}] if index == 1 else [])
    listed = api.get("/team/list").json()
    assert [team["team_alias"] for team in listed] == ["alias-0", "alias-1", "alias-2"]
    assert set(listed[0]) >= {"team_memberships", "keys"}
    assert [team["team_id"] for team in api.get("/team/list", params={"user_id": "member"}).json()] == ["p1"]
    page = api.get("/v2/team/list", params={"page": 1, "page_size": 2}).json()
    assert page["total"] == 3 and page["total_pages"] == 2 and page["page"] == 1 and page["page_size"] == 2
    assert [team["team_id"] for team in page["teams"]] == ["p2", "p1"]  # newest first
    assert [t["team_id"] for t in api.get("/v2/team/list", params={"team_alias": "ALIAS-1"}).json()["teams"]] == ["p1"]
    bad = api.get("/v2/team/list", params={"status": "active"})
    assert bad.status_code == 400
    assert bad.json() == {"detail": {"error": "Invalid status value. Currently only 'deleted' is supported."}}
    assert api.get("/v2/team/list", params={"page_size": 101}).status_code == 422


def test_team_block_and_unblock(api):
    new_team(api, team_id="b")
    blocked = api.post("/team/block", {"team_id": "b"})
    assert blocked.status_code == 200 and blocked.json()["blocked"] is True
    assert team_info(api, "b")["team_info"]["blocked"] is True
    assert api.post("/team/unblock", {"team_id": "b"}).json()["blocked"] is False
    missing = api.post("/team/block", {"team_id": "ghost"})
    assert missing.status_code == 404
    assert missing.json() == {"detail": {"error": "Team not found, passed team_id=ghost"}}


# -- /team/delete -------------------------------------------------------------------------------------------------

def test_team_delete_removes_keys_memberships_and_user_links(api):
    new_team(api, team_id="gone", members_with_roles=[{"user_id": "u1", "role": "user"}])
    new_team(api, team_id="stays")
    key = api.generate(team_id="gone", key_alias="team-key")
    response = api.post("/team/delete", {"team_ids": ["gone"]})
    assert response.status_code == 200 and response.json() == {"deleted_teams": ["gone"]}
    assert api.info(key["token"])["status"] == "deleted"
    assert api.get("/user/info", params={"user_id": "u1"}).json()["user_info"]["teams"] == []
    assert [team["team_id"] for team in api.get("/team/list").json()] == ["stays"]
    deleted = api.get("/v2/team/list", params={"status": "deleted"}).json()["teams"]
    assert [team["team_id"] for team in deleted] == ["gone"] and deleted[0]["deleted_at"]


def test_team_delete_checks_every_id_first(api):
    new_team(api, team_id="real")
    response = api.post("/team/delete", {"team_ids": ["real", "ghost"]})
    assert response.status_code == 404
    assert response.json() == {"detail": {"error": "Team not found, passed team_id=ghost"}}
    assert [team["team_id"] for team in api.get("/team/list").json()] == ["real"]


# -- keys and teams -----------------------------------------------------------------------------------------------

def test_key_of_a_missing_team_is_created_but_not_updatable_with_strict_references(litellm_server, api, release):
    litellm_server.strict_references = True
    created = api.generate(team_id="no-such-team", key_alias="orphan")
    response = api.post("/key/update", {"key": created["token"], "max_budget": 1})
    assert response.status_code == 404
    expected = {"1.108.7": ("auth_error", "None"), "1.109.3": ("invalid_request_error", None)}[release]
    assert error_of(response) == {"message": "{'error': \"%s\"}" % (TEAM_MISSING % "no-such-team"),
                                  "type": expected[0], "param": expected[1], "code": "404"}
    new_team(api, team_id="no-such-team")
    assert api.post("/key/update", {"key": created["token"], "max_budget": 1}).status_code == 200


def test_key_team_change_needs_membership_with_strict_references(litellm_server, api):
    litellm_server.strict_references = True
    new_team(api, team_id="target")
    key = api.generate(user_id="outsider", key_alias="moving")
    response = api.post("/key/update", {"key": key["token"], "team_id": "target"})
    assert response.status_code == 403
    assert error_of(response)["message"] == ("User=outsider is not a member of the team=target. Check team members "
                                             "via `/team/info`.")


def test_lenient_references_keep_keys_of_unknown_teams_updatable(litellm_server, api):
    litellm_server.strict_references = False
    created = api.generate(team_id="never-created", key_alias="lenient")
    assert api.post("/key/update", {"key": created["token"], "max_budget": 1}).status_code == 200


def test_service_account_keys(api):
    new_team(api, team_id="svc")
    response = api.post("/key/service-account/generate", {"team_id": "svc", "key_alias": "robot", "user_id": "u"})
    assert response.status_code == 200, response.text
    created = response.json()
    assert created["user_id"] is None and created["team_id"] == "svc"
    assert created["metadata"] == {"service_account_id": "robot"}
    no_team = api.post("/key/service-account/generate", {"key_alias": "r2"})
    assert no_team.status_code == 400
    assert no_team.json() == {"detail": "team_id is required for service account keys. Please specify `team_id` in "
                                        "the request body."}
    unknown = api.post("/key/service-account/generate", {"team_id": "ghost"})
    assert unknown.status_code == 400
    assert unknown.json() == {"detail": "team_id does not exist in the database. Please specify a valid `team_id` "
                                        "in the request body."}
    # the service account id is immutable once set
    changed = api.post("/key/update", {"key": created["token"], "metadata": {"service_account_id": "other"}})
    assert changed.status_code == 400
    assert error_of(changed)["message"] == "service_account_id is immutable once set and cannot be changed via update."
    api.post("/key/update", {"key": created["token"], "metadata": {"note": 1}})
    assert api.info(created["token"])["metadata"] == {"note": 1, "service_account_id": "robot"}


# -- plain proxy ----------------------------------------------------------------------------------------------------

def test_plain_proxy_refuses_team_admins_and_premium_fields(litellm_server, api):
    new_team(api, team_id="plain")
    litellm_server.plain_proxy = True
    admin = api.post("/team/member_add", {"team_id": "plain", "member": {"user_id": "boss", "role": "admin"}})
    assert admin.status_code == 400
    assert admin.json()["detail"]["error"].startswith("Assigning team admins is a premium feature. You must be a "
                                                      "LiteLLM Enterprise user")
    promote = api.post("/team/member_update", {"team_id": "plain", "user_id": "boss", "role": "admin"})
    assert promote.status_code == 400 and promote.json()["detail"].startswith("Assigning team admins is a premium")
    tags = api.post("/team/new", {"tags": ["t"]})
    assert tags.status_code == 403
    assert error_of(tags)["message"].startswith("{'error': 'This feature is only available for LiteLLM Enterprise "
                                                "users: tags. ")
    assert api.post("/team/member_add", {"team_id": "plain", "member": {"user_id": "u", "role": "user"}}).status_code == 200


def test_counters_count_team_endpoints(litellm_server, api):
    new_team(api, team_id="c")
    api.get("/team/info", params={"team_id": "c"})
    api.post("/team/member_add", {"team_id": "c", "member": {"user_id": "u", "role": "user"}})
    api.post("/team/delete", {"team_ids": ["ghost"]})
    counts = litellm_server.counts()
    assert counts["counts"] == {"POST /team/new": 1, "GET /team/info": 1, "POST /team/member_add": 1,
                                "POST /team/delete": 1}
    assert counts["writes"] == 3 and counts["accepted_writes"] == 2


def test_team_list_v2_answers_the_callers_membership_from_1_109(api, release):
    assert api.post("/team/new", {"team_id": "mine"}).status_code == 200
    assert api.post("/_test/seed", {"teams": [{"team_id": "not-mine"}]}).status_code == 200
    teams = dict((team["team_id"], team) for team in api.get("/v2/team/list").json()["teams"])
    if release == "1.108.7":
        assert "caller_membership" not in teams["mine"]
    else:
        # the master key's user joined the team it made; the seeded team does not list it
        assert teams["mine"]["caller_membership"] == {"spend": 0.0, "max_budget": None, "budget_reset_at": None}
        assert teams["not-mine"]["caller_membership"] is None
