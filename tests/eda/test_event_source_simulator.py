# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""runai_pod_events against the simulator, pods changed through its admin paths (no rulebook engine)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest

from harness import start_simulator
from running_source import RunningSource

JWT_START = 'eyJ'


@pytest.fixture(scope='module')
def sim():
    with start_simulator('--pods', '300', '--seed', '7') as running:
        yield running


def watching(source, sim, **args):
    arguments = dict(base_url=sim.base_url, client_id=sim.client_id, client_secret=sim.client_secret, interval=1)
    arguments.update(args)
    if not any(arguments.get(name) for name in ('cluster_id', 'workload_id', 'revision_id', 'filter_by', 'search')):
        arguments['whole_tenant'] = True
    return RunningSource(source, arguments)


def polls(sim, count=2, timeout=30):
    """Wait until the source has polled `count` more times (its list requests in the simulator's log)."""
    def listed():
        return len([request for request in sim.requests() if request['method'] == 'GET' and request['path'].endswith('/pods')])
    start = listed()
    deadline = time.monotonic() + timeout
    while listed() < start + count:
        assert time.monotonic() < deadline, 'the source stopped polling'
        time.sleep(0.1)


def test_pods_added_changed_and_deleted_are_each_reported_once(source, sim):
    created = sim.add_workload(pods=2, k8s_phase='Pending')
    workload_id = created['workload']['id']
    first, second = [pod['id'] for pod in created['pods']]
    running = watching(source, sim, workload_id=workload_id)
    try:
        running.wait_for(lambda events: any(event['type'] == 'INIT_DONE' for event in events), what='INIT_DONE')
        sim.set_pod(first, k8sPhase='Running', nodeName='dgx-1', currentNodePool='h100')
        added = sim.add_pods(workload_id, count=1)[0]['id']
        sim.delete_pod(second)
        running.wait_for(lambda events: len(events) >= 6, what='the three changes')
        polls(sim, 3)
    finally:
        running.stop()
    assert running.failure is None
    events = running.events
    assert [event['type'] for event in events] == ['ADDED', 'ADDED', 'INIT_DONE', 'MODIFIED', 'ADDED', 'DELETED']
    assert sorted(event['pod']['id'] for event in events[:2]) == sorted([first, second])
    assert events[2]['count'] == 2
    assert events[3]['pod']['id'] == first and events[3]['pod']['k8sPhase'] == 'Running'
    assert events[3]['changes'] == {'k8sPhase': {'old': 'Pending', 'new': 'Running'}, 'nodeName': {'old': None, 'new': 'dgx-1'},
                                    'currentNodePool': {'old': None, 'new': 'h100'}}
    assert events[4]['pod']['id'] == added
    assert events[5]['pod'] == {'id': second, 'k8sPhase': 'Pending', 'nodeName': None, 'currentNodePool': None}


def test_a_workload_that_does_not_exist_yet_is_watched_until_it_does(source, sim):
    workload_id = str(uuid.uuid4())
    running = watching(source, sim, workload_id=workload_id, emit_existing=False)
    try:
        running.wait_for(lambda events: events, what='INIT_DONE')
        polls(sim, 2)
        created = sim.add_workload(pods=1, k8s_phase='Running', workload_id=workload_id)
        running.wait_for(lambda events: len(events) >= 2, what='ADDED')
    finally:
        running.stop()
    assert running.failure is None
    assert [event['type'] for event in running.events] == ['INIT_DONE', 'ADDED']
    assert running.events[0]['count'] == 0
    assert running.events[1]['pod']['id'] == created['pods'][0]['id']


def test_an_outage_is_one_error_and_one_recovered_without_secrets(source, sim, caplog):
    workload_id = sim.add_workload(pods=1, k8s_phase='Running')['workload']['id']
    caplog.set_level(logging.DEBUG)
    running = watching(source, sim, workload_id=workload_id, retries=0)
    try:
        running.wait_for(lambda events: any(event['type'] == 'INIT_DONE' for event in events), what='INIT_DONE')
        sim.add_fault(status=503, count=4)
        running.wait_for(lambda events: events[-1]['type'] == 'ERROR', what='ERROR')
        polls(sim, 3)
        sim.clear_faults()
        running.wait_for(lambda events: events[-1]['type'] == 'RECOVERED', what='RECOVERED')
    finally:
        running.stop()
        sim.clear_faults()
    kinds = [event['type'] for event in running.events]
    assert kinds == ['ADDED', 'INIT_DONE', 'ERROR', 'RECOVERED']
    error = running.events[2]
    assert error['status'] == 503
    assert error['message'].startswith('Run:ai API request failed: HTTP 503 from GET /api/v1/workloads/%s/pods: ' % workload_id)
    shown = json.dumps(running.events) + caplog.text
    assert sim.client_secret not in shown and JWT_START not in shown and 'Bearer' not in shown
    assert 'Run:ai answers again, ' in caplog.text


def test_a_pod_that_completes_leaves_a_scope_of_pods_not_completed_and_says_so(source, sim):
    """completed: false: a pod that fails leaves the scope. Its DELETED says it completed, and how (issue 20 item 5)."""
    created = sim.add_workload(pods=2, k8s_phase='Running', name='eda-completed-scope')
    failing, deleted = [pod['id'] for pod in created['pods']]
    running = watching(source, sim, cluster_id=created['workload']['clusterId'], completed=False, emit_existing=False)
    try:
        running.wait_for(lambda events: events, what='INIT_DONE')
        sim.set_pod(failing, k8sPhase='Failed')
        sim.delete_pod(deleted)
        running.wait_for(lambda events: len(events) >= 3, what='two DELETED')
    finally:
        running.stop()
    left = dict((event['pod']['id'], event) for event in running.events[1:])
    assert [event['type'] for event in running.events[1:]] == ['DELETED', 'DELETED'] and set(left) == {failing, deleted}
    assert left[failing]['reason'] == 'completed' and left[failing]['pod']['k8sPhase'] == 'Failed'
    assert left[failing]['changes'] == {'k8sPhase': {'old': 'Running', 'new': 'Failed'}}
    assert left[failing]['pod']['completedAt'] is not None
    # Deleted while running: no reason the source can tell, its last known state.
    assert 'reason' not in left[deleted] and left[deleted]['pod']['k8sPhase'] == 'Running'


def test_rejected_credentials_end_the_source_with_one_sentence(source, sim):
    running = watching(source, sim, client_secret='not-the-secret-1234')
    running.wait_for(lambda events: False, what='the end of the source')
    message = str(running.failure)
    assert message.startswith("runai_pod_events: Run:ai rejected the credentials of client_id '%s': HTTP 401 from POST /api/v1/token" % sim.client_id)
    assert '\n' not in message and 'not-the-secret-1234' not in message
    assert running.events == []


def test_a_retry_after_longer_than_the_interval_delays_the_next_poll(sim):
    """A 429 asking for 500 s: one ERROR, and the next poll waits those 500 s, not the 1 s interval."""
    from ansible_collections.runai.platform.plugins.module_utils import _watch, _watch_arguments
    workload_id = sim.add_workload(pods=1, k8s_phase='Running')['workload']['id']
    watch = _watch_arguments.read_arguments(dict(base_url=sim.base_url, client_id=sim.client_id, client_secret=sim.client_secret,
                                                 workload_id=workload_id, interval=1), {})
    events, pauses = [], []

    class Queue:
        async def put(self, event):
            events.append(event)

    async def pause(seconds):
        pauses.append(seconds)
        if len(pauses) == 2:
            raise EOFError()

    async def run():
        with pytest.raises(EOFError):
            # The watch's clock stands still: the pause is exactly what the server asked for, however long the poll took.
            await _watch.watch_pods(Queue(), watch, watch.client(), clock=lambda: 1000.0, sleep=pause)
    sim.add_fault(status=429, retry_after='500', count=1, path='/api/v1/workloads/%s/pods$' % workload_id)
    try:
        asyncio.run(run())
    finally:
        sim.clear_faults()
    assert [event['type'] for event in events] == ['ERROR', 'RECOVERED', 'ADDED', 'INIT_DONE']
    assert events[0]['status'] == 429 and 'asked to retry after 500 seconds' in events[0]['message']
    assert pauses[0] == 500


def test_the_pods_of_one_inference_revision_are_watched(source, sim):
    from ansible_collections.runai.platform.plugins.module_utils import _watch_arguments
    from ansible_collections.runai.platform.plugins.module_utils._pod_reads import fetch_pod_list
    example = sim.inventory(workloads=False)['examples']['podWithRevision']
    connection = dict(base_url=sim.base_url, client_id=sim.client_id, client_secret=sim.client_secret)
    workload = _watch_arguments.read_arguments(dict(connection, workload_id=example['workloadId']), {})
    pods = fetch_pod_list(workload.client(), workload.pod_query)
    chosen = next(pod for pod in pods if pod.get('revisionId') and pod['k8sPhase'] != 'Failed')  # a live pod of a live revision
    revision = chosen['revisionId']
    in_revision = sorted(pod['id'] for pod in pods if pod['revisionId'] == revision)
    sim.clear_requests()
    running = watching(source, sim, revision_id=revision)
    try:
        running.wait_for(lambda events: any(event['type'] == 'INIT_DONE' for event in events), what='INIT_DONE')
        sim.set_pod(chosen['id'], k8sPhase='Failed')
        running.wait_for(lambda events: events[-1]['type'] == 'MODIFIED', what='MODIFIED')
    finally:
        running.stop()
    assert running.failure is None
    assert sorted(event['pod']['id'] for event in running.events if event['type'] == 'ADDED') == in_revision
    assert running.events[-1]['pod']['id'] == chosen['id']
    assert running.events[-1]['changes'] == {'k8sPhase': {'old': chosen['k8sPhase'], 'new': 'Failed'}}
    listed = set(request['path'] for request in sim.requests() if request['path'].endswith('/pods'))
    assert listed == {'/api/v1/workloads/inferences/revisions/%s/pods' % revision}


def test_a_control_plane_that_never_answers_is_an_error_after_one_timeout_not_after_every_attempt(source, sim):
    """Pages held for a minute, timeout 1 s and 6 retries: the poll is given up as hung after about 3 s without an
    answer, long before the client's own seven attempts would have ended with their message."""
    workload_id = sim.add_workload(pods=1, k8s_phase='Running')['workload']['id']
    running = watching(source, sim, workload_id=workload_id, timeout=1, retries=6)
    try:
        running.wait_for(lambda events: any(event['type'] == 'INIT_DONE' for event in events), what='INIT_DONE')
        sim.add_fault(delay_ms=60000, count=1000, path='/api/v1/workloads/%s/pods$' % workload_id)
        running.wait_for(lambda events: events[-1]['type'] == 'ERROR', timeout=60, what='ERROR')
    finally:
        running.stop()
        sim.clear_faults()
    error = running.events[-1]
    assert error == {'type': 'ERROR', 'observed_at': error['observed_at'], 'message': (
        'Run:ai answered nothing for 3 seconds (the timeout of 1 second, and 2 more) during a poll of the pods; the poll was given up')}


CANCEL_PROBE = """
import asyncio, json, runpy, signal, sys
# Ctrl-C as it reaches a process in the foreground of a terminal: a test run started in the background of a shell
# (make test &) hands its children SIGINT ignored, and the probe would then never see it.
signal.signal(signal.SIGINT, signal.default_int_handler)
source = runpy.run_path(sys.argv[1])

class Queue:
    async def put(self, event):
        print(event['type'], flush=True)

asyncio.run(source['main'](Queue(), json.loads(sys.argv[2])))
"""


def test_ctrl_c_ends_the_source_process_while_slow_pages_are_in_flight(source_path, sim):
    """Pages 2 and 3 of a 1,200-pod workload take two minutes (the pager's workers fetch them); Ctrl-C must not wait."""
    workload_id = sim.add_workload(pods=1200, k8s_phase='Running')['workload']['id']
    path = '/api/v1/workloads/%s/pods' % workload_id
    sim.add_fault(delay_ms=120000, path=path + '$', query='offset=[1-9]', count=1000)
    arguments = dict(base_url=sim.base_url, client_id=sim.client_id, client_secret=sim.client_secret, workload_id=workload_id)
    env = dict((name, value) for name, value in os.environ.items() if name not in ('PYTHONPATH',))
    probe = subprocess.Popen([sys.executable, '-c', CANCEL_PROBE, source_path, json.dumps(arguments)], env=env,  # pylint: disable=consider-using-with
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while 1000 - sim.faults()[0]['remaining'] < 2:  # two slow pages taken by the simulator, not answered
            assert time.monotonic() < deadline and probe.poll() is None, probe.communicate(timeout=5)
            time.sleep(0.1)
        probe.send_signal(signal.SIGINT)
        probe.wait(60)
        slow_pages_answered = [request for request in sim.requests() if request['path'] == path and 'offset=0' not in request['query']]
    finally:
        if probe.poll() is None:
            probe.kill()
        sim.clear_faults()
    output, errors = probe.communicate(timeout=10)
    assert slow_pages_answered == [], 'the process waited for the slow pages'
    assert output.split() == ['ADDED'] * 500  # the first page's events went out before the slow pages came
    assert 'Traceback' not in errors or 'KeyboardInterrupt' in errors
