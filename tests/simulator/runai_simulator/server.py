"""The HTTP layer: HTTP/1.1 keep-alive, one thread per connection, optional TLS, latency, faults and the request log."""

import http.server
import logging
import socket
import ssl
import time
import urllib.parse

from .errors import ApiError
from .messages import Request, error_response
from .tokens import bearer_token

LOG = logging.getLogger('runai_simulator')
MAX_BODY_BYTES = 1024 * 1024
ADMIN_PREFIX = '/_sim/'


def parse_params(query):
    params = {}
    for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        params.setdefault(name, []).append(value)
    return params


class SimulatorHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Benchmarks open many connections at once; the default backlog of 5 would refuse some.
    request_queue_size = 128

    def __init__(self, address, simulator, ssl_context=None):
        if ':' in address[0]:
            self.address_family = socket.AF_INET6
        self.simulator = simulator
        self.ssl_context = ssl_context
        super().__init__(address, ApiRequestHandler)

    def finish_request(self, request, client_address):
        if self.ssl_context is None:
            super().finish_request(request, client_address)
            return
        # The handshake happens here, in the connection's own thread, so a slow or failing
        # client never holds up the accept loop.
        request.settimeout(10)
        try:
            tls_socket = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            LOG.debug('TLS handshake with %s failed: %s', client_address[0], exc)
            return
        try:
            tls_socket.settimeout(None)
            super().finish_request(tls_socket, client_address)
        finally:
            tls_socket.close()

    def handle_error(self, request, client_address):
        # A client closing its connection mid-request is routine in fault tests; not worth a traceback.
        LOG.debug('connection from %s ended with an error', client_address[0], exc_info=True)


class ApiRequestHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'runai-simulator'
    sys_version = ''
    # Headers and body go out in one write, and without Nagle's delay on keep-alive connections.
    disable_nagle_algorithm = True
    # Idle keep-alive connections are let go after this many seconds.
    timeout = 300

    def __getattr__(self, name):
        # Every method, even one HTTP never heard of, reaches the router, which answers 405 (with
        # Allow) where the path does not take it, as API gateways do, rather than http.server's 501.
        if name.startswith('do_'):
            return self._serve
        raise AttributeError(name)

    def send_error(self, code, message=None, explain=None):
        """Low-level errors (unknown method, malformed request line, headers too large) as the API's JSON error body."""
        self.close_connection = True
        error = ApiError(code, message or self._reason(code), details=explain)
        try:
            self._send(error_response(error))
        except OSError:
            pass

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        LOG.debug('%s - %s', self.address_string(), format % args)

    def _read_body(self):
        if 'chunked' in (self.headers.get('Transfer-Encoding') or '').lower():
            return self._read_chunked_body()
        try:
            length = int(self.headers.get('Content-Length') or 0)
        except ValueError as exc:
            raise ApiError(400, 'Invalid Content-Length') from exc
        if length > MAX_BODY_BYTES:
            raise ApiError(413, 'Request body too large')
        return self.rfile.read(length) if length > 0 else b''

    def _read_chunked_body(self):
        chunks, total = [], 0
        while True:
            size = int(self.rfile.readline(1024).split(b';')[0].strip() or b'0', 16)
            if size == 0:
                while self.rfile.readline(1024).strip():
                    pass    # trailer fields
                return b''.join(chunks)
            total += size
            if total > MAX_BODY_BYTES:
                raise ApiError(413, 'Request body too large')
            chunks.append(self.rfile.read(size))
            self.rfile.readline(8)

    def _serve(self):
        raw_path, _separator, query = self.path.partition('?')
        path = urllib.parse.unquote(raw_path)
        try:
            body = self._read_body()
        except (ApiError, ValueError) as exc:
            self.close_connection = True
            error = exc if isinstance(exc, ApiError) else ApiError(400, 'Malformed chunked body')
            self._send(error_response(error))
            return
        request = Request(self.command, path, query, parse_params(query), self.headers, body)
        if path.startswith(ADMIN_PREFIX):
            self._send(self.server.simulator.admin.handle(request))
        else:
            self._serve_api(request)

    def _serve_api(self, request):
        simulator = self.server.simulator
        # The gateway's rate limit comes first: a refused request never reaches a fault or the control plane.
        refusal = simulator.gateway.admit()
        if refusal is not None:
            if simulator.latency_seconds:
                time.sleep(simulator.latency_seconds)
            simulator.request_log.record(request, refusal.status, bearer_token(request.header('Authorization')) is not None, None)
            self._send(refusal)
            return
        fault = simulator.faults.take(request.method, request.path, request.query)
        if fault is not None and fault.expires_tokens:
            simulator.issuer.expire_all()
        delay = simulator.latency_seconds + (fault.delay_seconds if fault is not None else 0)
        if delay:
            time.sleep(delay)
        started = time.perf_counter()
        has_bearer = bearer_token(request.header('Authorization')) is not None
        if fault is not None and fault.drop == 'before':
            simulator.request_log.record(request, None, has_bearer, fault.spec)
            self._drop_connection()
            return
        if fault is not None and fault.overrides_answer:
            response = fault.answer(self._reason(fault.spec['status']))
        else:
            response = self._api_answer(request)
        if fault is not None:
            response = fault.reshape(response, self._reason(response.status))
        elapsed_ms = (time.perf_counter() - started) * 1000
        # Server-Timing lets benchmarks tell server time from client and network time.
        response.headers['Server-Timing'] = 'app;dur=%.3f' % elapsed_ms
        simulator.request_log.record(request, response.status, has_bearer, None if fault is None else fault.spec)
        LOG.debug('%s %s -> %d in %.1f ms', request.method, request.path, response.status, elapsed_ms)
        self._send(response, cut_body=fault is not None and fault.drop == 'mid_body')

    def _api_answer(self, request):
        simulator = self.server.simulator
        try:
            return simulator.churn.serve(request, lambda: simulator.api.handle(request))
        except Exception:  # pylint: disable=broad-except
            # A bug must answer 500 with the error body, as the real control plane does, not drop the connection.
            LOG.exception('unexpected error answering %s %s', request.method, request.path)
            return error_response(ApiError(500, 'Internal simulator error'))

    def _reason(self, status):
        return self.responses.get(status, ('',))[0]

    def _drop_connection(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _send(self, response, cut_body=False):
        lines = ['HTTP/1.1 %d %s' % (response.status, self._reason(response.status)),
                 'Server: %s' % self.server_version, 'Date: %s' % self.date_time_string()]
        if response.content_type:
            lines.append('Content-Type: %s' % response.content_type)
        lines.append('Content-Length: %d' % len(response.body))
        lines.extend('%s: %s' % item for item in response.headers.items())
        if self.close_connection or cut_body:
            lines.append('Connection: close')
        head = ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1')
        if self.command == 'HEAD':
            # The headers a GET would get, Content-Length included, and no body.
            self.wfile.write(head)
            return
        if cut_body:
            # The full length is announced, half the body is sent, then the connection goes.
            self.wfile.write(head + response.body[:len(response.body) // 2])
            self._drop_connection()
            return
        self.wfile.write(head + response.body)
