# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers shared by the local LiteLLM-compatible server's modules: LiteLLM's error shapes, time and duration
parsing, token hashing and the constants of LiteLLM 1.108.7 they need (see server.py for the server itself)."""

from __future__ import annotations

import datetime
import hashlib
import re

PROXY_ADMIN_NAME = "default_user_id"
# The key a master-key caller deletes with, as LiteLLM records it in its archives of deleted rows (measured).
MASTER_KEY_RECORDED_AS = "litellm_proxy_master_key"
GENERATED_KEY_BYTES = 16
MINIMUM_CUSTOM_KEY_LENGTH = 16
NOT_PREMIUM_USER = (
    "You must be a LiteLLM Enterprise user to use this feature. If you have a license please set `LITELLM_LICENSE` in "
    "your env. Get a 7 day trial key here: https://www.litellm.ai/enterprise#trial. \nPricing: https://www.litellm.ai/#pricing"
)

# proxy/_types.py: request fields LiteLLM folds into the key's metadata instead of storing as columns.
METADATA_FIELDS = (
    "model_rpm_limit", "model_tpm_limit", "model_itpm_limit", "model_otpm_limit", "default_estimated_output_tokens",
    "default_estimated_output_tokens_per_model", "mcp_rpm_limit", "tag_rpm_limit", "rpm_limit_type", "tpm_limit_type",
    "enforced_params", "temp_budget_increase", "temp_budget_expiry", "allowed_vector_store_indexes",
    "enforced_batch_output_expires_after", "enforced_file_expires_after", "throttle_on_budget_exceeded",
    "enable_prompt_caching", "end_user_budget_id", "require_trace_id",
)
METADATA_FIELDS_PREMIUM = (
    "disable_global_guardrails", "guardrails", "policies", "tags", "team_member_key_duration", "prompts", "logging",
    "secret_manager_settings", "allowed_passthrough_routes", "denied_passthrough_routes",
)

# Columns of LiteLLM_VerificationToken (schema.prisma) in the order Prisma returns them, with their defaults.

_DURATION = re.compile(r"(\d+)(mo|[smhdw]?)")
_DURATION_WORDS = {"hourly": "1h", "daily": "24h", "weekly": "7d", "monthly": "30d"}


def hash_token(secret):
    """The token LiteLLM stores for a secret: its sha256 hex digest."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def hash_token_if_needed(value):
    """LiteLLM's rule: only values starting with "sk-" are secrets; anything else is taken as a hash already."""
    return hash_token(value) if value.startswith("sk-") else value


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _db_time(moment):
    """A timestamp as Postgres timestamp(3) returns it through Prisma (millisecond precision, UTC offset)."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000).isoformat()


def duration_in_seconds(duration):
    """LiteLLM's duration parser (litellm_core_utils/duration_parser.py), same messages on failure."""
    normalized = _DURATION_WORDS.get(duration.strip().lower(), duration)
    match = _DURATION.match(normalized)
    if not match:
        raise ValueError("Invalid duration format")
    value, unit = int(match.group(1)), match.group(2)
    factors = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "mo": 30 * 86400}
    if unit not in factors:
        raise ValueError("Unsupported duration unit, passed duration: %s" % duration)
    return value * factors[unit]


def next_reset_time(duration, now):
    """When a budget of ``duration`` resets next: LiteLLM's get_next_standardized_reset_time (duration_parser.py)
    in UTC at midnight, LiteLLM's defaults. Resets are aligned to the calendar: 1d at the next midnight, 7d on the
    next Monday, 30d and 1mo on the first of the next month, Nh/Nm/Ns on multiples of N from midnight, other Nd
    N days after today's midnight. A duration it cannot read resets at the next midnight."""
    normalized = _DURATION_WORDS.get(duration.strip().lower(), duration)
    match = re.match(r"(\d+)([a-z]+)", normalized)
    now = now.astimezone(datetime.timezone.utc)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if not match:
        return midnight + datetime.timedelta(days=1)
    value, unit = int(match.group(1)), match.group(2)

    def first_of_next_month():
        first = midnight.replace(day=1)
        return first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)

    if unit in ("d", "w"):
        days = value * (7 if unit == "w" else 1)
        if days == 0:
            return now
        if days == 1:
            return midnight + datetime.timedelta(days=1) if midnight <= now else midnight
        if days == 7:
            monday = midnight + datetime.timedelta(days=(7 - now.weekday()) % 7)
            return monday + datetime.timedelta(days=7) if monday <= now else monday
        if days == 30:
            return first_of_next_month()
        return midnight + datetime.timedelta(days=days)
    if unit == "mo":
        if value != 1:
            raise ValueError("Monthly resets currently only support 1 month intervals")
        return first_of_next_month()
    if unit in ("h", "m", "s"):
        if value == 0:
            return now
        size = {"h": 3600, "m": 60, "s": 1}[unit] * value
        elapsed = int((now - midnight).total_seconds()) // ({"h": 3600, "m": 60, "s": 1}[unit])
        steps = elapsed // value + 1
        return midnight + datetime.timedelta(seconds=steps * size)
    return midnight + datetime.timedelta(days=1)


def reset_at(duration, now):
    """next_reset_time as the database returns it."""
    return _db_time(next_reset_time(duration, now))


def _budget_duration_error(budget_duration):
    """timezone_utils.budget_duration_error: a positive duration whose reset time can be computed."""
    try:
        seconds = duration_in_seconds(budget_duration)
        next_reset_time(budget_duration, _now())
    except (ValueError, OverflowError):
        seconds = 0
    if seconds > 0:
        return None
    return "Invalid budget_duration '%s'. Use a format like '1h', '24h', '7d', or '30d'." % budget_duration


# LiteLLM 1.109.0 answers every error in the shape OpenAI's contract types (proxy/common_utils/openai_error_payload.py):
# "param" is null where earlier releases answered the string "None", and an exception that an endpoint's wrapper
# (handle_exception_on_proxy, or update_key_fn, team_info, user update, list_keys with their auth_error re-raise)
# turns into the answer takes the type its status stands for, with no "Authentication Error, " put before its text.
OPENAI_SHAPED_ERRORS_SINCE = "1.109.0"
# Before 1.102.0, handle_exception_on_proxy answered the exceptions it caught with param "None" (getattr(e, "param",
# "None")); from 1.102.0 it answers openai_error_param(e), null.
HANDLED_PARAM_NULL_SINCE = "1.102.0"


def release_key(release):
    """A LiteLLM release as a comparable tuple: "1.109.3" -> (1, 109, 3)."""
    return tuple(int(part) for part in re.findall(r"\d+", release)[:3])


def answers_openai_shaped_errors(release):
    return release_key(release) >= release_key(OPENAI_SHAPED_ERRORS_SINCE)


def _openai_error_type(status):
    """openai_error_payload._catch_all_error_type: 401 and 403 reject the caller, the rest is typed by status."""
    if status in (401, 403):
        return "auth_error"
    if status == 429:
        return "rate_limit_error"
    return "invalid_request_error" if status < 500 else "internal_server_error"


class ProxyError(Exception):
    """An error answered in LiteLLM's ProxyException shape: {"error": {"message", "type", "param", "code"}}.

    ``raised_as`` is None for a ProxyException raised as such (its type is kept by every release), or "HTTPException"
    / "Exception" for what an endpoint's wrapper caught and answered: ``error_type``, ``param`` and ``prefix`` are then
    what the wrapper made of it before 1.109.0."""

    def __init__(self, status, message, error_type="internal_server_error", param=None, raised_as=None, prefix=""):
        super().__init__(message)
        self.status = status
        self.message = str(message)
        self.error_type = error_type
        self.param = param
        self.raised_as = raised_as
        self.prefix = prefix

    def body(self, release):
        """The answer of the LiteLLM ``release`` the server answers as."""
        if not answers_openai_shaped_errors(release):
            param = self.param
            if self.raised_as and param is None and release_key(release) < release_key(HANDLED_PARAM_NULL_SINCE):
                param = "None"
            return {"error": {"message": self.prefix + self.message, "type": self.error_type, "param": param,
                              "code": str(self.status)}}
        error_type = _openai_error_type(self.status) if self.raised_as else self.error_type
        param = None if self.param == "None" else self.param
        return {"error": {"message": self.message, "type": error_type, "param": param, "code": str(self.status)}}


def _http_exception(status, detail, error_type="internal_server_error", param=None):
    """An HTTPException(detail=...) as LiteLLM's handle_exception_on_proxy renders it: str() of the detail."""
    return ProxyError(status, str(detail), error_type, param, raised_as="HTTPException")


def caught_as_auth_error(error):
    """What update_key_fn, team_info, the user update and list_keys answer for an exception they catch: before
    1.109.0 an auth_error with param "None", and "Authentication Error, " before the text of a plain exception (a
    ValueError here; a ProxyError stands for an HTTPException)."""
    if isinstance(error, ProxyError):
        return ProxyError(error.status, error.message, "auth_error", "None", raised_as="HTTPException")
    return ProxyError(400, str(error), "auth_error", "None", raised_as="Exception", prefix="Authentication Error, ")


class RequestInvalid(Exception):
    """A FastAPI request validation failure: 422 {"detail": [{"type", "loc", "msg"}]}."""

    def __init__(self, errors):
        super().__init__("request validation failed")
        self.errors = errors


class PlainResponse(Exception):
    """A FastAPI/Starlette routing answer such as 404 {"detail": "Not Found"}."""

    def __init__(self, status, detail, headers=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}


def _value_error(message):
    return RequestInvalid([{"type": "value_error", "loc": ["body"], "msg": "Value error, %s" % message}])


def _masked(value):
    return "%s****%s" % (value[:4], value[-4:]) if len(value) > 8 else "****"


def _with_relations(row):
    """A key row as Prisma dumps it without included relations."""
    result = dict(row)
    for relation in ("litellm_budget_table", "litellm_organization_table", "litellm_project_table", "object_permission",
                     "jwt_key_mappings"):
        result[relation] = None
    return result


class PlainTextResponse(Exception):
    """Starlette's answer to an exception nothing handled: 500 text/plain "Internal Server Error"."""

    def __init__(self, status=500, text="Internal Server Error"):
        super().__init__(text)
        self.status = status
        self.text = text


def premium_error(feature=None):
    """LiteLLM's premium_user_check()/require_enterprise_license(): HTTPException 403 {"error": ...}."""
    if feature:
        message = "This feature is only available for LiteLLM Enterprise users: %s. %s" % (feature, NOT_PREMIUM_USER)
    else:
        message = "This feature is only available for LiteLLM Enterprise users. %s" % NOT_PREMIUM_USER
    return {"error": message}
