"""Sending catalogued (unsent) requests to a chosen server, and reading LiteLLM's answer shapes."""

import copy

import requests

from request_catalogue import PLACEHOLDER_URL


def send(request, base_url, api_key, timeout=30):
    """Send an unsent ``requests.Request`` built for PLACEHOLDER_URL to ``base_url`` with ``api_key``.

    ``api_key=None`` sends no Authorization header at all.
    """
    retargeted = copy.copy(request)
    retargeted.url = base_url + request.url[len(PLACEHOLDER_URL):] if request.url.startswith(PLACEHOLDER_URL) \
        else request.url
    headers = dict(request.headers)
    headers.pop('Authorization', None)
    if api_key is not None:
        headers['Authorization'] = 'Bearer ' + api_key
    retargeted.headers = headers
    with requests.Session() as session:
        session.trust_env = False
        return session.send(retargeted.prepare(), timeout=timeout)


def send_raw(method, url, api_key=None, data=None, json_body=None, timeout=30):
    headers = {'Content-Type': 'application/json'}
    if api_key is not None:
        headers['Authorization'] = 'Bearer ' + api_key
    with requests.Session() as session:
        session.trust_env = False
        return session.request(method, url, headers=headers, data=data, json=json_body, timeout=timeout)


def answer_json(response):
    try:
        return response.json()
    except ValueError:
        return None


def litellm_error(response):
    """The {"message","type","param","code"} object of a LiteLLM error answer, or None if it is not one."""
    payload = answer_json(response)
    if not isinstance(payload, dict) or set(payload) != {'error'} or not isinstance(payload['error'], dict):
        return None
    error = payload['error']
    if not {'message', 'type', 'param', 'code'} <= set(error) or not isinstance(error['message'], str):
        return None
    return error


def error_message(response):
    """The message of any {"error": {"message": ...}} answer. LiteLLM's handler of unexpected exceptions
    answers {"error": {"message", "type"}} only, without param and code."""
    payload = answer_json(response)
    error = payload.get('error') if isinstance(payload, dict) else None
    return error.get('message') if isinstance(error, dict) and isinstance(error.get('message'), str) else None


def validation_details(response):
    """FastAPI's 422 answer {"detail": [{"type","loc","msg"}, ...]} as a sorted list of (loc, type, msg)."""
    payload = answer_json(response)
    if not isinstance(payload, dict) or not isinstance(payload.get('detail'), list):
        return None
    return sorted((tuple(item.get('loc') or ()), item.get('type'), item.get('msg')) for item in payload['detail'])


def describe(response):
    text = response.text
    return 'HTTP %s %s' % (response.status_code, text if len(text) < 400 else text[:400] + '...')
