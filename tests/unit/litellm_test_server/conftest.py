# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the key server's own tests: an HTTP session bound to a server."""

from __future__ import annotations

import os
import sys

import pytest
import requests

# tests/conftest.py provides these too; repeating them here lets this directory run on its own
# (pytest started inside it, or on these files from elsewhere, does not load tests/conftest.py).
TESTS_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

# pylint: disable=wrong-import-position,unused-import
from litellm_test_server.fixtures import litellm_server, litellm_server_factory, litellm_server_session  # noqa: E402,F401


class Api(object):
    """requests.Session bound to one server's base URL, sending its master key unless told otherwise."""

    def __init__(self, server):
        self.server = server
        self.session = requests.Session()
        self.session.headers["Authorization"] = "Bearer " + server.master_key

    def get(self, path, **kwargs):
        return self.session.get(self.server.url + path, timeout=10, **kwargs)

    def post(self, path, body=None, **kwargs):
        if body is not None:
            kwargs["json"] = body
        return self.session.post(self.server.url + path, timeout=10, **kwargs)

    def generate(self, **body):
        response = self.post("/key/generate", body)
        assert response.status_code == 200, response.text
        return response.json()

    def info(self, key):
        response = self.get("/key/info", params={"key": key})
        assert response.status_code == 200, response.text
        return response.json()["info"]

    def close(self):
        self.session.close()


@pytest.fixture(params=["1.108.7", "1.109.3"])
def release(request, litellm_server):
    """The server answers as each release on both sides of 1.109.0, which changed the shape of errors (the fixture
    resets it after the test): the test looks up what each release answers, as measured on it."""
    litellm_server.litellm_version = request.param
    return request.param


@pytest.fixture
def api(litellm_server):
    client = Api(litellm_server)
    yield client
    client.close()


@pytest.fixture
def api_factory():
    clients = []

    def factory(server):
        client = Api(server)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()
