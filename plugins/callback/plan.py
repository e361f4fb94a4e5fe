# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: plan
type: aggregate
short_description: Collect the plans of llmops.litellm tasks into a plan file and a Markdown report
version_added: 0.2.0
description:
  - For a check-mode preview of a change (C(ansible-playbook site.yml --check --diff)), collects every
    llmops.litellm task's plan - what it would create, update or delete, the settings before and after, the
    requests, and the plan's digest - and writes, when the playbook ends,
  - a JSON plan file, ready to pass to the run that applies the change as extra variables
    (C(ansible-playbook site.yml -e @plan.json)). Its variable C(litellm_approved_plans) holds each task's plan by
    host, task name and loop item; every llmops.litellm task of that run takes its plan from there as
    O(llmops.litellm.litellm_key#module:approved_plan), so it writes only what was previewed, and fails without
    writing if the proxy changed since;
  - and a Markdown report (a table per task that changes something - object, action, setting, before and after -
    and its requests), ready to post as a merge request comment.
  - Never writes a secret - neither API keys nor generated keys nor chosen ones (those appear only as their
    sha256 in the plan's writes).
author:
  - llmops.litellm maintainers (@llmops)
requirements:
  - enable in configuration (C(callbacks_enabled = llmops.litellm.plan))
options:
  plan_file:
    description: Where to write the JSON plan file.
    type: path
    default: litellm-plan.json
    env:
      - name: LITELLM_PLAN_FILE
    ini:
      - section: callback_llmops_litellm_plan
        key: plan_file
  report_file:
    description: Where to write the Markdown report.
    type: path
    default: litellm-plan.md
    env:
      - name: LITELLM_PLAN_REPORT
    ini:
      - section: callback_llmops_litellm_plan
        key: report_file
'''

import json

from ansible.plugins.callback import CallbackBase

from ansible_collections.llmops.litellm.plugins.plugin_utils._plan_report import PlanCollector


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'llmops.litellm.plan'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.collector = PlanCollector()

    def _collect(self, result, status):
        # pylint: disable=protected-access
        self.collector.add(result._host.get_name(), result._task.get_name(), result._task.action, result._result,
                           status)

    def v2_runner_on_ok(self, result):
        self._collect(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._collect(result, 'failed')

    def v2_runner_item_on_ok(self, result):
        self._collect(result, 'ok')

    def v2_runner_item_on_failed(self, result):
        self._collect(result, 'failed')

    def v2_playbook_on_stats(self, stats):
        with open(self.get_option('plan_file'), 'w') as handle:
            json.dump(self.collector.plan_file(), handle, indent=1, sort_keys=True)
        with open(self.get_option('report_file'), 'w') as handle:
            handle.write(self.collector.markdown())
