# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pytest fixtures for the local key server; ``tests/conftest.py`` imports them for every test.

``litellm_server`` is one server per test session, emptied (all data and counters) and switched back to
enterprise behaviour and lenient references before every test that uses it.  ``litellm_server_factory(**start_server_kwargs)``
starts extra servers (TLS, plain proxy, a given SQLite file ...) that stop when the test ends.
"""

from __future__ import annotations

import secrets

import pytest

from .server import start_server


def new_master_key():
    """A random master key in LiteLLM's format (the real proxy refuses well-known ones such as sk-1234)."""
    return "sk-master-" + secrets.token_hex(12)


@pytest.fixture(scope="session")
def litellm_server_session():
    """One key server for the whole session (HTTP, enterprise behaviour, temporary SQLite file)."""
    server = start_server(master_key=new_master_key())
    yield server
    server.stop()


@pytest.fixture
def litellm_server(litellm_server_session):  # pylint: disable=redefined-outer-name
    """The session's server, emptied (keys, teams, users, budgets, organizations, counters) before the test, licensed,
    with models configured, adding the master key's user to new teams and checking references as a real proxy's
    database does (set ``plain_proxy`` / ``llm_router`` / ``auto_add_team_creator`` / ``strict_references`` /
    ``litellm_version`` in a test to change that)."""
    litellm_server_session.reset(data=True)
    _defaults(litellm_server_session)
    yield litellm_server_session
    _defaults(litellm_server_session)


def _defaults(server):
    server.plain_proxy = False
    server.strict_references = True
    server.llm_router = True
    server.auto_add_team_creator = True
    server.litellm_version = None


@pytest.fixture
def litellm_server_factory():
    """Start extra key servers: ``factory(**start_server_kwargs)``; each is stopped after the test."""
    started = []

    def factory(**kwargs):
        kwargs.setdefault("master_key", new_master_key())
        server = start_server(**kwargs)
        started.append(server)
        return server

    yield factory
    for server in reversed(started):
        server.stop()
