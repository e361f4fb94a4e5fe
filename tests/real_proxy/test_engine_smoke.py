"""The query engine (engine/query-engine.js) on its own, against a private PostgreSQL with LiteLLM's schema.

prisma-client-py talks to its engine over HTTP in Prisma's GraphQL protocol; the documents below are written as
prisma-client-py 0.15 renders them (``result: <action><Model>``, arguments one per line, Json fields as JSON
text), so each test is a request the real client sends. What is checked is what LiteLLM relies on: a
``LiteLLM_VerificationToken`` row created, found, updated and deleted; Json fields stored as JSON (not as JSON
strings); raw catalog queries with ``name`` and ``regclass`` columns, which Prisma's pg adapter refuses by
itself; batches in one transaction; interactive transactions; and the pin: an engine of another commit than the
one prisma-client-py expects refuses to run. One test goes through prisma-client-py itself.
"""

import json
import os
import signal
import subprocess
import textwrap
import time
import uuid

import pytest
import requests

import stack
from litellm_proxy import free_port

TOKEN_FIELDS = 'token key_alias models metadata tpm_limit max_budget expires spend'


def _graphql(value):
    """A Python value as prisma-client-py renders it in a document (JSON, which GraphQL literals extend)."""
    return json.dumps(value, ensure_ascii=False)


class Engine:
    """One engine process and HTTP access to it, as prisma-client-py has it."""

    def __init__(self, build, database_url, workdir):
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.log_path = workdir / 'query-engine.log'
        self.env = engine_env(build, database_url)
        with open(str(self.log_path), 'wb') as log:
            self.process = subprocess.Popen(
                [str(stack.ENGINE_EXECUTABLE), '-p', str(self.port), '--enable-metrics', '--enable-raw-queries'],
                env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.session = requests.Session()
        self.session.trust_env = False
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, 'the engine exited:\n' + self.log()
            try:
                if self.session.get(self.url + '/status', timeout=5).json() == {'status': 'ok'}:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, 'the engine did not serve /status within 60 s:\n' + self.log()
            time.sleep(0.1)

    def log(self):
        return self.log_path.read_text(errors='replace')

    def post(self, path, body=None, tx_id=None):
        headers = {'X-transaction-id': tx_id} if tx_id else {}
        answer = self.session.post(self.url + path, data=None if body is None else json.dumps(body),
                                   headers=headers, timeout=60)
        assert answer.status_code == 200, '%s: HTTP %s %s\n%s' % (path, answer.status_code, answer.text, self.log())
        return answer.json()

    def query(self, document, tx_id=None):
        return self.post('/', {'query': document, 'variables': {}, 'operation_name': 'query'}, tx_id)

    def result(self, document, tx_id=None):
        answer = self.query(document, tx_id)
        assert 'errors' not in answer, answer
        return answer['data']['result']

    def stop(self):
        self.session.close()
        if self.process.poll() is None:
            # As prisma-client-py stops it.
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def engine_env(build, database_url):
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('PRISMA_', 'DATABASE_', 'LLMOPS_')))
    env.update(build.engine_env())
    env.update({'DATABASE_URL': database_url, 'PRISMA_DML_PATH': str(build.schema)})
    return env


@pytest.fixture(scope='module')
def engine(real_proxy_build, real_proxy_database, tmp_path_factory):
    running = Engine(real_proxy_build, real_proxy_database.url, tmp_path_factory.mktemp('engine'))
    yield running
    running.stop()


def create_token(engine, token, **data):
    fields = dict({'token': token}, **data)
    arguments = '\n'.join('      %s: %s' % (key, _graphql(value)) for key, value in fields.items())
    return engine.result('mutation {\n  result: createOneLiteLLM_VerificationToken\n  (\n    data: {\n%s\n    }\n  )\n'
                         '  {\n    %s\n  }\n}' % (arguments, TOKEN_FIELDS))


def find_token(engine, token, tx_id=None):
    return engine.result('query {\n  result: findUniqueLiteLLM_VerificationToken\n  (\n    where: {\n      token: %s\n'
                         '    }\n  )\n  {\n    %s\n  }\n}' % (_graphql(token), TOKEN_FIELDS), tx_id)


def new_token():
    return 'smoke-%s' % uuid.uuid4().hex


def test_version_is_the_commit_of_the_wasm_engine(real_proxy_build):
    env = engine_env(real_proxy_build, 'postgresql://unused')
    version = subprocess.run([str(stack.ENGINE_EXECUTABLE), '--version'], env=env, check=True,
                             stdout=subprocess.PIPE, universal_newlines=True).stdout
    assert version == 'query-engine %s\n' % real_proxy_build.info['engine_commit']


@pytest.mark.parametrize('arguments', [['--check-pin'], ['-p', '1']], ids=['check-pin', 'serve'])
def test_an_engine_of_another_commit_refuses_naming_both_and_the_file_to_change(real_proxy_build, arguments):
    env = engine_env(real_proxy_build, 'postgresql://unused')
    env['LLMOPS_EXPECTED_ENGINE_COMMIT'] = expected = 'f' * 40
    refused = subprocess.run([str(stack.ENGINE_EXECUTABLE)] + arguments, env=env, check=False, timeout=60,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    assert refused.returncode == 1
    message = refused.stderr
    assert expected in message and real_proxy_build.info['engine_commit'] in message, message
    assert 'tests/real_proxy/engine/package.json' in message, message


def test_without_the_expected_commit_the_engine_does_not_run(real_proxy_build):
    env = engine_env(real_proxy_build, 'postgresql://unused')
    del env['LLMOPS_EXPECTED_ENGINE_COMMIT']
    refused = subprocess.run([str(stack.ENGINE_EXECUTABLE), '-p', '1'], env=env, check=False, timeout=60,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    assert refused.returncode == 1 and 'LLMOPS_EXPECTED_ENGINE_COMMIT' in refused.stderr


def test_verification_token_create_find_update_delete(engine):
    token = new_token()
    created = create_token(engine, token, key_alias='smoke', models=['gpt-4o', 'gpt-4o-mini'],
                           metadata=json.dumps({'owner': 'data-team'}), tpm_limit=1000, max_budget=12.5,
                           expires='2030-01-02T03:04:05+00:00')
    assert created['token'] == token and created['models'] == ['gpt-4o', 'gpt-4o-mini']
    assert json.loads(created['metadata']) == {'owner': 'data-team'}
    assert int(created['tpm_limit']) == 1000 and created['expires'].startswith('2030-01-02T03:04:05')
    assert find_token(engine, token)['key_alias'] == 'smoke'

    updated = engine.result(
        'mutation {\n  result: updateOneLiteLLM_VerificationToken\n  (\n    where: {\n      token: %s\n    }\n'
        '    data: {\n      max_budget: 20.0\n      models: {\n        set: [\n          "gpt-4o"\n        ]\n      }\n'
        '      spend: {\n        increment: 1.5\n      }\n      metadata: %s\n    }\n  )\n  {\n    %s\n  }\n}'
        % (_graphql(token), _graphql(json.dumps({'owner': 'ml-team'})), TOKEN_FIELDS))
    assert updated['max_budget'] == 20.0 and updated['models'] == ['gpt-4o'] and updated['spend'] == 1.5
    assert json.loads(updated['metadata']) == {'owner': 'ml-team'}

    many = engine.result('query {\n  result: findManyLiteLLM_VerificationToken\n  (\n    where: {\n      key_alias: {\n'
                         '        in: [\n          "smoke"\n        ]\n      }\n    }\n    take: 10\n  )\n  {\n    token\n'
                         '  }\n}')
    assert {'token': token} in many
    count = engine.result('query {\n  result: aggregateLiteLLM_VerificationToken\n  (\n    where: {\n      token: %s\n'
                          '    }\n  )\n  {\n    _count {\n      _all\n    }\n  }\n}' % _graphql(token))
    assert count == {'_count': {'_all': 1}}

    deleted = engine.result('mutation {\n  result: deleteOneLiteLLM_VerificationToken\n  (\n    where: {\n'
                            '      token: %s\n    }\n  )\n  {\n    token\n  }\n}' % _graphql(token))
    assert deleted == {'token': token}
    assert find_token(engine, token) is None
    missing = engine.query('mutation {\n  result: deleteOneLiteLLM_VerificationToken\n  (\n    where: {\n'
                           '      token: %s\n    }\n  )\n  {\n    token\n  }\n}' % _graphql(token))
    assert missing['errors'][0]['user_facing_error']['error_code'] == 'P2025', missing


def test_json_fields_are_stored_as_json_values(engine, real_proxy_database):
    token = new_token()
    value = {'owner': 'dätä "team"', 'tags': ['a', 'b'], 'limits': {'rpm': 10, 'ratio': 0.5}, 'none': None,
             'flag': True}
    created = create_token(engine, token, metadata=json.dumps(value), aliases=json.dumps(['x', 1]))
    assert json.loads(created['metadata']) == value
    # Stored as a JSON object (and array), not as a JSON string holding the text.
    kinds = real_proxy_database.psql('SELECT jsonb_typeof(metadata) || \',\' || jsonb_typeof(aliases) '
                                     'FROM "LiteLLM_VerificationToken" WHERE token = \'%s\'' % token).strip()
    assert kinds == 'object,array'
    stored = real_proxy_database.psql('SELECT metadata::text FROM "LiteLLM_VerificationToken" '
                                      'WHERE token = \'%s\'' % token).strip()
    assert json.loads(stored) == value
    # A filter on a Json field compares JSON values too.
    found = engine.result('query {\n  result: findFirstLiteLLM_VerificationToken\n  (\n    where: {\n      token: %s\n'
                          '      metadata: {\n        path: [\n          "owner"\n        ]\n        equals: %s\n'
                          '      }\n    }\n  )\n  {\n    token\n  }\n}'
                          % (_graphql(token), _graphql(json.dumps(value['owner']))))
    assert found == {'token': token}


def test_raw_catalog_query_with_name_and_regclass_columns(engine):
    # As LiteLLM's own raw queries of the catalog (parameters: the JSON text of the list, as prisma-client-py
    # sends them).
    answer = engine.result(
        'mutation {\n  result: queryRaw\n  (\n    query: %s\n    parameters: %s\n  )\n}'
        % (_graphql('SELECT c.relname, c.oid::regclass AS qualified, n.nspname, c.relkind, c.reltuples '
                    'FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = $1'),
           _graphql(json.dumps(['LiteLLM_VerificationToken']))))
    assert answer['columns'] == ['relname', 'qualified', 'nspname', 'relkind', 'reltuples']
    assert answer['rows'][0][:4] == ['LiteLLM_VerificationToken', '"LiteLLM_VerificationToken"', 'public', 'r']
    assert answer['types'][:4] == ['string'] * 4


def test_execute_raw_counts_rows(engine):
    token = new_token()
    create_token(engine, token)
    affected = engine.result('mutation {\n  result: executeRaw\n  (\n    query: %s\n    parameters: %s\n  )\n}'
                             % (_graphql('UPDATE "LiteLLM_VerificationToken" SET spend = spend + 2 WHERE token = $1'),
                                _graphql(json.dumps([token]))))
    assert affected == 1
    assert find_token(engine, token)['spend'] == 2.0


def _create_document(token):
    return ('mutation {\n  result: createOneLiteLLM_VerificationToken\n  (\n    data: {\n      token: %s\n    }\n  )\n'
            '  {\n    token\n  }\n}' % _graphql(token))


def test_batch_in_one_transaction(engine):
    first, second = new_token(), new_token()
    answer = engine.post('/', {'batch': [{'query': _create_document(first), 'variables': {}},
                                         {'query': _create_document(second), 'variables': {}}],
                               'transaction': True})
    assert answer['batchResult'] == [{'data': {'result': {'token': first}}}, {'data': {'result': {'token': second}}}]
    # A failing query (duplicate key) takes the whole batch back.
    third = new_token()
    failed = engine.post('/', {'batch': [{'query': _create_document(third), 'variables': {}},
                                         {'query': _create_document(first), 'variables': {}}],
                               'transaction': True})
    assert failed['errors'][0]['user_facing_error']['error_code'] == 'P2002', failed
    assert find_token(engine, third) is None


@pytest.mark.parametrize('outcome', ['commit', 'rollback'])
def test_interactive_transaction(engine, outcome):
    started = engine.post('/transaction/start', {'timeout': 5000, 'max_wait': 2000})
    tx_id = started['id']
    token = new_token()
    assert engine.result(_create_document(token), tx_id) == {'token': token}
    assert find_token(engine, token, tx_id)['token'] == token
    assert find_token(engine, token) is None, 'not visible outside the transaction before it ends'
    assert engine.post('/transaction/%s/%s' % (tx_id, outcome)) == {}
    assert (find_token(engine, token) is not None) == (outcome == 'commit')
    again = engine.post('/transaction/%s/commit' % tx_id)
    assert again['errors'][0]['user_facing_error']['error_code'] == 'P2028', again


def test_a_request_the_engine_cannot_translate_fails_loudly(engine):
    document = 'query {\n  result: findManyNoSuchModel\n  {\n    id\n  }\n}'
    answer = engine.session.post(engine.url + '/', data=json.dumps({'query': document, 'variables': {}}), timeout=30)
    assert answer.status_code == 500
    assert 'cannot translate' in answer.json()['errors'][0]['error']


_CLIENT_SCRIPT = textwrap.dedent('''
    import asyncio, json, sys
    from prisma import Prisma

    async def main(token):
        db = Prisma()
        await db.connect()
        row = await db.litellm_verificationtoken.create(
            data={'token': token, 'key_alias': 'client', 'metadata': json.dumps({'via': 'prisma-client-py'})})
        found = await db.litellm_verificationtoken.find_unique(where={'token': token})
        raw = await db.query_raw('SELECT relname FROM pg_class WHERE relname = $1', 'LiteLLM_VerificationToken')
        async with db.tx() as tx:
            await tx.litellm_verificationtoken.update(where={'token': token}, data={'key_name': 'in-tx'})
        async with db.batch_() as batch:
            batch.litellm_verificationtoken.update(where={'token': token}, data={'spend': {'increment': 3}})
        after = await db.litellm_verificationtoken.find_unique(where={'token': token})
        await db.litellm_verificationtoken.delete(where={'token': token})
        await db.disconnect()
        print(json.dumps({'metadata': row.metadata, 'alias': found.key_alias, 'raw': raw, 'key_name': after.key_name,
                          'spend': after.spend}))

    asyncio.run(main(sys.argv[1]))
''')


def test_prisma_client_py_runs_on_the_engine(real_proxy_build, real_proxy_database, tmp_path):
    """The real client: finds the engine (PRISMA_QUERY_ENGINE_BINARY), starts it on a port of its choice, waits
    for /status, queries it, and stops it."""
    env = engine_env(real_proxy_build, real_proxy_database.url)
    env = dict((k, v) for k, v in env.items() if k != 'PRISMA_DML_PATH')  # the client passes its own
    env['PYTHONPATH'] = str(real_proxy_build.client_dir)
    done = subprocess.run([str(real_proxy_build.venv / 'bin' / 'python'), '-c', _CLIENT_SCRIPT, new_token()],
                          env=env, cwd=str(tmp_path), check=False, timeout=120, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True)
    assert done.returncode == 0, done.stdout
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {'metadata': {'via': 'prisma-client-py'}, 'alias': 'client',
                      'raw': [{'relname': 'LiteLLM_VerificationToken'}], 'key_name': 'in-tx', 'spend': 3.0}
