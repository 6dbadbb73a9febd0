# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The HTTP client on the wire: retries, backoff, re-authentication, decoding, the User-Agent and every error message.

The pager has its own tests (test_pager.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import email.utils
import json
import os
import random
import socket
import types

import pytest
import yaml

from ansible_collections.runai.platform.plugins.module_utils import _client
from ansible_collections.runai.platform.plugins.module_utils._client import RunaiClient, RunaiError, encode_query
from ansible_collections.runai.platform.plugins.module_utils._connection import client_from_options

from scripted_server import Reply, use_decoder

REPOSITORY = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
PODS_PATH = '/api/v1/workloads/pods'


@pytest.fixture(params=['orjson', 'json'])
def decoder(request, monkeypatch):
    return use_decoder(monkeypatch, request.param)


def make_client(server, sleeps=None, **overrides):
    options = dict(client_id='cid', client_secret='s3cr3t-value', retries=3, backoff_base=0.01, jitter=lambda: 0.0)
    options.update(overrides)
    recorded = sleeps if sleeps is not None else []
    return RunaiClient(server.base_url, sleep=recorded.append, **options)


def token_then(responder, tokens=('tok-1', 'tok-2', 'tok-3')):
    """Answer the token path with successive tokens, everything else with `responder`."""
    issued = list(tokens)

    def respond(request):
        if request['path'] == '/api/v1/token':
            return Reply(200, {'accessToken': issued.pop(0), 'idToken': 'x', 'refreshToken': 'y'})
        return responder(request)
    return respond


# -- query encoding -----------------------------------------------------------------------------------

def test_arrays_are_comma_joined_unless_an_item_has_a_comma():
    assert encode_query([('filterBy', ['nodeName==a', 'clusterId==b'])]) == 'filterBy=nodeName%3D%3Da,clusterId%3D%3Db'
    assert encode_query([('filterBy', ['nodeName==a,b', 'nodeName!=c'])]) == 'filterBy=nodeName%3D%3Da%2Cb&filterBy=nodeName%21%3Dc'
    assert encode_query([('deleted', True), ('search', 'my job'), ('offset', 0), ('sortBy', None)]) == 'deleted=true&search=my%20job&offset=0'


# -- retries and backoff ------------------------------------------------------------------------------

def failing(times, reply, then=None):
    """Answer `reply` for the first `times` API requests, then `then` (a 200 by default)."""
    state = {'left': times}

    def respond(request):
        if state['left'] > 0:
            state['left'] -= 1
            return reply
        return then or Reply(200, {'pods': []})
    return respond


@pytest.mark.parametrize('status', [429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried_with_growing_backoff(server, status):
    sleeps = []
    server.responder = token_then(failing(3, Reply(status, {'code': status, 'message': 'busy'})))
    fractions = iter([0.5, 0.25, 1.0])
    client = make_client(server, sleeps, backoff_base=1.0, jitter=lambda: next(fractions))
    assert client.get(PODS_PATH)[1] == {'pods': []}
    assert len(server.api_requests()) == 4
    # Full jitter: anywhere up to an exponential ceiling of 1, 2, 4 seconds.
    assert sleeps == [0.5 * 1, 0.25 * 2, 1.0 * 4]


def test_retries_exhausted_report_the_last_error_and_attempts(server):
    server.responder = token_then(failing(10, Reply(503, {'code': 503, 'message': 'Please try again in few minutes.'})))
    with pytest.raises(RunaiError) as failure:
        make_client(server, retries=2).get(PODS_PATH)
    assert str(failure.value) == ('Run:ai API request failed: HTTP 503 from GET /api/v1/workloads/pods: '
                                  'Please try again in few minutes. (after 3 attempts)')
    assert len(server.api_requests()) == 3


def test_retries_zero_means_one_attempt(server):
    server.responder = token_then(failing(1, Reply(500, {'code': 500, 'message': 'Something went wrong.'})))
    with pytest.raises(RunaiError) as failure:
        make_client(server, retries=0).get(PODS_PATH)
    assert str(failure.value) == 'Run:ai API request failed: HTTP 500 from GET /api/v1/workloads/pods: Something went wrong.'
    assert len(server.api_requests()) == 1


def test_retry_after_in_seconds_is_honoured(server):
    sleeps = []
    server.responder = token_then(failing(1, Reply(429, {'code': 429, 'message': 'slow down'}, headers={'Retry-After': '7'})))
    make_client(server, sleeps).get(PODS_PATH)
    assert sleeps == [7.0]


def test_retry_after_is_honoured_in_full_then_jittered(server):
    # What the server asked, then up to the backoff ceiling more (0.5 s at the first attempt).
    sleeps = []
    server.responder = token_then(failing(1, Reply(429, {'code': 429, 'message': 'slow down'}, headers={'Retry-After': '1'})))
    make_client(server, sleeps, backoff_base=0.5, jitter=lambda: 0.5).get(PODS_PATH)
    assert sleeps == [1.0 + 0.25]


def test_processes_refused_together_do_not_retry_together(server):
    # Twenty clients (each with the random source of its own process) refused with Retry-After: 1 come
    # back at twenty different moments, none before the second the server asked for.
    answers = iter([Reply(429, {'code': 429, 'message': 'slow down'}, headers={'Retry-After': '1'}), Reply(200, {'pods': []})] * 20)
    server.responder = lambda request: next(answers)
    pauses = []
    for process in range(20):
        sleeps = []
        make_client(server, sleeps, token='tok', client_id=None, client_secret=None, backoff_base=0.5,
                    jitter=random.Random(process).random).get(PODS_PATH)
        pauses.extend(sleeps)
    assert len(pauses) == 20 and len(set(pauses)) == 20
    assert all(1.0 <= pause <= 1.5 for pause in pauses)


def test_a_rate_limit_doing_its_job_is_ridden_out(server):
    # Issue 21: 20 gates against 4 requests a second failed after 4 attempts of 429 with Retry-After: 1.
    # A 429 that says when to come back does not count against retries while the request has waited
    # less than 120 s on such answers.
    sleeps = []
    server.responder = token_then(failing(30, Reply(429, {'code': 429, 'message': 'Too many requests'}, headers={'Retry-After': '1'})))
    client = make_client(server, sleeps, retries=3)
    assert client.get(PODS_PATH)[1] == {'pods': []}
    assert len(server.api_requests()) == 31 and sleeps == [1.0] * 30
    assert client.rate_limited_count == 30


def test_the_rate_limit_patience_is_120_seconds_then_retries_count(server):
    sleeps = []
    server.responder = token_then(failing(50, Reply(429, {'code': 429, 'message': 'Too many requests'}, headers={'Retry-After': '50'})))
    with pytest.raises(RunaiError) as failure:
        make_client(server, sleeps, retries=3).get(PODS_PATH)
    # 50 + 50 s are within the patience; the three waits after it count against retries 3.
    assert sleeps == [50.0] * 5
    assert str(failure.value) == 'Run:ai API request failed: HTTP 429 from GET /api/v1/workloads/pods: Too many requests (after 6 attempts)'


def test_retries_zero_never_retries_a_rate_limit(server):
    sleeps = []
    server.responder = token_then(failing(5, Reply(429, {'code': 429, 'message': 'Too many requests'}, headers={'Retry-After': '1'})))
    with pytest.raises(RunaiError) as failure:
        make_client(server, sleeps, retries=0).get(PODS_PATH)
    assert sleeps == [] and str(failure.value) == 'Run:ai API request failed: HTTP 429 from GET /api/v1/workloads/pods: Too many requests'


def test_the_token_request_rides_out_a_rate_limit_too(server):
    state = {'left': 6}

    def respond(request):
        if request['path'] == '/api/v1/token' and state['left']:
            state['left'] -= 1
            return Reply(429, {'code': 429, 'message': 'Too many requests'}, headers={'Retry-After': '1'})
        return token_then(lambda request: Reply(200, {'pods': []}))(request)
    server.responder = respond
    sleeps = []
    assert make_client(server, sleeps).get(PODS_PATH)[1] == {'pods': []}
    assert sleeps == [1.0] * 6


def test_retry_after_as_http_date_is_honoured(server, monkeypatch):
    # The client's clock stands still 30 seconds before the date the server names: the wait is exactly those 30 seconds.
    now = 1445412450.0
    monkeypatch.setattr(_client, 'time', types.SimpleNamespace(time=lambda: now))
    when = email.utils.formatdate(now + 30, usegmt=True)
    sleeps = []
    server.responder = token_then(failing(1, Reply(503, {'code': 503, 'message': 'later'}, headers={'Retry-After': when})))
    make_client(server, sleeps).get(PODS_PATH)
    assert sleeps == [30.0]


def test_retry_after_longer_than_120_seconds_fails_at_once(server):
    sleeps = []
    server.responder = token_then(failing(5, Reply(429, {'code': 429, 'message': 'slow down'}, headers={'Retry-After': '600'})))
    with pytest.raises(RunaiError) as failure:
        make_client(server, sleeps).get(PODS_PATH)
    assert str(failure.value) == ('Run:ai answered HTTP 429 to GET /api/v1/workloads/pods and asked to retry after 600 seconds, '
                                  'longer than the 120 seconds this collection waits; try again later')
    assert sleeps == [] and len(server.api_requests()) == 1


@pytest.mark.parametrize('status, expected', [
    (400, 'Run:ai API request failed: HTTP 400 from GET /api/v1/workloads/pods: limit must be between 1 and 500'),
    (403, 'The credentials lack permission for this resource: HTTP 403 from GET /api/v1/workloads/pods: limit must be between 1 and 500'),
    (404, 'Run:ai API request failed: HTTP 404 from GET /api/v1/workloads/pods: limit must be between 1 and 500'),
])
def test_client_errors_are_never_retried(server, status, expected):
    server.responder = token_then(failing(5, Reply(status, {'code': status, 'message': 'limit must be between 1 and 500'})))
    with pytest.raises(RunaiError) as failure:
        make_client(server).get(PODS_PATH)
    assert str(failure.value) == expected
    assert failure.value.status == status and failure.value.method == 'GET' and failure.value.path == PODS_PATH
    assert len(server.api_requests()) == 1


def test_404_names_what_was_not_found(server):
    server.responder = token_then(lambda request: Reply(404, {'code': 404, 'message': 'Resource id not found.'}))
    with pytest.raises(RunaiError) as failure:
        make_client(server).get('/api/v1/workloads/abc/pods', not_found="Workload 'abc'")
    assert str(failure.value) == "Workload 'abc' was not found: HTTP 404 from GET /api/v1/workloads/abc/pods: Resource id not found."


# -- authentication ---------------------------------------------------------------------------------

def test_token_is_obtained_once_and_sent_as_bearer(server):
    server.responder = token_then(lambda request: Reply(200, {'pods': []}))
    client = make_client(server)
    client.get(PODS_PATH)
    client.get(PODS_PATH)
    token_requests = [request for request in server.requests if request['path'] == '/api/v1/token']
    assert len(token_requests) == 1
    assert token_requests[0]['body'] == {'grantType': 'client_credentials', 'clientID': 'cid', 'clientSecret': 's3cr3t-value'}
    assert 'Authorization' not in token_requests[0]['headers']
    assert [request['headers']['Authorization'] for request in server.api_requests()] == ['Bearer tok-1', 'Bearer tok-1']
    assert client.request_count == 3


def test_a_401_renews_the_token_once_and_repeats_the_request(server):
    server.responder = token_then(lambda request: Reply(401, {'code': 401, 'message': 'Token is expired'})
                                  if request['headers']['Authorization'] == 'Bearer tok-1' else Reply(200, {'pods': []}))
    client = make_client(server)
    assert client.get(PODS_PATH)[1] == {'pods': []}
    assert [request['headers'].get('Authorization') for request in server.requests] == [None, 'Bearer tok-1', None, 'Bearer tok-2']


def test_a_second_401_fails(server):
    server.responder = token_then(lambda request: Reply(401, {'code': 401, 'message': 'Issuer is not familiar.'}))
    with pytest.raises(RunaiError) as failure:
        make_client(server).get(PODS_PATH)
    assert str(failure.value) == 'Run:ai rejected the credentials: HTTP 401 from GET /api/v1/workloads/pods: Issuer is not familiar.'
    assert len(server.requests) == 4  # token, request, token again, request again: never a loop


def test_a_401_with_a_given_token_fails_at_once(server):
    server.responder = lambda request: Reply(401, {'code': 401, 'message': 'Token is expired'})
    client = RunaiClient(server.base_url, token='user-token-xyz', sleep=lambda seconds: None)
    with pytest.raises(RunaiError) as failure:
        client.get(PODS_PATH)
    assert str(failure.value) == 'Run:ai rejected the token: HTTP 401 from GET /api/v1/workloads/pods: Token is expired'
    assert len(server.requests) == 1 and server.requests[0]['headers']['Authorization'] == 'Bearer user-token-xyz'


@pytest.mark.parametrize('status', [400, 401])
def test_rejected_credentials_on_the_token_path_fail_at_once(server, status):
    server.responder = lambda request: Reply(status, {'code': status, 'message': 'invalid client credentials'})
    with pytest.raises(RunaiError) as failure:
        make_client(server).get(PODS_PATH)
    assert str(failure.value) == ("Run:ai rejected the credentials of client_id 'cid': HTTP %d from POST /api/v1/token: "
                                  "invalid client credentials" % status)
    assert len(server.requests) == 1


def test_secrets_echoed_by_a_server_are_redacted(server):
    server.responder = lambda request: Reply(400, {'code': 400, 'message': 'bad secret s3cr3t-value'})
    with pytest.raises(RunaiError) as failure:
        make_client(server).get(PODS_PATH)
    assert 's3cr3t-value' not in str(failure.value)
    assert str(failure.value).endswith('bad secret ********')


# -- bodies -------------------------------------------------------------------------------------------

@pytest.mark.parametrize('reply, expected', [
    (Reply(502, raw=b'<html><body><h1>502 Bad Gateway</h1></body></html>', headers={'Content-Type': 'text/html'}),
     'Run:ai API request failed: HTTP 502 from GET /api/v1/workloads/pods: the answer was an HTML page, not an API error '
     '(a proxy or gateway in front of Run:ai may have answered)'),
    (Reply(500, raw=b''), 'Run:ai API request failed: HTTP 500 from GET /api/v1/workloads/pods: the answer had an empty body'),
    (Reply(500, raw=b'oops'), 'Run:ai API request failed: HTTP 500 from GET /api/v1/workloads/pods: the answer was not JSON'),
    (Reply(500, {'code': 500, 'message': 'Something went wrong.', 'details': 'db down'}),
     'Run:ai API request failed: HTTP 500 from GET /api/v1/workloads/pods: Something went wrong. (db down)'),
])
def test_error_bodies_are_described_without_a_traceback(server, decoder, reply, expected):
    server.responder = token_then(lambda request: reply)
    with pytest.raises(RunaiError) as failure:
        make_client(server, retries=0).get(PODS_PATH)
    assert str(failure.value) == expected


def test_a_200_that_is_not_json_fails_clearly(server, decoder):
    server.responder = token_then(lambda request: Reply(200, raw=b'{"pods": [{"id"'))
    with pytest.raises(RunaiError) as failure:
        make_client(server).get(PODS_PATH)
    assert str(failure.value) == 'Run:ai answered GET /api/v1/workloads/pods with HTTP 200 but the body is not valid JSON (15 bytes)'


@pytest.mark.parametrize('raw', [b'{"pods": [{"id"', b'upstream said: this is not JSON', b'\xff\xfe{}', b'[' * 100000 + b']' * 100000,
                                 b'{"pods": []} trailing'])
def test_every_undecodable_200_is_the_same_sentence(server, decoder, raw):
    server.responder = token_then(lambda request: Reply(200, raw=raw))
    with pytest.raises(RunaiError) as failure:
        make_client(server).get(PODS_PATH)
    assert str(failure.value) == ('Run:ai answered GET /api/v1/workloads/pods with HTTP 200 but the body is not valid JSON (%d bytes)' % len(raw))
    assert (failure.value.status, failure.value.method, failure.value.path) == (200, 'GET', PODS_PATH)


def test_both_decoders_read_the_same_values(server, decoder):
    # orjson refuses integers beyond 64 bits and NaN, which the standard library reads: the client reads them either way.
    raw = b'{"pods": [{"id": "p", "big": 123456789012345678901234567890, "gpu": 0.5, "odd": NaN, "name": "\\u00e9t\\u00e9"}], "next": 2}'
    server.responder = token_then(lambda request: Reply(200, raw=raw))
    body = make_client(server).get(PODS_PATH)[1]
    assert body['pods'][0]['big'] == 123456789012345678901234567890 and body['pods'][0]['name'] == u'\u00e9t\u00e9'
    assert body['pods'][0]['odd'] != body['pods'][0]['odd']  # NaN
    assert (body['next'], body['pods'][0]['gpu']) == (2, 0.5)


def test_orjson_decodes_answers_where_it_is_installed(server, monkeypatch):
    decoded = []

    class RecordingOrjson:
        JSONDecodeError = json.JSONDecodeError

        @staticmethod
        def loads(content):
            decoded.append(content)
            return json.loads(content)

    monkeypatch.setattr(_client, 'orjson', RecordingOrjson)
    server.responder = token_then(lambda request: Reply(200, {'pods': []}))
    assert make_client(server).get(PODS_PATH)[1] == {'pods': []}
    assert decoded == [b'{"accessToken": "tok-1", "idToken": "x", "refreshToken": "y"}', b'{"pods": []}']


# -- long and many-line server messages ---------------------------------------------------------------

def test_a_server_message_of_several_kilobytes_is_cut(server, decoder):
    message = 'The request could not be processed. ' * 200
    server.responder = token_then(lambda request: Reply(500, {'code': 500, 'message': message}))
    with pytest.raises(RunaiError) as failure:
        make_client(server, retries=0).get(PODS_PATH)
    kept = message[:297]
    assert str(failure.value) == 'Run:ai API request failed: HTTP 500 from GET /api/v1/workloads/pods: %s... (7199 characters)' % kept
    assert failure.value.server_message == '%s... (7199 characters)' % kept
    assert failure.value.details()['server_message'] == failure.value.server_message


def test_a_server_message_on_many_lines_becomes_one_line(server, decoder):
    body = {'code': 400, 'message': 'bad filter:\n  nodeName\r\n\tis wrong', 'details': 'line 1\nline 2'}
    server.responder = token_then(lambda request: Reply(400, body))
    with pytest.raises(RunaiError) as failure:
        make_client(server).get(PODS_PATH)
    assert str(failure.value) == 'Run:ai API request failed: HTTP 400 from GET /api/v1/workloads/pods: bad filter: nodeName is wrong (line 1 line 2)'


def test_a_secret_is_redacted_before_the_message_is_cut(server):
    # The secret straddles the cut: redacted first, so not even its start is shown.
    message = 'x' * 290 + ' s3cr3t-value ' + 'y' * 500
    server.responder = lambda request: Reply(400, {'code': 400, 'message': message})
    with pytest.raises(RunaiError) as failure:
        make_client(server).get(PODS_PATH)
    assert 's3cr' not in str(failure.value)
    assert str(failure.value) == ("Run:ai rejected the credentials of client_id 'cid': HTTP 400 from POST /api/v1/token: %s ******... (800 characters)"
                                  % ('x' * 290))


def test_a_long_client_id_is_cut_in_the_rejection(server):
    server.responder = lambda request: Reply(401, {'code': 401, 'message': 'invalid client credentials'})
    with pytest.raises(RunaiError) as failure:
        make_client(server, client_id='c' * 1000).get(PODS_PATH)
    assert str(failure.value) == ("Run:ai rejected the credentials of client_id '%s... (1002 characters): HTTP 401 from POST /api/v1/token: "
                                  "invalid client credentials" % ('c' * 76))


# -- User-Agent ---------------------------------------------------------------------------------------

def test_the_collection_version_is_galaxy_ymls():
    with open(os.path.join(REPOSITORY, 'galaxy.yml')) as galaxy:
        assert _client.COLLECTION_VERSION == yaml.safe_load(galaxy)['version']


@pytest.mark.parametrize('extra, expected', [
    (None, 'runai.platform/%s' % _client.COLLECTION_VERSION),
    ('ansible-core/2.21.5', 'runai.platform/%s ansible-core/2.21.5' % _client.COLLECTION_VERSION),
    ('ansible-core/2.21.5\r\nX-Injected: yes', 'runai.platform/%s ansible-core/2.21.5 X-Injected: yes' % _client.COLLECTION_VERSION),
    (u'ansible-core/2.21.5 caf\u00e9', 'runai.platform/%s ansible-core/2.21.5 caf' % _client.COLLECTION_VERSION),
])
def test_every_request_carries_the_collection_version(server, extra, expected):
    server.responder = token_then(lambda request: Reply(200, {'pods': []}))
    make_client(server, user_agent_extra=extra).get(PODS_PATH)
    assert [request['headers']['User-Agent'] for request in server.requests] == [expected, expected]
    assert 'X-Injected' not in server.requests[1]['headers']


# -- network failures ---------------------------------------------------------------------------------

def test_timeouts_are_retried_then_reported(server):
    server.responder = token_then(lambda request: Reply(200, {'pods': []}, delay=0.5))
    with pytest.raises(RunaiError) as failure:
        make_client(server, timeout=0.1, retries=1).get(PODS_PATH)
    assert str(failure.value) == 'Run:ai did not answer GET /api/v1/workloads/pods within the timeout of 0.1 seconds (after 2 attempts)'


def test_connection_refused_is_one_sentence():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    client = RunaiClient('http://127.0.0.1:%d' % port, token='t', retries=1, sleep=lambda seconds: None)
    with pytest.raises(RunaiError) as failure:
        client.get(PODS_PATH)
    assert str(failure.value) == 'Cannot connect to Run:ai at http://127.0.0.1:%d: connection refused (after 2 attempts)' % port
    assert client.request_count == 2


def test_unknown_host_is_one_sentence():
    client = RunaiClient('https://no-such-tenant.invalid', token='t', retries=0)
    with pytest.raises(RunaiError) as failure:
        client.get(PODS_PATH)
    assert str(failure.value) == 'Cannot resolve the host name of base_url https://no-such-tenant.invalid'


# -- options ------------------------------------------------------------------------------------------

def options(**overrides):
    values = dict(base_url='https://tenant.run.ai/', client_id='cid', client_secret='secret', token=None,
                  validate_certs=True, ca_path=None, timeout=30.0, retries=3)
    values.update(overrides)
    return values.get


@pytest.mark.parametrize('overrides, expected', [
    (dict(base_url=None), 'base_url is required: set it through the base_url option, or the RUNAI_BASE_URL environment variable'),
    (dict(base_url='tenant.run.ai'), "base_url 'tenant.run.ai' must start with https:// (or http://) and name a host, such as https://mytenant.run.ai"),
    (dict(base_url='https://tenant.run.ai/api/v1'),
     "base_url 'https://tenant.run.ai/api/v1' must be the address of the control plane only, without a path, query or user, "
     "such as https://mytenant.run.ai"),
    (dict(base_url='https://tenant.run.ai:99999'), "base_url 'https://tenant.run.ai:99999' is not a URL, such as https://mytenant.run.ai"),
    (dict(token='tok'), 'token and client_id/client_secret are mutually exclusive; authenticate one way (token from the token option; '
     'client_id from the client_id option; client_secret from the client_secret option)'),
    (dict(client_id=None, client_secret=None), 'No credentials: set client_id and client_secret, or token (as options, '
     'or through the RUNAI_CLIENT_ID and RUNAI_CLIENT_SECRET, or RUNAI_TOKEN environment variables)'),
    (dict(client_secret=None), 'client_secret is required with client_id (client_id from the client_id option); '
     'set it through the client_secret option, or the RUNAI_CLIENT_SECRET environment variable'),
    (dict(client_id=''), 'client_id is required with client_secret (client_secret from the client_secret option); '
     'set it through the client_id option, or the RUNAI_CLIENT_ID environment variable'),
    (dict(timeout=0.0), 'timeout must be a number of seconds greater than 0, got 0.0'),
    (dict(timeout=-5.0), 'timeout must be a number of seconds greater than 0, got -5.0'),
    (dict(retries=-1), 'retries must be an integer of 0 or more, got -1'),
    (dict(ca_path='/nonexistent/ca.pem'),
     "ca_path '/nonexistent/ca.pem' is not a file (it must be a PEM bundle of the CA that signed the server certificate)"),
])
def test_bad_connection_options_fail_before_any_request(overrides, expected):
    with pytest.raises(RunaiError) as failure:
        client_from_options(options(**overrides))
    assert str(failure.value) == expected


def test_good_connection_options_make_a_client():
    client = client_from_options(options())
    assert client.base_url == 'https://tenant.run.ai' and client.request_count == 0


def test_retry_after_parsing():
    assert _client.parse_retry_after('12') == 12.0
    assert _client.parse_retry_after(None) is None
    assert _client.parse_retry_after('soon') is None
    assert _client.parse_retry_after('Wed, 21 Oct 2015 07:28:00 GMT', now=1445412470.0) == 10.0


def test_a_password_in_base_url_is_refused_without_repeating_it():
    with pytest.raises(RunaiError) as failure:
        client_from_options(options(base_url='https://admin:hunter2@tenant.run.ai'))
    assert str(failure.value) == 'base_url must not hold credentials (user:password@); use client_id and client_secret, or token'
