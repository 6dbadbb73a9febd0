"""GET /_sim/inventory: what was generated, so tests know which ids, pools and pods to ask about."""

import collections

from .model import PHASES, PROBLEM_PHASES
from .timefmt import format_ms


def _phase_counts(pods):
    counts = collections.Counter(pod.phase for pod in pods)
    return {phase: counts.get(phase, 0) for phase in PHASES}


def pod_reference(pod):
    return {'workloadId': pod.workload_id, 'podId': pod.id, 'podName': pod.name, 'clusterId': pod.cluster_id,
            'phase': pod.phase, 'deleted': pod.deleted_ms is not None, 'gpus': list(pod.gpu_devices),
            'advancedMetrics': bool(pod.node and pod.node.advanced_metrics and pod.gpu_devices),
            'workloadType': pod.workload.kind}


def _pools(world, live_pods):
    by_pool = collections.defaultdict(list)
    for pod in live_pods:
        # A pending pod without a node pool counts in the pool its workload asked for.
        by_pool[(pod.cluster_id, pod.node_pool or pod.workload.pool.name)].append(pod)
    pools = []
    for cluster in world.clusters:
        for pool in cluster.pools:
            pods = by_pool.get((cluster.id, pool.name), [])
            phases = _phase_counts(pods)
            pools.append({'clusterId': cluster.id, 'clusterName': cluster.name, 'name': pool.name,
                          'gpuModel': pool.gpu_model or None, 'gpusPerNode': pool.gpus_per_node,
                          'nodes': [node.name for node in pool.nodes], 'livePods': len(pods), 'phases': phases,
                          'healthy': not any(phases[phase] for phase in PROBLEM_PHASES),
                          'healthyByDesign': pool.healthy_by_design})
    return pools


def _workload_entry(workload):
    live = [pod for pod in workload.pods if pod.deleted_ms is None]
    return {'id': workload.id, 'name': workload.name, 'type': workload.kind, 'clusterId': workload.cluster.id,
            'projectId': workload.project.id, 'projectName': workload.project.name, 'nodePool': workload.pool.name,
            'gpuProfile': workload.gpu_profile, 'gpusPerPod': workload.resources.gpu_allocated,
            'pods': len(workload.pods), 'livePods': len(live), 'deletedPods': len(workload.pods) - len(live),
            'phases': _phase_counts(live), 'revisions': list(workload.revisions)}


def running(pod):
    return pod.phase == 'Running' and pod.deleted_ms is None


def _first(pods, predicate):
    return next((pod_reference(pod) for pod in pods if predicate(pod)), None)


def _examples(world, pools):
    special = {label: workload.id for label, workload in world.special.items()}
    pods = world.pods
    return {
        'healthyNodePool': next(({'clusterId': p['clusterId'], 'name': p['name']} for p in pools if p['healthyByDesign']), None),
        'unhealthyNodePool': next(({'clusterId': p['clusterId'], 'name': p['name']} for p in pools if not p['healthy']), None),
        'workloadWith100Pods': special.get('hundred_pods'),
        'runningTrainingWorkload': special.get('busy_training'),
        'busyTrainingWorkload': special.get('busy_training'),
        'idleTrainingWorkload': special.get('idle_training'),
        'inferenceWorkload': special.get('inference'),
        'specialWorkloads': special,
        'podWithAdvancedMetrics': _first(pods, lambda pod: running(pod) and pod.gpu_devices and pod.node.advanced_metrics),
        'podWithoutAdvancedMetrics': _first(pods, lambda pod: running(pod) and pod.gpu_devices and not pod.node.advanced_metrics),
        'multiGpuPod': _first(pods, lambda pod: running(pod) and len(pod.gpu_devices) > 1),
        'fractionalGpuPod': _first(pods, lambda pod: running(pod) and pod.gpu_devices and pod.workload.resources.gpu_allocated < 1),
        'inferencePod': _first(pods, lambda pod: running(pod) and pod.workload.kind == 'inference'),
        'cpuOnlyPod': _first(pods, lambda pod: running(pod) and not pod.workload.resources.gpu_devices),
        'pendingPod': _first(pods, lambda pod: pod.phase == 'Pending' and pod.deleted_ms is None),
        'deletedPod': _first(pods, lambda pod: pod.deleted_ms is not None),
        'completedPod': _first(pods, lambda pod: pod.completed_ms is not None and pod.deleted_ms is None),
        'podWithRevision': _first(pods, lambda pod: pod.revision_id is not None),
    }


def build_inventory(world, with_workloads=True):
    live_pods = world.view.live
    pools = _pools(world, live_pods)
    inventory = {
        'seed': world.seed,
        'anchor': format_ms(world.anchor_ms),
        'tenantId': world.tenant_id,
        'pods': len(world.pods),
        'livePods': len(live_pods),
        'deletedPods': len(world.pods) - len(live_pods),
        'phases': _phase_counts(live_pods),
        'clusters': [{'id': cluster.id, 'name': cluster.name, 'nodePools': [pool.name for pool in cluster.pools]}
                     for cluster in world.clusters],
        'nodePools': pools,
        'nodes': [{'name': node.name, 'clusterId': node.cluster_id, 'nodePool': node.pool_name, 'gpus': node.gpus,
                   'advancedMetrics': node.advanced_metrics}
                  for cluster in world.clusters for pool in cluster.pools for node in pool.nodes],
        'projects': [{'id': project.id, 'name': project.name, 'clusterId': project.cluster_id, 'namespace': project.namespace}
                     for project in world.projects],
        'examples': _examples(world, pools),
    }
    if with_workloads:
        inventory['workloads'] = [_workload_entry(workload) for workload in world.workloads]
    return inventory
