# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Budget and organization endpoints of the local LiteLLM-compatible server (LiteLLM 1.108.7's
budget_management_endpoints.py and organization_endpoints.py), and the references keys make to them."""

from __future__ import annotations

import pytest

BUDGET_FIELDS = ["budget_id", "max_budget", "soft_budget", "max_parallel_requests", "tpm_limit", "rpm_limit",
                 "tpd_limit", "model_max_budget", "budget_duration", "budget_reset_at", "allowed_models",
                 "temp_budget_increase", "temp_budget_expiry", "created_at", "created_by", "updated_at", "updated_by",
                 "organization", "projects", "keys", "end_users", "tags", "model_access_groups", "team_membership",
                 "organization_membership"]


def new_budget(api, **body):
    response = api.post("/budget/new", body)
    assert response.status_code == 200, response.text
    return response.json()


def test_budget_new_row_shape(api):
    budget = new_budget(api, budget_id="b1", max_budget=10, soft_budget=8, tpm_limit=5, budget_duration="30d")
    assert list(budget) == BUDGET_FIELDS
    assert budget["budget_id"] == "b1" and budget["max_budget"] == 10.0 and budget["soft_budget"] == 8.0
    assert budget["budget_reset_at"] and budget["allowed_models"] == [] and budget["created_by"] == "default_user_id"
    generated = new_budget(api)
    assert len(generated["budget_id"]) == 36


@pytest.mark.parametrize("body, status, detail", [
    ({"budget_id": "taken"}, 400, {"error": "Budget with id 'taken' already exists."}),
    ({"max_budget": -2}, 400, {"error": "max_budget must be a non-negative finite number. Received: -2.0"}),
    ({"budget_duration": "7x"}, 400,
     {"error": "Invalid budget_duration '7x'. Use a format like '1h', '24h', '7d', or '30d'."}),
])
def test_budget_new_refusals_are_fastapi_details(api, body, status, detail):
    new_budget(api, budget_id="taken")
    response = api.post("/budget/new", body)
    assert response.status_code == status
    assert response.json() == {"detail": detail}


def test_budget_update_info_list(api):
    new_budget(api, budget_id="b", max_budget=1, budget_duration="1d")
    updated = api.post("/budget/update", {"budget_id": "b", "max_budget": 2, "budget_duration": None})
    assert updated.status_code == 200
    assert updated.json()["max_budget"] == 2.0 and updated.json()["budget_reset_at"] is None
    assert api.post("/budget/update", {"budget_id": "ghost", "max_budget": 2}).json() is None
    no_id = api.post("/budget/update", {"max_budget": 2})
    assert no_id.status_code == 400 and no_id.json() == {"detail": {"error": "budget_id is required"}}
    info = api.post("/budget/info", {"budgets": ["b", "ghost"]})
    assert info.status_code == 200 and [item["budget_id"] for item in info.json()] == ["b"]
    empty = api.post("/budget/info", {"budgets": []})
    assert empty.status_code == 400
    assert empty.json() == {"detail": {"error": "Specify list of budget id's to query. Passed in=[]"}}
    assert [item["budget_id"] for item in api.get("/budget/list").json()] == ["b"]


def test_budget_delete_unlinks_keys(api):
    new_budget(api, budget_id="shared")
    key = api.generate(key_alias="linked", budget_id="shared")
    assert api.info(key["token"])["litellm_budget_table"]["budget_id"] == "shared"
    response = api.post("/budget/delete", {"id": "shared"})
    assert response.status_code == 200 and response.json()["budget_id"] == "shared"
    info = api.info(key["token"])
    assert info["budget_id"] is None and info["litellm_budget_table"] is None
    assert api.post("/budget/delete", {"id": "shared"}).json() is None
    missing = api.post("/budget/delete", {})
    assert missing.status_code == 422
    assert missing.json()["detail"] == [{"type": "missing", "loc": ["body", "id"], "msg": "Field required"}]


def test_key_soft_budget_rows_are_budgets_too(api):
    key = api.generate(key_alias="soft", soft_budget=3)
    budget_id = api.info(key["token"])["budget_id"]
    assert [item["soft_budget"] for item in api.post("/budget/info", {"budgets": [budget_id]}).json()] == [3.0]


def test_strict_references_refuse_missing_budgets_and_organizations(litellm_server, api):
    litellm_server.strict_references = True
    budget = api.post("/key/generate", {"budget_id": "ghost"})
    assert budget.status_code == 500
    assert budget.json()["error"]["message"] == "{'error': 'Internal Server Error.'}"
    org = api.post("/key/generate", {"organization_id": "ghost"})
    assert org.status_code == 500
    assert org.json()["error"] == {
        "message": "Organization doesn't exist in db. Organization=ghost. Create organization via `/organization/new` "
                   "call.", "type": "internal_server_error", "param": None, "code": "500"}
    assert api.get("/key/list").json()["total_count"] == 0
    new_budget(api, budget_id="real")
    assert api.post("/key/generate", {"budget_id": "real"}).status_code == 200


def test_organizations(api):
    created = api.post("/organization/new", {"organization_alias": "acme", "max_budget": 100, "models": ["gpt-4o"]})
    assert created.status_code == 200, created.text
    org = created.json()
    assert org["organization_alias"] == "acme" and org["litellm_budget_table"]["max_budget"] == 100.0
    assert api.post("/team/new", {"team_id": "in-org", "organization_id": org["organization_id"]}).status_code == 200
    key = api.generate(key_alias="org-key", organization_id=org["organization_id"])
    info = api.get("/organization/info", params={"organization_id": org["organization_id"]}).json()
    assert [team["team_id"] for team in info["teams"]] == ["in-org"]
    assert [item["organization_id"] for item in api.get("/organization/list").json()] == [org["organization_id"]]
    deleted = api.session.delete(api.server.url + "/organization/delete",
                                 json={"organization_ids": [org["organization_id"]]}, timeout=10)
    assert deleted.status_code == 200 and deleted.json()[0]["organization_id"] == org["organization_id"]
    assert api.get("/team/list").json() == []
    assert api.get("/key/info", params={"key": key["token"]}).status_code == 404


def test_plain_proxy_refuses_every_organization_route(litellm_server, api):
    litellm_server.plain_proxy = True
    for response in (api.post("/organization/new", {"organization_alias": "x"}),
                     api.post("/organization/new", {}),  # the license dependency runs before body validation
                     api.get("/organization/list"),
                     api.get("/organization/info", params={"organization_id": "x"})):
        assert response.status_code == 403
        assert response.json()["detail"]["error"].startswith("Organizations are only available for LiteLLM Enterprise "
                                                             "users. You must be a LiteLLM Enterprise user")


def test_seed_teams_users_budgets(api):
    seeded = api.post("/_test/seed", {"teams": [{"team_id": "s1", "team_alias": "same"},
                                                {"team_id": "s2", "team_alias": "same"}],
                                      "users": [{"user_id": "su"}], "budgets": [{"budget_id": "sb", "max_budget": 1}]})
    assert seeded.status_code == 200
    body = seeded.json()
    assert body["team_ids"] == ["s1", "s2"] and body["user_ids"] == ["su"] and body["budget_ids"] == ["sb"]
    assert [team["team_alias"] for team in api.get("/team/list").json()] == ["same", "same"]
    api.post("/_test/reset", {"data": True})
    assert api.get("/team/list").json() == [] and api.get("/budget/list").json() == []
    assert api.get("/user/list").json()["total"] == 0


def test_counters_count_budget_endpoints(litellm_server, api):
    new_budget(api, budget_id="c")
    api.post("/budget/info", {"budgets": ["c"]})
    api.get("/budget/list")
    api.post("/budget/delete", {"id": "c"})
    counts = litellm_server.counts()
    assert counts["counts"] == {"POST /budget/new": 1, "POST /budget/info": 1, "GET /budget/list": 1,
                                "POST /budget/delete": 1}
    assert counts["writes"] == 2  # /budget/info only reads
