# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The field table: one ``Field`` per setting of a LiteLLM object, from which everything else is derived.

A resource (key, team, user, budget) declares its settings once, as a tuple of ``Field``. Its argument spec,
its validation, how a stored value is read and normalised, how it is compared, what an update sends and what a
diff shows all come from that table, and a unit test holds the modules' documentation to it.

Private to the collection (leading underscore): its API may change between releases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import math
import re

from ansible_collections.llmops.litellm.plugins.module_utils._compare import (
    MERGE,
    MERGE_SETS,
    SET,
    STRICT,
    canonical_set_display,
    merged,
    same,
)
from ansible_collections.llmops.litellm.plugins.module_utils._errors import InvalidOption

# How a write-only secret is shown wherever the module reports it (results, diffs, planned requests): the client's
# mask (_client.REDACTED), never the value, nor the proxy's own masked read-back of it ("sk****-1").
WRITE_ONLY_SHOWN = '********'
# What the proxy answers in place of a secret it masks (LiteLLM's get_masked_values: "sk****-1", "*****").
MASK_MARK = '****'
# The shared option of every module with write-only settings (doc fragment llmops.litellm.update_secrets), as
# community.general's update_password: on_create sends a secret when the object is created only (a re-run reports
# no change: the module cannot read a secret back to compare it); always sends it on every run, reported as changed.
UPDATE_SECRETS = 'update_secrets'
UPDATE_SECRETS_CHOICES = ['on_create', 'always']

# LiteLLM's duration grammar (litellm_core_utils/duration_parser.py): a count and one unit.
DURATION_PATTERN = re.compile(r'^[1-9][0-9]*(s|m|h|d|w|mo)$')
DURATION_HINT = 'must be a count and a unit (s, m, h, d, w or mo), such as "30d" or "12h"'

# A duration after which LiteLLM resets a budget (Field(duration=BUDGET_PERIOD)): it resets monthly budgets only
# every month (litellm_core_utils/duration_parser.py: "Monthly resets currently only support 1 month intervals").
BUDGET_PERIOD = 'budget period'

# What LiteLLM returns for "not set", by option type: it answers null and empty containers interchangeably.
_UNSET = {'list': [], 'dict': {}, 'bool': False}


class Field:
    """One setting: its option type, how it is validated, where LiteLLM returns it and how it is compared.

    ``read`` is the path (a tuple) or paths (a list of tuples, first found wins) where the stored value sits
    in the object LiteLLM returns; by default the top-level field of the option's name.
    ``create_only`` settings are sent when the object is created and never compared (LiteLLM keeps a key's
    expiry, not its duration). ``compare=None`` leaves the setting to the resource's own code (team members).
    ``check`` is a callable that raises ``ValueError`` with the reason a value is wrong.
    ``normalise`` turns a declared or stored value into its comparable form (drop what the server adds).
    ``update_only`` settings exist only for an existing object (the create endpoint does not take them).
    ``clearable`` settings can be named in a module's ``clear`` option; ``clear_with`` is what the update sends
    to clear one, measured on the real proxy (a setting kept in ``metadata`` is cleared by dropping its entry).
    ``since`` is the LiteLLM release that added the setting when it is newer than the oldest tested one
    (_releases.py); ``entries_since`` the same for entries of a mapping.
    ``write_only`` settings are secrets the proxy never answers back (it masks them): True for the whole value, or,
    for a mapping, a callable that tells from an entry's name whether that entry is one (a credential's ``api_key``,
    not its ``api_base``). They are never compared: the shared option ``update_secrets`` decides whether an existing
    object is sent them again; they are shown as WRITE_ONLY_SHOWN, hashed in plans, masked in requests, and a declared
    value that looks like the proxy's masked read-back of one is refused.
    ``server_merges``: the update endpoint merges a sent mapping into the stored one (LiteLLM's PATCH /credentials), so
    an update sends only the declared entries that differ, never the stored ones (which may be masked read-backs);
    its entries cannot be declared null (nothing would remove them).
    """

    def __init__(self, name, type='str', elements=None, compare=None, read=None, create_only=False, no_log=False,
                 minimum=None, duration=False, not_empty=False, choices=None, check=None,
                 options=None, default=None, managed=True, normalise=None, update_only=False, clearable=None,
                 clear_with=None, entries=None, companions=(), companions_required=False, fixed=None, since=None,
                 entries_since=None, write_only=False, server_merges=False):
        self.name = name
        self.type = type
        self.elements = elements or ('str' if type == 'list' else None)
        if compare is None and managed and not create_only:
            compare = SET if type == 'list' else STRICT
        self.compare = compare
        self.paths = read if isinstance(read, list) else [read or (name,)]
        self.create_only = create_only
        self.no_log = no_log
        self.minimum = minimum
        self.duration = duration
        self.not_empty = not_empty
        self.choices = choices
        self.check = check
        self.options = options
        self.default = default
        self.managed = managed
        self.normalise = normalise
        self.update_only = update_only
        # For a mapping with a fixed set of entry names (a key's object permissions): those names.
        self.entries = entries
        # Settings LiteLLM takes only together with this one: an update that sends it sends them too.
        self.companions = tuple(companions)
        # LiteLLM refuses this one without its companions (422): with none declared nor stored, refuse first.
        self.companions_required = companions_required
        # Why LiteLLM refuses to change this setting of an existing object (it can still be cleared), if it does.
        self.fixed = fixed
        # The LiteLLM release that added it (_releases.py), per write: a string for every write, or
        # {'create': ..., 'update': ...} where the two endpoints took it in different releases.
        self.since = since if isinstance(since, dict) else {'create': since, 'update': since}
        # The same for entries of a mapping (a key's object permissions): {entry: release}.
        self.entries_since = dict(entries_since or {})
        self.write_only = write_only
        self.server_merges = server_merges
        if clearable is None:
            # Flags are cleared by declaring false; identity and create-only settings cannot be cleared.
            clearable = self.compare is not None and type != 'bool'
        self.clearable = clearable
        if clear_with is None:
            clear_with = _UNSET.get(type)
        # LiteLLM refuses null for an array column and stores null metadata it then cannot delete: [] and {}.
        self.clear_with = clear_with

    def argument_spec(self):
        spec = {'type': self.type}
        for name in ('elements', 'choices', 'options', 'default'):
            if getattr(self, name) is not None:
                spec[name] = getattr(self, name)
        if self.no_log:
            spec['no_log'] = True
        elif self.type not in ('path', 'bool') and self.choices is None and _may_look_secret(self.name):
            # Names such as key_alias or key_type are not secrets; saying so keeps ansible-test's
            # validate-modules (no-log-needed) and ansible-core's own warning quiet about them.
            spec['no_log'] = False
        return spec

    def read(self, record):
        """The stored value, with LiteLLM's "not set" forms (null, empty) made one."""
        value = None
        for path in self.paths:
            value = dig(record, path)
            if value is not None:
                break
        if value is None:
            return _UNSET.get(self.type)
        return value

    def validate(self, value):
        """Raise InvalidOption for a value LiteLLM would refuse or misread; None (not managed) always passes."""
        if value is None:
            return
        if _non_finite(value):
            raise InvalidOption(self.name, 'must hold finite numbers only (not inf or nan)')
        if self.minimum is not None and isinstance(value, (int, float)) and value < self.minimum:
            raise InvalidOption(self.name, 'must be %s or more, got %s'
                                % ('zero' if self.minimum == 0 else self.minimum, value))
        if self.duration and not DURATION_PATTERN.match(value):
            raise InvalidOption(self.name, '%s; got %r' % (DURATION_HINT, value))
        if self.duration == BUDGET_PERIOD:
            try:
                check_budget_period(value)
            except ValueError as exc:
                raise InvalidOption(self.name, str(exc))
        if self.not_empty and self.type == 'str' and not value.strip():
            raise InvalidOption(self.name, 'must not be empty; leave it out to not manage it')
        if self.not_empty and self.type == 'list' and any(not str(item).strip() for item in value):
            raise InvalidOption(self.name, 'must not contain empty names')
        if self.entries is not None:
            unknown = sorted(set(value) - set(self.entries))
            if unknown:
                raise InvalidOption(self.name, 'has no entry %s; the entries are %s'
                                    % (', '.join(unknown), ', '.join(self.entries)))
        if self.server_merges and isinstance(value, dict):
            nulls = sorted(k for k, v in value.items() if v is None)
            if nulls:
                raise InvalidOption(self.name, 'entry %s is null: LiteLLM merges an update into the stored entries and '
                                    'drops nulls, so nothing would remove it. Leave the entry out (to remove one, '
                                    'delete the object and create it again)' % ', '.join(nulls))
        for where, secret in self.secret_parts(value):
            if _looks_masked(secret):
                raise InvalidOption(self.name, '%s looks like the masked value the proxy answers in place of a secret '
                                    '(it contains %s), not the secret itself. Declare the real secret (from Ansible '
                                    'Vault, for example), never a value read back from the proxy'
                                    % (where or 'the value', MASK_MARK))
        if self.check is not None:
            try:
                self.check(value)
            except ValueError as exc:
                raise InvalidOption(self.name, str(exc))

    # -- write-only secrets --------------------------------------------------------------------------------

    def is_secret_entry(self, name):
        return callable(self.write_only) and bool(self.write_only(name))

    def secret_parts(self, value):
        """The (where, value) of each secret in a declared or stored ``value``: the whole value, or entries."""
        if value is None or not self.write_only:
            return []
        if not callable(self.write_only):
            return [('', value)]
        if not isinstance(value, dict):
            return []
        return [('entry %s' % k, v) for k, v in sorted(value.items()) if self.is_secret_entry(k) and v is not None]

    def public_part(self, value):
        """What of ``value`` can be read back and compared: None for a wholly write-only value."""
        if not self.write_only:
            return value
        if not callable(self.write_only):
            return None
        if not isinstance(value, dict):
            return value
        return dict((k, v) for k, v in value.items() if not self.is_secret_entry(k))

    def secrets_only(self, value):
        """Of a declared ``value``, only the secrets (what update_secrets: always sends again)."""
        if not callable(self.write_only):
            return value
        return dict((k, v) for k, v in (value or {}).items() if self.is_secret_entry(k))

    def shown(self, value):
        """``value`` as the module may report it: every secret replaced by WRITE_ONLY_SHOWN."""
        if not self.write_only or value is None:
            return value
        if not callable(self.write_only):
            return WRITE_ONLY_SHOWN
        if not isinstance(value, dict):
            return value
        return dict((k, WRITE_ONLY_SHOWN if self.is_secret_entry(k) and v is not None else v)
                    for k, v in value.items())

    def secret_paths(self, body):
        """The paths (tuples) of the secrets in a request ``body`` that carries this setting at its top level."""
        if not self.write_only or not isinstance(body, dict) or body.get(self.name) is None:
            return []
        if not callable(self.write_only):
            return [(self.name,)]
        value = body[self.name]
        if not isinstance(value, dict):
            return []
        return [(self.name, k) for k, v in sorted(value.items()) if self.is_secret_entry(k) and v is not None]

    @property
    def in_metadata(self):
        """Whether LiteLLM keeps this setting as an entry of the object's metadata."""
        return len(self.paths[0]) == 2 and self.paths[0][0] == 'metadata'

    def is_unset(self, current):
        if self.normalise is not None and current is not None:
            current = self.normalise(current)
        # Not `in (None, False, ...)`: 0 == False, and a limit of 0 is set.
        return current is None or current is False or (isinstance(current, (list, dict)) and not current)

    def same(self, desired, current):
        # Secrets cannot be read back: only what can is compared (update_secrets decides about the rest).
        if self.write_only:
            desired = self.public_part(desired)
            if desired is None:
                return True
        # A merged mapping compares only the declared entries: there the normaliser serves the display.
        if self.normalise is not None and self.compare not in (MERGE, MERGE_SETS):
            desired, current = self.normalise(desired), self.normalise(current)
        return same(self.compare, desired, current)

    def to_send(self, desired, record, resend_secrets=False):
        """The value an update sends: a merged mapping carries the stored entries too (updates replace it), unless
        the server merges it (then only the declared entries that differ, and the secrets if sent again)."""
        if self.server_merges:
            stored = self.read(record) if record is not None else {}
            public = self.public_part(desired) or {}
            value = dict((k, v) for k, v in public.items() if not same(STRICT, v, (stored or {}).get(k)))
            if resend_secrets:
                value.update(self.secrets_only(desired))
            return value
        if self.compare in (MERGE, MERGE_SETS):
            stored = self.read(record) if record is not None else {}
            if self.entries is not None:
                # Only the entries a request may carry: the stored object adds its id and relations.
                stored = dict((k, v) for k, v in stored.items() if k in self.entries and v is not None)
            return merged(desired, stored)
        return desired

    def display(self, value):
        # Order-free lists are shown sorted on both sides, so a diff shows only what was added or removed.
        value = self.shown(value)
        if self.normalise is not None and value is not None:
            value = self.normalise(value)
        return canonical_set_display(value) if self.compare == SET else value


class FieldTable:
    """The fields of one resource, in documentation order."""

    def __init__(self, fields, clearing=False):
        self.fields = tuple(fields)
        self.by_name = dict((f.name, f) for f in self.fields)
        # Whether the resource's modules take a clear option (measured per resource on the real proxy).
        self.clearing = clearing

    def __iter__(self):
        return iter(self.fields)

    def __getitem__(self, name):
        return self.by_name[name]

    def __contains__(self, name):
        return name in self.by_name

    @property
    def compared(self):
        return [f for f in self.fields if f.compare is not None]

    def argument_spec(self, exclude=()):
        return dict((f.name, f.argument_spec()) for f in self.fields if f.name not in exclude)

    def validate(self, params):
        for field in self.fields:
            field.validate(params.get(field.name))
        self.validate_clear(params)

    def desired(self, params):
        """The compared settings the task declares (None means not managed)."""
        return dict((f.name, params[f.name]) for f in self.compared if params.get(f.name) is not None)

    def current(self, record):
        return dict((f.name, f.read(record)) for f in self.compared)

    def differing(self, desired, current):
        changed = [name for name, value in desired.items() if not self[name].same(value, current[name])]
        for name in changed:
            if self[name].fixed:
                raise InvalidOption(name, self[name].fixed)
        return changed

    @property
    def clearable(self):
        return [f.name for f in self.fields if f.clearable] if self.clearing else []

    @property
    def metadata_entries(self):
        """The metadata entries LiteLLM keeps other settings in (tags, limit types, ...)."""
        return frozenset(f.paths[0][1] for f in self.fields if f.in_metadata)

    def _own_metadata(self, metadata):
        return dict((k, v) for k, v in (metadata or {}).items() if k not in self.metadata_entries)

    def cleared(self, names, current):
        """Of the settings ``names`` (a module's ``clear`` option), those that are set now."""
        found = []
        for name in names or ():
            value = current[name]
            if name == 'metadata':
                # Clearing metadata clears the entries of its own, not the settings LiteLLM keeps in it.
                value = self._own_metadata(value)
            if not self[name].is_unset(value):
                found.append(name)
        return found

    def clearing_values(self, names, record, sent):
        """Add to ``sent`` (the update's values) what clears each of ``names``.

        A setting LiteLLM keeps in metadata is cleared by sending the metadata without its entry (LiteLLM
        replaces metadata wholesale, and ignores a null folded field).
        """
        for name in names:
            field = self[name]
            if name == 'metadata':
                stored = sent['metadata'] if 'metadata' in sent else self['metadata'].read(record)
                sent['metadata'] = dict((k, v) for k, v in stored.items() if k in self.metadata_entries)
            elif field.in_metadata:
                metadata = dict(sent['metadata'] if 'metadata' in sent else self['metadata'].read(record))
                metadata.pop(field.paths[0][1], None)
                sent['metadata'] = metadata
            else:
                sent[name] = field.clear_with
        return sent

    def with_companions(self, sent, desired, record):
        """Add to ``sent`` the settings LiteLLM takes only together with one being sent (declared, else stored)."""
        for name in list(sent):
            for companion in self[name].companions:
                if companion not in sent:
                    field = self[companion]
                    value = desired[companion] if companion in desired else field.read(record)
                    if value is not None:
                        sent[companion] = field.to_send(value, record)
                    elif self[name].companions_required:
                        raise InvalidOption(name, 'LiteLLM takes it only together with %s, and none is stored: '
                                            'set %s too' % (companion, companion))
        return sent

    def validate_clear(self, params):
        for name in params.get('clear') or ():
            if params.get(name) is not None:
                raise InvalidOption('clear', '%s is both declared and cleared; do one or the other' % name)

    def creation_values(self, params):
        """What a create sends: every declared setting, mappings merged over nothing (None entries dropped)."""
        values = {}
        for field in self.fields:
            value = params.get(field.name)
            if value is None or (field.compare is None and not field.create_only) or field.update_only:
                continue
            values[field.name] = merged(value, {}) if field.compare == MERGE else value
        return values

    def display(self, values):
        return dict((name, self[name].display(value) if name in self else value) for name, value in values.items())

    # -- write-only secrets --------------------------------------------------------------------------------

    @property
    def write_only(self):
        return [f for f in self.fields if f.write_only]

    def shown(self, values):
        """``values`` (settings by name) with every secret replaced by WRITE_ONLY_SHOWN."""
        return dict((name, self[name].shown(value) if name in self else value) for name, value in values.items())

    def view(self, record):
        """The compared settings of a stored object as the module reports them (secrets never shown)."""
        return self.shown(self.current(record))

    def declared_secrets(self, params):
        """The names of the write-only settings that declare a secret."""
        return [f.name for f in self.write_only if f.secret_parts(params.get(f.name))]

    def secret_values(self, params):
        """Every declared secret (for the client's redactor: masked wherever a message could carry it)."""
        found = []
        for field in self.write_only:
            for _where, value in field.secret_parts(params.get(field.name)):
                found.extend(_strings(value))
        return found

    def secret_paths(self, body):
        """The paths of the secrets a request body carries (hashed in plans, masked in reported requests)."""
        paths = []
        for field in self.write_only:
            paths.extend(field.secret_paths(body))
        return paths


def update_secrets_option():
    """The argument spec of the shared option update_secrets (doc fragment llmops.litellm.update_secrets)."""
    return {'type': 'str', 'choices': list(UPDATE_SECRETS_CHOICES), 'default': 'on_create'}


def _strings(value):
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else [str(value)] if value is not None else []


def _looks_masked(value):
    """Whether a declared secret is (or holds) what LiteLLM answers in place of one: "sk****-1", "*****"."""
    return any(MASK_MARK in s for s in _strings(value))


def dig(record, path):
    value = record
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _non_finite(value):
    """True if ``value`` holds infinity or NaN anywhere: JSON cannot carry them."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_non_finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_non_finite(v) for v in value)
    return False


def _may_look_secret(name):
    # A superset of validate-modules' heuristic (NO_LOG_REGEX): an explicit no_log=False costs nothing.
    return bool(re.search(r'pass(?!ive)|secret|token|key', name, re.I))


# -- checks shared by several resources ---------------------------------------------------------------------

def whole_numbers_per(kind, minimum=0):
    """A check of a mapping from names (of models, MCP servers, tags) to limits: whole numbers, minimum or more."""
    least = 'zero or more' if minimum == 0 else '%d or more' % minimum

    def check(value):
        for name, limit in value.items():
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < minimum:
                raise ValueError('the limit for %s %r must be a whole number, %s; got %r' % (kind, name, least, limit))

    return check


check_whole_numbers_per_model = whole_numbers_per('model')
# LiteLLM's PositiveInt: it refuses 0 with 422.
check_positive_numbers_per_model = whole_numbers_per('model', minimum=1)


def check_budget_per_model(value):
    for model, budget in value.items():
        if isinstance(budget, dict):
            budget = budget.get('budget_limit')
        if isinstance(budget, bool) or not isinstance(budget, (int, float)) or budget < 0:
            raise ValueError('the budget for model %r must be a number, zero or more, or '
                             '{budget_limit: N, time_period: "30d"}' % model)


# A budget's per-model limits (LiteLLM's BudgetConfig); it ignores any other name without a word.
BUDGET_CONFIG_NUMBERS = {'max_budget': (int, float), 'tpm_limit': (int,), 'rpm_limit': (int,)}


def check_budget_config_per_model(value):
    for model, config in value.items():
        if not isinstance(config, dict) or not config:
            raise ValueError('the limits for model %r must be a mapping of max_budget, budget_duration, tpm_limit '
                             'and rpm_limit, such as {max_budget: 10, budget_duration: "30d"}' % model)
        unknown = sorted(set(config) - set(BUDGET_CONFIG_NUMBERS) - {'budget_duration'})
        if unknown:
            raise ValueError('model %r: %s is not one of a budget\'s per-model limits: max_budget, budget_duration, '
                             'tpm_limit, rpm_limit' % (model, ', '.join(unknown)))
        for name, types in BUDGET_CONFIG_NUMBERS.items():
            number = config.get(name)
            if number is not None and (isinstance(number, bool) or not isinstance(number, types) or number < 0):
                raise ValueError('model %r: %s must be a number, zero or more' % (model, name))
        if config.get('budget_duration') is not None and not isinstance(config['budget_duration'], str):
            raise ValueError('model %r: budget_duration must be a duration such as "30d"' % model)


def without_server_fields(*names):
    """A normaliser that drops, from each mapping of a list, the entries the server adds (``reset_at``)."""

    def normalise(entries):
        return [dict((k, v) for k, v in entry.items() if k not in names) if isinstance(entry, dict) else entry
                for entry in entries or ()]

    return normalise


def without_nulls(mapping):
    """A stored mapping as declared: LiteLLM answers some with every possible entry, unset ones null."""
    return dict((k, v) for k, v in (mapping or {}).items() if v is not None)


def timestamp(value):
    """An ISO 8601 time in one form (UTC), so "...Z" and "...+00:00" compare equal; other text stays as it is."""
    if not isinstance(value, str):
        return value
    try:
        moment = datetime.datetime.fromisoformat(value.replace('Z', '+00:00'))
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc).isoformat()


def check_timestamp(value):
    try:
        datetime.datetime.fromisoformat(value.replace('Z', '+00:00'))
    except ValueError:
        raise ValueError('must be an ISO 8601 time such as "2027-01-31T00:00:00Z"; got %r' % value) from None


def only_entries(*names):
    """A normaliser of a stored mapping with a fixed set of entries: those that are set, nothing the server adds."""

    def normalise(mapping):
        return dict((k, v) for k, v in (mapping or {}).items() if k in names and v not in (None, [], {}))

    return normalise


def check_budget_period(value):
    if value.endswith('mo') and value != '1mo':
        raise ValueError('LiteLLM resets budgets every month at most once a month: use 1mo, or a count of days such as '
                         '"60d"; got %r' % value)


def check_budget_windows(windows):
    """budget_limits: each window a budget period and a budget, zero or more."""
    for index, window in enumerate(windows):
        if not isinstance(window, dict) or set(window) - {'budget_duration', 'max_budget', 'reset_at'}:
            raise ValueError('entry %d must be {budget_duration: "1d", max_budget: N}; got %r' % (index, window))
        period, budget = window.get('budget_duration'), window.get('max_budget')
        if not isinstance(period, str) or not DURATION_PATTERN.match(period):
            raise ValueError('entry %d: budget_duration %s; got %r' % (index, DURATION_HINT, period))
        check_budget_period(period)
        if isinstance(budget, bool) or not isinstance(budget, (int, float)) or budget < 0:
            raise ValueError('entry %d: max_budget must be a number, zero or more; got %r' % (index, budget))
