# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fault-injecting HTTP front for the local LiteLLM-compatible key server (tests only).

It sits between a client (the modules, the client class) and an upstream server and forwards every
request unchanged, except the ones a *rule* picks out. A rule says "the next N requests to PATH
(optionally only those whose query or body contains a text) get FAULT"; ``times=None`` means every one, and
``after=M`` lets the first M matching requests through untouched.
The faults model what a proxy behind a load balancer or TLS terminator really does:

=================  ==========  ======================================================================
fault              forwarded?  what the client gets
=================  ==========  ======================================================================
http_500           no          500 with a LiteLLM-shaped JSON error
http_502           no          502 with a gateway's HTML page
http_503           no          503 with a plain-text body
http_429           no          429 with ``Retry-After`` (rule parameter ``retry_after``, default "1")
close_before       no          the connection closes without an answer
stall_before       no          nothing, for ``stall`` seconds (past the client's timeout), then a close
html               no          200 with an HTML page (a captive portal / wrong upstream)
echo_auth          no          401 whose error message quotes the request's Authorization header (as some
                               gateways do): whatever shows it must mask it
close_after        yes         the connection closes without an answer: the server acted, the answer is lost
stall_after        yes         nothing for ``stall`` seconds, then a close: the server acted
http_502_after     yes         a gateway's 502 although the server acted
truncated          yes         the server's status with the first half of its body (a well-formed answer)
cut_off            yes         the server's status and full Content-Length, half the body, then a close
empty              yes         the server's status with an empty body
hold               yes         the answer is held until ``parties`` matching requests have theirs (a barrier):
                               every racer reads the state from before any of them acts
=================  ==========  ======================================================================

Python use::

    proxy = FaultProxy(upstream_url).start()
    proxy.inject('/key/generate', 'close_after', times=1)
    ... point the client at proxy.url ...
    proxy.records        # one dict per request: method, path, query, fault, forwarded, upstream status/body
    proxy.stop()

The proxy is also its own small process with HTTP control endpoints (never forwarded)::

    python tests/reliability/fault_proxy.py --upstream http://127.0.0.1:4000 --port 4001
    POST /_fault/rules  {"path": "/key/update", "fault": "http_502", "times": 2}
    POST /_fault/clear
    GET  /_fault/records

Counting front (``counts_as='litellm'``, ``--count-as litellm``): in front of a real LiteLLM proxy, which has
no request counters of its own, the proxy answers the local test server's counter endpoints itself, in the
same shape (``GET /_test/requests``: ``{"counts": {"POST /key/update": n, ...}, "total", "writes", "server"}``;
``POST /_test/reset``), so tests that measure requests run unchanged against the real proxy. ``server`` says
whose requests were counted. Requests are counted by the local server's route templates and write rules.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import http.client
import json
import os
import signal
import socket
import struct
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

# The local test server's route templates and write rules, so both count requests alike.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from litellm_test_server.server import ROUTES, RequestCounter, is_write  # noqa: E402  pylint: disable=wrong-import-position

FORWARDED_FAULTS = frozenset(('close_after', 'stall_after', 'http_502_after', 'truncated', 'cut_off', 'empty',
                              'hold'))
LOCAL_FAULTS = frozenset(('http_500', 'http_502', 'http_503', 'http_429', 'close_before', 'stall_before', 'html',
                          'echo_auth'))
FAULTS = FORWARDED_FAULTS | LOCAL_FAULTS

LITELLM_500 = json.dumps({'error': {
    'message': 'injected fault: internal error', 'type': 'internal_server_error', 'param': None, 'code': '500',
}}).encode('utf-8')
GATEWAY_502 = (b'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway'
               b'</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n')
UNAVAILABLE_503 = b'upstream connect error or disconnect/reset before headers. reset reason: overflow'
PORTAL_HTML = (b'<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action="/login">'
               b'<input name="user"></form></body></html>')

# Headers that describe one hop, not the request: never copied across the proxy.
HOP_HEADERS = frozenset(('connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'upgrade',
                         'host', 'content-length'))


class Rule(object):
    """Which requests get which fault, and how many are left (None: every matching request)."""

    def __init__(self, path, fault, times=1, query_contains=None, body_contains=None, status=None,
                 retry_after='1', stall=10.0, parties=2, wait=10.0, after=0):
        if fault not in FAULTS:
            raise ValueError('unknown fault %r; known: %s' % (fault, ', '.join(sorted(FAULTS))))
        self.path = path
        self.fault = fault
        self.remaining = times
        self.query_contains = query_contains
        self.body_contains = body_contains
        self.status = status
        self.retry_after = retry_after
        self.stall = float(stall)
        self.applied = 0
        self.passed = 0
        self.after = after
        self.barrier = threading.Barrier(parties, timeout=wait) if fault == 'hold' else None
        self.barrier_broken = False

    def matches(self, path, query, body):
        if self.remaining is not None and self.remaining <= 0:
            return False
        if path != self.path:
            return False
        if self.query_contains is not None and self.query_contains not in query:
            return False
        if self.body_contains is not None and self.body_contains.encode('utf-8') not in body:
            return False
        return True

    def describe(self):
        return {'path': self.path, 'fault': self.fault, 'remaining': self.remaining, 'applied': self.applied,
                'query_contains': self.query_contains, 'body_contains': self.body_contains,
                'barrier_broken': self.barrier_broken}


class FaultProxy(object):
    """The proxy server and its rules; ``start()`` serves it from a daemon thread of this process."""

    def __init__(self, upstream, host='127.0.0.1', port=0, counts_as=None):
        parts = urlsplit(upstream)
        if parts.scheme != 'http' or not parts.hostname:
            raise ValueError('the upstream must be an http:// URL, got %r' % upstream)
        self.upstream_host = parts.hostname
        self.upstream_port = parts.port or 80
        self.lock = threading.Lock()
        self.rules = []
        self.records = []
        # A counting front answers /_test/requests and /_test/reset itself (see the module docstring).
        self.counts_as = counts_as
        self.counter = RequestCounter()
        # Set when the proxy stops or rules are cleared: ends every stall at once.
        self.release = threading.Event()
        self.httpd = _ProxyHTTPServer((host, port), _ProxyHandler)
        self.httpd.proxy = self
        self.url = 'http://%s:%d' % self.httpd.server_address[:2]
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={'poll_interval': 0.05},
                                        name='fault-proxy', daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self.release.set()
        for rule in self.rules:
            if rule.barrier is not None:
                rule.barrier.abort()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        self.stop()
        return False

    def inject(self, path, fault, times=1, **options):
        """Apply ``fault`` to the next ``times`` requests to ``path`` (None: all of them); returns the rule."""
        rule = Rule(path, fault, times=times, **options)
        with self.lock:
            self.rules.append(rule)
        return rule

    def clear(self):
        """Drop every rule and end running stalls; the records stay."""
        with self.lock:
            rules, self.rules = self.rules, []
        self.release.set()
        for rule in rules:
            if rule.barrier is not None:
                rule.barrier.abort()
        self.release = threading.Event()

    def take_rule(self, path, query, body):
        with self.lock:
            for rule in self.rules:
                if rule.matches(path, query, body):
                    if rule.passed < rule.after:
                        rule.passed += 1
                        return None
                    if rule.remaining is not None:
                        rule.remaining -= 1
                    rule.applied += 1
                    return rule
        return None

    def record(self, entry):
        with self.lock:
            self.records.append(entry)

    def requests_to(self, path, method=None):
        with self.lock:
            return [r for r in self.records if r['path'] == path and (method is None or r['method'] == method)]

    def forward(self, method, target, headers, body):
        """Send the request upstream; return (status, reason, headers, body)."""
        connection = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=30)
        try:
            connection.request(method, target, body=body if body else None, headers=headers)
            response = connection.getresponse()
            return response.status, response.reason, response.getheaders(), response.read()
        finally:
            connection.close()


class _ProxyHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # Clients that give up on a stalled or closed connection are the point of this server.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError, OSError)):
            return
        ThreadingHTTPServer.handle_error(self, request, client_address)


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'fault-proxy'
    sys_version = ''

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Quiet."""

    def do_GET(self):  # pylint: disable=invalid-name
        self._handle('GET')

    def do_POST(self):  # pylint: disable=invalid-name
        self._handle('POST')

    def do_PUT(self):  # pylint: disable=invalid-name
        self._handle('PUT')

    def do_DELETE(self):  # pylint: disable=invalid-name
        self._handle('DELETE')

    def do_PATCH(self):  # pylint: disable=invalid-name
        self._handle('PATCH')

    @property
    def proxy(self):
        return self.server.proxy

    def _handle(self, method):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length > 0 else b''
        parts = urlsplit(self.path)
        if parts.path.startswith('/_fault/'):
            self._control(method, parts.path, body)
            return
        if self.proxy.counts_as and parts.path.startswith('/_test/'):
            self._counters(method, parts.path)
            return
        template = _template(method, parts.path)
        self.proxy.counter.record(method, template)
        rule = self.proxy.take_rule(parts.path, parts.query, body)
        fault = rule.fault if rule is not None else None
        entry = {'method': method, 'path': parts.path, 'query': parts.query, 'fault': fault, 'forwarded': False,
                 'status': None, 'body': None}
        self.proxy.record(entry)
        if fault in LOCAL_FAULTS:
            self._local_fault(rule)
            return
        headers = dict((name, value) for name, value in self.headers.items() if name.lower() not in HOP_HEADERS)
        try:
            status, reason, upstream_headers, upstream_body = self.proxy.forward(method, self.path, headers, body)
        except OSError as error:
            self._answer(502, b'fault proxy: upstream failed: %s' % str(error).encode('utf-8'), 'text/plain')
            return
        entry.update(forwarded=True, status=status, body=upstream_body)
        if is_write(method, template) and 200 <= status < 300:
            self.proxy.counter.record_accepted_write()
        if fault == 'hold':
            try:
                rule.barrier.wait()
            except threading.BrokenBarrierError:
                rule.barrier_broken = True
        if fault == 'close_after':
            self._drop()
        elif fault == 'stall_after':
            self._stall(rule)
        elif fault == 'http_502_after':
            self._answer(502, GATEWAY_502, 'text/html')
        elif fault == 'truncated':
            self._answer(status, upstream_body[:len(upstream_body) // 2], 'application/json', reason)
        elif fault == 'cut_off':
            self._answer(status, upstream_body[:len(upstream_body) // 2], 'application/json', reason,
                         length=len(upstream_body))
            # An orderly close (not a reset): a reset could discard the half body before the client reads it.
            self.close_connection = True
        elif fault == 'empty':
            self._answer(status, b'', 'application/json', reason)
        else:
            content_type = dict((k.lower(), v) for k, v in upstream_headers).get('content-type', 'application/json')
            self._answer(status, upstream_body, content_type, reason)

    def _local_fault(self, rule):
        fault = rule.fault
        if fault == 'http_500':
            self._answer(rule.status or 500, LITELLM_500, 'application/json')
        elif fault == 'http_502':
            self._answer(rule.status or 502, GATEWAY_502, 'text/html')
        elif fault == 'http_503':
            self._answer(rule.status or 503, UNAVAILABLE_503, 'text/plain')
        elif fault == 'http_429':
            body = json.dumps({'error': {'message': 'injected fault: rate limited', 'type': 'rate_limit_error',
                                         'param': None, 'code': '429'}}).encode('utf-8')
            self._answer(429, body, 'application/json', headers={'Retry-After': rule.retry_after})
        elif fault == 'html':
            self._answer(200, PORTAL_HTML, 'text/html')
        elif fault == 'echo_auth':
            message = 'injected fault: invalid credentials %s' % self.headers.get('Authorization')
            body = json.dumps({'error': {'message': message, 'type': 'auth_error', 'param': None,
                                         'code': '401'}}).encode('utf-8')
            self._answer(401, body, 'application/json')
        elif fault == 'close_before':
            self._drop()
        elif fault == 'stall_before':
            self._stall(rule)

    def _answer(self, status, body, content_type, reason=None, headers=None, length=None):
        self.send_response(status, reason)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body) if length is None else length))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _drop(self):
        """Close the connection at once, with a reset: no status line, no body."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        except OSError:
            pass

    def _stall(self, rule):
        self.proxy.release.wait(rule.stall)
        self._drop()

    def _counters(self, method, path):
        if method == 'GET' and path == '/_test/requests':
            snapshot = self.proxy.counter.snapshot()
            snapshot['server'] = self.proxy.counts_as
            self._answer(200, json.dumps(snapshot).encode('utf-8'), 'application/json')
        elif method == 'POST' and path == '/_test/reset':
            self.proxy.counter.reset()
            self._answer(200, b'{"reset": true}', 'application/json')
        else:
            self._answer(404, b'{"detail": "Not Found"}', 'application/json')

    def _control(self, method, path, body):
        try:
            if method == 'POST' and path == '/_fault/rules':
                spec = json.loads(body.decode('utf-8') or '{}')
                rule = self.proxy.inject(spec.pop('path'), spec.pop('fault'), **spec)
                self._answer(200, json.dumps(rule.describe()).encode('utf-8'), 'application/json')
            elif method == 'POST' and path == '/_fault/clear':
                self.proxy.clear()
                self._answer(200, b'{"cleared": true}', 'application/json')
            elif method == 'GET' and path == '/_fault/records':
                with self.proxy.lock:
                    records = [dict(r, body=None) for r in self.proxy.records]
                self._answer(200, json.dumps({'records': records}).encode('utf-8'), 'application/json')
            else:
                self._answer(404, b'{"detail": "Not Found"}', 'application/json')
        except (ValueError, KeyError, TypeError) as error:
            self._answer(400, json.dumps({'detail': str(error)}).encode('utf-8'), 'application/json')


def _template(method, path):
    """The local server's name for a request's endpoint ("/key/{key}/regenerate"), or its path."""
    for route_method, pattern, template, _action in ROUTES:
        if route_method == method and pattern.match(path):
            return template
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description='Fault-injecting HTTP front for the local LiteLLM key server.')
    parser.add_argument('--upstream', required=True, help='base URL of the server to front (http://host:port)')
    parser.add_argument('--port', type=int, default=0, help='port to listen on (0: a free one)')
    parser.add_argument('--count-as', help='answer /_test/requests and /_test/reset, naming this server')
    parser.add_argument('--ready-file', help='write the base URL to this file once listening')
    args = parser.parse_args(argv)
    proxy = FaultProxy(args.upstream, port=args.port, counts_as=args.count_as).start()
    if args.ready_file:
        with open(args.ready_file + '.partial', 'w') as ready:
            ready.write(proxy.url + '\n')
        os.replace(args.ready_file + '.partial', args.ready_file)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    sys.stdout.write('fault proxy on %s -> %s\n' % (proxy.url, args.upstream))
    sys.stdout.flush()
    while not stop.wait(0.5):
        pass
    proxy.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
