"""Replaying request sequences against two servers and comparing what they answer (test_differential.py).

A ``Sequence`` is a list of ``Step``s: one HTTP request each, whose body, query and path may hold references
(``Id``, ``Secret``, ``Hash``, ``Captured``, ``Fmt``) resolved per replay. Every id a sequence makes is unique
to the run and the sequence (``Id('t')`` is ``<run>-<sequence>-t``), so sequences replayed against one long-lived
real proxy never meet each other's objects, and the same ids reach both servers: answers compare directly.

``replay`` sends a sequence to one server and returns an ``Outcome`` per step; ``normalise`` replaces what
differs by nature between two servers (timestamps, generated ids, hashes, secrets and their abbreviations,
spend, autoincrement ids) with placeholders; ``differences`` lists every remaining difference as (path, real,
local). ``KnownDifferences`` (known-differences.yml) says which of them are expected, and why.
"""

import copy
import fnmatch
import hashlib
import json
import re
import time
from urllib.parse import quote

import requests
import yaml

MISSING = '<missing>'
# What the session's differential tests did, for the tier's summary line.
TOTALS = {'sequences': 0, 'steps': 0, 'known': 0, 'listed': 0}

# -- references -------------------------------------------------------------------------------------------


class Context:
    """One replay of one sequence against one server: the ids it uses and the values it captured."""

    def __init__(self, run, sequence):
        self.run = run
        self.sequence = sequence
        self.prefix = '%s-%s' % (run, sequence)
        self.captured = {}

    def ident(self, name):
        return '%s-%s' % (self.prefix, name)


class Ref:
    def resolve(self, ctx):
        raise NotImplementedError


class Id(Ref):
    """A run- and sequence-unique id: ``<run>-<sequence>-<name>``."""

    def __init__(self, name):
        self.name = name

    def resolve(self, ctx):
        return ctx.ident(self.name)

    def __repr__(self):
        return 'Id(%r)' % self.name


class Secret(Ref):
    """A caller-chosen key secret, the same on both servers of one run (sk-, at least 16 characters)."""

    def __init__(self, name):
        self.name = name

    def resolve(self, ctx):
        return 'sk-' + hashlib.sha256(('secret:' + ctx.ident(self.name)).encode('utf-8')).hexdigest()[:32]

    def __repr__(self):
        return 'Secret(%r)' % self.name


class Hash(Secret):
    """The token LiteLLM stores for ``Secret(name)``: its sha256."""

    def resolve(self, ctx):
        return hashlib.sha256(Secret.resolve(self, ctx).encode('utf-8')).hexdigest()

    def __repr__(self):
        return 'Hash(%r)' % self.name


class Captured(Ref):
    """A value an earlier step captured from its answer (a generated token, user id, budget id)."""

    def __init__(self, name):
        self.name = name

    def resolve(self, ctx):
        if self.name not in ctx.captured:
            return '<not captured: %s>' % self.name
        return ctx.captured[self.name]

    def __repr__(self):
        return 'Captured(%r)' % self.name


class Prefix(Ref):
    """The sequence's id prefix ``<run>-<sequence>`` (a substring filter that finds only its own objects)."""

    def resolve(self, ctx):
        return ctx.prefix


class Fmt(Ref):
    """A string with resolved references: ``Fmt('/key/{}/regenerate', Hash('k'))``."""

    def __init__(self, template, *refs):
        self.template = template
        self.refs = refs

    def resolve(self, ctx):
        return self.template.format(*[resolve(ref, ctx) for ref in self.refs])


class Underscored(Ref):
    """A resolved string with "-" as "_" (names LiteLLM refuses hyphens in, such as an MCP server's)."""

    def __init__(self, ref):
        self.ref = ref

    def resolve(self, ctx):
        return resolve(self.ref, ctx).replace('-', '_')


def resolve(value, ctx):
    if isinstance(value, Ref):
        return value.resolve(ctx)
    if isinstance(value, dict):
        return dict((resolve(k, ctx), resolve(v, ctx)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [resolve(item, ctx) for item in value]
    return value


# -- sequences --------------------------------------------------------------------------------------------

MASTER = 'master'


class Step:
    """One request. ``auth``: MASTER, None (no header) or a literal key. ``raw``: a body sent as is (not JSON).
    ``capture``: {name: path} read from a 2xx answer for later steps. ``scope``: a path (tuple) to a list in the
    answer whose items are kept only if they mention this sequence's ids (for reads a long-lived real proxy
    answers with everything it holds, such as /budget/list)."""

    def __init__(self, label, method, path, body=None, query=None, raw=None, auth=MASTER, capture=None,
                 scope=None):
        self.label = label
        self.method = method
        self.path = path
        self.body = body
        self.query = query
        self.raw = raw
        self.auth = auth
        self.capture = capture or {}
        self.scope = scope

    def describe(self, ctx):
        query = resolve(self.query, ctx) if self.query else None
        text = '%s %s' % (self.method, resolve(self.path, ctx))
        if query:
            text += '?' + '&'.join('%s=%s' % item for item in sorted(query.items()))
        if self.raw is not None:
            text += ' ' + repr(self.raw)
        elif self.body is not None:
            text += ' ' + json.dumps(resolve(self.body, ctx), sort_keys=True)
        return text


class Sequence:
    def __init__(self, name, steps, doc=''):
        self.name = name
        self.steps = list(steps)
        self.doc = doc
        labels = [step.label for step in self.steps]
        duplicated = sorted(set(label for label in labels if labels.count(label) > 1))
        assert not duplicated, 'sequence %s: duplicate step labels %s' % (name, duplicated)

    def __repr__(self):
        return 'Sequence(%r, %d steps)' % (self.name, len(self.steps))


def get(label, path, query=None, **options):
    return Step(label, 'GET', path, query=query, **options)


def post(label, path, body=None, **options):
    return Step(label, 'POST', path, body=body, **options)


def delete(label, path, body=None, **options):
    return Step(label, 'DELETE', path, body=body, **options)


def patch(label, path, body=None, **options):
    return Step(label, 'PATCH', path, body=body, **options)


# -- replay -----------------------------------------------------------------------------------------------


class Outcome:
    def __init__(self, label, request, status, body, content_type):
        self.label = label
        self.request = request
        self.status = status
        self.body = body
        self.content_type = content_type

    def view(self):
        return {'status': self.status, 'body': self.body}


# Seconds between two creations: rows made in one millisecond would tie in created_at, the order lists sort by.
CREATION_GAP = 0.002
# What each creating endpoint's 2xx answer names the new object by, for clean-up on a long-lived proxy.
CREATED = {
    '/key/generate': ('key', 'token'),
    '/key/service-account/generate': ('key', 'token'),
    '/user/new': ('user', 'user_id'),
    '/team/new': ('team', 'team_id'),
    '/budget/new': ('budget', 'budget_id'),
}


def replay(sequence, base_url, master_key, ctx, timeout=120, created=None):
    """Send every step of ``sequence`` to ``base_url``; an Outcome per step. ``created`` collects
    (kind, id) of what the replay created (for clean-up)."""
    outcomes = []
    with requests.Session() as session:
        session.trust_env = False
        for step in sequence.steps:
            path = resolve(step.path, ctx)
            headers = {}
            if step.auth == MASTER:
                headers['Authorization'] = 'Bearer ' + master_key
            elif step.auth is not None:
                headers['Authorization'] = 'Bearer ' + step.auth
            kwargs = {'params': resolve(step.query, ctx) if step.query else None, 'headers': headers,
                      'timeout': timeout}
            if step.raw is not None:
                headers['Content-Type'] = 'application/json'
                kwargs['data'] = step.raw
            elif step.body is not None:
                kwargs['json'] = resolve(step.body, ctx)
            answer = session.request(step.method, base_url + path, **kwargs)
            try:
                body = answer.json()
            except ValueError:
                body = answer.text
            content_type = (answer.headers.get('Content-Type') or '').split(';')[0].strip()
            if 200 <= answer.status_code < 300:
                for name, where in step.capture.items():
                    value = dig(body, where)
                    if value is not None:
                        ctx.captured[name] = value
                if created is not None and path in CREATED and isinstance(body, dict):
                    kind, field = CREATED[path]
                    if body.get(field):
                        created.append((kind, body[field]))
                if created is not None and step.method == 'POST' and path == '/credentials':
                    # LiteLLM answers a created credential with {"success": true}: its name is the request's.
                    created.append(('credential', kwargs['json'].get('credential_name')))
            if step.scope is not None:
                body = _scoped(body, step.scope, ctx)
            outcomes.append(Outcome(step.label, step.describe(ctx), answer.status_code, body, content_type))
            if path in CREATED or path == '/team/new':
                # Both servers keep milliseconds: objects made within one would be listed in an order of chance.
                time.sleep(CREATION_GAP)
    return outcomes


def _scoped(body, path, ctx):
    body = copy.deepcopy(body)
    parent = dig(body, path[:-1]) if path else None
    items = dig(body, path)
    if not isinstance(items, list):
        return body
    kept = [item for item in items if ctx.prefix in json.dumps(item)]
    if not path:
        return kept
    parent[path[-1]] = kept
    return body


def dig(value, path):
    for part in path:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and isinstance(part, int) and -len(value) <= part < len(value):
            value = value[part]
        else:
            return None
    return value


def clean_up(base_url, master_key, created, timeout=60):
    """Delete what a replay created (best effort; a long-lived proxy should not fill up with test objects)."""
    with requests.Session() as session:
        session.trust_env = False
        session.headers['Authorization'] = 'Bearer ' + master_key
        by_kind = {}
        for kind, identifier in created:
            by_kind.setdefault(kind, []).append(identifier)
        calls = [('key', '/key/delete', lambda ids: {'keys': ids}),
                 ('team', '/team/delete', lambda ids: {'team_ids': ids}),
                 ('user', '/user/delete', lambda ids: {'user_ids': ids})]
        for kind, path, body in calls:
            for identifier in by_kind.get(kind, []):
                try:
                    answer = session.post(base_url + path, json=body([identifier]), timeout=timeout)
                    if kind == 'key' and answer.status_code == 500:
                        # A key with null metadata cannot be deleted (and breaks /key/list for everyone).
                        session.post(base_url + '/key/update', json={'key': identifier, 'metadata': {}},
                                     timeout=timeout)
                        session.post(base_url + path, json=body([identifier]), timeout=timeout)
                except requests.RequestException:
                    pass
        for identifier in by_kind.get('budget', []):
            try:
                session.post(base_url + '/budget/delete', json={'id': identifier}, timeout=timeout)
            except requests.RequestException:
                pass
        for identifier in by_kind.get('credential', []):
            try:
                session.delete(base_url + '/credentials/' + quote(str(identifier), safe=''), timeout=timeout)
            except requests.RequestException:
                pass


# -- normalising ------------------------------------------------------------------------------------------

def _time_shape(match):
    """A timestamp's value is volatile, and so is whether it has a fraction (none on a whole second); its offset is
    not: "<timeZ>", "<time+00:00>", "<time>"."""
    return '<time%s>' % (match.group(2) or '')


_PATTERNS = [
    # ISO 8601 timestamps, with or without fraction and offset (Postgres through Prisma, Python isoformat).
    (re.compile(r'\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?'), _time_shape),
    (re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'), '<uuid>'),
    (re.compile(r'(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])'), '<hash>'),
    (re.compile(r'(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])'), '<hex>'),
    # LiteLLM's abbreviation of a secret (key_name): "sk-...abcd".
    (re.compile(r'sk-\.\.\.[A-Za-z0-9_-]{0,4}'), '<key_name>'),
    (re.compile(r'sk-[A-Za-z0-9_-]{10,}'), '<secret>'),
    # The 4+4 characters LiteLLM shows of a key it refuses ("sk-w****abcd").
    (re.compile(r'\b\S{4}\*\*\*\*\S{4}\b'), '<masked>'),
]
# Fields whose value differs by nature: spend (none is made here, but a long-lived proxy's counters may move),
# autoincrement ids (a serial of the whole database).
_SPEND_FIELDS = frozenset(('spend', 'total_spend'))
_SERIAL_FIELDS = frozenset(('model_id', 'id'))


def normalise(value):
    if isinstance(value, dict):
        result = {}
        for name, item in value.items():
            if name in _SPEND_FIELDS and isinstance(item, (int, float)) and not isinstance(item, bool):
                result[name] = '<spend>'
            elif name in _SERIAL_FIELDS and isinstance(item, int) and not isinstance(item, bool):
                result[name] = '<serial>'
            else:
                result[normalise_text(name)] = normalise(item)
        return result
    if isinstance(value, list):
        return [normalise(item) for item in value]
    if isinstance(value, str):
        return normalise_text(value)
    return value


def normalise_text(text):
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


def differences(real, local, path=''):
    """[(path, real, local)] of every leaf where the two (normalised) values differ."""
    if real is MISSING or local is MISSING:
        return [(path or '(body)', real, local)]
    if isinstance(real, dict) and isinstance(local, dict):
        found = []
        for name in sorted(set(real) | set(local), key=str):
            where = '%s.%s' % (path, name) if path else str(name)
            found += differences(real.get(name, MISSING), local.get(name, MISSING), where)
        return found
    if isinstance(real, list) and isinstance(local, list):
        found = []
        for index in range(max(len(real), len(local))):
            found += differences(real[index] if index < len(real) else MISSING,
                                 local[index] if index < len(local) else MISSING, '%s[%d]' % (path, index))
        return found
    if real == local and type(real) is type(local):
        return []
    # 1 and 1.0 are one JSON number; True and 1 are not.
    if _number(real) and _number(local) and real == local:
        return []
    return [(path or '(body)', real, local)]


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def compare_outcomes(real, local):
    """[(step label, request, path, real, local)] for a sequence's two replays (status is path "status")."""
    found = []
    for real_step, local_step in zip(real, local):
        body_real, body_local = normalise(real_step.body), normalise(local_step.body)
        if real_step.status != local_step.status:
            found.append((real_step.label, real_step.request, 'status', real_step.status, local_step.status))
            if not (200 <= real_step.status < 300 and 200 <= local_step.status < 300):
                # One answered, the other refused: the bodies are two different things, compared as a whole.
                if body_real != body_local:
                    found.append((real_step.label, real_step.request, 'body', body_real, body_local))
                continue
        if real_step.content_type != local_step.content_type:
            found.append((real_step.label, real_step.request, 'content-type', real_step.content_type,
                          local_step.content_type))
        for path, value_real, value_local in differences(body_real, body_local, ''):
            found.append((real_step.label, real_step.request, 'body.' + path if path != '(body)' else 'body',
                          value_real, value_local))
    return found


# -- known differences ------------------------------------------------------------------------------------


class KnownDifferences:
    """known-differences.yml: a list of {sequence, step, path, release?, real?, local?, occasional?, reason}; globs in
    the first four (fnmatch; release: the real proxy's LiteLLM release, any when absent), values compared after
    normalising when given; an occasional difference (an order the database chooses) is never stale."""

    REQUIRED = ('sequence', 'step', 'path', 'reason')

    def __init__(self, path):
        self.path = path
        entries = yaml.safe_load(open(str(path), encoding='utf-8').read()) or []
        assert isinstance(entries, list), '%s must hold a list' % path
        for index, entry in enumerate(entries):
            missing = [name for name in self.REQUIRED if not entry.get(name)]
            assert not missing, '%s entry %d lacks %s' % (path, index + 1, ', '.join(missing))
            unknown = set(entry) - set(self.REQUIRED) - {'real', 'local', 'release', 'occasional'}
            assert not unknown, '%s entry %d: unknown keys %s' % (path, index + 1, sorted(unknown))
        self.entries = entries
        self.met = set()  # indexes of the entries a replay met, over the whole run

    def for_sequence(self, name, release):
        """The entries of a sequence replayed on the real proxy's ``release``."""
        return [(index, entry) for index, entry in enumerate(self.entries) if fnmatch.fnmatchcase(name, entry['sequence'])
                and fnmatch.fnmatchcase(release or '', str(entry.get('release', '*')))]

    @staticmethod
    def matches(entry, step, path, real, local):
        if not fnmatch.fnmatchcase(step, entry['step']) or not fnmatch.fnmatchcase(path, entry['path']):
            return False
        for name, value in (('real', real), ('local', local)):
            if name in entry and normalise(entry[name]) != value and not (
                    _number(value) and _number(entry[name]) and value == entry[name]):
                return False
        return True

    def split(self, sequence, found, release):
        """The differences no entry of this sequence and release lists; the entries met are recorded."""
        entries = self.for_sequence(sequence, release)
        unexpected = []
        for step, request, path, real, local in found:
            hits = [index for index, entry in entries if self.matches(entry, step, path, real, local)]
            if hits:
                self.met.update(hits)
            else:
                unexpected.append((step, request, path, real, local))
        return unexpected

    def stale(self, sequences, release):
        """The entries for this release, and for one of these replayed sequences, that no replay met: an entry may
        name many sequences (a glob), so it is stale only once all of them were replayed."""
        applicable = set(index for name in sequences for index, entry in self.for_sequence(name, release)
                         if not entry.get('occasional'))
        return [self.entries[index] for index in sorted(applicable - self.met)]


def short(value, limit=300):
    text = json.dumps(value, sort_keys=True) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + '...'
