# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection as Galaxy and its users get it: build, contents, install, run, and galaxy-importer."""

from __future__ import annotations

import fnmatch
import json
import re
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


def test_tarball_holds_what_users_need(tarball_members, installed_collections):
    missing = [m for m in REQUIRED_MEMBERS if m not in tarball_members]
    assert not missing, f"the built collection lacks {missing}"
    collection_dir = installed_collections[1]
    for module in module_names(REPO_ROOT):
        assert f"plugins/modules/{module}.py" in tarball_members
    assert module_names(collection_dir) == module_names(REPO_ROOT)


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
