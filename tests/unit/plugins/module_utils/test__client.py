# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The HTTP client over real HTTP against the local LiteLLM-compatible server (tests/litellm_test_server)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from ansible_collections.llmops.litellm.plugins.module_utils._client import (
    NOT_SAFE_TO_REPEAT,
    REDACTED,
    SAFE_TO_REPEAT,
    LiteLLMClient,
    Redactor,
    describe_request,
    hash_key,
    unwrap_message,
)
from ansible_collections.llmops.litellm.plugins.module_utils._errors import (
    AuthenticationError,
    ConnectionFailed,
    EnterpriseFeatureRequired,
    InvalidResponse,
    NotFoundError,
    RequestRejected,
    ServerError,
)


@pytest.fixture
def client(litellm_server):
    api = LiteLLMClient(litellm_server.url, api_key=litellm_server.master_key, retries=0)
    yield api
    api.close()


def test_every_method_can_return_the_unsent_request(client, litellm_server):
    token = 'b' * 64
    built = [
        client.list_keys(key_alias='a', return_request=True),
        client.key_info(token, return_request=True),
        client.generate_key({'key_alias': 'a'}, return_request=True),
        client.update_key({'key': token, 'max_budget': 1}, return_request=True),
        client.delete_keys(keys=[token], return_request=True),
        client.regenerate_key(token, return_request=True),
        client.block_key(token, return_request=True),
        client.unblock_key(token, return_request=True),
    ]
    assert all(isinstance(r, requests.Request) for r in built)
    assert [r.method for r in built] == ['GET', 'GET', 'POST', 'POST', 'POST', 'POST', 'POST', 'POST']
    # Nothing was sent: the server saw no request at all.
    assert litellm_server.counts()['total'] == 0


def test_generate_list_info_update_delete_round_trip(client, litellm_server):
    created = client.generate_key({'key_alias': 'rt', 'models': ['gpt-4o'], 'max_budget': 5})
    token = created.get('token') or hash_key(created['key'])
    assert created['key'].startswith('sk-')

    listed = client.list_keys(key_alias='rt')
    assert [k['token'] for k in listed['keys']] == [token]

    info = client.key_info(token)
    assert info['info']['key_alias'] == 'rt'

    client.update_key({'key': token, 'max_budget': 7})
    assert client.list_keys(key_alias='rt')['keys'][0]['max_budget'] == 7

    client.block_key(token)
    assert client.list_keys(key_alias='rt')['keys'][0]['blocked'] is True
    client.unblock_key(token)
    assert not client.list_keys(key_alias='rt')['keys'][0]['blocked']

    client.delete_keys(keys=[token])
    assert client.list_keys(key_alias='rt')['keys'] == []


def test_session_is_reused_and_history_is_redacted(client, litellm_server):
    client.list_keys(key_alias='x')
    client.list_keys(key_alias='y')
    assert len(client.history) == 2
    assert all(h['sent'] for h in client.history)
    assert litellm_server.master_key not in json.dumps(client.history)
    assert client.history[0]['headers']['Authorization'] == 'Bearer ' + REDACTED


def test_iter_keys_follows_pagination(client, litellm_server):
    for index in range(7):
        client.generate_key({'key_alias': 'page-%d' % index})
    before = litellm_server.counts()['counts'].get('GET /key/list', 0)
    aliases = sorted(k['key_alias'] for k in client.iter_keys(page_size=3))
    assert aliases == ['page-%d' % i for i in range(7)]
    assert litellm_server.counts()['counts']['GET /key/list'] - before == 3


def test_key_info_never_puts_a_secret_in_the_url(client):
    request = client.key_info('sk-a-very-secret-key-0001', return_request=True)
    prepared = request.prepare()
    assert 'sk-a-very-secret-key-0001' not in prepared.url
    assert hash_key('sk-a-very-secret-key-0001') in prepared.url


def test_wrong_api_key_is_an_authentication_error_without_the_key(litellm_server):
    api = LiteLLMClient(litellm_server.url, api_key='sk-wrong-key-000000000', retries=0)
    with pytest.raises(AuthenticationError) as info:
        api.list_keys()
    assert info.value.status == 401
    assert 'api_key' in str(info.value)
    assert 'sk-wrong-key-000000000' not in str(info.value)


def test_rejected_request_quotes_the_server_message(client):
    client.generate_key({'key_alias': 'dup'})
    with pytest.raises(RequestRejected) as info:
        client.generate_key({'key_alias': 'dup'})
    assert info.value.status == 400
    assert "already exists" in str(info.value)
    assert info.value.param == 'key_alias'


def test_unknown_key_is_not_found(client):
    with pytest.raises(NotFoundError):
        client.delete_keys(keys=['c' * 64])


def test_wrong_base_url_says_so(litellm_server):
    api = LiteLLMClient(litellm_server.url + '/not-the-proxy', api_key=litellm_server.master_key, retries=0)
    with pytest.raises((NotFoundError, AuthenticationError, RequestRejected)) as info:
        api.list_keys()
    assert 'api_url' in str(info.value)


def test_connection_refused_is_clean_and_not_ambiguous():
    api = LiteLLMClient('http://127.0.0.1:9', api_key='sk-secret-value-000001', retries=0)
    with pytest.raises(ConnectionFailed) as info:
        api.list_keys()
    assert info.value.ambiguous is False
    assert 'sk-secret-value-000001' not in str(info.value)


class _ScriptedHandler(BaseHTTPRequestHandler):
    """Answers from a queue of (status, headers, body); counts what it saw."""

    def do_GET(self):  # noqa: N802 - name fixed by BaseHTTPRequestHandler
        self._answer()

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get('Content-Length') or 0)
        self.rfile.read(length)
        self._answer()

    def _answer(self):
        server = self.server
        server.seen.append((self.command, self.path))
        status, headers, body = server.script.pop(0) if server.script else (200, {}, b'{}')
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def scripted():
    server = ThreadingHTTPServer(('127.0.0.1', 0), _ScriptedHandler)
    server.script = []
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _scripted_client(server, **kwargs):
    kwargs.setdefault('retries', 3)
    delays = []
    api = LiteLLMClient('http://127.0.0.1:%d' % server.server_address[1], api_key='sk-scripted-secret-01',
                        sleep=delays.append, **kwargs)
    return api, delays


def test_reads_retry_429_honouring_retry_after(scripted):
    scripted.script = [(429, {'Retry-After': '2'}, b'{}'), (503, {}, b''), (200, {}, b'{"keys": []}')]
    api, delays = _scripted_client(scripted)
    assert api.list_keys() == {'keys': []}
    assert len(scripted.seen) == 3
    assert delays[0] == 2.0


def test_retries_stop_after_the_configured_count(scripted):
    scripted.script = [(502, {}, b'bad gateway')] * 5
    api, delays = _scripted_client(scripted, retries=2)
    with pytest.raises(ServerError) as info:
        api.list_keys()
    assert len(scripted.seen) == 3 and len(delays) == 2
    assert '502' in str(info.value)


def test_create_is_not_repeated_after_an_ambiguous_gateway_error(scripted):
    scripted.script = [(502, {}, b'bad gateway'), (200, {}, b'{"key": "sk-x"}')]
    api, _delays = _scripted_client(scripted)
    with pytest.raises(ServerError) as info:
        api.send(api.generate_key({'key_alias': 'a'}, return_request=True))
    assert info.value.ambiguous
    assert len(scripted.seen) == 1


def test_create_is_repeated_after_429_because_nothing_was_done(scripted):
    scripted.script = [(429, {'Retry-After': '0'}, b'{}'), (200, {}, b'{"key": "sk-x-000000000000"}')]
    api, _delays = _scripted_client(scripted)
    api.send(api.generate_key({'key_alias': 'a'}, return_request=True))
    assert len(scripted.seen) == 2


@pytest.mark.parametrize('body', [b'<html>oops</html>', b'{"truncated": ', b''])
def test_malformed_success_bodies_are_clean_errors(scripted, body):
    scripted.script = [(200, {}, body)]
    api, _delays = _scripted_client(scripted, retries=0)
    with pytest.raises(InvalidResponse) as info:
        api.list_keys()
    assert '200' in str(info.value)


def test_error_messages_mask_key_shaped_strings(scripted):
    scripted.script = [(400, {}, json.dumps({'error': {'message': 'bad key sk-leaked-secret-123456', 'type': 'x',
                                                       'param': None, 'code': '400'}}).encode())]
    api, _delays = _scripted_client(scripted, retries=0)
    with pytest.raises(RequestRejected) as info:
        api.generate_key({'key_alias': 'a'})
    assert 'sk-leaked-secret-123456' not in str(info.value)
    assert REDACTED in str(info.value)


def test_describe_request_masks_chosen_secrets_not_hashes():
    api = LiteLLMClient('http://proxy.invalid', api_key='sk-master-secret-999')
    token = 'd' * 64
    created = describe_request(api.generate_key({'key_alias': 'a', 'key': 'sk-chosen-000000000'}, return_request=True))
    assert created['body']['key'] == REDACTED
    updated = describe_request(api.update_key({'key': token}, return_request=True))
    assert updated['body']['key'] == token


def test_redactor_masks_known_secrets_and_key_shapes():
    redactor = Redactor(['hunter2-is-long'])
    assert redactor.text('pw hunter2-is-long and sk-abcdefghijkl') == 'pw %s and %s' % (REDACTED, REDACTED)
    assert redactor.text('sk-...abcd') == 'sk-...abcd'


def test_every_unsent_request_carries_its_policy_and_whether_it_writes(client):
    assert (client.list_keys(return_request=True).policy, client.list_keys(return_request=True).writes) == (
        SAFE_TO_REPEAT, False)
    created = client.generate_key({'key_alias': 'a'}, return_request=True)
    assert (created.policy, created.writes) == (NOT_SAFE_TO_REPEAT, True)
    assert client.update_key({'key': 'a' * 64}, return_request=True).policy == SAFE_TO_REPEAT
    assert client.new_team({}, return_request=True).policy == NOT_SAFE_TO_REPEAT
    assert client.add_team_members('t', [{'user_id': 'u', 'role': 'user'}], return_request=True).policy == \
        NOT_SAFE_TO_REPEAT
    # /budget/info is a POST that only reads: check mode sends it like any other read.
    assert client.budget_info(['b'], return_request=True).writes is False


@pytest.mark.parametrize('status, message', [
    (403, 'This feature is only available for LiteLLM Enterprise users: tags. You must be a LiteLLM Enterprise user'),
    (500, 'Regenerating Virtual Keys is an Enterprise feature'),
    (400, "{'error': 'Invalid model_max_budget: You must have an enterprise license to set model_max_budget.'}"),
])
def test_an_enterprise_refusal_is_not_an_authentication_failure(scripted, status, message):
    body = json.dumps({'error': {'message': message, 'type': 'auth_error', 'param': 'None', 'code': str(status)}})
    scripted.script = [(status, {}, body.encode())]
    api, _delays = _scripted_client(scripted, retries=0)
    with pytest.raises(EnterpriseFeatureRequired) as info:
        api.update_key({'key': 'a' * 64, 'tags': ['x']})
    assert 'Enterprise license' in str(info.value)
    assert 'api_key' not in str(info.value)


def test_a_real_authentication_failure_still_says_so(scripted):
    body = json.dumps({'error': {'message': 'Authentication Error, Invalid proxy server token passed.',
                                 'type': 'auth_error', 'param': 'None', 'code': '403'}})
    scripted.script = [(403, {}, body.encode())]
    api, _delays = _scripted_client(scripted, retries=0)
    with pytest.raises(AuthenticationError) as info:
        api.list_keys()
    assert 'api_key' in str(info.value)


@pytest.mark.parametrize('wrapped, sentence', [
    ("{'error': \"Team doesn't exist in db. Team=t-1. Create team via `/team/new` call.\"}",
     "Team doesn't exist in db. Team=t-1. Create team via `/team/new` call."),
    ("{'message': 'Team not found, passed team id: t-2.'}", 'Team not found, passed team id: t-2.'),
    ("{'error': \"{'error': 'nested twice'}\"}", 'nested twice'),
    ('a plain sentence', 'a plain sentence'),
    ("{'error': ['not a sentence']}", "{'error': ['not a sentence']}"),
    ('{not python at all}', '{not python at all}'),
])
def test_litellm_wrapped_messages_are_unwrapped_to_their_sentence(wrapped, sentence):
    assert unwrap_message(wrapped) == sentence


def test_a_wrapped_error_reaches_the_user_as_its_sentence(scripted):
    body = json.dumps({'error': {'message': "{'error': \"Team doesn't exist in db. Team=t-1.\"}",
                                 'type': 'auth_error', 'param': 'None', 'code': '404'}})
    scripted.script = [(404, {}, body.encode())]
    api, _delays = _scripted_client(scripted, retries=0)
    with pytest.raises(NotFoundError) as info:
        api.update_key({'key': 'a' * 64, 'max_budget': 1})
    assert str(info.value).endswith(": Team doesn't exist in db. Team=t-1")
    assert not getattr(info.value, 'endpoint_missing', False)
