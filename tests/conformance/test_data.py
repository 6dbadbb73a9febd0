"""The generated data: every phase, coherent timestamps, realistic resources, and the fixtures gates rely on."""

import collections
import datetime

PHASES = {'Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'}
KINDS = ('training', 'distributed', 'inference', 'workspace')


def instant(text):
    return datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))


def test_every_phase_and_some_completed_and_deleted(live_pods, deleted_pods, inventory):
    assert {pod['k8sPhase'] for pod in live_pods} == PHASES
    assert any(pod['completedAt'] for pod in live_pods)
    assert len(live_pods) + len(deleted_pods) == inventory['pods']
    assert inventory['phases'] == dict(collections.Counter(pod['k8sPhase'] for pod in live_pods))


def test_timestamps_are_coherent_and_before_the_anchor(live_pods, deleted_pods, inventory):
    anchor = instant(inventory['anchor'])
    for pod in live_pods + deleted_pods:
        created = instant(pod['createdAt'])
        started = pod['containers'][0]['startedAt']
        moments = [created] + [instant(value) for value in (started, pod['completedAt'], pod['deletedAt']) if value]
        assert moments == sorted(moments) and moments[-1] <= anchor, pod['name']
        assert created <= instant(pod['k8sPhaseUpdatedAt']) <= instant(pod['updatedAt']) <= anchor
        if pod['k8sPhase'] in ('Succeeded', 'Failed'):
            assert pod['completedAt']
        else:
            assert pod['completedAt'] is None


def test_pending_pods_have_no_node(live_pods):
    pending = [pod for pod in live_pods if pod['k8sPhase'] == 'Pending']
    assert pending
    for pod in pending:
        assert pod['nodeName'] is None and pod['ip'] is None and pod['containers'][0]['startedAt'] is None
        assert pod['currentNodePool'] in (None, pod['requestedNodePools'][0])
    assert {pod['currentNodePool'] is None for pod in pending} == {True, False}


def test_scheduled_pods_have_node_ip_and_started_containers(live_pods):
    for pod in live_pods:
        if pod['k8sPhase'] != 'Pending':
            assert pod['nodeName'] and pod['ip'] and pod['currentNodePool'] and pod['containers'][0]['startedAt']


def test_resources_are_varied(live_pods):
    running = [pod for pod in live_pods if pod['k8sPhase'] == 'Running']
    allocations = {pod['allocatedResources']['gpu'] for pod in running}
    assert 0.0 in allocations and any(0 < gpu < 1 for gpu in allocations) and any(gpu >= 2 for gpu in allocations)
    request_types = {pod['requestedResources'].get('gpuRequestType') for pod in live_pods}
    assert request_types == {'portion', 'memory', None}
    assert any(pod.get('nodeAffinity') for pod in live_pods) and not all(pod.get('nodeAffinity') for pod in live_pods)
    assert all(pod['tolerations'] and pod['containers'][0]['image'] and isinstance(pod['tenantId'], int) for pod in live_pods)


def test_revision_ids_only_on_inference_pods(live_pods):
    with_revision = [pod for pod in live_pods if pod['revisionId']]
    assert with_revision and all(pod['workloadName'].startswith('inference-') for pod in with_revision)


def test_workload_types_are_visible_in_names_and_inventory(inventory, live_pods):
    names = {workload['id']: workload for workload in inventory['workloads']}
    assert {workload['type'] for workload in inventory['workloads']} == set(KINDS)
    for pod in live_pods:
        workload = names[pod['workloadId']]
        assert pod['workloadName'] == workload['name'] and workload['name'].startswith(workload['type'] + '-')


def test_a_healthy_node_pool_and_troubled_ones(api, inventory):
    healthy = inventory['examples']['healthyNodePool']
    for deleted in ('false', 'true'):
        pods = api.all_pods(params=[('filterBy', 'clusterId==' + healthy['clusterId']),
                                    ('filterBy', 'currentNodepool==' + healthy['name']), ('deleted', deleted)])
        assert pods and not {pod['k8sPhase'] for pod in pods} & {'Pending', 'Failed', 'Unknown'}
    troubled = [pool for pool in inventory['nodePools'] if not pool['healthy']]
    assert troubled and all(pool['phases']['Pending'] + pool['phases']['Failed'] + pool['phases']['Unknown'] for pool in troubled)


def test_a_running_training_workload_whose_pods_all_run(api, inventory):
    workload_id = inventory['examples']['runningTrainingWorkload']
    pods = api.all_pods('/api/v1/workloads/%s/pods' % workload_id)
    assert pods and {pod['k8sPhase'] for pod in pods} == {'Running'}
    assert not api.all_pods('/api/v1/workloads/%s/pods' % workload_id, {'deleted': 'true'})


def test_inventory_examples_point_at_real_pods(api, inventory):
    for name, example in inventory['examples'].items():
        if isinstance(example, dict) and 'podId' in example:
            pods = api.all_pods('/api/v1/workloads/%s/pods' % example['workloadId'],
                                {'deleted': 'true' if example['deleted'] else 'false'})
            assert example['podId'] in {pod['id'] for pod in pods}, name
