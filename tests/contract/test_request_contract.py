"""Every request the collection can send keeps the real proxy's contract, and both servers take it alike.

Each catalogued request (see request_catalogue.py: keys, teams and their members, users, budgets) is
  1. validated against the schema of its path and method in the real proxy's live /openapi.json, with
     undeclared fields and query parameters counted as errors;
  2. sent to the real proxy (with its database, no Enterprise license, no models) right after its baseline world
     is made: its own validation (pydantic, including model validators the schema cannot express) must pass it
     (anything but a 422), and the local test server, set up as that proxy is and holding the same world, must
     answer with the same status and, for a refusal, the same error;
  3. sent to the local test server as a licensed proxy with models, which must carry it out (2xx).
"""

import json

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from contract_env import collection_module_utils, newer_parts
from contract_http import describe, send, send_raw
from differential import CREATED, clean_up, normalise
from openapi_contract import RequestView
from request_catalogue import (
    BASELINE_ALIAS, BASELINE_BUDGET_ID, BASELINE_CREDENTIAL_NAME, BASELINE_KEY, BASELINE_TEAM_ID, BASELINE_TOKEN,
    BASELINE_USER_ID, BUDGET_EXAMPLES, CREDENTIAL_EXAMPLES, MISSING_ORGANIZATION_ID, MISSING_PROJECT_ID, OTHER_USER_ID,
    PLACEHOLDER_URL, SETTING_EXAMPLES, TEAM_EXAMPLES, USER_EXAMPLES, WORLD, CREATION_EXAMPLES, build_catalogue,
)

CLIENT_MODULE = collection_module_utils('_client')
KEYS_MODULE = collection_module_utils('_keys')
CATALOGUE = build_catalogue(collection_module_utils)
ENTRIES = CATALOGUE.entries()
ENTRY_IDS = [entry.label for entry in ENTRIES]


class World:
    """The baseline world of request_catalogue.py on one server, made anew where an entry may have changed it."""

    # What to delete, in order, to make a kind anew (keys first: teams and budgets are what keys name).
    DELETE = (('key', '/key/delete', {'keys': [BASELINE_TOKEN]}),
              ('team', '/team/delete', {'team_ids': [BASELINE_TEAM_ID]}),
              ('user', '/user/delete', {'user_ids': [BASELINE_USER_ID]}),
              ('user', '/user/delete', {'user_ids': [OTHER_USER_ID]}),
              ('budget', '/budget/delete', {'id': BASELINE_BUDGET_ID}),
              ('credential', 'DELETE /credentials/' + BASELINE_CREDENTIAL_NAME, None))
    # A kind made anew takes others with it: a user deleted leaves its teams' rosters; a budget its keys.
    TOGETHER = {'user': ('user', 'team'), 'team': ('team', 'user'), 'budget': ('budget', 'key'), 'key': ('key',),
                'credential': ('credential',)}

    def __init__(self, url, master_key):
        self.url = url
        self.master_key = master_key
        self.dirty = set(self.TOGETHER)
        # (kind, id) of what the entries created, for clean-up
        self.created = []

    def ready(self):
        """Make every object an earlier entry may have changed anew; then the world is as catalogued."""
        kinds = set(kind for dirty in self.dirty for kind in self.TOGETHER[dirty])
        if not kinds:
            return
        for kind, path, body in self.DELETE:
            if kind in kinds:
                method, _space, path = path.rpartition(' ')
                answer = send_raw(method or 'POST', self.url + path, self.master_key, json_body=body)
                assert answer.status_code in (200, 400, 404), describe(answer)
        for kind, path, body in WORLD:
            if kind in kinds:
                answer = send_raw('POST', self.url + path, self.master_key, json_body=body)
                assert answer.status_code == 200, '%s %s: %s' % (path, json.dumps(body), describe(answer))
        self.dirty = set()

    def sent(self, entry, answer=None):
        self.dirty.update(entry.kinds)
        path = entry.request.url[len(PLACEHOLDER_URL):].split('?')[0]
        if answer is not None and 200 <= answer.status_code < 300 and path in CREATED:
            kind, field = CREATED[path]
            body = answer.json()
            if isinstance(body, dict) and body.get(field):
                self.created.append((kind, body[field]))
        if answer is not None and 200 <= answer.status_code < 300 and entry.request.method == 'POST' \
                and path == '/credentials':
            # LiteLLM answers {"success": true}: the new credential's name is the request's.
            self.created.append(('credential', json.loads(entry.request.prepare().body)['credential_name']))

    def clean_up(self):
        """Delete what the entries made and the world itself (on a proxy that outlives the session)."""
        world = [('key', BASELINE_TOKEN), ('team', BASELINE_TEAM_ID), ('user', BASELINE_USER_ID),
                 ('user', OTHER_USER_ID), ('budget', BASELINE_BUDGET_ID), ('credential', BASELINE_CREDENTIAL_NAME)]
        clean_up(self.url, self.master_key, self.created + world)


@pytest.fixture(scope='session')
def real_world(real_proxy):
    world = World(real_proxy.url, real_proxy.master_key)
    yield world
    if real_proxy.existing:
        world.clean_up()


def world_on(server, organization=False):
    """Empty the local server and make the baseline world on it (and, licensed, the organization entries name)."""
    server.reset(data=True)
    World(server.url, server.master_key).ready()
    if organization:
        made = send_raw('POST', server.url + '/organization/new', server.master_key,
                        json_body={'organization_id': MISSING_ORGANIZATION_ID, 'organization_alias': 'contract'})
        assert made.status_code == 200, describe(made)
        # Projects are not part of this API: only seeded (a licensed proxy with a project).
        seeded = send_raw('POST', server.url + '/_test/seed', server.master_key,
                          json_body={'projects': [{'project_id': MISSING_PROJECT_ID}]})
        assert seeded.status_code == 200, describe(seeded)


def _paths_of(entries):
    return set(RequestView.from_requests(e.request).url.split('?')[0].replace(PLACEHOLDER_URL, '') for e in entries)


def test_catalogue_covers_every_client_method():
    methods = set(name for name in vars(CLIENT_MODULE.LiteLLMClient)
                  if not name.startswith('_') and callable(getattr(CLIENT_MODULE.LiteLLMClient, name)))
    endpoint_methods = set(m for m in methods if 'return_request' in
                           getattr(CLIENT_MODULE.LiteLLMClient, m).__code__.co_varnames)
    assert endpoint_methods == {
        'list_keys', 'key_info', 'generate_key', 'generate_service_account_key', 'update_key', 'delete_keys',
        'regenerate_key', 'block_key', 'unblock_key', 'list_mcp_servers', 'health_license', 'health_readiness_details',
        'new_team', 'update_team', 'team_info', 'list_teams', 'delete_teams', 'add_team_members',
        'update_team_member', 'delete_team_member',
        'new_user', 'update_user', 'user_info', 'list_users', 'delete_users',
        'new_budget', 'update_budget', 'budget_info', 'list_budgets', 'delete_budget',
        'new_credential', 'credential_info', 'list_credentials', 'update_credential', 'delete_credential',
    }, 'the client has endpoint methods this catalogue does not know; add them to request_catalogue.py'
    assert _paths_of(ENTRIES) == {
        '/key/list', '/key/info', '/key/generate', '/key/service-account/generate', '/key/update', '/key/delete',
        '/key/block', '/key/unblock', '/key/%s/regenerate' % BASELINE_TOKEN, '/v1/mcp/server', '/health/license',
        '/health/readiness/details',
        '/team/new', '/team/update', '/team/info', '/v2/team/list', '/team/delete', '/team/member_add',
        '/team/member_update', '/team/member_delete',
        '/user/new', '/user/update', '/user/info', '/user/list', '/user/delete',
        '/budget/new', '/budget/update', '/budget/info', '/budget/list', '/budget/delete',
        '/credentials', '/credentials/by_name/' + BASELINE_CREDENTIAL_NAME, '/credentials/' + BASELINE_CREDENTIAL_NAME}


@pytest.mark.parametrize('resource,examples,prefix', [
    ('_keys.KEY', SETTING_EXAMPLES, ''), ('_teams.TEAM', TEAM_EXAMPLES, 'team '),
    ('_users.USER', USER_EXAMPLES, 'user '), ('_budgets.BUDGET', BUDGET_EXAMPLES, 'budget '),
    ('_credentials.CREDENTIAL', CREDENTIAL_EXAMPLES, 'credential ')],
    ids=['key', 'team', 'user', 'budget', 'credential'])
def test_catalogue_covers_every_setting(resource, examples, prefix):
    """A setting added to a module without an example here would go unchecked: fail instead."""
    module_name, name = resource.split('.')
    fields = getattr(collection_module_utils(module_name), name).fields
    creation_only = [field.name for field in fields if field.managed and field.create_only]
    settings_names = [field.name for field in fields if field.managed and not field.create_only]
    missing = sorted(set(settings_names) - set(examples))
    missing += sorted(set(creation_only) - set(CREATION_EXAMPLES if prefix == '' else ()) - {'key'})
    assert not missing, 'add example values for %s to request_catalogue.py' % missing
    for verb in ('create', 'update'):
        bodies = [RequestView.from_requests(e.request).body for e in ENTRIES if e.label.startswith(prefix + verb + ' ')]
        sent = set(field for body in bodies for field in body or {})
        wanted = set(name for name in settings_names if not (verb == 'create' and fields[name].update_only))
        if verb == 'create':
            wanted.update(creation_only)
        # Each setting reaches the wire under its own name (the server folds some into metadata itself).
        assert wanted <= sent, '%s%s never sends %s' % (prefix, verb, sorted(wanted - sent))
    if fields.clearable:
        cleared = set(e.label.split('clear ', 1)[1] for e in ENTRIES if e.label.startswith(prefix + 'update clear '))
        assert set(fields.clearable) <= cleared, 'no clearing entry for %s' % sorted(set(fields.clearable) - cleared)


def test_catalogue_plans_member_writes():
    paths = [RequestView.from_requests(e.request).url.replace(PLACEHOLDER_URL, '') for e in ENTRIES
             if e.label.startswith('team members')]
    for path in ('/team/member_add', '/team/member_update', '/team/member_delete'):
        assert path in paths, 'the team entries never plan %s' % path


@pytest.mark.parametrize('entry', ENTRIES, ids=ENTRY_IDS)
def test_request_matches_real_schema(entry, contract):
    contract.check(RequestView.from_requests(entry.request))


def _newer_parts(request, release):
    view = RequestView.from_requests(request)
    return newer_parts(view.url.split('?')[0].replace(PLACEHOLDER_URL, ''), view.body, release)


@pytest.mark.parametrize('entry', ENTRIES, ids=ENTRY_IDS)
def test_real_proxy_and_local_server_answer_alike(entry, real_proxy, real_world, local_as_real, real_release):
    newer = _newer_parts(entry.request, real_release)
    if newer:
        pytest.skip('LiteLLM %s has no %s: the modules refuse to send it to this release (test_release_options.py)'
                    % (real_release, ', '.join(option for option, _since in newer)))
    real_world.ready()
    real = None
    try:
        real = send(entry.request, real_proxy.url, real_proxy.master_key)
    finally:
        real_world.sent(entry, real)
    assert real.status_code != 422, 'the real proxy rejected %s: %s' % (entry.label, describe(real))
    world_on(local_as_real)
    local = send(entry.request, local_as_real.url, local_as_real.master_key)
    assert local.status_code == real.status_code, 'real %s\nlocal %s' % (describe(real), describe(local))
    if not 200 <= real.status_code < 300:
        assert normalise(_json(local)) == normalise(_json(real)), 'real %s\nlocal %s' % (describe(real), describe(local))


def _json(response):
    try:
        return response.json()
    except ValueError:
        return response.text


@pytest.mark.parametrize('entry', ENTRIES, ids=ENTRY_IDS)
def test_licensed_local_server_accepts_request(entry, litellm_server):
    world_on(litellm_server, organization=True)
    answer = send(entry.request, litellm_server.url, litellm_server.master_key)
    assert 200 <= answer.status_code < 300, 'the local server refused %s: %s' % (entry.label, describe(answer))
    assert answer.json() is None or isinstance(answer.json(), (dict, list, int))


def _settings_strategy():
    return st.dictionaries(st.sampled_from(sorted(SETTING_EXAMPLES)), st.integers(min_value=0, max_value=2),
                           min_size=1).map(
        lambda chosen: dict((name, SETTING_EXAMPLES[name][index % len(SETTING_EXAMPLES[name])])
                            for name, index in chosen.items()))


# No example database: the tier writes nothing into the work tree.
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(desired=_settings_strategy(), verb=st.sampled_from(['create', 'update']),
       creation=st.fixed_dictionaries({}, optional={'duration': st.sampled_from(['1h', '30d']),
                                                    'key': st.just('sk-contract-chosen-0123456789')}))
def test_any_combination_of_settings_keeps_the_contract(desired, verb, creation, contract, real_proxy, real_world,
                                                        litellm_server, real_release):
    """Random combinations of litellm_key settings, planned as create or update, sent to both servers."""
    if verb == 'create':
        desired.update(creation)
        if 'key' in desired:
            desired['key'] = desired['key'] + BASELINE_ALIAS[-8:]
    try:
        request = CATALOGUE.plan_create(desired) if verb == 'create' else CATALOGUE.plan_update(desired)
    except KEYS_MODULE.InvalidOption:
        reject()  # litellm_key refuses this combination before sending anything: not a request it can send
    if request is None:  # nothing differs from the baseline key
        return
    if _newer_parts(request, real_release):
        reject()  # litellm_key refuses to send an option this release does not have (test_release_options.py)
    contract.check(RequestView.from_requests(request))
    real_world.ready()
    real = send(request, real_proxy.url, real_proxy.master_key)
    if verb == 'update':
        real_world.dirty.add('key')
    elif 200 <= real.status_code < 300:
        real_world.created.append(('key', real.json().get('token')))
    assert real.status_code != 422, describe(real)
    world_on(litellm_server, organization=True)
    local = send(request, litellm_server.url, litellm_server.master_key)
    assert 200 <= local.status_code < 300, '%s\n%s' % (json.dumps(desired), describe(local))


def test_baseline_key_is_what_the_catalogue_assumes(real_proxy, real_world):
    real_world.dirty.add('key')
    real_world.ready()
    listed = send_raw('GET', real_proxy.url + '/key/list?return_full_object=true&key_alias=' + BASELINE_ALIAS,
                      real_proxy.master_key).json()
    assert [key['token'] for key in listed['keys']] == [BASELINE_TOKEN]
    assert listed['keys'][0]['metadata'] == BASELINE_KEY['metadata']
