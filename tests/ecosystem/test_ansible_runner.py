# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection inside ansible-runner, the way AWX and Ansible Automation Platform run a job.

AWX writes a private data directory and hands it to ansible-runner: ``project/`` holds the playbook,
``inventory/hosts`` the inventory, ``env/envvars`` the environment (a custom credential type injects
LITELLM_PROXY_URL and LITELLM_PROXY_API_KEY there), ``env/extravars`` the extra variables and
``env/settings`` runner's own settings (process isolation off, as on an execution node that runs the job
in its execution-environment container). The job (playbooks/runner_job.yml) runs the installed collection
against the local test server, creates keys and stores their secrets in a 0600 file.

ansible-runner keeps what the job did under ``artifacts/<ident>/``: ``rc``, ``status``, ``stdout`` and
one JSON file per event in ``job_events/`` (what AWX stores and shows). The test checks that they report
success, and that no secret is in any of them: neither the master key nor a key the job created.
The one exception is ansible-runner's own record of the process it started, ``artifacts/<ident>/command``
(mode 0600): its ``env`` member is the job's whole environment, the injected master key included, as for any
credential injected as an environment variable. The test checks that the master key is there and nowhere
else in that file, and that no generated key is in it.
"""

from __future__ import annotations

import hashlib
import json
import stat
import sys
from pathlib import Path

import requests
import yaml

from collection_env import COLLECTION, describe, run, scratch_dir, tool, tool_env

PLAYBOOK = Path(__file__).resolve().parent / "playbooks" / "runner_job.yml"
IDENT = "job-42"
ALIAS_PREFIX = "runner-team-"
ALIASES = sorted(ALIAS_PREFIX + name for name in ("notebooks", "batch", "ci"))


def private_data_dir(root, collections_root, server_env):
    """Lay out a private data directory as AWX does; return (directory, secrets file)."""
    pdd = root / "private_data_dir"
    (pdd / "project").mkdir(parents=True)
    (pdd / "inventory").mkdir()
    (pdd / "env").mkdir()
    (pdd / "project" / PLAYBOOK.name).write_text(PLAYBOOK.read_text(encoding="utf-8"), encoding="utf-8")
    # The modules run on the controller, with the Python of the tools venv (it has requests), as an EE's does.
    (pdd / "inventory" / "hosts").write_text(
        f"[litellm_controller]\nlocalhost ansible_connection=local ansible_python_interpreter={sys.executable}\n",
        encoding="utf-8")
    envvars = {
        # What a custom credential type's injector puts here.
        "LITELLM_PROXY_URL": server_env["LITELLM_PROXY_URL"],
        "LITELLM_PROXY_API_KEY": server_env["LITELLM_PROXY_API_KEY"],
        # Where AWX installs a project's collections (here: the tarball installed by the fixture).
        "ANSIBLE_COLLECTIONS_PATH": str(collections_root),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_NOCOLOR": "1",
    }
    secrets_file = root / "secrets" / "keys.json"
    secrets_file.parent.mkdir(mode=0o700)
    extravars = {"runner_alias_prefix": ALIAS_PREFIX, "runner_secrets_file": str(secrets_file)}
    settings = {"process_isolation": False, "job_timeout": 600, "idle_timeout": 300}
    for name, content in (("envvars", envvars), ("extravars", extravars), ("settings", settings)):
        path = pdd / "env" / name
        path.write_text(yaml.safe_dump(content, default_flow_style=False), encoding="utf-8")
        path.chmod(0o600)
    return pdd, secrets_file


def server_keys(server):
    """alias -> token (the sha256 of the secret) of every key the server holds."""
    answer = requests.get(f"{server.url}/key/list", params={"return_full_object": "true", "size": 100},
                          headers={"Authorization": f"Bearer {server.master_key}"}, timeout=10)
    answer.raise_for_status()
    return {k["key_alias"]: k["token"] for k in answer.json()["keys"]}


def artifact_files(artifacts):
    return sorted(p for p in artifacts.rglob("*") if p.is_file())


def test_a_job_run_by_ansible_runner_succeeds_and_keeps_no_secret(installed_collections, server_env, litellm_server):
    root = scratch_dir("ansible-runner")
    pdd, secrets_file = private_data_dir(root, installed_collections[0], server_env)

    # No ANSIBLE_* or LITELLM_* variable of ours: the job gets its settings from the private data directory only.
    proc = run([tool("ansible-runner"), "run", pdd, "--playbook", PLAYBOOK.name, "--ident", IDENT],
               env=tool_env(None), cwd=root, check=False)
    artifacts = pdd / "artifacts" / IDENT
    stdout = (artifacts / "stdout").read_text(encoding="utf-8") if (artifacts / "stdout").exists() else ""
    assert proc.returncode == 0, describe(proc) + "\n--- artifacts/stdout ---\n" + stdout[-8000:]

    # What AWX reads: rc, status, stdout, job events.
    assert (artifacts / "rc").read_text(encoding="utf-8").strip() == "0"
    assert (artifacts / "status").read_text(encoding="utf-8").strip() == "successful"
    assert "[ERROR]" not in stdout and "[WARNING]" not in stdout, stdout
    assert "Show the aliases of the keys" in stdout and all(alias in stdout for alias in ALIASES), stdout
    assert "failed=0" in stdout and "changed=" in stdout, stdout

    events = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((artifacts / "job_events").glob("*.json"))]
    kinds = [e.get("event") for e in events]
    assert "playbook_on_start" in kinds and kinds.count("playbook_on_stats") == 1, kinds
    assert not [e for e in events if e.get("event") in ("runner_on_failed", "runner_on_unreachable")]
    stats = next(e for e in events if e["event"] == "playbook_on_stats")["event_data"]
    assert not stats.get("failures") and not stats.get("dark"), stats
    assert stats["changed"].get("localhost", 0) >= 3, stats
    module_tasks = {e["event_data"].get("task_action") for e in events if e.get("event") == "runner_on_ok"}
    assert {f"{COLLECTION}.litellm_keys", f"{COLLECTION}.litellm_key", f"{COLLECTION}.litellm_key_info"} <= \
        module_tasks, module_tasks

    # The secrets the job stored are the real ones: the server holds exactly their hashes.
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    created = json.loads(secrets_file.read_text(encoding="utf-8"))
    assert sorted(created) == ALIASES
    assert server_keys(litellm_server) == {
        alias: hashlib.sha256(secret.encode()).hexdigest() for alias, secret in created.items()}
    master_key = server_env["LITELLM_PROXY_API_KEY"]
    secrets = {"master key": master_key, **{f"key {alias}": secret for alias, secret in created.items()}}
    assert all(len(s) > 10 and s.startswith("sk-") for s in secrets.values())

    # No artifact holds a secret (ansible-runner's command record: see the module docstring).
    files = artifact_files(artifacts)
    assert artifacts / "stdout" in files and len(files) > len(events)
    leaks = []
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        if path == artifacts / "command":
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
            record = json.loads(text)
            assert record["env"].pop("LITELLM_PROXY_API_KEY") == master_key
            text = json.dumps(record)
        leaks += [f"{path.relative_to(pdd)}: {what}" for what, secret in secrets.items() if secret in text]
    assert not leaks, "secrets in ansible-runner's artifacts:\n" + "\n".join(leaks)
