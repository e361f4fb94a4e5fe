# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""meta/execution-environment.yml declares what the modules need, and that is enough; the documented
execution-environment definitions build.

ansible-builder reads the installed collection's declaration (``ansible-builder introspect``, the step an
execution-environment build runs); a clean virtualenv gets ansible-core and exactly those requirements, and
runs every module from there against the local server. Without them the modules fail with the missing-library
message, so the declaration is needed, too. A second virtualenv takes the oldest versions the declaration
allows, so its lower bounds are true. Both install locks by hash (locks/ee-*.txt, scripts/locks.py), and the
tests check that the locks hold what the declaration asks for.

The execution-environment definitions users copy (docs/docsite/rst/execution_environment.rst) go through
``ansible-builder create``, which writes the build context without a container runtime. The context of the
tarball variant is then taken through the steps its Containerfile runs, on this host: the galaxy stage's
``ansible-galaxy collection install -r requirements.yml`` in ``_build/``, and the builder stage's
``introspect.py`` (the copy in the context) over what it installed, which must find the collection's
requirements. Only the image itself is not built (no container runtime here).
"""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
import requests
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from collection_env import COLLECTION, GALAXY, NAME, NAMESPACE, REPO_ROOT, describe, run, scratch_dir, tool, tool_env

sys.path.insert(0, str(REPO_ROOT / "scripts"))
import locks  # noqa: E402  pylint: disable=wrong-import-position

PLAYBOOK = Path(__file__).resolve().parent / "playbooks" / "modules_in_clean_venv.yml"
EE_GUIDE = REPO_ROOT / "docs" / "docsite" / "rst" / "execution_environment.rst"
EE_DEFINITION_MARKER = "# execution-environment.yml: "
# The locks of the clean virtualenvs: ansible-core alone, then the collection's requirement at the version the
# suite runs, or at its lower bound.
ANSIBLE_CORE_LOCK = "ee-ansible-core"
REQUIREMENTS_LOCK = "ee-requests"
OLDEST_REQUIREMENTS_LOCK = "ee-requests-oldest"


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


def make_venv(path, *lock_names):
    """A virtualenv with nothing but what the locks install (not even pip: ours installs into it)."""
    run([sys.executable, "-m", "venv", "--without-pip", "--clear", path])
    python = path / "bin" / "python"
    for name in lock_names:
        install_lock(python, name)
    return python


def install_lock(python, name):
    # --no-compile: nobody imports most of ansible-core here, byte-compiling it would double the install time.
    locks.install(name, str(python), ["--no-compile"])


def test_the_clean_virtualenvs_get_the_tested_ansible_core():
    assert locks.Lock(ANSIBLE_CORE_LOCK).versions()["ansible-core"] == importlib.metadata.version("ansible-core")


def assert_lock_satisfies(name, requirements_file):
    """Every requirement of the file is in the lock, at a version it allows; return the locked versions."""
    locked = locks.Lock(name).versions()
    for line in requirement_lines(requirements_file):
        requirement = Requirement(line)
        version = locked.get(canonicalize_name(requirement.name))
        assert version and requirement.specifier.contains(version), (name, line, version)
    return locked


def pip_freeze(python):
    return run([sys.executable, "-m", "pip", "--python", python, "freeze"]).stdout


def run_modules(venv_python, collections_root, server_env, check=True):
    env = tool_env(collections_root, **server_env)
    env["PATH"] = f"{venv_python.parent}:{env['PATH']}"
    return run([venv_python.parent / "ansible-playbook", PLAYBOOK], env=env, cwd=venv_python.parent.parent,
               check=check)


def lower_bounds(requirements_file):
    """{name: the lower bound of its requirement}; a requirement without one fails."""
    floors = {}
    for line in requirement_lines(requirements_file):
        requirement = Requirement(line)
        bounds = [s.version for s in requirement.specifier if s.operator in (">=", "==", "~=")]
        assert bounds, f"{line}: give a lower bound, the oldest version the modules are known to work with"
        floors[canonicalize_name(requirement.name)] = bounds[0]
    return floors


def assert_modules_ran(litellm_server, frozen):
    """The playbook created three keys and deleted them again, through the server's real endpoints."""
    counts = litellm_server.counts()["counts"]
    assert counts.get("POST /key/generate") == 3, (counts, frozen)
    assert litellm_server_keys(litellm_server) == []


def test_modules_need_and_run_with_exactly_the_declared_requirements(
        installed_collections, introspected_requirements, server_env, litellm_server):
    root = installed_collections[0]
    assert_lock_satisfies(REQUIREMENTS_LOCK, introspected_requirements)
    python = make_venv(scratch_dir("ee-venv-newest") / "venv", ANSIBLE_CORE_LOCK)
    proc = run_modules(python, root, server_env, check=False)
    assert proc.returncode != 0, "the modules ran without their declared requirements: what are they for?"
    assert re.search(r"Failed to import the required Python library \(requests\)", proc.stdout), describe(proc)

    install_lock(python, REQUIREMENTS_LOCK)
    litellm_server.reset(data=True)
    run_modules(python, root, server_env)
    assert_modules_ran(litellm_server, pip_freeze(python))


def test_modules_run_with_the_oldest_allowed_requirements(
        installed_collections, introspected_requirements, server_env, litellm_server):
    root = installed_collections[0]
    locked = assert_lock_satisfies(OLDEST_REQUIREMENTS_LOCK, introspected_requirements)
    floors = lower_bounds(introspected_requirements)
    assert {name: locked[name] for name in floors} == floors, \
        f"locks/{OLDEST_REQUIREMENTS_LOCK}.in must pin each requirement at its lower bound"
    python = make_venv(scratch_dir("ee-venv-oldest") / "venv", ANSIBLE_CORE_LOCK, OLDEST_REQUIREMENTS_LOCK)
    run_modules(python, root, server_env)
    assert_modules_ran(litellm_server, pip_freeze(python))


def litellm_server_keys(server):
    """Aliases of the keys the server holds now."""
    answer = requests.get(f"{server.url}/key/list", params={"return_full_object": "true", "size": 100},
                          headers={"Authorization": f"Bearer {server.master_key}"}, timeout=10)
    answer.raise_for_status()
    return [k.get("key_alias") for k in answer.json()["keys"]]


def documented_ee_definitions():
    """The execution-environment definitions of the guide, {what the marker line says: the file's text}."""
    text = EE_GUIDE.read_text(encoding="utf-8")
    definitions = {}
    for block in re.findall(r"^\.\. code-block:: yaml\n\n((?:  .*\n|\n)+)", text, flags=re.MULTILINE):
        block = textwrap.dedent(block).strip() + "\n"
        first = block.splitlines()[0]
        if first.startswith(EE_DEFINITION_MARKER):
            definitions[first[len(EE_DEFINITION_MARKER):]] = block
    return definitions


def ansible_builder_create(definition, work, *extra_files):
    """``ansible-builder create`` of a definition (the text users copy) in work/; return the context directory."""
    (work / "execution-environment.yml").write_text(definition, encoding="utf-8")
    for path in extra_files:
        shutil.copy2(path, work / Path(path).name)
    context = work / "context"
    run([tool("ansible-builder"), "create", "--file", "execution-environment.yml", "--context", context,
         "--output-filename", "Containerfile"], env=tool_env(), cwd=work)
    return context


def test_the_guide_documents_both_definitions():
    definitions = documented_ee_definitions()
    assert sorted(definitions) == ["llmops.litellm from Galaxy",
                                   "llmops.litellm from a tarball (ansible-galaxy collection build)"], definitions
    tested_core = importlib.metadata.version("ansible-core")
    for definition in map(yaml.safe_load, definitions.values()):
        assert definition["version"] == 3
        assert definition["dependencies"]["ansible_core"]["package_pip"] == f"ansible-core=={tested_core}"
        assert definition["dependencies"]["ansible_runner"]["package_pip"] == \
            f"ansible-runner=={importlib.metadata.version('ansible-runner')}"
        # The collection declares a range (requirements.txt); the definition pins what the image installs: the
        # versions the suite tests with (locks/ee-requests.txt).
        locked = locks.Lock(REQUIREMENTS_LOCK).versions()
        pinned = dict(line.split("==") for line in definition["dependencies"]["python"])
        assert {canonicalize_name(name): version for name, version in pinned.items()} == locked


def test_ansible_builder_creates_the_context_of_the_galaxy_definition():
    context = ansible_builder_create(documented_ee_definitions()["llmops.litellm from Galaxy"],
                                     scratch_dir("ee-create-galaxy"))
    requirements = yaml.safe_load((context / "_build" / "requirements.yml").read_text(encoding="utf-8"))
    assert requirements == {"collections": [{"name": COLLECTION}]}
    containerfile = (context / "Containerfile").read_text(encoding="utf-8")
    assert "ansible-galaxy collection install" in containerfile and "introspect.py introspect" in containerfile


def test_the_tarball_definition_builds_a_context_that_installs_the_collection_and_its_requirements(
        collection_tarball):
    tarball_name = f"{NAMESPACE}-{NAME}-{GALAXY['version']}.tar.gz"
    definition = documented_ee_definitions()["llmops.litellm from a tarball (ansible-galaxy collection build)"]
    assert yaml.safe_load(definition)["additional_build_files"] == [{"src": tarball_name, "dest": "files"}], \
        "the guide's tarball name must follow galaxy.yml's version"
    work = scratch_dir("ee-create-tarball")
    context = ansible_builder_create(definition, work, collection_tarball)
    build = context / "_build"

    # What create copies: the tarball, byte for byte, and a galaxy requirements file that names it.
    assert (build / "files" / tarball_name).read_bytes() == collection_tarball.read_bytes()
    requirements = yaml.safe_load((build / "requirements.yml").read_text(encoding="utf-8"))
    assert requirements == {"collections": [{"name": f"files/{tarball_name}", "type": "file"}]}
    # ... and the definition's pins, which the builder stage installs along with what introspect finds.
    assert requirement_lines(build / "requirements.txt") == yaml.safe_load(definition)["dependencies"]["python"]
    containerfile = (context / "Containerfile").read_text(encoding="utf-8")
    assert "COPY _build /build\nWORKDIR /build" in containerfile
    assert "ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml" \
        in containerfile
    assert "COPY _build/requirements.txt requirements.txt" in containerfile
    assert "introspect.py introspect --user-pip=requirements.txt --write-bindep=/tmp/src/bindep.txt " \
        "--write-pip=/tmp/src/requirements.txt" in containerfile

    # The galaxy stage, here: install from _build/ (the container's /build) into an empty collections path.
    collections = work / "usr-share-ansible-collections"
    run([tool("ansible-galaxy"), "collection", "install", "-r", "requirements.yml", "--collections-path",
         collections], env=tool_env(collections, ANSIBLE_GALAXY_DISABLE_GPG_VERIFY=1), cwd=build)
    installed = collections / "ansible_collections" / NAMESPACE / NAME
    declaration = yaml.safe_load((installed / "meta" / "execution-environment.yml").read_text(encoding="utf-8"))
    assert requirement_lines(installed / declaration["dependencies"]["python"]) == ["requests>=2.25.1"]

    # The builder stage, here: the context's own introspect.py over what the galaxy stage installed, with the
    # definition's pins: pip then installs the collection's range and the pins together, i.e. the pins.
    out = work / "introspected"
    proc = run([sys.executable, build / "scripts" / "introspect.py", "introspect", "--user-pip",
                build / "requirements.txt", "--write-pip", out / "requirements.txt", "--write-bindep",
                out / "bindep.txt", collections], env=tool_env())
    assert "requests>=2.25.1  # from collection llmops.litellm" in proc.stdout, describe(proc)
    assert requirement_lines(out / "requirements.txt") == \
        ["requests>=2.25.1"] + yaml.safe_load(definition)["dependencies"]["python"]
    assert not (out / "bindep.txt").exists() or not requirement_lines(out / "bindep.txt")


def test_ansible_builder_introspect_reports_the_requirement(installed_collections):
    """What `ansible-builder introspect --sanitize` tells a user about the installed collection."""
    proc = run([tool("ansible-builder"), "introspect", "--sanitize", installed_collections[0]], env=tool_env())
    report = yaml.safe_load(proc.stdout)
    assert report == {"python": [f"requests>=2.25.1  # from collection {COLLECTION}"], "system": []}, proc.stdout
