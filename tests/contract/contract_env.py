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


# The writes whose bodies hold a resource's settings, by phase (the field tables' ``since`` is per phase).
SETTINGS_WRITES = {
    '_keys.KEY': {'/key/generate': 'create', '/key/service-account/generate': 'create', '/key/update': 'update'},
    '_budgets.BUDGET': {'/budget/new': 'create', '/budget/update': 'update'},
}


def _written_fields(path):
    """(field, phase) of every field-table field a write to ``path`` sends: phase 'create' or 'update'."""
    for table, writes in SETTINGS_WRITES.items():
        phase = writes.get(path)
        if phase is None:
            continue
        module_name, name = table.split('.')
        for field in getattr(collection_module_utils(module_name), name).fields:
            yield field, phase


def newer_parts(path, body, release):
    """What of a write ``body`` to ``path`` the field tables mark as added after ``release``: a list of
    (option, since), ``object_permission.skills`` for an entry. The modules refuse to send these to such a proxy
    (plugins/module_utils/_releases.py; test_release_options.py checks it on each release)."""
    releases = collection_module_utils('_releases')
    if not isinstance(body, dict) or release is None:
        return []
    found = []
    for field, phase in _written_fields(path):
        if field.name not in body:
            continue
        since = field.since.get(phase)
        if since and releases.release_key(release) < releases.release_key(since):
            found.append((field.name, since))
        for entry, entry_since in sorted(field.entries_since.items()):
            sent = body[field.name]
            if (isinstance(sent, dict) and sent.get(entry)
                    and releases.release_key(release) < releases.release_key(entry_since)):
                found.append(('%s.%s' % (field.name, entry), entry_since))
    return found


def without_newer_parts(path, body, release):
    """``body`` without its parts newer than ``release`` (see newer_parts), and an empty entry of a mapping the
    release does not know either: clearing object_permission sends every entry empty, and a release without the
    entry takes the rest (measured on 1.100.0)."""
    if not isinstance(body, dict) or release is None:
        return body
    releases = collection_module_utils('_releases')
    stripped = dict(body)
    for option, _since in newer_parts(path, body, release):
        if '.' not in option:
            stripped.pop(option, None)
    for field, _phase in _written_fields(path):
        sent = stripped.get(field.name)
        if not isinstance(sent, dict):
            continue
        lacking = [entry for entry, since in field.entries_since.items()
                   if releases.release_key(release) < releases.release_key(since)]
        if any(entry in sent for entry in lacking):
            stripped[field.name] = dict((k, v) for k, v in sent.items() if k not in lacking)
    return stripped
