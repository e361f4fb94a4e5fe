"""pytest plugin used by test_tier_self_check.py: a request builder with a misspelt field.

Loaded with ``-p misspelt_field_plugin`` before collection, it makes every body the collection's client
builds carry ``modelz`` where it had ``models``, as a typo in a builder would.
"""

from contract_env import collection_module_utils


def pytest_configure(config):  # pylint: disable=unused-argument
    client_module = collection_module_utils('_client')
    original = client_module.LiteLLMClient._build

    def misspelt_build(self, method, path, params=None, body=None, **options):
        if isinstance(body, dict) and 'models' in body:
            body = dict(body)
            body['modelz'] = body.pop('models')
        return original(self, method, path, params=params, body=body, **options)

    client_module.LiteLLMClient._build = misspelt_build
