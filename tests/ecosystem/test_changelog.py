# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""changelogs/ is managed by antsibull-changelog and agrees with the code and galaxy.yml.

Adding a change: write changelogs/fragments/<short-name>.yml (sections in changelogs/config.yaml).
Releasing: bump galaxy.yml's version, add a fragment with release_summary, then run
`antsibull-changelog release` in the collection tree (it lists new modules from their version_added) and
commit changelogs/ and CHANGELOG.rst.
"""

from __future__ import annotations

import ast

import yaml
from packaging.version import Version

from collection_env import GALAXY, REPO_ROOT, module_names, run, tool, tool_env

CHANGELOG = yaml.safe_load((REPO_ROOT / "changelogs" / "changelog.yaml").read_text(encoding="utf-8"))
RELEASES = CHANGELOG.get("releases") or {}
LATEST = max((Version(v) for v in RELEASES), default=None)


def pending_fragments():
    fragments = REPO_ROOT / "changelogs" / "fragments"
    return sorted(p.name for p in fragments.iterdir() if p.suffix in (".yml", ".yaml"))


def version_added(module):
    """version_added from the module's DOCUMENTATION, read without importing the module."""
    source = (REPO_ROOT / "plugins" / "modules" / f"{module}.py").read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "DOCUMENTATION":
            return str(yaml.safe_load(node.value.value)["version_added"])
    raise AssertionError(f"{module} has no DOCUMENTATION")


def test_antsibull_changelog_lint_passes(collection_tree):
    collection_dir = collection_tree[1]
    env = tool_env()
    for command in (["lint"], ["lint-changelog-yaml", "changelogs/changelog.yaml"]):
        proc = run([tool("antsibull-changelog"), *command], env=env, cwd=collection_dir)
        assert proc.stdout.strip() == "", proc.stdout


def test_changelog_rst_is_generated_from_changelog_yaml(collection_tree):
    """CHANGELOG.rst is antsibull-changelog's output, not edited by hand (regenerate: antsibull-changelog generate)."""
    collection_dir = collection_tree[1]
    run([tool("antsibull-changelog"), "generate"], env=tool_env(), cwd=collection_dir)
    assert (collection_dir / "CHANGELOG.rst").read_text(encoding="utf-8") == \
        (REPO_ROOT / "CHANGELOG.rst").read_text(encoding="utf-8")


def test_galaxy_version_is_released_or_has_fragments():
    """The version galaxy.yml builds is either in changelog.yaml or about to be released with fragments."""
    version = Version(str(GALAXY["version"]))
    assert LATEST is not None and version >= LATEST, (version, LATEST)
    if str(version) not in RELEASES:
        assert pending_fragments(), f"galaxy.yml says {version}; add changelogs/fragments/ for it"


def test_every_module_is_in_the_release_that_added_it():
    released = {str(v): {m["name"] for m in (r.get("modules") or [])} for v, r in RELEASES.items()}
    for module in module_names(REPO_ROOT):
        added = version_added(module)
        if LATEST is not None and Version(added) <= LATEST:
            assert module in released.get(added, set()), (
                f"{module} has version_added {added}, but changelogs/changelog.yaml does not list it under "
                f"releases.{added}.modules; add it there, then run `antsibull-changelog generate`")
