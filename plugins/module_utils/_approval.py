# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Plan digests: apply exactly what was approved.

A plan is the list of writes a task would send, each an unsent request. Its canonical form is, per write, the
method, the path, the query and the JSON body, with every secret replaced by its own sha256 and without the
Authorization header; its digest is the sha256 of that form. Check mode and a real run of the same task against
the same proxy plan the same writes, so they report the same digest; a task given the digest it was approved
with (option ``approved_plan``) plans again, compares, and writes nothing unless the plans are the same.

Private to the collection (leading underscore): its API may change between releases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json

from ansible.module_utils.six.moves.urllib.parse import parse_qsl, urlsplit

from ansible_collections.llmops.litellm.plugins.module_utils._client import replace_at
from ansible_collections.llmops.litellm.plugins.module_utils._errors import InvalidOption

# Body fields that carry a secret: in the canonical form they are the sha256 of the secret (a hash stays as is).
SECRET_FIELDS = ('key', 'new_key', 'new_master_key', 'password')
DIGEST_PREFIX = 'sha256:'
# The fields of a write's body that say which object it acts on, most specific first.
_IDENTITY = ('key_alias', 'key', 'keys', 'team_id', 'team_ids', 'user_id', 'user_ids', 'budget_id', 'credential_name',
             'id')


class PlanNotApproved(InvalidOption):
    """The task's plan is not the one approved: nothing was written."""


def approval_argument_spec():
    return {'approved_plan': {'type': 'raw'}}


def canonical_write(request):
    """One write in canonical form: what it does, with secrets only as their sha256."""
    parts = urlsplit(request.url)
    query = dict(parse_qsl(parts.query))
    query.update((k, v) for k, v in (request.params or {}).items() if v is not None)
    body = request.json
    if isinstance(body, dict):
        body = dict(body)
        for name in SECRET_FIELDS:
            value = body.get(name)
            if isinstance(value, str) and not _is_hash(value):
                body[name] = {'sha256': hashlib.sha256(value.encode('utf-8')).hexdigest()}
        # The secrets of write-only settings (marked by the engine), whatever their type.
        body = replace_at(body, getattr(request, 'secret_paths', ()), _secret_digest)
    return {'method': request.method, 'path': parts.path, 'query': dict((k, str(v)) for k, v in query.items()),
            'body': body}


def _secret_digest(value):
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(',', ':'))
    return {'sha256': hashlib.sha256(text.encode('utf-8')).hexdigest()}


def plan_of(requests):
    """The plan of these requests: its writes in canonical form and their digest."""
    writes = [canonical_write(r) for r in requests if r.writes]
    text = json.dumps(writes, sort_keys=True, separators=(',', ':'))
    return {'digest': DIGEST_PREFIX + hashlib.sha256(text.encode('utf-8')).hexdigest(), 'writes': writes}


def check_approved(approved, plan):
    """Raise PlanNotApproved, saying what differs, unless ``plan`` is the ``approved`` one (None: no approval)."""
    if approved is None:
        return
    if isinstance(approved, dict):
        digest, writes = approved.get('digest'), approved.get('writes')
    else:
        digest, writes = approved, None
    if not isinstance(digest, str) or not digest.startswith(DIGEST_PREFIX):
        raise InvalidOption('approved_plan', 'must be a plan digest ("sha256:..." as a preview reported it in '
                                             'plan_digest) or a plan ({digest, writes}) of the preview; got %r'
                            % (digest,))
    if digest == plan['digest']:
        return
    if writes is None:
        detail = 'the task would now send %s' % _summary(plan['writes'])
    else:
        detail = '; '.join(differences(writes, plan['writes'])) or 'the writes are the same but in another order'
    raise PlanNotApproved('approved_plan', 'the proxy changed since the plan was approved (approved %s, now %s): %s. '
                                           'Nothing was written; preview and approve again.'
                          % (digest, plan['digest'], detail))


def differences(approved, planned):
    """What differs between two lists of canonical writes, object by object and field by field."""
    found = []
    approved_by = dict((_target(w), w) for w in approved)
    planned_by = dict((_target(w), w) for w in planned)
    for target in sorted(set(approved_by) | set(planned_by)):
        before, after = approved_by.get(target), planned_by.get(target)
        label = '%s %s' % (target[0], target[1]) + (' (%s)' % target[2] if target[2] else '')
        if after is None:
            found.append('%s was approved and is no longer planned' % label)
        elif before is None:
            found.append('%s is planned but was not approved' % label)
        else:
            fields = sorted(n for n in set(_fields(before)) | set(_fields(after))
                            if _fields(before).get(n) != _fields(after).get(n))
            if fields:
                found.append('%s now %s' % (label, ', '.join('%s %s (approved %s)' % (
                    n, _shown(_fields(after).get(n)), _shown(_fields(before).get(n))) for n in fields)))
    return found


def _fields(write):
    body = write.get('body')
    values = dict(body) if isinstance(body, dict) else {}
    values.update(('query.%s' % k, v) for k, v in (write.get('query') or {}).items())
    return values


def _target(write):
    """Which object a write acts on: its endpoint and the identity its body or query names."""
    values = _fields(write)
    for name in _IDENTITY:
        for where in (name, 'query.' + name):
            if values.get(where) is not None:
                return (write['method'], write['path'], '%s=%s' % (name, _shown(values[where])))
    return (write['method'], write['path'], '')


def _summary(writes):
    if not writes:
        return 'no write'
    return ', '.join('%s %s' % (w['method'], w['path']) for w in writes)


def _shown(value):
    return json.dumps(value, sort_keys=True) if not isinstance(value, str) else value


def _is_hash(value):
    return len(value) == 64 and all(c in '0123456789abcdef' for c in value)
