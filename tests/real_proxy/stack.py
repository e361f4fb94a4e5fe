"""The real LiteLLM proxy on a real PostgreSQL, built from package registries only: the library and the CLI.

LiteLLM keeps keys, teams, users and budgets in PostgreSQL through prisma-client-py, whose native query engine
downloads from a host these machines cannot reach. The stack replaces only that engine, with Prisma's own engine
of the same commit compiled to WebAssembly (engine/query-engine.js); everything else is the real thing:
``litellm[proxy]`` from PyPI (the venv the contract tier uses too, proxy_venv.py), Debian's PostgreSQL 15 in a
private throw-away cluster, and LiteLLM's own SQL migrations (litellm-proxy-extras).

Command line (scripts/real-proxy.sh wraps it; run with the dev venv's Python, stdlib + requests)::

    stack.py build                  # once: venv, npm packages of engine/, `prisma generate` (cached, see below)
    stack.py start                  # PostgreSQL + migrations + proxy in the state dir; prints URL and key file
    stack.py status | stop
    stack.py run -- CMD ARGS...     # a stack of its own for CMD (LITELLM_PROXY_URL, LITELLM_PROXY_API_KEY in
                                    # its environment), stopped whatever happens; exits with CMD's status

The build is cached in ``${XDG_CACHE_HOME:-~/.cache}/llmops-litellm/real-proxy-VERSION/`` (VERSION from
tests/contract/litellm-version.txt), complete once its stamp, written last, names the build's inputs; parallel
builds wait for each other (flock). A state dir (default ``<repo>/.build/real-proxy/default``; ``run`` uses one
of its own) holds the cluster, the logs and ``master-key``, the proxy's random master key (mode 0600: it is never
printed nor put on a command line, and the logs are scrubbed of it).

With ``LITELLM_TEST_PROXY_URL`` and ``LITELLM_TEST_PROXY_MASTER_KEY`` set (a proxy of your own, e.g. LiteLLM's
database image), nothing is built or started: ``run`` and the tests use that proxy.

Library (the pytest fixtures, conftest.py)::

    with RealProxyStack(state_dir).start() as stack:   # or existing_proxy() for the one named above
        stack.url, stack.master_key
"""

import argparse
import contextlib
import fcntl
import glob
import hashlib
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

REAL_PROXY_DIR = pathlib.Path(__file__).resolve().parent
SUPPLEMENT_MIGRATIONS = REAL_PROXY_DIR / 'migrations'
if str(REAL_PROXY_DIR) not in sys.path:
    sys.path.insert(0, str(REAL_PROXY_DIR))

import proxy_venv  # noqa: E402  pylint: disable=wrong-import-position
from litellm_proxy import MASK, LiteLLMProxy, StartupFailed, free_port, group_alive, stop_group  # noqa: E402  pylint: disable=wrong-import-position

ENGINE_SOURCE = REAL_PROXY_DIR / 'engine'
# What prisma-client-py executes (PRISMA_QUERY_ENGINE_BINARY): a wrapper that runs query-engine.js on Node.js.
ENGINE_EXECUTABLE = ENGINE_SOURCE / 'query-engine'
# Bump when the build's steps change: cached builds of another format are redone.
BUILD_FORMAT = 1
POSTGRES_MAJOR = 15
DATABASE = 'litellm'
EXISTING_URL = 'LITELLM_TEST_PROXY_URL'
EXISTING_KEY = 'LITELLM_TEST_PROXY_MASTER_KEY'
# Importing LiteLLM and starting it on a database takes about 45 s here; far more on a busy 2-core machine.
PROXY_STARTUP_TIMEOUT = 300.0
MIN_NODE_MAJOR = 18


class StackError(RuntimeError):
    """Something the stack needs is missing or failed; the message says what and where to look."""


def log(message):
    print('==> ' + message, file=sys.stderr, flush=True)


def repository_root():
    """The checkout this file belongs to: the nearest directory up with .git (the synced copy under .build/
    has none, and state inside it would be deleted by the next sync), else the tree this file is in."""
    for directory in REAL_PROXY_DIR.parents:
        if (directory / '.git').exists():
            return directory
    return REAL_PROXY_DIR.parents[1]


STATE_ROOT = repository_root() / '.build' / 'real-proxy'
DEFAULT_STATE_DIR = STATE_ROOT / 'default'


def _sha256(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def _run(command, what, log_path=None, **kwargs):
    """Run ``command``; on failure raise StackError naming ``what``, with the output's end (and its log)."""
    kwargs.setdefault('stdin', subprocess.DEVNULL)
    process = subprocess.run(command, check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             universal_newlines=True, **kwargs)
    if log_path is not None:
        with open(str(log_path), 'a') as log_file:
            log_file.write(process.stdout)
    if process.returncode != 0:
        tail = '\n'.join(process.stdout.splitlines()[-30:])
        raise StackError('%s failed (exit status %d%s):\n%s' % (
            what, process.returncode, ', log: %s' % log_path if log_path else '', tail))
    return process.stdout


@contextlib.contextmanager
def _locked(path):
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(str(path), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


# ---------------------------------------------------------------------------------------------------------------
# The build: venv, engine packages, generated client


class Build:
    """A complete build: where its parts are and the environment that makes prisma-client-py use the engine."""

    def __init__(self, root, venv, info):
        self.root = pathlib.Path(root)
        self.venv = pathlib.Path(venv)
        self.info = info
        self.engine_dir = self.root / 'engine'
        self.node_modules = self.engine_dir / 'node_modules'
        # `prisma generate` writes the client here rather than into the shared venv, which stays as pip left it.
        self.client_dir = self.root / 'client'
        self.schema = self.client_dir / 'prisma' / 'schema.prisma'
        self.migrations = pathlib.Path(info['migrations'])

    def engine_env(self):
        """What the query engine (and prisma-client-py's CLI) need, on top of any environment."""
        return {
            'PRISMA_QUERY_ENGINE_BINARY': str(ENGINE_EXECUTABLE),
            # There is no schema engine here (migrations are applied with psql): a Prisma CLI command that asks
            # for one gets the query engine, which refuses at once, instead of a download that hangs.
            'PRISMA_SCHEMA_ENGINE_BINARY': str(ENGINE_EXECUTABLE),
            'NODE_PATH': str(self.node_modules),
            'LLMOPS_EXPECTED_ENGINE_COMMIT': self.info['engine_commit'],
            # prisma-client-py runs the Prisma CLI from here (npm ci put it there), instead of installing its own.
            'PRISMA_BINARY_CACHE_DIR': str(self.engine_dir),
            'PRISMA_HIDE_UPDATE_MESSAGE': 'true',
            'CHECKPOINT_DISABLE': '1',
        }

    def proxy_env(self, database_url):
        env = self.engine_env()
        env.update({
            'DATABASE_URL': database_url,
            # Migrations are applied by stack.py; the proxy must not try (it would need Prisma's schema engine).
            'DISABLE_SCHEMA_UPDATE': 'true',
            # Credentials (and models) are kept in the database only with this (credential_endpoints/endpoints.py):
            # without it a created credential does not survive a restart, and litellm_credential has no proxy to test.
            'STORE_MODEL_IN_DB': 'True',
            'PYTHONPATH': str(self.client_dir),
        })
        return env


def _venv_python(venv, code, *args):
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('PRISMA_', 'PYTHON')))
    return subprocess.run([str(pathlib.Path(venv) / 'bin' / 'python'), '-c', code] + list(args), check=True,
                          stdout=subprocess.PIPE, universal_newlines=True, env=env,
                          cwd=tempfile.gettempdir()).stdout.strip()


_LOCATE = '''
import importlib.util, json, os
def where(name):
    return list(importlib.util.find_spec(name).submodule_search_locations)[0]
from prisma._config import config
print(json.dumps({'litellm': where('litellm'), 'extras': where('litellm_proxy_extras'),
                  'engine_commit': config.expected_engine_version}))
'''


def _build_inputs(venv):
    located = json.loads(_venv_python(venv, _LOCATE))
    # The schema the proxy's client is generated from (LiteLLM's images run `prisma generate` on this one;
    # litellm-proxy-extras carries a copy next to its migrations).
    schema = pathlib.Path(located['litellm']) / 'proxy' / 'schema.prisma'
    return {
        'format': BUILD_FORMAT,
        'venv': proxy_venv.stamp(venv),
        'package.json': _sha256(ENGINE_SOURCE / 'package.json'),
        'package-lock.json': _sha256(ENGINE_SOURCE / 'package-lock.json'),
        'schema': str(schema),
        'schema_sha256': _sha256(schema),
        'migrations': str(pathlib.Path(located['extras']) / 'migrations'),
        'engine_commit': located['engine_commit'],
    }


def build_root(version=None):
    return proxy_venv.cache_root() / ('real-proxy-' + (version or proxy_venv.litellm_version()))


def _complete(root, inputs):
    try:
        stamped = json.loads((root / '.complete').read_text())
    except (OSError, ValueError):
        return False
    return (stamped == inputs and (root / 'engine' / 'node_modules' / '@prisma' / 'client').is_dir()
            and (root / 'client' / 'prisma' / 'models.py').is_file())


def _check_node():
    node = shutil.which('node')
    npm = shutil.which('npm')
    if not node or not npm:
        raise StackError('Node.js %d+ with npm is needed to run the query engine (engine/query-engine.js): '
                         'install it (Debian: apt-get install -y nodejs npm)' % MIN_NODE_MAJOR)
    version = subprocess.run([node, '--version'], check=True, stdout=subprocess.PIPE,
                             universal_newlines=True).stdout.strip()
    if int(version.lstrip('v').split('.')[0]) < MIN_NODE_MAJOR:
        raise StackError('%s is Node.js %s; the query engine needs %d or newer' % (node, version, MIN_NODE_MAJOR))


def _generator_schema(litellm_schema, output):
    """LiteLLM's schema.prisma with the client generated to ``output``, for this machine only.

    Only the generator block changes (its models are what the engine serves): ``output`` keeps the shared venv
    untouched, and a single binary target stops prisma-client-py probing one engine path per target.
    """
    text = pathlib.Path(litellm_schema).read_text()
    marker = 'provider = "prisma-client-py"'
    start = text.find('generator client {')
    end = text.find('}', start)
    if start < 0 or marker not in text[start:end]:
        raise StackError('%s has no `generator client { %s ... }` block any more: update _generator_schema in %s'
                         % (litellm_schema, marker, __file__))
    lines = [line for line in text[start:end].splitlines()
             if not line.strip().startswith(('binaryTargets', 'output'))]
    block = '\n'.join(lines + ['  output = "%s"' % output, '  binaryTargets = ["native"]', ''])
    return text[:start] + block + text[end:]


def build(version=None):
    """The complete build for ``version`` (default: the pinned LiteLLM), made now unless cached."""
    version = version or proxy_venv.litellm_version()
    root = build_root(version)
    with _locked(proxy_venv.cache_root() / ('.real-proxy-%s.lock' % version)):
        venv = proxy_venv.ensure(version)
        inputs = _build_inputs(venv)
        if _complete(root, inputs):
            return Build(root, venv, inputs)
        started = time.monotonic()
        log('building the real proxy stack for LiteLLM %s in %s' % (version, root))
        _check_node()
        shutil.rmtree(str(root), ignore_errors=True)
        engine_dir = root / 'engine'
        engine_dir.mkdir(parents=True)
        for name in ('package.json', 'package-lock.json'):
            shutil.copy2(str(ENGINE_SOURCE / name), str(engine_dir / name))
        build_log = root / 'build.log'
        # --ignore-scripts: Prisma's install scripts would download native engines from an unreachable host.
        _run(['npm', 'ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
             'npm ci of %s' % (ENGINE_SOURCE / 'package-lock.json'), build_log, cwd=str(engine_dir))
        result = Build(root, venv, inputs)
        env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('PRISMA_', 'PYTHON')))
        env.update(result.engine_env())
        try:
            _run([str(ENGINE_EXECUTABLE), '--check-pin'], 'the query engine pin check', build_log, env=env)
        except StackError as error:
            raise StackError('%s\n(prisma-client-py of %s expects engine %s)'
                             % (error, venv, inputs['engine_commit'])) from None
        result.client_dir.mkdir()
        generator_schema = root / 'schema.prisma'
        generator_schema.write_text(_generator_schema(inputs['schema'], result.client_dir / 'prisma'))
        env['PATH'] = str(venv / 'bin') + os.pathsep + env.get('PATH', '')
        _run([str(venv / 'bin' / 'prisma'), 'generate', '--schema', str(generator_schema)],
             'prisma generate (%s)' % generator_schema, build_log, cwd=str(root), env=env)
        models = result.client_dir / 'prisma' / 'models.py'
        if not models.is_file() or 'LiteLLM_VerificationToken' not in models.read_text():
            raise StackError('prisma generate left no client with LiteLLM_VerificationToken in %s (log: %s)'
                             % (result.client_dir, build_log))
        (root / '.complete').write_text(json.dumps(inputs, sort_keys=True))
        log('built in %.0f s' % (time.monotonic() - started))
        return result


# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL: a private cluster


def postgres_bin():
    """The directory with initdb and pg_ctl: PG_BIN, Debian's PostgreSQL 15, another Debian one, or PATH."""
    candidates = []
    if os.environ.get('PG_BIN'):
        candidates.append(os.environ['PG_BIN'])
    else:
        candidates.append('/usr/lib/postgresql/%d/bin' % POSTGRES_MAJOR)
        candidates.extend(sorted(glob.glob('/usr/lib/postgresql/*/bin'), reverse=True))
        if shutil.which('initdb'):
            candidates.append(os.path.dirname(shutil.which('initdb')))
    for candidate in candidates:
        if all(os.access(os.path.join(candidate, name), os.X_OK) for name in ('initdb', 'pg_ctl', 'psql')):
            return pathlib.Path(candidate)
    raise StackError('PostgreSQL is not installed (no initdb, pg_ctl and psql in %s): run `scripts/real-proxy.sh '
                     'build` as root, which installs Debian\'s postgresql-%d, or run `apt-get update && apt-get '
                     'install -y postgresql-%d` (or set PG_BIN to the directory of initdb)'
                     % (', '.join(candidates) or 'PG_BIN', POSTGRES_MAJOR, POSTGRES_MAJOR))


def _postgres_env():
    # No PGHOST, PGPASSWORD, ... of the caller's: they would point psql elsewhere.
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith('PG'))
    env['LC_ALL'] = 'C'
    return env


class PostgresCluster:
    """A throw-away cluster: loopback only, its own port and socket directory, trust auth (nobody else's data).

    As root, initdb and pg_ctl run as the ``postgres`` OS user (PostgreSQL refuses root); the cluster directory
    must then be that user's, so it is made under /tmp when ``directory`` is out of its reach.
    """

    def __init__(self, directory, port=None):
        self.requested = pathlib.Path(directory)
        self.directory = self.requested
        self.port = port
        self.bin = postgres_bin()

    @property
    def data(self):
        return self.directory / 'data'

    @property
    def log_path(self):
        return self.directory / 'postgres.log'

    @property
    def url(self):
        return 'postgresql://postgres@127.0.0.1:%d/%s' % (self.port, DATABASE)

    def _as_owner(self, command):
        if os.geteuid() == 0:
            return ['runuser', '-u', 'postgres', '--'] + command
        return command

    def _owner_can_write(self, directory):
        if os.geteuid() != 0:
            return True
        return subprocess.run(self._as_owner(['test', '-w', str(directory), '-a', '-x', str(directory)]),
                              check=False, cwd='/').returncode == 0

    def init(self):
        self.requested.mkdir(parents=True, exist_ok=True)
        self.directory = self.requested
        if os.geteuid() == 0:
            shutil.chown(str(self.directory), 'postgres', 'postgres')
            if not self._owner_can_write(self.directory):
                self.directory = pathlib.Path(tempfile.mkdtemp(prefix='llmops-real-proxy-pg-'))
                shutil.chown(str(self.directory), 'postgres', 'postgres')
        os.chmod(str(self.directory), 0o700)
        (self.directory / 'socket').mkdir(mode=0o700, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(str(self.directory / 'socket'), 'postgres', 'postgres')
        _run(self._as_owner([str(self.bin / 'initdb'), '-D', str(self.data), '-U', 'postgres', '-A', 'trust',
                             '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']),
             'initdb of %s' % self.data, cwd=str(self.directory), env=_postgres_env())
        return self

    def start(self, attempts=5):
        """Start on a free port (another one if it is taken meanwhile) and prove the server is ours."""
        for attempt in range(attempts):
            self.port = free_port()
            options = ' '.join([
                '-c listen_addresses=127.0.0.1', '-p %d' % self.port, '-k %s' % (self.directory / 'socket'),
                # A throw-away cluster: durability only costs time.
                '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'])
            started = subprocess.run(
                self._as_owner([str(self.bin / 'pg_ctl'), '-D', str(self.data), '-l', str(self.log_path), '-w',
                                '-t', '60', '-o', options, 'start']),
                check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                cwd=str(self.directory), env=_postgres_env(), stdin=subprocess.DEVNULL)
            if started.returncode == 0:
                break
            if 'could not bind' not in self.log_tail() or attempt == attempts - 1:
                raise StackError('PostgreSQL did not start (%s; log: %s):\n%s'
                                 % (started.stdout.strip(), self.log_path, self.log_tail()))
        data_directory = self.psql('SHOW data_directory', database='postgres').strip()
        if os.path.realpath(data_directory) != os.path.realpath(str(self.data)):
            raise StackError('port %d answers as a PostgreSQL of %s, not ours (%s)'
                             % (self.port, data_directory, self.data))
        self.psql('CREATE DATABASE %s' % DATABASE, database='postgres')
        return self

    def psql(self, sql, database=DATABASE, log_path=None, what=None):
        """Run ``sql`` as one simple query (one implicit transaction, as Prisma applies a migration)."""
        return _run([str(self.bin / 'psql'), '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1',
                     '-p', str(self.port), '-U', 'postgres', '-d', database, '-c', sql],
                    what or 'psql on port %d' % self.port, log_path, env=_postgres_env())

    def alive(self):
        return (self.data / 'postmaster.pid').exists() and self.port is not None and subprocess.run(
            [str(self.bin / 'pg_isready'), '-q', '-h', '127.0.0.1', '-p', str(self.port)],
            check=False, env=_postgres_env()).returncode == 0

    def log_tail(self, lines=30):
        try:
            return '\n'.join(self.log_path.read_text(errors='replace').splitlines()[-lines:])
        except OSError:
            return '(no log)'

    def stop(self, remove=True):
        """Stop the server (fast shutdown, then SIGKILL) and, with ``remove``, delete its data."""
        pid_file = self.data / 'postmaster.pid'
        if pid_file.exists():
            stopped = subprocess.run(
                self._as_owner([str(self.bin / 'pg_ctl'), '-D', str(self.data), '-m', 'fast', '-w', '-t', '30',
                                'stop']),
                check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd='/', env=_postgres_env())
            if stopped.returncode != 0 and pid_file.exists():
                try:
                    os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
                except (OSError, ValueError, IndexError):
                    pass
        if remove:
            shutil.rmtree(str(self.data), ignore_errors=True)
            shutil.rmtree(str(self.directory / 'socket'), ignore_errors=True)
            if self.directory != self.requested:
                # Made under /tmp for the postgres user: keep its log with the rest of the state.
                if self.log_path.exists():
                    shutil.copy(str(self.log_path), str(self.requested / 'postgres.log'))
                shutil.rmtree(str(self.directory), ignore_errors=True)


_MIGRATIONS_TABLE = '''
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)'''


def migration_folders(version, build):
    """LiteLLM's migrations (litellm-proxy-extras), then ours for a release whose own migrations the index here
    does not serve (``migrations/VERSION/``: what its schema.prisma adds to the migrations it is given)."""
    supplement = SUPPLEMENT_MIGRATIONS / version
    return [build.migrations] + ([supplement] if supplement.is_dir() else [])


def apply_migrations(cluster, folders, log_path):
    """The migrations of ``folders`` in folder-name order (each folder after the one before), each in its own
    implicit transaction (some build indexes CONCURRENTLY, which no transaction block allows), recorded in
    _prisma_migrations as `prisma migrate deploy` records them."""
    scripts = [pathlib.Path(folder) / name / 'migration.sql' for folder in folders
               for name in sorted(entry.name for entry in pathlib.Path(folder).iterdir()
                                  if (entry / 'migration.sql').is_file())]
    if not scripts:
        raise StackError('no migrations in %s' % ', '.join(str(folder) for folder in folders))
    cluster.psql(_MIGRATIONS_TABLE, log_path=log_path)
    rows = []
    names = []
    for script in scripts:
        name = script.parent.name
        names.append(name)
        cluster.psql(script.read_text(), log_path=log_path, what='migration %s' % script)
        rows.append("('%s', '%s', now(), '%s', now(), 1)" % (uuid.uuid4(), _sha256(script), name.replace("'", "''")))
    cluster.psql('INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, '
                 'applied_steps_count) VALUES ' + ', '.join(rows), log_path=log_path)
    return names


# ---------------------------------------------------------------------------------------------------------------
# The stack


class ExistingProxy:
    """A proxy of the user's (LITELLM_TEST_PROXY_URL / LITELLM_TEST_PROXY_MASTER_KEY): used, never started or
    stopped."""

    existing = True

    def __init__(self, url, master_key):
        self.url = url.rstrip('/')
        self.master_key = master_key

    def start(self):
        import requests  # pylint: disable=import-outside-toplevel
        try:
            answer = requests.get(self.url + '/v1/models', headers={'Authorization': 'Bearer ' + self.master_key},
                                  timeout=30)
        except requests.RequestException as error:
            raise StackError('%s=%s does not answer: %s' % (EXISTING_URL, self.url, error)) from None
        if answer.status_code != 200:
            raise StackError('%s=%s refuses %s (GET /v1/models: HTTP %d)'
                             % (EXISTING_URL, self.url, EXISTING_KEY, answer.status_code))
        return self

    def stop(self):
        pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


def existing_proxy():
    """The user's own proxy when both variables name one, else None."""
    url, key = os.environ.get(EXISTING_URL), os.environ.get(EXISTING_KEY)
    if url and key:
        return ExistingProxy(url, key)
    if url or key:
        raise StackError('set both %s and %s to use a proxy of your own, or neither' % (EXISTING_URL, EXISTING_KEY))
    return None


class RealProxyStack:
    """PostgreSQL + LiteLLM's migrations + the proxy, in ``state_dir``; ``start()`` returns once all serve."""

    existing = False

    def __init__(self, state_dir=None, version=None, build=None):
        self.state_dir = pathlib.Path(state_dir or DEFAULT_STATE_DIR).resolve()
        self.version = version or proxy_venv.litellm_version()
        self.key_file = self.state_dir / 'master-key'
        self.state_file = self.state_dir / 'state.json'
        # A build the caller has already checked (stack.build()), else checked by start().
        self.build = build
        self.cluster = None
        self.proxy = None
        self.timings = {}

    @property
    def url(self):
        return self.proxy.url if self.proxy else None

    @property
    def master_key(self):
        return self.proxy.master_key if self.proxy else None

    @property
    def database_url(self):
        return self.cluster.url if self.cluster else None

    def __enter__(self):
        # `with RealProxyStack(...).start() as stack:` and `with RealProxyStack(...) as stack:` both work.
        return self if self.proxy is not None else self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def _save(self, **state):
        current = self._load() or {}
        current.update(state)
        self.state_file.write_text(json.dumps(current, indent=2, sort_keys=True))

    def _load(self):
        try:
            return json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return None

    def _write_key(self, key):
        # Created 0600 before the secret is in it; replaced if a stale one is there.
        if self.key_file.exists():
            self.key_file.unlink()
        descriptor = os.open(str(self.key_file), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, 'w') as handle:
            handle.write(key + '\n')

    def running(self):
        state = self._load()
        return bool(state and state.get('proxy_pgid') and group_alive(state['proxy_pgid']))

    def start(self):
        with _locked(self.state_dir / '.lock'):
            if self.running():
                raise StackError('a stack already runs from %s (%s): `scripts/real-proxy.sh stop` first, or use '
                                 'another --state-dir' % (self.state_dir, self._load().get('url')))
            self._stop_recorded()
            started = time.monotonic()
            self.build = self.build or build(self.version)
            self.timings['build check'] = time.monotonic() - started
            try:
                self._start_components()
            except BaseException:
                self._stop_recorded()
                raise
        return self

    def _start_components(self):
        step = time.monotonic()
        self.cluster = PostgresCluster(self.state_dir / 'postgres')
        self._save(version=self.version, build=str(self.build.root), venv=str(self.build.venv),
                   postgres_dir=str(self.cluster.requested))
        self.cluster.init()
        self._save(postgres_dir=str(self.cluster.directory))
        self.cluster.start()
        self._save(postgres_port=self.cluster.port, database_url=self.cluster.url)
        self.timings['postgres'] = time.monotonic() - step
        step = time.monotonic()
        migrations_log = self.state_dir / 'migrations.log'
        migrations_log.write_text('')
        applied = apply_migrations(self.cluster, migration_folders(self.version, self.build), migrations_log)
        self.timings['migrations'] = time.monotonic() - step
        log('PostgreSQL %s on port %d, %d migrations applied' % (POSTGRES_MAJOR, self.cluster.port, len(applied)))
        step = time.monotonic()
        self.proxy = LiteLLMProxy(self.build.venv, self.state_dir / 'proxy',
                                  extra_env=self.build.proxy_env(self.cluster.url),
                                  startup_timeout=PROXY_STARTUP_TIMEOUT)
        self._write_key(self.proxy.master_key)
        self.proxy.spawn()
        self._save(proxy_pgid=self.proxy.pgid, proxy_port=self.proxy.port, url=self.proxy.url,
                   master_key_file=str(self.key_file), proxy_log=str(self.proxy.log_path))
        try:
            self.proxy.wait()
        except StartupFailed as error:
            raise StackError('%s%s' % (error, self._engine_lines())) from None
        self._prove_database()
        self.timings['proxy'] = time.monotonic() - step
        log('LiteLLM %s proxy serving on %s after %.0f s' % (self.version, self.proxy.url, self.timings['proxy']))

    def _engine_lines(self):
        """What the query engine said (into the proxy log), which the log's tail may not reach back to."""
        try:
            lines = self.proxy.log_path.read_text(errors='replace').replace(self.proxy.master_key, MASK).splitlines()
        except OSError:
            return ''
        said = [line for line in lines if line.startswith('query-engine.js')][:10]
        return '\nthe query engine (%s) said:\n%s' % (ENGINE_SOURCE / 'query-engine.js', '\n'.join(said)) if said else ''

    def _prove_database(self):
        """The proxy serves without its database too (key endpoints then fail): one read proves the whole path,
        proxy -> prisma-client-py -> query engine -> PostgreSQL, works."""
        import requests  # pylint: disable=import-outside-toplevel
        session = requests.Session()
        session.trust_env = False  # loopback: never through an HTTP proxy of the environment
        try:
            answer = session.get(self.proxy.url + '/key/list', params={'size': 1}, timeout=60,
                                 headers={'Authorization': 'Bearer ' + self.proxy.master_key})
            problem = None if answer.status_code == 200 else 'HTTP %d: %s' % (answer.status_code, answer.text[:500])
        except requests.RequestException as error:
            problem = str(error)
        finally:
            session.close()
        if problem:
            raise StackError('the proxy serves, but not from its database (GET /key/list: %s; log: %s):\n%s%s'
                             % (problem.replace(self.proxy.master_key, MASK), self.proxy.log_path,
                                self.proxy.log_tail(), self._engine_lines()))

    def stop(self):
        """Stop the proxy and PostgreSQL (also those a previous process started from this state dir)."""
        with _locked(self.state_dir / '.lock'):
            self._stop_recorded()

    def _stop_recorded(self):
        state = self._load() or {}
        proxy = self.proxy
        if proxy is None and state.get('proxy_pgid'):
            key = self.key_file.read_text().strip() if self.key_file.exists() else MASK
            proxy = LiteLLMProxy.attach(state.get('venv', ''), self.state_dir / 'proxy', state.get('proxy_port'),
                                        state['proxy_pgid'], key)
        if proxy is not None:
            proxy.stop()
        elif state.get('proxy_pgid'):
            stop_group(state['proxy_pgid'])
        cluster = self.cluster
        if cluster is None and state.get('postgres_dir'):
            cluster = PostgresCluster(self.state_dir / 'postgres', state.get('postgres_port'))
            cluster.directory = pathlib.Path(state['postgres_dir'])
        if cluster is not None:
            cluster.stop()
        for path in (self.state_file, self.key_file):
            if path.exists():
                path.unlink()
        self.proxy = self.cluster = None

    def status(self):
        """What runs from this state dir (no secret)."""
        state = self._load()
        if not state:
            return {'running': False, 'state_dir': str(self.state_dir)}
        cluster = PostgresCluster(self.state_dir / 'postgres', state.get('postgres_port'))
        cluster.directory = pathlib.Path(state.get('postgres_dir', cluster.requested))
        return {
            'running': self.running(),
            'state_dir': str(self.state_dir),
            'url': state.get('url'),
            'master_key_file': state.get('master_key_file'),
            'proxy_alive': self.running(),
            'postgres_alive': cluster.alive(),
            'database_url': state.get('database_url'),
            'proxy_log': state.get('proxy_log'),
            'build': state.get('build'),
        }


def open_stack(state_dir=None):
    """The user's existing proxy if LITELLM_TEST_PROXY_URL/_MASTER_KEY name one, else a new RealProxyStack."""
    return existing_proxy() or RealProxyStack(state_dir)


# ---------------------------------------------------------------------------------------------------------------
# Command line


class _Terminated(BaseException):
    """SIGTERM or SIGHUP, raised like KeyboardInterrupt so that every `finally` and clean-up runs."""


def _raise_terminated(signum, _frame):
    raise _Terminated(signum)


def command_run(state_dir, command):
    """Start a stack, run ``command`` against it, stop the stack whatever happens; CMD's exit status."""
    if not command:
        raise StackError('run needs a command: stack.py run -- CMD ARGS...')
    stack = open_stack(state_dir or STATE_ROOT / ('run-%d' % os.getpid()))
    child = None
    status = 1
    try:
        stack.start()
        env = dict(os.environ, LITELLM_PROXY_URL=stack.url, LITELLM_PROXY_API_KEY=stack.master_key)
        log('running %s against %s' % (command[0], stack.url))
        child = subprocess.Popen(command, env=env)
        status = child.wait()
        status = 128 - status if status < 0 else status
        return status
    except (KeyboardInterrupt, _Terminated) as interruption:
        if child is not None and child.poll() is None:
            # Ctrl-C reached the command too (same process group); a SIGTERM sent to us alone did not.
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        log('interrupted: stopping the stack')
        status = 128 + (interruption.args[0] if isinstance(interruption, _Terminated) else signal.SIGINT)
        return status
    finally:
        # Nothing interrupts the clean-up itself (a second Ctrl-C would leave PostgreSQL running).
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        stack.stop()
        if not stack.existing and state_dir is None:
            if status == 0:
                shutil.rmtree(str(stack.state_dir), ignore_errors=True)
            else:
                log('logs of this stack (proxy, PostgreSQL, migrations): %s' % stack.state_dir)


def main(argv=None):
    parser = argparse.ArgumentParser(prog='stack.py', description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--state-dir', type=pathlib.Path,
                        help='where the cluster, logs and master key live (default: %s; run: one of its own)'
                        % DEFAULT_STATE_DIR)
    sub = parser.add_subparsers(dest='action', required=True)
    sub.add_parser('build', help='build (or check) the cached venv, engine packages and client')
    sub.add_parser('start', help='start PostgreSQL, migrations and the proxy; print the URL and the key file')
    sub.add_parser('stop', help='stop what start started')
    sub.add_parser('status', help='what runs from the state dir')
    run = sub.add_parser('run', help='start a stack, run CMD with LITELLM_PROXY_URL/_API_KEY, stop the stack')
    run.add_argument('command', nargs=argparse.REMAINDER, help='-- CMD ARGS...')
    args = parser.parse_args(argv)
    # SIGTERM and SIGHUP unwind like Ctrl-C: what start() has started so far is stopped on the way out.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_terminated)
    try:
        if args.action == 'build':
            started = time.monotonic()
            result = build()
            log('build ready in %s (%.1f s)' % (result.root, time.monotonic() - started))
        elif args.action == 'start':
            stack = open_stack(args.state_dir)
            stack.start()
            if stack.existing:
                print('using the existing proxy %s (%s)' % (stack.url, EXISTING_URL))
            else:
                print('LiteLLM proxy: %s' % stack.url)
                print('master key:    %s (mode 0600)' % stack.key_file)
                print('use it:        export LITELLM_PROXY_URL=%s LITELLM_PROXY_API_KEY="$(cat %s)"'
                      % (stack.url, stack.key_file))
                print('stop it:       scripts/real-proxy.sh stop%s'
                      % ('' if args.state_dir is None else ' --state-dir %s' % args.state_dir))
        elif args.action == 'stop':
            if existing_proxy() is None:
                RealProxyStack(args.state_dir).stop()
        elif args.action == 'status':
            existing = existing_proxy()
            if existing is not None:
                print(json.dumps({'existing_proxy': existing.url}, indent=2))
            else:
                status = RealProxyStack(args.state_dir).status()
                print(json.dumps(status, indent=2))
                return 0 if status['running'] else 3
        elif args.action == 'run':
            command = args.command[1:] if args.command[:1] == ['--'] else args.command
            return command_run(args.state_dir, command)
    except (StackError, StartupFailed, proxy_venv.ProxyVenvError) as error:
        print('ERROR: %s' % error, file=sys.stderr)
        return 1
    except (KeyboardInterrupt, _Terminated) as interruption:
        log('interrupted')
        return 128 + (interruption.args[0] if isinstance(interruption, _Terminated) else signal.SIGINT)
    return 0


if __name__ == '__main__':
    sys.exit(main())
