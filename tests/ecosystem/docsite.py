# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build the collection's HTML docsite: module pages and the guides in docs/docsite/, with antsibull-docs.

    scripts/ecosystem.sh docs [DEST]        (DEST defaults to .build/docsite; the site is DEST/build/html)

This is `antsibull-docs sphinx-init` followed by the build.sh it writes, with one change: the generated
conf.py fetches intersphinx inventories (python, jinja2, ansible) from the internet, which CI and air-gapped
machines cannot reach, and Sphinx treats the failed fetch as an error. The build here uses a small local
inventory instead, holding the few labels of the Ansible docs that generated pages refer to, so those links
still point at docs.ansible.com. A reference to any other unknown label still fails the build.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import zlib
from pathlib import Path

from collection_env import COLLECTION, REPO_ROOT, copy_collection_tree, run, scratch_dir, tool, tool_env

ANSIBLE_DOCS_URL = "https://docs.ansible.com/projects/ansible/devel/"
# Labels of the Ansible documentation that antsibull-docs' generated pages refer to: label -> (page, title).
ANSIBLE_DOCS_LABELS = {
    "ansible_configuration_settings": ("reference_appendices/config.html#ansible-configuration-settings",
                                       "Ansible Configuration Settings"),
    "common_return_values": ("reference_appendices/common_return_values.html#common-return-values",
                             "Return Values"),
    # A module with an action plugin (attribute action) and a callback plugin's page link to these.
    "action_plugins": ("plugins/action.html#action-plugins", "Action plugins"),
    "callback_plugins": ("plugins/callback.html#callback-plugins", "Callback plugins"),
}

OFFLINE_CONF = '''

# Added by tests/ecosystem/docsite.py: build without network access (see that file).
intersphinx_mapping = {{
    'ansible_devel': ({url!r}, {inventory!r}),
}}
'''


def write_inventory(path, labels):
    """Write a Sphinx objects.inv (version 2) that maps each label to its page."""
    lines = "".join(f"{label} std:label -1 {page} {title}\n" for label, (page, title) in sorted(labels.items()))
    header = ("# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n"
              "# The remainder of this file is compressed using zlib.\n")
    Path(path).write_bytes(header.encode() + zlib.compress(lines.encode()))


def build_docsite(collections_root, dest):
    """Build the HTML docsite of the collection found in collections_root into dest; return the HTML dir."""
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    # antsibull-docs insists on a destination that only its owner can write to.
    dest.mkdir(mode=0o700, parents=True)
    dest.chmod(0o700)
    env = tool_env(collections_root)
    run([tool("antsibull-docs"), "sphinx-init", "--use-current", "--squash-hierarchy", "--fail-on-error",
         "--project", COLLECTION, "--copyright", "llmops.litellm contributors",
         "--title", f"{COLLECTION} collection documentation", "--html-short-title", COLLECTION,
         "--dest-dir", dest, COLLECTION], env=env)
    inventory = dest / "ansible_devel.inv"
    write_inventory(inventory, ANSIBLE_DOCS_LABELS)
    with open(dest / "conf.py", "a", encoding="utf-8") as conf:
        conf.write(OFFLINE_CONF.format(url=ANSIBLE_DOCS_URL, inventory=str(inventory)))
    run(["bash", dest / "build.sh"], env=env, cwd=dest)
    return dest / "build" / "html"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", default=str(REPO_ROOT / ".build" / "docsite"),
                        help="build directory (the site is <dest>/build/html)")
    args = parser.parse_args(argv)
    collections_root = scratch_dir("docsite-collections")
    copy_collection_tree(collections_root)
    try:
        html = build_docsite(collections_root, Path(args.dest).resolve())
    except AssertionError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"docsite built: {html / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
