# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Callback for the reliability tests: writes every task result, by host and task name, to a JSON file.

Enabled by tests/reliability/conftest.py for its ansible-playbook runs (ANSIBLE_CALLBACKS_ENABLED=record_results);
the file is named by the environment variable RELIABILITY_RESULTS_FILE. Results of no_log tasks arrive here
already censored by ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r'''
name: record_results
type: aggregate
short_description: Write every task result to a JSON file (reliability tests only)
description:
  - When the playbook ends, writes a JSON object that maps each host to its task results by task name, to the
    file named by the environment variable E(RELIABILITY_RESULTS_FILE).
requirements:
  - enabled in configuration
'''


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'record_results'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.results = {}

    def _record(self, result, status):
        data = dict(result._result)  # pylint: disable=protected-access
        data['_status'] = status
        host = result._host.get_name()  # pylint: disable=protected-access
        task = result._task.get_name()  # pylint: disable=protected-access
        self.results.setdefault(host, {})[task] = data

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._record(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._record(result, 'unreachable')

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get('RELIABILITY_RESULTS_FILE')
        if path:
            with open(path, 'w') as handle:
                json.dump(self.results, handle, default=repr, sort_keys=True)
