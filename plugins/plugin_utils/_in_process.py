# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run a module of the collection in the controller's process when its task runs on the controller.

The modules only talk HTTP to the proxy. Run as a module, each task (each item of a ``loop:``) starts a Python
process and ships the module's code to it, which costs about a third of a second; in the controller's process the
same engine costs what its HTTP requests cost. The action plugin of each module (plugins/action/) does this:

- when the task runs on the controller (the ``local`` connection: ``hosts: localhost``, ``delegate_to:
  localhost``, ``connection: local``), is not ``async`` and ``requests`` imports here, it checks the task's
  arguments with the module's own argument spec (environment fallbacks read from the controller's environment
  and the task's ``environment:``), runs the module's own task function (``ModuleDefinition.execute``), and
  masks the ``no_log`` values in the result as ``AnsibleModule`` does;
- otherwise, or with the variable ``litellm_in_process`` false, it executes the module on the target as usual.

Private to the collection (leading underscore): its API may change between releases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import importlib
import os

from ansible import constants as C
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from ansible_collections.llmops.litellm.plugins.module_utils._client import HAS_REQUESTS
from ansible_collections.llmops.litellm.plugins.module_utils._proxy_facts import proxy_facts_scope
from ansible_collections.llmops.litellm.plugins.plugin_utils._plan_report import PLANS_VARIABLE, approved_plan_for

# The variable that turns in-process execution off (true by default): modules then run as modules everywhere.
SWITCH = 'litellm_in_process'
COLLECTION = 'llmops.litellm'


class InProcessAction(ActionBase):
    """The action plugin of one module; subclasses name it in MODULE."""

    MODULE = None
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars if task_vars is not None else {}
        result = super(InProcessAction, self).run(tmp, task_vars)
        del tmp  # no effect any more (ActionBase)
        args = dict(self._task.args)
        missing = self._approved_plan(args, task_vars)
        if missing is not None:
            result.update(failed=True, msg=missing)
            return result
        if not self._runs_in_process(task_vars):
            result.update(self._execute_module(module_name=self._task.action, module_args=args, task_vars=task_vars,
                                               wrap_async=self._task.async_val))
            if not self._task.async_val:
                self._remove_tmp_path(self._connection._shell.tmpdir)
            return result
        result.update(self._run_here(args, task_vars))
        return result

    def _approved_plan(self, args, task_vars):
        """Take the task's approved plan from the plan file's variable when the task names none; a message if a
        plan file is given and holds no plan for this task (an approved run writes only what was previewed)."""
        if args.get('approved_plan') is not None or PLANS_VARIABLE not in task_vars:
            return None
        plans = self._templar.template(task_vars[PLANS_VARIABLE])
        host = task_vars.get('inventory_hostname')
        label = self._loop_label(task_vars)
        plan = approved_plan_for(plans, host, self._task.get_name(), label)
        if plan is None:
            return ('approved_plan: %s holds no approved plan for task %r%s on %s: preview the playbook with the '
                    'callback llmops.litellm.plan and pass its plan file, or give approved_plan'
                    % (PLANS_VARIABLE, self._task.get_name(), ' (item %s)' % label if label is not None else '', host))
        args['approved_plan'] = plan
        return None

    def _loop_label(self, task_vars):
        """This loop item's label, as the task's results name it (loop_control.label, else the item)."""
        if not self._task.loop and not self._task.loop_with:
            return None
        control = self._task.loop_control
        loop_var = (control.loop_var if control is not None else None) or 'item'
        if control is not None and control.label:
            return self._templar.template(control.label)
        return task_vars.get(loop_var)

    def _runs_in_process(self, task_vars):
        switch = task_vars.get(SWITCH, True)
        if not boolean(self._templar.template(switch), strict=False):
            return False
        return HAS_REQUESTS and not self._task.async_val and self._connection.transport == 'local'

    def _module_name(self):
        return '%s.%s' % (COLLECTION, self.MODULE)

    def _definition(self):
        module = importlib.import_module('ansible_collections.llmops.litellm.plugins.modules.' + self.MODULE)
        return module.MODULE

    def _run_here(self, args, task_vars):
        definition = self._definition()
        validator = ArgumentSpecValidator(definition.argument_spec(), **definition.module_options)
        environment = {}
        self._compute_environment_string(raw_environment_out=environment)
        with _environment(environment):
            validated = validator.validate(args)
        no_log_values = validated._no_log_values
        # As AnsibleModule reports a failed validation: the first error decides the wording.
        first = validated.errors.errors[0] if validated.errors.errors else None
        params = validated.validated_parameters
        if first is not None:
            message = validated.errors.msg
            if isinstance(first, UnsupportedError):
                message = 'Unsupported parameters for (%s) module: %s' % (self._module_name(), message)
            return self._finished({'failed': True, 'msg': message}, params, no_log_values, task_vars)
        # The play context holds check and diff mode as they apply to this task (task keywords included).
        # The items of a loop share the task's id: they read the proxy's license and release once for all of them.
        with proxy_facts_scope(self._task._uuid):
            result = definition.execute(params, check_mode=bool(self._play_context.check_mode),
                                        diff=bool(self._play_context.diff))
        return self._finished(result, params, no_log_values, task_vars)

    def _finished(self, result, params, no_log_values, task_vars):
        """The result as AnsibleModule returns it: changed always there, the invocation, no_log values masked."""
        result.setdefault('changed', False)
        if self._inject_invocation(task_vars):
            result['invocation'] = {'module_args': params}
        return _masked(result, no_log_values)

    def _inject_invocation(self, task_vars):
        try:
            return C.config.get_config_value('INJECT_INVOCATION', variables=task_vars)
        except Exception:  # pylint: disable=broad-except
            # Releases before the setting existed always returned the invocation.
            return True


def _masked(result, no_log_values):
    """The result with every no_log value replaced, as AnsibleModule does (booleans and None kept as they are)."""
    preserved = dict((k, v) for k, v in result.items() if v is None or isinstance(v, bool))
    masked = remove_values(result, no_log_values)
    masked.update(preserved)
    return masked


@contextlib.contextmanager
def _environment(variables):
    """The task's ``environment:`` in this process while the options are parsed (for env fallbacks)."""
    saved = dict((name, os.environ.get(name)) for name in variables)
    try:
        for name, value in variables.items():
            os.environ[name] = str(value)
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
