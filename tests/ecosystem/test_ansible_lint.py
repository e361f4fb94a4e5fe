# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-lint, production profile (.ansible-lint), over the whole repository."""

from __future__ import annotations

import re

from collection_env import REPO_ROOT, describe, run, tool, tool_env

# Where the repository keeps Ansible content, and the kind ansible-lint must recognise it as.
CONTENT = {
    "examples/*.yml": "playbook",
    "extensions/molecule/*/*.yml": None,  # molecule.yml is config, converge.yml a playbook, ...: any kind
    "tests/integration/targets/**/*.yml": None,
    "tests/ecosystem/playbooks/*.yml": "playbook",
}


def content_files():
    found = {}
    for pattern, kind in CONTENT.items():
        for path in sorted(REPO_ROOT.glob(pattern)):
            found[str(path.relative_to(REPO_ROOT))] = kind
    return found


def test_ansible_lint_production_profile_passes(collection_tree):
    root, collection_dir = collection_tree
    proc = run([tool("ansible-lint"), "-vv", "--nocolor"], env=tool_env(root), cwd=collection_dir, check=False)
    output = proc.stdout + proc.stderr
    findings = "\n".join(line for line in output.splitlines() if not line.startswith(("DEBUG ", "INFO ")))
    assert proc.returncode == 0, findings
    # A warning of a lower profile's rule passes the run but not the profile ("required, but 'min' passed").
    assert "Profile 'production' was required, and it passed" in output, findings
    assert re.search(r"Passed: 0 failure\(s\)", output), describe(proc)

    # Every playbook, molecule file and integration target was linted, none skipped by an exclude.
    examined = dict(re.findall(r"Examining (\S+) of type (\S+)", output))
    expected = content_files()
    assert expected, "no Ansible content found in the repository"
    missed = [path for path in expected if path not in examined]
    assert not missed, f"ansible-lint did not examine {missed}"
    wrong_kind = {p: examined[p] for p, kind in expected.items() if kind and examined[p] != kind}
    assert not wrong_kind, f"ansible-lint took these for something else: {wrong_kind}"
