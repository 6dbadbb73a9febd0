# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""runai_pods_info through ansible-playbook against the simulator: what users see and what was sent."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from collections import Counter

import pytest

from playbook_runner import connection, run_tasks

MODULE = 'runai.platform.runai_pods_info'


def pods_task(name, sim, **options):
    return {'name': name, MODULE: dict(connection(sim), **options)}


def list_requests(sim):
    return [request for request in sim.requests() if request['path'].startswith('/api/v1/workloads')]


@pytest.fixture(scope='module')
def every_pod(settled_simulator):
    """Every existing pod, read once with the module (itself checked by test_every_pod_is_read_once)."""
    run = run_tasks([pods_task('all', settled_simulator, verbosity='full')])
    return run['all']['pods']


@pytest.mark.client_logic
def test_every_pod_is_read_once_across_pages(sim):
    run = run_tasks([pods_task('pages', sim, page_size=100), pods_task('count', sim, count_only=True)])
    result, counted = run['pages'], run['count']
    ids = [pod['id'] for pod in result['pods']]
    assert result['changed'] is False and result['count'] == len(ids) == counted['count'] > 1000
    assert len(set(ids)) == len(ids)
    assert result['summary']['total'] == len(ids)
    assert sum(result['summary']['by_phase'].values()) == len(ids)
    offsets = sorted(int(request['params']['offset'][0]) for request in list_requests(sim) if request['path'] == '/api/v1/workloads/pods')
    # Each page starts 2 pods (its overlap) before the end of the one before it (docs/gates.md, "Reads on a living tenant").
    assert offsets[0] == 0 and all(later - earlier == 98 for earlier, later in zip(offsets, offsets[1:]))
    assert offsets[-1] < len(ids) <= offsets[-1] + 100
    assert all(request['params']['limit'] == ['100'] for request in list_requests(sim) if request['path'] == '/api/v1/workloads/pods')
    token_requests = [request for request in sim.requests() if request['path'] == '/api/v1/token']
    assert len(token_requests) == 2  # one per task
    assert result['requests'] == len(offsets) + 2  # and the token, and the count that bounds the concurrent plan


@pytest.mark.client_logic
def test_summary_matches_the_pods(every_pod, sim):
    run = run_tasks([pods_task('summary', sim, return_pods=False)])
    summary = run['summary']['summary']
    assert run['summary']['pods'] == []
    assert summary['by_phase'] == dict(Counter(pod['k8sPhase'] for pod in every_pod))
    assert summary['by_node'] == dict(Counter(pod.get('nodeName') or '' for pod in every_pod))
    assert summary['by_nodepool'] == dict(Counter(pod.get('currentNodePool') or '' for pod in every_pod))
    gpus = sum((pod.get('allocatedResources') or {}).get('gpu') or 0 for pod in every_pod)
    assert summary['gpu_allocated'] == pytest.approx(gpus)
    assert set(summary['by_phase']) >= {'Pending', 'Running', 'Succeeded', 'Failed'}


@pytest.mark.client_logic
def test_filters_cluster_and_dates_are_sent_as_the_api_expects(every_pod, sim):
    pod = next(pod for pod in every_pod if pod.get('nodeName'))
    node_prefix = pod['nodeName'][:-1]
    run = run_tasks([pods_task('filtered', sim, cluster_id=pod['clusterId'], filter_by=['nodeName=^' + node_prefix, 'createdAt>=2020-01-01'])])
    expected = [each['id'] for each in every_pod if each['clusterId'] == pod['clusterId'] and (each.get('nodeName') or '').startswith(node_prefix)]
    assert sorted(each['id'] for each in run['filtered']['pods']) == sorted(expected)
    sent = list_requests(sim)[0]
    assert sent['params']['filterBy'] == ['nodeName=^%s,createdAt>=2020-01-01T00:00:00.000Z,clusterId==%s' % (node_prefix, pod['clusterId'])]


@pytest.mark.client_logic
def test_a_filter_value_with_a_comma_is_sent_as_repeated_parameters(sim):
    run = run_tasks([pods_task('comma', sim, filter_by=['nodeName!@a,b', 'nodeName!=x'])])
    assert run['comma']['failed'] is False
    assert list_requests(sim)[0]['params']['filterBy'] == ['nodeName!@a,b', 'nodeName!=x']


@pytest.mark.client_logic
def test_sorting_verbosity_and_search(every_pod, sim):
    name = every_pod[0]['name']
    run = run_tasks([
        pods_task('sorted', sim, sort_by='createdAt', sort_order='desc', max_pods=50),
        pods_task('full', sim, verbosity='full', max_pods=5),
        pods_task('brief', sim, max_pods=5),
        pods_task('search', sim, search=name),
    ])
    created = [pod['createdAt'] for pod in run['sorted']['pods']]
    assert created == sorted(created, reverse=True) and len(created) == 50
    assert all('projectName' in pod and 'workloadName' in pod for pod in run['full']['pods'])
    assert not any('projectName' in pod for pod in run['brief']['pods'])
    assert name in [pod['name'] for pod in run['search']['pods']]
    params = [request['params'] for request in list_requests(sim)]
    assert params[0]['sortBy'] == ['createdAt'] and params[0]['sortOrder'] == ['desc']
    assert params[1]['verbosity'] == ['full'] and 'verbosity' not in params[2]
    assert params[3]['search'] == [name]


@pytest.mark.client_logic
def test_completed_and_deleted_select_their_pods(sim):
    run = run_tasks([
        pods_task('completed', sim, completed=True, fields=['completedAt']),
        pods_task('running', sim, completed=False, fields=['completedAt']),
        pods_task('deleted', sim, deleted=True, fields=['deletedAt', 'id']),
    ])
    assert run['completed']['count'] > 0 and all(pod.get('completedAt') for pod in run['completed']['pods'])
    assert run['running']['count'] > 0 and not any(pod.get('completedAt') for pod in run['running']['pods'])
    assert run['deleted']['count'] > 0 and all(pod.get('deletedAt') for pod in run['deleted']['pods'])
    sent = set((tuple(request['params'].get('completed', [])), tuple(request['params'].get('deleted', []))) for request in list_requests(sim))
    assert sent == {(('true',), ()), (('false',), ()), ((), ('true',))}


@pytest.mark.client_logic
def test_offset_and_max_pods(every_pod, sim):
    run = run_tasks([pods_task('window', sim, offset=120, max_pods=130, page_size=50)])
    assert [pod['id'] for pod in run['window']['pods']] == [pod['id'] for pod in every_pod[120:250]]
    for request in list_requests(sim):
        if request['path'] == '/api/v1/workloads/pods/count':
            continue
        offset, limit = int(request['params']['offset'][0]), int(request['params']['limit'][0])
        assert 120 <= offset < 250 and offset + limit <= 250


@pytest.mark.client_logic
def test_fields_return_pods_and_query(every_pod, sim):
    failed = sorted(pod['name'] for pod in every_pod if pod['k8sPhase'] == 'Failed')
    run = run_tasks([
        pods_task('fields', sim, fields=['name', 'k8sPhase', 'nodeName']),
        pods_task('gate', sim, return_pods=False, query="sort(pods[?k8sPhase=='Failed'].name)", fields=['name', 'k8sPhase']),
    ])
    assert all(set(pod) <= {'name', 'k8sPhase', 'nodeName'} for pod in run['fields']['pods'])
    assert run['fields']['summary']['by_nodepool'] == dict(Counter(pod.get('currentNodePool') or '' for pod in every_pod))
    assert run['gate']['pods'] == [] and run['gate']['count'] == len(every_pod)
    assert run['gate']['query_result'] == failed and failed


@pytest.mark.client_logic
def test_count_only_asks_only_the_count_path(every_pod, sim):
    cluster = every_pod[0]['clusterId']
    run = run_tasks([pods_task('count', sim, count_only=True, cluster_id=cluster, query='count')])
    assert run['count']['count'] == sum(1 for pod in every_pod if pod['clusterId'] == cluster) == run['count']['query_result']
    assert run['count']['pods'] == [] and run['count']['summary'] == {
        'total': run['count']['count'], 'by_phase': {}, 'by_node': {}, 'by_nodepool': {}, 'gpu_allocated': 0}
    assert [request['path'] for request in list_requests(sim)] == ['/api/v1/workloads/pods/count']
    assert list_requests(sim)[0]['params']['filterBy'] == ['clusterId==' + cluster]


@pytest.mark.client_logic
def test_workload_pods_and_an_unknown_workload(every_pod, sim):
    workload = Counter(pod['workloadId'] for pod in every_pod).most_common(1)[0][0]
    run = run_tasks([
        pods_task('workload', sim, workload_id=workload, page_size=2),
        pods_task('unknown', sim, workload_id='00000000-0000-4000-8000-000000000000'),
    ])
    assert sorted(pod['id'] for pod in run['workload']['pods']) == sorted(pod['id'] for pod in every_pod if pod['workloadId'] == workload)
    assert run['unknown']['failed'] is True
    assert run['unknown']['msg'].startswith("Workload '00000000-0000-4000-8000-000000000000' was not found: HTTP 404 from GET "
                                            "/api/v1/workloads/00000000-0000-4000-8000-000000000000/pods: ")
    assert run['unknown']['requests'] == 2


def test_legacy_endpoint_returns_legacy_pods_with_a_deprecation(every_pod, sim):
    cluster = every_pod[0]['clusterId']
    run = run_tasks([pods_task('legacy', sim, cluster_id=cluster, legacy_endpoint=True, max_pods=40,
                               query='length(pods[?phase])')])
    result = run['legacy']
    assert result['failed'] is False and result['count'] == 40 == result['query_result']
    assert all({'podId', 'podName', 'phase', 'clusterUuid', 'created'} <= set(pod) for pod in result['pods'])
    assert all(pod['clusterUuid'] == cluster for pod in result['pods'])
    assert sum(result['summary']['by_phase'].values()) == 40
    assert [deprecation['msg'] for deprecation in result['deprecations']] == [
        'legacy_endpoint reads the deprecated GET /v1/k8s/clusters/{uuid}/pods, which control planes after 2.21 no longer serve; '
        'use cluster_id without it']
    assert [request['path'] for request in sim.requests() if request['path'] != '/api/v1/token'] == ['/v1/k8s/clusters/%s/pods' % cluster]


@pytest.mark.client_logic
def test_wait_succeeds_when_the_condition_holds(every_pod, sim):
    by_workload = {}
    for pod in every_pod:
        by_workload.setdefault(pod['workloadId'], []).append(pod['k8sPhase'])
    running = next(workload for workload, phases in by_workload.items() if set(phases) == {'Running'})
    run = run_tasks([
        pods_task('gate', sim, workload_id=running, wait=True, wait_sleep=1, wait_timeout=30,
                  wait_for="count > `0` && length(pods[?k8sPhase!='Running']) == `0`"),
        pods_task('gate without pods', sim, workload_id=running, wait=True, wait_sleep=1, wait_timeout=30, return_pods=False,
                  wait_for="length(pods[?k8sPhase=='Running'])"),
    ])
    result = run['gate']
    assert result['failed'] is False and result['wait_result'] is True and result['attempts'] == 1
    assert result['elapsed'] >= 0 and result['count'] == len(by_workload[running]) == len(result['pods'])
    # return_pods: false drops the pods from the result, not from what wait_for sees.
    assert run['gate without pods']['wait_result'] == len(by_workload[running]) and run['gate without pods']['pods'] == []


@pytest.mark.client_logic
def test_wait_times_out_saying_what_did_not_hold(sim):
    run = run_tasks([pods_task('gate', sim, wait=True, wait_sleep=1, wait_timeout=2, return_pods=False,
                               wait_for="summary.by_phase.Failed == `0`")])
    result = run['gate']
    assert result['failed'] is True
    assert result['msg'] == 'after 2 s (%d polls): wait_for "summary.by_phase.Failed == `0`" did not hold; its last value was false' % (
        result['attempts'])
    assert result['wait_result'] is False and result['attempts'] >= 2 and result['elapsed'] >= 2
    assert result['summary']['by_phase']['Failed'] > 0 and result['pods'] == [] and result['count'] > 0
    assert result['requests'] == len(sim.requests())


def test_check_mode_reads_as_usual(sim):
    run = run_tasks([dict(pods_task('checked', sim, max_pods=3), check_mode=True)])
    assert run['checked']['changed'] is False and run['checked']['count'] == 3
