# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Authentication and request validation of the local key server.

The expected bodies were measured on a real LiteLLM 1.108.7 proxy (it validates requests and
authenticates before it needs its database).
"""

from __future__ import annotations

import pytest
import requests


def test_missing_authorization_is_401(litellm_server, release):
    response = requests.get(litellm_server.url + "/key/list", timeout=10)
    assert response.status_code == 401
    param = {"1.108.7": "None", "1.109.3": None}[release]
    assert response.json() == {"error": {"message": "Authentication Error, No api key passed in.", "type": "auth_error",
                                         "param": param, "code": "401"}}


@pytest.mark.parametrize("header", ["sk-no-bearer-prefix", "Bearer "])
def test_malformed_authorization_is_401(litellm_server, header):
    response = requests.get(litellm_server.url + "/key/list", headers={"Authorization": header}, timeout=10)
    assert response.status_code == 401
    assert response.json()["error"]["message"] == (
        "Authentication Error, Malformed API Key passed in. Ensure Key has `Bearer ` prefix.")


def test_wrong_key_is_401_and_writes_nothing(litellm_server, api):
    response = requests.post(litellm_server.url + "/key/generate", json={"key_alias": "x"},
                             headers={"Authorization": "Bearer sk-not-the-master-key"}, timeout=10)
    assert response.status_code == 401
    assert response.json() == {"error": {"message": "Authentication Error, Invalid API key provided.",
                                         "type": "token_not_found_in_db", "param": "key", "code": "401"}}
    assert api.get("/key/list").json()["total_count"] == 0


def test_generated_key_is_not_an_admin_credential(litellm_server, api):
    created = api.generate(key_alias="not-admin")
    response = requests.get(litellm_server.url + "/key/list", headers={"Authorization": "Bearer " + created["key"]},
                            timeout=10)
    assert response.status_code == 401


def test_non_sk_key_is_401_with_masked_value(litellm_server):
    response = requests.get(litellm_server.url + "/key/list", headers={"Authorization": "Bearer abcdefghijkl"},
                            timeout=10)
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "LiteLLM Virtual Key expected. Received=abcd****ijkl, expected to start with 'sk-'."


@pytest.mark.parametrize("body, detail", [
    # measured on the real proxy, in its (declaration) order
    ({"models": "x", "max_budget": "abc", "tpm_limit": 1.5, "metadata": [1]}, [
        {"type": "list_type", "loc": ["body", "models"], "msg": "Input should be a valid list"},
        {"type": "float_parsing", "loc": ["body", "max_budget"],
         "msg": "Input should be a valid number, unable to parse string as a number"},
        {"type": "dict_type", "loc": ["body", "metadata"], "msg": "Input should be a valid dictionary"},
        {"type": "int_from_float", "loc": ["body", "tpm_limit"],
         "msg": "Input should be a valid integer, got a number with a fractional part"},
    ]),
    ({"rpm_limit_type": "x"}, [{"type": "literal_error", "loc": ["body", "rpm_limit_type"],
                                "msg": "Input should be 'guaranteed_throughput', 'best_effort_throughput' or 'dynamic'"}]),
    ({"user_id": 5, "tags": [1]}, [
        {"type": "string_type", "loc": ["body", "user_id"], "msg": "Input should be a valid string"},
        {"type": "string_type", "loc": ["body", "tags", 0], "msg": "Input should be a valid string"},
    ]),
])
def test_generate_body_validation(api, body, detail):
    response = api.post("/key/generate", body)
    assert response.status_code == 422
    assert response.json()["detail"] == detail
    assert litellm_count(api, "POST /key/generate") == 1
    assert api.get("/key/list").json()["total_count"] == 0


def litellm_count(api, name):
    return api.get("/_test/requests").json()["counts"].get(name, 0)


@pytest.mark.parametrize("body, expected", [
    ({"max_budget": "10", "tpm_limit": "5", "blocked": "yes"}, {"max_budget": 10.0, "tpm_limit": 5, "blocked": True}),
    ({"max_budget": True, "tpm_limit": 5.0, "rpm_limit": "7.0", "blocked": 0},
     {"max_budget": 1.0, "tpm_limit": 5, "rpm_limit": 7, "blocked": False}),
    ({"soft_budget": "1e1", "max_parallel_requests": True}, {"max_parallel_requests": 1}),
])
def test_lax_scalars_are_accepted_as_pydantic_does(api, body, expected):
    created = api.generate(**body)
    assert dict((name, created[name]) for name in expected) == expected
    for name, value in expected.items():
        assert type(created[name]) is type(value)  # pylint: disable=unidiomatic-typecheck


def test_not_a_finite_budget_passes_validation_and_is_refused(api):
    response = api.post("/key/generate", {"max_budget": "nan"})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "{'error': 'max_budget must be a non-negative finite number. Received: nan'}"


def test_boolean_field_refuses_other_numbers(api):
    response = api.post("/key/generate", {"blocked": 2})
    assert response.status_code == 422
    assert response.json() == {"detail": [{"type": "bool_parsing", "loc": ["body", "blocked"],
                                           "msg": "Input should be a valid boolean, unable to interpret input"}]}


def test_datetime_fields_are_parsed(api):
    response = api.post("/key/update", {"key": "sk-abc", "temp_budget_expiry": "notadate", "temp_budget_increase": 1})
    assert response.status_code == 422
    assert response.json() == {"detail": [{"type": "datetime_from_date_parsing", "loc": ["body", "temp_budget_expiry"],
                                           "msg": "Input should be a valid datetime or date, input is too short"}]}


@pytest.mark.parametrize("raw, detail", [
    (b"{bad", [{"type": "json_invalid", "loc": ["body", 1], "msg": "JSON decode error"}]),
    (b"", [{"type": "missing", "loc": ["body"], "msg": "Field required"}]),
    (b"[1]", [{"type": "model_attributes_type", "loc": ["body"],
               "msg": "Input should be a valid dictionary or object to extract fields from"}]),
])
def test_generate_unparsable_body(api, raw, detail):
    response = api.post("/key/generate", data=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json() == {"detail": detail}


@pytest.mark.parametrize("path, body, detail", [
    ("/key/delete", {}, [{"type": "value_error", "loc": ["body"],
                          "msg": "Value error, At least one of 'keys' or 'key_aliases' must be provided."}]),
    ("/key/delete", {"keys": "a"}, [{"type": "list_type", "loc": ["body", "keys"], "msg": "Input should be a valid list"}]),
    ("/key/update", {}, [{"type": "value_error", "loc": ["body"],
                          "msg": "Value error, either key or key_alias must be provided"}]),
    ("/key/update", {"key": "sk-abc", "temp_budget_increase": 1}, [{
        "type": "value_error", "loc": ["body"],
        "msg": "Value error, temp_budget_increase and temp_budget_expiry must be set together"}]),
    ("/key/block", {}, [{"type": "missing", "loc": ["body", "key"], "msg": "Field required"}]),
    ("/key/unblock", {"key": 5}, [{"type": "string_type", "loc": ["body", "key"], "msg": "Input should be a valid string"}]),
])
def test_other_body_validation(api, path, body, detail):
    response = api.post(path, body)
    assert response.status_code == 422
    assert response.json() == {"detail": detail}
    assert api.get("/_test/requests").json()["writes"] == 1


@pytest.mark.parametrize("params, detail", [
    ({"page": 0, "size": 101}, [
        {"type": "greater_than_equal", "loc": ["query", "page"], "msg": "Input should be greater than or equal to 1"},
        {"type": "less_than_equal", "loc": ["query", "size"], "msg": "Input should be less than or equal to 100"},
    ]),
    ({"return_full_object": "maybe"}, [{"type": "bool_parsing", "loc": ["query", "return_full_object"],
                                        "msg": "Input should be a valid boolean, unable to interpret input"}]),
    ({"page": "x"}, [{"type": "int_parsing", "loc": ["query", "page"],
                      "msg": "Input should be a valid integer, unable to parse string as an integer"}]),
])
def test_list_query_validation(api, params, detail):
    response = api.get("/key/list", params=params)
    assert response.status_code == 422
    assert response.json() == {"detail": detail}


def test_unknown_fields_are_ignored_as_by_pydantic(api):
    created = api.generate(key_alias="extra", not_a_litellm_field=1)
    assert "not_a_litellm_field" not in api.info(created["token"])


def test_unknown_path_and_wrong_method(api):
    missing = api.get("/key/nope")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not Found"}
    wrong = api.get("/key/generate")
    assert wrong.status_code == 405 and wrong.json() == {"detail": "Method Not Allowed"}
    assert wrong.headers["Allow"] == "POST"


def test_validation_follows_the_openapi_document():
    """Every key path the server routes exists in the bundled OpenAPI document with the same method."""
    from litellm_test_server import server  # pylint: disable=import-outside-toplevel

    validator = server.load_validator()
    for method, _pattern, template, _action in server.ROUTES:
        if template is not None and template not in server.UNVALIDATED_TEMPLATES:
            assert validator.operation(method, template)
    assert validator.body_schema("POST", "/key/generate") == {"$ref": "#/components/schemas/GenerateKeyRequest"}
