# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""GET /health/license as LiteLLM 1.108.7 answers it (_health_endpoints.health_license_endpoint)."""

from __future__ import annotations

import requests

# A proxy without license data answers these besides has_license and license_type.
WITHOUT_LICENSE_DATA = {"expiration_date": None, "allowed_features": [], "limits": {"max_users": None, "max_teams": None}}


def test_a_plain_proxy_has_no_license(litellm_server, api):
    litellm_server.plain_proxy = True
    response = api.get("/health/license")
    assert response.status_code == 200
    assert response.json() == dict(WITHOUT_LICENSE_DATA, has_license=False, license_type="community")


def test_the_default_server_answers_as_a_licensed_proxy(api):
    # It accepts every Enterprise feature, so it says it has a license.
    assert api.get("/health/license").json() == dict(WITHOUT_LICENSE_DATA, has_license=True,
                                                     license_type="enterprise")


def test_the_license_read_is_counted_and_writes_nothing(litellm_server, api):
    api.get("/health/license")
    counts = litellm_server.counts()
    assert counts["counts"] == {"GET /health/license": 1}
    assert counts["total"] == 1 and counts["writes"] == 0


def test_the_license_read_needs_a_key(litellm_server):
    # The endpoint depends on user_api_key_auth.
    assert requests.get(litellm_server.url + "/health/license", timeout=10).status_code == 401
