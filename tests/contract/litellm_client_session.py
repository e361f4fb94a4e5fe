"""Drives LiteLLM's own KeysManagementClient against a server; run with the proxy venv's Python.

Reads the server from LITELLM_PROXY_URL / LITELLM_PROXY_API_KEY (the variables LiteLLM's CLI reads) and prints
one JSON document describing what each call returned, for test_litellm_client.py to check. Secrets are
reported only as their sha256 hashes.
"""

import hashlib
import json
import os
import sys

from litellm.proxy.client.exceptions import UnauthorizedError
from litellm.proxy.client.keys import KeysManagementClient
import requests

PAGE_SIZE = 10
TEAM_KEYS = 23


def sha256(secret):
    return hashlib.sha256(secret.encode('utf-8')).hexdigest()


def http_status(call):
    try:
        call()
    except requests.exceptions.HTTPError as exc:
        return exc.response.status_code
    return None


def main():
    url = os.environ['LITELLM_PROXY_URL']
    client = KeysManagementClient(url, os.environ['LITELLM_PROXY_API_KEY'])
    report = {}

    created = client.generate(models=['gpt-4o', 'claude-3-5-sonnet'], aliases={'fast': 'gpt-4o-mini'}, spend=0.0,
                              duration='1h', key_alias='litellm-client-main', team_id='team-client',
                              user_id='user-client', config={'origin': 'contract'})
    secret = created.pop('key')
    report['generate'] = {'secret_shape': secret.startswith('sk-') and len(secret) > 20,
                          'token_is_hash': created.get('token') == sha256(secret), 'answer': created}

    team_tokens = []
    for number in range(TEAM_KEYS):
        answer = client.generate(key_alias='litellm-client-page-%02d' % number, team_id='team-pages')
        team_tokens.append(sha256(answer['key']))
    pages = []
    page = 1
    while True:
        answer = client.list(page=page, size=PAGE_SIZE, team_id='team-pages', return_full_object=True)
        pages.append({'page': page, 'current_page': answer.get('current_page'), 'total_pages': answer.get('total_pages'),
                      'total_count': answer.get('total_count'), 'tokens': [k['token'] for k in answer['keys']],
                      'aliases': [k.get('key_alias') for k in answer['keys']]})
        if page >= (answer.get('total_pages') or 0):
            break
        page += 1
    report['list_pages'] = {'expected_tokens': sorted(team_tokens), 'pages': pages}
    report['list_by_alias'] = client.list(key_alias='litellm-client-main', return_full_object=True)
    report['list_by_hash'] = client.list(key_hash=sha256(secret), return_full_object=False)

    report['info_by_hash'] = client.info(key=sha256(secret))
    report['info_by_secret'] = client.info(key=secret)
    report['info_by_secret']['key_is_the_secret'] = report['info_by_secret'].pop('key') == secret

    updated = client.update(key=secret, models=['gpt-4o'], key_alias='litellm-client-renamed', user_id='user-new')
    updated.pop('key', None)
    report['update'] = updated
    report['info_after_update'] = client.info(key=sha256(secret))

    report['delete_by_key'] = client.delete(keys=[sha256(secret)])
    report['delete_by_alias'] = client.delete(key_aliases=['litellm-client-page-00', 'litellm-client-page-01'])
    # LiteLLM keeps deleted keys in an archive: /key/info still answers, with status "deleted".
    report['info_after_delete'] = client.info(key=sha256(secret))
    report['delete_again_status'] = http_status(lambda: client.delete(keys=[sha256(secret)]))

    try:
        KeysManagementClient(url, 'sk-not-the-master-key-0000').list()
        report['wrong_key'] = 'accepted'
    except UnauthorizedError:
        report['wrong_key'] = 'UnauthorizedError'
    json.dump(report, sys.stdout, sort_keys=True)


if __name__ == '__main__':
    main()
