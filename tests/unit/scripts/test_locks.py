# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""scripts/locks.py: the hash locks every environment of the suite installs.

The locks in locks/ are current and complete; a lock older than its input, or made for another Python, is refused
before pip runs; a file whose hash is not in the lock stops the install with a message that says what happened
and what to do, and installs nothing. The install tests use a wheel made here and pip with --no-index, so they
need no package index.
"""

from __future__ import annotations

import base64
import hashlib
import pathlib
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / 'scripts'))

import locks  # noqa: E402  pylint: disable=wrong-import-position

PYTHON = '%d.%d' % sys.version_info[:2]


@pytest.mark.parametrize('name', locks.all_names())
def test_every_lock_is_current_with_its_input_and_pins_each_package_by_hash(name):
    assert locks.Lock(name).problems() == []


def test_the_locks_cover_every_environment_the_scripts_install():
    common = (ROOT / 'scripts' / 'common.sh').read_text()
    python_of_release = dict(re.findall(r'\[(\d+\.\d+)\]=(\d+\.\d+)', re.search(r'PYTHON_OF_RELEASE=\((.*)\)', common).group(1)))
    lock_of_release = dict(re.findall(r'\[(\d+\.\d+)\]=(\S+?)[\s)]', re.search(r'LOCK_OF_RELEASE=\((.*\))', common).group(1)))
    assert sorted(lock_of_release) == sorted(python_of_release)
    for release, name in lock_of_release.items():
        lock = locks.Lock(name)
        assert lock.python == python_of_release[release], (release, name)
        assert lock.versions()['ansible-core'].startswith(release + '.'), (release, name)
    names = set(locks.all_names())
    assert {'dev', 'ecosystem', 'lock-tools', 'ee-ansible-core', 'ee-requests', 'ee-requests-oldest'} <= names
    pinned = (ROOT / 'tests' / 'contract' / 'litellm-version.txt').read_text()
    version = next(line.strip() for line in pinned.splitlines() if line.strip() and not line.startswith('#'))
    assert 'litellm-proxy-' + version in names
    # Every release of the matrix is built from a lock of its own.
    tested = yaml.safe_load((ROOT / 'meta' / 'litellm.yml').read_text())['tested']
    assert set('litellm-proxy-' + release for release in tested) <= names, tested


@pytest.mark.parametrize('name', [n for n in locks.all_names() if locks.OVERRIDE_LINE.search(locks.Lock(n).input.read_text())])
def test_an_override_of_a_lock_input_is_the_version_locked(name):
    lock = locks.Lock(name)
    versions = lock.versions()
    for pin in locks.OVERRIDE_LINE.findall(lock.input.read_text()):
        package, version = pin.split('==')
        assert versions[package] == version, (name, pin)


def test_the_test_environments_run_the_same_ansible_core_and_requests():
    dev = locks.Lock('dev').versions()
    for name in ('ecosystem', 'ee-ansible-core'):
        assert locks.Lock(name).versions()['ansible-core'] == dev['ansible-core'], name
    assert locks.Lock('ee-requests').versions()['requests'] == dev['requests']


@pytest.fixture
def lock_dir(tmp_path, monkeypatch):
    directory = tmp_path / 'locks'
    directory.mkdir()
    monkeypatch.setattr(locks, 'LOCK_DIR', directory)
    return directory


def write_lock(lock_dir, name, body, python=PYTHON):
    (lock_dir / (name + '.in')).write_text('# python: %s\ntiny-pkg==1.0\n' % python)
    digest = hashlib.sha256((lock_dir / (name + '.in')).read_bytes()).hexdigest()
    (lock_dir / (name + '.txt')).write_text('# input-sha256: %s\n%s' % (digest, body))


def test_a_lock_older_than_its_input_is_refused_before_pip_runs(lock_dir):
    write_lock(lock_dir, 'tiny', 'tiny-pkg==1.0 \\\n    --hash=sha256:%s\n' % ('0' * 64))
    (lock_dir / 'tiny.in').write_text('# python: %s\ntiny-pkg==2.0\n' % PYTHON)
    problems = locks.Lock('tiny').problems()
    assert problems == ['%s is not compiled from %s as it is now: run `make lock` and commit both'
                        % (lock_dir / 'tiny.txt', lock_dir / 'tiny.in')]
    with pytest.raises(locks.LockError, match='run `make lock`'):
        locks.install('tiny', sys.executable)


def test_a_package_without_a_hash_or_a_single_version_is_a_problem(lock_dir):
    write_lock(lock_dir, 'tiny', 'tiny-pkg>=1.0\nother==2.0 \\\n    --hash=sha256:%s\n' % ('1' * 64))
    assert locks.Lock('tiny').problems() == ['%s: not one version with its hashes: tiny-pkg>=1.0' % (lock_dir / 'tiny.txt')]


def test_a_lock_for_another_python_is_refused_with_both_versions(lock_dir):
    write_lock(lock_dir, 'tiny', 'tiny-pkg==1.0 \\\n    --hash=sha256:%s\n' % ('0' * 64), python='2.7')
    with pytest.raises(locks.LockError) as refused:
        locks.install('tiny', sys.executable)
    assert 'is locked for Python 2.7, but %s is Python %s' % (sys.executable, PYTHON) in str(refused.value)


def tiny_wheel(directory):
    """tiny_pkg 1.0 as a wheel file, and its sha256."""
    path = directory / 'tiny_pkg-1.0-py3-none-any.whl'
    files = {
        'tiny_pkg/__init__.py': b'VALUE = 1\n',
        'tiny_pkg-1.0.dist-info/METADATA': b'Metadata-Version: 2.1\nName: tiny-pkg\nVersion: 1.0\n',
        'tiny_pkg-1.0.dist-info/WHEEL': b'Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
    }
    record = ''.join('%s,sha256=%s,%d\n' % (name, base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode(), len(data))
                     for name, data in files.items())
    with zipfile.ZipFile(str(path), 'w') as wheel:
        for name, data in files.items():
            wheel.writestr(name, data)
        wheel.writestr('tiny_pkg-1.0.dist-info/RECORD', record + 'tiny_pkg-1.0.dist-info/RECORD,,\n')
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def clean_venv(tmp_path):
    venv = tmp_path / 'venv'
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(venv)], check=True)
    return venv / 'bin' / 'python'


def installed(python):
    return subprocess.run([str(python), '-c', 'import tiny_pkg'], check=False).returncode == 0


def test_a_file_whose_hash_is_not_in_the_lock_stops_the_install_and_installs_nothing(tmp_path, lock_dir, clean_venv, capsys):
    wheels = tmp_path / 'wheels'
    wheels.mkdir()
    _wheel, digest = tiny_wheel(wheels)
    tampered = ('%x' % (int(digest[0], 16) ^ 1)) + digest[1:]
    write_lock(lock_dir, 'tiny', 'tiny-pkg==1.0 \\\n    --hash=sha256:%s\n' % tampered)
    with pytest.raises(locks.LockError) as refused:
        locks.install('tiny', str(clean_venv), ['--no-index', '--find-links', str(wheels)])
    message = str(refused.value)
    assert message.startswith('a package the index served does not match its hash in %s' % (lock_dir / 'tiny.txt'))
    assert 'nothing was installed from it' in message and 'refresh the locks with `make lock`' in message
    # pip's own account (expected and actual hash) is shown above the message.
    shown = capsys.readouterr().err
    assert 'Expected sha256 ' + tampered in shown and 'Got        ' + digest in shown
    assert not installed(clean_venv)


def test_a_file_whose_hash_is_in_the_lock_installs(tmp_path, lock_dir, clean_venv):
    wheels = tmp_path / 'wheels'
    wheels.mkdir()
    _wheel, digest = tiny_wheel(wheels)
    write_lock(lock_dir, 'tiny', 'tiny-pkg==1.0 \\\n    --hash=sha256:%s \\\n    --hash=sha256:%s\n' % ('0' * 64, digest))
    locks.install('tiny', str(clean_venv), ['--no-index', '--find-links', str(wheels)])
    assert installed(clean_venv)


def test_the_command_line_reports_a_refusal_in_one_line_and_exits_1(lock_dir, capsys):
    write_lock(lock_dir, 'tiny', 'tiny-pkg==1.0 \\\n    --hash=sha256:%s\n' % ('0' * 64), python='2.7')
    assert locks.main(['install', 'tiny', sys.executable]) == 1
    assert capsys.readouterr().err.startswith('ERROR: %s is locked for Python 2.7' % (lock_dir / 'tiny.txt'))
    assert locks.main(['check']) == 0
    shutil.copy2(str(lock_dir / 'tiny.in'), str(lock_dir / 'other.in'))
    assert locks.main(['check']) == 1
    assert 'other.txt does not exist: run `make lock`' in capsys.readouterr().err
