# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Local LiteLLM-compatible server (keys, teams, users, budgets, organizations) for tests and demos.

Import it as ``from litellm_test_server import start_server``: ``tests/conftest.py`` puts the ``tests/``
directory on ``sys.path``, so this works whether pytest runs from the repository root or from a copy at
``.../ansible_collections/llmops/litellm/``.  Outside pytest, add ``tests/`` to ``sys.path`` (or
``PYTHONPATH``) yourself, or run the server as a process::

    python tests/litellm_test_server/server.py --port 4000 --master-key sk-...

In-process use::

    server = start_server(master_key="sk-...")       # ephemeral port, temporary SQLite file
    server.url, server.master_key                     # base URL and key for clients
    server.counts()                                   # {"counts": {"POST /key/generate": 1}, "total": .., "writes": ..}
    server.reset(data=True)                           # clear counters (and all data)
    server.plain_proxy = True                         # answer as a proxy without a license
    server.strict_references = False                  # stop checking team/organization/budget ids (a real database does)
    server.stop()

See ``server.py`` for the endpoints, the semantics mirrored from LiteLLM 1.108.7, and the test-only endpoints;
``SEMANTICS.md`` for what the team, user, budget and organization endpoints do and answer.
"""

from .server import ServerHandle, create_server, hash_token, start_server

__all__ = ["ServerHandle", "create_server", "hash_token", "start_server"]
