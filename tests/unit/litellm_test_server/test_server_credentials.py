# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credential endpoints of the local LiteLLM-compatible server (LiteLLM 1.108.7 / 1.109.3
proxy/credential_endpoints/endpoints.py, with STORE_MODEL_IN_DB=True)."""

from __future__ import annotations

import pytest

OPENAI = {"credential_name": "openai-prod", "credential_values": {"api_key": "sk-provider-secret-1",
                                                                  "api_base": "https://api.openai.com/v1"},
          "credential_info": {"custom_llm_provider": "openai"}}


def create(api, body=None):
    response = api.post("/credentials", body or OPENAI)
    assert response.status_code == 200, response.text
    return response.json()


def patch(api, name, body):
    return api.session.patch(api.server.url + "/credentials/" + name, json=body, timeout=10)


def delete(api, name):
    return api.session.delete(api.server.url + "/credentials/" + name, timeout=10)


def test_create_then_read_masked(api):
    assert create(api) == {"success": True, "message": "Credential created successfully"}
    answer = api.get("/credentials/by_name/openai-prod")
    assert answer.status_code == 200
    assert answer.json() == {"credential_name": "openai-prod", "display_name": None,
                             "credential_info": {"custom_llm_provider": "openai"},
                             "credential_values": {"api_key": "sk****-1", "api_base": "https://api.openai.com/v1"},
                             "source": "db"}
    listed = api.get("/credentials").json()
    assert listed["success"] is True and [c["credential_name"] for c in listed["credentials"]] == ["openai-prod"]
    assert "sk-provider-secret-1" not in api.get("/credentials").text


def test_masking_follows_litellm_get_masked_values(api):
    create(api, {"credential_name": "c", "credential_info": {},
                 "credential_values": {"aws_secret_access_key": "abcd", "vertex_credentials": {"private_key": "pk-123456",
                                                                                               "project_id": "p1"},
                                       "timeout": 30, "api_version": "2024-06-01"}})
    values = api.get("/credentials/by_name/c").json()["credential_values"]
    assert values == {"aws_secret_access_key": "*****", "vertex_credentials": {"private_key": "pk****56",
                                                                               "project_id": "p1"},
                      "timeout": 30, "api_version": "2024-06-01"}


def test_a_second_create_of_a_name_answers_409(api, release):
    create(api)
    answer = api.post("/credentials", OPENAI)
    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["message"] == ("Credential 'openai-prod' already exists. Update it with PATCH /credentials/openai-prod, "
                                "or delete it first.")
    assert error["code"] == "409"


def test_create_needs_values_and_info(api):
    answer = api.post("/credentials", {"credential_name": "x", "credential_info": {}})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["msg"] == "Value error, Either credential_values or model_id must be set"
    answer = api.post("/credentials", {"credential_name": "x", "credential_values": {"api_key": "k"}})
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "credential_info"]
    assert api.get("/credentials").json()["credentials"] == []


def test_patch_merges_values_and_info(api):
    create(api)
    answer = patch(api, "openai-prod", {"credential_values": {"api_base": "https://eu.api.openai.com/v1"},
                                        "credential_info": {"team": "ml"}})
    assert answer.status_code == 200 and answer.json()["message"] == "Credential updated successfully"
    read = api.get("/credentials/by_name/openai-prod").json()
    assert read["credential_values"] == {"api_key": "sk****-1", "api_base": "https://eu.api.openai.com/v1"}
    assert read["credential_info"] == {"custom_llm_provider": "openai", "team": "ml"}


def test_patch_needs_credential_info(api):
    create(api)
    answer = patch(api, "openai-prod", {"credential_values": {"api_base": "https://x"}})
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "credential_info"]


def test_patch_of_a_missing_credential_answers_404(api, release):
    answer = patch(api, "none-such", {"credential_info": {}})
    assert answer.status_code == 404 and answer.json()["error"]["message"] == "Credential not found in DB."


@pytest.mark.parametrize("version, kept", [("1.108.7", False), ("1.109.3", True)])
def test_a_masked_read_back_sent_in_a_patch(api, litellm_server, version, kept):
    litellm_server.litellm_version = version
    try:
        create(api)
        patch(api, "openai-prod", {"credential_values": {"api_key": "sk****-1"}, "credential_info": {}})
        stored = litellm_server.httpd.service.store.entity("credential", "openai-prod")
        # 1.108.7 stores the masked text it was sent (the secret is lost); 1.109.3 keeps the stored secret.
        assert (stored["credential_values"]["api_key"] == "sk-provider-secret-1") is kept
        assert stored["credential_values"]["api_key"] in ("sk-provider-secret-1", "sk****-1")
    finally:
        litellm_server.litellm_version = None


def test_patch_cannot_rename(api):
    create(api)
    answer = patch(api, "openai-prod", {"credential_name": "other", "credential_info": {}})
    assert answer.status_code == 400 and answer.json()["error"]["param"] == "credential_name"


def test_delete_then_read_missing(api, release):
    create(api)
    assert delete(api, "openai-prod").json() == {"success": True, "message": "Credential deleted successfully"}
    for answer in (delete(api, "openai-prod"), api.get("/credentials/by_name/openai-prod")):
        assert answer.status_code == 404
        assert answer.json()["error"]["message"] == "Credential not found. Got credential name: openai-prod"


def test_writes_are_counted(api, litellm_server):
    create(api)
    patch(api, "openai-prod", {"credential_info": {}})
    delete(api, "openai-prod")
    counts = litellm_server.counts()
    assert counts["writes"] == 3 and counts["accepted_writes"] == 3
    assert counts["counts"]["PATCH /credentials/{credential_name}"] == 1


def test_as_1_100_0(api, litellm_server):
    """1.100.0 (measured): a duplicate is Prisma's 500, the view has no display_name nor source, PATCH takes a whole
    CredentialItem (and renames by its credential_name), deleting a missing credential succeeds."""
    litellm_server.litellm_version = "1.100.0"
    try:
        create(api)
        duplicate = api.post("/credentials", OPENAI)
        assert duplicate.status_code == 500
        assert duplicate.json()["error"]["message"] == "Unique constraint failed on the fields: (`credential_name`)"
        fields = set(api.get("/credentials/by_name/openai-prod").json())
        assert fields == {"credential_name", "credential_info", "credential_values"}
        refused = patch(api, "openai-prod", {"credential_info": {}})
        assert refused.status_code == 422
        assert [e["loc"][1] for e in refused.json()["detail"]] == ["credential_name", "credential_values"]
        assert patch(api, "openai-prod", {"credential_name": "openai-prod", "credential_info": {"a": 1},
                                          "credential_values": {}}).status_code == 200
        info = api.get("/credentials/by_name/openai-prod").json()["credential_info"]
        assert info == {"custom_llm_provider": "openai", "a": 1}
        assert delete(api, "openai-prod").status_code == 200 and delete(api, "openai-prod").status_code == 200
    finally:
        litellm_server.litellm_version = None
