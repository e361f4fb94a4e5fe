# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the ecosystem checks: the collection as users get it.

``collection_tree``: a copy of the work tree at .../ansible_collections/llmops/litellm, for the tools that
read the source (ansible-lint, antsibull-docs, antsibull-changelog).
``collection_tarball``: what ``ansible-galaxy collection build`` makes of a checkout that also holds the
usual development leftovers (virtualenvs, caches, databases, build output), planted here on purpose.
``installed_collections``: that tarball installed by ``ansible-galaxy collection install`` into an empty
collections path; module docs, EXAMPLES, the example playbook and the execution environment use this copy.

The local LiteLLM-compatible server comes from tests/conftest.py (``litellm_server``: emptied before each test).
"""

from __future__ import annotations

import json
import tarfile

import pytest

from collection_env import (
    DEVELOPMENT_LEFTOVERS,
    GALAXY,
    NAME,
    NAMESPACE,
    TOOLS_BIN,
    copy_collection_tree,
    run,
    scratch_dir,
    tool,
    tool_env,
)


def pytest_collection_modifyitems(config, items):
    """Outside the tools virtualenv (say, a plain `pytest tests/`), say how to run these checks."""
    if (TOOLS_BIN / "ansible-lint").exists() and (TOOLS_BIN / "antsibull-docs").exists():
        return
    skip = pytest.mark.skip(reason="ecosystem checks need their tools: run scripts/ecosystem.sh")
    for item in items:
        if "tests/ecosystem/" in item.nodeid:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def collection_tree():
    """Collections root holding a copy of the work tree as llmops.litellm; returns (root, collection dir)."""
    root = scratch_dir("tree")
    return root, copy_collection_tree(root)


@pytest.fixture(scope="session")
def collection_tarball():
    """Path of the tarball ``ansible-galaxy collection build`` makes from a checkout full of leftovers."""
    checkout = copy_collection_tree(scratch_dir("build-checkout"))
    for relative in DEVELOPMENT_LEFTOVERS:
        path = checkout / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("planted by tests/ecosystem/conftest.py\n", encoding="utf-8")
    dist = scratch_dir("dist")
    run([tool("ansible-galaxy"), "collection", "build", "--output-path", dist, checkout], env=tool_env())
    tarballs = list(dist.glob(f"{NAMESPACE}-{NAME}-*.tar.gz"))
    assert [t.name for t in tarballs] == [f"{NAMESPACE}-{NAME}-{GALAXY['version']}.tar.gz"]
    return tarballs[0]


@pytest.fixture(scope="session")
def tarball_members(collection_tarball):
    """Names of the files in the tarball (directories left out)."""
    with tarfile.open(collection_tarball) as archive:
        return sorted(m.name for m in archive.getmembers() if not m.isdir())


@pytest.fixture(scope="session")
def installed_collections(collection_tarball):
    """Collections path into which the tarball was installed (it was empty before); returns (root, dir)."""
    root = scratch_dir("installed")
    assert not any(root.iterdir())
    run([tool("ansible-galaxy"), "collection", "install", "--offline", "-p", root, collection_tarball],
        env=tool_env(root))
    collection_dir = root / "ansible_collections" / NAMESPACE / NAME
    manifest = json.loads((collection_dir / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["collection_info"]["version"] == GALAXY["version"]
    return root, collection_dir


@pytest.fixture
def server_env(litellm_server):
    """Environment variables that point the modules at the local test server (emptied for this test)."""
    return {"LITELLM_PROXY_URL": litellm_server.url, "LITELLM_PROXY_API_KEY": litellm_server.master_key}
