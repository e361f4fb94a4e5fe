# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Scale benchmark of llmops.litellm against the local LiteLLM-compatible server, on loopback.

    bench/run.sh                       # N = 100 and 1000, litellm_key_info over 10 000 keys (long: about an hour)
    bench/run.sh --sizes 100 --info-keys 1000
    bench/run.sh --smoke --output-dir /tmp/x   # N = 5: proves the script works (used by bench/tests)
    bench/run.sh --sizes 100 --label ansible-2.19 --ansible-bin-dir .venv-ansible-2.19/bin   # a partial run

For each N and each phase (create, no-change re-run, the no-change re-run in check mode, update 10 %, delete)
it runs

    (a) litellm_key in a loop      one ansible-playbook, one task with ``loop:`` over the N keys; on the controller
                                   the module runs in-process (its action plugin), the collection's default
    (m) litellm_key in a loop      the same as modules (litellm_in_process=false): one module process per item
    (b) ansible.builtin.uri        one GET /key/list?key_alias=X per key: the floor of any per-key module loop
    (c) litellm_keys               one ansible-playbook, one task declaring the whole set

and measures wall time, the task's own time (without ansible-playbook's start-up), CPU time of the controller
process tree, its peak RSS, and the requests the server received (its counter is the meter, not the module's
word). (b) does not change the server, so it is measured on the two states the phases start from: no keys
(compared with create) and N keys (compared with no-change, update and delete).

Floors measured with the collection's client in a plain Python loop (no Ansible): every key read by alias
(N requests), the scope read in pages (ceil(N/100) requests), and litellm_keys' engine run in-process.

The table goes to stdout; the JSON to bench/results/<UTC timestamp>.json and bench/results/latest.json
(or --output-dir; a --label run writes <UTC timestamp>-<label>.json and leaves latest.json alone). The
machine (CPUs, CPU model, RAM, load, Python, ansible-core) is recorded with it.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import http.client
import json
import math
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH_DIR)
SERVER_SCRIPT = os.path.join(ROOT, 'tests', 'litellm_test_server', 'server.py')
PLAYBOOKS = os.path.join(BENCH_DIR, 'playbooks')
RESULTS_DIR = os.path.join(BENCH_DIR, 'results')
PAGE = 100  # LiteLLM's largest /key/list page, the modules' default
TEAM = 'bench-team'
INFO_TEAM = 'bench-info'
PHASES = ('create', 'no-change', 'check', 'update', 'delete')
VARIANTS = ('a', 'm', 'b', 'c')
VARIANT_NAMES = {
    'a': 'litellm_key loop',
    'm': 'litellm_key modules',
    'b': 'uri GET loop',
    'c': 'litellm_keys',
}
# The loops (a) and (m) run one playbook; (m) with in-process execution turned off.
LOOP_VARIANTS = ('a', 'm')
# Which state (b) is compared in, per phase: (b) only reads, so create is compared with (b) on an empty
# server and every other phase with (b) on a server holding the N keys.
BASELINE_STATE = {'create': 'empty', 'no-change': 'populated', 'check': 'populated', 'update': 'populated',
                  'delete': 'populated'}
TARGET_M_VS_B = 1.15      # a loop of module runs costs what a loop of bare uri GETs costs
TARGET_A_VS_B = 0.1       # the in-process loop costs a tenth of that, and so does its check mode
TARGET_C_SPEEDUP = 20.0
TARGET_C_VS_FLOOR = 2.0
TARGET_C_VS_BEFORE = 1.1  # litellm_keys no slower than the previous run of the benchmark (10 % for noise)
FLOOR_REPEATS = 3


def log(message):
    sys.stderr.write('[bench %s] %s\n' % (time.strftime('%H:%M:%S'), message))
    sys.stderr.flush()


# -- the machine -----------------------------------------------------------------------------------------------

def _read(path):
    try:
        with open(path, encoding='utf-8') as handle:
            return handle.read()
    except OSError:
        return ''


def machine_info(ansible_python):
    cpu_model = None
    for line in _read('/proc/cpuinfo').splitlines():
        if line.startswith('model name'):
            cpu_model = line.split(':', 1)[1].strip()
            break
    mem_kb = None
    for line in _read('/proc/meminfo').splitlines():
        if line.startswith('MemTotal:'):
            mem_kb = int(line.split()[1])
    versions = subprocess.run(
        [ansible_python, '-c', 'import ansible, requests, sys; print(ansible.__version__); print(requests.__version__); '
                               'print(sys.version.split()[0])'],
        check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout.split()
    return {
        'nproc': len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count(),
        'cpu_count': os.cpu_count(),
        'cpu_model': cpu_model or platform.processor(),
        'ram_gib': round(mem_kb / 1024.0 / 1024.0, 1) if mem_kb else None,
        'kernel': platform.release(),
        'os': platform.platform(),
        'python': versions[2],
        'ansible_core': versions[0],
        'requests': versions[1],
        'bench_python': platform.python_version(),
    }


def load_average():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def code_fingerprint():
    """sha256 over plugins/ and meta/: which code a result belongs to (the repository may have no commit yet)."""
    digest = hashlib.sha256()
    for top in ('plugins', 'meta'):
        for directory, subdirectories, files in sorted(os.walk(os.path.join(ROOT, top))):
            subdirectories[:] = sorted(d for d in subdirectories if d != '__pycache__')
            for name in sorted(files):
                if name.endswith('.pyc'):
                    continue
                path = os.path.join(directory, name)
                digest.update(os.path.relpath(path, ROOT).encode())
                with open(path, 'rb') as handle:
                    digest.update(handle.read())
    return digest.hexdigest()[:16]


def snapshot_collection(target_root):
    """A private copy of the collection: the code measured cannot change under a long run."""
    collection = os.path.join(target_root, 'ansible_collections', 'llmops', 'litellm')
    os.makedirs(collection)
    ignore = shutil.ignore_patterns('__pycache__', '*.pyc')
    for name in ('plugins', 'meta'):
        shutil.copytree(os.path.join(ROOT, name), os.path.join(collection, name), ignore=ignore)
    shutil.copy2(os.path.join(ROOT, 'galaxy.yml'), collection)
    return target_root


# -- the server ------------------------------------------------------------------------------------------------

class BenchServer:
    """The local key server in its own process (its CPU is measured apart from the controller's)."""

    def __init__(self, python, workdir):
        self.master_key = 'sk-bench-' + secrets.token_hex(16)
        ready = os.path.join(workdir, 'server.ready')
        env = dict(os.environ, LITELLM_MASTER_KEY=self.master_key)
        self._log = open(os.path.join(workdir, 'server.log'), 'w')
        self.process = subprocess.Popen(
            [python, SERVER_SCRIPT, '--port', '0', '--db', os.path.join(workdir, 'keys.sqlite3'),
             '--ready-file', ready], env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while not os.path.exists(ready):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError('the test server did not start; see %s' % self._log.name)
            time.sleep(0.05)
        self.url = _read(ready).strip()
        parts = urllib.parse.urlsplit(self.url)
        self._address = (parts.hostname, parts.port)
        self._connection = None

    def request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        headers = {'Authorization': 'Bearer ' + self.master_key, 'Content-Type': 'application/json'}
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection(*self._address, timeout=60)
            try:
                self._connection.request(method, path, body=data, headers=headers)
                response = self._connection.getresponse()
                payload = response.read()
            except (http.client.HTTPException, OSError):
                self._connection.close()
                self._connection = None
                if attempt == 2:
                    raise
                continue
            if response.status != 200:
                raise RuntimeError('%s %s answered %s: %s' % (method, path, response.status, payload[:300]))
            return json.loads(payload)

    def key_requests(self):
        """Requests to the key API since the last reset (the test-only endpoints are left out)."""
        counts = self.request('GET', '/_test/requests')['counts']
        by_endpoint = dict((k, v) for k, v in counts.items() if ' /key/' in k)
        writes = sum(v for k, v in by_endpoint.items() if not k.startswith('GET '))
        reads = sum(by_endpoint.values()) - writes
        return {'reads': reads, 'writes': writes, 'total': reads + writes, 'by_endpoint': by_endpoint}

    def reset(self, data):
        self.request('POST', '/_test/reset', {'data': bool(data)})
        if data:
            # The keys' teams exist, as they must on a real proxy (the key modules check it before a write).
            self.request('POST', '/_test/seed', {'teams': [{'team_id': TEAM}, {'team_id': INFO_TEAM}]})
            self.request('POST', '/_test/reset', {'data': False})

    def count_keys(self, team):
        return self.request('GET', '/key/list?size=1&team_id=%s' % urllib.parse.quote(team))['total_count']

    def generate(self, body):
        return self.request('POST', '/key/generate', body)

    def generate_many(self, keys):
        """Create keys directly over HTTP (one keep-alive connection): fast set-up, not measured."""
        for key in keys:
            body = dict((k, v) for k, v in key.items() if k != 'state')
            self.generate(body)

    def cpu_seconds(self):
        fields = _read('/proc/%d/stat' % self.process.pid).rsplit(')', 1)[-1].split()
        return (int(fields[11]) + int(fields[12])) / float(os.sysconf('SC_CLK_TCK')) if fields else None

    def stop(self):
        if self._connection is not None:
            self._connection.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


# -- measuring a command ---------------------------------------------------------------------------------------

def _process_tree_rss_kb(root_pid):
    """Sum of the RSS of root_pid and every descendant, from /proc."""
    parents = {}
    rss = {}
    page_kb = os.sysconf('SC_PAGE_SIZE') // 1024
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        stat = _read('/proc/%s/stat' % entry)
        statm = _read('/proc/%s/statm' % entry)
        if not stat or not statm:
            continue
        fields = stat.rsplit(')', 1)[-1].split()
        parents.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(statm.split()[1]) * page_kb
    total = 0
    pending = [root_pid]
    while pending:
        pid = pending.pop()
        total += rss.get(pid, 0)
        pending.extend(parents.get(pid, ()))
    return total


def run_measured(command, env, cwd, log_path, poll_interval=0.2):
    """Run ``command``; return wall time, CPU time and peak memory of its whole process tree."""
    peak = {'tree_rss_kb': 0}
    with open(log_path, 'w') as output:
        started = time.monotonic()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT)
        finished = threading.Event()

        def sample():
            while not finished.wait(poll_interval):
                peak['tree_rss_kb'] = max(peak['tree_rss_kb'], _process_tree_rss_kb(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        # wait4 gives this child's resource usage including every descendant it waited for: CPU summed, and
        # ru_maxrss the largest single process of the tree (ansible-playbook, a worker, or a module run).
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - started
        finished.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    return {
        'rc': process.returncode,
        'wall_s': round(wall, 3),
        'cpu_s': round(usage.ru_utime + usage.ru_stime, 3),
        'max_process_rss_mb': round(usage.ru_maxrss / 1024.0, 1),
        'tree_rss_mb': round(peak['tree_rss_kb'] / 1024.0, 1),
    }


# -- workloads -------------------------------------------------------------------------------------------------

def declared_keys(n, state='present', updated=False):
    """The N keys of a run; ``updated`` raises max_budget on every tenth key (10 %)."""
    keys = []
    for index in range(n):
        keys.append({
            'key_alias': 'bench-%d-%05d' % (n, index),
            'state': state,
            'team_id': TEAM,
            'models': ['gpt-4o-mini', 'gpt-4o'],
            'max_budget': 20.0 if (updated and index % 10 == 0) else 10.0,
            'metadata': {'owner': 'bench', 'index': index},
        })
    return keys


def expected_requests(variant, phase, n):
    """What the server should count: (reads, writes). Deviations are flagged in the results."""
    pages = max(1, int(math.ceil(n / float(PAGE))))
    updates = len([i for i in range(n) if i % 10 == 0])
    if variant == 'b':
        return n, 0
    if variant in LOOP_VARIANTS:
        return n, {'create': n, 'no-change': 0, 'check': 0, 'update': updates, 'delete': n}[phase]
    reads = 1 if phase == 'create' else pages
    return reads, {'create': n, 'no-change': 0, 'check': 0, 'update': updates, 'delete': pages}[phase]


class Bench:
    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.bin_dir = args.ansible_bin_dir
        self.python = os.path.join(self.bin_dir, 'python')
        self.collections = snapshot_collection(os.path.join(workdir, 'collections'))
        sys.path.insert(0, self.collections)
        config = os.path.join(workdir, 'ansible.cfg')
        with open(config, 'w') as handle:
            handle.write('[defaults]\n')
        self.env = dict((k, v) for k, v in os.environ.items()
                        if not k.startswith(('ANSIBLE_', 'LITELLM_')))
        self.env.update({
            'ANSIBLE_CONFIG': config,
            'ANSIBLE_COLLECTIONS_PATH': self.collections,
            'ANSIBLE_CALLBACK_PLUGINS': os.path.join(BENCH_DIR, 'callback_plugins'),
            'ANSIBLE_CALLBACKS_ENABLED': 'bench_timer',
            'ANSIBLE_PYTHON_INTERPRETER': self.python,
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_LOCALHOST_WARNING': 'False',
            'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'False',
            'ANSIBLE_RETRY_FILES_ENABLED': 'False',
            'ANSIBLE_PIPELINING': 'True' if args.pipelining else 'False',
            # Private temporary directories: nothing shared with other ansible runs on the machine.
            'ANSIBLE_LOCAL_TEMP': os.path.join(workdir, 'ansible-local-tmp'),
            'ANSIBLE_REMOTE_TMP': os.path.join(workdir, 'ansible-remote-tmp'),
        })
        self.server = BenchServer(sys.executable, workdir)
        self.server.reset(data=True)
        self.rows = []
        self.floors = []
        self.runs = 0
        self.repeats = 1 if args.smoke else FLOOR_REPEATS

    # one ansible-playbook run, measured

    def playbook(self, playbook, extra_vars, args=()):
        self.runs += 1
        vars_file = os.path.join(self.workdir, 'vars-%03d.json' % self.runs)
        extra = {'bench_url': self.server.url, 'bench_api_key': self.server.master_key, 'bench_team': TEAM}
        extra.update(extra_vars)
        with open(vars_file, 'w') as handle:
            json.dump(extra, handle)
        timer_file = os.path.join(self.workdir, 'timer-%03d.json' % self.runs)
        env = dict(self.env, BENCH_TIMER_FILE=timer_file)
        command = [os.path.join(self.bin_dir, 'ansible-playbook'), '-i', 'localhost,',
                   os.path.join(PLAYBOOKS, playbook), '-e', '@' + vars_file] + list(args)
        log_path = os.path.join(self.workdir, 'run-%03d-%s.log' % (self.runs, playbook.replace('.yml', '')))
        self.server.reset(data=False)
        server_cpu = self.server.cpu_seconds()
        measured = run_measured(command, env, self.workdir, log_path)
        measured['server_cpu_s'] = round(self.server.cpu_seconds() - server_cpu, 3)
        measured['requests'] = self.server.key_requests()
        tasks = json.loads(_read(timer_file) or '[]')
        measured['task_s'] = round(tasks[0]['seconds'], 3) if tasks else None
        # Entries in the task's result: loop items, litellm_keys outcomes, or litellm_key_info's virtual_keys.
        measured['handled'] = max(tasks[0]['results'], tasks[0]['virtual_keys']) if tasks else None
        measured['log'] = log_path
        os.unlink(vars_file)  # it holds the master key of this throw-away server
        if measured['rc'] != 0:
            log('%s failed (rc %s); log: %s' % (playbook, measured['rc'], log_path))
        return measured

    def record(self, n, phase, variant, measured, expected=None, **extra):
        row = {'n': n, 'phase': phase, 'variant': variant, 'what': VARIANT_NAMES.get(variant, variant)}
        row.update(measured)
        row.update(extra)
        if expected is not None:
            row['expected_requests'] = {'reads': expected[0], 'writes': expected[1]}
            counted = measured['requests']
            row['ok'] = (measured['rc'] == 0 and counted['reads'] == expected[0] and counted['writes'] == expected[1]
                         and measured['handled'] == n and row.get('state_ok', True))
        self.rows.append(row)
        log('N=%s %-9s %-18s wall %7.2fs  task %s  requests %s (r %s / w %s)  rss %s MB  ok=%s' % (
            n, phase, row['what'], measured['wall_s'], measured.get('task_s'), measured['requests']['total'],
            measured['requests']['reads'], measured['requests']['writes'], measured.get('max_process_rss_mb'),
            row.get('ok')))
        return row

    # the per-N workload

    def run_size(self, n):
        variants = self.args.variants
        baseline_pending = 'b' in variants
        if baseline_pending:
            self.server.reset(data=True)
            measured = self.playbook('uri_loop.yml', {'bench_keys': declared_keys(n)})
            self.record(n, 'state: empty', 'b', measured, expected_requests('b', 'create', n))
        if not any(v in variants for v in ('a', 'm', 'c')):
            self.server.generate_many(declared_keys(n))
        # (c) first, then (m) and (a); (b) on the populated server is measured right after the no-change phases
        # of the last of them, so the comparison the targets make, (a) no-change against (b), runs back to back.
        order = [v for v in ('c', 'm', 'a') if v in variants]
        for variant in order:
            playbook = 'key_set.yml' if variant == 'c' else 'key_loop.yml'
            way = {'litellm_in_process': variant != 'm'}
            self.server.reset(data=True)
            for phase in PHASES:
                keys = {
                    'create': declared_keys(n),
                    'no-change': declared_keys(n),
                    'check': declared_keys(n),
                    'update': declared_keys(n, updated=True),
                    'delete': declared_keys(n, state='absent', updated=True),
                }[phase]
                measured = self.playbook(playbook, dict(way, bench_keys=keys),
                                         args=['--check'] if phase == 'check' else ())
                remaining = self.server.count_keys(TEAM)
                state_ok = remaining == (0 if phase == 'delete' else n)
                self.record(n, phase, variant, measured, expected_requests(variant, phase, n),
                            keys_after=remaining, state_ok=state_ok)
                if phase == 'no-change' and variant == 'c':
                    self.measure_floors(n, keys)
                if phase == 'check' and baseline_pending and variant == order[-1]:
                    # The N keys exist, as declared: the state the no-change, update and delete phases start from.
                    self.measure_populated_baseline(n, keys)
                    baseline_pending = False
        if baseline_pending:
            self.measure_populated_baseline(n, declared_keys(n))

    def measure_populated_baseline(self, n, keys):
        measured = self.playbook('uri_loop.yml', {'bench_keys': keys})
        self.record(n, 'state: populated', 'b', measured, expected_requests('b', 'no-change', n),
                    keys_present=self.server.count_keys(TEAM))

    def measure_playbook_floor(self):
        """ansible-playbook with one module run that sends nothing: what any one-task playbook costs."""
        samples = [self.playbook('ping.yml', {}) for _repeat in range(self.repeats)]
        floor = {'n': None, 'floor': 'ansible-playbook + one module run (ping)',
                 'median_s': statistics.median(m['wall_s'] for m in samples),
                 'median_cpu_s': statistics.median(m['cpu_s'] for m in samples),
                 'median_task_s': statistics.median(m['task_s'] for m in samples),
                 'max_process_rss_mb': max(m['max_process_rss_mb'] for m in samples),
                 'requests': 0, 'repeats': self.repeats}
        self.floors.append(floor)
        log('floor %s: median wall %.2fs, CPU %.2fs' % (floor['floor'], floor['median_s'], floor['median_cpu_s']))

    # floors: the collection's client in a plain Python loop, no Ansible

    def _client(self):
        from ansible_collections.llmops.litellm.plugins.module_utils._client import LiteLLMClient
        return LiteLLMClient(self.server.url, api_key=self.server.master_key)

    def _timed(self, name, n, function):
        samples = []
        counted = None
        for _repeat in range(self.repeats):
            self.server.reset(data=False)
            started = time.perf_counter()
            function()
            samples.append(time.perf_counter() - started)
            counted = self.server.key_requests()
        floor = {'n': n, 'floor': name, 'median_s': round(statistics.median(samples), 4),
                 'min_s': round(min(samples), 4), 'requests': counted['total'], 'repeats': self.repeats}
        self.floors.append(floor)
        log('N=%s floor %-28s median %.3fs  requests %s' % (n, name, floor['median_s'], floor['requests']))
        return floor

    def measure_floors(self, n, keys):
        from ansible_collections.llmops.litellm.plugins.module_utils._key_sets import run_key_set_task

        def per_key_reads():
            client = self._client()
            for key in keys:
                client.list_keys(key_alias=key['key_alias'], page=1, size=PAGE)

        def scope_reads():
            list(self._client().iter_keys(page_size=PAGE, team_id=TEAM))

        def engine():
            params = {'keys': keys, 'team_id': TEAM, 'user_id': None, 'alias_prefix': None, 'exclusive': False,
                      'chosen_keys': None, 'page_size': PAGE}
            result = run_key_set_task(self._client(), params, False)
            if result.get('failed') or result['changed']:
                raise RuntimeError('the in-process engine run was expected to change nothing')

        self._timed('per-key reads (N GETs)', n, per_key_reads)
        self._timed('scope reads (pages of 100)', n, scope_reads)
        self._timed('litellm_keys engine in-process', n, engine)

    # litellm_key_info over many keys

    def run_info(self, count):
        self.server.reset(data=True)
        started = time.monotonic()
        self.server.generate_many({'key_alias': 'info-%05d' % index, 'team_id': INFO_TEAM, 'max_budget': 1.0,
                                   'models': ['gpt-4o-mini'], 'metadata': {'index': index}} for index in range(count))
        log('seeded %d keys over HTTP in %.1fs' % (count, time.monotonic() - started))
        measured = self.playbook('key_info.yml', {'bench_expected_keys': count})
        pages = int(math.ceil(count / float(PAGE)))
        self.record(count, 'list all', 'info', measured, (pages, 0))
        self.rows[-1]['what'] = 'litellm_key_info'
        self._timed('litellm_key_info reads (pages of 100)', count,
                    lambda: list(self._client().iter_keys(page_size=PAGE)))
        self.server.reset(data=True)

    def close(self):
        self.server.stop()


# -- summary ---------------------------------------------------------------------------------------------------

def _row(rows, n, phase, variant):
    for row in rows:
        if row['n'] == n and row['phase'] == phase and row['variant'] == variant:
            return row
    return None


def _floor(floors, n, name):
    for floor in floors:
        if floor['n'] in (n, None) and floor['floor'].startswith(name):
            return floor
    return None


def add_ratios(rows):
    for row in rows:
        if row['variant'] not in ('a', 'm', 'c'):
            continue
        baseline = _row(rows, row['n'], 'state: ' + BASELINE_STATE[row['phase']], 'b')
        if baseline and baseline['wall_s']:
            row['wall_vs_b'] = round(row['wall_s'] / baseline['wall_s'], 3)
            row['cpu_vs_b'] = round(row['cpu_s'] / baseline['cpu_s'], 3) if baseline['cpu_s'] else None


def _ratio(numerator, denominator, digits=2):
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, digits)


def _versus(target, mine, theirs, limit, digits=3, at_least=False):
    """A ratio target: wall and CPU time of ``mine`` over ``theirs`` against ``limit``."""
    wall, cpu = _ratio(mine['wall_s'], theirs['wall_s'], digits), _ratio(mine['cpu_s'], theirs['cpu_s'], digits)

    def met(ratio):
        return ratio is not None and (ratio >= limit if at_least else ratio <= limit)

    target.update(wall=wall, cpu=cpu, met_wall=met(wall), met_cpu=met(cpu))
    return target


def evaluate_targets(rows, floors, previous_rows=()):
    """The issues' targets, judged on wall time and, because other load on the machine moves wall times, on
    CPU time of the controller process tree as well (where both sides have one)."""
    targets = []
    playbook_floor = _floor(floors, None, 'ansible-playbook')
    for n in sorted(set(r['n'] for r in rows if r['variant'] in ('a', 'm', 'c'))):
        a = _row(rows, n, 'no-change', 'a')
        a_check = _row(rows, n, 'check', 'a')
        m = _row(rows, n, 'no-change', 'm')
        b = _row(rows, n, 'state: populated', 'b')
        c = _row(rows, n, 'no-change', 'c')
        if m and b:
            targets.append(_versus({'n': n, 'target': '(m) no-change / (b) <= %.2f' % TARGET_M_VS_B}, m, b,
                                   TARGET_M_VS_B))
        for row, label in ((a, 'no-change'), (a_check, 'no-change in check mode')):
            if row and b:
                targets.append(_versus({'n': n, 'target': '(a) %s / (b) <= %.2f' % (label, TARGET_A_VS_B),
                                        'set_for_n': 1000}, row, b, TARGET_A_VS_B))
        before = _row(previous_rows, n, 'no-change', 'c')
        if c and before:
            targets.append(_versus({'n': n, 'target': '(c) no-change / previous run (c) <= %.2f' % TARGET_C_VS_BEFORE,
                                    'previous_wall_s': before['wall_s']}, c, before, TARGET_C_VS_BEFORE))
        loop = m or a
        if loop and c:
            wall, cpu = _ratio(loop['wall_s'], c['wall_s'], 1), _ratio(loop['cpu_s'], c['cpu_s'], 1)
            targets.append({'n': n, 'target': '(%s) no-change / (c) no-change >= %g' % (loop['variant'],
                                                                                        TARGET_C_SPEEDUP),
                            'wall': wall, 'cpu': cpu, 'met_wall': wall >= TARGET_C_SPEEDUP,
                            'met_cpu': cpu is not None and cpu >= TARGET_C_SPEEDUP, 'set_for_n': 1000})
        if not c:
            continue
        engine = _floor(floors, n, 'litellm_keys engine')
        for name, label in (('per-key', 'N GETs by alias'), ('scope', 'ceil(N/100) page GETs')):
            floor = _floor(floors, n, name)
            if not floor:
                continue
            target = {'n': n, 'target': '(c) no-change / HTTP-reads floor (%s, %.3fs) <= %g'
                                        % (label, floor['median_s'], TARGET_C_VS_FLOOR),
                      'wall': _ratio(c['wall_s'], floor['median_s']),
                      'task': _ratio(c.get('task_s'), floor['median_s']),
                      'engine_in_process': _ratio(engine['median_s'], floor['median_s']) if engine else None}
            if playbook_floor:
                # What (c) costs beyond any one-task playbook (ansible-playbook start-up + one module run).
                target['beyond_one_task_playbook'] = _ratio(max(0.0, c['wall_s'] - playbook_floor['median_s']),
                                                            floor['median_s'])
            target['met_wall'] = target['wall'] <= TARGET_C_VS_FLOOR
            targets.append(target)
    return targets


def format_table(rows, floors, targets):
    lines = []
    header = '%6s  %-16s  %-18s  %9s  %9s  %8s  %9s  %9s  %8s  %8s  %3s' % (
        'N', 'phase', 'variant', 'wall s', 'task s', 'cpu s', 'requests', 'r / w', 'x (b)', 'RSS MB', 'ok')
    lines.append(header)
    lines.append('-' * len(header))
    for row in rows:
        ratio = row.get('wall_vs_b')
        lines.append('%6s  %-16s  %-18s  %9.2f  %9s  %8.2f  %9d  %9s  %8s  %8.1f  %3s' % (
            row['n'], row['phase'], row['what'], row['wall_s'],
            '%.2f' % row['task_s'] if row.get('task_s') is not None else '-', row['cpu_s'],
            row['requests']['total'], '%d / %d' % (row['requests']['reads'], row['requests']['writes']),
            '%.3f' % ratio if ratio is not None else '-', row['max_process_rss_mb'],
            {True: 'yes', False: 'NO', None: '-'}[row.get('ok')]))
    if floors:
        lines.append('')
        lines.append('Floors (median of %d; the HTTP-reads floors use the collection\'s client in a plain Python loop):'
                     % floors[0]['repeats'])
        for floor in floors:
            cpu = '  (CPU %.2f s)' % floor['median_cpu_s'] if floor.get('median_cpu_s') is not None else ''
            lines.append('%6s  %-42s  %8.3f s  %6d requests%s' % (
                floor['n'] if floor['n'] is not None else '-', floor['floor'], floor['median_s'], floor['requests'],
                cpu))
    if targets:
        lines.append('')
        lines.append('Targets (ratios; "met" judged on wall time, CPU time of the controller tree alongside):')
        for target in targets:
            parts = ['wall %s' % target['wall']]
            for field, label in (('cpu', 'CPU'), ('task', 'task alone'),
                                 ('beyond_one_task_playbook', 'beyond a one-task playbook'),
                                 ('engine_in_process', 'engine in-process')):
                if target.get(field) is not None:
                    parts.append('%s %s' % (label, target[field]))
            verdict = 'met' if target['met_wall'] else 'MISSED'
            if 'met_cpu' in target:
                verdict += ' (CPU: %s)' % ('met' if target['met_cpu'] else 'missed')
            if target.get('set_for_n') and target['n'] != target['set_for_n']:
                verdict += ' [target set for N = %d]' % target['set_for_n']
            lines.append('  N=%-5s %s: %s -> %s' % (target['n'], target['target'], ', '.join(parts), verdict))
    return '\n'.join(lines)


# -- main ------------------------------------------------------------------------------------------------------

def previous_rows(args):
    """The rows of the benchmark's previous full run (results/latest.json), to compare litellm_keys with."""
    if args.smoke:
        return []
    try:
        with open(os.path.join(RESULTS_DIR, 'latest.json')) as handle:
            return json.load(handle).get('rows') or []
    except (OSError, ValueError):
        return []


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--sizes', default='100,1000', help='comma-separated N (default 100,1000)')
    parser.add_argument('--info-keys', type=int, default=10000,
                        help='keys for the litellm_key_info run (default 10000; 0 skips it)')
    parser.add_argument('--variants', default='a,m,b,c', help='which of a,m,b,c to run (default all)')
    parser.add_argument('--smoke', action='store_true', help='N = 5 and 20 keys for litellm_key_info: a quick check')
    parser.add_argument('--output-dir', help='where the JSON goes (default bench/results; --smoke: a temp dir)')
    parser.add_argument('--ansible-bin-dir', default=os.path.dirname(sys.executable),
                        help='directory with ansible-playbook and the python it runs modules with '
                             '(default: this interpreter\'s, e.g. .venv/bin)')
    parser.add_argument('--pipelining', action='store_true',
                        help='ANSIBLE_PIPELINING=True (default: Ansible\'s default, off)')
    parser.add_argument('--keep-workdir', action='store_true', help='keep logs and playbook output')
    parser.add_argument('--label', help='a partial run: results/<time>-<label>.json, and latest.json is left alone')
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes = '5'
        args.info_keys = 20
    args.sizes = [int(n) for n in args.sizes.split(',') if n.strip()]
    args.variants = [v.strip() for v in args.variants.split(',') if v.strip()]
    unknown = set(args.variants) - set(VARIANTS)
    if unknown:
        parser.error('unknown variants: %s' % ', '.join(sorted(unknown)))
    if args.smoke and 'm' not in args.variants:
        args.variants.append('m')
    if not os.path.exists(os.path.join(args.ansible_bin_dir, 'ansible-playbook')):
        parser.error('no ansible-playbook in %s (use --ansible-bin-dir)' % args.ansible_bin_dir)
    return args


def main(argv=None):
    args = parse_args(argv)
    workdir = tempfile.mkdtemp(prefix='llmops-litellm-bench-')
    started_at = datetime.datetime.now(datetime.timezone.utc)
    machine = machine_info(os.path.join(args.ansible_bin_dir, 'python'))
    machine['load_average_start'] = load_average()
    log('work directory %s; machine: %s' % (workdir, json.dumps(machine)))
    bench = Bench(args, workdir)
    try:
        bench.measure_playbook_floor()
        for n in args.sizes:
            bench.run_size(n)
        if args.info_keys:
            bench.run_info(args.info_keys)
    finally:
        bench.close()
    machine['load_average_end'] = load_average()
    add_ratios(bench.rows)
    targets = evaluate_targets(bench.rows, bench.floors, previous_rows(args))
    for row in bench.rows:
        row['log'] = os.path.basename(row['log'])
    result = {
        'started_at': started_at.isoformat(),
        'duration_s': round((datetime.datetime.now(datetime.timezone.utc) - started_at).total_seconds(), 1),
        'machine': machine,
        'config': {'sizes': args.sizes, 'info_keys': args.info_keys, 'variants': args.variants, 'label': args.label,
                   'pipelining': args.pipelining, 'page_size': PAGE, 'smoke': args.smoke,
                   'code_fingerprint': code_fingerprint(),
                   'server': 'tests/litellm_test_server (separate process, SQLite, loopback HTTP)'},
        'rows': bench.rows,
        'floors': bench.floors,
        'targets': targets,
    }
    table = format_table(bench.rows, bench.floors, targets)
    print(table)
    output_dir = args.output_dir or (workdir if args.smoke else RESULTS_DIR)
    os.makedirs(output_dir, exist_ok=True)
    stamp = started_at.strftime('%Y-%m-%dT%H%M%SZ')
    if args.label:
        stamp += '-' + re.sub(r'[^A-Za-z0-9_.-]+', '-', args.label)
    for name in [stamp + '.json'] + ([] if args.label else ['latest.json']):
        with open(os.path.join(output_dir, name), 'w') as handle:
            json.dump(result, handle, indent=2, sort_keys=True)
            handle.write('\n')
    print('\nJSON: %s' % os.path.join(output_dir, stamp + '.json'))
    failed = [r for r in bench.rows if r.get('ok') is False]
    if args.keep_workdir or failed or output_dir == workdir:
        log('logs kept in %s' % workdir)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    if failed:
        log('%d measurements did not do what they should (see "ok" in the JSON)' % len(failed))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
