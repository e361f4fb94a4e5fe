"""Validates HTTP requests against a LiteLLM proxy's OpenAPI document, more strictly than the proxy does.

LiteLLM's pydantic request models ignore fields they do not declare, so a misspelt field is silently dropped
by the real proxy: the request "works" and the setting is never applied. This validator turns every object
schema that declares properties (and does not say otherwise) into a closed one, so an undeclared field is an
error. Everything else follows the document: ``$ref`` resolution, ``anyOf`` with ``null``, OpenAPI 3.0's
``nullable``, and the declared query and path parameters with their types and bounds.
"""

import copy
import json
import re
import urllib.parse

import jsonschema
import referencing
import referencing.jsonschema

DOCUMENT_URI = 'urn:litellm-openapi'
_DIALECT = referencing.jsonschema.DRAFT202012


def _strict_schema(node):
    """A copy of ``node`` with closed object schemas, absolute ``$ref``s and ``nullable`` as ``anyOf``."""
    if isinstance(node, list):
        return [_strict_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = dict((name, _strict_schema(value)) for name, value in node.items())
    ref = result.get('$ref')
    if isinstance(ref, str) and ref.startswith('#'):
        result['$ref'] = DOCUMENT_URI + ref
    if 'properties' in result and isinstance(result['properties'], dict) and 'additionalProperties' not in result:
        result['additionalProperties'] = False
    if result.pop('nullable', False) is True:
        result = {'anyOf': [result, {'type': 'null'}]}
    return result


class RequestView:
    """The parts of one HTTP request the contract cares about."""

    def __init__(self, method, url, headers, body, has_body):
        self.method = method.upper()
        self.url = url
        self.headers = dict(headers or {})
        self.body = body
        self.has_body = has_body

    @classmethod
    def from_requests(cls, request):
        """From a ``requests.Request`` (the client's unsent request): exactly the bytes it would send."""
        prepared = request.prepare()
        raw = prepared.body
        if isinstance(raw, bytes):
            raw = raw.decode('utf-8')
        body = json.loads(raw) if raw else None
        return cls(prepared.method, prepared.url, prepared.headers, body, raw is not None)

    @classmethod
    def from_description(cls, description):
        """From a module's ``requests`` entry: {method, url, headers, body, sent}."""
        body = description.get('body')
        return cls(description['method'], description['url'], description.get('headers'), body,
                   body is not None)

    def __repr__(self):
        return '%s %s %s' % (self.method, self.url, json.dumps(self.body, sort_keys=True))


class ContractViolation(AssertionError):
    pass


class OpenAPIContract:
    """The request side of one OpenAPI document: which operations exist and what they accept."""

    def __init__(self, document, body_filter=None):
        self.document = document
        self.version = document.get('info', {}).get('version')
        # body_filter(path, body): the body to check (the contract tier drops what the release is too old for,
        # which the modules refuse before sending: contract_env.without_newer_parts).
        self.body_filter = body_filter
        self._strict = _strict_schema(copy.deepcopy(document))
        resource = referencing.Resource.from_contents(self._strict, default_specification=_DIALECT)
        self._registry = referencing.Registry().with_resource(DOCUMENT_URI, resource)
        self._paths = []
        for template in self._strict.get('paths', {}):
            pattern = '^' + re.sub(r'\\\{([^}/]+)\\\}', r'(?P<\1>[^/]+)', re.escape(template)) + '$'
            # Literal paths win over templated ones (/key/info before /key/{key}/...).
            self._paths.append((template.count('{'), template, re.compile(pattern)))
        self._paths.sort()

    # -- lookup --------------------------------------------------------------------------------------

    def operation(self, method, path):
        """(template, strict operation object, path parameters) for ``method`` on the concrete ``path``."""
        for _templated, template, pattern in self._paths:
            match = pattern.match(path)
            if match and method.lower() in self._strict['paths'][template]:
                return template, self._strict['paths'][template][method.lower()], match.groupdict()
        raise ContractViolation('%s %s: the real proxy (LiteLLM %s) has no such operation'
                                % (method, path, self.version))

    def body_schema(self, method, path):
        operation = self.operation(method, path)[1]
        content = (operation.get('requestBody') or {}).get('content') or {}
        return (content.get('application/json') or {}).get('schema')

    def _validator(self, schema):
        return jsonschema.Draft202012Validator(schema, registry=self._registry)

    def schema_errors(self, schema, value, label='(body)'):
        """Readable errors of ``value`` against ``schema``, each prefixed with where in the value it is."""
        errors = sorted(self._validator(schema).iter_errors(value), key=lambda e: [str(p) for p in e.absolute_path])
        return ['%s: %s' % ('/'.join(str(p) for p in error.absolute_path) or label, _error_text(error))
                for error in errors]

    # -- checks --------------------------------------------------------------------------------------

    def request_errors(self, request):
        """Every way ``request`` (a RequestView) breaks the contract; empty when it keeps it."""
        parts = urllib.parse.urlsplit(request.url)
        path = urllib.parse.unquote(parts.path)
        try:
            template, operation, path_values = self.operation(request.method, path)
        except ContractViolation as exc:
            return [str(exc)]
        where = '%s %s' % (request.method, template)
        errors = []
        parameters = operation.get('parameters') or []
        errors += ['%s: %s' % (where, e) for e in self._path_errors(parameters, path_values)]
        errors += ['%s: %s' % (where, e) for e in self.query_errors(parameters, parts.query)]
        errors += ['%s: %s' % (where, e) for e in self._body_errors(operation, request, path)]
        return errors

    def check(self, request):
        errors = self.request_errors(request)
        if errors:
            raise ContractViolation('request breaks the LiteLLM %s contract: %r\n  %s'
                                    % (self.version, request, '\n  '.join(errors)))

    def _body_errors(self, operation, request, path):
        body_spec = operation.get('requestBody')
        content = (body_spec or {}).get('content') or {}
        if not request.has_body:
            return ['a JSON body is required'] if (body_spec or {}).get('required') else []
        if 'application/json' not in content:
            return ['sends a JSON body, but the operation declares none']
        content_type = next((v for k, v in request.headers.items() if k.lower() == 'content-type'), '')
        errors = []
        if content_type.split(';')[0].strip().lower() != 'application/json':
            errors.append('Content-Type is %r, not application/json' % content_type)
        schema = content['application/json'].get('schema', {})
        body = self.body_filter(path, request.body) if self.body_filter else request.body
        return errors + ['body %s' % e for e in self.schema_errors(schema, body)]

    def _path_errors(self, parameters, values):
        errors = []
        for name, raw in values.items():
            declared = [p for p in parameters if p.get('in') == 'path' and p.get('name') == name]
            if not declared:
                errors.append('path parameter %r is not declared' % name)
                continue
            errors += ['path parameter %s' % e for e in self._parameter_errors(declared[0], [raw])]
        return errors

    def query_errors(self, parameters, query_string):
        """Errors of a raw query string against the operation's declared query parameters."""
        declared = dict((p['name'], p) for p in parameters if p.get('in') == 'query')
        values = {}
        for name, value in urllib.parse.parse_qsl(query_string, keep_blank_values=True, strict_parsing=False):
            values.setdefault(name, []).append(value)
        errors = []
        for name, raw_values in sorted(values.items()):
            if name not in declared:
                errors.append('query parameter %r is not declared (declared: %s)' % (name, ', '.join(sorted(declared))))
                continue
            errors += ['query parameter %s' % e for e in self._parameter_errors(declared[name], raw_values)]
        for name, parameter in sorted(declared.items()):
            if parameter.get('required') and name not in values:
                errors.append('required query parameter %r is missing' % name)
        return errors

    def _parameter_errors(self, parameter, raw_values):
        """A parameter's raw string values, read as the types its schema allows, then validated."""
        schema = parameter.get('schema') or {}
        name = parameter['name']
        is_array = _allows_type(self._resolve(schema), 'array')
        if len(raw_values) > 1 and not is_array:
            return ['%r is given %d times but is not an array' % (name, len(raw_values))]
        candidates = []
        if is_array:
            candidates.append(raw_values)
        if len(raw_values) == 1:
            candidates += _scalar_readings(raw_values[0])
        for candidate in candidates:
            if not self.schema_errors(schema, candidate):
                return []
        # Report against the most specific reading: "101" fails as the integer 101, not as a string.
        errors = self.schema_errors(schema, candidates[0], label='value')
        return ['%s=%s: %s' % (name, '&'.join(raw_values), '; '.join(errors))]

    def _resolve(self, schema):
        while isinstance(schema, dict) and '$ref' in schema and len(schema) == 1:
            schema = self._registry.resolver().lookup(schema['$ref']).contents
        return schema


def _scalar_readings(text):
    """The JSON values a query-string value may stand for, most specific first.

    Booleans are read only from ``true``/``false``: FastAPI also takes ``1``, ``yes`` or ``on``, but the
    contract holds us to the canonical spelling.
    """
    readings = []
    if re.match(r'^-?[0-9]+$', text):
        readings.append(int(text))
    if re.match(r'^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$', text):
        readings.append(float(text))
    if text in ('true', 'false'):
        readings.append(text == 'true')
    readings.append(text)
    return readings


def _allows_type(schema, type_name):
    if not isinstance(schema, dict):
        return False
    declared = schema.get('type')
    if declared == type_name or (isinstance(declared, list) and type_name in declared):
        return True
    return any(_allows_type(option, type_name) for option in schema.get('anyOf', []) + schema.get('oneOf', []))


def _error_text(error):
    if error.validator == 'additionalProperties' and error.validator_value is False:
        undeclared = sorted(set(error.instance) - set(error.schema.get('properties', {})))
        return 'undeclared field(s) %s (the real schema does not know them)' % ', '.join(map(repr, undeclared))
    if error.validator in ('anyOf', 'oneOf') and error.context:
        # Explain with the option that was meant: for "X or null", why it is not an X.
        meant = [e for e in error.context if not (e.validator == 'type' and e.validator_value == 'null')]
        best = jsonschema.exceptions.best_match(meant or error.context)
        where = '/'.join(str(p) for p in best.relative_path)
        return 'not accepted (%s%s)' % (where + ': ' if where else '', _error_text(best))
    return error.message
