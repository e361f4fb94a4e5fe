# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HTTP client for the LiteLLM proxy's management endpoints (keys, teams, users, budgets).

Every endpoint method can return the *unsent* request (``return_request=True``) instead of sending it. Check
mode is built on that: the modules plan their writes as unsent requests and show them. An unsent request
carries its retry policy and whether it writes, so whoever sends it later needs to know nothing more.

This module is private to the collection (leading underscore): its API may change between releases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import email.utils
import hashlib
import json
import random
import re
import time
import traceback

from ansible.module_utils.six.moves.urllib.parse import quote

from ansible_collections.llmops.litellm.plugins.module_utils._errors import (
    AuthenticationError,
    ConnectionFailed,
    EnterpriseFeatureRequired,
    InvalidResponse,
    NotFoundError,
    RequestRejected,
    ServerError,
)

try:
    import requests
    from requests.exceptions import ConnectTimeout, RequestException, SSLError
    from requests.exceptions import ConnectionError as RequestsConnectionError
    from requests.exceptions import Timeout as RequestsTimeout
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised by the modules' missing_required_lib path
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

REDACTED = '********'

# A LiteLLM secret is "sk-" followed by url-safe characters. Anything of that shape is masked in every
# message we produce, so a server that echoes a key in an error cannot leak it through us. LiteLLM's
# own abbreviated display form ("sk-...abcd") is too short to match and stays readable.
_SECRET_PATTERN = re.compile(r'sk-[A-Za-z0-9_\-]{6,}')

# Body fields that carry a secret value; hashes (64 hex characters) are not secrets and stay visible.
_SECRET_BODY_FIELDS = ('key', 'new_key', 'new_master_key', 'password')

# Status codes after which a request is worth sending again.
_RETRY_STATUSES = frozenset((429, 502, 503, 504))
# Of those, the ones where the proxy certainly did not act on the request: safe even for a write
# that must not happen twice (a 502/504 from a gateway may come after the proxy did the work).
_NOT_PROCESSED_STATUSES = frozenset((429, 503))

# Retry policies, chosen per endpoint.
SAFE_TO_REPEAT = 'safe'          # reads, and writes whose repetition ends in the same state
NOT_SAFE_TO_REPEAT = 'once'      # writes that would act twice (create a second key, rotate twice)

USER_AGENT = 'llmops.litellm-ansible'
MAX_RETRY_AFTER = 60.0
MAX_BACKOFF = 10.0


def hash_key(secret):
    """Return the sha256 hex digest LiteLLM stores for a key (its ``token``)."""
    return hashlib.sha256(secret.encode('utf-8')).hexdigest()


def is_key_hash(value):
    return bool(re.match(r'^[0-9a-f]{64}$', value or ''))


class Redactor:
    """Masks known secrets and anything shaped like a LiteLLM key in text and data."""

    def __init__(self, secrets=None):
        self._secrets = set()
        for secret in secrets or ():
            self.add(secret)

    def add(self, secret):
        # Very short values would mask innocent text; LiteLLM keys are far longer than 4 characters.
        if secret and len(secret) >= 4:
            self._secrets.add(secret)

    def text(self, value):
        if value is None:
            return value
        value = str(value)
        for secret in sorted(self._secrets, key=len, reverse=True):
            value = value.replace(secret, REDACTED)
        return _SECRET_PATTERN.sub(REDACTED, value)

    def data(self, value):
        if isinstance(value, dict):
            return dict((k, self.data(v)) for k, v in value.items())
        if isinstance(value, list):
            return [self.data(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value


def replace_at(body, paths, replace):
    """A copy of ``body`` with the value at each of ``paths`` (tuples of names) replaced by ``replace(value)``.

    The engine marks the secrets of write-only settings on the requests it plans (``secret_paths``): the reported
    request masks them, the plan hashes them.
    """
    for path in paths or ():
        body = _replaced(body, tuple(path), replace)
    return body


def _replaced(node, path, replace):
    if not path or not isinstance(node, dict) or path[0] not in node:
        return node
    copy = dict(node)
    copy[path[0]] = replace(node[path[0]]) if len(path) == 1 else _replaced(node[path[0]], path[1:], replace)
    return copy


def describe_request(request, redactor=None, sent=True):
    """A JSON-serialisable view of a ``requests.Request``: what it does, with secrets masked."""
    redactor = redactor or Redactor()
    prepared = request.prepare()
    headers = {}
    for name, value in sorted(prepared.headers.items()):
        if name.lower() in ('authorization', 'x-litellm-api-key', 'api-key'):
            value = 'Bearer ' + REDACTED if value.lower().startswith('bearer ') else REDACTED
        elif name.lower() == 'content-length':
            continue
        headers[name] = redactor.text(value)
    body = request.json
    if isinstance(body, dict):
        body = dict(body)
        for field in _SECRET_BODY_FIELDS:
            value = body.get(field)
            if isinstance(value, str) and not is_key_hash(value):
                body[field] = REDACTED
        body = replace_at(body, getattr(request, 'secret_paths', ()), lambda _value: REDACTED)
    return {
        'method': prepared.method,
        'url': redactor.text(prepared.url),
        'headers': headers,
        'body': redactor.data(body),
        'sent': sent,
    }


if HAS_REQUESTS:
    class LiteLLMRequest(requests.Request):
        """A ``requests.Request`` that knows how it may be retried and whether it writes."""

        def __init__(self, method, url, policy, writes, **kwargs):
            super(LiteLLMRequest, self).__init__(method, url, **kwargs)
            self.policy = policy
            # Check mode records writes instead of sending them; a few reads are POSTs (/budget/info).
            self.writes = writes
            # Where the body carries secrets of write-only settings (set by the engine): masked when reported,
            # hashed in plans.
            self.secret_paths = []


class LiteLLMClient:
    """One ``requests.Session`` per client: connections are reused across calls."""

    def __init__(self, api_url, api_key=None, validate_certs=True, ca_path=None, client_cert=None,
                 client_key=None, timeout=30, retries=3, backoff=0.5, sleep=time.sleep):
        if not HAS_REQUESTS:
            raise RuntimeError('the Python library "requests" is required')
        self.api_url = api_url.rstrip('/')
        self.api_key = api_key
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self._sleep = sleep
        self.redactor = Redactor([api_key])
        # Every request this client sent or planned, in order, as describe_request() views.
        self.history = []
        self.session = requests.Session()
        self.session.verify = ca_path if (ca_path and validate_certs) else bool(validate_certs)
        if client_cert:
            self.session.cert = (client_cert, client_key) if client_key else client_cert
        self.session.headers['Accept'] = 'application/json'
        self.session.headers['User-Agent'] = USER_AGENT
        if api_key:
            self.session.headers['Authorization'] = 'Bearer ' + api_key

    def close(self):
        self.session.close()

    # -- request building ------------------------------------------------------------------------------

    def _build(self, method, path, params=None, body=None, policy=SAFE_TO_REPEAT, writes=None):
        # Headers live on the request (not only on the session) so an unsent request is complete.
        headers = dict(self.session.headers)
        if body is not None:
            headers['Content-Type'] = 'application/json'
        query = dict((k, v) for k, v in (params or {}).items() if v is not None)
        for name, value in query.items():
            if isinstance(value, bool):
                query[name] = 'true' if value else 'false'
        writes = method != 'GET' if writes is None else writes
        return LiteLLMRequest(method, self.api_url + path, policy, writes, headers=headers, params=query, json=body)

    def _call(self, return_request, method, path, params=None, body=None, policy=SAFE_TO_REPEAT, writes=None):
        request = self._build(method, path, params=params, body=body, policy=policy, writes=writes)
        if return_request:
            return request
        return self.send(request)

    # Policies: reads, and writes whose repetition ends in the same state (an update that sets the same
    # values again, a delete), are SAFE_TO_REPEAT; writes that would act twice (a second key or team, a
    # second rotation) are NOT_SAFE_TO_REPEAT.

    # -- keys ------------------------------------------------------------------------------------------

    def list_keys(self, page=None, size=None, key_alias=None, key_hash=None, team_id=None, user_id=None,
                  organization_id=None, return_full_object=True, return_request=False):
        params = {
            'page': page, 'size': size, 'key_alias': key_alias, 'key_hash': key_hash, 'team_id': team_id,
            'user_id': user_id, 'organization_id': organization_id, 'return_full_object': return_full_object,
        }
        return self._call(return_request, 'GET', '/key/list', params=params)

    def key_info(self, key, return_request=False):
        # Always by hash: a secret must never travel in a URL (proxies and access logs record URLs).
        return self._call(return_request, 'GET', '/key/info', params={'key': _token(key)})

    def generate_key(self, body, return_request=False):
        return self._call(return_request, 'POST', '/key/generate', body=body, policy=NOT_SAFE_TO_REPEAT)

    def generate_service_account_key(self, body, return_request=False):
        return self._call(return_request, 'POST', '/key/service-account/generate', body=body,
                          policy=NOT_SAFE_TO_REPEAT)

    def update_key(self, body, return_request=False):
        return self._call(return_request, 'POST', '/key/update', body=body)

    def delete_keys(self, keys=None, key_aliases=None, return_request=False):
        body = {}
        if keys is not None:
            body['keys'] = list(keys)
        if key_aliases is not None:
            body['key_aliases'] = list(key_aliases)
        return self._call(return_request, 'POST', '/key/delete', body=body)

    def regenerate_key(self, key, body=None, return_request=False):
        return self._call(return_request, 'POST', '/key/%s/regenerate' % _token(key), body=body or {},
                          policy=NOT_SAFE_TO_REPEAT)

    def block_key(self, key, return_request=False):
        return self._call(return_request, 'POST', '/key/block', body={'key': _token(key)})

    def unblock_key(self, key, return_request=False):
        return self._call(return_request, 'POST', '/key/unblock', body={'key': _token(key)})

    def iter_keys(self, page_size=100, **filters):
        """Yield full key objects matching ``filters``, following pagination to the last page."""
        return self._iter_pages(lambda page: self.list_keys(page=page, size=page_size, **filters), 'keys')

    # -- teams -----------------------------------------------------------------------------------------

    def new_team(self, body, return_request=False):
        return self._call(return_request, 'POST', '/team/new', body=body, policy=NOT_SAFE_TO_REPEAT)

    def update_team(self, body, return_request=False):
        return self._call(return_request, 'POST', '/team/update', body=body)

    def team_info(self, team_id, return_request=False):
        return self._call(return_request, 'GET', '/team/info', params={'team_id': team_id})

    def list_teams(self, page=None, page_size=None, team_id=None, team_alias=None, user_id=None,
                   organization_id=None, return_request=False):
        # /v2/team/list pages and filters; /team/list returns every team in one bare list.
        params = {'page': page, 'page_size': page_size, 'team_id': team_id, 'team_alias': team_alias,
                  'user_id': user_id, 'organization_id': organization_id}
        return self._call(return_request, 'GET', '/v2/team/list', params=params)

    def iter_teams(self, page_size=100, **filters):
        return self._iter_pages(lambda page: self.list_teams(page=page, page_size=page_size, **filters), 'teams')

    def delete_teams(self, team_ids, return_request=False):
        return self._call(return_request, 'POST', '/team/delete', body={'team_ids': list(team_ids)})

    def add_team_members(self, team_id, members, return_request=False):
        # Adding a member twice is refused the second time: not safe to repeat blindly.
        return self._call(return_request, 'POST', '/team/member_add',
                          body={'team_id': team_id, 'member': list(members)}, policy=NOT_SAFE_TO_REPEAT)

    def update_team_member(self, team_id, user_id, role, return_request=False):
        return self._call(return_request, 'POST', '/team/member_update',
                          body={'team_id': team_id, 'user_id': user_id, 'role': role})

    def delete_team_member(self, team_id, user_id, return_request=False):
        return self._call(return_request, 'POST', '/team/member_delete', body={'team_id': team_id, 'user_id': user_id})

    # -- users -----------------------------------------------------------------------------------------

    def new_user(self, body, return_request=False):
        return self._call(return_request, 'POST', '/user/new', body=body, policy=NOT_SAFE_TO_REPEAT)

    def update_user(self, body, return_request=False):
        return self._call(return_request, 'POST', '/user/update', body=body)

    def user_info(self, user_id, return_request=False):
        return self._call(return_request, 'GET', '/user/info', params={'user_id': user_id})

    def list_users(self, page=None, page_size=None, user_ids=None, role=None, team=None, return_request=False):
        params = {'page': page, 'page_size': page_size, 'role': role, 'team': team,
                  'user_ids': ','.join(user_ids) if user_ids else None}
        return self._call(return_request, 'GET', '/user/list', params=params)

    def iter_users(self, page_size=100, **filters):
        return self._iter_pages(lambda page: self.list_users(page=page, page_size=page_size, **filters), 'users')

    def delete_users(self, user_ids, return_request=False):
        return self._call(return_request, 'POST', '/user/delete', body={'user_ids': list(user_ids)})

    # -- budgets ---------------------------------------------------------------------------------------

    def new_budget(self, body, return_request=False):
        return self._call(return_request, 'POST', '/budget/new', body=body, policy=NOT_SAFE_TO_REPEAT)

    def update_budget(self, body, return_request=False):
        return self._call(return_request, 'POST', '/budget/update', body=body)

    def budget_info(self, budget_ids, return_request=False):
        return self._call(return_request, 'POST', '/budget/info', body={'budgets': list(budget_ids)}, writes=False)

    def list_budgets(self, return_request=False):
        return self._call(return_request, 'GET', '/budget/list')

    def delete_budget(self, budget_id, return_request=False):
        return self._call(return_request, 'POST', '/budget/delete', body={'id': budget_id})

    # -- credentials (stored with STORE_MODEL_IN_DB=True; values answered masked) ----------------------

    def new_credential(self, body, return_request=False):
        # A second create of a name answers 409: not safe to repeat blindly.
        return self._call(return_request, 'POST', '/credentials', body=body, policy=NOT_SAFE_TO_REPEAT)

    def credential_info(self, credential_name, return_request=False):
        return self._call(return_request, 'GET', '/credentials/by_name/%s' % _path_part(credential_name))

    def list_credentials(self, return_request=False):
        return self._call(return_request, 'GET', '/credentials')

    def update_credential(self, credential_name, body, return_request=False):
        # PATCH merges the values and info it is sent: sending the same again ends in the same state.
        return self._call(return_request, 'PATCH', '/credentials/%s' % _path_part(credential_name), body=body)

    def delete_credential(self, credential_name, return_request=False):
        return self._call(return_request, 'DELETE', '/credentials/%s' % _path_part(credential_name))

    # -- the proxy -------------------------------------------------------------------------------------

    def health_license(self, return_request=False):
        """The proxy's license: ``has_license``, ``license_type`` ("community" or "enterprise"), its limits."""
        return self._call(return_request, 'GET', '/health/license')

    def health_readiness_details(self, return_request=False):
        """The proxy's readiness with its metadata: ``litellm_version`` is the LiteLLM release it runs."""
        return self._call(return_request, 'GET', '/health/readiness/details')

    # -- MCP servers -----------------------------------------------------------------------------------

    def list_mcp_servers(self, return_request=False):
        return self._call(return_request, 'GET', '/v1/mcp/server')

    # -- paging ----------------------------------------------------------------------------------------

    @staticmethod
    def _iter_pages(read_page, field):
        """Yield the objects of every page: ``read_page(n)`` answers ``{field: [...], 'total_pages': n}``."""
        page = 1
        while True:
            answer = read_page(page)
            items = answer.get(field) or []
            for item in items:
                if isinstance(item, dict):
                    yield item
            total_pages = answer.get('total_pages') or 0
            if page >= total_pages or not items:
                return
            page += 1

    # -- sending ---------------------------------------------------------------------------------------

    def record_unsent(self, request):
        """Note a request that check mode planned but did not send; returns its description."""
        description = describe_request(request, self.redactor, sent=False)
        self.history.append(description)
        return description

    def send(self, request):
        """Send ``request``, retrying where its policy allows; return the decoded JSON answer."""
        policy = getattr(request, 'policy', SAFE_TO_REPEAT)
        self.history.append(describe_request(request, self.redactor, sent=True))
        prepared = self.session.prepare_request(request)
        attempt = 0
        while True:
            try:
                response = self.session.send(prepared, timeout=self.timeout)
            except SSLError as exc:
                raise self._connection_error(request, exc, tls=True)
            except (RequestsConnectionError, RequestsTimeout, RequestException) as exc:
                # RequestException covers the rest, such as an answer cut off mid-body (ChunkedEncodingError).
                error = self._connection_error(request, exc)
                if attempt < self.retries and self._may_retry(policy, error):
                    attempt += 1
                    self._sleep(self._backoff_delay(attempt))
                    continue
                raise error
            except (IOError, OSError) as exc:
                # requests opens ca_path / client_cert / client_key only when it connects.
                raise ConnectionFailed(
                    'could not read a TLS file for %s: %s. Check ca_path, client_cert and client_key.'
                    % (self.redactor.text(request.url), self.redactor.text(exc)), method=request.method,
                    url=self.redactor.text(request.url))
            if response.status_code in _RETRY_STATUSES and attempt < self.retries:
                if policy == SAFE_TO_REPEAT or response.status_code in _NOT_PROCESSED_STATUSES:
                    attempt += 1
                    self._sleep(self._retry_after(response) or self._backoff_delay(attempt))
                    continue
            return self._decode(request, response)

    @staticmethod
    def _may_retry(policy, error):
        return policy == SAFE_TO_REPEAT or not error.ambiguous

    def _backoff_delay(self, attempt):
        # Exponential backoff with full jitter: concurrent forks hitting one proxy spread out.
        ceiling = min(MAX_BACKOFF, self.backoff * (2 ** (attempt - 1)))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    @staticmethod
    def _retry_after(response):
        value = response.headers.get('Retry-After')
        if not value:
            return None
        try:
            seconds = float(value)
        except ValueError:
            parsed = email.utils.parsedate_tz(value)
            if parsed is None:
                return None
            seconds = email.utils.mktime_tz(parsed) - time.time()
        return max(0.0, min(MAX_RETRY_AFTER, seconds))

    def _connection_error(self, request, exc, tls=False):
        url = self.redactor.text(request.url)
        if tls:
            message = ('TLS verification of %s failed: %s. For a private CA set ca_path; for mutual TLS set '
                       'client_cert and client_key; validate_certs: false disables verification (not for '
                       'production).' % (url, self.redactor.text(_root_cause(exc))))
            return ConnectionFailed(message, method=request.method, url=url)
        # A failure to connect means the proxy never saw the request; anything later (a reset, a read
        # timeout) may come after the proxy acted on it.
        not_sent = isinstance(exc, ConnectTimeout) or _is_connect_failure(exc)
        if isinstance(exc, RequestsTimeout) and not isinstance(exc, ConnectTimeout):
            what = 'timed out after %s seconds waiting for an answer (option timeout)' % self.timeout
        elif isinstance(exc, ConnectTimeout):
            what = 'timed out connecting after %s seconds (option timeout)' % self.timeout
        else:
            what = 'failed: %s' % _root_cause(exc)
        message = '%s %s %s. Is api_url right and the proxy running?' % (request.method, url, what)
        return ConnectionFailed(self.redactor.text(message), method=request.method, url=url, ambiguous=not not_sent)

    def _decode(self, request, response):
        url = self.redactor.text(request.url)
        text = response.text or ''
        try:
            payload = json.loads(text) if text.strip() else None
        except ValueError:
            payload = None
            decoded = False
        else:
            decoded = True
        status = response.status_code
        if 200 <= status < 300:
            if not decoded or payload is None:
                snippet = self.redactor.text(text[:200]) if text.strip() else '(empty body)'
                # The proxy acted (2xx) but its answer is unreadable: for a create, the secret is in that answer.
                raise InvalidResponse(
                    '%s %s answered HTTP %s with a body that is not JSON: %s' % (request.method, url, status, snippet),
                    status=status, method=request.method, url=url, ambiguous=True)
            return payload
        raise self._http_error(request, url, status, payload, text)

    def _http_error(self, request, url, status, payload, text):
        message, error_type, param = _error_fields(payload)
        litellm_shaped = message is not None
        if message is None:
            snippet = text.strip()[:200] if text and text.strip() else '(empty body)'
            message = 'HTTP %s with a body that is not a LiteLLM error: %s' % (status, snippet)
        # Messages here end in sentences of ours; a server message's own final period would double up.
        message = self.redactor.text(message).rstrip().rstrip('.')
        context = dict(status=status, error_type=error_type, param=param, method=request.method, url=url)
        where = '%s %s' % (request.method, url)
        if status in (400, 403, 500) and _names_enterprise_license(message):
            # LiteLLM answers 403 for most Enterprise-only settings, 500 for some (a key's model_max_budget, key
            # rotation) and 400 for others (a budget's model_max_budget): either way the API key is fine and
            # the proxy's license is what is missing.
            return EnterpriseFeatureRequired(
                'the proxy refused %s because it needs a LiteLLM Enterprise license (HTTP %s): %s'
                % (where, status, message), **context)
        if status in (401, 403):
            return AuthenticationError(
                'authentication failed / not allowed (HTTP %s) for %s: %s. Check api_key (or '
                'LITELLM_PROXY_API_KEY): it must be the proxy master key or a key allowed to manage keys.'
                % (status, where, message), **context)
        if status == 404:
            if not litellm_shaped:
                error = NotFoundError(
                    '%s answered HTTP 404 (%s): is api_url the proxy\'s base URL (for example '
                    'https://litellm.example.com, without /key or /v1)?' % (where, message), **context)
                # No LiteLLM error body: the endpoint is missing, not the object (a wrong api_url path).
                error.endpoint_missing = True
                return error
            return NotFoundError('%s: %s' % (where, message), **context)
        if status >= 500:
            return ServerError('the proxy failed (HTTP %s) for %s: %s' % (status, where, message),
                               ambiguous=True, **context)
        return RequestRejected('the proxy rejected %s (HTTP %s): %s' % (where, status, message), **context)


def _path_part(name):
    """A name as one percent-encoded path segment (LiteLLM decodes it; a name may hold slashes)."""
    return quote(name, safe='')


def _token(key):
    """A key's hash: a hash is kept, a secret is hashed (so no secret ends up in a URL)."""
    return key if is_key_hash(key) else hash_key(key)


def _names_enterprise_license(message):
    text = (message or '').lower()
    return 'enterprise' in text or 'premium' in text


def unwrap_message(message):
    """LiteLLM's sentence inside the Python reprs it wraps messages in.

    LiteLLM raises ``HTTPException(detail={'error': '...'})`` and then puts ``str(detail)`` into the error
    message: ``"{'error': \"Team doesn't exist in db. ...\"}"``. The sentence is what users need to read.
    """
    for _depth in range(3):
        text = message.strip() if isinstance(message, str) else message
        if not (isinstance(text, str) and text.startswith('{') and text.endswith('}')):
            break
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            break
        if not isinstance(value, dict):
            break
        inner = value.get('error', value.get('message', value.get('detail')))
        if not isinstance(inner, str):
            break
        message = inner
    return message


def _error_fields(payload):
    """Pull message/type/param out of LiteLLM's error shapes; (None, None, None) if it is not one."""
    if not isinstance(payload, dict):
        return None, None, None
    error = payload.get('error')
    if isinstance(error, dict) and error.get('message') is not None:
        message = error.get('message')
        if not isinstance(message, str):
            message = json.dumps(message, sort_keys=True)
        return unwrap_message(message), error.get('type'), error.get('param')
    if isinstance(error, str):
        return unwrap_message(error), None, None
    detail = payload.get('detail')
    if isinstance(detail, dict) and 'error' in detail:
        return unwrap_message(str(detail['error'])), None, None
    if isinstance(detail, list):
        # FastAPI validation errors: name each offending field.
        parts = []
        for item in detail:
            if isinstance(item, dict):
                loc = '.'.join(str(p) for p in item.get('loc', ()) if p != 'body')
                parts.append('%s: %s' % (loc, item.get('msg')))
        return '; '.join(parts) or json.dumps(detail), 'validation_error', None
    if isinstance(detail, str) and detail != 'Not Found':
        return detail, None, None
    return None, None, None


def _root_cause(exc):
    seen = set()
    while True:
        inner = exc.__cause__ or exc.__context__
        if inner is None and exc.args and isinstance(exc.args[0], BaseException):
            inner = exc.args[0]
        if inner is None or id(inner) in seen:
            break
        seen.add(id(inner))
        exc = inner
        reason = getattr(exc, 'reason', None)
        if isinstance(reason, BaseException):
            exc = reason
    return '%s: %s' % (type(exc).__name__, exc)


def _is_connect_failure(exc):
    # requests wraps urllib3's NewConnectionError (refused, DNS) in ConnectionError; the name check keeps
    # this independent of urllib3's module layout across versions.
    seen = set()
    current = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if type(current).__name__ in ('NewConnectionError', 'NameResolutionError', 'ConnectTimeoutError'):
            return True
        reason = getattr(current, 'reason', None)
        if isinstance(reason, BaseException):
            current = reason
            continue
        if current.args and isinstance(current.args[0], BaseException):
            current = current.args[0]
            continue
        current = current.__cause__ or current.__context__
    return False
