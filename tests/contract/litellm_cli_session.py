"""Runs several ``litellm-proxy`` CLI commands in one process; run with the proxy venv's Python.

Starting the CLI imports all of litellm (seconds of CPU each time), so the commands run one after the other
in this one interpreter, through the very function the ``litellm-proxy`` console script calls (looked up in
the installed package's entry points). Reads a JSON list of {"argv": [...], "env": {...}} from stdin, where
"env" overrides the environment for that command only; prints a JSON list of
{"argv", "exit_code", "stdout", "stderr"}.
"""

import contextlib
import importlib.metadata
import io
import json
import os
import sys
import traceback

CONSOLE_SCRIPT = 'litellm-proxy'


def entry_point():
    found = [e for e in importlib.metadata.entry_points(group='console_scripts') if e.name == CONSOLE_SCRIPT]
    if len(found) != 1:
        raise SystemExit('litellm does not declare the console script %r' % CONSOLE_SCRIPT)
    return found[0].load()


def run(command, main):
    saved = dict(os.environ)
    os.environ.update(command.get('env') or {})
    stdout, stderr = io.StringIO(), io.StringIO()
    sys.argv = [CONSOLE_SCRIPT] + command['argv']
    exit_code = 0
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                main()
            except SystemExit as exc:
                exit_code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except Exception:  # pylint: disable=broad-except  # an uncaught error is the CLI's own answer
                exit_code = 1
                traceback.print_exc()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {'argv': command['argv'], 'exit_code': exit_code, 'stdout': stdout.getvalue(), 'stderr': stderr.getvalue()}


def main():
    commands = json.load(sys.stdin)
    cli_main = entry_point()
    json.dump([run(command, cli_main) for command in commands], sys.stdout)


if __name__ == '__main__':
    main()
