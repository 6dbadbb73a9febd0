"""GET /api/v1/workloads/{workloadId}/pods and the deprecated GET /v1/k8s/clusters/{uuid}/pods."""

import pytest

UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000'
LEGACY_KEYS = {'podId', 'podName', 'jobId', 'podGroupId', 'clusterUuid', 'imageName', 'phase', 'status', 'created',
               'completed', 'lastUpdated', 'dynamicData', 'existsInCluster', 'resourceRequest', 'resourceAllocation', 'namespace'}


def ids(pods):
    return [pod['id'] for pod in pods]


def workload_path(workload_id):
    return '/api/v1/workloads/%s/pods' % workload_id


def test_workload_pods_are_the_pods_with_that_workload_id(api, live_pods, deleted_pods, inventory):
    for workload in inventory['workloads'][:40]:
        live = api.all_pods(workload_path(workload['id']))
        assert ids(live) == [pod['id'] for pod in live_pods if pod['workloadId'] == workload['id']]
        deleted = api.all_pods(workload_path(workload['id']), {'deleted': 'true'})
        assert ids(deleted) == [pod['id'] for pod in deleted_pods if pod['workloadId'] == workload['id']]
        assert (len(live), len(deleted)) == (workload['livePods'], workload['deletedPods'])


def test_the_benchmark_workload_has_exactly_100_live_pods(api, inventory):
    workload_id = inventory['examples']['workloadWith100Pods']
    pods = api.all_pods(workload_path(workload_id), limit=30)
    assert len(pods) == 100 and api.last_pages == 4
    assert api.ok('/api/v1/workloads/pods/count', {'filterBy': 'workloadId==' + workload_id})['count'] == 100


def test_workload_pods_paging_and_search(api, inventory):
    workload_id = inventory['examples']['workloadWith100Pods']
    page = api.ok(workload_path(workload_id), {'limit': 10, 'offset': 90})
    assert len(page['pods']) == 10 and 'next' not in page
    assert api.ok(workload_path(workload_id), {'limit': 10, 'offset': 80})['next'] == 90
    assert api.ok(workload_path(workload_id))['next'] == 50
    found = api.ok(workload_path(workload_id), {'search': 'WORKER-9', 'limit': 500})['pods']
    assert sorted(pod['name'].rsplit('-', 1)[1] for pod in found) == sorted(['9'] + [str(n) for n in range(90, 99)])


def test_workload_pods_ignore_the_list_only_parameters(api, inventory):
    workload_id = inventory['examples']['workloadWith100Pods']
    plain = api.ok(workload_path(workload_id), {'limit': 500})
    # The API does not take these here; even invalid values are ignored.
    ignored = api.ok(workload_path(workload_id), {'limit': 500, 'sortBy': 'bogus', 'filterBy': 'nodeName==x',
                                                  'verbosity': 'loud', 'completed': 'maybe'})
    assert plain == ignored


@pytest.mark.parametrize('params', [{'limit': 0}, {'limit': 501}, {'offset': -1}, {'deleted': 'nope'}])
def test_workload_pods_bad_parameters_are_400(api, inventory, params):
    assert api.get(workload_path(inventory['examples']['workloadWith100Pods']), params).status == 400


def test_unknown_workload_is_404_and_malformed_id_400(api):
    answer = api.get(workload_path(UNKNOWN_UUID))
    assert answer.status == 404 and answer.json()['code'] == 404
    assert api.get(workload_path('1234')).status == 400


def test_legacy_list_is_every_live_pod_of_the_cluster(api, live_pods, inventory):
    for cluster in inventory['clusters']:
        legacy = api.ok('/v1/k8s/clusters/%s/pods' % cluster['id'])
        assert isinstance(legacy, list)
        expected = {pod['id']: pod for pod in live_pods if pod['clusterId'] == cluster['id']}
        assert [pod['podId'] for pod in legacy] == list(expected)
        for pod in legacy:
            assert LEGACY_KEYS <= set(pod)
            current = expected[pod['podId']]
            assert pod['clusterUuid'] == cluster['id'] and pod['jobId'] == current['workloadId'] and pod['existsInCluster']
            assert pod['phase'] == current['k8sPhase'] and pod['podName'] == current['name']
            assert pod.get('nodeId') == current['nodeName'] and pod.get('nodePool') == current['currentNodePool']
            assert pod['resourceAllocation']['gpu'] == current['allocatedResources']['gpu']
            assert all(isinstance(pod[key], int) for key in ('created', 'completed', 'lastUpdated'))
            assert pod['created'] > 1_600_000_000_000      # epoch milliseconds, not seconds


def test_legacy_unknown_cluster_is_404_with_code_and_message_only(api):
    for cluster_id in (UNKNOWN_UUID, 'not-a-uuid'):
        answer = api.get('/v1/k8s/clusters/%s/pods' % cluster_id)
        assert answer.status == 404
        assert set(answer.json()) == {'code', 'message'}


def test_legacy_takes_no_paging(api, inventory):
    cluster_id = inventory['clusters'][0]['id']
    assert api.ok('/v1/k8s/clusters/%s/pods' % cluster_id, {'limit': 1}) == api.ok('/v1/k8s/clusters/%s/pods' % cluster_id)
