# -*- coding: utf-8 -*-
# Copyright (c) llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection's errors. At the bottom of the import tree: this file imports nothing of the collection.

``InvalidOption`` is bad input, caught before anything is written. ``LiteLLMError`` and its subclasses are
failed calls to the proxy; their ``str()`` is safe to show (secrets are masked where they are made).

Private to the collection (leading underscore): its API may change between releases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class InvalidOption(ValueError):
    """Bad input; the message names the option and the fix. Nothing was written."""

    def __init__(self, option, message):
        super(InvalidOption, self).__init__('%s: %s' % (option, message))
        self.option = option
        self.reason = message

    def within(self, prefix):
        """The same error for an option nested in ``prefix`` (``keys[3]`` + ``models`` -> ``keys[3].models``)."""
        return type(self)('%s.%s' % (prefix, self.option), self.reason)


class MissingReference(InvalidOption):
    """An option names an object (a team, a budget) that the proxy does not have."""


class LiteLLMError(Exception):
    """A failed call to the proxy. ``str()`` is safe to show: secrets are already masked."""

    def __init__(self, message, status=None, error_type=None, param=None, method=None, url=None, ambiguous=False):
        super(LiteLLMError, self).__init__(message)
        self.message = message
        self.status = status
        self.error_type = error_type
        self.param = param
        self.method = method
        self.url = url
        # True when the request may have been acted on although no answer arrived.
        self.ambiguous = ambiguous

    def __str__(self):
        return self.message

    def to_dict(self):
        return {
            'status': self.status,
            'type': self.error_type,
            'param': self.param,
            'method': self.method,
            'url': self.url,
        }


class AuthenticationError(LiteLLMError):
    """401/403 for a reason other than a missing Enterprise license: the API key is wrong or may not do this."""


class EnterpriseFeatureRequired(LiteLLMError):
    """The proxy refused a LiteLLM Enterprise feature (403, or 500 naming the license): not an auth problem."""


class ReleaseTooOld(LiteLLMError):
    """The proxy's LiteLLM release does not have an option the task declares: refused before anything is sent."""


class NotFoundError(LiteLLMError):
    """404."""


class RequestRejected(LiteLLMError):
    """400/422 and other 4xx: the proxy refused the request as sent."""


class ServerError(LiteLLMError):
    """5xx."""


class ConnectionFailed(LiteLLMError):
    """No usable HTTP answer: refused, reset, timed out, TLS failure."""


class InvalidResponse(LiteLLMError):
    """An answer that is not the JSON the endpoint promises."""


class DuplicateIdentity(LiteLLMError):
    """More than one object matches what identifies the one a task manages."""


class SecretLost(LiteLLMError):
    """A key was created but the answer holding its secret never arrived."""
