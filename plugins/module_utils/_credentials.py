# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""LiteLLM credentials (``LiteLLM_CredentialsTable``): named provider secrets that models refer to.

A credential is identified by its ``credential_name``, which the caller chooses. LiteLLM 1.108.7 and 1.109.3's
credential_endpoints/endpoints.py, on a proxy started with ``STORE_MODEL_IN_DB=True``: ``POST /credentials`` refuses a
name that exists (409); ``GET /credentials/by_name/{name}`` answers the values of sensitive names masked
(``get_masked_values``: ``"sk****-1"``); ``PATCH /credentials/{name}`` needs ``credential_info`` (1.100.0 also
``credential_name`` and ``credential_values``) and merges the values and the info it is sent into the stored ones;
``DELETE /credentials/{name}``.

The secrets are write-only (the engine's ``Field(write_only=...)``): the module cannot read them back, so they are
never compared; the shared option ``update_secrets`` says whether a run sends them again.

Private to the collection (leading underscore): its API may change between releases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.llmops.litellm.plugins.module_utils._compare import MERGE
from ansible_collections.llmops.litellm.plugins.module_utils._engine import Resource, object_task
from ansible_collections.llmops.litellm.plugins.module_utils._errors import InvalidOption, NotFoundError
from ansible_collections.llmops.litellm.plugins.module_utils._fields import Field, FieldTable

# litellm_logging.get_masked_values: the value of an entry whose name holds one of these is answered masked, so it
# cannot be read back (1.108.7 and 1.109.3 alike).
SENSITIVE_KEYWORDS = ('authorization', 'token', 'key', 'secret', 'vertex_credentials', 'credentials', 'password',
                      'passwd')


def is_secret_entry(name):
    """Whether LiteLLM masks the credential value of this name (``api_key`` yes, ``api_base`` no)."""
    lowered = str(name).lower()
    return any(keyword in lowered for keyword in SENSITIVE_KEYWORDS)


def _check_mapping(value):
    for name in value:
        if not str(name).strip():
            raise ValueError('has an entry with an empty name')


CREDENTIAL_FIELDS = FieldTable([
    # PATCH needs credential_info: an update that sends values sends the info too (declared, else stored).
    Field('credential_values', 'dict', compare=MERGE, no_log=True, write_only=is_secret_entry, server_merges=True,
          companions=('credential_info',), check=_check_mapping),
    Field('credential_info', 'dict', compare=MERGE, server_merges=True, check=_check_mapping),
])

SERVER_MANAGED = ('display_name',)


class CredentialResource(Resource):
    kind = 'credential'
    identity = ('credential_name',)
    server_id = 'credential_name'
    fields = CREDENTIAL_FIELDS

    def validate(self, params):
        if not (params.get('credential_name') or '').strip():
            raise InvalidOption('credential_name', 'must be a non-empty string that names the credential')
        super(CredentialResource, self).validate(params)

    def find(self, client, params):
        try:
            record = client.credential_info(params['credential_name'])
        except NotFoundError as exc:
            if getattr(exc, 'endpoint_missing', False):
                raise
            return None
        return record if isinstance(record, dict) and record.get('credential_name') == params['credential_name'] \
            else None

    def exists(self, client, identifier):
        return self.find(client, {'credential_name': identifier}) is not None

    def create_request(self, client, params):
        if not params.get('credential_values'):
            raise InvalidOption('credential_values', 'is required to create the credential %r (LiteLLM refuses a '
                                                     'credential without values): declare its api_key and the like'
                                % params['credential_name'])
        body = {'credential_name': params['credential_name']}
        body.update(self.fields.creation_values(params))
        # LiteLLM 1.108.7 requires credential_info (422 without it).
        body.setdefault('credential_info', {})
        return client.new_credential(body, return_request=True)

    def update_request(self, client, record, values):
        # Every release takes credential_info (1.108.7 and later require it); 1.100.0 requires credential_name and
        # credential_values too (its PATCH takes a whole CredentialItem). Empty mappings change nothing: LiteLLM merges.
        body = {'credential_name': record['credential_name'], 'credential_values': {}, 'credential_info': {}}
        body.update(values)
        return client.update_credential(record['credential_name'], body, return_request=True)

    def delete_request(self, client, record):
        return client.delete_credential(record['credential_name'], return_request=True)

    def lost_create_race(self, error):
        return error.status == 409

    def accept_created(self, client, plan, answer):
        # LiteLLM answers {"success": true, "message": ...}: the created credential is what was sent.
        body = plan.requests[0].json
        return {'credential_name': body['credential_name'], 'credential_values': body.get('credential_values'),
                'credential_info': body.get('credential_info'), 'display_name': None}

    def describe(self, record):
        view = self.fields.view(record)
        view['credential_name'] = record.get('credential_name')
        for name in SERVER_MANAGED:
            view[name] = record.get(name)
        return view


CREDENTIAL = CredentialResource()


def run_credential_info_task(client, params, check_mode):
    """One litellm_credential_info task: one credential by name, or every credential."""
    if params.get('credential_name') is not None:
        record = CREDENTIAL.find(client, params)
        records = [record] if record is not None else []
    else:
        answer = client.list_credentials()
        records = [r for r in (answer or {}).get('credentials') or () if isinstance(r, dict)]
    return {'changed': False, 'credentials': [CREDENTIAL.describe(r) for r in records], 'requests': client.history}


run_credential_task = object_task(CREDENTIAL, 'credential')
