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

import math
import re

from ansible_collections.llmops.litellm.plugins.module_utils._compare import (
    MERGE,
    SET,
    STRICT,
    canonical_set_display,
    merged,
    same,
)
from ansible_collections.llmops.litellm.plugins.module_utils._errors import InvalidOption

# LiteLLM's duration grammar (litellm_core_utils/duration_parser.py): a count and one unit.
DURATION_PATTERN = re.compile(r'^[1-9][0-9]*(s|m|h|d|w|mo)$')
DURATION_HINT = 'must be a count and a unit (s, m, h, d, w or mo), such as "30d" or "12h"'

# What LiteLLM returns for "not set", by option type: it answers null and empty containers interchangeably.
_UNSET = {'list': [], 'dict': {}, 'bool': False}


class Field:
    """One setting: its option type, how it is validated, where LiteLLM returns it and how it is compared.

    ``read`` is the path (a tuple) or paths (a list of tuples, first found wins) where the stored value sits
    in the object LiteLLM returns; by default the top-level field of the option's name.
    ``create_only`` settings are sent when the object is created and never compared (LiteLLM keeps a key's
    expiry, not its duration). ``compare=None`` leaves the setting to the resource's own code (team members).
    ``check`` is a callable that raises ``ValueError`` with the reason a value is wrong.
    ``enterprise`` records that a proxy without a LiteLLM Enterprise license refuses the setting.
    """

    def __init__(self, name, type='str', elements=None, compare=None, read=None, create_only=False, no_log=False,
                 minimum=None, duration=False, not_empty=False, choices=None, check=None, enterprise=False,
                 options=None, default=None, managed=True):
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
        self.enterprise = enterprise
        self.options = options
        self.default = default
        self.managed = managed

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
        if self.not_empty and self.type == 'str' and not value.strip():
            raise InvalidOption(self.name, 'must not be empty; leave it out to not manage it')
        if self.not_empty and self.type == 'list' and any(not str(item).strip() for item in value):
            raise InvalidOption(self.name, 'must not contain empty names')
        if self.check is not None:
            try:
                self.check(value)
            except ValueError as exc:
                raise InvalidOption(self.name, str(exc))

    def same(self, desired, current):
        return same(self.compare, desired, current)

    def to_send(self, desired, record):
        """The value an update sends: a merged mapping carries the stored entries too (updates replace it)."""
        if self.compare == MERGE:
            return merged(desired, self.read(record) if record is not None else {})
        return desired

    def display(self, value):
        # Order-free lists are shown sorted on both sides, so a diff shows only what was added or removed.
        return canonical_set_display(value) if self.compare == SET else value


class FieldTable:
    """The fields of one resource, in documentation order."""

    def __init__(self, fields):
        self.fields = tuple(fields)
        self.by_name = dict((f.name, f) for f in self.fields)

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

    def desired(self, params):
        """The compared settings the task declares (None means not managed)."""
        return dict((f.name, params[f.name]) for f in self.compared if params.get(f.name) is not None)

    def current(self, record):
        return dict((f.name, f.read(record)) for f in self.compared)

    def differing(self, desired, current):
        return [name for name, value in desired.items() if not self[name].same(value, current[name])]

    def creation_values(self, params):
        """What a create sends: every declared setting, mappings merged over nothing (None entries dropped)."""
        values = {}
        for field in self.fields:
            value = params.get(field.name)
            if value is None or (field.compare is None and not field.create_only):
                continue
            values[field.name] = merged(value, {}) if field.compare == MERGE else value
        return values

    def display(self, values):
        return dict((name, self[name].display(value) if name in self else value) for name, value in values.items())


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

def check_whole_numbers_per_model(value):
    for model, limit in value.items():
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise ValueError('the limit for model %r must be a whole number, zero or more; got %r' % (model, limit))


def check_budget_per_model(value):
    for model, budget in value.items():
        if isinstance(budget, dict):
            budget = budget.get('budget_limit')
        if isinstance(budget, bool) or not isinstance(budget, (int, float)) or budget < 0:
            raise ValueError('the budget for model %r must be a number, zero or more, or '
                             '{budget_limit: N, time_period: "30d"}' % model)
