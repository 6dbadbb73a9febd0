"""Start-up, the ready line, clean stops, determinism, secrets kept out of logs, TLS, other interpreters."""

import json
import os
import shutil
import signal
import ssl
import subprocess
import urllib.error
import urllib.request

import pytest

from harness import start_simulator

PODS_PATH = '/api/v1/workloads/pods'


def first_page(client):
    return client.ok(PODS_PATH, {'limit': 500, 'verbosity': 'full'})


@pytest.mark.parametrize('stop_signal', [signal.SIGTERM, signal.SIGINT], ids=['SIGTERM', 'SIGINT'])
def test_ready_line_is_the_only_stdout_and_stops_are_clean(stop_signal):
    simulator = start_simulator('--pods', '20')
    try:
        assert set(json.loads(json.dumps({'base_url': simulator.base_url, 'client_id': simulator.client_id,
                                          'client_secret': simulator.client_secret}))) == {'base_url', 'client_id', 'client_secret'}
        assert simulator.ca_path is None and simulator.base_url.startswith('http://127.0.0.1:')
        simulator.process.send_signal(stop_signal)
        assert simulator.process.wait(timeout=10) == 0
        assert simulator.process.stdout.read() == b''
    finally:
        simulator.stop()


def test_the_secret_is_random_per_start_and_never_logged(make_client):
    with start_simulator('--pods', '20', '--verbose') as first, start_simulator('--pods', '20') as second:
        assert first.client_secret != second.client_secret and first.client_id == second.client_id
        client = make_client(first)
        token = client.token()
        client.post_json('/api/v1/token', {'grantType': 'app_token', 'appID': first.client_id, 'appSecret': first.client_secret + 'x'})
        client.get(PODS_PATH)
        first.add_fault(expire_tokens=True)
        client.get(PODS_PATH)
    with open(first.log_path, encoding='utf-8') as handle:
        log = handle.read()
    assert PODS_PATH in log                  # --verbose logs each request...
    assert first.client_secret not in log and token not in log and 'Bearer' not in log  # ...and never a secret


def test_same_seed_same_data_other_seed_other_data(make_client):
    with start_simulator('--pods', '600', '--seed', '7') as one, start_simulator('--pods', '600', '--seed', '7') as two, \
            start_simulator('--pods', '600', '--seed', '8') as other:
        pages = [first_page(make_client(simulator)) for simulator in (one, two, other)]
        assert pages[0] == pages[1]
        assert one.inventory() == two.inventory()
        assert not {pod['id'] for pod in pages[0]['pods']} & {pod['id'] for pod in pages[2]['pods']}


def test_exactly_the_requested_number_of_pods(make_client):
    for pods in ('0', '1', '7', '1000'):
        with start_simulator('--pods', pods, '--seed', '3') as simulator:
            client = make_client(simulator)
            live = client.ok('/api/v1/workloads/pods/count')['count']
            deleted = client.ok('/api/v1/workloads/pods/count', {'deleted': 'true'})['count']
            assert live + deleted == int(pods) == simulator.inventory()['pods']


def test_anchor_moves_every_timestamp(make_client):
    with start_simulator('--pods', '50', '--anchor', '2030-01-01T00:00:00Z') as simulator:
        pods = make_client(simulator).ok(PODS_PATH, {'limit': 50})['pods']
        assert all('2029-11-01' < pod['createdAt'] < '2030-01-01' for pod in pods)


@pytest.mark.parametrize('argument', [['--pods', '-1'], ['--limit', '3'], ['--tls-cert', 'odd'], ['--anchor', 'someday']])
def test_bad_options_fail_without_a_ready_line(argument):
    with pytest.raises(Exception, match='did not become ready'):
        start_simulator(*argument, timeout=10)


def test_tls_with_the_ca_bundle(make_client):
    with start_simulator('--pods', '50', '--tls') as secure:
        assert secure.base_url.startswith('https://127.0.0.1:') and os.path.exists(secure.ca_path)
        client = make_client(secure)
        assert len(client.ok(PODS_PATH)['pods']) == client.ok('/api/v1/workloads/pods/count')['count'] > 0
        secure.add_fault(status=503)       # the admin API works over TLS too
        with pytest.raises(urllib.error.URLError, match='CERTIFICATE_VERIFY_FAILED'):
            urllib.request.urlopen(secure.base_url + PODS_PATH, timeout=5)    # without the CA: refused
        localhost = secure.base_url.replace('127.0.0.1', 'localhost')
        with pytest.raises(urllib.error.HTTPError, match='503'):   # the name verified; the fault answered
            urllib.request.urlopen(localhost + PODS_PATH, timeout=5, context=ssl.create_default_context(cafile=secure.ca_path))
        tls_directory = os.path.dirname(secure.ca_path)
    assert not os.path.exists(tls_directory)       # removed on exit


@pytest.mark.parametrize('variant, reason', [('expired', 'certificate has expired'), ('wrong-host', 'address mismatch')])
def test_tls_certificate_variants_fail_verification(variant, reason):
    with start_simulator('--pods', '5', '--tls', '--tls-cert', variant) as secure:
        context = ssl.create_default_context(cafile=secure.ca_path)
        with pytest.raises(urllib.error.URLError, match=reason):
            urllib.request.urlopen(secure.base_url + PODS_PATH, timeout=5, context=context)


def _default_python3():
    found = shutil.which('python3')
    if found is None:
        return None
    probe = subprocess.run([found, '-c', 'import sys, cryptography; print(sys.version_info >= (3, 11))'],
                           capture_output=True, text=True, check=False)
    return found if probe.stdout.strip() == 'True' else None


def test_runs_on_the_machine_default_python3(make_client):
    python3 = _default_python3()
    if python3 is None:
        pytest.skip('no python3 >= 3.11 with cryptography on PATH')
    with start_simulator('--pods', '30', '--tls', python=python3) as simulator:
        client = make_client(simulator)
        assert len(client.ok(PODS_PATH)['pods']) == client.ok('/api/v1/workloads/pods/count')['count'] > 0
