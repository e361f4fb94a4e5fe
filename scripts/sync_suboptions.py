"""Writes the suboptions of litellm_keys' ``keys`` option from the key settings doc fragment.

Ansible merges doc fragments into a module's top-level options only, so the items of ``litellm_keys`` (which
take every key setting) cannot reuse plugins/doc_fragments/key_settings.py by reference. This script copies
the fragment's options, with ``key_alias`` and ``state`` first, between the BEGIN/END markers in
plugins/modules/litellm_keys.py. The unit test tests/unit/plugins/doc_fragments/test_settings.py runs it with
``--check``, so the two never drift apart.

    python3 scripts/sync_suboptions.py           rewrite the block
    python3 scripts/sync_suboptions.py --check   exit 1 (and say so) if the block is out of date
"""

import argparse
import ast
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRAGMENT = os.path.join(ROOT, 'plugins', 'doc_fragments', 'key_settings.py')
MODULE = os.path.join(ROOT, 'plugins', 'modules', 'litellm_keys.py')
BEGIN = '      # BEGIN key settings, written by scripts/sync_suboptions.py from doc_fragments/key_settings.py\n'
END = '      # END key settings\n'

# The item options that are not key settings: what identifies the key in the set, and its state.
ITEM_OPTIONS = '''      key_alias:
        description:
          - The key's alias, which identifies it in the set.
        type: str
        required: true
      state:
        description:
          - V(present) creates or updates the key; V(absent) deletes it.
        type: str
        choices: [present, absent]
        default: present
'''


def fragment_options():
    """The ``options:`` block of the fragment's DOCUMENTATION, as text (its indentation kept)."""
    with open(FRAGMENT) as handle:
        tree = ast.parse(handle.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == 'DOCUMENTATION' for t in node.targets):
            documentation = node.value.value
            break
    else:
        raise SystemExit('no DOCUMENTATION in %s' % FRAGMENT)
    options = documentation.split('options:\n', 1)[1]
    return options.rstrip('\n') + '\n'


def rendered_block():
    # Fragment options sit at two spaces; suboptions of keys sit at six. O(name) of a fragment option means the
    # module's own option; within litellm_keys it is the item's, O(keys[].name).
    settings = ''.join(('    ' + line if line.strip() else line) for line in fragment_options().splitlines(True))
    settings = re.sub(r'O\(([a-z_]+)(=[^)]*)?\)', r'O(keys[].\1\2)', settings)
    return BEGIN + ITEM_OPTIONS + settings + END


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--check', action='store_true', help='only report whether the block is up to date')
    args = parser.parse_args()
    with open(MODULE) as handle:
        text = handle.read()
    pattern = re.compile(re.escape(BEGIN) + '.*?' + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit('%s has no block between the markers:\n%s%s' % (MODULE, BEGIN, END))
    wanted = pattern.sub(lambda _match: rendered_block(), text)
    if wanted == text:
        return 0
    if args.check:
        print('%s: the suboptions of keys differ from %s; run python3 scripts/sync_suboptions.py'
              % (os.path.relpath(MODULE, ROOT), os.path.relpath(FRAGMENT, ROOT)), file=sys.stderr)
        return 1
    with open(MODULE, 'w') as handle:
        handle.write(wanted)
    print('updated %s' % os.path.relpath(MODULE, ROOT))
    return 0


if __name__ == '__main__':
    sys.exit(main())
