# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A scripted HTTP server: the client is tested on the wire, where retries, paging and errors happen; and the decoder switch."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from ansible_collections.runai.platform.plugins.module_utils import _client


class Reply:
    def __init__(self, status=200, body=None, headers=None, raw=None, delay=0.0):
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.raw = raw
        self.delay = delay


class _QuietServer(ThreadingHTTPServer):
    """Says nothing when a client hangs up mid-answer (tests close connections early on purpose); reports anything else."""

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class ScriptedServer:
    """Answers each request with `responder(request)`, a Reply; records every request it gets."""

    def __init__(self):
        self.requests = []
        self.responder = lambda request: Reply(404, {'code': 404, 'message': 'no script'})
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'
            disable_nagle_algorithm = True  # headers and body go out in separate writes

            def log_message(self, *args):  # keep pytest output clean
                pass

            def _handle(self):
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length) if length else b''
                url = urlsplit(self.path)
                request = {'method': self.command, 'path': url.path, 'query': url.query, 'params': parse_qs(url.query),
                           'headers': dict(self.headers), 'body': json.loads(body) if body else None}
                with server._lock:
                    server.requests.append(request)
                reply = server.responder(request)
                if reply.delay:
                    threading.Event().wait(reply.delay)
                payload = reply.raw if reply.raw is not None else json.dumps(reply.body).encode() if reply.body is not None else b''
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.raw is None and reply.body is not None:
                    self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _handle

        self.httpd = _QuietServer(('127.0.0.1', 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = 'http://127.0.0.1:%d' % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def api_requests(self):
        return [request for request in self.requests if request['path'] != '/api/v1/token']

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def use_decoder(monkeypatch, name):
    """Make the client decode answers with orjson, or with the standard library alone ('json').

    The orjson case is skipped where orjson is not installed (the oldest ansible-core's virtualenv),
    so that make test runs the standard library path there and both paths with the newest.
    """
    if name == 'orjson':
        monkeypatch.setattr(_client, 'orjson', pytest.importorskip('orjson'))
    else:
        monkeypatch.setattr(_client, 'orjson', None)
    return name
