# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Gates (SPEC 3a) through ansible-playbook against the simulator, pod phases changed through its admin paths."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import threading
import time
import uuid
from collections import Counter

import pytest

from playbook_runner import connection, run_tasks

MODULE = 'runai.platform.runai_pods_info'
RUNNING = "k8sPhase=='Running'"
FAILED = "k8sPhase=='Failed'"
LEGACY_OFFENDER_KEYS = {'podId', 'podName', 'jobId', 'phase', 'nodeId', 'nodePool', 'created', 'violates'}
OFFENDER_KEYS = {'id', 'name', 'workloadId', 'k8sPhase', 'nodeName', 'currentNodePool', 'requestedNodePools', 'createdAt',
                 'k8sPhaseUpdatedAt', 'violates'}


def gate_task(name, sim, **options):
    return {'name': name, MODULE: dict(connection(sim), **options)}


def since(pod):
    return re.sub(r'\.\d+Z$', 'Z', pod['k8sPhaseUpdatedAt'])


def api_requests(sim):
    return [request for request in sim.requests() if request['path'] != '/api/v1/token']


@pytest.fixture
def world(sim):
    """The shared simulator, restored to its generated world after a test that changes pods."""
    yield sim
    sim.reset()


@pytest.fixture(scope='module')
def every_pod(settled_simulator):
    return run_tasks([gate_task('all', settled_simulator)])['all']['pods']


def after_first_read(sim, path, change):
    """Run change() in a thread once the simulator has answered a read of `path` (the wait's first poll)."""
    def watch():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(request['path'] == path for request in sim.requests()):
                change()
                return
            time.sleep(0.2)
    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


# -- one read decides ---------------------------------------------------------------------------------

@pytest.mark.client_logic
def test_a_pod_condition_fails_naming_its_offenders(world):
    added = world.add_workload(pods=3, k8s_phase='Pending', name='gate-train')
    workload, pods = added['workload']['id'], added['pods']
    world.set_pod(pods[1]['id'], k8sPhase='Running', nodeName='dgx-1')
    run = run_tasks([gate_task('gate', world, workload_id=workload, pod_condition=RUNNING, return_pods=False)])
    result = run['gate']
    assert result['failed'] is True
    assert result['msg'] == ('2 of 3 pods do not satisfy pod_condition "k8sPhase==\'Running\'": '
                             'gate-train-0 (Pending, no node, since %s), gate-train-2 (Pending, no node, since %s)' % (since(pods[0]), since(pods[2])))
    gate = result['gate']
    assert (gate['held'], gate['reason'], gate['pods_checked'], gate['offender_count']) == (False, 'pod_condition', 3, 2)
    assert [offender['name'] for offender in gate['offenders']] == ['gate-train-0', 'gate-train-2']
    assert all(set(offender) == OFFENDER_KEYS and offender['violates'] == 'pod_condition' for offender in gate['offenders'])
    assert gate['offenders'][0]['id'] == pods[0]['id'] and gate['offenders'][0]['requestedNodePools'] == pods[0]['requestedNodePools']
    assert result['count'] == 3 and result['summary']['by_phase'] == {'Pending': 2, 'Running': 1, 'Succeeded': 0, 'Failed': 0, 'Unknown': 0}


@pytest.mark.client_logic
def test_a_gate_that_holds_says_so(every_pod, sim):
    by_workload = {}
    for pod in every_pod:
        by_workload.setdefault(pod['workloadId'], []).append(pod['k8sPhase'])
    running = next(workload for workload, phases in by_workload.items() if set(phases) == {'Running'} and len(phases) > 1)
    run = run_tasks([gate_task('gate', sim, workload_id=running, pod_condition=RUNNING, fail_condition=FAILED, return_pods=False)])
    assert run['gate']['failed'] is False
    assert run['gate']['gate'] == {'held': True, 'reason': 'held', 'pods_checked': len(by_workload[running]), 'offender_count': 0, 'offenders': []}


@pytest.mark.client_logic
def test_an_empty_scope_fails_and_min_pods_0_accepts_it(every_pod, sim):
    cluster = every_pod[0]['clusterId']
    pool = next(pod['currentNodePool'] for pod in every_pod if pod['clusterId'] == cluster and pod.get('currentNodePool'))
    unknown_cluster = str(uuid.UUID(int=7, version=4))
    run = run_tasks([
        gate_task('wrong case', sim, cluster_id=cluster, filter_by=['currentNodepool==' + pool.upper()], fail_condition=FAILED, return_pods=False),
        gate_task('unknown cluster', sim, cluster_id=unknown_cluster, pod_condition=RUNNING),
        gate_task('accepted', sim, cluster_id=cluster, filter_by=['currentNodepool==' + pool.upper()], fail_condition=FAILED, min_pods=0),
    ])
    assert run['wrong case']['failed'] is True
    assert run['wrong case']['msg'] == 'only 0 pods in scope (cluster_id=%s, filter_by=[currentNodepool==%s]); min_pods is 1' % (cluster, pool.upper())
    assert run['wrong case']['gate'] == {'held': False, 'reason': 'min_pods', 'pods_checked': 0, 'offender_count': 0, 'offenders': []}
    assert run['unknown cluster']['msg'] == 'only 0 pods in scope (cluster_id=%s); min_pods is 1' % unknown_cluster
    assert run['accepted']['failed'] is False and run['accepted']['gate']['held'] is True and run['accepted']['count'] == 0


@pytest.mark.client_logic
def test_offenders_are_capped_and_counted(every_pod, sim):
    cluster = every_pod[0]['clusterId']
    in_cluster = [pod for pod in every_pod if pod['clusterId'] == cluster]
    not_running = [pod for pod in in_cluster if pod['k8sPhase'] != 'Running']
    run = run_tasks([gate_task('gate', sim, cluster_id=cluster, pod_condition=RUNNING, max_offenders=3, return_pods=False)])
    result = run['gate']
    assert len(not_running) > 5
    assert result['gate']['offender_count'] == len(not_running) and result['gate']['pods_checked'] == len(in_cluster)
    assert [offender['id'] for offender in result['gate']['offenders']] == [pod['id'] for pod in not_running[:3]]
    assert result['msg'].startswith('%d of %d pods do not satisfy pod_condition "k8sPhase==\'Running\'": %s (' % (
        len(not_running), len(in_cluster), not_running[0]['name']))
    assert result['msg'].endswith(' and %d more' % (len(not_running) - 5))
    assert result['msg'].count(' (') == 5


@pytest.mark.client_logic
def test_fail_condition_is_judged_before_min_pods_and_pod_condition(world):
    added = world.add_workload(pods=2, k8s_phase='Pending', name='gate-order')
    failed = world.set_pod(added['pods'][0]['id'], k8sPhase='Failed', nodeName='dgx-9')
    run = run_tasks([gate_task('gate', world, workload_id=added['workload']['id'], min_pods=5, pod_condition=RUNNING, fail_condition=FAILED)])
    result = run['gate']
    assert result['msg'] == '1 pod matches fail_condition "k8sPhase==\'Failed\'": gate-order-0 (Failed, node dgx-9, since %s)' % since(failed)
    assert result['gate']['reason'] == 'fail_condition' and result['gate']['offender_count'] == 2
    assert [offender['violates'] for offender in result['gate']['offenders']] == ['fail_condition', 'pod_condition']


@pytest.mark.client_logic
def test_legacy_pods_go_through_the_same_gate(every_pod, sim):
    cluster = every_pod[0]['clusterId']
    run = run_tasks([gate_task('legacy', sim, cluster_id=cluster, legacy_endpoint=True, pod_condition="phase=='Running'", max_offenders=2,
                               return_pods=False)])
    result = run['legacy']
    not_running = [pod for pod in every_pod if pod['clusterId'] == cluster and pod['k8sPhase'] != 'Running']
    assert result['failed'] is True and result['gate']['reason'] == 'pod_condition'
    assert result['gate']['offender_count'] == len(not_running)
    assert len(result['gate']['offenders']) == 2 and all(set(offender) == LEGACY_OFFENDER_KEYS for offender in result['gate']['offenders'])
    assert re.match(r"\d+ of \d+ pods do not satisfy pod_condition \"phase=='Running'\": \S+ \(\w+, (no node|node \S+), created [0-9T:-]+Z\)",
                    result['msg'])


def test_bad_gate_options_are_refused_before_any_request(sim):
    run = run_tasks([
        gate_task('condition', sim, pod_condition="k8sPhase=='Running"),
        gate_task('fail condition', sim, fail_condition='k8sPhase=='),
        gate_task('min pods', sim, min_pods=-1),
        gate_task('max offenders', sim, max_offenders=1001, min_pods=1),
        gate_task('wait without what to wait for', sim, wait=True, fail_condition=FAILED),
    ])
    assert run['condition']['msg'] == ("pod_condition \"k8sPhase=='Running\" is not a valid JMESPath expression: "
                                       "Bad jmespath expression: Unclosed ' delimiter at column 10")
    assert run['fail condition']['msg'].startswith("fail_condition 'k8sPhase==' is not a valid JMESPath expression: ")
    assert run['min pods']['msg'] == 'min_pods must be an integer 0 or more, got -1'
    assert run['max offenders']['msg'] == 'max_offenders must be an integer from 0 to 1000, got 1001'
    assert run['wait without what to wait for']['msg'] == 'wait: true requires wait_for, min_pods or pod_condition: what to wait for'
    assert all(run[name]['requests'] == 0 for name in run.results)
    assert sim.requests() == []


# -- count_only -----------------------------------------------------------------------------------------

@pytest.mark.parametrize('option, value', [('page_size', 100), ('sort_by', 'createdAt'), ('sort_order', 'desc'), ('verbosity', 'full'),
                                           ('fields', ['name']), ('offset', 5)])
def test_count_only_refuses_what_it_cannot_honour(sim, option, value):
    run = run_tasks([gate_task('count', sim, count_only=True, **{option: value})])
    assert run['count']['failed'] is True
    assert run['count']['msg'] == '%s does not apply to count_only (the count path does not take it)' % option
    assert sim.requests() == []


def test_count_only_refuses_per_pod_conditions(sim):
    run = run_tasks([gate_task('pod', sim, count_only=True, pod_condition=RUNNING), gate_task('fail', sim, count_only=True, fail_condition=FAILED)])
    assert run['pod']['msg'] == 'pod_condition does not apply to count_only (it is evaluated on each pod, and count_only reads no pods)'
    assert run['fail']['msg'] == 'fail_condition does not apply to count_only (it is evaluated on each pod, and count_only reads no pods)'
    assert sim.requests() == []


@pytest.mark.client_logic
def test_count_only_judges_min_pods_on_the_count(every_pod, sim):
    cluster = every_pod[0]['clusterId']
    run = run_tasks([
        gate_task('empty', sim, count_only=True, cluster_id=cluster, filter_by=['currentNodepool==NOPE'], min_pods=1),
        gate_task('enough', sim, count_only=True, cluster_id=cluster, min_pods=10),
    ])
    assert run['empty']['msg'] == 'only 0 pods in scope (cluster_id=%s, filter_by=[currentNodepool==NOPE]); min_pods is 1' % cluster
    assert run['enough']['failed'] is False and run['enough']['gate']['pods_checked'] == run['enough']['count'] > 10
    assert isinstance(run['enough']['summary']['gpu_allocated'], float)
    assert set(request['path'] for request in api_requests(sim)) == {'/api/v1/workloads/pods/count'}


def test_gpu_allocated_is_always_a_float(every_pod, sim):
    gpus = Counter()
    for pod in every_pod:
        gpus[pod['workloadId']] += 0 if isinstance((pod.get('allocatedResources') or {}).get('gpu') or 0, int) else 1
    whole_gpus = next(workload for workload, fractional in gpus.items() if fractional == 0)
    run = run_tasks([gate_task('whole', sim, workload_id=whole_gpus, return_pods=False)])
    assert isinstance(run['whole']['summary']['gpu_allocated'], float)


# -- waiting ------------------------------------------------------------------------------------------------

@pytest.mark.client_logic
def test_fail_condition_ends_a_long_wait_at_once(world):
    added = world.add_workload(pods=2, k8s_phase='Pending', name='gate-fast')
    workload, pods = added['workload']['id'], added['pods']
    path = '/api/v1/workloads/%s/pods' % workload
    changed = {}

    def fail_one_pod():
        changed['polls_before'] = [request['path'] for request in world.requests()].count(path)
        changed['pod'] = world.set_pod(pods[1]['id'], k8sPhase='Failed', nodeName='dgx-3')
    after_first_read(world, path, fail_one_pod)
    run = run_tasks([gate_task('gate', world, workload_id=workload, pod_condition=RUNNING, fail_condition=FAILED,
                               wait=True, wait_timeout=60, wait_sleep=1)])
    result = run['gate']
    # The first poll answered after the change ends the wait (one poll may have been under way while the pod changed).
    assert result['attempts'] - changed['polls_before'] in (0, 1), (result['attempts'], changed['polls_before'])
    assert result['msg'] == 'after %d s (%d polls): 1 pod matches fail_condition "k8sPhase==\'Failed\'": gate-fast-1 (Failed, node dgx-3, since %s)' % (
        round(result['elapsed']), result['attempts'], since(changed['pod']))
    assert result['gate']['reason'] == 'fail_condition' and result['wait_result'] is False


@pytest.mark.client_logic
def test_a_wait_succeeds_once_the_pods_are_running(world):
    added = world.add_workload(pods=2, k8s_phase='Pending', name='gate-slow')
    workload, pods = added['workload']['id'], added['pods']

    def start_running():
        for pod in pods:
            world.set_pod(pod['id'], k8sPhase='Running', nodeName='dgx-2', currentNodePool='default')
    after_first_read(world, '/api/v1/workloads/%s/pods' % workload, start_running)
    run = run_tasks([gate_task('gate', world, workload_id=workload, pod_condition=RUNNING, fail_condition=FAILED, min_pods=2,
                               wait=True, wait_timeout=60, wait_sleep=1)])
    result = run['gate']
    assert result['failed'] is False and result['attempts'] >= 2 and result['wait_result'] is True
    assert result['gate'] == {'held': True, 'reason': 'held', 'pods_checked': 2, 'offender_count': 0, 'offenders': []}
    assert {pod['k8sPhase'] for pod in result['pods']} == {'Running'}


@pytest.mark.client_logic
def test_a_workload_not_created_yet_is_waited_for(world):
    workload = str(uuid.uuid4())
    path = '/api/v1/workloads/%s/pods' % workload
    after_first_read(world, path, lambda: world.add_workload(pods=2, k8s_phase='Running', workload_id=workload, name='gate-later'))
    run = run_tasks([gate_task('gate', world, workload_id=workload, pod_condition=RUNNING, wait=True, wait_timeout=60, wait_sleep=1)])
    result = run['gate']
    assert result['failed'] is False and result['attempts'] >= 2 and result['count'] == 2
    assert [request['path'] for request in world.requests()].count(path) == result['attempts']


@pytest.mark.client_logic
def test_a_workload_that_never_appears_times_out_saying_so(sim):
    workload = str(uuid.uuid4())
    run = run_tasks([gate_task('gate', sim, workload_id=workload, pod_condition=RUNNING, wait=True, wait_timeout=2, wait_sleep=1)])
    result = run['gate']
    assert result['msg'] == 'after %d s (%d polls): only 0 pods in scope (workload_id=%s, not created yet); min_pods is 1' % (
        round(result['elapsed']), result['attempts'], workload)
    assert result['gate']['reason'] == 'min_pods' and result['attempts'] >= 2 and 'status' not in result


@pytest.mark.client_logic
def test_transient_errors_let_the_wait_go_on(world):
    added = world.add_workload(pods=1, k8s_phase='Running', name='gate-flaky')
    path = '/api/v1/workloads/%s/pods' % added['workload']['id']
    world.add_fault(status=503, count=2, path='^%s$' % path)
    run = run_tasks([gate_task('gate', world, workload_id=added['workload']['id'], pod_condition=RUNNING, retries=0,
                               wait=True, wait_timeout=60, wait_sleep=1)])
    assert run['gate']['failed'] is False and run['gate']['attempts'] == 3


@pytest.mark.client_logic
def test_a_wait_that_only_saw_errors_names_the_last_one(world):
    added = world.add_workload(pods=1, k8s_phase='Running', name='gate-down')
    path = '/api/v1/workloads/%s/pods' % added['workload']['id']
    world.add_fault(status=503, count=1000, path='^%s$' % path)
    run = run_tasks([gate_task('gate', world, workload_id=added['workload']['id'], pod_condition=RUNNING, retries=0,
                               wait=True, wait_timeout=2, wait_sleep=1)])
    result = run['gate']
    attempts = result['attempts']
    assert result['msg'].startswith('after %d s (%d polls): no poll succeeded; the last error (poll %d): Run:ai API request failed: '
                                    'HTTP 503 from GET %s: ' % (round(result['elapsed']), attempts, attempts, path))
    assert result['status'] == 503 and result['gate']['held'] is False and attempts >= 2


@pytest.mark.client_logic
def test_forbidden_ends_the_wait_at_once(world):
    added = world.add_workload(pods=1, k8s_phase='Pending', name='gate-denied')
    path = '/api/v1/workloads/%s/pods' % added['workload']['id']
    world.add_fault(status=403, count=1000, path='^%s$' % path)
    run = run_tasks([gate_task('gate', world, workload_id=added['workload']['id'], pod_condition=RUNNING, wait=True, wait_timeout=60, wait_sleep=1)])
    result = run['gate']
    assert result['msg'].startswith('The credentials lack permission for this resource: HTTP 403 from GET %s' % path)
    assert result['status'] == 403 and result['attempts'] == 1  # one poll: no second one after a 403
