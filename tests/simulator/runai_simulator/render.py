"""Pods as the API shows them: the Pod1 object of the new endpoints and the legacy Pod object.

Rendering is lazy and cached: building and serialising 200,000 pods up front would take seconds
of start-up, while a page only ever needs its own 500.
"""

import json
import zlib

from .timefmt import format_ms

GIB = 1024 ** 3
# Allocations are held while a pod runs (or its state is unknown); others have released theirs.
HOLDING_PHASES = ('Running', 'Unknown')
LEGACY_STATUS = {'Running': 'Running', 'Pending': 'Pending', 'Succeeded': 'Completed', 'Failed': 'Error', 'Unknown': 'Unknown'}
DEFAULT_TOLERATIONS = (
    {'key': 'node.kubernetes.io/not-ready', 'operator': 'Exists', 'value': '', 'effect': 'NoExecute', 'tolerationSeconds': 300},
    {'key': 'node.kubernetes.io/unreachable', 'operator': 'Exists', 'value': '', 'effect': 'NoExecute', 'tolerationSeconds': 300},
)
GPU_TOLERATION = {'key': 'nvidia.com/gpu', 'operator': 'Exists', 'value': '', 'effect': 'NoSchedule', 'tolerationSeconds': None}


def to_json(document):
    return json.dumps(document, separators=(',', ':'))


def _optional_ms(epoch_ms):
    return None if epoch_ms is None else format_ms(epoch_ms)


def _gib(amount):
    return None if amount is None else '%dGi' % amount


def pod_ip(pod):
    """A stable address from the pod id, inside a per-cluster 10.x/16 range; none before scheduling."""
    if pod.node is None:
        return None
    bits = zlib.crc32(pod.id.encode())
    return '10.%d.%d.%d' % (64 + pod.workload.cluster.index, (bits >> 8) & 255, 1 + bits % 254)


def containers(pod):
    workload = pod.workload
    started = _optional_ms(pod.started_ms)
    if workload.kind == 'inference':
        # Knative serving: the user's container beside its queue-proxy sidecar, which starts a moment later.
        sidecar_started = None if pod.started_ms is None else format_ms(pod.started_ms + 1200)
        return [{'name': 'user-container', 'image': workload.images[0], 'startedAt': started},
                {'name': 'queue-proxy', 'image': workload.images[1], 'startedAt': sidecar_started}]
    return [{'name': workload.name, 'image': workload.images[0], 'startedAt': started}]


def requested_resources(resources):
    requested = {
        'gpu': None if resources.gpu_request is None else {'request': resources.gpu_request, 'limit': resources.gpu_request},
        'gpuMemory': None if resources.gpu_memory_request is None else {'request': resources.gpu_memory_request, 'limit': None},
        'cpu': {'request': resources.cpu_request, 'limit': resources.cpu_limit},
        'cpuMemory': {'request': _gib(resources.memory_request_gib), 'limit': _gib(resources.memory_limit_gib)},
        'extendedResources': None,
    }
    # Left out rather than null for CPU-only pods: the spec's enum does not list null, so a strict
    # validator would refuse it despite `nullable: true`.
    if resources.gpu_request_type is not None:
        requested['gpuRequestType'] = resources.gpu_request_type
    return requested


def holds_resources(pod):
    return pod.phase in HOLDING_PHASES and pod.node is not None


def allocated_gpu(pod):
    return pod.workload.resources.gpu_allocated if holds_resources(pod) else 0.0


def allocated_resources(pod):
    if not holds_resources(pod):
        return {'gpu': 0.0, 'gpuMemory': '0', 'cpu': 0.0, 'cpuMemory': '0', 'extendedResources': None}
    resources = pod.workload.resources
    if resources.gpu_memory_request is not None:
        gpu_memory = resources.gpu_memory_request
    else:
        gpu_memory = '%dGi' % round(resources.gpu_allocated * pod.workload.pool.gpu_memory_gib)
    return {'gpu': resources.gpu_allocated, 'gpuMemory': gpu_memory, 'cpu': resources.cpu_request,
            'cpuMemory': _gib(resources.memory_request_gib), 'extendedResources': None}


def tolerations(resources):
    return ([GPU_TOLERATION] if resources.gpu_devices else []) + list(DEFAULT_TOLERATIONS)


def node_affinity(workload):
    term = {'matchExpressions': [{'key': 'run.ai/node-pool', 'operator': 'In', 'values': list(workload.requested_pools)}]}
    return {'required': {'nodeSelectorTerms': [term]}, 'preferred': None}


def pod_document(pod, tenant_id):
    """The Pod1 object (brief verbosity)."""
    workload = pod.workload
    document = {
        'name': pod.name,
        'priorityClassName': workload.priority_class,
        'id': pod.id,
        'workloadId': workload.id,
        'revisionId': pod.revision_id,
        'clusterId': pod.cluster_id,
        'projectId': workload.project.id,
        'nodeName': pod.node_name,
        'createdAt': format_ms(pod.created_ms),
        'completedAt': _optional_ms(pod.completed_ms),
        'containers': containers(pod),
        'currentNodePool': pod.node_pool,
        'requestedNodePools': list(workload.requested_pools),
        'requestedResources': requested_resources(workload.resources),
        'allocatedResources': allocated_resources(pod),
        'tolerations': tolerations(workload.resources),
        'k8sPhase': pod.phase,
        'ip': pod_ip(pod),
        'tenantId': tenant_id,
        'k8sPhaseUpdatedAt': format_ms(pod.phase_updated_ms),
        'updatedAt': format_ms(pod.updated_ms),
        'deletedAt': _optional_ms(pod.deleted_ms),
    }
    if workload.node_affinity:
        document['nodeAffinity'] = node_affinity(workload)
    return document


def legacy_document(pod):
    """The legacy Pod object of GET /v1/k8s/clusters/{uuid}/pods: epoch milliseconds, no nulls."""
    workload = pod.workload
    resources = workload.resources
    requested_gpu = resources.gpu_request if resources.gpu_request is not None else (resources.gpu_allocated if resources.gpu_devices else 0.0)
    holding = holds_resources(pod)
    document = {
        'podId': pod.id,
        'podName': pod.name,
        'jobId': workload.id,
        # "This had been used as jobId": the same workload id, kept for old readers.
        'podGroupId': workload.id,
        'clusterUuid': pod.cluster_id,
        'imageName': workload.images[0],
        'phase': pod.phase,
        'status': LEGACY_STATUS.get(pod.phase, pod.phase),
        'created': pod.created_ms,
        # Required and not nullable in the legacy schema: 0 stands for "not completed".
        'completed': pod.completed_ms or 0,
        'lastUpdated': pod.updated_ms,
        'dynamicData': {'restartCount': 0},
        'existsInCluster': pod.deleted_ms is None,
        'resourceRequest': {'gpu': requested_gpu, 'cpu': resources.cpu_request, 'memory': resources.memory_request_gib * GIB},
        'resourceAllocation': {'gpu': allocated_gpu(pod), 'cpu': resources.cpu_request if holding else 0.0,
                               'memory': resources.memory_request_gib * GIB if holding else 0},
        'namespace': workload.project.namespace,
    }
    if pod.node_name is not None:
        document['nodeId'] = pod.node_name
    if pod.started_ms is not None:
        document['started'] = pod.started_ms
    if pod.node_pool is not None:
        document['nodePool'] = pod.node_pool
    return document


class PodRenderer:
    """Cached JSON text of each pod; text, not bytes, so a page is one join and one encode."""

    def __init__(self, world):
        self.world = world
        self._full_suffix = {}

    def brief(self, pod):
        text = pod.brief_json
        if text is None:
            # Kept on the pod itself (a slot costs less than a dict entry at 500,000 pods), and a
            # changed pod is a new object, so this text is never stale. Two threads may render the
            # same pod at once; both produce the same text.
            text = pod.brief_json = to_json(pod_document(pod, self.world.tenant_id))
        return text

    def full(self, pod):
        """verbosity=full: the brief object plus projectName and workloadName."""
        workload = pod.workload
        suffix = self._full_suffix.get(workload.id)
        if suffix is None:
            suffix = self._full_suffix[workload.id] = ',"projectName":%s,"workloadName":%s}' % (
                to_json(workload.project.name), to_json(workload.name))
        return self.brief(pod)[:-1] + suffix
