# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fault suite: what a user sees when the control plane misbehaves, and what was actually sent.

Every case ends either with the complete, correct result or with one clear sentence and no traceback.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import email.utils
import re
import threading
import time

import pytest

from ansible_collections.runai.platform.plugins.module_utils._pager import overlap_for
from harness import start_simulator
from playbook_runner import connection, run_tasks
from reliability_figures import FIGURES, scan_for_secrets

# Retries, back-off, timeouts and TLS are the client's (README, Develop: what runs on every ansible-core).
pytestmark = pytest.mark.client_logic

MODULE = 'runai.platform.runai_pods_info'
LISTING = '^/api/v1/workloads/pods$'
TOKEN = '^/api/v1/token$'
PAGE = 250
# The simulator speaks plain HTTP: a connection that breaks there may be an HTTPS server asked in plain HTTP.
PLAIN_HTTP_HINT = ' (base_url starts with http://: if the server speaks HTTPS, use https://)'


def listing_task(sim, page_size=PAGE, **connection_options):
    return {'name': 'read', MODULE: dict(connection(sim, **connection_options), page_size=page_size, fields=['id'])}


class Baseline:
    """Every pod's id, read with no fault: what a faulted read must equal."""

    def __init__(self, run):
        self.ids = [pod['id'] for pod in run['read']['pods']]

    def fewest_requests(self, page_size=PAGE):
        """A token, one request per page (pages overlap: docs/gates.md), and the count path's request that plans them."""
        stride = page_size - overlap_for(page_size)
        pages = 1 + max(0, -(-(len(self.ids) - page_size) // stride))
        return 1 + pages + (1 if pages > 2 else 0)


def page_offset(index, page_size=PAGE):
    """The offset the pager asks for page `index` (0 is the first) of a listing that does not change."""
    return index * (page_size - overlap_for(page_size))


@pytest.fixture(scope='module')
def baseline(settled_simulator):
    return Baseline(run_tasks([listing_task(settled_simulator)]))


def sent(sim, path_pattern):
    return [request for request in sim.requests() if re.search(path_pattern, request['path'])]


def run_verbose(tasks, *simulators):
    """Run at -vvvv, as the secret scan requires, and scan what the run showed and wrote."""
    run = run_tasks(tasks, verbosity=4)
    assert scan_for_secrets(run, simulators) == []
    return run


@pytest.fixture
def counted():
    """Counts the fault case for docs/reliability.md when the test gets to the end."""
    yield
    FIGURES['fault cases passed'] += 1


def one_clear_sentence(run, result):
    assert 'Traceback' not in run.output and 'object at 0x' not in run.output and 'HTTPConnectionPool' not in run.everything
    assert '\n' not in result['msg']
    return result['msg']


# id, faults, connection options, expected: 'complete' or (the exact message, requests made); a message
# ending in `...` is the start of the message
COMPLETE = 'complete'
AHEAD = 2  # pages a read may ask for past those that hold its scope (SPEC section 3)
CASES = [
    ('429 Retry-After seconds', [dict(status=429, retry_after='1', path=LISTING)], {}, COMPLETE),
    ('429 Retry-After HTTP date', [dict(status=429, retry_after='HTTP-DATE+2', path=LISTING)], {}, COMPLETE),
    ('503 burst shorter than the retry budget', [dict(status=503, count=2, path=LISTING)], {}, COMPLETE),
    ('500 burst as long as the retry budget', [dict(status=500, count=3, path=LISTING)], {}, COMPLETE),
    ('502 burst longer than the retry budget', [dict(status=502, count=4, path=LISTING)], {},
     ('Run:ai API request failed: HTTP 502 from GET /api/v1/workloads/pods: ...', 5)),
    ('502 HTML once', [dict(status=502, body='html', path=LISTING)], {}, COMPLETE),
    ('502 HTML throughout', [dict(status=502, body='html', count=10, path=LISTING)], {'retries': 1},
     ('Run:ai API request failed: HTTP 502 from GET /api/v1/workloads/pods: the answer was an HTML page, not an API error '
     '(a proxy or gateway in front of Run:ai may have answered) (after 2 attempts)', 3)),
    ('504 with no retries', [dict(status=504, body='empty', count=10, path=LISTING)], {'retries': 0},
     ('Run:ai API request failed: HTTP 504 from GET /api/v1/workloads/pods: the answer had an empty body', 2)),
    ('one answer slower than timeout', [dict(delay_ms=2500, path=LISTING)], {'timeout': 1}, COMPLETE),
    ('every answer slower than timeout', [dict(delay_ms=2500, count=10, path=LISTING)], {'timeout': 1, 'retries': 1},
     ('Run:ai did not answer GET /api/v1/workloads/pods within the timeout of 1 second (after 2 attempts)', 3)),
    ('connection dropped before the answer', [dict(drop='before', path=LISTING)], {}, COMPLETE),
    ('connection dropped mid-body', [dict(drop='mid_body', path=LISTING)], {}, COMPLETE),
    ('connection dropped mid-body throughout', [dict(drop='mid_body', count=10, path=LISTING)], {'retries': 2},
     ('The connection to Run:ai at BASE_URL broke during GET /api/v1/workloads/pods (after 3 attempts)', 4)),
    ('200 with a truncated body', [dict(body='truncated', path=LISTING)], {},
     ('Run:ai answered GET /api/v1/workloads/pods with HTTP 200 but the body is not valid JSON (...', 2)),
    ('200 with a body that is not JSON', [dict(body='not_json', path=LISTING)], {},
     ('Run:ai answered GET /api/v1/workloads/pods with HTTP 200 but the body is not valid JSON (...', 2)),
    ('200 with an empty body', [dict(body='empty', path=LISTING)], {},
     ('Run:ai answered GET /api/v1/workloads/pods with HTTP 200 but the body is not valid JSON (0 bytes)', 2)),
    ('token path 503 twice', [dict(status=503, count=2, path=TOKEN)], {}, COMPLETE),
    ('token path 500 throughout', [dict(status=500, count=10, path=TOKEN)], {},
     ('Run:ai API request failed: HTTP 500 from POST /api/v1/token: ...', 4)),
    ('token path dropped throughout', [dict(drop='before', count=10, path=TOKEN)], {'retries': 1},
     ('The connection to Run:ai at BASE_URL broke during POST /api/v1/token' + PLAIN_HTTP_HINT + ' (after 2 attempts)', 2)),
]


def materialise(fault):
    if fault.get('retry_after', '').startswith('HTTP-DATE+'):
        seconds = int(fault['retry_after'].split('+')[1])
        fault = dict(fault, retry_after=email.utils.formatdate(time.time() + seconds, usegmt=True))
    return fault


@pytest.mark.parametrize('case, faults, options, expected', CASES, ids=[case[0] for case in CASES])
def test_fault(sim, baseline, counted, case, faults, options, expected):
    for fault in faults:
        sim.add_fault(**materialise(fault))
    run = run_verbose([listing_task(sim, **options)], sim)
    result = run['read']
    if expected == COMPLETE:
        assert result.get('failed') is False, result.get('msg')
        assert [pod['id'] for pod in result['pods']] == baseline.ids
        # Each faulted answer costs one more request; nothing else changes.
        fewest = baseline.fewest_requests() + sum(fault.get('count', 1) for fault in faults)
        assert fewest <= result['requests'] <= fewest + AHEAD, case
        assert sim.faults() == []
    else:
        expected_message, expected_requests = expected
        message = one_clear_sentence(run, result).replace(sim.base_url, 'BASE_URL')
        if expected_message.endswith('...'):
            assert message.startswith(expected_message[:-3]), message
        else:
            assert message == expected_message
        assert result['requests'] == expected_requests


def test_tokens_expiring_during_a_50_page_listing(sim, baseline, counted):
    # Three times in one listing every token issued so far is revoked; the listing must still be whole.
    assert len(baseline.ids) >= 40 * 50
    for index in (10, 25, 40):
        sim.add_fault(expire_tokens=True, path=LISTING, query='offset=%d&' % page_offset(index, 40))
    run = run_verbose([listing_task(sim, page_size=40)], sim)
    assert [pod['id'] for pod in run['read']['pods']] == baseline.ids
    assert len(sent(sim, TOKEN)) == 4
    assert len([request for request in sent(sim, LISTING) if request['status'] == 401]) >= 3


def test_concurrent_pages_with_faults_on_random_pages(sim, baseline, counted):
    # Pages are fetched concurrently after the first: faults on some of them must not lose, repeat or reorder pods.
    faults = ((2, dict(status=503)), (5, dict(drop='mid_body')), (7, dict(status=429, retry_after='1')),
              (8, dict(delay_ms=1500)), (3, dict(status=502, body='html', count=2)))
    for index, fault in faults:
        sim.add_fault(path=LISTING, query='offset=%d&' % page_offset(index), **fault)
    run = run_verbose([listing_task(sim, timeout=1)], sim)
    assert [pod['id'] for pod in run['read']['pods']] == baseline.ids
    fewest = baseline.fewest_requests() + 6
    assert fewest <= run['read']['requests'] <= fewest + AHEAD
    assert sim.faults() == []


def test_concurrent_metrics_with_faults_on_some_pods(sim, inventory, counted):
    workload = inventory['examples']['workloadWith100Pods']
    task = {'name': 'metrics', 'runai.platform.runai_pod_metrics_info': dict(connection(sim), workload_id=workload,
                                                                             metric_types=['GPU_UTILIZATION'], samples=5,
                                                                             start='2026-11-27T10:00:00Z', end='2026-11-27T10:10:00Z')}
    clean = run_tasks([task])['metrics']
    for index, fault in enumerate((dict(status=503), dict(drop='before'), dict(status=500, count=2), dict(delay_ms=300))):
        sim.add_fault(path='/pods/%s/metrics$' % clean['pods'][index * 20]['pod_id'], **fault)
    faulted = run_verbose([task], sim)['metrics']
    assert faulted['pods'] == clean['pods'] and faulted['stats'] == clean['stats']
    assert faulted['requests'] == clean['requests'] + 4  # one list request, then exactly one per pod and per faulted answer
    assert sim.faults() == []


def stop_once_a_list_is_answered(sim):
    """Stop `sim` from a thread once it has answered a list request (the wait's first poll)."""
    def watch():
        for _check in range(600):
            if any(request['path'] == '/api/v1/workloads/pods' for request in sim.requests()):
                break
            time.sleep(0.1)
        sim.stop()
    stopper = threading.Thread(target=watch, daemon=True)
    stopper.start()
    return stopper


def test_the_control_plane_going_away_mid_run(counted):
    with start_simulator('--pods', '500', '--seed', '7') as doomed:
        stopper = stop_once_a_list_is_answered(doomed)
        gate = dict(connection(doomed, retries=1), wait=True, wait_for='`false`', wait_timeout=4, wait_sleep=1, return_pods=False)
        run = run_verbose([{'name': 'gate', MODULE: gate}], doomed)
        stopper.join()
    message = one_clear_sentence(run, run['gate'])
    # Polling goes on through connection errors until wait_timeout (SPEC 3a), and the failure ends with the
    # last one: refused if it went away between two requests, broken if in the middle of one.
    assert message.startswith('after ') and message.endswith((
        'Cannot connect to Run:ai at %s: connection refused (after 2 attempts)' % doomed.base_url,
        'The connection to Run:ai at %s broke during GET /api/v1/workloads/pods' % doomed.base_url + PLAIN_HTTP_HINT + ' (after 2 attempts)')), message
    assert run['gate']['requests'] >= 3


@pytest.mark.parametrize('variant, reason', [
    ('wrong CA', 'unable to get local issuer certificate'),
    ('expired', 'certificate has expired'),
    ('wrong-host', "IP address mismatch, certificate is not valid for '127.0.0.1'"),
])
def test_tls_failures_are_one_sentence(tls_simulator, counted, variant, reason):
    arguments = ['--pods', '50', '--tls'] + ([] if variant == 'wrong CA' else ['--tls-cert', variant])
    with start_simulator(*arguments) as server:
        ca_path = tls_simulator.ca_path if variant == 'wrong CA' else server.ca_path
        run = run_verbose([{'name': 'read', MODULE: dict(connection(server, ca_path=ca_path, retries=3), count_only=True)}], server)
    assert one_clear_sentence(run, run['read']) == (
        "TLS certificate verification of %s failed (%s); set ca_path to the CA bundle that signed the server's certificate, "
        'or validate_certs to false to skip verification' % (server.base_url, reason))
    assert run['read']['requests'] == 1  # a certificate does not get better by asking again
