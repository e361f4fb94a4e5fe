#!/usr/bin/env bash
# Makes the real copy of the collection that ansible and ansible-test need, at
#   .build/collections/ansible_collections/llmops/litellm
# and prints the collections root (.build/collections) on stdout, for ANSIBLE_COLLECTIONS_PATH / PYTHONPATH.
#
# The copy holds exactly the files git would commit: tracked files plus untracked ones that are not ignored
# (`git ls-files -co --exclude-standard`), as they are in the work tree now. Files no longer in that list are
# deleted from the copy, except what tools write while they run there (ansible-test's tests/output/, Python
# and test caches): a sync during another run in the same copy must not pull its working files away.
# Changed files are replaced atomically (a running test never reads half a file); unchanged ones (same size,
# mtime and mode) are not copied again, so a re-sync takes well under a second.
#
# ansible-test looks for version control by walking up from the collection; here it would find this repo's
# .git, in which .build/ is ignored, and see no files. Run it with ANSIBLE_TEST_CONTENT_ROOT set to the
# collection directory (scripts/sanity.sh and scripts/test.sh do).
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

mkdir -p "${COLLECTION_DIR}"
"${PYTHON}" - "${ROOT}" "${COLLECTION_DIR}" "${BUILD_DIR}/.sync.lock" <<'PY'
import fcntl
import os
import shutil
import subprocess
import sys

source_root, target_root, lock_path = sys.argv[1:4]
# Written by tools running in the copy, not part of the source: never deleted by a sync.
TOOL_OUTPUT_DIRS = ('tests/output/',)
TOOL_CACHE_NAMES = {'__pycache__', '.pytest_cache', '.hypothesis', '.mypy_cache'}


def is_tool_output(relative):
    return relative.startswith(TOOL_OUTPUT_DIRS) or not TOOL_CACHE_NAMES.isdisjoint(relative.split(os.sep))


def place(target, write):
    """Make target via write(temporary path) and a rename: a reader sees the old or the new, never half of it."""
    partial = os.path.join(os.path.dirname(target), '.%s.sync-%d' % (os.path.basename(target), os.getpid()))
    write(partial)
    os.replace(partial, target)


# One sync at a time (several runs may share this copy); released when this process ends.
lock = open(lock_path, 'w')  # pylint: disable=consider-using-with
fcntl.flock(lock, fcntl.LOCK_EX)

listing = subprocess.run(['git', '-C', source_root, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
                         check=True, stdout=subprocess.PIPE).stdout

wanted = set()
for name in sorted(set(listing.split(b'\0')) - {b''}):
    relative = os.fsdecode(name)
    top = relative.split('/', 1)[0]
    # Never copy the copy into itself nor a virtualenv, even before .gitignore lists them.
    if top == '.build' or top.startswith('.venv'):
        continue
    source = os.path.join(source_root, relative)
    if not os.path.lexists(source):  # tracked, but deleted in the work tree
        continue
    wanted.add(relative)
    target = os.path.join(target_root, relative)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if os.path.isdir(target) and not os.path.islink(target):  # was a directory, is a file or link now
        shutil.rmtree(target)
    if os.path.islink(source):
        link = os.readlink(source)
        if not (os.path.islink(target) and os.readlink(target) == link):
            place(target, lambda path: os.symlink(link, path))
        continue
    if os.path.lexists(target) and not os.path.islink(target):
        src_stat, dst_stat = os.stat(source), os.stat(target)
        if (src_stat.st_size, src_stat.st_mtime_ns, src_stat.st_mode) == (
                dst_stat.st_size, dst_stat.st_mtime_ns, dst_stat.st_mode):
            continue
    place(target, lambda path: shutil.copy2(source, path))

for directory, subdirectories, files in os.walk(target_root, topdown=False):
    entries = files + [d for d in subdirectories if os.path.islink(os.path.join(directory, d))]
    for entry in entries:
        path = os.path.join(directory, entry)
        relative = os.path.relpath(path, target_root)
        if relative not in wanted and not is_tool_output(relative):
            os.remove(path)
    relative = os.path.relpath(directory, target_root) + os.sep
    if directory != target_root and not os.listdir(directory) and not is_tool_output(relative):
        os.rmdir(directory)
PY
echo "${COLLECTIONS_ROOT}"
