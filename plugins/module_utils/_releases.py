# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The LiteLLM releases the collection is tested with, and the options a release older than that lacks.

A field table marks an option newer than the oldest tested release with ``since`` (the release that added it to
the request LiteLLM takes, found in LiteLLM's own request models release by release), per write where it
differs (``{'update': ...}``), and a mapping entry with ``entries_since``. A release that lacks an option
accepts it and drops it without a word, so a task would report a change on every run: a planned write that
sends a declared option newer than the proxy's release fails before anything is sent, in check mode too, and
names the release that added it. The proxy's release is read (_proxy_facts.py) only for such a write; a proxy
that does not say its release is written to as before.

Private to the collection (leading underscore): its API may change between releases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.llmops.litellm.plugins.module_utils._errors import ReleaseTooOld
from ansible_collections.llmops.litellm.plugins.module_utils._proxy_facts import proxy_release

# The oldest LiteLLM release the collection is tested with (meta/litellm.yml says it too; a unit test holds the
# two equal). Options in the field tables are checked against it: only one newer than it needs the read.
OLDEST_TESTED = '1.100.0'


def release_key(version):
    """``'1.103.0'`` -> ``(1, 103, 0)``; a suffix (``.post1``, ``rc1``) does not change the release's place."""
    return tuple(int(part) for part in re.match(r'^(\d+)\.(\d+)\.(\d+)', version).groups())


def _newer_than_oldest(since):
    return since is not None and release_key(since) > release_key(OLDEST_TESTED)


def newer_options(plan, requests):
    """(option, release that added it) for each declared option a write of ``requests`` sends that is newer
    than the oldest tested release, in order, each once."""
    params = plan.params
    declared = set(f.name for f in plan.resource.fields if params.get(f.name) is not None) | set(plan.cleared)
    found = []
    for request in requests:
        if not request.writes or not isinstance(request.json, dict):
            continue
        phase = 'create' if plan.action == 'create' and plan.requests and request is plan.requests[0] else 'update'
        body = request.json
        for field in plan.resource.fields:
            if field.name not in body or field.name not in declared:
                continue
            since = field.since.get(phase)
            if _newer_than_oldest(since):
                found.append((field.name, since))
            value, sent = params.get(field.name), body[field.name]
            for entry, entry_since in sorted(field.entries_since.items()):
                if (isinstance(value, dict) and entry in value and isinstance(sent, dict) and entry in sent
                        and _newer_than_oldest(entry_since)):
                    found.append(('%s.%s' % (field.name, entry), entry_since))
    unique = []
    for item in found:
        if item not in unique:
            unique.append(item)
    return unique


def check_release(client, plan, requests):
    """Raise before any write if a planned write sends a declared option the proxy's release does not have;
    read the release only when an option newer than the oldest tested release is sent."""
    newer = newer_options(plan, requests)
    if not newer:
        return
    release = proxy_release(client)
    if release is None:
        return
    missing = [(option, since) for option, since in newer if release_key(release) < release_key(since)]
    if not missing:
        return
    first = next(r for r in requests if r.writes)
    needed = max((since for _option, since in missing), key=release_key)
    names = ', '.join('%s (LiteLLM %s)' % item for item in missing)
    them = 'them' if len(missing) > 1 else 'it'
    raise ReleaseTooOld(
        '%s: added after the LiteLLM release this proxy runs, %s (GET /health/readiness/details), which would '
        'drop %s without an error, so nothing was written. Upgrade the proxy to LiteLLM %s or later, or leave %s '
        'out.' % (names, release, them, needed, them), method=first.method, url=first.url)
