"""The contract tier catches what it exists to catch: a builder that sends a field the proxy does not know.

The real proxy would take such a request and silently drop the field, so only our stricter validation can see
it. Shown here twice: the tier itself (test_request_contract.py, as a separate pytest run) fails when the
client's builder misspells ``models`` as ``modelz``; and the validator names each kind of mistake.
"""

import os
import re
import subprocess
import sys

import pytest

from contract_env import CONTRACT_DIR, OPENAPI_COPY, REPO_ROOT, collection_module_utils
from openapi_contract import RequestView
from request_catalogue import BASELINE_TOKEN, PLACEHOLDER_URL, build_catalogue


def _view(request):
    return RequestView.from_requests(request)


def test_tier_fails_on_a_misspelt_field_in_a_builder(contract, real_openapi, tmp_path_factory):
    saved = tmp_path_factory.getbasetemp() / OPENAPI_COPY
    assert saved.exists(), 'the session saves the live document it validates against'
    env = dict(os.environ)
    env['CONTRACT_OPENAPI_FILE'] = str(saved)
    env['PYTHONPATH'] = str(CONTRACT_DIR) + os.pathsep + env.get('PYTHONPATH', '')
    args = [sys.executable, '-m', 'pytest', str(CONTRACT_DIR / 'test_request_contract.py'), '-p',
            'misspelt_field_plugin', '-p', 'no:cacheprovider', '-q', '-rf', '-k', 'test_request_matches_real_schema',
            '--basetemp', str(tmp_path_factory.mktemp('self-check'))]
    mutated = subprocess.run(args, cwd=str(REPO_ROOT), env=env, check=False, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, universal_newlines=True, timeout=300)
    assert mutated.returncode == 1, mutated.stdout[-3000:]
    assert "undeclared field(s) 'modelz'" in mutated.stdout
    failed = set(re.findall(r'^FAILED \S+::test_request_matches_real_schema\[(.+?)\]', mutated.stdout, re.MULTILINE))
    # Exactly the requests that carry models fail, besides any that fail without the typo (none against the
    # pinned version; another version may not know a field we send).
    entries = build_catalogue(collection_module_utils).entries()
    with_models = set(e.label for e in entries if 'models' in (_view(e.request).body or {}))
    failing_anyway = set(e.label for e in entries if contract.request_errors(_view(e.request)))
    assert with_models and failed == with_models | failing_anyway, sorted(failed ^ (with_models | failing_anyway))


@pytest.fixture
def catalogue():
    return build_catalogue(collection_module_utils)


def test_validator_names_an_undeclared_body_field(contract, catalogue):
    request = catalogue.client.generate_key({'key_alias': 'a', 'models': ['m']}, return_request=True)
    assert not contract.request_errors(_view(request))
    request.json = dict(request.json, modelz=['m'])
    errors = contract.request_errors(_view(request))
    assert errors == ["POST /key/generate: body (body): undeclared field(s) 'modelz' (the real schema does not "
                      "know them)"]


def test_validator_names_an_undeclared_field_in_a_nested_model(contract, catalogue):
    request = catalogue.client.update_key({'key': BASELINE_TOKEN, 'object_permission': {'mcp_serverz': []}},
                                          return_request=True)
    errors = contract.request_errors(_view(request))
    assert len(errors) == 1 and "'mcp_serverz'" in errors[0] and 'object_permission' in errors[0], errors


def test_validator_names_a_wrong_type(contract, catalogue):
    request = catalogue.client.update_key({'key': BASELINE_TOKEN, 'tpm_limit': '100'}, return_request=True)
    assert contract.request_errors(_view(request)) == [
        "POST /key/update: body tpm_limit: not accepted ('100' is not of type 'integer')"]


def test_validator_names_an_undeclared_query_parameter(contract, catalogue):
    request = catalogue.client.list_keys(key_alias='a', return_request=True)
    request.params = dict(request.params, keyalias=request.params.pop('key_alias'))
    errors = contract.request_errors(_view(request))
    assert len(errors) == 1 and "query parameter 'keyalias' is not declared" in errors[0], errors


def test_validator_checks_query_bounds_and_types(contract, catalogue):
    too_big = catalogue.client.list_keys(size=101, return_request=True)
    assert contract.request_errors(_view(too_big)) == [
        'GET /key/list: query parameter size=101: value: 101 is greater than the maximum of 100']
    not_boolean = catalogue.client.list_keys(return_request=True)
    not_boolean.params = dict(not_boolean.params, return_full_object='True')
    errors = contract.request_errors(_view(not_boolean))
    assert len(errors) == 1 and 'return_full_object=True' in errors[0], errors


def test_validator_knows_only_the_real_operations(contract, catalogue):
    request = catalogue.client.block_key(BASELINE_TOKEN, return_request=True)
    request.url = PLACEHOLDER_URL + '/key/blocked'
    errors = contract.request_errors(_view(request))
    assert len(errors) == 1 and 'has no such operation' in errors[0], errors
    request.url = PLACEHOLDER_URL + '/key/block'
    request.json = {}
    assert contract.request_errors(_view(request)) == ["POST /key/block: body (body): 'key' is a required property"]
