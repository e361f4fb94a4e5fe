# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Key endpoints of the local LiteLLM-compatible server, over real HTTP."""

from __future__ import annotations

import datetime
import hashlib
import re
import threading

import pytest

ALIAS_TAKEN = "Key with alias '%s' already exists. Unique key aliases across all keys are required."


def sha256(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) >= {"message", "type", "param", "code"}
    assert body["error"]["code"] == str(response.status_code)
    return body["error"]


# -- generate -----------------------------------------------------------------------------------------------

def test_generate_returns_secret_and_hash(api):
    created = api.generate(key_alias="svc-a", models=["gpt-4o"], max_budget=10, tpm_limit=100)
    assert re.match(r"^sk-[A-Za-z0-9_-]{22}$", created["key"])
    assert created["token"] == sha256(created["key"]) == created["token_id"]
    assert created["key_name"] == "sk-..." + created["key"][-4:]
    assert created["key_alias"] == "svc-a"
    assert created["models"] == ["gpt-4o"]
    assert created["max_budget"] == 10.0 and isinstance(created["max_budget"], float)
    assert created["tpm_limit"] == 100
    assert created["spend"] == 0.0
    assert created["key_type"] == "default"
    assert created["created_by"] == "default_user_id"


def test_generate_folds_limits_and_tags_into_metadata(api):
    created = api.generate(key_alias="fold", metadata={"owner": "team-x"}, model_rpm_limit={"gpt-4o": 5},
                           model_tpm_limit={"gpt-4o": 500}, tags=["prod"], guardrails=["pii"], rpm_limit_type="dynamic")
    expected = {"owner": "team-x", "model_rpm_limit": {"gpt-4o": 5}, "model_tpm_limit": {"gpt-4o": 500},
                "tags": ["prod"], "guardrails": ["pii"], "rpm_limit_type": "dynamic"}
    assert created["metadata"] == expected
    assert created["model_rpm_limit"] is None and created["tags"] is None
    info = api.info(created["token"])
    assert info["metadata"] == expected
    assert "model_rpm_limit" not in info and "tags" not in info


def test_fields_newer_than_the_1_100_document_are_validated_and_stored(api):
    response = api.post("/key/generate", {"tpd_limit": "twelve"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "tpd_limit"]
    created = api.generate(key_alias="newer", tpd_limit=12, end_user_budget_id="b1")
    info = api.info(created["token"])
    assert info["tpd_limit"] == 12 and info["metadata"] == {"end_user_budget_id": "b1"}


def test_generate_with_chosen_key(api):
    secret = "sk-chosen-secret-0001"
    created = api.generate(key=secret, key_alias="chosen")
    assert created["key"] == secret
    assert created["token"] == sha256(secret)


@pytest.mark.parametrize("secret, message", [
    ("abcdefghijklmnopqrst", "{'error': \"Invalid key format. LiteLLM Virtual Key must start with 'sk-'. Received: abcd****qrst\"}"),
    ("sk-short", "{'error': 'Invalid key format. LiteLLM Virtual Key must be at least 16 characters long.'}"),
])
def test_generate_rejects_bad_chosen_key(api, release, secret, message):
    response = api.post("/key/generate", {"key": secret})
    assert response.status_code == 400
    error_type = {"1.108.7": "internal_server_error", "1.109.3": "invalid_request_error"}[release]
    assert error_of(response) == {"message": message, "type": error_type, "param": None, "code": "400"}


def test_generate_duration_sets_expires_and_is_not_kept(api):
    created = api.generate(key_alias="short-lived", duration="1h")
    assert created["expires"]
    info = api.info(created["token"])
    # the same moment; /key/generate writes UTC as "Z" (a pydantic model), /key/info as "+00:00" (isoformat)
    assert created["expires"].endswith("Z") and info["expires"].endswith("+00:00")
    assert datetime.datetime.fromisoformat(info["expires"]) == datetime.datetime.fromisoformat(
        created["expires"].replace("Z", "+00:00"))
    assert "duration" not in info
    assert info["status"] == "active"


def test_generate_bad_duration_is_a_500_with_litellm_message(api):
    response = api.post("/key/generate", {"duration": "7x"})
    assert response.status_code == 500
    assert error_of(response)["message"] == "Unsupported duration unit, passed duration: 7x"
    assert api.get("/key/list").json()["total_count"] == 0


def test_generate_rejects_negative_budget(api):
    response = api.post("/key/generate", {"max_budget": -1})
    assert response.status_code == 400
    assert error_of(response)["message"] == "{'error': 'max_budget must be a non-negative finite number. Received: -1.0'}"


def test_soft_budget_lives_in_budget_table(api):
    created = api.generate(key_alias="soft", soft_budget=5, max_budget=20, budget_duration="30d")
    info = api.info(created["token"])
    assert info["litellm_budget_table"]["soft_budget"] == 5.0
    assert info["budget_id"] == info["litellm_budget_table"]["budget_id"]
    assert "soft_budget" not in info
    assert info["max_budget"] == 20.0
    assert info["budget_duration"] == "30d" and info["budget_reset_at"]
    listed = api.get("/key/list", params={"key_alias": "soft", "return_full_object": "true"}).json()["keys"][0]
    assert listed["litellm_budget_table"]["soft_budget"] == 5.0
    assert listed["soft_budget"] is None


def test_organization_id_is_org_id_in_full_list_objects(api):
    api.post("/_test/seed", {"organizations": [{"organization_id": "org-1"}]})
    created = api.generate(key_alias="org-key", organization_id="org-1")
    assert created["organization_id"] == "org-1"
    assert api.info(created["token"])["organization_id"] == "org-1"
    listed = api.get("/key/list", params={"organization_id": "org-1", "return_full_object": "true"}).json()["keys"]
    assert [item["org_id"] for item in listed] == ["org-1"]
    assert "organization_id" not in listed[0]


# -- alias uniqueness ----------------------------------------------------------------------------------------

def test_alias_must_be_unique_on_generate(api):
    api.generate(key_alias="dup")
    response = api.post("/key/generate", {"key_alias": "dup"})
    assert response.status_code == 400
    assert error_of(response) == {"message": ALIAS_TAKEN % "dup", "type": "bad_request_error", "param": "key_alias",
                                  "code": "400"}


def test_alias_must_be_unique_on_update(api):
    api.generate(key_alias="first")
    second = api.generate(key_alias="second")
    response = api.post("/key/update", {"key": second["token"], "key_alias": "first"})
    assert response.status_code == 400
    assert error_of(response)["message"] == ALIAS_TAKEN % "first"
    # re-sending a key's own alias is not a conflict
    assert api.post("/key/update", {"key": second["token"], "key_alias": "second"}).status_code == 200


def test_concurrent_creates_of_one_alias_leave_one_key(litellm_server, api_factory):
    clients = [api_factory(litellm_server) for _index in range(8)]
    statuses = []
    barrier = threading.Barrier(len(clients))

    def create(client):
        barrier.wait()
        statuses.append(client.post("/key/generate", {"key_alias": "raced"}).status_code)

    threads = [threading.Thread(target=create, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [400] * (len(clients) - 1)
    assert clients[0].get("/key/list", params={"key_alias": "raced"}).json()["total_count"] == 1


def test_alias_with_control_character_is_refused(api):
    response = api.post("/key/generate", {"key_alias": "bad\talias"})
    assert response.status_code == 400
    assert error_of(response)["param"] == "key_alias"


# -- info ----------------------------------------------------------------------------------------------------

def test_info_by_secret_or_hash(api):
    created = api.generate(key_alias="lookup")
    for handle in (created["key"], created["token"]):
        body = api.get("/key/info", params={"key": handle}).json()
        assert body["key"] == handle
        assert "token" not in body["info"]
        assert body["info"]["key_alias"] == "lookup"
        assert body["info"]["status"] == "active"


def test_info_unknown_key_is_404(api):
    response = api.get("/key/info", params={"key": "0" * 64})
    assert response.status_code == 404
    assert error_of(response) == {"message": "Key not found in database", "type": "not_found_error", "param": "key",
                                  "code": "404"}


def test_info_of_deleted_key_reports_deleted(api):
    created = api.generate(key_alias="gone")
    api.post("/key/delete", {"keys": [created["token"]]})
    info = api.info(created["token"])
    assert info["status"] == "deleted"
    assert info["deleted_at"]


# -- update --------------------------------------------------------------------------------------------------

def test_update_changes_only_sent_fields(api):
    created = api.generate(key_alias="upd", models=["a"], max_budget=5, tpm_limit=10, metadata={"x": 1})
    response = api.post("/key/update", {"key": created["token"], "max_budget": 7})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["key"] == created["token"]
    assert body["token"] == created["token"]
    info = api.info(created["token"])
    assert info["max_budget"] == 7.0
    assert info["models"] == ["a"] and info["tpm_limit"] == 10 and info["metadata"] == {"x": 1}
    assert info["updated_at"] >= info["created_at"]


def test_update_metadata_replaces_and_refolds(api):
    created = api.generate(key_alias="meta", metadata={"keep": 1, "drop": 2}, tags=["t1"], model_rpm_limit={"m": 1})
    api.post("/key/update", {"key": created["key"], "metadata": {"keep": 1}, "model_rpm_limit": {"m": 2}})
    assert api.info(created["token"])["metadata"] == {"keep": 1, "model_rpm_limit": {"m": 2}}
    api.post("/key/update", {"key": created["key"], "tags": ["t2"]})
    assert api.info(created["token"])["metadata"] == {"keep": 1, "model_rpm_limit": {"m": 2}, "tags": ["t2"]}


def test_update_explicit_null_clears_column(api):
    created = api.generate(key_alias="nulls", max_budget=3, user_id="u1")
    api.post("/key/update", {"key": created["token"], "max_budget": None})
    info = api.info(created["token"])
    assert info["max_budget"] is None and info["user_id"] == "u1"


def test_update_soft_budget_updates_budget_row(api):
    created = api.generate(key_alias="soft-upd")
    api.post("/key/update", {"key": created["token"], "soft_budget": 3})
    first = api.info(created["token"])["litellm_budget_table"]
    assert first["soft_budget"] == 3.0
    api.post("/key/update", {"key": created["token"], "soft_budget": 4})
    second = api.info(created["token"])["litellm_budget_table"]
    assert second["soft_budget"] == 4.0 and second["budget_id"] == first["budget_id"]


def test_update_by_alias(api):
    created = api.generate(key_alias="by-alias")
    response = api.post("/key/update", {"key_alias": "by-alias", "rpm_limit": 9})
    assert response.status_code == 200
    assert response.json()["key"] == created["token"]
    assert api.info(created["token"])["rpm_limit"] == 9


def test_update_unknown_key_is_404(api):
    response = api.post("/key/update", {"key": "sk-unknown-key-000000", "max_budget": 1})
    assert response.status_code == 404
    assert error_of(response) == {"message": "Key not found.", "type": "not_found_error", "param": "key", "code": "404"}


def test_update_with_duration_sets_expires(api):
    created = api.generate(key_alias="dur")
    api.post("/key/update", {"key": created["token"], "duration": "2h"})
    assert api.info(created["token"])["expires"]
    api.post("/key/update", {"key": created["token"], "duration": None})
    assert api.info(created["token"])["expires"] is None


# -- delete --------------------------------------------------------------------------------------------------

def test_delete_by_keys_and_by_aliases(api):
    first = api.generate(key_alias="d1")
    api.generate(key_alias="d2")
    assert api.post("/key/delete", {"keys": [first["key"]]}).json() == {"deleted_keys": [first["key"]]}
    assert api.post("/key/delete", {"key_aliases": ["d2"]}).json() == {"deleted_keys": ["d2"]}
    assert api.get("/key/list").json()["total_count"] == 0


def test_delete_nothing_matching_is_404_no_keys_found(api, release):
    response = api.post("/key/delete", {"key_aliases": ["never-existed"]})
    assert response.status_code == 404
    error_type = {"1.108.7": "internal_server_error", "1.109.3": "invalid_request_error"}[release]
    assert error_of(response) == {"message": "{'error': 'No keys found'}", "type": error_type, "param": None, "code": "404"}


# -- list ----------------------------------------------------------------------------------------------------

def test_list_pagination_and_order(api):
    tokens = [api.generate(key_alias="page-%02d" % index)["token"] for index in range(23)]
    pages = [api.get("/key/list", params={"page": page, "size": 10}).json() for page in (1, 2, 3)]
    assert [page["current_page"] for page in pages] == [1, 2, 3]
    assert all(page["total_count"] == 23 and page["total_pages"] == 3 for page in pages)
    listed = [token for page in pages for token in page["keys"]]
    assert sorted(listed) == sorted(tokens)
    # LiteLLM orders by created_at (millisecond precision), then token, both descending.
    full = api.get("/key/list", params={"size": 100, "return_full_object": "true"}).json()["keys"]
    # As times: a whole second is written without a fraction ("...:40Z"), which sorts after "...:40.127Z" as text.
    order = [(datetime.datetime.fromisoformat(item["created_at"].replace("Z", "+00:00")), item["token"])
             for item in full]
    assert order == sorted(order, reverse=True)
    assert [item["token"] for item in full] == listed
    assert api.get("/key/list", params={"page": 4, "size": 10}).json()["keys"] == []
    assert len(api.get("/key/list").json()["keys"]) == 10


def test_list_filters_are_exact(api):
    api.generate(key_alias="alpha", user_id="alice", team_id="t1")
    api.generate(key_alias="alpha-2", user_id="alice2", team_id="t1")
    beta = api.generate(key_alias="beta", user_id="bob", team_id="t2")

    def aliases(**params):
        params["return_full_object"] = "true"
        return sorted(item["key_alias"] for item in api.get("/key/list", params=params).json()["keys"])

    assert aliases(key_alias="alpha") == ["alpha"]
    assert aliases(user_id="alice") == ["alpha"]
    assert aliases(team_id="t1") == ["alpha", "alpha-2"]
    assert aliases(team_id="t1", user_id="alice2") == ["alpha-2"]
    assert aliases(key_hash=beta["token"]) == ["beta"]
    assert aliases(key_alias="alph") == []


def test_list_full_objects_carry_token_and_no_secret(api):
    created = api.generate(key_alias="full")
    item = api.get("/key/list", params={"key_alias": "full", "return_full_object": "true"}).json()["keys"][0]
    assert item["token"] == created["token"]
    assert created["key"] not in str(item)
    assert item["key_alias"] == "full" and item["team_blocked"] is False


# -- block / unblock ------------------------------------------------------------------------------------------

def test_block_and_unblock(api):
    created = api.generate(key_alias="blk")
    blocked = api.post("/key/block", {"key": created["key"]})
    assert blocked.status_code == 200 and blocked.json()["blocked"] is True
    assert api.info(created["token"])["status"] == "revoked"
    api.post("/key/unblock", {"key": created["token"]})
    info = api.info(created["token"])
    assert info["blocked"] is False and info["status"] == "active"


def test_block_unknown_key_is_404(api):
    response = api.post("/key/block", {"key": "f" * 64})
    assert response.status_code == 404
    assert error_of(response)["message"] == "Key not found."


# -- regenerate ----------------------------------------------------------------------------------------------

def test_regenerate_by_path_rotates_secret_in_place(api):
    created = api.generate(key_alias="rot", models=["m"], metadata={"a": 1})
    response = api.post("/key/%s/regenerate" % created["token"], {"grace_period": "1h"})
    assert response.status_code == 200, response.text
    rotated = response.json()
    assert rotated["key"] != created["key"] and rotated["key"].startswith("sk-")
    assert rotated["token_id"] == sha256(rotated["key"])
    assert rotated["token"] is None
    assert rotated["key_alias"] == "rot" and rotated["models"] == ["m"]
    assert api.info(rotated["token_id"])["metadata"] == {"a": 1}
    assert api.info(created["token"])["status"] == "deleted"
    assert api.get("/key/list", params={"key_alias": "rot"}).json()["keys"] == [rotated["token_id"]]


def test_regenerate_with_new_key_and_body_key(api):
    created = api.generate(key_alias="rot2")
    response = api.post("/key/regenerate", {"key": created["key"], "new_key": "sk-new-chosen-secret-1", "max_budget": 4})
    assert response.status_code == 200, response.text
    assert response.json()["key"] == "sk-new-chosen-secret-1"
    assert api.info("sk-new-chosen-secret-1")["max_budget"] == 4.0


def test_regenerate_unknown_key_is_404(api):
    response = api.post("/key/%s/regenerate" % ("e" * 64))
    assert response.status_code == 404
    assert error_of(response)["message"] == "{'error': 'Key %s not found.'}" % ("e" * 64)


# -- plain (non-premium) proxy ------------------------------------------------------------------------------

PREMIUM_MESSAGE = ("{'error': 'This feature is only available for LiteLLM Enterprise users: %s. You must be a LiteLLM "
                   "Enterprise user to use this feature. If you have a license please set `LITELLM_LICENSE` in your env. Get a 7 "
                   "day trial key here: https://www.litellm.ai/enterprise#trial. \\nPricing: https://www.litellm.ai/#pricing'}")


@pytest.mark.parametrize("field", ["tags", "guardrails", "policies", "prompts"])
def test_plain_proxy_refuses_enterprise_fields_on_generate(litellm_server, api, release, field):
    litellm_server.plain_proxy = True
    response = api.post("/key/generate", {"key_alias": "p", field: ["x"]})
    assert response.status_code == 403
    error_type = {"1.108.7": "internal_server_error", "1.109.3": "auth_error"}[release]
    assert error_of(response) == {"message": PREMIUM_MESSAGE % field, "type": error_type, "param": None, "code": "403"}
    assert api.get("/key/list").json()["total_count"] == 0


def test_plain_proxy_accepts_empty_enterprise_lists(litellm_server, api):
    litellm_server.plain_proxy = True
    assert api.post("/key/generate", {"key_alias": "p", "tags": []}).status_code == 200


def test_plain_proxy_refuses_enterprise_fields_on_update(litellm_server, api, release):
    created = api.generate(key_alias="p-upd")
    litellm_server.plain_proxy = True
    response = api.post("/key/update", {"key": created["token"], "guardrails": ["g"]})
    assert response.status_code == 403
    param = {"1.108.7": "None", "1.109.3": None}[release]
    assert error_of(response) == {"message": PREMIUM_MESSAGE % "guardrails", "type": "auth_error", "param": param,
                                  "code": "403"}


def test_plain_proxy_regenerate_answers_as_measured(litellm_server, api):
    created = api.generate(key_alias="p-rot")
    litellm_server.plain_proxy = True
    response = api.post("/key/%s/regenerate" % created["token"])
    assert response.status_code == 500
    error = error_of(response)
    assert error["type"] == "internal_server_error" and error["param"] is None
    assert error["message"].startswith("Regenerating Virtual Keys is an Enterprise feature, You must be a LiteLLM Enterprise")
    assert api.info(created["token"])["status"] == "active"


# -- health ----------------------------------------------------------------------------------------------------

def test_liveliness_needs_no_key(litellm_server, api):
    api.session.headers.pop("Authorization")
    response = api.get("/health/liveliness")
    assert response.status_code == 200 and response.json() == "I'm alive!"


def test_list_status_sort_and_substring_filters(api):
    api.generate(key_alias="Alpha-one", max_budget=3)
    blocked = api.generate(key_alias="alpha-two", max_budget=1)
    deleted = api.generate(key_alias="beta", max_budget=2)
    api.post("/key/block", {"key": blocked["token"]})
    api.post("/key/delete", {"keys": [deleted["token"]]})

    def aliases(**params):
        params["return_full_object"] = "true"
        response = api.get("/key/list", params=params)
        assert response.status_code == 200, response.text
        return [item["key_alias"] for item in response.json()["keys"]]

    assert aliases(status="revoked") == ["alpha-two"]
    assert aliases(status="active") == ["Alpha-one"]
    assert aliases(status="deleted") == ["beta"]
    assert aliases(status="deleted", key_alias="beta") == ["beta"]
    assert aliases(status="deleted", key_alias="alpha-two") == []
    assert sorted(aliases(key_alias="ALPHA", substring_matching="true")) == ["Alpha-one", "alpha-two"]
    assert aliases(sort_by="max_budget", sort_order="asc") == ["alpha-two", "Alpha-one"]
    assert sorted(aliases(search="ALPHA")) == ["Alpha-one", "alpha-two"]
    assert aliases(search=blocked["token"]) == ["alpha-two"]
    response = api.get("/key/list", params={"status": "gone"})
    assert response.status_code == 400
    assert error_of(response)["message"] == (
        "{'error': \"Invalid status value. Supported: 'active', 'expired', 'revoked', 'deleted'.\"}")
