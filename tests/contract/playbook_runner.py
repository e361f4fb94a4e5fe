"""Runs generated playbooks with ansible-playbook against the synced collection tree."""

import json
import subprocess

PLAYBOOK_TIMEOUT = 600


def run_playbook(tmp_path, tasks, env, verbosity=0, name='playbook'):
    """Run ``tasks`` on localhost; returns the CompletedProcess (stdout and stderr together in stdout)."""
    playbook = tmp_path / (name + '.json')
    playbook.write_text(json.dumps([{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}], indent=1))
    inventory = tmp_path / 'inventory.ini'
    inventory.write_text('localhost ansible_connection=local\n')
    args = ['ansible-playbook', '-i', str(inventory), str(playbook)]
    if verbosity:
        args.append('-' + 'v' * verbosity)
    return subprocess.run(args, env=env, cwd=str(tmp_path), check=False, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=PLAYBOOK_TIMEOUT,
                          stdin=subprocess.DEVNULL)


def results_task(registered, destination):
    """A task writing the registered results to ``destination`` as JSON, also in check mode."""
    return {'name': 'save the registered results', 'check_mode': False, 'delegate_to': 'localhost',
            'ansible.builtin.copy': {'dest': str(destination), 'mode': '0600',
                                     'content': '{{ %s | to_json }}' % ('[' + ', '.join(registered) + ']')}}
