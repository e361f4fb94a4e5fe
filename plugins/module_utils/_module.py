# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The module base: the connection options merged in, one client, every error turned into a clean failure.

A module is a short file: its argument spec (mostly a resource's field table) and a task function
``task(client, params, check_mode) -> result``. ``execute`` runs that function the same way wherever it runs
and returns the result instead of exiting, so that the same code serves a module on a target and a task run
in-process on the controller; a ``ModuleDefinition`` holds a module's parts and is its ``main()``.

Private to the collection (leading underscore): its API may change between releases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.llmops.litellm.plugins.module_utils._approval import approval_argument_spec, plan_of
from ansible_collections.llmops.litellm.plugins.module_utils._client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    Redactor,
)
from ansible_collections.llmops.litellm.plugins.module_utils._connection_options import (
    client_from_params,
    connection_argument_spec,
)
from ansible_collections.llmops.litellm.plugins.module_utils._errors import InvalidOption, LiteLLMError


def with_connection_options(argument_spec):
    """A module's argument spec with the options every module has: the connection and ``approved_plan``."""
    spec = connection_argument_spec()
    spec.update(approval_argument_spec())
    spec.update(argument_spec)
    return spec


def page_size_option():
    return {'type': 'int', 'default': 100}


def validate_page_size(params):
    if not 1 <= params['page_size'] <= 100:
        raise InvalidOption('page_size', 'must be between 1 and 100 (LiteLLM serves at most 100 objects per page)')


def execute(task, params, check_mode=False, diff=False, validate=None):
    """Run ``task(client, params, check_mode)``; return its result, or a failure result on bad input or a proxy error.

    Nothing raises out of here for those: a failure is a result with ``failed: true``, a message naming the
    option or quoting the proxy (secrets masked) and the requests made so far. The caller fails outside any
    except block on purpose: ansible-core before 2.19 attaches the traceback of the exception being handled to
    the result and prints it at -vvv.
    """
    if not HAS_REQUESTS:
        return {'failed': True, 'msg': missing_required_lib('requests'), 'exception': REQUESTS_IMPORT_ERROR}
    client = None
    failure = None
    try:
        if validate is not None:
            validate(params)
        client = client_from_params(params)
        result = task(client, params, check_mode)
    except (InvalidOption, LiteLLMError) as exc:
        failure = exc
    finally:
        if client is not None:
            client.close()
    if failure is not None:
        return failure_result(failure, client, Redactor([params.get('api_key')]))
    if not diff:
        result.pop('diff', None)
    if 'plan_digest' not in result:
        # A task that plans no write (the info modules) has the digest of the empty plan.
        empty = plan_of([])
        result.update(plan_digest=empty['digest'], plan=empty)
    return result


def failure_result(error, client, redactor):
    result = {'failed': True, 'msg': (client.redactor if client is not None else redactor).text(str(error))}
    if isinstance(error, InvalidOption):
        result['option'] = error.option
    else:
        result['error'] = error.to_dict()
    if client is not None:
        result['requests'] = client.history
    return result


class ModuleDefinition:
    """What a module is: its options, its task function and its input checks.

    The module's main() runs it through AnsibleModule on the target; the collection's action plugins run the very
    same definition in the controller's process (plugin_utils/_in_process.py).
    """

    def __init__(self, argument_spec, task, validate=None, **module_options):
        self._argument_spec = argument_spec
        self.task = task
        self.validate = validate
        # AnsibleModule's other checks of the options (required_one_of, mutually_exclusive, ...).
        self.module_options = module_options

    def argument_spec(self):
        """The module's whole argument spec, connection options included (a new dict each time)."""
        return with_connection_options(self._argument_spec())

    def execute(self, params, check_mode=False, diff=False):
        return execute(self.task, params, check_mode=check_mode, diff=diff, validate=self.validate)

    def main(self):
        """Parse the options, execute the task, exit with its result."""
        module = AnsibleModule(argument_spec=self.argument_spec(), supports_check_mode=True, **self.module_options)
        result = self.execute(module.params, check_mode=module.check_mode, diff=module._diff)
        for warning in result.pop('warnings', ()):
            module.warn(warning)
        if result.pop('failed', False):
            module.fail_json(**result)
        module.exit_json(**result)
