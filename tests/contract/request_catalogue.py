"""Every kind of request the collection sends, built through the client's unsent-request feature.

The bodies of writes come from the same engine the modules use (each resource's ``Reconciler.plan``), so what is
checked here is what the modules send: for keys, teams, users, budgets and credentials each client method, each setting alone
with several example values, all settings together, creation-only options, metadata merges and removals, team
members added, changed and removed, deletion and key rotation.

Every request assumes one "baseline world" exists on the server it is sent to (``WORLD``): a key, a team (with
one member), a user, a budget and a credential, with ids unique to this run; creations use ids and aliases of their own, so any
entry can be sent right after the world is (re)made. ``Entry.kinds`` says which baseline objects an entry writes
to, so that a test can make them anew before the next entry.
"""

import collections
import copy
import hashlib
import secrets

PLACEHOLDER_URL = 'http://contract.invalid'
# Only for building requests: replaced by the target server's key before anything is sent.
PLACEHOLDER_API_KEY = 'sk-placeholder-' + secrets.token_hex(8)

# Unique to the run (the process): a long-lived proxy serves many runs, each meets only its own objects.
RUN = secrets.token_hex(4)

BASELINE_SECRET = 'sk-contract-baseline-' + secrets.token_hex(8)
BASELINE_TOKEN = hashlib.sha256(BASELINE_SECRET.encode('utf-8')).hexdigest()
BASELINE_ALIAS = 'contract-baseline-' + RUN
BASELINE_TEAM_ID = 'contract-team-' + RUN
BASELINE_USER_ID = 'contract-user-' + RUN
BASELINE_BUDGET_ID = 'contract-budget-' + RUN
# A second user, member of no team: added to the baseline team by the member entries.
OTHER_USER_ID = 'contract-other-user-' + RUN
# No organization can exist on a proxy without an Enterprise license: entries that name one are refused there.
MISSING_ORGANIZATION_ID = 'contract-org-' + RUN
# Nor a project, here (the real stack has none; the licensed local server is given one).
MISSING_PROJECT_ID = 'contract-project-' + RUN
# LiteLLM adds the master key's user to every team made with the master key, as an admin (team_endpoints.py
# _should_auto_add_team_creator).
TEAM_CREATOR = 'default_user_id'

# What the baseline key is created with (a /key/generate body) ...
BASELINE_KEY = {'key': BASELINE_SECRET, 'key_alias': BASELINE_ALIAS, 'metadata': {'owner': 'contract-tests'}}
# ... and how the proxy returns it: no managed setting set, one unmanaged metadata entry.
BASELINE_RECORD = {'token': BASELINE_TOKEN, 'key_alias': BASELINE_ALIAS, 'metadata': {'owner': 'contract-tests'},
                   'models': [], 'aliases': {}, 'config': {}, 'permissions': {}, 'model_max_budget': {},
                   'allowed_routes': [], 'blocked': None, 'spend': 0.0}

# The rest of the world, as /team/new, /user/new and /budget/new bodies, and as the proxy returns them.
BASELINE_USER = {'user_id': BASELINE_USER_ID, 'auto_create_key': False, 'user_email': BASELINE_USER_ID + '@example.com'}
OTHER_USER = {'user_id': OTHER_USER_ID, 'auto_create_key': False}
BASELINE_TEAM = {'team_id': BASELINE_TEAM_ID, 'team_alias': 'contract-team', 'metadata': {'owner': 'contract-tests'},
                 'members_with_roles': [{'user_id': BASELINE_USER_ID, 'role': 'user'}]}
BASELINE_BUDGET = {'budget_id': BASELINE_BUDGET_ID, 'max_budget': 10.0}
BASELINE_TEAM_RECORD = {'team_id': BASELINE_TEAM_ID, 'team_alias': 'contract-team', 'metadata': {'owner': 'contract-tests'},
                        'models': [], 'blocked': False, 'litellm_model_table': None,
                        'members_with_roles': [{'user_id': BASELINE_USER_ID, 'role': 'user'},
                                               {'user_id': TEAM_CREATOR, 'role': 'admin'}]}
BASELINE_USER_RECORD = {'user_id': BASELINE_USER_ID, 'user_email': BASELINE_USER['user_email'], 'models': [],
                        'metadata': {}, 'teams': [BASELINE_TEAM_ID], 'user_role': 'internal_user'}
BASELINE_BUDGET_RECORD = {'budget_id': BASELINE_BUDGET_ID, 'max_budget': 10.0}
# A credential (kept by the real proxy with STORE_MODEL_IN_DB=True), and as GET /credentials/by_name answers it:
# its api_key masked, its api_base as stored.
BASELINE_CREDENTIAL_NAME = 'contract-credential-' + RUN
BASELINE_CREDENTIAL_SECRET = 'sk-contract-credential-' + secrets.token_hex(8)
BASELINE_CREDENTIAL = {'credential_name': BASELINE_CREDENTIAL_NAME,
                       'credential_values': {'api_key': BASELINE_CREDENTIAL_SECRET,
                                             'api_base': 'https://contract.example/v1'},
                       'credential_info': {'custom_llm_provider': 'openai'}}
BASELINE_CREDENTIAL_RECORD = {'credential_name': BASELINE_CREDENTIAL_NAME, 'display_name': None, 'source': 'db',
                              'credential_values': {'api_key': BASELINE_CREDENTIAL_SECRET[:2] + '****'
                                                    + BASELINE_CREDENTIAL_SECRET[-2:],
                                                    'api_base': 'https://contract.example/v1'},
                              'credential_info': {'custom_llm_provider': 'openai'}}

# The creation order of the world (a budget and users first: keys and teams name them).
WORLD = (('budget', '/budget/new', BASELINE_BUDGET), ('user', '/user/new', BASELINE_USER),
         ('user', '/user/new', OTHER_USER), ('team', '/team/new', BASELINE_TEAM), ('key', '/key/generate', BASELINE_KEY),
         ('credential', '/credentials', BASELINE_CREDENTIAL))

# Example values per litellm_key setting: the usual shape first, then edge cases (empty, zero, nesting).
SETTING_EXAMPLES = collections.OrderedDict([
    ('models', [['gpt-4o', 'claude-3-5-sonnet'], []]),
    ('aliases', [{'fast': 'gpt-4o-mini'}, {}]),
    ('max_budget', [100.5, 0.0, 7]),
    ('soft_budget', [80.0, 0]),
    ('budget_duration', ['30d', '12h', '1mo']),
    ('budget_id', [BASELINE_BUDGET_ID]),
    ('tpm_limit', [100000, 0]),
    ('rpm_limit', [60]),
    ('max_parallel_requests', [4]),
    ('team_id', [BASELINE_TEAM_ID]),
    ('user_id', [BASELINE_USER_ID]),
    ('organization_id', [MISSING_ORGANIZATION_ID]),
    ('metadata', [{'cost_center': 'cc-42', 'owners': ['a@example.com'], 'nested': {'depth': 2}},
                  {'owner': None, 'env': 'prod'}, {}]),
    ('tags', [['team:data', 'env:prod'], []]),
    ('config', [{'allowed_cache_controls': ['no-cache']}]),
    ('permissions', [{'get_spend_routes': True}, {'pii': False}]),
    ('model_max_budget', [{'gpt-4o': {'budget_limit': 10.0, 'time_period': '1d'}}, {'gpt-4o': 5.0}]),
    ('model_rpm_limit', [{'gpt-4o': 10}]),
    ('model_tpm_limit', [{'gpt-4o': 1000, 'claude-3-5-sonnet': 0}]),
    ('guardrails', [['pii-mask'], []]),
    ('allowed_routes', [['/chat/completions', 'llm_api_routes']]),
    ('blocked', [True, False]),
    ('budget_limits', [[{'budget_duration': '1d', 'max_budget': 1.0}]]),
    ('budget_fallbacks', [{'gpt-4o': ['gpt-4o-mini']}]),
    ('temp_budget_increase', [5.0]),
    ('temp_budget_expiry', ['2030-01-01T00:00:00Z']),
    ('tpd_limit', [10000]),
    ('rpm_limit_type', ['guaranteed_throughput']),
    ('tpm_limit_type', ['best_effort_throughput', 'dynamic']),
    ('project_id', [MISSING_PROJECT_ID]),
    ('agent_id', ['contract-agent-' + RUN]),
    ('end_user_budget_id', [BASELINE_BUDGET_ID]),
    ('object_permission', [{'vector_stores': ['vs-contract'], 'models': ['gpt-4o']}, {'agents': []}]),
    ('access_group_ids', [['contract-access-group']]),
    ('mcp_rpm_limit', [{'contract-mcp-server': 5}]),
    ('tag_rpm_limit', [{'contract-tag': 5}]),
    ('default_estimated_output_tokens', [100]),
    ('default_estimated_output_tokens_per_model', [{'gpt-4o': 100}]),
    ('enforced_params', [['user', 'metadata.generation_name']]),
    ('router_settings', [{'num_retries': 2, 'timeout': 30.0}]),
    ('disable_global_guardrails', [True]),
    ('policies', [['contract-policy']]),
    ('prompts', [['contract-prompt']]),
    ('allowed_passthrough_routes', [['/contract/passthrough']]),
    ('denied_passthrough_routes', [['/contract/denied']]),
    ('allowed_cache_controls', [['no-cache'], []]),
    ('allowed_vector_store_indexes', [[{'index_name': 'contract-index', 'index_permissions': ['read']}]]),
    ('enable_prompt_caching', [True]),
    ('throttle_on_budget_exceeded', [True]),
    ('auto_rotate', [True]),
    ('rotation_interval', ['30d']),
])
# Settings a key is only created with.
CREATION_EXAMPLES = {'duration': ['30d', '1h'], 'key_type': ['llm_api', 'read_only']}

# Example values per litellm_team / litellm_user / litellm_budget setting.
TEAM_EXAMPLES = collections.OrderedDict([
    ('team_alias', ['contract-renamed-team']),
    ('organization_id', [MISSING_ORGANIZATION_ID]),
    ('models', [['gpt-4o', 'gpt-4o-mini'], []]),
    ('max_budget', [50.0, 0]),
    ('budget_duration', ['30d', '1mo']),
    ('tpm_limit', [100000, 0]),
    ('rpm_limit', [600]),
    ('metadata', [{'cost_center': 'cc-7', 'nested': {'a': [1, 2]}}, {'owner': None}, {}]),
    ('blocked', [True, False]),
    ('model_aliases', [{'fast': 'gpt-4o-mini'}, {}]),
])
USER_EXAMPLES = collections.OrderedDict([
    ('user_email', ['contract-renamed-%s@example.com' % RUN]),
    ('user_alias', ['Contract User']),
    ('user_role', ['internal_user', 'internal_user_viewer', 'proxy_admin_viewer']),
    ('models', [['gpt-4o'], []]),
    ('max_budget', [25.0, 0]),
    ('budget_duration', ['7d']),
    ('tpm_limit', [1000]),
    ('rpm_limit', [10, 0]),
    ('max_parallel_requests', [2]),
    ('metadata', [{'department': 'research'}, {'owner': None}, {}]),
])
BUDGET_EXAMPLES = collections.OrderedDict([
    ('max_budget', [100.0, 0]),
    ('soft_budget', [5.0]),
    ('budget_duration', ['30d', '1h']),
    ('tpm_limit', [100000]),
    ('rpm_limit', [60, 0]),
    ('tpd_limit', [1000000]),
    ('max_parallel_requests', [8]),
    ('model_max_budget', [{'gpt-4o': {'max_budget': 10.0, 'budget_duration': '1d'}},
                          {'gpt-4o': {'tpm_limit': 1000, 'rpm_limit': 10}}]),
])

# Example values per litellm_credential setting (a create always declares values: LiteLLM needs them).
CREDENTIAL_EXAMPLES = collections.OrderedDict([
    ('credential_values', [{'api_key': 'sk-contract-other-' + RUN, 'api_base': 'https://contract-2.example/v1'},
                           {'api_version': '2024-06-01', 'aws_secret_access_key': 'contract-aws-' + RUN}]),
    ('credential_info', [{'custom_llm_provider': 'azure'}, {'owner': 'contract-tests', 'tier': 2}, {}]),
])

# label, request, and the baseline objects the request writes to ('key', 'team', 'user', 'budget').
Entry = collections.namedtuple('Entry', 'label request kinds')


# Settings of every_setting() that litellm_key refuses with others, on creation, or that LiteLLM refuses to change.
NOT_TOGETHER = ('budget_id',)
UPDATE_ONLY = ('temp_budget_increase', 'temp_budget_expiry')
# LiteLLM 1.108.7 refuses to put an existing key into a project ("Project reassignment is not supported", 400):
# litellm_key refuses such an update before sending it (no 'update project_id' entry; test_module_contract
# checks the refusal); every_setting() leaves it out of updates.
CREATE_ONLY_IN_LITELLM = ('project_id',)


def every_setting(index=0, create=False):
    """Every key setting at once (example ``index``), as far as litellm_key allows them together: budget_id and
    soft_budget exclude each other (the soft budget lives in the budget budget_id names); a temporary budget
    increase exists only for a key that exists; a project is given to a key when it is created."""
    settings = dict((name, values[min(index, len(values) - 1)]) for name, values in SETTING_EXAMPLES.items())
    for name in NOT_TOGETHER + (UPDATE_ONLY if create else CREATE_ONLY_IN_LITELLM):
        settings.pop(name)
    return settings


def every_example(examples, index=0):
    return dict((name, values[min(index, len(values) - 1)]) for name, values in examples.items())


def options(**settings):
    """A litellm_key parameter dict: every option unset except ``settings``."""
    params = dict((name, None) for name in SETTING_EXAMPLES)
    params.update(dict((name, None) for name in CREATION_EXAMPLES))
    params.update({'key': None, 'key_alias': BASELINE_ALIAS, 'state': 'present', 'regenerate': False,
                   'grace_period': None, 'clear': None})
    params.update(settings)
    return params


def object_options(examples, identity, **settings):
    """A litellm_team / litellm_user / litellm_budget parameter dict: every setting unset except ``settings``."""
    params = dict((name, None) for name in examples)
    params.update(identity)
    params.setdefault('state', 'present')
    params.update(settings)
    return params


def kinds_of(request):
    """The baseline objects a request may change: what to make anew after it is sent."""
    path = request.url[len(PLACEHOLDER_URL):].split('?')[0]
    if request.method == 'GET' or path in ('/budget/info',):
        return ()
    if path in ('/key/generate', '/team/new', '/user/new', '/budget/new', '/credentials'):
        # Creations make objects of their own; a team (or user) made with members also changes those users.
        return ('user',) if path == '/team/new' else ()
    if path.startswith('/key/'):
        return ('key',)
    if path.startswith('/team/'):
        # Deleting a team deletes its keys and memberships; members change the users' teams.
        return ('team', 'user', 'key')
    if path.startswith('/user/'):
        return ('user', 'team', 'key')
    if path.startswith('/budget/'):
        # Deleting a budget unlinks the keys that follow it.
        return ('budget', 'key')
    if path.startswith('/credentials/'):
        return ('credential',)
    return ()


class Catalogue:
    """Builds the entries with the collection's own client and engine (imported from the synced tree)."""

    def __init__(self, client_module, keys_module, teams_module=None, users_module=None, budgets_module=None,
                 engine_module=None, credentials_module=None):
        self.client_module = client_module
        self.keys_module = keys_module
        self.teams_module = teams_module
        self.users_module = users_module
        self.budgets_module = budgets_module
        self.engine_module = engine_module
        self.credentials_module = credentials_module
        self.client = client_module.LiteLLMClient(PLACEHOLDER_URL, PLACEHOLDER_API_KEY, retries=0)
        self.reconciler = keys_module.key_reconciler(self.client, check_mode=True)
        self._created = 0

    def new_alias(self, kind='key'):
        self._created += 1
        return 'contract-new-%s-%03d-%s' % (kind, self._created, RUN)

    # -- keys ------------------------------------------------------------------------------------------------

    def plan_create(self, settings):
        return self._plan(self.new_alias(), options(**settings), None)

    def plan_update(self, settings, record=None):
        return self._plan(BASELINE_ALIAS, options(**settings), record or BASELINE_RECORD)

    @staticmethod
    def _with_companions(fields, name, value):
        settings = {name: value}
        for companion in fields[name].companions:
            settings[companion] = SETTING_EXAMPLES[companion][0]
        return settings

    @staticmethod
    def record_with(fields, record, settings):
        """``record`` (a stored object) with ``settings`` stored where the proxy keeps them (their read paths)."""
        stored = copy.deepcopy(record)
        for name, value in settings.items():
            path = fields[name].paths[0]
            node = stored
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node[path[-1]] = copy.deepcopy(value)
        return stored

    def _plan(self, alias, params, record):
        # The module's own input checks first: only what litellm_key accepts can reach the wire.
        params['key_alias'] = alias
        self.keys_module.KEY.validate(params)
        requests = self.reconciler.plan(params, record).requests
        return requests[0] if requests else None

    # -- teams, users, budgets -------------------------------------------------------------------------------

    def object_plan(self, resource, params, record):
        """Every request the resource's engine plans for ``params`` against ``record`` (None: create)."""
        resource.validate(params)
        reconciler = self.engine_module.Reconciler(resource, self.client, check_mode=True)
        return reconciler.plan(params, record).requests

    def team_params(self, record=None, **settings):
        identity = {'team_id': record['team_id'] if record else self.new_alias('team'), 'team_alias': None,
                    'members': None, 'exclusive_members': False}
        if record is None and 'team_alias' not in settings:
            identity['team_alias'] = 'contract-new-team'
        return object_options(dict((name, None) for name in TEAM_EXAMPLES), identity, **settings)

    def user_params(self, record=None, **settings):
        identity = {'user_id': record['user_id'] if record else self.new_alias('user')}
        return object_options(USER_EXAMPLES, identity, **settings)

    def budget_params(self, record=None, **settings):
        identity = {'budget_id': record['budget_id'] if record else self.new_alias('budget')}
        return object_options(BUDGET_EXAMPLES, identity, **settings)

    # -- the catalogue ---------------------------------------------------------------------------------------

    def entries(self):
        found = []

        def add(label, request):
            if request is not None:
                found.append(Entry(label, request, kinds_of(request)))

        def add_all(label, requests):
            for position, request in enumerate(requests):
                add(label if len(requests) == 1 else '%s [%d]' % (label, position), request)

        self._key_entries(add)
        if self.engine_module is not None:
            self._team_entries(add, add_all)
            self._user_entries(add, add_all)
            self._budget_entries(add, add_all)
        if self.credentials_module is not None:
            self._credential_entries(add, add_all)
        labels = [entry.label for entry in found]
        duplicates = sorted(set(label for label in labels if labels.count(label) > 1))
        assert not duplicates, 'duplicate labels in the request catalogue: %s' % duplicates
        return found

    def _key_entries(self, add):
        client = self.client
        # reads
        add('list_keys()', client.list_keys(return_request=True))
        add('list_keys(alias lookup)', client.list_keys(key_alias=BASELINE_ALIAS, page=1, size=100, return_request=True))
        for page, size in ((1, 1), (2, 10), (1, 100)):
            add('list_keys(page=%d,size=%d)' % (page, size), client.list_keys(page=page, size=size, return_request=True))
        for name, value in (('key_hash', BASELINE_TOKEN), ('team_id', BASELINE_TEAM_ID), ('user_id', BASELINE_USER_ID),
                            ('organization_id', MISSING_ORGANIZATION_ID)):
            add('list_keys(%s)' % name, client.list_keys(**{name: value, 'return_request': True}))
        add('list_keys(every filter)', client.list_keys(
            page=1, size=50, key_alias=BASELINE_ALIAS, key_hash=BASELINE_TOKEN, team_id=BASELINE_TEAM_ID,
            user_id=BASELINE_USER_ID, organization_id=MISSING_ORGANIZATION_ID, return_full_object=True,
            return_request=True))
        add('list_keys(return_full_object=False)', client.list_keys(return_full_object=False, return_request=True))
        add('key_info(secret)', client.key_info(BASELINE_SECRET, return_request=True))
        add('key_info(hash)', client.key_info(BASELINE_TOKEN, return_request=True))
        # plain client writes
        add('delete_keys(keys)', client.delete_keys(keys=[BASELINE_TOKEN], return_request=True))
        add('delete_keys(key_aliases)', client.delete_keys(key_aliases=[BASELINE_ALIAS], return_request=True))
        add('delete_keys(keys, key_aliases)',
            client.delete_keys(keys=[BASELINE_TOKEN], key_aliases=[BASELINE_ALIAS], return_request=True))
        add('block_key', client.block_key(BASELINE_SECRET, return_request=True))
        add('unblock_key', client.unblock_key(BASELINE_TOKEN, return_request=True))
        add('regenerate_key()', client.regenerate_key(BASELINE_TOKEN, return_request=True))
        add('list_mcp_servers', client.list_mcp_servers(return_request=True))
        add('health_license', client.health_license(return_request=True))
        add('health_readiness_details', client.health_readiness_details(return_request=True))
        add('generate_service_account_key', client.generate_service_account_key(
            {'key_alias': self.new_alias('service'), 'team_id': BASELINE_TEAM_ID}, return_request=True))
        fields = self.keys_module.KEY.fields
        # what litellm_key plans: creation (a setting LiteLLM takes only with another comes with it)
        for name, values in SETTING_EXAMPLES.items():
            if fields[name].update_only:
                continue
            for index, value in enumerate(values):
                add('create %s#%d' % (name, index), self.plan_create(self._with_companions(fields, name, value)))
        for name, values in CREATION_EXAMPLES.items():
            for index, value in enumerate(values):
                add('create %s#%d' % (name, index), self.plan_create({name: value}))
        add('create key', self.plan_create({'key': 'sk-contract-chosen-' + secrets.token_hex(8)}))
        add('create alias only', self.plan_create({}))
        for index in (0, 1):
            settings = every_setting(index, create=True)
            settings.update(duration='7d', key='sk-contract-chosen-' + secrets.token_hex(8))
            add('create every option#%d' % index, self.plan_create(settings))
        # what litellm_key plans: update of the baseline key
        for name, values in SETTING_EXAMPLES.items():
            for index, value in enumerate(values):
                if name not in CREATE_ONLY_IN_LITELLM:
                    add('update %s#%d' % (name, index), self.plan_update(self._with_companions(fields, name, value)))
        # A setting LiteLLM takes only with its companion, declared alone for a key that has none stored: the
        # module must send both, or refuse before sending anything.
        for name in ('temp_budget_increase', 'temp_budget_expiry', 'auto_rotate', 'rotation_interval'):
            try:
                add('update %s alone' % name, self.plan_update({name: SETTING_EXAMPLES[name][0]}))
            except self.keys_module.InvalidOption:
                pass
        for index in (0, 1):
            add('update every setting#%d' % index, self.plan_update(every_setting(index)))
        # what litellm_key plans to clear each setting that can be cleared, from a key that has it set
        for name in fields.clearable:
            settings = self._with_companions(fields, name, SETTING_EXAMPLES[name][0])
            record = self.record_with(fields, BASELINE_RECORD, settings)
            add('update clear %s' % name, self.plan_update({'clear': [name]}, record))
        # what litellm_key plans: deletion and rotation
        add('delete (state=absent)', self.reconciler.plan(options(state='absent'), BASELINE_RECORD).requests[0])
        regenerate = self.keys_module.regenerate_request
        add('regenerate', regenerate(client, BASELINE_RECORD))
        add('regenerate grace_period', regenerate(client, BASELINE_RECORD, grace_period='24h'))
        add('regenerate new key', regenerate(client, BASELINE_RECORD,
                                             new_key='sk-contract-rotated-' + secrets.token_hex(8)))
        add('regenerate new key, grace_period', regenerate(
            client, BASELINE_RECORD, new_key='sk-contract-rotated-' + secrets.token_hex(8), grace_period='1h'))

    def _team_entries(self, add, add_all):
        client = self.client
        team = self.teams_module.TEAM
        record = copy.deepcopy(BASELINE_TEAM_RECORD)
        # reads
        add('team_info', client.team_info(BASELINE_TEAM_ID, return_request=True))
        add('list_teams()', client.list_teams(return_request=True))
        add('list_teams(page=2,page_size=1)', client.list_teams(page=2, page_size=1, return_request=True))
        add('list_teams(every filter)', client.list_teams(
            page=1, page_size=100, team_id=BASELINE_TEAM_ID, team_alias='contract-team', user_id=BASELINE_USER_ID,
            organization_id=MISSING_ORGANIZATION_ID, return_request=True))
        # plain client writes
        add('delete_teams', client.delete_teams([BASELINE_TEAM_ID], return_request=True))
        add('add_team_members', client.add_team_members(
            BASELINE_TEAM_ID, [{'user_id': OTHER_USER_ID, 'role': 'user'}], return_request=True))
        add('update_team_member', client.update_team_member(BASELINE_TEAM_ID, BASELINE_USER_ID, 'user',
                                                            return_request=True))
        add('delete_team_member', client.delete_team_member(BASELINE_TEAM_ID, BASELINE_USER_ID, return_request=True))
        # what litellm_team plans: creation, each setting, with members
        for name, values in TEAM_EXAMPLES.items():
            for index, value in enumerate(values):
                add_all('team create %s#%d' % (name, index), self.object_plan(team, self.team_params(**{name: value}),
                                                                              None))
        for index in (0, 1):
            add_all('team create every setting#%d' % index, self.object_plan(
                team, self.team_params(**every_example(TEAM_EXAMPLES, index)), None))
        add_all('team create with members', self.object_plan(team, self.team_params(members=[
            {'user_id': BASELINE_USER_ID, 'role': 'user'}, {'user_id': OTHER_USER_ID, 'role': 'admin'}]), None))
        by_alias = dict(self.team_params(), team_id=None, team_alias='contract-alias-only')
        add_all('team create by alias only', self.object_plan(team, by_alias, None))
        # update of the baseline team, each setting
        for name, values in TEAM_EXAMPLES.items():
            for index, value in enumerate(values):
                add_all('team update %s#%d' % (name, index), self.object_plan(
                    team, self.team_params(record, **{name: value}), record))
        for index in (0, 1):
            add_all('team update every setting#%d' % index, self.object_plan(
                team, self.team_params(record, **every_example(TEAM_EXAMPLES, index)), record))
        # members: add, change a role, remove (exclusive)
        add_all('team members add', self.object_plan(team, self.team_params(record, members=[
            {'user_id': BASELINE_USER_ID, 'role': 'user'}, {'user_id': OTHER_USER_ID, 'role': 'user'}]), record))
        add_all('team members role', self.object_plan(team, self.team_params(record, members=[
            {'user_id': BASELINE_USER_ID, 'role': 'admin'}]), record))
        add_all('team members exclusive', self.object_plan(team, self.team_params(
            record, members=[{'user_id': OTHER_USER_ID, 'role': 'user'}], exclusive_members=True), record))
        add_all('team members and settings', self.object_plan(team, self.team_params(
            record, max_budget=5.0, members=[{'user_id': OTHER_USER_ID, 'role': 'user'}]), record))
        add_all('team delete', self.object_plan(team, self.team_params(record, state='absent'), record))

    def _user_entries(self, add, add_all):
        client = self.client
        user = self.users_module.USER
        record = copy.deepcopy(BASELINE_USER_RECORD)
        add('user_info', client.user_info(BASELINE_USER_ID, return_request=True))
        add('list_users()', client.list_users(return_request=True))
        add('list_users(every filter)', client.list_users(page=1, page_size=100, user_ids=[BASELINE_USER_ID],
                                                          role='internal_user', team=BASELINE_TEAM_ID,
                                                          return_request=True))
        add('list_users(several ids)', client.list_users(user_ids=[BASELINE_USER_ID, OTHER_USER_ID],
                                                         return_request=True))
        add('delete_users', client.delete_users([OTHER_USER_ID], return_request=True))
        for name, values in USER_EXAMPLES.items():
            for index, value in enumerate(values):
                add_all('user create %s#%d' % (name, index), self.object_plan(
                    user, self.user_params(**{name: value}), None))
        add_all('user create id only', self.object_plan(user, self.user_params(), None))
        add_all('user create every setting', self.object_plan(user, self.user_params(
            **dict(every_example(USER_EXAMPLES), user_email='contract-every-%s@example.com' % RUN)), None))
        for name, values in USER_EXAMPLES.items():
            for index, value in enumerate(values):
                add_all('user update %s#%d' % (name, index), self.object_plan(
                    user, self.user_params(record, **{name: value}), record))
        add_all('user update every setting', self.object_plan(user, self.user_params(
            record, **every_example(USER_EXAMPLES)), record))
        add_all('user delete', self.object_plan(user, self.user_params(record, state='absent'), record))

    def _budget_entries(self, add, add_all):
        client = self.client
        budget = self.budgets_module.BUDGET
        record = copy.deepcopy(BASELINE_BUDGET_RECORD)
        add('budget_info', client.budget_info([BASELINE_BUDGET_ID], return_request=True))
        add('list_budgets', client.list_budgets(return_request=True))
        for name, values in BUDGET_EXAMPLES.items():
            for index, value in enumerate(values):
                add_all('budget create %s#%d' % (name, index), self.object_plan(
                    budget, self.budget_params(**{name: value}), None))
        add_all('budget create id only', self.object_plan(budget, self.budget_params(), None))
        add_all('budget create every setting', self.object_plan(budget, self.budget_params(
            **every_example(BUDGET_EXAMPLES)), None))
        for name, values in BUDGET_EXAMPLES.items():
            for index, value in enumerate(values):
                add_all('budget update %s#%d' % (name, index), self.object_plan(
                    budget, self.budget_params(record, **{name: value}), record))
        add_all('budget update every setting', self.object_plan(budget, self.budget_params(
            record, **every_example(BUDGET_EXAMPLES, 1)), record))
        add_all('budget delete', self.object_plan(budget, self.budget_params(record, state='absent'), record))

    def credential_params(self, record=None, **settings):
        identity = {'credential_name': record['credential_name'] if record else self.new_alias('credential'),
                    'update_secrets': 'on_create'}
        return object_options(CREDENTIAL_EXAMPLES, identity, **settings)

    def _credential_entries(self, add, add_all):
        client = self.client
        credential = self.credentials_module.CREDENTIAL
        record = copy.deepcopy(BASELINE_CREDENTIAL_RECORD)
        values = CREDENTIAL_EXAMPLES['credential_values'][0]
        add('credential_info', client.credential_info(BASELINE_CREDENTIAL_NAME, return_request=True))
        add('list_credentials', client.list_credentials(return_request=True))
        for index, value in enumerate(CREDENTIAL_EXAMPLES['credential_values']):
            add_all('credential create credential_values#%d' % index, self.object_plan(
                credential, self.credential_params(credential_values=value), None))
        for index, value in enumerate(CREDENTIAL_EXAMPLES['credential_info']):
            add_all('credential create credential_info#%d' % index, self.object_plan(
                credential, self.credential_params(credential_values=values, credential_info=value), None))
        for index, value in enumerate(CREDENTIAL_EXAMPLES['credential_values']):
            add_all('credential update credential_values#%d' % index, self.object_plan(
                credential, self.credential_params(record, credential_values=value), record))
        for index, value in enumerate(CREDENTIAL_EXAMPLES['credential_info'][:2]):
            add_all('credential update credential_info#%d' % index, self.object_plan(
                credential, self.credential_params(record, credential_info=value), record))
        add_all('credential update every setting', self.object_plan(credential, self.credential_params(
            record, **every_example(CREDENTIAL_EXAMPLES)), record))
        add_all('credential update secrets always', self.object_plan(credential, self.credential_params(
            record, credential_values={'api_key': 'sk-contract-rotated-' + RUN}, update_secrets='always'), record))
        add_all('credential delete', self.object_plan(credential, self.credential_params(record, state='absent'),
                                                      record))


def build_catalogue(module_utils):
    """The Catalogue over the collection's module_utils (``module_utils(name)`` imports one)."""
    return Catalogue(module_utils('_client'), module_utils('_keys'), module_utils('_teams'), module_utils('_users'),
                     module_utils('_budgets'), module_utils('_engine'), module_utils('_credentials'))
