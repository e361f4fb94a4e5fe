# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Counters, persistence, keep-alive, TLS/mTLS and the command line of the local key server."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from litellm_test_server.pki import make_test_pki

SERVER_SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                             "litellm_test_server", "server.py")


# -- counters --------------------------------------------------------------------------------------------------

def test_counters_count_per_endpoint_and_writes(litellm_server, api):
    created = api.generate(key_alias="c1")
    api.get("/key/list", params={"key_alias": "c1"})
    api.get("/key/info", params={"key": created["token"]})
    api.post("/key/update", {"key": created["token"], "rpm_limit": 1})
    api.post("/key/%s/regenerate" % created["token"])
    api.post("/key/delete", {"keys": ["0" * 64]})
    counts = litellm_server.counts()
    assert counts["counts"] == {"POST /key/generate": 1, "GET /key/list": 1, "GET /key/info": 1, "POST /key/update": 1,
                                "POST /key/{key}/regenerate": 1, "POST /key/delete": 1}
    assert counts["total"] == 6 and counts["writes"] == 4
    # the delete of an unknown key was refused (404): received, not accepted
    assert counts["accepted_writes"] == 3
    assert api.get("/_test/requests").json() == counts


def test_reset_endpoint_clears_counters_and_optionally_keys(api):
    api.generate(key_alias="r1")
    assert api.post("/_test/reset", {}).status_code == 200
    assert api.get("/_test/requests").json() == {"counts": {}, "total": 0, "writes": 0, "accepted_writes": 0,
                                                 "server": "local"}
    assert api.get("/key/list").json()["total_count"] == 1
    api.post("/_test/reset", {"data": True})
    assert api.get("/key/list").json()["total_count"] == 0


def test_test_endpoints_need_the_master_key(litellm_server):
    for method, path in (("get", "/_test/requests"), ("post", "/_test/reset")):
        response = getattr(requests, method)(litellm_server.url + path, timeout=10)
        assert response.status_code == 401


def test_seed_can_store_two_keys_with_one_alias(api):
    seeded = api.post("/_test/seed", {"keys": [{"key": "sk-seeded-key-00001", "key_alias": "twin"},
                                               {"key": "sk-seeded-key-00002", "key_alias": "twin"}]})
    assert seeded.status_code == 200
    assert api.get("/key/list", params={"key_alias": "twin"}).json()["total_count"] == 2
    response = api.post("/key/update", {"key_alias": "twin", "rpm_limit": 1})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Multiple keys share key_alias='twin', so it cannot be used as an identifier."


# -- persistence and connections --------------------------------------------------------------------------------

def test_keys_survive_a_restart(tmp_path, litellm_server_factory, api_factory):
    db_path = str(tmp_path / "keys.sqlite3")
    first = litellm_server_factory(db_path=db_path)
    created = api_factory(first).generate(key_alias="durable", soft_budget=2)
    first.stop()
    second = litellm_server_factory(db_path=db_path)
    info = api_factory(second).info(created["key"])
    assert info["key_alias"] == "durable" and info["litellm_budget_table"]["soft_budget"] == 2.0
    assert os.path.exists(db_path)


def test_temporary_database_is_removed_on_stop(litellm_server_factory):
    server = litellm_server_factory()
    assert os.path.exists(server.db_path)
    server.stop()
    assert not os.path.exists(server.db_path)


def test_connections_are_kept_alive(litellm_server):
    connection = http.client.HTTPConnection(litellm_server.host, litellm_server.port, timeout=10)
    headers = {"Authorization": "Bearer " + litellm_server.master_key, "Content-Type": "application/json"}
    try:
        sockets = []
        for body in ('{"key_alias": "ka"}', None, None):
            if body is None:
                connection.request("GET", "/key/list", headers=headers)
            else:
                connection.request("POST", "/key/generate", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            assert response.status == 200 and response.version == 11
            sockets.append(connection.sock)
        assert sockets[0] is not None and all(sock is sockets[0] for sock in sockets)
    finally:
        connection.close()


# -- TLS ---------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_test_pki(str(tmp_path_factory.mktemp("pki")))


def test_https_with_trusted_ca(pki, litellm_server_factory):  # pylint: disable=redefined-outer-name
    server = litellm_server_factory(certfile=pki.server_cert, keyfile=pki.server_key)
    assert server.url.startswith("https://localhost:")
    headers = {"Authorization": "Bearer " + server.master_key}
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(server.url + "/key/list", headers=headers, timeout=10)
    response = requests.get(server.url + "/key/list", headers=headers, verify=pki.ca_cert, timeout=10)
    assert response.status_code == 200


def test_mutual_tls_requires_client_certificate(pki, litellm_server_factory):  # pylint: disable=redefined-outer-name
    server = litellm_server_factory(certfile=pki.server_cert, keyfile=pki.server_key, client_ca=pki.ca_cert)
    headers = {"Authorization": "Bearer " + server.master_key}
    with pytest.raises(requests.exceptions.RequestException):
        requests.get(server.url + "/key/list", headers=headers, verify=pki.ca_cert, timeout=10)
    response = requests.get(server.url + "/key/list", headers=headers, verify=pki.ca_cert,
                            cert=(pki.client_cert, pki.client_key), timeout=10)
    assert response.status_code == 200


# -- command line ------------------------------------------------------------------------------------------------

def _wait_for(path, process, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if os.path.exists(path):
            return open(path, encoding="utf-8").read().strip()
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError("server did not write %s" % path)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_command_line_server(tmp_path, stop_signal):
    ready = str(tmp_path / "ready")
    db_path = str(tmp_path / "cli.sqlite3")
    environment = dict(os.environ, LITELLM_MASTER_KEY="sk-cli-master-key-0001")
    process = subprocess.Popen([sys.executable, SERVER_SCRIPT, "--port", "0", "--db", db_path, "--plain-proxy",
                                "--ready-file", ready], env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        url = _wait_for(ready, process)
        headers = {"Authorization": "Bearer sk-cli-master-key-0001"}
        assert requests.post(url + "/key/generate", json={"key_alias": "cli"}, headers=headers, timeout=10).status_code == 200
        assert requests.post(url + "/key/generate", json={"tags": ["t"]}, headers=headers, timeout=10).status_code == 403
    finally:
        process.send_signal(stop_signal)
        _stdout, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert os.path.exists(db_path)


def test_command_line_requires_a_master_key(tmp_path):
    environment = dict(os.environ)
    environment.pop("LITELLM_MASTER_KEY", None)
    result = subprocess.run([sys.executable, SERVER_SCRIPT, "--port", "0"], env=environment, capture_output=True,
                            text=True, timeout=30, check=False, cwd=str(tmp_path))
    assert result.returncode == 2
    assert "--master-key" in result.stderr
