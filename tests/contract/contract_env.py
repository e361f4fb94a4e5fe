"""Where the contract tier finds the LiteLLM version to check and the collection's code."""

import importlib
import os
import pathlib
import subprocess
import sys

CONTRACT_DIR = pathlib.Path(__file__).resolve().parent
REPO_ROOT = CONTRACT_DIR.parents[1]


def pinned_litellm_version():
    for line in (CONTRACT_DIR / 'litellm-version.txt').read_text().splitlines():
        if line.strip() and not line.lstrip().startswith('#'):
            return line.strip()
    raise RuntimeError('tests/contract/litellm-version.txt names no version')


LITELLM_VERSION = os.environ.get('LITELLM_VERSION') or pinned_litellm_version()
# File name of the copy of the live /openapi.json a session keeps in its pytest base temp directory.
OPENAPI_COPY = 'openapi-litellm-%s.json' % LITELLM_VERSION


def collections_path():
    """The root of the synced collection tree (scripts/sync-tree.sh), synced now unless the runner did it."""
    given = os.environ.get('CONTRACT_COLLECTIONS_PATH')
    if given:
        return given
    synced = subprocess.run([str(REPO_ROOT / 'scripts' / 'sync-tree.sh')], check=True, stdout=subprocess.PIPE,
                            universal_newlines=True)
    os.environ['CONTRACT_COLLECTIONS_PATH'] = synced.stdout.strip()
    return os.environ['CONTRACT_COLLECTIONS_PATH']


def collection_module_utils(name):
    """Import plugins/module_utils/<name> of the collection as the modules see it."""
    root = collections_path()
    if root not in sys.path:
        sys.path.insert(0, root)
    return importlib.import_module('ansible_collections.llmops.litellm.plugins.module_utils.' + name)
