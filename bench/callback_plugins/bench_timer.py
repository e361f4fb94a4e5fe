# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Benchmark helper (bench/bench.py): writes each task's wall time to the JSON file named by $BENCH_TIMER_FILE.

A task's time runs from its start to its final result (after every loop item), so it excludes
ansible-playbook's own start-up and playbook parsing, which the benchmark's wall time includes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: bench_timer
type: aggregate
short_description: Record task durations for the llmops.litellm benchmark
description:
  - Writes a JSON list of {name, seconds, status, results, virtual_keys} to the file named by the BENCH_TIMER_FILE
    environment variable; results and virtual_keys count the entries of those lists in the task's result (loop items or
    litellm_keys outcomes; litellm_key_info's virtual_keys), so the benchmark can check every key was handled.
requirements:
  - enable in configuration
'''

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_timer'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._started = {}
        self._tasks = []

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._started[task._uuid] = (task.get_name(), time.monotonic())

    def _finish(self, result, status):
        ended = time.monotonic()
        name, started = self._started.pop(result._task._uuid, (result._task.get_name(), None))
        if started is not None:
            counts = dict((field, len(result._result.get(field) or ())) for field in ('results', 'virtual_keys'))
            self._tasks.append(dict(counts, name=name, seconds=ended - started, status=status))

    def v2_runner_on_ok(self, result):
        self._finish(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._finish(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._finish(result, 'skipped')

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get('BENCH_TIMER_FILE')
        if path:
            with open(path, 'w') as handle:
                json.dump(self._tasks, handle)
