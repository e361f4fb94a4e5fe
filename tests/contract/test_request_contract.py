"""Every request the collection can send keeps the real proxy's contract, and both servers take it.

Each catalogued request (see request_catalogue.py) is
  1. validated against the schema of its path and method in the real proxy's live /openapi.json, with
     undeclared fields and query parameters counted as errors;
  2. sent to the real proxy, whose own validation (pydantic, including model validators the schema cannot
     express) must pass it: anything but a 422. Without a database it then fails on the missing database;
  3. sent to the project's local test server, which must carry it out (2xx).
"""

import json

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from contract_env import collection_module_utils
from contract_http import describe, error_message, send
from openapi_contract import RequestView
from request_catalogue import BASELINE_KEY, BASELINE_TOKEN, SETTING_EXAMPLES, Catalogue

CLIENT_MODULE = collection_module_utils('_client')
KEYS_MODULE = collection_module_utils('_keys')
CATALOGUE = Catalogue(CLIENT_MODULE, KEYS_MODULE)
ENTRIES = CATALOGUE.entries()
ENTRY_IDS = [entry.label for entry in ENTRIES]


def _baseline_on(server):
    """Put the local server in the state every catalogued request assumes: just the baseline key."""
    server.reset(data=True)
    created = send(CATALOGUE.client.generate_key(BASELINE_KEY, return_request=True), server.url, server.master_key)
    assert created.status_code == 200, describe(created)
    assert created.json()['token'] == BASELINE_TOKEN


def _paths_of(entries):
    return set(RequestView.from_requests(e.request).url.split('?')[0].replace('http://contract.invalid', '')
               for e in entries)


def test_catalogue_covers_every_client_method():
    methods = set(name for name in vars(CLIENT_MODULE.LiteLLMClient)
                  if not name.startswith('_') and callable(getattr(CLIENT_MODULE.LiteLLMClient, name)))
    endpoint_methods = set(m for m in methods if 'return_request' in
                           getattr(CLIENT_MODULE.LiteLLMClient, m).__code__.co_varnames)
    assert endpoint_methods == {'list_keys', 'key_info', 'generate_key', 'update_key', 'delete_keys',
                                'regenerate_key', 'block_key', 'unblock_key'}, \
        'the client has endpoint methods this catalogue does not know; add them to request_catalogue.py'
    assert _paths_of(ENTRIES) == {'/key/list', '/key/info', '/key/generate', '/key/update', '/key/delete',
                                  '/key/block', '/key/unblock', '/key/%s/regenerate' % BASELINE_TOKEN}


def test_catalogue_covers_every_key_setting():
    """A setting added to litellm_key without an example here would go unchecked: fail instead."""
    settings_names = [setting.name for setting in KEYS_MODULE.SETTINGS]
    missing = sorted(set(settings_names) - set(SETTING_EXAMPLES))
    assert not missing, 'add example values for %s to SETTING_EXAMPLES in request_catalogue.py' % missing
    for verb in ('create', 'update'):
        bodies = [RequestView.from_requests(e.request).body for e in ENTRIES if e.label.startswith(verb + ' ')]
        sent = set(field for body in bodies for field in body)
        # Each setting reaches the wire under its own name (the server folds some into metadata itself).
        assert set(settings_names) <= sent, '%s never sends %s' % (verb, sorted(set(settings_names) - sent))


@pytest.mark.parametrize('entry', ENTRIES, ids=ENTRY_IDS)
def test_request_matches_real_schema(entry, contract):
    contract.check(RequestView.from_requests(entry.request))


@pytest.mark.parametrize('entry', ENTRIES, ids=ENTRY_IDS)
def test_real_proxy_validation_accepts_request(entry, real_proxy):
    answer = send(entry.request, real_proxy.url, real_proxy.master_key)
    assert answer.status_code != 422, 'the real proxy rejected %s: %s' % (entry.label, describe(answer))
    # Past validation the DB-less proxy can only fail on its missing database (or, for rotation, the
    # missing Enterprise license); either way it answers with a LiteLLM error object.
    assert 200 <= answer.status_code < 300 or error_message(answer) is not None, describe(answer)


@pytest.mark.parametrize('entry', ENTRIES, ids=ENTRY_IDS)
def test_local_server_accepts_request(entry, litellm_server):
    _baseline_on(litellm_server)
    answer = send(entry.request, litellm_server.url, litellm_server.master_key)
    assert 200 <= answer.status_code < 300, 'the local server refused %s: %s' % (entry.label, describe(answer))
    assert isinstance(answer.json(), dict)


def _settings_strategy():
    return st.dictionaries(st.sampled_from(sorted(SETTING_EXAMPLES)), st.integers(min_value=0, max_value=2),
                           min_size=1).map(
        lambda chosen: dict((name, SETTING_EXAMPLES[name][index % len(SETTING_EXAMPLES[name])])
                            for name, index in chosen.items()))


# No example database: the tier writes nothing into the work tree.
@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(desired=_settings_strategy(), verb=st.sampled_from(['create', 'update']),
       creation=st.fixed_dictionaries({}, optional={'duration': st.sampled_from(['1h', '30d']),
                                                    'key': st.just('sk-contract-chosen-0123456789')}))
def test_any_combination_of_settings_keeps_the_contract(desired, verb, creation, contract, real_proxy,
                                                        litellm_server):
    """Random combinations of litellm_key settings, planned as create or update, sent to both servers."""
    if verb == 'create':
        desired.update(creation)
    try:
        request = CATALOGUE.plan_create(desired) if verb == 'create' else CATALOGUE.plan_update(desired)
    except KEYS_MODULE.InvalidOption:
        reject()  # litellm_key refuses this combination before sending anything: not a request it can send
    if request is None:  # nothing differs from the baseline key
        return
    contract.check(RequestView.from_requests(request))
    real = send(request, real_proxy.url, real_proxy.master_key)
    assert real.status_code != 422, describe(real)
    _baseline_on(litellm_server)
    local = send(request, litellm_server.url, litellm_server.master_key)
    assert 200 <= local.status_code < 300, '%s\n%s' % (json.dumps(desired), describe(local))
