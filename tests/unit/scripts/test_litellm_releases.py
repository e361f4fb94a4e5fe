# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""meta/litellm.yml, the LiteLLM releases the suite tests: the scripts read it with scripts/common.sh's
litellm_releases (plain sed, no YAML parser), which must find what a YAML parser finds; the README's support
table names each tested release; the oldest tested release is the one the modules check options against."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
RELEASES = yaml.safe_load((ROOT / 'meta' / 'litellm.yml').read_text())


def litellm_releases(key):
    script = '. scripts/common.sh && litellm_releases %s' % key
    return subprocess.run(['bash', '-c', script], cwd=str(ROOT), check=True, capture_output=True, text=True,
                          env={'PATH': '/usr/bin:/bin', 'PYTHON': sys.executable}).stdout.split()


def test_the_scripts_read_the_releases_a_yaml_parser_reads():
    assert litellm_releases('primary') == [RELEASES['primary']]
    assert litellm_releases('oldest') == [RELEASES['oldest']]
    assert litellm_releases('tested') == RELEASES['tested']


def test_the_primary_and_oldest_releases_are_tested():
    assert RELEASES['tested'][0] == RELEASES['primary']
    assert RELEASES['oldest'] in RELEASES['tested']


def test_the_readme_support_table_names_each_tested_release():
    readme = (ROOT / 'README.md').read_text()
    table = readme[readme.index('<!-- litellm-releases -->'):readme.index('<!-- /litellm-releases -->')]
    listed = re.findall(r'^\| *(\d+\.\d+\.\d+) *\|', table, re.MULTILINE)
    assert listed == RELEASES['tested']


def test_the_oldest_release_is_the_one_the_modules_check_against():
    source = (ROOT / 'plugins' / 'module_utils' / '_releases.py').read_text()
    assert re.search(r"^OLDEST_TESTED = ['\"]%s['\"]" % re.escape(RELEASES['oldest']), source, re.MULTILINE)
