"""Fault injection, the request log, latency and the other /_sim/ admin paths."""

import http.client
import json
import socket
import time

import pytest

from harness import SimulatorError, start_simulator

PODS_PATH = '/api/v1/workloads/pods'
COUNT_PATH = '/api/v1/workloads/pods/count'


@pytest.fixture(autouse=True)
def token_before_faults(api):
    """Fetch the session token first, so that a fault meant for an API path is not spent on the token path."""
    api.token()


def fresh_get(api, path=PODS_PATH, params=None):
    """A GET on its own connection (a fault may close it), with the session token; no validation."""
    connection = api.connect(timeout=10)
    try:
        return api.raw('GET', path, params, {'Authorization': 'Bearer ' + api.token()}, connection=connection)
    finally:
        connection.close()


@pytest.mark.parametrize('status', [500, 502, 503, 504])
def test_status_faults_answer_with_the_error_body(api, sim, status):
    sim.add_fault(status=status)
    answer = fresh_get(api)
    assert answer.status == status
    assert api.validated('GET', PODS_PATH, answer).json()['code'] == status
    assert fresh_get(api).status == 200


@pytest.mark.parametrize('retry_after', ['3', 'Wed, 21 Oct 2026 07:28:00 GMT', 120])
def test_429_with_retry_after(api, sim, retry_after):
    sim.add_fault(status=429, retry_after=retry_after)
    answer = fresh_get(api)
    assert answer.status == 429 and answer.header('retry-after') == str(retry_after)
    api.validated('GET', PODS_PATH, answer)


def test_502_with_an_html_body(api, sim):
    sim.add_fault(status=502, body='html')
    answer = fresh_get(api)
    assert answer.status == 502 and answer.header('content-type') == 'text/html'
    assert b'<html>' in answer.body and b'502 Bad Gateway' in answer.body


def test_empty_body(api, sim):
    sim.add_fault(status=503, body='empty')
    answer = fresh_get(api)
    assert answer.status == 503 and answer.body == b'' and answer.header('content-length') == '0'


@pytest.mark.parametrize('kind', ['truncated', 'not_json'])
def test_200_with_a_body_that_is_not_json(api, sim, kind):
    sim.add_fault(body=kind)
    answer = fresh_get(api)
    assert answer.status == 200 and int(answer.header('content-length')) == len(answer.body)
    with pytest.raises(ValueError):
        json.loads(answer.body)


def test_delay_keeps_the_real_answer(api, sim, live_pods):
    sim.add_fault(delay_ms=400)
    started = time.monotonic()
    answer = fresh_get(api, params={'limit': 3})
    assert time.monotonic() - started >= 0.4
    assert answer.status == 200 and [pod['id'] for pod in answer.json()['pods']] == [pod['id'] for pod in live_pods[:3]]
    assert float(answer.header('server-timing').split('=')[1]) < 400     # the delay is not server work


def test_drop_before_answering(api, sim):
    sim.add_fault(drop='before')
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        fresh_get(api)
    assert sim.requests()[-1]['status'] is None
    assert fresh_get(api).status == 200


def test_drop_in_the_middle_of_the_body(api, sim):
    sim.add_fault(drop='mid_body')
    with pytest.raises(http.client.IncompleteRead):
        fresh_get(api, params={'limit': 100})
    assert fresh_get(api).status == 200


def test_expire_tokens_fault_makes_that_request_401(api, sim):
    token = api.token(renew=True)
    sim.add_fault(expire_tokens=True)
    answer = fresh_get(api)
    assert answer.status == 401
    assert api.get(PODS_PATH, token=token).status == 401
    assert api.get(PODS_PATH, token=api.token(renew=True)).status == 200


def test_count_and_order_of_faults(api, sim):
    sim.add_fault(status=503, count=2)
    sim.add_fault(status=500)
    assert [fault['remaining'] for fault in sim.faults()] == [2, 1]
    assert [fresh_get(api).status for _attempt in range(4)] == [503, 503, 500, 200]
    assert sim.faults() == []


def test_faults_match_path_query_and_method(api, sim):
    sim.add_fault(status=503, path='/count$')
    sim.add_fault(status=502, query='offset=500')
    sim.add_fault(status=500, method='POST', path='/api/v1/token')
    assert fresh_get(api, params={'offset': 0}).status == 200
    assert fresh_get(api, params={'offset': 500}).status == 502
    assert fresh_get(api, COUNT_PATH).status == 503
    answer = api.raw('POST', '/api/v1/token', headers={'Content-Type': 'application/json'},
                     body=json.dumps({'grantType': 'client_credentials', 'clientID': sim.client_id, 'clientSecret': sim.client_secret}).encode())
    assert answer.status == 500
    assert sim.faults() == []


def test_clearing_faults(api, sim):
    sim.add_fault(status=503, count=5)
    sim.clear_faults()
    assert sim.faults() == [] and fresh_get(api).status == 200


@pytest.mark.parametrize('fault', [
    {'status': 99}, {'status': 'x'}, {'count': 0}, {'body': 'xml'}, {'drop': 'after'}, {'delay_ms': -1},
    {'path': '('}, {'colour': 'red'}, {'expire_tokens': 'yes'},
])
def test_invalid_faults_are_refused(sim, fault):
    with pytest.raises(SimulatorError, match='400'):
        sim.add_fault(**fault)
    assert sim.faults() == []


def test_admin_paths_are_never_faulted_logged_or_authenticated(api, sim):
    sim.clear_requests()
    sim.add_fault(status=503)
    sim.inventory()
    sim.requests()
    assert len(sim.faults()) == 1
    assert sim.requests() == []
    assert fresh_get(api).status == 503


def test_request_log(api, sim):
    token = api.token()
    sim.clear_requests()
    api.get(PODS_PATH, [('filterBy', 'nodeName=@node,clusterId==x'), ('filterBy', 'createdAt>=2026-01-01T00:00:00+02:00'), ('limit', '5')])
    api.get(COUNT_PATH, token=False)
    entries = sim.requests()
    assert [(entry['method'], entry['path'], entry['status'], entry['bearer']) for entry in entries] == [
        ('GET', PODS_PATH, 200, True), ('GET', COUNT_PATH, 401, False)]
    first = entries[0]
    assert first['params'] == {'filterBy': ['nodeName=@node,clusterId==x', 'createdAt>=2026-01-01T00:00:00+02:00'], 'limit': ['5']}
    assert 'filterBy=nodeName%3D%40node%2CclusterId%3D%3Dx' in first['query']
    assert token not in json.dumps(entries)
    sim.clear_requests()
    assert sim.requests() == []


def test_log_shows_token_requests_without_their_body(api, sim):
    sim.clear_requests()
    api.token(renew=True)
    (entry,) = sim.requests()
    assert (entry['method'], entry['path'], entry['status'], entry['bearer'], entry['params']) == ('POST', '/api/v1/token', 200, False, {})
    assert sim.client_secret not in json.dumps(entry)


def test_unknown_admin_path(sim):
    with pytest.raises(SimulatorError, match='404'):
        sim.admin('GET', 'nothing-here')


def test_unknown_api_path_and_wrong_method(api):
    assert api.raw('GET', '/api/v1/nothing').status == 404
    for method in ('DELETE', 'TRACE', 'QUERY'):
        answer = api.raw(method, PODS_PATH, headers={'Authorization': 'Bearer ' + api.token()})
        assert answer.status == 405 and answer.header('allow') == 'GET'
        assert answer.json()['code'] == 405


def test_head_answers_the_get_headers_without_a_body(api):
    headers = {'Authorization': 'Bearer ' + api.token()}
    full = api.raw('GET', PODS_PATH, {'limit': 5}, headers)
    head = api.raw('HEAD', PODS_PATH, {'limit': 5}, headers)
    assert head.status == 200 and head.body == b'' and head.header('content-length') == str(len(full.body))


def test_inventory_without_the_workload_list(sim, inventory):
    brief = sim.inventory(workloads=False)
    assert 'workloads' not in brief
    assert brief['examples'] == inventory['examples'] and brief['nodePools'] == inventory['nodePools']


def test_latency_is_per_request_and_concurrent(make_client):
    with start_simulator('--pods', '50', '--latency-ms', '300') as slow:
        client = make_client(slow)
        client.token()
        started = time.monotonic()
        client.get(PODS_PATH)
        assert time.monotonic() - started >= 0.3      # at least the latency: a loaded machine only adds to it
        # Each connection has its own thread: while one holds half a request (its thread waits for the rest),
        # another is answered, latency included; then the first is answered too.
        with socket.create_connection((client.host, client.port), timeout=30) as half:
            half.sendall(b'GET ' + PODS_PATH.encode() + b' HTTP/1.1\r\nHost: simulator\r\n')
            other = client.connect()
            try:
                assert client.raw('GET', PODS_PATH, headers={'Authorization': 'Bearer ' + client.token()}, connection=other).status == 200
            finally:
                other.close()
            half.sendall(b'Authorization: Bearer ' + client.token().encode() + b'\r\n\r\n')
            assert half.makefile('rb').readline().startswith(b'HTTP/1.1 200 ')


def test_admin_paths_are_not_delayed():
    # Every API answer would wait ten minutes; an admin call that waited would time out (after 60 s) instead of answering.
    with start_simulator('--pods', '50', '--latency-ms', '600000') as stalled:
        assert stalled.inventory(workloads=False)['examples']
