"""The local test server rejects what the real proxy rejects, the same way; and errors look the same.

Invalid bodies are generated from the real proxy's live schema: for every field of every key write, a value of
a type the schema does not allow. Each goes to both servers with their master keys. Where the real proxy
rejects it (422 with FastAPI's {"detail": [{"type", "loc", "msg"}]}), the local server must answer 422 with the
same details; a field the real proxy lets through must not be refused by the local one either.

Also compared: malformed and incomplete bodies, bad list queries, authentication (no key, a wrong key),
routing, and rotation on a proxy without an Enterprise license. Everything the real proxy answers is shown in
the failure text, so a deviation can be reported as it is. (Sequences of requests on objects that exist are
the differential tests' part, test_differential.py.)
"""

import json

import pytest
import requests

from contract_http import describe, error_message, litellm_error, send_raw, validation_details
from request_catalogue import BASELINE_TOKEN, RUN

# A variant the real proxy takes may create a key: it gets this alias (one at most: the alias is unique).
VARIANT_ALIAS = 'contract-invalid-variant-' + RUN

# The key writes and the body every invalid variant starts from (valid on its own).
WRITE_OPERATIONS = [
    ('/key/generate', {'key_alias': VARIANT_ALIAS}),
    ('/key/update', {'key': BASELINE_TOKEN}),
    ('/key/delete', {'keys': [BASELINE_TOKEN]}),
    ('/key/block', {'key': BASELINE_TOKEN}),
    ('/key/unblock', {'key': BASELINE_TOKEN}),
    ('/key/%s/regenerate' % BASELINE_TOKEN, {}),
]

# A wrong value per JSON type: none of them is one pydantic coerces into the type (it reads "12" as 12,
# but not "twelve"; it reads 1.0 as an integer, but not 1.5; it never turns a number into a string).
WRONG_VALUES = {
    'string': [12345],
    'integer': ['twelve', 1.5],
    'number': ['twelve'],
    'boolean': ['maybe'],
    'array': ['not-a-list'],
    'object': ['not-an-object'],
    'enum': ['not-a-valid-choice'],
    # pydantic reads a number as a Unix time, so only a non-date string is wrong for a date-time.
    'date-time': ['not-a-date'],
}


def _options(contract, schema):
    """The non-null alternatives of a property schema, with $refs resolved."""
    schema = contract._resolve(schema)
    options = schema.get('anyOf') or schema.get('oneOf') or [schema]
    return [contract._resolve(option) for option in options if contract._resolve(option).get('type') != 'null']


def invalid_variants(contract, path, base):
    """(field, value, body) for each field of the operation's body schema and each wrong value for it."""
    body_schema = contract.body_schema('POST', path)
    model = _options(contract, body_schema)[0]
    variants = []
    for field, schema in sorted(model.get('properties', {}).items()):
        kinds = set()
        for option in _options(contract, schema):
            if 'enum' in option:
                kinds.add('enum')
            elif option.get('format') == 'date-time':
                kinds.add('date-time')
            else:
                kinds.add(option.get('type'))
        for kind in sorted(k for k in kinds if k):
            for value in WRONG_VALUES.get(kind, []):
                body = dict(base)
                body[field] = value
                # Only values the real schema itself rejects (for "string or list", 12345 is still wrong).
                if contract.schema_errors(body_schema, body):
                    variants.append((field, value, body))
    return variants


def _compare(real, local):
    """A description of how the local answer deviates from the real one, or None."""
    if real.status_code == 422:
        if local.status_code != 422:
            return 'real 422, local %s' % describe(local)
        if validation_details(real) != validation_details(local):
            return 'both 422, details differ: real %s / local %s' % (real.text, local.text)
        return None
    if local.status_code == 422:
        return 'the real proxy let it through (%s), the local server refused it: %s' % (
            describe(real), describe(local))
    return None


@pytest.fixture(scope='module')
def variant_keys_removed(real_proxy):
    yield
    send_raw('POST', real_proxy.url + '/key/delete', real_proxy.master_key, json_body={'key_aliases': [VARIANT_ALIAS]})


@pytest.mark.parametrize('path,base', WRITE_OPERATIONS, ids=[path for path, _base in WRITE_OPERATIONS])
def test_local_server_rejects_invalid_bodies_as_the_real_proxy_does(path, base, contract, real_proxy,
                                                                    local_server, variant_keys_removed):
    variants = invalid_variants(contract, path, base)
    assert variants, 'no invalid variants generated for %s' % path
    deviations = []
    rejected_by_real = 0
    for field, value, body in variants:
        real = send_raw('POST', real_proxy.url + path, real_proxy.master_key, json_body=body)
        rejected_by_real += real.status_code == 422
        try:
            local = send_raw('POST', local_server.url + path, local_server.master_key, json_body=body)
        except requests.ConnectionError as exc:
            deviations.append('%s=%s: real %s, local dropped the connection (%s)'
                              % (field, json.dumps(value), describe(real), exc))
            continue
        deviation = _compare(real, local)
        if deviation:
            deviations.append('%s=%s: %s' % (field, json.dumps(value), deviation))
    assert not deviations, 'POST %s: %d of %d invalid bodies answered differently:\n%s' % (
        path, len(deviations), len(variants), '\n'.join(deviations))
    # The generator is only useful if the real proxy does reject what it makes.
    assert rejected_by_real >= len(variants) * 0.9, (rejected_by_real, len(variants))


MALFORMED_BODIES = [
    ('/key/generate', 'not json'),
    ('/key/generate', '{"key_alias": "a",'),
    ('/key/generate', ''),
    ('/key/update', ''),
    ('/key/delete', ''),
    ('/key/block', ''),
    ('/key/update', '{}'),
    ('/key/delete', '{}'),
    ('/key/delete', '{"keys": null, "key_aliases": null}'),
    ('/key/block', '{}'),
    ('/key/update', '{"key": "%s", "temp_budget_increase": 10}' % BASELINE_TOKEN),
]


@pytest.mark.parametrize('path,data', MALFORMED_BODIES, ids=['%s %s' % case for case in MALFORMED_BODIES])
def test_malformed_and_incomplete_bodies(path, data, real_proxy, local_server):
    real = send_raw('POST', real_proxy.url + path, real_proxy.master_key, data=data)
    local = send_raw('POST', local_server.url + path, local_server.master_key, data=data)
    assert real.status_code == 422, 'the real proxy changed its answer: %s' % describe(real)
    assert local.status_code == 422, describe(local)
    assert validation_details(local) == validation_details(real), 'real %s / local %s' % (real.text, local.text)


@pytest.mark.parametrize('data', ['[]', 'null', '"text"', '42'])
def test_body_that_is_not_an_object(data, real_proxy, local_server):
    """The real proxy fails on these with a 500 of its own; the local server must at least refuse them."""
    real = send_raw('POST', real_proxy.url + '/key/generate', real_proxy.master_key, data=data)
    local = send_raw('POST', local_server.url + '/key/generate', local_server.master_key, data=data)
    assert not 200 <= real.status_code < 300, describe(real)
    assert 400 <= local.status_code < 500, describe(local)
    assert validation_details(local) or litellm_error(local), describe(local)


BAD_QUERIES = ['size=0', 'size=101', 'size=ten', 'page=0', 'page=-1', 'page=one', 'return_full_object=maybe',
               'include_team_keys=perhaps', 'size=1.5']


@pytest.mark.parametrize('query', BAD_QUERIES)
def test_local_server_rejects_bad_list_queries_as_the_real_proxy_does(query, real_proxy, local_server):
    real = send_raw('GET', real_proxy.url + '/key/list?' + query, real_proxy.master_key)
    local = send_raw('GET', local_server.url + '/key/list?' + query, local_server.master_key)
    assert real.status_code == 422, describe(real)
    assert local.status_code == 422, describe(local)
    assert validation_details(local) == validation_details(real), 'real %s / local %s' % (real.text, local.text)


def test_missing_api_key_is_answered_alike(real_proxy, local_server):
    for path, body in (('/key/generate', {'key_alias': 'x'}), ('/key/generate', {'max_budget': 'abc'})):
        real = send_raw('POST', real_proxy.url + path, None, json_body=body)
        local = send_raw('POST', local_server.url + path, None, json_body=body)
        assert real.status_code == local.status_code == 401, (describe(real), describe(local))
        assert litellm_error(local) == litellm_error(real), (real.text, local.text)
    real = send_raw('GET', real_proxy.url + '/key/list', None)
    local = send_raw('GET', local_server.url + '/key/list', None)
    assert (real.status_code, litellm_error(real)) == (local.status_code, litellm_error(local))


@pytest.mark.parametrize('method,path', [('GET', '/key/list'), ('POST', '/key/generate'), ('GET', '/team/info'),
                                         ('POST', '/user/new'), ('POST', '/budget/info')])
def test_wrong_api_key(method, path, real_proxy, local_server):
    """A key the proxy does not know: the same 401 and error from both, never the key itself."""
    for wrong in ('sk-wrong-' + 'x' * 20, 'not-a-litellm-key'):
        body = {} if method == 'POST' else None
        real = send_raw(method, real_proxy.url + path, wrong, json_body=body)
        local = send_raw(method, local_server.url + path, wrong, json_body=body)
        assert real.status_code == 401 and litellm_error(real), describe(real)
        assert (local.status_code, litellm_error(local)) == (real.status_code, litellm_error(real)), (
            describe(real), describe(local))
        assert wrong not in real.text and wrong not in local.text


@pytest.mark.parametrize('method,path', [('GET', '/key/no-such-endpoint'), ('GET', '/key/generate'),
                                         ('POST', '/key/list'), ('POST', '/key/info')])
def test_routing_answers_match(method, path, real_proxy, local_server):
    real = send_raw(method, real_proxy.url + path, real_proxy.master_key)
    local = send_raw(method, local_server.url + path, local_server.master_key)
    assert (local.status_code, local.json()) == (real.status_code, real.json())


def test_rotation_on_a_proxy_without_enterprise_license(real_proxy, local_server):
    """The real proxy has no license: the local server's plain-proxy switch must answer exactly as it does."""
    local_server.plain_proxy = True
    path = '/key/%s/regenerate' % BASELINE_TOKEN
    for body in ({}, {'grace_period': '24h'}):
        real = send_raw('POST', real_proxy.url + path, real_proxy.master_key, json_body=body)
        local = send_raw('POST', local_server.url + path, local_server.master_key, json_body=body)
        assert 'Enterprise' in (error_message(real) or ''), describe(real)
        assert local.status_code == real.status_code, (describe(real), describe(local))
        assert litellm_error(local) == litellm_error(real), (real.text, local.text)
