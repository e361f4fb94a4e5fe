# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a module may need to know of the proxy it talks to: its license and its LiteLLM release.

Each is read only when a task plans a write that depends on it (an Enterprise-only setting: _enterprise.py; an
option newer than the oldest tested release: _releases.py), once per task: the answer is kept on the client,
and while ``proxy_facts_scope`` is active (an in-process loop: plugin_utils/_in_process.py) in this process,
keyed by the proxy URL and a digest of the API key, so a loop reads it once for all its items. A proxy that
cannot answer (too old to have the endpoint, or failing on it) gives None: the modules then write as they always
did, and a refusal is reported as the proxy gives it.

Private to the collection (leading underscore): its API may change between releases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import hashlib
import re

from ansible_collections.llmops.litellm.plugins.module_utils._errors import LiteLLMError

# ``active``: the scope a task runs in now (None outside one); ``facts`` were read in the scope ``owner``.
_scope = {'active': None, 'owner': None, 'facts': {}}

RELEASE_PATTERN = re.compile(r'^\d+\.\d+\.\d+')


@contextlib.contextmanager
def proxy_facts_scope(name):
    """Within it, what was read of a proxy is kept in this process for every client of the same proxy and key.

    ``name`` is what the scope spans (an in-process task and its loop items): entering another one forgets what
    was read before, so a later task reads again.
    """
    if _scope['owner'] != name:
        _scope.update(owner=name, facts={})
    _scope['active'] = name
    try:
        yield
    finally:
        _scope['active'] = None


def _cache_key(client, fact):
    # A digest of the API key, never the key itself: the cache must not hold a secret.
    digest = hashlib.sha256((client.api_key or '').encode('utf-8')).hexdigest()
    return (fact, client.api_url, digest)


def _read(client, fact, read):
    """``read(client)`` once per task (and per scope); a failed call is None."""
    cached = getattr(client, 'proxy_facts', None)
    if cached is None:
        cached = client.proxy_facts = {}
    if fact in cached:
        return cached[fact]
    key = _cache_key(client, fact)
    if _scope['active'] is not None and key in _scope['facts']:
        value = _scope['facts'][key]
    else:
        try:
            value = read(client)
        except LiteLLMError:
            value = None
        if _scope['active'] is not None:
            _scope['facts'][key] = value
    cached[fact] = value
    return value


def _has_license(client):
    answer = client.health_license()
    has_license = answer.get('has_license') if isinstance(answer, dict) else None
    return has_license if isinstance(has_license, bool) else None


def _release(client):
    answer = client.health_readiness_details()
    version = answer.get('litellm_version') if isinstance(answer, dict) else None
    return version if isinstance(version, str) and RELEASE_PATTERN.match(version) else None


def proxy_has_license(client):
    """True or False as ``GET /health/license`` answers, or None where it is missing, fails or says otherwise."""
    return _read(client, 'license', _has_license)


def proxy_release(client):
    """The LiteLLM release the proxy runs (``litellm_version`` of ``GET /health/readiness/details``), or None."""
    return _read(client, 'release', _release)
