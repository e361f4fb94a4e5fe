"""LiteLLM's own client and CLI work against the project's local test server.

Both run from the real proxy's venv, as separate processes, exactly as a user runs them: the Python
``KeysManagementClient`` (litellm/proxy/client/keys.py) and the ``litellm-proxy keys`` CLI (console script
``litellm-proxy = litellm.proxy.client.cli:litellm_proxy_cli``), which read LITELLM_PROXY_URL and
LITELLM_PROXY_API_KEY.
"""

import hashlib
import json
import subprocess

import pytest

from contract_env import CONTRACT_DIR
from contract_http import send_raw

CLIENT_TIMEOUT = 300


def sha256(secret):
    return hashlib.sha256(secret.encode('utf-8')).hexdigest()


# The teams LiteLLM's client and CLI make keys for. The local server checks references as a proxy with a database
# does: a key of a team that does not exist is made, but cannot be updated (404).
TEAMS = ('team-client', 'team-pages', 'team-cli', 'team-bulk')


@pytest.fixture
def client_env(proxy_env, litellm_server, tmp_path):
    for team_id in TEAMS:
        made = send_raw('POST', litellm_server.url + '/team/new', litellm_server.master_key,
                        json_body={'team_id': team_id})
        assert made.status_code == 200, made.text
    env = dict(proxy_env)
    env['LITELLM_PROXY_URL'] = litellm_server.url
    env['LITELLM_PROXY_API_KEY'] = litellm_server.master_key
    # A home of its own: the CLI would otherwise use a stored login or config of whoever runs the tests.
    env['HOME'] = str(tmp_path)
    env['XDG_CONFIG_HOME'] = str(tmp_path / '.config')
    # Wide enough that the CLI's tables do not shorten 64-character hashes.
    env['COLUMNS'] = '300'
    return env


def run(args, env):
    completed = subprocess.run(args, env=env, check=False, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True, timeout=CLIENT_TIMEOUT, stdin=subprocess.DEVNULL)
    return completed


def test_keys_management_client(proxy_venv, client_env, litellm_server):
    completed = run([str(proxy_venv / 'bin' / 'python'), str(CONTRACT_DIR / 'litellm_client_session.py')], client_env)
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout)

    generated = report['generate']
    assert generated['secret_shape'] and generated['token_is_hash'], generated
    answer = generated['answer']
    assert answer['key_alias'] == 'litellm-client-main'
    assert sorted(answer['models']) == ['claude-3-5-sonnet', 'gpt-4o']
    assert answer['aliases'] == {'fast': 'gpt-4o-mini'}
    assert (answer['team_id'], answer['user_id']) == ('team-client', 'user-client')
    assert answer['config'] == {'origin': 'contract'}
    assert answer['expires'], 'duration must turn into an expiry time'

    listing = report['list_pages']
    pages = listing['pages']
    assert [p['page'] for p in pages] == [1, 2, 3]
    assert [p['current_page'] for p in pages] == [1, 2, 3]
    assert all(p['total_pages'] == 3 and p['total_count'] == 23 for p in pages), pages
    assert [len(p['tokens']) for p in pages] == [10, 10, 3]
    seen = [token for p in pages for token in p['tokens']]
    assert sorted(seen) == listing['expected_tokens'], 'pages must cover every key exactly once'

    by_alias = report['list_by_alias']
    assert [k['key_alias'] for k in by_alias['keys']] == ['litellm-client-main']
    assert by_alias['keys'][0]['token'] == answer['token']
    # Without return_full_object the list holds the hashes themselves.
    assert report['list_by_hash']['keys'] == [answer['token']]

    info = report['info_by_hash']
    assert info['key'] == answer['token']
    assert info['info']['key_alias'] == 'litellm-client-main'
    assert 'token' not in info['info'] and 'key' not in info['info']
    assert report['info_by_secret']['key_is_the_secret']
    assert report['info_by_secret']['info']['key_alias'] == 'litellm-client-main'

    updated = report['update']
    assert updated['models'] == ['gpt-4o'] and updated['key_alias'] == 'litellm-client-renamed', updated
    after = report['info_after_update']['info']
    assert (after['models'], after['key_alias'], after['user_id']) == (
        ['gpt-4o'], 'litellm-client-renamed', 'user-new')
    assert after['team_id'] == 'team-client', 'an update must leave fields it does not name alone'

    assert report['delete_by_key'] == {'deleted_keys': [answer['token']]}
    assert sorted(report['delete_by_alias']['deleted_keys']) == ['litellm-client-page-00', 'litellm-client-page-01']
    assert report['info_after_delete']['info']['status'] == 'deleted'
    assert report['delete_again_status'] == 404
    assert report['wrong_key'] == 'UnauthorizedError'


def cli_commands(proxy_venv, env, commands):
    """Run ``litellm-proxy`` commands in one process (litellm_cli_session.py); returns their results."""
    completed = subprocess.run([str(proxy_venv / 'bin' / 'python'), str(CONTRACT_DIR / 'litellm_cli_session.py')],
                               env=env, check=False, input=json.dumps(commands), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, universal_newlines=True, timeout=CLIENT_TIMEOUT)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout)


def succeeded(result):
    assert result['exit_code'] == 0, result
    return result['stdout']


def test_litellm_proxy_keys_cli(proxy_venv, client_env, litellm_server):
    # The console script itself, as a user runs it: URL and key from LITELLM_PROXY_URL / LITELLM_PROXY_API_KEY.
    completed = run([str(proxy_venv / 'bin' / 'litellm-proxy'), 'keys', 'generate', '--key-alias', 'cli-main',
                     '--models', 'gpt-4o, claude-3-5-sonnet', '--aliases', '{"fast": "gpt-4o-mini"}',
                     '--duration', '2h', '--team-id', 'team-cli', '--user-id', 'user-cli',
                     '--config', '{"origin": "cli"}', '--spend', '0'], client_env)
    assert completed.returncode == 0, completed.stderr[-3000:]
    generated = json.loads(completed.stdout)
    assert generated['key'].startswith('sk-') and generated['key_alias'] == 'cli-main'
    assert sorted(generated['models']) == ['claude-3-5-sonnet', 'gpt-4o']
    assert (generated['team_id'], generated['user_id'], generated['config']) == (
        'team-cli', 'user-cli', {'origin': 'cli'})
    token = sha256(generated['key'])

    # More than one page of 100 (the page size `keys import` reads with): 104 keys in all.
    for number in range(103):
        created = send_raw('POST', litellm_server.url + '/key/generate', litellm_server.master_key,
                           json_body={'key_alias': 'cli-bulk-%03d' % number, 'team_id': 'team-bulk'})
        assert created.status_code == 200, created.text

    page, table, imported, deleted_by_key, deleted_by_alias, left, refused = cli_commands(proxy_venv, client_env, [
        {'argv': ['keys', 'list', '--format', 'json', '--page', '2', '--size', '5', '--team-id', 'team-bulk']},
        {'argv': ['keys', 'list', '--key-alias', 'cli-main']},
        # `keys import --dry-run` pages through the source server with size=100 until a short page.
        {'argv': ['keys', 'import', '--source-base-url', litellm_server.url, '--source-api-key',
                  litellm_server.master_key, '--dry-run']},
        # Given keys and aliases, LiteLLM deletes by keys only (delete_key_fn: `if data.keys ... elif
        # data.key_aliases`); the aliases stay.
        {'argv': ['keys', 'delete', '--keys', token, '--key-aliases', 'cli-bulk-000,cli-bulk-001']},
        {'argv': ['keys', 'delete', '--key-aliases', 'cli-bulk-000,cli-bulk-001']},
        {'argv': ['keys', 'list', '--format', 'json', '--size', '100', '--team-id', 'team-bulk']},
        {'argv': ['keys', 'list'], 'env': {'LITELLM_PROXY_API_KEY': 'sk-not-the-master-key-0000'}},
    ])

    page = json.loads(succeeded(page))
    assert (page['current_page'], page['total_pages'], page['total_count']) == (2, 21, 103)
    assert len(page['keys']) == 5 and all(k['team_id'] == 'team-bulk' for k in page['keys'])

    table = succeeded(table)
    assert 'Showing 1 keys out of 1' in table and token in table and 'cli-main' in table

    imported = succeeded(imported)
    assert 'Fetched page 1: 100 keys' in imported and 'Fetched page 2: 4 keys' in imported, imported
    assert 'Found 104 keys in source instance.' in imported and 'DRY RUN MODE' in imported

    assert json.loads(succeeded(deleted_by_key)) == {'deleted_keys': [token]}
    assert json.loads(succeeded(deleted_by_alias)) == {'deleted_keys': ['cli-bulk-000', 'cli-bulk-001']}
    assert json.loads(succeeded(left))['total_count'] == 101

    assert refused['exit_code'] != 0 and '401' in refused['stderr'], refused
