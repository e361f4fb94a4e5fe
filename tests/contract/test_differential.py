"""Differential tests: the local test server is held to the real LiteLLM proxy.

Every sequence of sequences.py is replayed against the real proxy (with its database, no Enterprise license, no
models) and against a fresh local test server set up the same way, with the same ids. Each step's status and
body are compared after normalising what differs by nature (differential.normalise: timestamps keep only their
shape, generated ids, hashes, secrets and their abbreviations, spend, autoincrement ids). A difference either is
listed in known-differences.yml, with its reason, or fails the test, naming the sequence, the step and the values;
an entry of that file that no longer matches anything fails too (the difference was fixed: remove the entry).
"""

import fnmatch
import json
import pathlib

import pytest

from differential import TOTALS, Context, KnownDifferences, Outcome, clean_up, compare_outcomes, normalise, replay, short
from sequences import SEQUENCES

KNOWN_DIFFERENCES = pathlib.Path(__file__).resolve().parent / 'known-differences.yml'
KNOWN = KnownDifferences(KNOWN_DIFFERENCES)
REPLAYED = set()  # the sequences replayed in this run
# The endpoints of the local test server's LiteLLM API that the sequences must reach.
ENDPOINTS = {
    'POST /key/generate', 'GET /key/info', 'GET /key/list', 'POST /key/update', 'POST /key/delete',
    'POST /key/block', 'POST /key/unblock', 'POST /key/regenerate', 'POST /key/{key}/regenerate',
    'POST /key/service-account/generate',
    'POST /team/new', 'POST /team/update', 'POST /team/delete', 'GET /team/info', 'GET /team/list',
    'GET /v2/team/list', 'POST /team/member_add', 'POST /team/member_update', 'POST /team/member_delete',
    'POST /team/block', 'POST /team/unblock',
    'POST /user/new', 'POST /user/update', 'POST /user/delete', 'GET /user/info', 'GET /user/list',
    'POST /budget/new', 'POST /budget/update', 'POST /budget/info', 'GET /budget/list', 'POST /budget/delete',
    'POST /organization/new', 'GET /organization/info', 'GET /organization/list', 'DELETE /organization/delete',
    'GET /v1/mcp/server', 'POST /v1/mcp/server', 'DELETE /v1/mcp/server/{server_id}',
    'POST /credentials', 'GET /credentials', 'GET /credentials/by_name/{credential_name}',
    'PATCH /credentials/{credential_name}', 'DELETE /credentials/{credential_name}',
}


def _endpoint(step):
    path = step.path if isinstance(step.path, str) else step.path.template
    path = path.replace('/key/{}/regenerate', '/key/{key}/regenerate').replace('/v1/mcp/server/{}',
                                                                               '/v1/mcp/server/{server_id}')
    path = path.replace('/credentials/by_name/{}', '/credentials/by_name/{credential_name}')
    path = path.replace('/credentials/{}', '/credentials/{credential_name}')
    return '%s %s' % (step.method, path)


def test_sequences_reach_every_endpoint():
    reached = set(_endpoint(step) for sequence in SEQUENCES for step in sequence.steps)
    assert ENDPOINTS <= reached, 'no sequence sends %s' % sorted(ENDPOINTS - reached)
    names = [sequence.name for sequence in SEQUENCES]
    assert len(names) == len(set(names)), 'two sequences share a name'


def test_known_differences_name_existing_steps():
    """Every entry of known-differences.yml matches a step of a sequence, and says why."""
    steps = dict((sequence.name, [step.label for step in sequence.steps]) for sequence in SEQUENCES)
    for entry in KNOWN.entries:
        matched = [name for name in steps if fnmatch.fnmatchcase(name, entry['sequence'])]
        assert matched, 'known difference for no sequence: %r' % entry
        assert any(fnmatch.fnmatchcase(label, entry['step']) for name in matched for label in steps[name]), \
            'known difference for no step: %r' % entry
        assert len(entry['reason'].split()) >= 4, 'say why in the reason: %r' % entry


@pytest.mark.parametrize('sequence', SEQUENCES, ids=[sequence.name for sequence in SEQUENCES])
def test_local_server_answers_as_the_real_proxy(sequence, real_proxy, local_as_real, real_release, run_id,
                                                tmp_path_factory):
    created = []
    try:
        real = replay(sequence, real_proxy.url, real_proxy.master_key, Context(run_id, sequence.name),
                      created=created)
    finally:
        # What the sequence made on the (possibly long-lived) real proxy goes; the local server is emptied anyway.
        clean_up(real_proxy.url, real_proxy.master_key, created)
    local = replay(sequence, local_as_real.url, local_as_real.master_key, Context(run_id, sequence.name))
    found = compare_outcomes(real, local)
    unexpected = KNOWN.split(sequence.name, found, real_release)
    REPLAYED.add(sequence.name)
    TOTALS['sequences'] += 1
    TOTALS['steps'] += len(sequence.steps)
    TOTALS['known'] += len(found) - len(unexpected)
    TOTALS['listed'] = len(KNOWN.entries)
    # Both replays, normalised as compared, for whoever looks into a difference (no secret: all are normalised).
    report = tmp_path_factory.mktemp('differential') / ('%s.json' % sequence.name)
    report.write_text(json.dumps([{'step': mine.label, 'request': normalise(mine.request),
                                   'real': {'status': mine.status, 'body': normalise(mine.body)},
                                   'local': {'status': theirs.status, 'body': normalise(theirs.body)}}
                                  for mine, theirs in zip(real, local)], indent=1, sort_keys=True))
    lines = ['step %r (%s): %s: real %s, local %s'
             % (step, normalise(request)[:300], path, short(value_real), short(value_local))
             for step, request, path, value_real, value_local in unexpected]
    assert not unexpected, ('%d new difference(s) between the real proxy and the local server in sequence %r (fix the '
                            'local server, or list them with a reason in %s); both replays: %s\n%s'
                            % (len(unexpected), sequence.name, KNOWN_DIFFERENCES.name, report, '\n'.join(lines)))


def test_every_known_difference_was_met(real_proxy, real_release):
    """Each entry of known-differences.yml for this release was met by a replay: a difference that is gone has its
    entry removed. Runs after the replays (this file's order), when all of them ran."""
    if REPLAYED != set(sequence.name for sequence in SEQUENCES):
        pytest.skip('not every sequence was replayed in this run (%d of %d)' % (len(REPLAYED), len(SEQUENCES)))
    stale = KNOWN.stale(REPLAYED, real_release)
    assert not stale, ('known-differences.yml lists differences that no longer occur on LiteLLM %s (remove them): %s'
                       % (real_release, stale))


def test_the_comparison_itself(tmp_path):
    """Volatile values are normalised away, a real difference is found and named, and a known-differences entry
    matches only what it names (its values included)."""
    real = [Outcome('info', 'GET /key/info', 200, content_type='application/json', body={'info': {
        'created_at': '2026-12-01T18:41:44.459000Z', 'token': 'a' * 64, 'key_name': 'sk-...abcd',
        'spend': 1.5, 'user_id': '3f2b8c1e-0d4a-4b6e-9f1a-2c3d4e5f6a7b', 'models': ['gpt-4o'],
        'max_budget': 10.0}})]
    local = [Outcome('info', 'GET /key/info', 200, content_type='application/json', body={'info': {
        'created_at': '2026-12-01T19:00:00Z', 'token': 'b' * 64, 'key_name': 'sk-...wxyz',
        'spend': 0.0, 'user_id': '0e1d2c3b-4a59-4687-9a8b-7c6d5e4f3a2b', 'models': [], 'max_budget': 10}})]
    found = compare_outcomes(real, local)
    assert found == [('info', 'GET /key/info', 'body.info.models[0]', 'gpt-4o', '<missing>')]
    # a timestamp's offset is not volatile
    local[0].body['info'].update(models=['gpt-4o'], created_at='2026-12-01T19:00:00+00:00')
    assert [f[2:] for f in compare_outcomes(real, local)] == [('body.info.created_at', '<timeZ>', '<time+00:00>')]
    known_file = tmp_path / 'known.yml'
    known_file.write_text('- {sequence: "s-*", step: info, path: body.info.created_at, real: "<timeZ>", '
                          'reason: the offset differs for a reason given here}\n')
    known = KnownDifferences(known_file)
    assert known.split('s-1', compare_outcomes(real, local), '1.109.3') == []
    assert known.split('other', compare_outcomes(real, local), '1.109.3') != []
    assert known.stale(['s-1', 'other'], '1.109.3') == []
    # an entry of one release line applies to it alone, and is stale only there
    known_file.write_text('- {sequence: "s-*", step: info, path: body.info.created_at, release: "1.100.*", '
                          'reason: the offset differs for a reason given here}\n')
    known = KnownDifferences(known_file)
    assert known.split('s-1', compare_outcomes(real, local), '1.109.3') != []
    assert known.stale(['s-1'], '1.100.0') == [known.entries[0]], 'an entry no replay met is stale'
    assert known.stale(['s-1'], '1.109.3') == [], 'an entry of another release is not'
    assert known.split('s-1', compare_outcomes(real, local), '1.100.0') == []
    assert known.stale(['s-1'], '1.100.0') == []
