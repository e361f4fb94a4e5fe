# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""GET /health/readiness/details names the LiteLLM release the server answers as: the primary release of the
matrix (meta/litellm.yml, tests/contract/litellm-version.txt), or the one a test sets."""

from __future__ import annotations

import pathlib

import requests
import yaml

from litellm_test_server import server as test_server

REPO = pathlib.Path(__file__).resolve().parents[3]


def test_the_server_answers_as_the_primary_release(api):
    releases = yaml.safe_load((REPO / "meta" / "litellm.yml").read_text())
    pinned = [line.strip() for line in (REPO / "tests" / "contract" / "litellm-version.txt").read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    assert test_server.LITELLM_RELEASE == releases["primary"] == pinned[0]
    answer = api.get("/health/readiness/details").json()
    assert answer["litellm_version"] == releases["primary"]
    assert answer["status"] == "healthy" and answer["db"] == "connected"


def test_a_test_may_set_an_older_release(litellm_server, api):
    litellm_server.litellm_version = "1.100.0"
    assert api.get("/health/readiness/details").json()["litellm_version"] == "1.100.0"
    litellm_server.litellm_version = None
    assert api.get("/health/readiness/details").json()["litellm_version"] == test_server.LITELLM_RELEASE


def test_the_read_is_counted_and_writes_nothing(litellm_server, api):
    api.get("/health/readiness/details")
    counts = litellm_server.counts()
    assert counts["counts"] == {"GET /health/readiness/details": 1} and counts["writes"] == 0


def test_the_read_needs_a_key(litellm_server):
    # The details route depends on user_api_key_auth (the public /health/readiness says less).
    assert requests.get(litellm_server.url + "/health/readiness/details", timeout=10).status_code == 401


def test_the_command_line_takes_a_release():
    args = test_server.parse_args(["--master-key", "sk-master-cli-test-0001", "--litellm-version", "1.100.0"])
    assert args.litellm_version == "1.100.0"
    assert test_server.parse_args(["--master-key", "sk-master-cli-test-0001"]).litellm_version == test_server.LITELLM_RELEASE
