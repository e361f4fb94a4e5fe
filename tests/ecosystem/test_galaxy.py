# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection as Galaxy and its users get it: build, contents, install, run, and galaxy-importer."""

from __future__ import annotations

import fnmatch
import hashlib
import importlib.metadata
import json
import re
import tarfile
from pathlib import Path

from collection_env import (
    COLLECTION,
    DEVELOPMENT_LEFTOVERS,
    GALAXY,
    REPO_ROOT,
    describe,
    module_names,
    run,
    scratch_dir,
    tool,
    tool_env,
)

HERE = Path(__file__).resolve().parent

# What a release must carry for users, Galaxy and execution environments.
REQUIRED_MEMBERS = (
    "MANIFEST.json",
    "FILES.json",
    "README.md",
    "COPYING",
    "meta/runtime.yml",
    "meta/execution-environment.yml",
    "requirements.txt",
    "changelogs/changelog.yaml",
    "CHANGELOG.rst",
    "docs/docsite/extra-docs.yml",
    "docs/docsite/links.yml",
    "plugins/doc_fragments/connection.py",
    "examples/demo.yml",
)

# Path patterns (fnmatch, '*' crosses '/') that mark development files in a release, whatever planted them.
LEFTOVER_PATTERNS = (
    ".venv*", "*/.venv*", ".build/*", ".git/*", ".tox/*",
    "*__pycache__*", "*.pyc", "*.pyo", "*.pytest_cache*", "*.hypothesis*", "*.mypy_cache*", "*.ruff_cache*",
    ".coverage", ".coverage.*", "htmlcov/*",
    "tests/output/*", "*.sqlite", "*.sqlite3", "*.db", "*.tar.gz", "*.retry",
)


def test_build_and_install_use_the_newest_tested_ansible_core():
    """The tools venv's ansible-galaxy (build, install, verify here) is the ansible-core of the dev venv: the
    newest line the collection is tested with (locks/dev.in)."""
    pins = (REPO_ROOT / "locks" / "dev.in").read_text(encoding="utf-8")
    newest = re.search(r"^ansible-core==(\S+)", pins, flags=re.MULTILINE).group(1)
    proc = run([tool("ansible-galaxy"), "--version"], env=tool_env())
    assert proc.stdout.startswith(f"ansible-galaxy [core {newest}]"), proc.stdout


def test_tarball_holds_what_users_need(tarball_members, installed_collections):
    missing = [m for m in REQUIRED_MEMBERS if m not in tarball_members]
    assert not missing, f"the built collection lacks {missing}"
    collection_dir = installed_collections[1]
    for module in module_names(REPO_ROOT):
        assert f"plugins/modules/{module}.py" in tarball_members
    assert module_names(collection_dir) == module_names(REPO_ROOT)


def ansible_core_copying():
    """The GPL-3.0 text ansible-core's own distribution ships (its COPYING), as installed in the tools venv."""
    files = [f for f in importlib.metadata.files("ansible-core") or () if f.name == "COPYING" and
             "dist-info" in str(f)]
    assert files, "ansible-core's distribution no longer carries COPYING"
    return files[0].read_text(encoding="utf-8")


def test_the_license_is_the_gpl_and_ships_with_the_collection(collection_tarball):
    """COPYING is the full GPL-3.0 text (the one ansible-core ships), in the repository and the tarball;
    galaxy.yml names the license by its SPDX id (``license`` and ``license_file`` exclude each other)."""
    text = (REPO_ROOT / "COPYING").read_text(encoding="utf-8")
    assert text == ansible_core_copying()
    assert text.lstrip().startswith("GNU GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007")
    # The sha256 of https://www.gnu.org/licenses/gpl-3.0.txt.
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == \
        "3972dc9744f6499f0f9b2dbf76696f2ae7ad8af9b23dde66d6af86c9dfb36986"
    with tarfile.open(collection_tarball) as archive:
        shipped = archive.extractfile("COPYING").read().decode("utf-8")
        manifest = json.load(archive.extractfile("MANIFEST.json"))
    assert shipped == text
    assert GALAXY["license"] == ["GPL-3.0-or-later"] and "license_file" not in GALAXY
    assert manifest["collection_info"]["license"] == ["GPL-3.0-or-later"]
    # Every file header says "see COPYING": the file it points to is there.
    headers = [p for p in (REPO_ROOT / "plugins").rglob("*.py") if "see COPYING" in p.read_text(encoding="utf-8")]
    assert headers, "no file header points to COPYING"


def test_tarball_holds_no_development_leftovers(tarball_members):
    """build_ignore in galaxy.yml keeps virtualenvs, caches, databases and build output out of the release."""
    planted = sorted(m for m in tarball_members if m in DEVELOPMENT_LEFTOVERS)
    matched = sorted(m for m in tarball_members if any(fnmatch.fnmatch(m, p) for p in LEFTOVER_PATTERNS))
    assert not planted and not matched, (
        "galaxy.yml build_ignore lets development files into the release:\n"
        + "\n".join(f"  {m} ({DEVELOPMENT_LEFTOVERS.get(m, 'matches a leftover pattern')})"
                    for m in sorted(set(planted) | set(matched))))


def test_tarball_manifest_matches_galaxy_yml(installed_collections):
    collection_dir = installed_collections[1]
    info = json.loads((collection_dir / "MANIFEST.json").read_text(encoding="utf-8"))["collection_info"]
    for field in ("namespace", "name", "version", "license", "repository", "documentation", "issues"):
        assert info[field] == GALAXY[field], field


def test_installed_copy_verifies_and_runs_the_example_playbook(installed_collections, server_env):
    """The demo playbook, from the installed copy, against the local server: Ansible finds only that copy."""
    root, collection_dir = installed_collections
    env = tool_env(root, **server_env)
    listing = run([tool("ansible-galaxy"), "collection", "list", COLLECTION, "--format", "json"], env=env)
    assert list(json.loads(listing.stdout)) == [str(root / "ansible_collections")]
    run([tool("ansible-galaxy"), "collection", "verify", "--offline", "-p", root, COLLECTION], env=env)

    playbook = collection_dir / "examples" / "demo.yml"
    result = run([tool("ansible-playbook"), playbook], env=env, cwd=scratch_dir("demo-run"))
    recap = re.search(r"localhost\s*:\s*ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0", result.stdout)
    assert recap, describe(result)


def test_galaxy_importer_accepts_the_tarball(collection_tarball):
    """galaxy-importer, as Galaxy runs it (ansible-doc, ansible-lint), finds no error."""
    work = scratch_dir("galaxy-importer")
    config = work / "galaxy-importer.cfg"
    config.write_text((HERE / "galaxy-importer.cfg").read_text(encoding="utf-8").format(scratch=work),
                      encoding="utf-8")
    env = tool_env(None, GALAXY_IMPORTER_CONFIG=config)
    proc = run([tool("python"), "-m", "galaxy_importer.main", collection_tarball],
               env=env, cwd=work, check=False)
    assert proc.returncode == 0, describe(proc)
    # Its log lines are "LEVEL: message", INFO without a prefix; ansible-lint findings come as warnings.
    problems = [line for line in proc.stdout.splitlines() if re.match(r"^(ERROR|WARNING|CRITICAL):", line)]
    assert not problems, "galaxy-importer reported:\n" + "\n".join(problems) + "\n\n" + describe(proc)
    result = json.loads((work / "importer_result.json").read_text(encoding="utf-8"))
    imported = sorted(c["name"] for c in result["contents"] if c["content_type"] == "module")
    assert imported == module_names(REPO_ROOT)
