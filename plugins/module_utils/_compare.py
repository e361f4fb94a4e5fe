# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How a declared value and a stored one are compared, and how a declared mapping is merged into a stored one.

Four comparisons cover every LiteLLM setting:

- ``STRICT``: equal after normalisation (numbers as floats, so ``1 == 1.0``; mappings recursively).
- ``SET``: an order-free list; duplicates mean nothing to LiteLLM either.
- ``MERGE``: a mapping of which only the declared entries are managed; an entry declared ``None`` must be
  absent. Entries that other tools wrote survive.
- ``MERGE_SETS``: a mapping of order-free lists (a key's object permissions), of which only the declared
  entries are managed.

Private to the collection (leading underscore): its API may change between releases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

STRICT = 'strict'
SET = 'set'
MERGE = 'merge'
MERGE_SETS = 'merge_sets'


class _Flag(tuple):
    """A boolean that equals only a boolean: Python's True == 1 would make a flag equal a count."""


def canonical(value):
    """A comparable form: numbers as floats (1 == 1.0), mappings with string keys, recursively."""
    if value is None:
        return value
    if isinstance(value, bool):
        return _Flag(('flag', value))
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dict):
        return dict((str(k), canonical(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    return value


def _sort_key(value):
    # JSON keeps true and 1 apart on its own; the flags' tuples would turn into lists.
    return json.dumps(_plain(value), sort_keys=True)


def _plain(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dict):
        return dict((str(k), _plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def canonical_set(values):
    """An order-free list in a comparable form: unique, sorted."""
    items = dict((_sort_key(v), canonical(v)) for v in values or ())
    return [items[k] for k in sorted(items)]


def canonical_set_display(values):
    """An order-free list sorted for display, values as given (not coerced to floats)."""
    unique = dict((_sort_key(v), v) for v in values or ())
    return [unique[k] for k in sorted(unique)]


def same(comparison, desired, current):
    """Whether ``current`` already is what ``desired`` declares, under ``comparison``."""
    if comparison == SET:
        return canonical_set(desired) == canonical_set(current)
    if comparison in (MERGE, MERGE_SETS):
        current = current or {}
        for name, value in desired.items():
            if value is None:
                if current.get(name) is not None:
                    return False
            elif not same(SET if comparison == MERGE_SETS and isinstance(value, list) else STRICT, value,
                          current.get(name)):
                return False
        return True
    return canonical(desired) == canonical(current)


def merged(desired, current):
    """``current`` with the declared entries of ``desired`` set, and those declared ``None`` removed."""
    result = dict(current or {})
    for name, value in desired.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = value
    return result
