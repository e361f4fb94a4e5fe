# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module documentation as users read it (ansible-doc on the installed collection), and its EXAMPLES run.

Every module's EXAMPLES are turned into a playbook and run against the local server, so an example that no
longer matches the module fails here. Connection settings in the examples point at a made-up proxy; they are
replaced by the test server's (module arguments and module_defaults lose them, `environment:` gets the server's
values, and the play passes them in the environment). Tasks of other collections in the examples run in check
mode: they show what to do with a result (copy a secret to a file, ...), and their templates are still rendered.
"""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from collection_env import COLLECTION, REPO_ROOT, describe, module_names, run, scratch_dir, tool, tool_env

MODULES = module_names(REPO_ROOT)
CONNECTION_OPTIONS = ("api_url", "api_key", "validate_certs", "ca_path", "client_cert", "client_key")
CONNECTION_ENVIRONMENT = ("LITELLM_PROXY_URL", "LITELLM_PROXY_API_KEY")
TASK_BLOCKS = ("block", "rescue", "always")


@pytest.fixture(scope="module")
def module_docs(installed_collections):
    """ansible-doc --json of every module of the installed collection, by short name."""
    root = installed_collections[0]
    proc = run([tool("ansible-doc"), "--json", *(f"{COLLECTION}.{m}" for m in MODULES)], env=tool_env(root))
    docs = json.loads(proc.stdout)
    return {name.rsplit(".", 1)[1]: doc for name, doc in docs.items()}


def test_ansible_doc_lists_every_module(installed_collections):
    root = installed_collections[0]
    proc = run([tool("ansible-doc"), "--list", "--json", COLLECTION], env=tool_env(root))
    assert sorted(json.loads(proc.stdout)) == [f"{COLLECTION}.{m}" for m in MODULES]


@pytest.mark.parametrize("module", MODULES)
def test_ansible_doc_renders(module, installed_collections, module_docs):
    root = installed_collections[0]
    proc = run([tool("ansible-doc"), f"{COLLECTION}.{module}"], env=tool_env(root))
    assert "WARNING" not in proc.stderr and "ERROR" not in proc.stderr, proc.stderr
    text = proc.stdout
    for heading in ("OPTIONS", "ATTRIBUTES:", "NOTES:", "REQUIREMENTS:", "AUTHOR:", "EXAMPLES:", "RETURN VALUES:"):
        assert heading in text, f"ansible-doc {module} has no {heading}"
    for option in module_docs[module]["doc"]["options"]:
        assert f"{option}\n" in text or f"{option} " in text, option


@pytest.mark.parametrize("module", MODULES)
def test_documentation_is_complete(module, module_docs):
    entry = module_docs[module]
    doc, returns = entry["doc"], entry["return"]
    for field in ("short_description", "description", "author", "version_added", "notes", "requirements"):
        assert doc.get(field), f"{module}: DOCUMENTATION has no {field}"
    assert {"check_mode", "diff_mode"} <= set(doc.get("attributes", {})), f"{module}: document check/diff mode"
    for name in CONNECTION_OPTIONS:
        assert name in doc["options"], f"{module}: connection option {name} missing (doc fragment?)"
    assert "LITELLM_PROXY_URL" in json.dumps(doc["options"]["api_url"])
    undocumented = [n for n, o in flatten(doc["options"], "suboptions") if not o.get("description") or not o.get("type")]
    assert not undocumented, f"{module}: options without description or type: {undocumented}"
    assert returns, f"{module}: RETURN is empty"
    incomplete = [n for n, r in flatten(returns, "contains") if not r.get("description") or not r.get("type")]
    assert not incomplete, f"{module}: return values without description or type: {incomplete}"
    missing_returned = [n for n, r in returns.items() if not r.get("returned")]
    assert not missing_returned, f"{module}: return values that do not say when they are returned: {missing_returned}"


def flatten(entries, child_key, prefix=""):
    for name, entry in (entries or {}).items():
        yield prefix + name, entry
        yield from flatten(entry.get(child_key), child_key, f"{prefix}{name}.")


@pytest.mark.parametrize("module", MODULES)
def test_examples_are_tasks_using_the_module(module, module_docs):
    tasks = yaml.safe_load(module_docs[module]["examples"])
    assert isinstance(tasks, list) and tasks, f"{module}: EXAMPLES is not a list of tasks"
    assert all(t.get("name") for t in tasks), f"{module}: every example task needs a name"
    used = {action for t in walk_tasks(tasks) for action in [task_action(t)] if action}
    assert f"{COLLECTION}.{module}" in used, f"{module}: its EXAMPLES never call {COLLECTION}.{module}"


@pytest.mark.parametrize("module", MODULES)
def test_examples_run_against_the_local_server(module, module_docs, installed_collections, server_env,
                                               litellm_server):
    root = installed_collections[0]
    tasks = [adapt_task(t, server_env) for t in yaml.safe_load(module_docs[module]["examples"])]
    play = {
        "name": f"EXAMPLES of {COLLECTION}.{module}",
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
        "environment": dict(server_env),
        "tasks": tasks,
    }
    work = scratch_dir(f"examples-{module}")
    playbook = work / "examples.yml"
    playbook.write_text(yaml.safe_dump([play], sort_keys=False), encoding="utf-8")
    proc = run([tool("ansible-playbook"), playbook], env=tool_env(root), cwd=work, check=False)
    assert proc.returncode == 0, describe(proc)
    calls = sum(1 for t in walk_tasks(tasks) if (task_action(t) or "").startswith(COLLECTION + "."))
    assert litellm_server.counts()["total"] >= calls, "the examples did not reach the server"


def walk_tasks(tasks):
    for task in tasks:
        yield task
        for key in TASK_BLOCKS:
            yield from walk_tasks(task.get(key) or [])


TASK_KEYWORDS = {
    "name", "register", "no_log", "when", "loop", "loop_control", "vars", "environment", "module_defaults",
    "check_mode", "diff", "tags", "notify", "delegate_to", "run_once", "changed_when", "failed_when", "until",
    "retries", "delay", "ignore_errors", "become", "become_user", "args", "with_items", "block", "rescue", "always",
}


def task_action(task):
    actions = [k for k in task if k not in TASK_KEYWORDS]
    return actions[0] if len(actions) == 1 else None


def adapt_task(task, server_env):
    """Point an example task at the test server; run tasks of other collections in check mode."""
    task = copy.deepcopy(task)
    for key in TASK_BLOCKS:
        if key in task:
            task[key] = [adapt_task(t, server_env) for t in task[key]]
    for name, defaults in (task.get("module_defaults") or {}).items():
        if COLLECTION in name and isinstance(defaults, dict):
            for option in CONNECTION_OPTIONS:
                defaults.pop(option, None)
    environment = task.get("environment")
    if isinstance(environment, dict):
        for variable in CONNECTION_ENVIRONMENT:
            if variable in environment:
                environment[variable] = server_env[variable]
    action = task_action(task)
    if action and action.startswith(COLLECTION + "."):
        if isinstance(task[action], dict):
            for option in CONNECTION_OPTIONS:
                task[action].pop(option, None)
    elif action:
        task["check_mode"] = True
    return task
