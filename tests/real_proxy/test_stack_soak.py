"""The real proxy on PostgreSQL answers the key endpoints correctly, over and over, and the admin endpoints the
teams, users and budgets modules will use.

30 cycles of generate -> list by alias -> update -> info -> delete (-> info of the archived key), each answer
checked against what was sent:
the engine translates every query LiteLLM makes for these (reads, writes, raw queries, transactions), and a
translation that drifts shows up as a wrong answer, not only as an error.
"""

import uuid

import pytest

CYCLES = 30
TIMEOUT = 60


def call(session, stack, method, path, **kwargs):
    answer = session.request(method, stack.url + path, timeout=TIMEOUT, **kwargs)
    return answer


def ok(session, stack, method, path, **kwargs):
    answer = call(session, stack, method, path, **kwargs)
    assert answer.status_code == 200, '%s %s: HTTP %s %s' % (method, path, answer.status_code, answer.text[:2000])
    return answer.json()


@pytest.fixture(scope='module')
def run_id():
    return uuid.uuid4().hex[:8]


def test_key_lifecycle_soak(proxy_session, real_proxy_stack, run_id):
    session, stack = proxy_session, real_proxy_stack
    for cycle in range(CYCLES):
        alias = 'soak-%s-%02d' % (run_id, cycle)
        generated = ok(session, stack, 'POST', '/key/generate', json={
            'key_alias': alias, 'models': ['gpt-4o-mini'], 'max_budget': 10.0 + cycle,
            'metadata': {'owner': 'soak', 'cycle': cycle}, 'tpm_limit': 1000})
        secret, token = generated['key'], generated['token']
        assert secret.startswith('sk-') and token and token != secret
        assert generated['key_alias'] == alias and generated['models'] == ['gpt-4o-mini']

        listed = ok(session, stack, 'GET', '/key/list', params={'key_alias': alias})
        assert listed['keys'] == [token], listed
        assert listed['total_count'] == 1

        updated = ok(session, stack, 'POST', '/key/update', json={
            'key': token, 'max_budget': 100.0 + cycle, 'models': ['gpt-4o', 'gpt-4o-mini'],
            'metadata': {'owner': 'soak', 'cycle': cycle, 'updated': True}})
        assert updated['max_budget'] == 100.0 + cycle

        answer = ok(session, stack, 'GET', '/key/info', params={'key': token})
        info = answer['info']
        assert answer['key'] == token and secret not in str(answer)
        assert info['key_alias'] == alias and info['max_budget'] == 100.0 + cycle
        assert sorted(info['models']) == ['gpt-4o', 'gpt-4o-mini'] and info['tpm_limit'] == 1000
        assert info['metadata'] == {'owner': 'soak', 'cycle': cycle, 'updated': True}

        deleted = ok(session, stack, 'POST', '/key/delete', json={'keys': [token]})
        assert deleted['deleted_keys'] == [token], deleted
        assert ok(session, stack, 'GET', '/key/list', params={'key_alias': alias})['keys'] == []
        # LiteLLM keeps deleted keys in an archive (LiteLLM_DeletedVerificationToken), and /key/info reads it.
        archived = ok(session, stack, 'GET', '/key/info', params={'key': token})['info']
        assert archived['status'] == 'deleted' and archived['deleted_at'] and archived['key_alias'] == alias


def test_unknown_key_is_a_404_in_litellm_error_shape(proxy_session, real_proxy_stack):
    unknown = call(proxy_session, real_proxy_stack, 'GET', '/key/info', params={'key': uuid.uuid4().hex * 2})
    assert unknown.status_code == 404, unknown.text
    error = unknown.json()['error']
    assert set(error) == {'message', 'type', 'param', 'code'}, error
    assert str(error['code']) == '404'


def test_alias_is_unique(proxy_session, real_proxy_stack, run_id):
    session, stack = proxy_session, real_proxy_stack
    alias = 'unique-%s' % run_id
    token = ok(session, stack, 'POST', '/key/generate', json={'key_alias': alias})['token']
    try:
        duplicate = call(session, stack, 'POST', '/key/generate', json={'key_alias': alias})
        assert duplicate.status_code == 400, duplicate.text
        assert alias in duplicate.json()['error']['message']
    finally:
        ok(session, stack, 'POST', '/key/delete', json={'keys': [token]})


def test_team_new(proxy_session, real_proxy_stack, run_id):
    session, stack = proxy_session, real_proxy_stack
    team = ok(session, stack, 'POST', '/team/new', json={
        'team_alias': 'team-%s' % run_id, 'models': ['gpt-4o'], 'max_budget': 50.0, 'metadata': {'owner': 'x'}})
    try:
        assert team['team_alias'] == 'team-%s' % run_id and team['max_budget'] == 50.0
        info = ok(session, stack, 'GET', '/team/info', params={'team_id': team['team_id']})
        assert info['team_info']['team_alias'] == 'team-%s' % run_id
        assert info['team_info']['models'] == ['gpt-4o'] and info['team_info']['metadata'] == {'owner': 'x'}
        key = ok(session, stack, 'POST', '/key/generate', json={'team_id': team['team_id']})
        assert key['team_id'] == team['team_id']
        ok(session, stack, 'POST', '/key/delete', json={'keys': [key['token']]})
    finally:
        ok(session, stack, 'POST', '/team/delete', json={'team_ids': [team['team_id']]})
    assert call(session, stack, 'GET', '/team/info', params={'team_id': team['team_id']}).status_code == 404


def test_user_new_without_a_key(proxy_session, real_proxy_stack, run_id):
    session, stack = proxy_session, real_proxy_stack
    email = 'soak-%s@example.com' % run_id
    user = ok(session, stack, 'POST', '/user/new', json={
        'user_email': email, 'user_role': 'internal_user', 'max_budget': 5.0, 'auto_create_key': False})
    try:
        assert user['user_email'] == email and user['user_id']
        assert user.get('key') in (None, ''), 'auto_create_key: false must not create a key'
        info = ok(session, stack, 'GET', '/user/info', params={'user_id': user['user_id']})
        assert info['user_info']['user_email'] == email and info['keys'] == []
    finally:
        ok(session, stack, 'POST', '/user/delete', json={'user_ids': [user['user_id']]})


def test_budget_new(proxy_session, real_proxy_stack):
    session, stack = proxy_session, real_proxy_stack
    budget = ok(session, stack, 'POST', '/budget/new', json={'max_budget': 7.5, 'budget_duration': '30d',
                                                             'rpm_limit': 60})
    try:
        assert budget['max_budget'] == 7.5 and budget['budget_duration'] == '30d' and budget['rpm_limit'] == 60
        info = ok(session, stack, 'POST', '/budget/info', json={'budgets': [budget['budget_id']]})
        assert [entry['budget_id'] for entry in info] == [budget['budget_id']]
    finally:
        ok(session, stack, 'POST', '/budget/delete', json={'id': budget['budget_id']})
