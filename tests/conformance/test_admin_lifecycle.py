"""Pod lifecycle through the admin paths: the API answers every change at once, consistently, and reset undoes it."""

import concurrent.futures
import datetime
import uuid

import pytest

from harness import SimulatorError

PODS_PATH = '/api/v1/workloads/pods'
COUNT_PATH = '/api/v1/workloads/pods/count'
GPU_TYPES = ['GPU_UTILIZATION', 'CPU_USAGE_CORES']


@pytest.fixture(autouse=True)
def restore_world_after(sim):
    """Every test here changes the session simulator's pods: put the generated world back after each."""
    yield
    sim.reset()


def now_text():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.') + '000Z'


def listed(api, pod_id, **params):
    """The pod with this id in the list answer for `params` (every page), or None."""
    return next((pod for pod in api.all_pods(params=params) if pod['id'] == pod_id), None)


def count(api, *filters, deleted='false'):
    return api.ok(COUNT_PATH, [('filterBy', item) for item in filters] + [('deleted', deleted)])['count']


def legacy_ids(api, cluster_id):
    return {pod['podId'] for pod in api.ok('/v1/k8s/clusters/%s/pods' % cluster_id)}


def metrics(api, pod):
    window = {'metricType': ','.join(GPU_TYPES), 'start': '2026-11-20T10:00:00Z', 'end': '2026-11-20T11:00:00Z',
              'numberOfSamples': 3}
    answer = api.get('/api/v1/workloads/%s/pods/%s/metrics' % (pod['workloadId'], pod['id']), window)
    return answer.status, [series['type'] for series in answer.json()['measurements']]


def test_phase_change_moves_timestamps_and_completion(api, sim, inventory):
    pending = inventory['examples']['pendingPod']
    before = listed(api, pending['podId'])
    started = now_text()
    failed = sim.set_pod(pending['podId'], k8sPhase='Failed')
    assert failed == listed(api, pending['podId'])          # the answer is the pod as the API renders it
    assert failed['k8sPhase'] == 'Failed'
    assert failed['k8sPhaseUpdatedAt'] == failed['updatedAt'] == failed['completedAt'] >= started
    assert failed['createdAt'] == before['createdAt'] and failed['id'] == before['id']
    assert listed(api, pending['podId'], completed='true') == failed
    assert listed(api, pending['podId'], completed='false') is None
    assert count(api, 'completedAt>=' + started) == 1

    running = sim.set_pod(pending['podId'], k8sPhase='Running')
    assert running['completedAt'] is None and running['k8sPhaseUpdatedAt'] >= failed['k8sPhaseUpdatedAt']
    assert listed(api, pending['podId'], completed='false') == running
    assert count(api, 'completedAt>=' + started) == 0


def test_same_phase_moves_only_updated_at(api, sim, inventory):
    pod = inventory['examples']['completedPod']
    before = listed(api, pod['podId'])
    after = sim.set_pod(pod['podId'], k8sPhase=before['k8sPhase'])
    assert after['updatedAt'] > before['updatedAt']
    assert {key: value for key, value in after.items() if key != 'updatedAt'} == \
        {key: value for key, value in before.items() if key != 'updatedAt'}


def test_node_and_node_pool_changes_follow_filters_and_sorting(api, sim, inventory):
    pending = inventory['examples']['pendingPod']
    pod = sim.set_pod(pending['podId'], k8sPhase='Running', nodeName='dgx-1', currentNodePool='h200')
    assert (pod['nodeName'], pod['currentNodePool'], pod['k8sPhase']) == ('dgx-1', 'h200', 'Running')
    assert pod['containers'][0]['startedAt'] is not None and pod['ip'] is not None
    assert [found['id'] for found in api.all_pods(params={'filterBy': 'nodeName==dgx-1'})] == [pod['id']]
    assert [found['id'] for found in api.all_pods(params={'filterBy': 'currentNodepool==h200'})] == [pod['id']]
    first_by_node = api.ok(PODS_PATH, {'sortBy': 'nodeName', 'limit': 1})['pods'][0]
    assert first_by_node['id'] == pod['id']                 # 'dgx-1' sorts before every generated node name
    phases = sim.inventory(workloads=False)['phases']
    assert (phases['Pending'], phases['Running']) == (inventory['phases']['Pending'] - 1, inventory['phases']['Running'] + 1)

    unplaced = sim.set_pod(pending['podId'], nodeName=None, currentNodePool=None)
    assert unplaced['nodeName'] is None and unplaced['currentNodePool'] is None and unplaced['k8sPhase'] == 'Running'
    assert count(api, 'nodeName==dgx-1') == 0
    assert unplaced == listed(api, pending['podId'])


def test_new_workload_with_pending_pods(api, sim, inventory):
    cluster = inventory['clusters'][1]
    workload_id = str(uuid.uuid4())
    answer = sim.add_workload(pods=3, workload_id=workload_id, cluster_id=cluster['id'], node_pool='a100', name='llm-sweep')
    assert answer['workload'] == {'id': workload_id, 'name': 'llm-sweep', 'clusterId': cluster['id']}
    pods = answer['pods']
    assert [pod['name'] for pod in pods] == ['llm-sweep-0', 'llm-sweep-1', 'llm-sweep-2']
    assert all(pod['k8sPhase'] == 'Pending' and pod['nodeName'] is None and pod['completedAt'] is None
               and pod['requestedNodePools'] == ['a100'] for pod in pods)
    assert api.all_pods('/api/v1/workloads/%s/pods' % workload_id) == pods
    assert count(api, 'workloadId==' + workload_id) == 3
    assert api.ok(PODS_PATH, {'filterBy': 'workloadId==' + workload_id, 'verbosity': 'full'})['pods'][0]['workloadName'] == 'llm-sweep'
    # New pods are the newest: last in the default order.
    assert [pod['id'] for pod in api.ok(PODS_PATH, {'sortOrder': 'desc', 'limit': 3})['pods']] == [pod['id'] for pod in reversed(pods)]
    assert metrics(api, pods[0]) == (207, ['CPU_USAGE_CORES'])     # never scheduled: no GPU metrics
    assert {pod['id'] for pod in pods} <= legacy_ids(api, cluster['id'])
    entry = next(item for item in sim.inventory()['workloads'] if item['id'] == workload_id)
    assert (entry['pods'], entry['phases']['Pending'], entry['nodePool']) == (3, 3, 'a100')

    with pytest.raises(SimulatorError, match='answered 409'):
        sim.add_workload(workload_id=workload_id)


def test_new_workload_defaults_and_running_pods(api, sim, inventory):
    answer = sim.add_workload(k8s_phase='Running')
    assert answer['workload']['clusterId'] == inventory['clusters'][0]['id']
    (pod,) = answer['pods']
    assert pod['nodeName'] in [node['name'] for node in inventory['nodes']] and pod['currentNodePool'] is not None
    assert pod['allocatedResources']['gpu'] == 1.0
    assert metrics(api, pod) == (200, GPU_TYPES)


def test_add_pods_to_a_workload(api, sim, inventory):
    workload_id = inventory['examples']['workloadWith100Pods']
    added = sim.add_pods(workload_id, count=2, k8s_phase='Running')
    assert len(added) == 2 and {pod['workloadId'] for pod in added} == {workload_id}
    assert len({pod['name'] for pod in api.all_pods('/api/v1/workloads/%s/pods' % workload_id)}) == 102
    assert count(api, 'workloadId==' + workload_id) == 102
    added_pending = sim.add_pods(workload_id)
    assert added_pending[0]['k8sPhase'] == 'Pending' and added_pending[0]['nodeName'] is None
    with pytest.raises(SimulatorError, match='answered 404'):
        sim.add_pods(str(uuid.uuid4()))


def test_delete_pod(api, sim, inventory):
    pod = inventory['examples']['multiGpuPod']
    live_before, deleted_before = count(api), count(api, deleted='true')
    assert pod['podId'] in legacy_ids(api, pod['clusterId'])
    started = now_text()
    deleted = sim.delete_pod(pod['podId'])
    assert deleted['deletedAt'] == deleted['updatedAt'] >= started
    assert listed(api, pod['podId']) is None
    assert listed(api, pod['podId'], deleted='true') == deleted
    assert (count(api), count(api, deleted='true')) == (live_before - 1, deleted_before + 1)
    assert count(api, 'deletedAt>=' + started, deleted='true') == 1
    workload_pods = api.all_pods('/api/v1/workloads/%s/pods' % pod['workloadId'], {'deleted': 'true'})
    assert deleted in workload_pods
    assert metrics(api, deleted)[0] == 200                  # deleted pods keep their metrics
    assert pod['podId'] not in legacy_ids(api, pod['clusterId'])
    with pytest.raises(SimulatorError, match='answered 409'):
        sim.delete_pod(pod['podId'])


@pytest.mark.parametrize('call, status, message', [
    (lambda sim: sim.set_pod(str(uuid.uuid4()), k8sPhase='Failed'), 404, 'No pod has the id'),
    (lambda sim: sim.delete_pod(str(uuid.uuid4())), 404, 'No pod has the id'),
    (lambda sim: sim.set_pod(sim.inventory(workloads=False)['examples']['pendingPod']['podId'], k8sPhase='Done'), 400,
     "Invalid k8sPhase 'Done': must be one of Pending, Running, Succeeded, Failed, Unknown"),
    (lambda sim: sim.set_pod(sim.inventory(workloads=False)['examples']['pendingPod']['podId'], phase='Failed'), 400,
     'Unknown key phase in the body; the keys are k8sPhase, nodeName, currentNodePool'),
    (lambda sim: sim.add_workload(pods=-1), 400, "Invalid pods -1: must be an integer from 0 to 100000"),
    (lambda sim: sim.add_workload(node_pool='h900'), 400, "Unknown nodePool 'h900' in cluster prod-us-east"),
    (lambda sim: sim.add_workload(workload_id='not-a-uuid'), 400, "Invalid id 'not-a-uuid': must be a UUID"),
], ids=['unknown-pod', 'delete-unknown-pod', 'bad-phase', 'unknown-key', 'negative-count', 'unknown-pool', 'bad-id'])
def test_bad_changes_are_refused(sim, call, status, message):
    with pytest.raises(SimulatorError) as caught:
        call(sim)
    assert 'answered %d' % status in str(caught.value) and message in str(caught.value)


def test_reset_restores_the_generated_world(api, sim, inventory, live_pods):
    first_page = api.ok(PODS_PATH, {'limit': 500})
    examples = inventory['examples']
    sim.set_pod(examples['pendingPod']['podId'], k8sPhase='Running', nodeName='dgx-9')
    sim.delete_pod(examples['cpuOnlyPod']['podId'])
    workload_id = sim.add_workload(pods=5)['workload']['id']
    sim.add_pods(examples['inferenceWorkload'], count=3)
    assert sim.inventory() != inventory
    sim.reset()
    assert sim.inventory() == inventory
    assert api.ok(PODS_PATH, {'limit': 500}) == first_page
    assert api.all_pods(params={'verbosity': 'full'}) == live_pods
    assert api.get('/api/v1/workloads/%s/pods' % workload_id).status == 404


def test_admin_changes_are_not_in_the_request_log(api, sim, inventory):
    api.ok(COUNT_PATH)
    sim.set_pod(inventory['examples']['pendingPod']['podId'], k8sPhase='Unknown')
    sim.add_workload()
    assert [entry['path'] for entry in sim.requests()] == [COUNT_PATH]


def test_readers_never_see_half_a_change(api, sim, inventory, make_client):
    """Pages and counts read while pods change are each consistent: no error, no pod twice, count = list."""
    pods = [pod['podId'] for pod in (inventory['examples']['pendingPod'], inventory['examples']['completedPod'])]
    workload_id = inventory['examples']['workloadWith100Pods']

    def read(_round):
        client = make_client(sim)
        try:
            listed_ids = [pod['id'] for pod in client.all_pods('/api/v1/workloads/%s/pods' % workload_id, limit=500)]
            return len(listed_ids) == len(set(listed_ids)) and client.get(COUNT_PATH).status == 200
        finally:
            client.close()

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        readers = [pool.submit(read, number) for number in range(24)]
        for number in range(30):
            sim.set_pod(pods[number % 2], k8sPhase=('Running', 'Failed', 'Pending')[number % 3])
            sim.add_pods(workload_id)
        assert all(reader.result() for reader in readers)
    assert count(api, 'workloadId==' + workload_id) == 130 == len(api.all_pods('/api/v1/workloads/%s/pods' % workload_id))
