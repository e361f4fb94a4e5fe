# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""meta/execution-environment.yml declares what the modules need, and that is enough.

ansible-builder reads the installed collection's declaration (``ansible-builder introspect``, the step an
execution-environment build runs); a clean virtualenv gets ansible-core and exactly those requirements, and
runs every module from there against the local server. Without them the modules fail with the missing-library
message, so the declaration is needed, too. A second virtualenv takes the oldest versions the declaration
allows, so its lower bounds are true.
"""

from __future__ import annotations

import importlib.metadata
import re
import sys
from pathlib import Path

import pytest
import requests
import yaml
from packaging.requirements import Requirement

from collection_env import NAME, NAMESPACE, describe, run, scratch_dir, tool, tool_env

PLAYBOOK = Path(__file__).resolve().parent / "playbooks" / "modules_in_clean_venv.yml"
ANSIBLE_CORE = f"ansible-core=={importlib.metadata.version('ansible-core')}"


@pytest.fixture(scope="module")
def introspected_requirements(installed_collections):
    """The pip requirements file ansible-builder would install for the installed collection."""
    root = installed_collections[0]
    written = scratch_dir("ee-introspect") / "requirements.txt"
    run([tool("ansible-builder"), "introspect", "--write-pip", written, root], env=tool_env(root))
    return written


def requirement_lines(path):
    lines = (line.split("#", 1)[0].strip() for line in Path(path).read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def test_metadata_points_at_the_requirements_file(installed_collections):
    collection_dir = installed_collections[1]
    meta = yaml.safe_load((collection_dir / "meta" / "execution-environment.yml").read_text(encoding="utf-8"))
    assert meta["version"] == 3
    for kind, relative in meta["dependencies"].items():
        assert (collection_dir / relative).is_file(), (kind, relative)
    assert meta["dependencies"]["python"] == "requirements.txt"


def test_ansible_builder_finds_exactly_the_declared_requirements(installed_collections, introspected_requirements):
    collection_dir = installed_collections[1]
    declared = requirement_lines(collection_dir / "requirements.txt")
    assert declared, "requirements.txt declares nothing"
    assert requirement_lines(introspected_requirements) == declared
    assert f"from collection {NAMESPACE}.{NAME}" in introspected_requirements.read_text(encoding="utf-8")


def make_venv(path, *pip_args):
    """A virtualenv with nothing but what pip_args install (not even pip: ours installs into it)."""
    run([sys.executable, "-m", "venv", "--without-pip", "--clear", path])
    python = path / "bin" / "python"
    pip_install(python, *pip_args)
    return python


def pip_install(python, *pip_args):
    # --no-compile: nobody imports most of ansible-core here, byte-compiling it would double the install time.
    run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--disable-pip-version-check",
         "--no-compile", *pip_args], timeout=600)


def pip_freeze(python):
    return run([sys.executable, "-m", "pip", "--python", python, "freeze"]).stdout


def run_modules(venv_python, collections_root, server_env, check=True):
    env = tool_env(collections_root, **server_env)
    env["PATH"] = f"{venv_python.parent}:{env['PATH']}"
    return run([venv_python.parent / "ansible-playbook", PLAYBOOK], env=env, cwd=venv_python.parent.parent,
               check=check)


def oldest_allowed_constraints(requirements_file, constraints_file):
    """Pin every requirement to its lower bound; a requirement without one fails."""
    pins = []
    for line in requirement_lines(requirements_file):
        requirement = Requirement(line)
        floors = [s.version for s in requirement.specifier if s.operator in (">=", "==", "~=")]
        assert floors, f"{line}: give a lower bound, the oldest version the modules are known to work with"
        pins.append(f"{requirement.name}=={floors[0]}")
    constraints_file.write_text("\n".join(pins) + "\n", encoding="utf-8")
    return constraints_file


def assert_modules_ran(litellm_server, frozen):
    """The playbook created three keys and deleted them again, through the server's real endpoints."""
    counts = litellm_server.counts()["counts"]
    assert counts.get("POST /key/generate") == 3, (counts, frozen)
    assert litellm_server_keys(litellm_server) == []


def test_modules_need_and_run_with_exactly_the_declared_requirements(
        installed_collections, introspected_requirements, server_env, litellm_server):
    root = installed_collections[0]
    python = make_venv(scratch_dir("ee-venv-newest") / "venv", ANSIBLE_CORE)
    proc = run_modules(python, root, server_env, check=False)
    assert proc.returncode != 0, "the modules ran without their declared requirements: what are they for?"
    assert re.search(r"Failed to import the required Python library \(requests\)", proc.stdout), describe(proc)

    pip_install(python, "-r", introspected_requirements)
    litellm_server.reset(data=True)
    run_modules(python, root, server_env)
    assert_modules_ran(litellm_server, pip_freeze(python))


def test_modules_run_with_the_oldest_allowed_requirements(
        installed_collections, introspected_requirements, server_env, litellm_server):
    root = installed_collections[0]
    work = scratch_dir("ee-venv-oldest")
    constraints = oldest_allowed_constraints(introspected_requirements, work / "oldest.txt")
    python = make_venv(work / "venv", ANSIBLE_CORE, "-r", introspected_requirements, "-c", constraints)
    run_modules(python, root, server_env)
    assert_modules_ran(litellm_server, pip_freeze(python))


def litellm_server_keys(server):
    """Aliases of the keys the server holds now."""
    answer = requests.get(f"{server.url}/key/list", params={"return_full_object": "true", "size": 100},
                          headers={"Authorization": f"Bearer {server.master_key}"}, timeout=10)
    answer.raise_for_status()
    return [k.get("key_alias") for k in answer.json()["keys"]]
