# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The benchmark script runs end to end (bench.py --smoke: N = 5). It checks the script, not the figures."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'bench.py')


def test_smoke_run_measures_every_variant_and_writes_json(tmp_path):
    finished = subprocess.run([sys.executable, BENCH, '--smoke', '--output-dir', str(tmp_path)], check=False,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=900)

    assert finished.returncode == 0, finished.stderr[-3000:]
    result = json.loads((tmp_path / 'latest.json').read_text())
    rows = dict(((r['n'], r['phase'], r['variant']), r) for r in result['rows'])
    phases = ('create', 'no-change', 'check', 'update', 'delete')
    expected = set([(5, p, v) for p in phases for v in ('a', 'm', 'c')]
                   + [(5, 'state: empty', 'b'), (5, 'state: populated', 'b'), (20, 'list all', 'info')])
    assert set(rows) == expected
    # Each measurement sent exactly the requests it should (the server's counter against the expectation).
    assert all(r['ok'] for r in result['rows']), [r for r in result['rows'] if not r['ok']]
    assert rows[(5, 'no-change', 'c')]['requests'] == {'reads': 1, 'writes': 0, 'total': 1,
                                                       'by_endpoint': {'GET /key/list': 1}}
    assert rows[(5, 'no-change', 'a')]['requests']['total'] == 5
    assert rows[(5, 'check', 'a')]['requests'] == rows[(5, 'check', 'm')]['requests']
    assert all(r['max_process_rss_mb'] > 0 and r['wall_s'] > 0 for r in result['rows'])
    assert set(f['floor'] for f in result['floors']) >= {'per-key reads (N GETs)', 'scope reads (pages of 100)'}
    for field in ('nproc', 'cpu_model', 'ram_gib', 'python', 'ansible_core'):
        assert result['machine'][field]
    assert 'litellm_keys' in finished.stdout and '\nTargets' in finished.stdout
