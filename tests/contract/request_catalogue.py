"""Every kind of request the collection sends, built through the client's unsent-request feature.

The bodies of key writes come from the same engine the modules use (the key ``Reconciler.plan``), so what is
checked here is what ``litellm_key`` sends: each client method, each key setting alone with several example
values, all settings together, creation-only options, metadata merges and removals, deletion and rotation.

Every request assumes one "baseline" key exists on the server it is sent to (see ``BASELINE_KEY``); creations
use aliases of their own, so any entry can be sent right after the baseline key is created.
"""

import collections
import hashlib
import secrets

PLACEHOLDER_URL = 'http://contract.invalid'
# Only for building requests: replaced by the target server's key before anything is sent.
PLACEHOLDER_API_KEY = 'sk-placeholder-' + secrets.token_hex(8)

BASELINE_SECRET = 'sk-contract-baseline-' + secrets.token_hex(8)
BASELINE_TOKEN = hashlib.sha256(BASELINE_SECRET.encode('utf-8')).hexdigest()
BASELINE_ALIAS = 'contract-baseline'
# What the baseline key is created with (a /key/generate body) ...
BASELINE_KEY = {'key': BASELINE_SECRET, 'key_alias': BASELINE_ALIAS, 'metadata': {'owner': 'contract-tests'}}
# ... and how the proxy returns it: no managed setting set, one unmanaged metadata entry.
BASELINE_RECORD = {'token': BASELINE_TOKEN, 'key_alias': BASELINE_ALIAS, 'metadata': {'owner': 'contract-tests'},
                   'models': [], 'aliases': {}, 'config': {}, 'permissions': {}, 'model_max_budget': {},
                   'allowed_routes': [], 'blocked': None, 'spend': 0.0}

# Example values per litellm_key setting: the usual shape first, then edge cases (empty, zero, nesting).
SETTING_EXAMPLES = collections.OrderedDict([
    ('models', [['gpt-4o', 'claude-3-5-sonnet'], []]),
    ('aliases', [{'fast': 'gpt-4o-mini'}, {}]),
    ('max_budget', [100.5, 0.0, 7]),
    ('soft_budget', [80.0, 0]),
    ('budget_duration', ['30d', '12h', '1mo']),
    ('budget_id', ['budget-contract']),
    ('tpm_limit', [100000, 0]),
    ('rpm_limit', [60]),
    ('max_parallel_requests', [4]),
    ('team_id', ['team-contract']),
    ('user_id', ['user-contract']),
    ('organization_id', ['org-contract']),
    ('metadata', [{'cost_center': 'cc-42', 'owners': ['a@example.com'], 'nested': {'depth': 2}},
                  {'owner': None, 'env': 'prod'}, {}]),
    ('tags', [['team:data', 'env:prod'], []]),
    ('config', [{'allowed_cache_controls': ['no-cache']}]),
    ('permissions', [{'get_spend_routes': True}]),
    ('model_max_budget', [{'gpt-4o': {'budget_limit': 10.0, 'time_period': '1d'}}, {'gpt-4o': 5.0}]),
    ('model_rpm_limit', [{'gpt-4o': 10}]),
    ('model_tpm_limit', [{'gpt-4o': 1000, 'claude-3-5-sonnet': 0}]),
    ('guardrails', [['pii-mask'], []]),
    ('allowed_routes', [['/chat/completions', 'llm_api_routes']]),
    ('blocked', [True, False]),
])
CREATION_EXAMPLES = {'duration': ['30d', '1h']}

Entry = collections.namedtuple('Entry', 'label request')


def every_setting(index=0):
    """Every setting at once (example ``index``), as far as litellm_key allows them together: budget_id and
    soft_budget exclude each other (the soft budget lives in the budget budget_id names)."""
    settings = dict((name, values[min(index, len(values) - 1)]) for name, values in SETTING_EXAMPLES.items())
    settings.pop('budget_id')
    return settings


def options(**settings):
    """A litellm_key parameter dict: every option unset except ``settings``."""
    params = dict((name, None) for name in SETTING_EXAMPLES)
    params.update({'duration': None, 'key': None, 'key_alias': BASELINE_ALIAS, 'state': 'present',
                   'regenerate': False, 'grace_period': None})
    params.update(settings)
    return params


class Catalogue:
    """Builds the entries with the collection's own client and key engine (imported from the synced tree)."""

    def __init__(self, client_module, keys_module):
        self.client_module = client_module
        self.keys_module = keys_module
        self.client = client_module.LiteLLMClient(PLACEHOLDER_URL, PLACEHOLDER_API_KEY, retries=0)
        self.reconciler = keys_module.key_reconciler(self.client, check_mode=True)
        self._created = 0

    def new_alias(self):
        self._created += 1
        return 'contract-new-%03d' % self._created

    def plan_create(self, settings):
        return self._plan(self.new_alias(), options(**settings), None)

    def plan_update(self, settings, record=None):
        return self._plan(BASELINE_ALIAS, options(**settings), record or BASELINE_RECORD)

    def _plan(self, alias, params, record):
        # The module's own input checks first: only what litellm_key accepts can reach the wire.
        params['key_alias'] = alias
        self.keys_module.KEY.validate(params)
        requests = self.reconciler.plan(params, record).requests
        return requests[0] if requests else None

    def entries(self):
        found = []

        def add(label, request):
            if request is not None:
                found.append(Entry(label, request))

        client = self.client
        # reads
        add('list_keys()', client.list_keys(return_request=True))
        add('list_keys(alias lookup)', client.list_keys(key_alias=BASELINE_ALIAS, page=1, size=100, return_request=True))
        for page, size in ((1, 1), (2, 10), (1, 100)):
            add('list_keys(page=%d,size=%d)' % (page, size), client.list_keys(page=page, size=size, return_request=True))
        for name in ('key_hash', 'team_id', 'user_id', 'organization_id'):
            add('list_keys(%s)' % name, client.list_keys(**{name: BASELINE_TOKEN if name == 'key_hash' else 'x-1',
                                                            'return_request': True}))
        add('list_keys(every filter)', client.list_keys(
            page=1, size=50, key_alias=BASELINE_ALIAS, key_hash=BASELINE_TOKEN, team_id='t', user_id='u',
            organization_id='o', return_full_object=True, return_request=True))
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
        # what litellm_key plans: creation
        for name, values in SETTING_EXAMPLES.items():
            for index, value in enumerate(values):
                add('create %s#%d' % (name, index), self.plan_create({name: value}))
        for name, values in CREATION_EXAMPLES.items():
            for index, value in enumerate(values):
                add('create %s#%d' % (name, index), self.plan_create({name: value}))
        add('create key', self.plan_create({'key': 'sk-contract-chosen-' + secrets.token_hex(8)}))
        add('create alias only', self.plan_create({}))
        for index in (0, 1):
            settings = every_setting(index)
            settings.update(duration='7d', key='sk-contract-chosen-' + secrets.token_hex(8))
            add('create every option#%d' % index, self.plan_create(settings))
        # what litellm_key plans: update of the baseline key
        for name, values in SETTING_EXAMPLES.items():
            for index, value in enumerate(values):
                add('update %s#%d' % (name, index), self.plan_update({name: value}))
        for index in (0, 1):
            add('update every setting#%d' % index, self.plan_update(every_setting(index)))
        # what litellm_key plans: deletion and rotation
        add('delete (state=absent)',
            self.reconciler.plan(BASELINE_ALIAS, 'absent', options(state='absent'), BASELINE_RECORD))
        add('regenerate', self.reconciler.plan_regenerate(BASELINE_RECORD))
        add('regenerate grace_period', self.reconciler.plan_regenerate(BASELINE_RECORD, grace_period='24h'))
        add('regenerate new key', self.reconciler.plan_regenerate(
            BASELINE_RECORD, new_key='sk-contract-rotated-' + secrets.token_hex(8)))
        add('regenerate new key, grace_period', self.reconciler.plan_regenerate(
            BASELINE_RECORD, new_key='sk-contract-rotated-' + secrets.token_hex(8), grace_period='1h'))
        labels = [entry.label for entry in found]
        assert len(labels) == len(set(labels)), 'duplicate labels in the request catalogue'
        return found
