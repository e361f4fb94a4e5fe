"""Runs the real LiteLLM proxy (from the cached venv of proxy_venv.py) on loopback: one launcher for every tier.

The contract tier runs it without a database; stack.py runs it on PostgreSQL (``extra_env`` carries the database
settings). Either way the master key is random per run (LiteLLM refuses the documented ``sk-1234``) and reaches
the proxy only through its environment, never a command line; the proxy's log is scrubbed of it when it stops.
The proxy runs in its own session (process group), so ``stop()`` takes down uvicorn and everything it spawned
(the query engine too), also from another process that knows only the group's id (``attach``).
"""

import os
import pathlib
import secrets
import signal
import socket
import subprocess
import time

import requests

STARTUP_TIMEOUT = 120.0   # seconds; without a database the proxy usually answers after 6-17 s
STOP_TIMEOUT = 15.0
# The proxy builds its 2 MB OpenAPI document on the first request (seconds of CPU, far more on a busy machine).
OPENAPI_TIMEOUT = 300.0
MASK = '<master key>'


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def new_master_key():
    return 'sk-' + secrets.token_urlsafe(32)


def proxy_environment(venv):
    """The environment for the proxy's venv programs: no database, no inherited LiteLLM settings."""
    env = dict((k, v) for k, v in os.environ.items()
               if not k.startswith(('LITELLM_', 'DATABASE_', 'PRISMA_', 'VIRTUAL_ENV', 'PYTHON')))
    env['PATH'] = os.path.join(venv, 'bin') + os.pathsep + env.get('PATH', '')
    # The proxy would fetch its model price map from the internet, retrying for seconds; use the bundled one.
    env['LITELLM_LOCAL_MODEL_COST_MAP'] = 'True'
    env['LITELLM_TELEMETRY'] = 'False'
    env['NO_PROXY'] = env['no_proxy'] = '127.0.0.1,localhost'
    return env


def group_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_group(pgid, process=None, timeout=STOP_TIMEOUT):
    """SIGTERM the process group, SIGKILL what is left after ``timeout``; reap ``process`` if it is our child."""
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # Our child: done when the leader is; another process's: when the whole group is gone.
        if (process.poll() is not None) if process is not None else not group_alive(pgid):
            break
        time.sleep(0.1)
    # Children left in the group (there should be none once the leader is gone).
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if process is not None:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass


def fetch_openapi(url):
    """GET the proxy's /openapi.json (large: LiteLLM builds it on the first request), not through a proxy."""
    with requests.Session() as session:
        session.trust_env = False
        answer = session.get(url + '/openapi.json', timeout=OPENAPI_TIMEOUT)
    answer.raise_for_status()
    return answer.json()


class StartupFailed(RuntimeError):
    pass


class LiteLLMProxy:
    """One proxy process. ``start()`` returns once it verifiably serves on the chosen port.

    ``extra_env`` is laid over proxy_environment(venv) (a database, the query engine, ...); ``startup_timeout``
    counts from the spawn.
    """

    def __init__(self, venv, workdir, extra_env=None, master_key=None, startup_timeout=STARTUP_TIMEOUT):
        self.venv = str(venv)
        self.workdir = pathlib.Path(workdir)
        self.extra_env = dict(extra_env or {})
        self.master_key = master_key or new_master_key()
        self.startup_timeout = startup_timeout
        self.port = None
        self.process = None
        self.pgid = None
        self.log_path = self.workdir / 'litellm-proxy.log'
        self.startup_seconds = None
        self._started = None
        self._openapi = None

    @classmethod
    def attach(cls, venv, workdir, port, pgid, master_key):
        """The proxy another process started (stack.py start), to stop it or read its log."""
        proxy = cls(venv, workdir, master_key=master_key)
        proxy.port, proxy.pgid = port, pgid
        return proxy

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.port

    def start(self):
        """Start the proxy and wait until it serves."""
        self.spawn()
        return self.wait()

    def spawn(self):
        """Start the proxy process without waiting for it (it takes seconds to import and start)."""
        self.port = free_port()
        env = proxy_environment(self.venv)
        env.update(self.extra_env)
        env['LITELLM_MASTER_KEY'] = self.master_key
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._started = time.monotonic()
        with open(str(self.log_path), 'wb') as log:
            # Its own session (process group): stop() takes down uvicorn and anything it spawned.
            self.process = subprocess.Popen(
                [os.path.join(self.venv, 'bin', 'litellm'), '--host', '127.0.0.1', '--port', str(self.port)],
                cwd=str(self.workdir), env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        self.pgid = self.process.pid
        return self

    def wait(self):
        """Return once the spawned proxy verifiably serves on its port; stop it and raise if it does not."""
        if self.startup_seconds is not None:
            return self
        try:
            self._wait_until_serving(self._started)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - self._started
        return self

    def _wait_until_serving(self, started):
        session = requests.Session()
        session.trust_env = False
        while True:
            if self.process.poll() is not None:
                raise StartupFailed('the LiteLLM proxy exited with %s before serving (log: %s):\n%s'
                                    % (self.process.returncode, self.log_path, self.log_tail()))
            try:
                if session.get(self.url + '/health/liveliness', timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            # Counted from the spawn, which may lie well in the past: the check comes after a try.
            if time.monotonic() - started > self.startup_timeout:
                raise StartupFailed('the LiteLLM proxy did not answer /health/liveliness on port %d within %ds '
                                    '(log: %s):\n%s' % (self.port, self.startup_timeout, self.log_path,
                                                        self.log_tail()))
            time.sleep(0.25)
        # LiteLLM moves to another port without a word when the asked one is busy, and something else might
        # answer on ours. Only our own proxy knows our random master key: an authenticated call proves it.
        proof = session.get(self.url + '/v1/models', headers={'Authorization': 'Bearer ' + self.master_key},
                            timeout=30)
        if proof.status_code != 200:
            raise StartupFailed('port %d answers, but not as our proxy (GET /v1/models with our master key: HTTP %s)'
                                % (self.port, proof.status_code))
        listening = 'running on http://127.0.0.1:%d' % self.port
        if listening not in self.log_path.read_text(errors='replace'):
            raise StartupFailed('the proxy log does not say %r:\n%s' % (listening, self.log_tail()))

    def openapi(self):
        """The proxy's /openapi.json (fetched once)."""
        if self._openapi is None:
            self._openapi = fetch_openapi(self.url)
        return self._openapi

    def alive(self):
        if self.process is not None:
            return self.process.poll() is None
        return self.pgid is not None and group_alive(self.pgid)

    def log_tail(self, lines=40):
        try:
            text = self.log_path.read_text(errors='replace')
        except OSError:
            return '(no log)'
        return '\n'.join(text.replace(self.master_key, MASK).splitlines()[-lines:])

    def stop(self):
        """Stop the whole process group (whatever it was doing) and scrub the log; harmless when stopped."""
        process, self.process = self.process, None
        pgid, self.pgid = self.pgid, None
        if pgid is not None:
            stop_group(pgid, process)
        self._scrub_log()

    def _scrub_log(self):
        try:
            text = self.log_path.read_text(errors='replace')
        except OSError:
            return
        if self.master_key in text:
            self.log_path.write_text(text.replace(self.master_key, MASK))
