"""Measure, on a real proxy, what LiteLLM does with key fields: the source of tests/real_proxy/FINDINGS.md.

Three probes, all against the proxy named by LITELLM_PROXY_URL / LITELLM_PROXY_API_KEY (its master key), which
``scripts/real-proxy.sh run -- .venv/bin/python tests/real_proxy/probe_key_fields.py`` provides:

1. every field of GenerateKeyRequest (from the proxy's live /openapi.json), one /key/generate each with a
   sample value: accepted, or refused with which status and message (a plain proxy has no Enterprise license);
2. the fields other work needs to know about (key_type, auto_rotate, object_permission, enforced_params, ...):
   set by /key/generate, and set by /key/update of a plain key; what /key/info and
   /key/list?return_full_object=true then show;
3. /key/update of max_budget, tpm_limit, models and a metadata entry with null, an empty value and the field
   omitted: what the key holds afterwards.

Prints a markdown report on stdout (``--json`` for the raw observations). Every key it makes is deleted.
"""

import argparse
import json
import os
import sys
import uuid

import requests

TIMEOUT = 120
RUN = uuid.uuid4().hex[:8]

# A sample value per GenerateKeyRequest field; ids of other objects are filled in by the probe.
SAMPLES = {
    'key_alias': None,  # every probe key has its own alias
    'duration': '1h',
    'models': ['gpt-4o'],
    'spend': 0.0,
    'max_budget': 10.0,
    'user_id': 'probe-user-' + RUN,
    'team_id': '<team>',
    'agent_id': 'probe-agent-' + RUN,
    'max_parallel_requests': 5,
    'metadata': {'probe': True},
    'tpm_limit': 1000,
    'rpm_limit': 10,
    'budget_duration': '30d',
    'budget_limits': [{'budget_duration': '1d', 'max_budget': 1.0}],
    'allowed_cache_controls': ['no-cache'],
    'config': {},
    'permissions': {},
    'model_max_budget': {'gpt-4o': {'budget_limit': 1.0, 'time_period': '1d'}},
    'budget_fallbacks': {},
    'model_rpm_limit': {'gpt-4o': 5},
    'model_tpm_limit': {'gpt-4o': 500},
    'mcp_rpm_limit': {'probe-server': 5},
    'tag_rpm_limit': {'probe-tag': 5},
    'guardrails': ['probe-guardrail'],
    'policies': ['probe-policy'],
    'prompts': ['probe-prompt'],
    'blocked': False,
    'aliases': {'probe-alias': 'gpt-4o'},
    'object_permission': {'vector_stores': ['vs-probe'], 'mcp_servers': ['mcp-probe']},
    'key': '<custom key>',
    'tpd_limit': 10000,
    'default_estimated_output_tokens': 100,
    'default_estimated_output_tokens_per_model': {'gpt-4o': 100},
    'budget_id': '<budget>',
    'end_user_budget_id': '<budget>',
    'tags': ['probe-tag'],
    'disable_global_guardrails': True,
    'enable_prompt_caching': True,
    'throttle_on_budget_exceeded': True,
    'enforced_params': ['user', 'metadata.generation_name'],
    'allowed_routes': ['/chat/completions'],
    'allowed_passthrough_routes': ['/probe/passthrough'],
    'denied_passthrough_routes': ['/probe/denied'],
    'allowed_vector_store_indexes': [{'index_name': 'probe-index', 'index_permissions': ['read']}],
    'rpm_limit_type': 'guaranteed_throughput',
    'tpm_limit_type': 'best_effort_throughput',
    'router_settings': {'num_retries': 2, 'timeout': 30.0},
    'access_group_ids': ['probe-access-group'],
    'soft_budget': 5.0,
    'send_invite_email': False,
    'key_type': 'llm_api',
    'auto_rotate': True,
    'rotation_interval': '30d',
    'organization_id': 'probe-org-' + RUN,
    'project_id': 'probe-project-' + RUN,
}

# Probe 2: the fields in question, set together (those probe 1 found accepted), and the temporary budget
# increase that only /key/update takes.
INTERESTING = ['key_type', 'auto_rotate', 'rotation_interval', 'object_permission', 'enforced_params',
               'rpm_limit_type', 'tpm_limit_type', 'tpd_limit', 'budget_limits', 'router_settings',
               'allowed_cache_controls', 'disable_global_guardrails']
UPDATE_ONLY = {'temp_budget_increase': 5.0, 'temp_budget_expiry': '2030-01-01T00:00:00Z'}
# Not sent, shown too: where LiteLLM puts what it does not keep in a column of its own.
SHOWN_ALSO = ['allowed_routes', 'metadata']

# Probe 3: initial value, and the "empty" value of each field (None: the type has none).
SEMANTICS = {
    'max_budget': (10.0, None),
    'tpm_limit': (100, None),
    'models': (['gpt-4o', 'gpt-4o-mini'], []),
    'metadata': ({'keep': 1, 'entry': 'x'}, {}),
}


class Proxy:
    def __init__(self, url, key):
        self.url = url.rstrip('/')
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.headers['Authorization'] = 'Bearer ' + key
        self.made = []

    def call(self, method, path, **kwargs):
        answer = self.session.request(method, self.url + path, timeout=TIMEOUT, **kwargs)
        try:
            body = answer.json()
        except ValueError:
            body = answer.text
        return answer.status_code, body

    def generate(self, body):
        status, answer = self.call('POST', '/key/generate', json=body)
        if status == 200:
            self.made.append(answer['token'])
        return status, answer

    def info(self, token):
        return self.call('GET', '/key/info', params={'key': token})[1].get('info', {})

    def listed(self, alias):
        status, answer = self.call('GET', '/key/list', params={'key_alias': alias, 'return_full_object': 'true'})
        keys = answer.get('keys', []) if status == 200 else []
        return keys[0] if keys else {}

    def delete_one(self, token):
        """Delete one key; a key whose metadata is null needs it back as {} first (see FINDINGS.md)."""
        status, answer = self.call('POST', '/key/delete', json={'keys': [token]})
        outcome = {'status': status, 'message': None if status == 200 else message_of(answer)}
        if status != 200:
            self.call('POST', '/key/update', json={'key': token, 'metadata': {}})
            outcome['after setting metadata to {}'] = self.call('POST', '/key/delete', json={'keys': [token]})[0]
        if token in self.made:
            self.made.remove(token)
        return outcome

    def cleanup(self):
        if self.made and self.call('POST', '/key/delete', json={'keys': self.made})[0] != 200:
            for token in list(self.made):
                self.delete_one(token)
        self.made = []


def message_of(answer):
    """An error answer in short: LiteLLM's {"error": {"message", "type", "param", "code"}}."""
    if isinstance(answer, dict) and isinstance(answer.get('error'), dict):
        error = answer['error']
        return '%s [type=%s, code=%s]' % (error.get('message'), error.get('type'), error.get('code'))
    return str(answer)[:300]


def probe_fields(proxy, schema_fields, ids):
    """Probe 1: each field alone."""
    results = {}
    for field in schema_fields:
        if field == 'key_alias':
            continue
        if field not in SAMPLES:
            results[field] = {'status': None, 'note': 'no sample value in probe_key_fields.py'}
            continue
        value = ids.get(SAMPLES[field], SAMPLES[field]) if isinstance(SAMPLES[field], str) else SAMPLES[field]
        if field == 'key':
            value = 'sk-probe-' + uuid.uuid4().hex
        status, answer = proxy.generate({'key_alias': 'probe-%s-%s' % (RUN, field), field: value})
        results[field] = {'status': status, 'sent': value if field != 'key' else '<a custom sk- key>'}
        if status != 200:
            results[field]['message'] = message_of(answer)
    return results


def shown(record, field):
    if field in record:
        return record[field]
    return '<absent>'


def probe_interesting(proxy, accepted):
    """Probe 2: the fields in question through generate, and through update of a plain key."""
    fields = [field for field in INTERESTING if field in accepted]
    body = dict((field, SAMPLES[field]) for field in fields)
    fields += SHOWN_ALSO
    observations = {'fields': fields, 'refused': [field for field in INTERESTING if field not in accepted]}
    alias = 'probe-%s-generated' % RUN
    status, answer = proxy.generate(dict(body, key_alias=alias))
    observations['generate'] = {'status': status, 'message': None if status == 200 else message_of(answer)}
    if status == 200:
        token = answer['token']
        observations['generate_answer'] = dict((field, shown(answer, field)) for field in fields)
        observations['generated_info'] = dict((field, shown(proxy.info(token), field)) for field in fields)
        observations['generated_list'] = dict((field, shown(proxy.listed(alias), field)) for field in fields)
        status, answer = proxy.call('POST', '/key/update', json=dict(UPDATE_ONLY, key=token))
        observations['temp_budget_update'] = {'status': status, 'message': None if status == 200 else message_of(answer)}
        info = proxy.info(token)
        observations['temp_budget_info'] = dict((field, shown(info, field)) for field in UPDATE_ONLY)
        observations['temp_budget_info']['metadata'] = info.get('metadata')
        observations['temp_budget_info']['max_budget'] = info.get('max_budget')
        listed = proxy.listed(alias)
        observations['temp_budget_list'] = dict((field, shown(listed, field)) for field in UPDATE_ONLY)
        observations['temp_budget_list']['metadata'] = listed.get('metadata')

    alias = 'probe-%s-updated' % RUN
    status, answer = proxy.generate({'key_alias': alias})
    token = answer['token']
    status, answer = proxy.call('POST', '/key/update', json=dict(body, key=token))
    observations['update'] = {'status': status, 'message': None if status == 200 else message_of(answer)}
    if status == 200:
        observations['update_answer'] = dict((field, shown(answer, field)) for field in fields)
    observations['updated_info'] = dict((field, shown(proxy.info(token), field)) for field in fields)
    observations['updated_list'] = dict((field, shown(proxy.listed(alias), field)) for field in fields)
    return observations


def probe_semantics(proxy):
    """Probe 3: /key/update with null, empty and omitted."""
    results = {}
    for field, (initial, empty) in SEMANTICS.items():
        cases = [('null', None), ('omitted', 'OMIT')]
        if empty is not None:
            cases.insert(1, ('empty', empty))
        if field == 'metadata':
            cases += [('entry null', {'entry': None}), ('other entry only', {'other': 2})]
        results[field] = {'initial': initial}
        for label, value in cases:
            status, answer = proxy.generate({'key_alias': 'probe-%s-%s-%s' % (RUN, field, label.replace(' ', '-')),
                                             field: initial})
            token = answer['token']
            body = {'key': token, 'rpm_limit': 7} if value == 'OMIT' else {'key': token, field: value}
            status, answer = proxy.call('POST', '/key/update', json=body)
            after = proxy.info(token).get(field, '<absent>')
            results[field][label] = {'sent': '<omitted>' if value == 'OMIT' else value, 'status': status,
                                     'after': after, 'message': None if status == 200 else message_of(answer)}
            if field == 'metadata' and label == 'null':
                results['delete after metadata null'] = proxy.delete_one(token)
    # LiteLLM keeps enforced_params, rpm_limit_type, ... in metadata: does a new metadata keep them?
    status, answer = proxy.generate({'key_alias': 'probe-%s-metadata-managed' % RUN, 'metadata': {'keep': 1},
                                     'enforced_params': ['user'], 'rpm_limit_type': 'guaranteed_throughput'})
    token = answer['token']
    before = proxy.info(token).get('metadata')
    status, answer = proxy.call('POST', '/key/update', json={'key': token, 'metadata': {'other': 2}})
    results['metadata replaced on a key with enforced_params and rpm_limit_type'] = {
        'before': before, 'sent': {'other': 2}, 'status': status, 'after': proxy.info(token).get('metadata')}
    return results


def render(report):
    out = ['# Measured on LiteLLM %s, plain proxy (no license), PostgreSQL 15' % report['version'], '']
    out += ['## 1. GenerateKeyRequest fields, one /key/generate each', '',
            '| field | status | message |', '| --- | --- | --- |']
    for field, result in sorted(report['fields'].items()):
        out.append('| `%s` | %s | %s |' % (field, result['status'] or '-',
                                           (result.get('message') or result.get('note') or '').replace('|', '\\|')))
    inter = report['interesting']
    out += ['', '## 2. Fields set by /key/generate and by /key/update of a plain key', '',
            'refused alone in probe 1 (left out here): %s' % (', '.join(inter['refused']) or 'none'),
            '', 'MCP server registered for object_permission.mcp_servers: %s' % json.dumps(report['mcp_server']),
            '', 'generate: %s; update: %s; temp budget update: %s' % (
                inter['generate'], inter['update'], inter.get('temp_budget_update')), '',
            '| field | sent | generate answer | info after generate | list after generate | update answer | '
            'info after update | list after update |', '| --- | --- | --- | --- | --- | --- | --- | --- |']
    for field in inter['fields']:
        cells = [json.dumps(SAMPLES[field]) if field not in SHOWN_ALSO else '(not sent)'] + [json.dumps(inter.get(part, {}).get(field, '-')) for part in (
            'generate_answer', 'generated_info', 'generated_list', 'update_answer', 'updated_info', 'updated_list')]
        out.append('| `%s` | %s |' % (field, ' | '.join(cell.replace('|', '\\|') for cell in cells)))
    out += ['', 'temp_budget_increase + temp_budget_expiry by /key/update: info %s; list %s' % (
        json.dumps(inter.get('temp_budget_info')), json.dumps(inter.get('temp_budget_list')))]
    out += ['', '## 3. /key/update with null, an empty value, the field omitted', '',
            '| field | initial | case | sent | status | value afterwards (/key/info) |',
            '| --- | --- | --- | --- | --- | --- |']
    for field, cases in report['semantics'].items():
        if field.startswith(('delete after', 'metadata replaced')):
            continue
        for label, result in cases.items():
            if label == 'initial':
                continue
            out.append('| `%s` | %s | %s | %s | %s | %s |' % (
                field, json.dumps(cases['initial']), label, json.dumps(result['sent']),
                result['status'] if result['status'] == 200 else '%s %s' % (result['status'], result['message']),
                json.dumps(result['after'])))
    out += ['', '/key/delete of the key whose metadata was set to null: %s'
            % json.dumps(report['semantics']['delete after metadata null'])]
    label = 'metadata replaced on a key with enforced_params and rpm_limit_type'
    out += ['', '%s: %s' % (label, json.dumps(report['semantics'][label]))]
    return '\n'.join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--json', action='store_true', help='print the raw observations as JSON')
    args = parser.parse_args(argv)
    url, key = os.environ.get('LITELLM_PROXY_URL'), os.environ.get('LITELLM_PROXY_API_KEY')
    if not url or not key:
        print('ERROR: set LITELLM_PROXY_URL and LITELLM_PROXY_API_KEY (scripts/real-proxy.sh run -- ... does)',
              file=sys.stderr)
        return 2
    proxy = Proxy(url, key)
    teams, budgets, servers = [], [], []
    try:
        status, openapi = proxy.call('GET', '/openapi.json')
        schema_fields = list(openapi['components']['schemas']['GenerateKeyRequest']['properties'])
        team = proxy.call('POST', '/team/new', json={'team_alias': 'probe-' + RUN})[1]
        teams.append(team['team_id'])
        budget = proxy.call('POST', '/budget/new', json={'max_budget': 1.0})[1]
        budgets.append(budget['budget_id'])
        ids = {'<team>': team['team_id'], '<budget>': budget['budget_id']}
        # LiteLLM drops object_permission.mcp_servers entries that name no registered MCP server: register one.
        status, server = proxy.call('POST', '/v1/mcp/server', json={
            'server_name': 'mcp_probe_' + RUN, 'url': 'http://127.0.0.1:9/mcp', 'transport': 'http'})
        mcp = {'status': status, 'message': None if status in (200, 201) else message_of(server)}
        if status in (200, 201):
            servers.append(server['server_id'])
            SAMPLES['object_permission'] = {'vector_stores': ['vs-probe'],
                                            'mcp_servers': [server['server_id'], 'mcp-not-registered']}
        report = {'version': openapi['info']['version'], 'mcp_server': mcp,
                  'fields': probe_fields(proxy, schema_fields, ids)}
        accepted = set(field for field, result in report['fields'].items() if result['status'] == 200)
        report['interesting'] = probe_interesting(proxy, accepted)
        report['semantics'] = probe_semantics(proxy)
    finally:
        proxy.cleanup()
        for team_id in teams:
            proxy.call('POST', '/team/delete', json={'team_ids': [team_id]})
        for budget_id in budgets:
            proxy.call('POST', '/budget/delete', json={'id': budget_id})
        for server_id in servers:
            proxy.call('DELETE', '/v1/mcp/server/' + server_id)
    print(json.dumps(report, indent=2, sort_keys=True) if args.json else render(report))
    return 0


if __name__ == '__main__':
    sys.exit(main())
