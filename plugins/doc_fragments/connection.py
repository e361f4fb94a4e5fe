# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Connection options of every module in this collection. Set them once per play with
    # module_defaults: group/llmops.litellm.litellm.
    DOCUMENTATION = r'''
options:
  api_url:
    description:
      - Base URL of the LiteLLM proxy, such as V(https://litellm.example.com).
      - Give the proxy's root, not an endpoint path such as C(/key/generate) or C(/v1).
      - If not set, the environment variable E(LITELLM_PROXY_URL) is used (the same variable as LiteLLM's own CLI).
    type: str
  api_key:
    description:
      - The proxy master key, or a virtual key allowed to manage keys. Sent as a Bearer token.
      - If not set, the environment variable E(LITELLM_PROXY_API_KEY) is used (the same variable as LiteLLM's own CLI).
      - Never shown in output, diffs, planned requests or error messages.
    type: str
  validate_certs:
    description:
      - Verify the proxy's TLS certificate.
      - Set O(ca_path) for a proxy whose certificate comes from a private CA, rather than turning this off.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the CA certificate(s) to trust for the proxy, for a private CA.
    type: path
  client_cert:
    description:
      - PEM client certificate for mutual TLS.
      - May also hold the private key; otherwise set O(client_key).
    type: path
  client_key:
    description:
      - PEM private key of O(client_cert), when it is a separate file.
    type: path
  timeout:
    description:
      - Seconds to wait for the proxy to connect and to answer, for each request.
    type: float
    default: 30
  retries:
    description:
      - How often a request is sent again after a connection error, a timeout, or HTTP 429, 502, 503 or 504,
        with exponential backoff and jitter; a C(Retry-After) header is honoured.
      - Reads, updates and deletes are repeated freely, since repeating them ends in the same state.
        Creating a key is repeated only when the proxy certainly did not act on it (no connection, HTTP 429
        or 503); after an ambiguous failure the module reads the key by alias first, so it never creates
        two keys with one alias.
    type: int
    default: 3
requirements:
  - requests (Python library, on the host that runs the module)
notes:
  - These modules talk to the proxy's HTTP API from the host they run on; run them on the controller with
    C(delegate_to=localhost) or C(connection=local) unless that host should make the calls.
  - On the controller (a C(local) connection - C(hosts=localhost), C(delegate_to=localhost), C(connection=local))
    each module runs in the controller's own process, through its action plugin, with the same options, result,
    check mode and diff as the module - only faster, most of all in a C(loop). The environment variable fallbacks
    then read the controller's environment and the task's C(environment). Set the variable C(litellm_in_process)
    to V(false) (for a play, a host or a task) to run the modules as modules there too; tasks on other hosts and
    C(async) tasks always do.
'''
