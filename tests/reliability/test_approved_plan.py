# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The CI gate end to end: preview with the plan callback, review the report, apply exactly what was approved.

A merge request's job runs the playbook with --check --diff and the callback llmops.litellm.plan, which writes a
plan file and a Markdown report; a later job applies with the plan file (-e @plan.json). If the proxy changed in
between, the apply is refused and writes nothing; after a new preview it applies cleanly.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

import pytest

from reliability_support import run_playbook

from ansible_collections.llmops.litellm.plugins.module_utils._client import LiteLLMClient

CHOSEN = 'sk-gate-chosen-secret-0123456789'


def plays(server):
    connection = {'api_url': server.url, 'api_key': server.master_key, 'retries': 0}
    return [{'name': 'LiteLLM as code', 'hosts': 'localhost', 'gather_facts': False,
             'module_defaults': {'group/llmops.litellm.litellm': connection},
             'tasks': [
                 {'name': 'The team', 'llmops.litellm.litellm_team': {'team_id': 'gate-team', 'max_budget': 100}},
                 {'name': 'The service key', 'llmops.litellm.litellm_key': {
                     'key_alias': 'gate-service', 'team_id': 'gate-team', 'max_budget': 10, 'key': CHOSEN},
                  'no_log': '{{ not ansible_check_mode }}'},
                 {'name': 'The people', 'llmops.litellm.litellm_user': {'user_id': '{{ item }}', 'max_budget': 5},
                  'loop': ['gate-alice', 'gate-bob']},
                 {'name': 'The notebooks', 'llmops.litellm.litellm_keys': {'team_id': 'gate-team', 'keys': [
                     {'key_alias': 'gate-nb-1', 'max_budget': 1}, {'key_alias': 'gate-nb-2', 'max_budget': 2}]},
                  'no_log': '{{ not ansible_check_mode }}'},
                 {'name': 'What the team has', 'llmops.litellm.litellm_key_info': {'team_id': 'gate-team'}},
             ]}]


@pytest.fixture
def gate(litellm_server, tmp_path):
    """run(job, *args): a job of the pipeline (its own directory), with the plan callback enabled."""

    def run(job, *args):
        workdir = tmp_path / job
        workdir.mkdir()
        env = {'ANSIBLE_CALLBACKS_ENABLED': 'record_results,llmops.litellm.plan',
               'LITELLM_PLAN_FILE': str(workdir / 'plan.json'), 'LITELLM_PLAN_REPORT': str(workdir / 'plan.md')}
        return run_playbook(workdir, plays(litellm_server), args=list(args), env=env), workdir

    return run


def writes(server):
    return server.counts()['writes']


def test_preview_approve_apply(gate, litellm_server):
    preview, preview_dir = gate('preview', '--check', '--diff')
    assert preview.returncode == 0, preview.output[-3000:]
    assert writes(litellm_server) == 0
    plan = json.loads((preview_dir / 'plan.json').read_text())
    report = (preview_dir / 'plan.md').read_text()

    approved = plan['litellm_approved_plans']['localhost']
    assert sorted(approved) == ['The notebooks', 'The people', 'The service key', 'The team', 'What the team has']
    assert sorted(approved['The people']['items']) == ['gate-alice', 'gate-bob']
    assert [w['path'] for w in approved['The notebooks']['writes']] == ['/key/generate', '/key/generate']
    # The report: a table per changing task, the requests, the digests; never a secret.
    assert '| team_id=gate-team | create | max_budget |  | 100.0 |' in report
    assert '| gate-nb-2 | create | max_budget |  | 2.0 |' in report
    assert '`POST /team/new`' in report and 'Plan digest: `sha256:' in report
    for text in (report, json.dumps(plan)):
        assert CHOSEN not in text and litellm_server.master_key not in text
        assert not re.search(r'sk-[A-Za-z0-9_-]{16,}', text)

    applied = gate('apply', '-e', '@%s' % (preview_dir / 'plan.json'))[0]
    assert applied.returncode == 0, applied.output[-3000:]
    results = applied.results['localhost']
    assert results['The team']['plan_digest'] == approved['The team']['digest']
    assert results['The team']['action'] == 'create'
    # The key tasks are no_log in a real run (their results hold secrets): the server says what they did.
    assert results['The notebooks']['censored'] and results['The notebooks']['changed']
    client = LiteLLMClient(litellm_server.url, api_key=litellm_server.master_key, retries=0)
    assert sorted(k['key_alias'] for k in client.list_keys(team_id='gate-team')['keys']) == [
        'gate-nb-1', 'gate-nb-2', 'gate-service']

    again, again_dir = gate('preview-again', '--check', '--diff')
    assert again.returncode == 0
    assert ': 0 would change something, 6 would not.' in (again_dir / 'plan.md').read_text()


def test_a_change_between_preview_and_apply_is_refused_and_nothing_is_written(gate, litellm_server):
    first = gate('first-apply')[0]
    assert first.returncode == 0, first.output[-3000:]

    # The preview finds nothing to do; then someone raises the team's budget in the LiteLLM UI.
    preview, preview_dir = gate('preview', '--check', '--diff')
    assert preview.returncode == 0
    client = LiteLLMClient(litellm_server.url, api_key=litellm_server.master_key, retries=0)
    client.update_team({'team_id': 'gate-team', 'max_budget': 500})
    litellm_server.reset(data=False)

    refused = gate('apply', '-e', '@%s' % (preview_dir / 'plan.json'))[0]
    assert refused.returncode != 0
    failure = refused.results['localhost']['The team']
    assert failure['_status'] == 'failed'
    assert failure['msg'].startswith('approved_plan: the proxy changed since the plan was approved')
    assert 'POST /team/update (team_id=gate-team) is planned but was not approved' in failure['msg']
    assert 'Nothing was written' in failure['msg']
    assert writes(litellm_server) == 0, 'a refused apply wrote'

    # A new preview shows the change back to the declared budget; approved and applied, it is made, alone.
    preview, preview_dir = gate('preview-2', '--check', '--diff')
    report = (preview_dir / 'plan.md').read_text()
    assert '| team_id=gate-team | update | max_budget | 500.0 | 100.0 |' in report
    applied = gate('apply-2', '-e', '@%s' % (preview_dir / 'plan.json'))[0]
    assert applied.returncode == 0, applied.output[-3000:]
    assert applied.results['localhost']['The team']['changed_settings'] == ['max_budget']
    assert writes(litellm_server) == 1


def test_a_task_the_preview_did_not_plan_is_refused(gate, litellm_server, tmp_path):
    preview, preview_dir = gate('preview', '--check')
    plan = json.loads((preview_dir / 'plan.json').read_text())
    del plan['litellm_approved_plans']['localhost']['The people']
    (tmp_path / 'partial.json').write_text(json.dumps(plan))
    litellm_server.reset(data=False)

    refused = gate('apply', '-e', '@%s' % (tmp_path / 'partial.json'))[0]
    assert refused.returncode != 0
    (alice, bob) = refused.results['localhost']['The people']['results']
    assert "holds no approved plan for task 'The people' (item gate-alice)" in alice['msg']
    assert "holds no approved plan for task 'The people' (item gate-bob)" in bob['msg']
    assert writes(litellm_server) == 2, 'only the team and the service key, approved, were written'
