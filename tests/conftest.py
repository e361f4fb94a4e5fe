# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared pytest fixtures: the local LiteLLM-compatible key server (tests/litellm_test_server).

This file puts ``tests/`` on ``sys.path`` so tests can ``from litellm_test_server import start_server``
wherever pytest is started from (repository root or a copy at .../ansible_collections/llmops/litellm/),
and provides the fixtures of ``litellm_test_server.fixtures``:

- ``litellm_server``: one server per session, emptied (keys and counters) before each test using it;
  ``.url``, ``.master_key``, ``.counts()``, ``.reset(data=True)``, ``.plain_proxy = True`` for one test.
- ``litellm_server_factory(**start_server_kwargs)``: extra servers (TLS, plain proxy, a given SQLite file),
  stopped after the test.
"""

from __future__ import annotations

import os
import sys

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

# pylint: disable=wrong-import-position,unused-import
from litellm_test_server.fixtures import litellm_server, litellm_server_factory, litellm_server_session  # noqa: E402,F401
