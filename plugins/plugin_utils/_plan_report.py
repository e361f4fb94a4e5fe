# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The plans of a preview run, for reviewers (Markdown) and for the run that applies them (the plan file).

The callback llmops.litellm.plan feeds a PlanCollector with every task result; the action plugins find a task's
approved plan in the plan file's variable ``litellm_approved_plans`` with ``approved_plan_for``. Both name a task
the same way: host, task name and, in a loop, the item's label.

Private to the collection (leading underscore): its API may change between releases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

# The variable of the plan file that holds the approved plans: {host: {task name: plan | {"items": {label: plan}}}}.
PLANS_VARIABLE = 'litellm_approved_plans'
# What a diff entry may say of the object it describes (never a secret).
IDENTITY = ('key_alias', 'token', 'team_id', 'team_alias', 'user_id', 'budget_id', 'state')


def item_key(label):
    """How a loop item is named in the plan file: its label (loop_control.label, else the item), as text."""
    return label if isinstance(label, str) else json.dumps(label, sort_keys=True)


def approved_plan_for(plans, host, task, label=None):
    """The approved plan of a task (and loop item) from ``litellm_approved_plans``, or None if it has none."""
    entry = ((plans or {}).get(host) or {}).get(task)
    if entry is None:
        return None
    if label is not None and isinstance(entry, dict) and 'items' in entry:
        return entry['items'].get(item_key(label))
    return entry


class PlanCollector:
    """Every llmops.litellm result of a run, kept without secrets."""

    def __init__(self):
        self.entries = []

    def add(self, host, task, module, result, status):
        if 'plan_digest' not in result:
            return      # not a task of this collection, or a loop's summary of its items
        entry = {
            'host': host, 'task': task, 'module': module, 'status': status,
            'item': item_key(result['_ansible_item_label']) if '_ansible_item_label' in result else None,
            'action': result.get('action'), 'changed': bool(result.get('changed')),
            'changed_settings': result.get('changed_settings') or [],
            'plan': result['plan'], 'diff': result.get('diff'),
            'requests': ['%s %s' % (w['method'], w['path']) for w in result['plan']['writes']],
            'objects': result.get('results'),   # litellm_keys: each key's outcome
            'msg': result.get('msg') if status == 'failed' else None,
        }
        self.entries.append(entry)

    def plan_file(self):
        plans = {}
        for entry in self.entries:
            tasks = plans.setdefault(entry['host'], {})
            if entry['item'] is None:
                tasks[entry['task']] = entry['plan']
            else:
                tasks.setdefault(entry['task'], {'items': {}})['items'][entry['item']] = entry['plan']
        summary = [dict((k, e[k]) for k in ('host', 'task', 'item', 'module', 'status', 'action', 'changed'))
                   for e in self.entries]
        for row, entry in zip(summary, self.entries):
            row['digest'] = entry['plan']['digest']
        return {PLANS_VARIABLE: plans, 'litellm_plan_tasks': summary}

    def markdown(self):
        changing = [e for e in self.entries if e['changed'] or e['status'] == 'failed']
        lines = ['# LiteLLM plan', '',
                 '%d task(s) of llmops.litellm: %d would change something, %d would not.'
                 % (len(self.entries), len([e for e in changing if e['status'] != 'failed']),
                    len(self.entries) - len(changing)), '']
        for entry in changing:
            title = entry['task'] + (' [%s]' % entry['item'] if entry['item'] else '')
            lines.append('## %s' % title)
            lines.append('')
            outcome = entry['action'] or entry['status']
            message = ' - %s' % entry['msg'] if entry['msg'] else ''
            lines.append('`%s` on `%s`: **%s**%s' % (entry['module'], entry['host'], outcome, message))
            lines.append('')
            rows = list(_rows(entry))
            if rows:
                lines.append('| object | action | setting | before | after |')
                lines.append('| --- | --- | --- | --- | --- |')
                lines.extend('| %s | %s | %s | %s | %s |' % row for row in rows)
                lines.append('')
            if entry['requests']:
                lines.append('Requests: ' + ', '.join('`%s`' % r for r in entry['requests']))
                lines.append('')
            lines.append('Plan digest: `%s`' % entry['plan']['digest'])
            lines.append('')
        return '\n'.join(lines).rstrip('\n') + '\n'


def _rows(entry):
    """(object, action, setting, before, after) rows of a task's diff; without a diff, the changed settings."""
    diff = entry['diff']
    if not diff:
        for name in entry['changed_settings'] or ['-']:
            yield (_cell(entry['task']), entry['action'], name, '', '')
        return
    before, after = diff.get('before') or {}, diff.get('after') or {}
    if entry['objects'] is not None:
        # litellm_keys: one diff entry per key, by alias.
        actions = dict((o.get('key_alias'), o.get('action')) for o in entry['objects'])
        for name in sorted(set(before) | set(after)):
            yield from _object_rows(name, actions.get(name, ''), before.get(name) or {}, after.get(name) or {})
        return
    label = _label(before, after)
    yield from _object_rows(label, entry['action'], before, after)


def _object_rows(label, action, before, after):
    names = sorted(n for n in set(before) | set(after) if n not in IDENTITY)
    if not names:
        yield (_cell(label), action, 'state', _cell(before.get('state')), _cell(after.get('state')))
        return
    for name in names:
        yield (_cell(label), action, name, _cell(before.get(name)), _cell(after.get(name)))


def _label(before, after):
    for name in IDENTITY[:-1]:
        value = after.get(name, before.get(name))
        if value is not None and name != 'token':
            return '%s=%s' % (name, value)
    return '-'


def _cell(value):
    if value is None or value == '':
        return ''
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text.replace('|', '\\|').replace('\n', ' ')
