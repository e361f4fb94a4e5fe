# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Extract the team, user, budget, organization and credential fragment of the real proxy's OpenAPI document.

The local test server validates the bodies and query strings of these endpoints against
``openapi-management-1.108.7.json``, written by this script from the full document a LiteLLM 1.108.7 proxy
serves at ``/openapi.json``::

    python tests/litellm_test_server/extract_openapi.py /path/to/openapi-1.108.7.json

The fragment holds the listed operations and every component schema they reference (transitively); the
key endpoints keep their own fragments (``openapi-keys-1.100.0.json`` plus ``openapi-keys-1.108.7-additions.json``).
"""

from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "openapi-management-1.108.7.json")

OPERATIONS = (
    ("post", "/team/new"), ("post", "/team/update"), ("post", "/team/delete"), ("get", "/team/info"),
    ("get", "/team/list"), ("get", "/v2/team/list"), ("post", "/team/member_add"), ("post", "/team/member_delete"),
    ("post", "/team/member_update"), ("post", "/team/block"), ("post", "/team/unblock"),
    ("post", "/user/new"), ("post", "/user/update"), ("post", "/user/delete"), ("get", "/user/info"),
    ("get", "/user/list"),
    ("post", "/budget/new"), ("post", "/budget/update"), ("post", "/budget/info"), ("get", "/budget/list"),
    ("post", "/budget/delete"),
    ("post", "/organization/new"), ("patch", "/organization/update"), ("delete", "/organization/delete"),
    ("get", "/organization/info"), ("get", "/organization/list"),
    ("post", "/key/service-account/generate"),
    ("post", "/credentials"), ("get", "/credentials"), ("get", "/credentials/by_name/{credential_name}"),
    ("patch", "/credentials/{credential_name}"), ("delete", "/credentials/{credential_name}"),
)


def _references(node, found):
    if isinstance(node, dict):
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/components/schemas/"):
            found.add(reference.rsplit("/", 1)[-1])
        for value in node.values():
            _references(value, found)
    elif isinstance(node, list):
        for value in node:
            _references(value, found)


def extract(document):
    paths = {}
    for method, path in OPERATIONS:
        operation = dict(document["paths"][path][method])
        operation.pop("description", None)  # the long docstrings carry nothing the validation needs
        operation.pop("responses", None)
        paths.setdefault(path, {})[method] = operation
    schemas = document["components"]["schemas"]
    wanted = set()
    _references(paths, wanted)
    pending = list(wanted)
    while pending:
        name = pending.pop()
        found = set()
        _references(schemas[name], found)
        for other in found - wanted:
            wanted.add(other)
            pending.append(other)
    return {
        "_comment": "Fragment of the OpenAPI document a LiteLLM %s proxy serves (/openapi.json): the team, user, budget, "
                    "organization and credential operations and the schemas they reference; written by extract_openapi.py."
                    % document.get("info", {}).get("version", "?"),
        "openapi": document.get("openapi"),
        "info": document.get("info"),
        "paths": paths,
        "components": {"schemas": dict((name, schemas[name]) for name in sorted(wanted))},
    }


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    source = argv[0] if argv else "/work/shared/litellm/openapi-1.108.7.json"
    with open(source, encoding="utf-8") as handle:
        document = json.load(handle)
    fragment = extract(document)
    with open(OUTPUT, "w", encoding="utf-8") as handle:
        json.dump(fragment, handle, indent=1, sort_keys=False)
        handle.write("\n")
    sys.stdout.write("wrote %s (%d operations, %d schemas)\n"
                     % (OUTPUT, len(OPERATIONS), len(fragment["components"]["schemas"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
