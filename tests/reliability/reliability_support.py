# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers shared by the reliability tests (conftest.py puts this directory on sys.path)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess
import sys

RELIABILITY_DIR = os.path.dirname(os.path.abspath(__file__))
COLLECTION_DIR = os.path.dirname(os.path.dirname(RELIABILITY_DIR))
COLLECTIONS_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION_DIR)))
CALLBACK_DIR = os.path.join(RELIABILITY_DIR, 'callback_plugins')

# Environment variables that would change what the modules or ansible do; the runs here set their own.
FOREIGN_ENVIRONMENT = ('LITELLM_PROXY_URL', 'LITELLM_PROXY_API_KEY', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE',
                       'HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ANSIBLE_CONFIG')


# -- shared assertions --------------------------------------------------------------------------------------

def assert_clean(result, *secrets):
    """A module answer that the module itself produced, with no traceback and none of ``secrets`` in it.

    A failure reported by the module (fail_json) carries ``invocation``; one that escaped as an exception
    does not, and ansible reports it as "MODULE FAILURE" (< 2.19) or "Module failed: ..." (2.19+).
    ansible-core 2.19 marks every failure with ``exception: (traceback unavailable)``: that is no traceback.
    """
    text = json.dumps(result, sort_keys=True)
    for marker in ('Traceback', 'MODULE FAILURE', 'Module failed'):
        assert marker not in text, text
    assert not result.get('module_stderr'), text
    assert result.get('exception') in (None, '(traceback unavailable)'), text
    if result.get('failed'):
        assert 'invocation' in result, 'the failure did not come from the module: %s' % text
    for secret in secrets:
        assert secret not in text, 'a secret appears in the result: %s' % text.replace(secret, '<SECRET>')


# -- ansible-playbook ---------------------------------------------------------------------------------------

class PlaybookRun:
    """One ansible-playbook run: exit code, full output, and every task result by host and task name."""

    def __init__(self, returncode, output, results):
        self.returncode = returncode
        self.output = output
        self.results = results

    def result(self, task, host='localhost'):
        try:
            return self.results[host][task]
        except KeyError:
            raise AssertionError('no result for task %r on host %r; output:\n%s' % (task, host, self.output[-4000:]))


def _ansible_playbook():
    # RELIABILITY_ANSIBLE_PLAYBOOK runs the playbook tests with another ansible-core (such as the oldest
    # supported one); the modules still run on this Python, which has requests.
    chosen = os.environ.get('RELIABILITY_ANSIBLE_PLAYBOOK')
    if chosen:
        return chosen
    beside = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    return beside if os.path.exists(beside) else shutil.which('ansible-playbook')


def run_playbook(workdir, plays, hosts=('localhost',), forks=5, args=(), env=None):
    """Run ``plays`` (a list of plays as Python data, written as JSON, which is YAML) with ansible-playbook.

    ``workdir`` (a pathlib.Path, created) holds the playbook, inventory, configuration and temporary files.
    Hosts are local connections using this Python, which has ``requests``.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    playbook = workdir / 'playbook.yml'
    playbook.write_text(json.dumps(plays, indent=1))
    inventory = workdir / 'inventory.ini'
    inventory.write_text('[targets]\n' + ''.join(
        '%s ansible_connection=local ansible_python_interpreter=%s\n' % (host, sys.executable) for host in hosts))
    config = workdir / 'ansible.cfg'
    config.write_text('[defaults]\n')
    results_file = workdir / 'results.json'
    environment = dict(os.environ)
    for variable in FOREIGN_ENVIRONMENT:
        environment.pop(variable, None)
    environment.update({
        'ANSIBLE_CONFIG': str(config),
        'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS_ROOT,
        'ANSIBLE_CALLBACK_PLUGINS': CALLBACK_DIR,
        'ANSIBLE_CALLBACKS_ENABLED': 'record_results',
        'RELIABILITY_RESULTS_FILE': str(results_file),
        'ANSIBLE_FORKS': str(forks),
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_LOCAL_TEMP': str(workdir / 'local_tmp'),
        'ANSIBLE_REMOTE_TEMP': str(workdir / 'remote_tmp'),
        'ANSIBLE_HOME': str(workdir / 'ansible_home'),
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        # Results carry their invocation (ansible-core 2.21 leaves it out by default): assert_clean uses it to
        # tell a module's failure from ansible's.
        'ANSIBLE_INJECT_INVOCATION': 'true',
    })
    environment.update(env or {})
    command = [_ansible_playbook(), '-i', str(inventory), str(playbook)] + list(args)
    completed = subprocess.run(command, cwd=str(workdir), env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=600, check=False)
    output = completed.stdout.decode('utf-8', 'replace')
    if not results_file.exists():
        raise AssertionError('ansible-playbook ended (rc %s) before its results were written:\n%s'
                             % (completed.returncode, output[-6000:]))
    return PlaybookRun(completed.returncode, output, json.loads(results_file.read_text()))
