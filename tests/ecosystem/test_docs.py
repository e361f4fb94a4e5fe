# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The docsite (docs/docsite/) and the module documentation as antsibull-docs renders it."""

from __future__ import annotations

import re

import yaml
from docsite import build_docsite

from collection_env import COLLECTION, REPO_ROOT, module_names, run, scratch_dir, tool, tool_env

DOCSITE = REPO_ROOT / "docs" / "docsite"


def guide_names():
    index = yaml.safe_load((DOCSITE / "extra-docs.yml").read_text(encoding="utf-8"))
    return [entry if isinstance(entry, str) else entry["ref"]
            for section in index["sections"] for entry in section["toctree"]]


def test_antsibull_docs_lint_passes(collection_tree):
    """Extra docs, links.yml, every plugin's docs, and every reference from the guides to plugins and options."""
    root, collection_dir = collection_tree
    proc = run([tool("antsibull-docs"), "lint-collection-docs", "--plugin-docs", "--check-extra-docs-refs",
                "--validate-collection-refs", "self", "--disallow-unknown-collection-refs", collection_dir],
               env=tool_env(root))
    assert proc.stdout.strip() == "", proc.stdout


def test_every_guide_is_in_the_index():
    on_disk = sorted(p.stem for p in (DOCSITE / "rst").glob("*.rst"))
    assert sorted(guide_names()) == on_disk


def test_every_module_appears_in_a_guide():
    """A new module gets a scenario (or a place in one); guides mention only modules that exist (lint)."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in (DOCSITE / "rst").glob("*.rst"))
    referenced = set(re.findall(r":ansplugin:`" + re.escape(COLLECTION) + r"\.(\w+)#module`", text))
    assert sorted(set(module_names(REPO_ROOT)) - referenced) == []


def test_html_docsite_builds(collection_tree):
    """`scripts/ecosystem.sh docs` in a scratch directory: Sphinx with warnings as errors, no network."""
    root = collection_tree[0]
    html = build_docsite(root, scratch_dir("docsite") / "site")
    index = (html / "index.html").read_text(encoding="utf-8")
    for guide in guide_names():
        page = html / "docsite" / f"{guide}.html"
        assert page.is_file(), guide
        assert f"docsite/{guide}.html" in index
    for module in module_names(REPO_ROOT):
        page = (html / f"{module}_module.html").read_text(encoding="utf-8")
        assert f"{COLLECTION}.{module} module" in page
        assert 'id="examples"' in page and 'id="return-values"' in page
