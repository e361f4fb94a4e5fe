# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Connection options shared by every module (documented once in doc_fragments/connection.py).

Imports nothing of any resource: the client and the neutral errors only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import os

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.six.moves.urllib.parse import urlsplit

from ansible_collections.llmops.litellm.plugins.module_utils._client import LiteLLMClient
from ansible_collections.llmops.litellm.plugins.module_utils._errors import InvalidOption

# Path segments that mean api_url points at an endpoint instead of the proxy's base URL.
_ENDPOINT_SEGMENTS = ('key', 'v1', 'chat', 'openapi.json', 'docs', 'ui', 'health')


def connection_argument_spec():
    return dict(
        api_url=dict(type='str', fallback=(env_fallback, ['LITELLM_PROXY_URL'])),
        api_key=dict(type='str', no_log=True, fallback=(env_fallback, ['LITELLM_PROXY_API_KEY'])),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        client_cert=dict(type='path'),
        client_key=dict(type='path'),
        timeout=dict(type='float', default=30),
        retries=dict(type='int', default=3),
    )


def validate_connection_options(params):
    api_url = params.get('api_url')
    if not api_url:
        raise InvalidOption('api_url', 'is required: the proxy base URL, such as https://litellm.example.com '
                                       '(or set LITELLM_PROXY_URL)')
    parts = urlsplit(api_url)
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        raise InvalidOption('api_url', '%r is not an http(s) URL; write it with its scheme, such as '
                                       'https://litellm.example.com' % api_url)
    if parts.query or parts.fragment:
        raise InvalidOption('api_url', 'must not carry a query or fragment; give the proxy base URL only')
    segments = [s for s in parts.path.split('/') if s]
    if any(s in _ENDPOINT_SEGMENTS for s in segments):
        raise InvalidOption('api_url', 'must be the proxy base URL, not an endpoint (got path %r); drop the path, '
                                       'for example https://litellm.example.com' % parts.path)
    if not params.get('api_key'):
        raise InvalidOption('api_key', 'is required: the proxy master key or a key allowed to manage keys '
                                       '(or set LITELLM_PROXY_API_KEY)')
    timeout = params.get('timeout')
    if timeout is not None and (not math.isfinite(timeout) or timeout <= 0):
        raise InvalidOption('timeout', 'must be a finite number of seconds greater than zero')
    if params.get('retries') is not None and not 0 <= params['retries'] <= 10:
        raise InvalidOption('retries', 'must be between 0 and 10')
    if params.get('client_key') and not params.get('client_cert'):
        raise InvalidOption('client_key', 'needs client_cert as well (the certificate the key belongs to)')
    for option in ('ca_path', 'client_cert', 'client_key'):
        path = params.get(option)
        if path and not (os.path.isfile(path) and os.access(path, os.R_OK)):
            raise InvalidOption(option, '%s is not a readable file; give the path of a PEM file' % path)


def client_from_params(params):
    """Validate the connection options in ``params`` and return a client (raises InvalidOption)."""
    validate_connection_options(params)
    return LiteLLMClient(
        api_url=params['api_url'],
        api_key=params['api_key'],
        validate_certs=params['validate_certs'],
        ca_path=params['ca_path'],
        client_cert=params['client_cert'],
        client_key=params['client_key'],
        timeout=params['timeout'],
        retries=params['retries'],
    )
