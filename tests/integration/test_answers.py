# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Answers that are JSON but not what the API promises, and reads that break while a gate waits (SPEC 3a, 6).

The simulator serves only well-formed pods, so malformed answers come from a scripted HTTP server
(tests/unit/scripted_server.py) in this process; the modules still run through ansible-playbook, as a
user runs them. The 404 in the middle of a waiting read is the simulator's own fault injection.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import uuid

import pytest

from playbook_runner import connection, run_tasks
from scripted_server import Reply, ScriptedServer

MODULE = 'runai.platform.runai_pods_info'
METRICS = 'runai.platform.runai_pod_metrics_info'
LISTING = '/api/v1/workloads/pods'
WORKLOAD = '8d1a2c3e-4b5f-4a6b-8c7d-9e0f1a2b3c4d'
POD = '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9'
CLUSTER = '0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5'


def good_pod(number):
    return {'id': str(uuid.UUID(int=number + 1)), 'name': 'pod-%d' % number, 'k8sPhase': 'Running', 'nodeName': 'dgx-1',
            'currentNodePool': 'default', 'allocatedResources': {'gpu': 1}, 'workloadId': WORKLOAD}


def listing(total, spoil=None, page_limit=None):
    """A responder listing `total` good pods by offset and limit; `spoil(index, pod)` may replace pod `index`."""
    pods = [good_pod(number) for number in range(total)]
    if spoil:
        pods = [spoil(index, pod) for index, pod in enumerate(pods)]

    def respond(request):
        offset, limit = int(request['params']['offset'][0]), int(request['params']['limit'][0])
        page = pods[offset:offset + min(limit, page_limit or limit)]
        end = offset + len(page)
        return Reply(200, {'pods': page, 'next': end if end < total else None})
    return respond


@pytest.fixture
def server():
    scripted = ScriptedServer()
    yield scripted
    scripted.close()


def scripted(server, **options):
    return dict(base_url=server.base_url, token='scripted-token', retries=0, **options)


def spoiled_at(position, field, value):
    def spoil(index, pod):
        if index != position:
            return pod
        if field is None:
            return value
        changed = dict(pod)
        if '.' in field:
            outer, inner = field.split('.')
            changed[outer] = dict(changed[outer], **{inner: value})
        else:
            changed[field] = value
        return changed
    return spoil


# position (0-based), field (None: the whole pod), value, the message
MALFORMED_PODS = [
    (0, None, None, 'with a pod that is not an object (item 1 of the listing: None)'),
    (502, None, 'pod-502', "with a pod that is not an object (item 503 of the listing: 'pod-502')"),
    (3, 'k8sPhase', ['Running'], "with a pod whose k8sPhase is not a string (item 4 of the listing: ['Running'])"),
    (3, 'nodeName', {'name': 'dgx-1'}, "with a pod whose nodeName is not a string (item 4 of the listing: {'name': 'dgx-1'})"),
    (7, 'allocatedResources', 'lots', "with a pod whose allocatedResources is not an object (item 8 of the listing: 'lots')"),
    (7, 'allocatedResources.gpu', 'four', "with a pod whose allocatedResources.gpu is not a number (item 8 of the listing: 'four')"),
    (7, 'allocatedResources.gpu', True, 'with a pod whose allocatedResources.gpu is not a number (item 8 of the listing: True)'),
]


@pytest.mark.parametrize('position, field, value, message', MALFORMED_PODS, ids=[case[3] for case in MALFORMED_PODS])
@pytest.mark.parametrize('return_pods', [True, False], ids=['held', 'streamed'])
@pytest.mark.client_logic
def test_pods_that_are_not_pod_shaped_fail_with_one_sentence(server, position, field, value, message, return_pods):
    server.responder = listing(600, spoiled_at(position, field, value))
    run = run_tasks([{'name': 'read', MODULE: scripted(server, page_size=250, return_pods=return_pods, query='summary.by_phase')}])
    result = run['read']
    assert result['failed'] is True and 'Traceback' not in run.output
    assert result['msg'] == 'Run:ai answered GET %s %s' % (LISTING, message)
    assert (result['method'], result['path']) == ('GET', LISTING)


@pytest.mark.client_logic
def test_legacy_pods_are_checked_too(server):
    legacy = [{'podId': 'p-%d' % number, 'podName': 'pod-%d' % number, 'phase': 'Running', 'nodeId': 'dgx-1',
               'resourceAllocation': {'gpu': 1}} for number in range(3)]
    legacy[1]['phase'] = ['Running']
    legacy[2]['resourceAllocation'] = 'lots'
    server.responder = lambda request: Reply(200, legacy)
    run = run_tasks([{'name': 'read', MODULE: scripted(server, cluster_id=CLUSTER, legacy_endpoint=True)}])
    assert run['read']['msg'] == ("Run:ai answered GET /v1/k8s/clusters/%s/pods with a pod whose phase is not a string "
                                  "(item 2 of the listing: ['Running'])" % CLUSTER)


def measurement(**changes):
    samples = [{'value': '85', 'timestamp': '2026-11-27T10:00:00Z'}, {'value': 'NaN', 'timestamp': '2026-11-27T10:01:00Z'}]
    good = {'type': 'GPU_UTILIZATION', 'labels': None, 'values': samples}
    good.update(changes)
    return dict((key, value) for key, value in good.items() if value != 'drop')


MALFORMED_MEASUREMENTS = [
    ([measurement(type='drop')], 'with a measurement without a type (measurement 1: None)'),
    ([measurement(), measurement(values='85')], "with a measurement whose values are not a list (measurement 2: '85')"),
    ([measurement(values=[{'value': 'lots', 'timestamp': None}])], "with a sample whose value is not a number (measurement 1: 'lots')"),
    ([measurement(values=[{'value': [85]}])], 'with a sample whose value is not a number (measurement 1: [85])'),
    ([None], 'with a measurement that is not an object (measurement 1: None)'),
]


@pytest.mark.parametrize('measurements, message', MALFORMED_MEASUREMENTS, ids=[case[1] for case in MALFORMED_MEASUREMENTS])
@pytest.mark.client_logic
def test_measurements_that_are_not_measurement_shaped_fail_with_one_sentence(server, measurements, message):
    server.responder = lambda request: Reply(200, {'measurements': measurements})
    run = run_tasks([{'name': 'metrics', METRICS: scripted(server, workload_id=WORKLOAD, pod_id=POD, metric_types=['GPU_UTILIZATION'],
                                                           start='2026-11-27T10:00:00Z', end='2026-11-27T10:10:00Z')}])
    path = '/api/v1/workloads/%s/pods/%s/metrics' % (WORKLOAD, POD)
    assert run['metrics']['msg'] == 'Run:ai answered GET %s %s' % (path, message)
    assert 'Traceback' not in run.output


@pytest.mark.client_logic
def test_a_well_formed_measurement_with_gaps_still_reads(server):
    server.responder = lambda request: Reply(200, {'measurements': [measurement(), measurement(values=None)]})
    run = run_tasks([{'name': 'metrics', METRICS: scripted(server, workload_id=WORKLOAD, pod_id=POD, metric_types=['GPU_UTILIZATION'],
                                                           start='2026-11-27T10:00:00Z', end='2026-11-27T10:10:00Z')}])
    assert run['metrics']['failed'] is False and run['metrics']['stats']['GPU_UTILIZATION']['avg'] == 85.0


# -- protocol errors end a wait at once (SPEC 3a) ---------------------------------------------------------

def no_pods_list(request):
    return Reply(200, {'items': []})


def next_going_back(request):
    offset = int(request['params']['offset'][0])
    return Reply(200, {'pods': [good_pod(offset)], 'next': 0})


PROTOCOL_ERRORS = [
    (no_pods_list, "Run:ai answered GET %s without a 'pods' list" % LISTING),
    (next_going_back, 'Run:ai answered GET %s at offset 0 with next 0, which does not move past that offset; paging stopped '
                      'rather than loop forever' % LISTING),
    (listing(3, spoiled_at(1, None, 'pod-1')), "Run:ai answered GET %s with a pod that is not an object (item 2 of the listing: 'pod-1')" % LISTING),
    (listing(3, spoiled_at(2, 'k8sPhase', 7)), 'Run:ai answered GET %s with a pod whose k8sPhase is not a string (item 3 of the listing: 7)' % LISTING),
]


@pytest.mark.parametrize('responder, message', PROTOCOL_ERRORS, ids=[case[1][len('Run:ai answered GET ') + len(LISTING):] for case in PROTOCOL_ERRORS])
@pytest.mark.client_logic
def test_an_answer_that_breaks_the_protocol_ends_a_wait_at_once(server, responder, message):
    server.responder = responder
    gate = scripted(server, page_size=1, pod_condition="k8sPhase=='Running'", wait=True, wait_timeout=60, wait_sleep=1, return_pods=False)
    run = run_tasks([{'name': 'gate', MODULE: gate}])
    result = run['gate']
    assert result['msg'] == message
    assert result['attempts'] == 1 and (result['method'], result['path']) == ('GET', LISTING)


# -- a 404 in the middle of a waiting read (SPEC 3a) -------------------------------------------------------

@pytest.fixture
def world(sim):
    yield sim
    sim.reset()


@pytest.mark.client_logic
def test_a_404_in_the_middle_of_a_waiting_read_counts_as_no_pods_yet(world):
    # Every read gets its first page, then 404 from the second on: the workload deleted between pages, as
    # the API answers it. The pods of page 1 are all Running; they must not make the gate hold.
    added = world.add_workload(pods=3, k8s_phase='Running', name='gate-vanishing')
    workload = added['workload']['id']
    path = '/api/v1/workloads/%s/pods' % workload
    world.add_fault(status=404, count=1000, path='^%s$' % path, query='offset=[1-9]')
    run = run_tasks([{'name': 'gate', MODULE: dict(connection(world), workload_id=workload, pod_condition="k8sPhase=='Running'",
                                                   page_size=1, wait=True, wait_timeout=2, wait_sleep=1, return_pods=False)}])
    result = run['gate']
    assert result['failed'] is True and result['count'] == 0
    assert result['gate'] == {'held': False, 'reason': 'min_pods', 'pods_checked': 0, 'offender_count': 0, 'offenders': []}
    assert result['msg'] == 'after %d s (%d polls): only 0 pods in scope (workload_id=%s, not created yet); min_pods is 1' % (
        round(result['elapsed']), result['attempts'], workload)


def test_the_lookup_checks_the_pods_too(server):
    server.responder = listing(3, spoiled_at(1, 'k8sPhase', ['Running']))
    expression = "query('runai.platform.runai_pods', base_url='%s', token='scripted-token', retries=0, query='summary')" % server.base_url
    run = run_tasks([{'name': 'lookup', 'ansible.builtin.set_fact': {'value': '{{ %s }}' % expression}}])
    assert run['lookup']['failed'] is True and 'Traceback' not in run.output
    assert ("Run:ai answered GET %s with a pod whose k8sPhase is not a string (item 2 of the listing: ['Running'])" % LISTING) in run['lookup']['msg']
