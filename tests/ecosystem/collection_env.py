# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the ecosystem checks share: where things are, the collection tree copy, and running tools.

Every tool runs in a subprocess with an environment made here: no ANSIBLE_* or LITELLM_* variable of the
caller leaks in, collections are found only where the test says, and Ansible's state stays in the scratch
directory. The tools themselves come from the virtualenv this Python runs in (.venv-ecosystem).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRATCH = Path(os.environ.get("ECOSYSTEM_SCRATCH") or REPO_ROOT / ".build" / "ecosystem")
TOOLS_BIN = Path(sys.executable).parent

GALAXY = yaml.safe_load((REPO_ROOT / "galaxy.yml").read_text(encoding="utf-8"))
NAMESPACE = GALAXY["namespace"]
NAME = GALAXY["name"]
COLLECTION = f"{NAMESPACE}.{NAME}"

# Files a developer's checkout accumulates (.gitignore lists them) and a release must never carry, one per kind.
# The tarball fixture (conftest.py) plants them in the checkout it builds from, so test_galaxy.py fails whenever
# galaxy.yml's build_ignore lets one through.
DEVELOPMENT_LEFTOVERS = {
    ".venv/bin/python": "virtualenv",
    ".venv-ansible-2.19/pyvenv.cfg": "virtualenv",
    ".venv-ansible-2.20/bin/ansible-test": "virtualenv",
    ".venv-ecosystem/pyvenv.cfg": "virtualenv",
    ".build/collections/ansible_collections/llmops/litellm/galaxy.yml": "build output",
    ".build/docsite/build/html/index.html": "build output",
    ".pytest_cache/v/cache/lastfailed": "test cache",
    "tests/unit/.pytest_cache/README.md": "test cache",
    ".hypothesis/examples/0/0": "test cache",
    "tests/.hypothesis/examples/0/0": "test cache",
    ".mypy_cache/3.11/x.json": "test cache",
    ".ruff_cache/0.1/x": "test cache",
    ".coverage": "test cache",
    ".coverage.myhost.1234.XyZ": "test cache",
    "htmlcov/index.html": "test cache",
    ".tox/py311/pyvenv.cfg": "virtualenv",
    "tests/output/junit/x.xml": "ansible-test output",
    "plugins/module_utils/__pycache__/_client.cpython-311.pyc": "bytecode",
    "tests/unit/__pycache__/conftest.cpython-311-pytest-9.2.0.pyc": "bytecode",
    "keys.sqlite": "database",
    "tests/litellm_test_server/keys.sqlite3": "database",
    "tests/integration/targets/state.db": "database",
    f"{NAMESPACE}-{NAME}-0.0.1.tar.gz": "old build artefact",
    "examples/demo.retry": "ansible retry file",
}

# Top-level entries never copied into a collection tree, even when git does not ignore them yet.
_NEVER_COPIED = (".git", ".build")


def tool(name):
    """Path of a command-line tool installed in the tools virtualenv."""
    path = TOOLS_BIN / name
    if not path.exists():
        raise FileNotFoundError(f"{name} is not installed in {TOOLS_BIN}; run scripts/ecosystem.sh")
    return str(path)


def scratch_dir(name, clean=True):
    """A directory of this run under the scratch root; one per pytest-xdist worker."""
    path = SCRATCH / os.environ.get("PYTEST_XDIST_WORKER", "main") / name
    if clean and path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def source_files(root=REPO_ROOT):
    """Relative paths of the files a commit of the work tree would hold (tracked plus not ignored).

    Outside a git checkout (an unpacked source archive) every file counts, except version control, virtualenvs
    and build output.
    """
    try:
        listing = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            check=True, capture_output=True,
        ).stdout
        names = sorted({os.fsdecode(n) for n in listing.split(b"\0") if n})
    except (OSError, subprocess.CalledProcessError):
        names = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() or p.is_symlink())
    return [
        n for n in names
        if n.split("/", 1)[0] not in _NEVER_COPIED and not n.startswith(".venv")
        and "__pycache__" not in n.split("/") and (root / n).exists()
    ]


def copy_collection_tree(collections_root):
    """Copy the work tree to <collections_root>/ansible_collections/<namespace>/<name> and return that path.

    Ansible finds a collection only at that path, and ansible-test and ansible-lint want a real copy there.
    """
    target = Path(collections_root) / "ansible_collections" / NAMESPACE / NAME
    if target.exists():
        shutil.rmtree(target)
    for relative in source_files():
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / relative, destination, follow_symlinks=False)
    return target


def tool_env(collections_path=None, **extra):
    """Environment for a tool: the caller's, minus its Ansible and LiteLLM settings, plus ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "LITELLM_"))}
    ansible_home = SCRATCH / "ansible-home"
    env.update(
        PATH=f"{TOOLS_BIN}{os.pathsep}{env.get('PATH', '')}",
        ANSIBLE_HOME=str(ansible_home),
        ANSIBLE_LOCAL_TEMP=str(ansible_home / "tmp"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_COLLECTIONS_PATH=str(collections_path) if collections_path else str(ansible_home / "none"),
        # Never let a tool ask for a vault password or a confirmation.
        ANSIBLE_ASK_VAULT_PASS="false",
        NO_COLOR="1",
        PY_COLORS="0",
        # The copies under the scratch directory sit inside this repository's work tree, where .gitignore
        # hides them: tools that list files with git (antsibull-docs, ansible-lint) would see none. Git must
        # not look above the scratch directory for a repository.
        GIT_CEILING_DIRECTORIES=str(SCRATCH),
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run(command, *, env=None, cwd=None, timeout=900, check=True):
    """Run a command, capture its output, and fail with that output (not a bare exit code) when it fails."""
    command = [str(c) for c in command]
    # check=False: a failure is raised below with the command's output, which CalledProcessError would hide.
    proc = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(describe(proc))
    return proc


def describe(proc, limit=12000):
    """Command, exit code and the end of its output, for an assertion message."""
    return (f"$ {' '.join(proc.args)}\nexit code {proc.returncode}\n"
            f"--- stdout (end) ---\n{proc.stdout[-limit:]}\n--- stderr (end) ---\n{proc.stderr[-limit:]}")


def module_names(collection_dir):
    """The collection's modules, from plugins/modules/ (private helpers start with an underscore)."""
    modules_dir = Path(collection_dir) / "plugins" / "modules"
    return sorted(p.stem for p in modules_dir.glob("*.py") if not p.name.startswith("_"))
