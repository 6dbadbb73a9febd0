"""The simulated control plane's objects: clusters, node pools, nodes, projects, workloads and pods."""

import dataclasses

PHASES = ('Pending', 'Running', 'Succeeded', 'Failed', 'Unknown')
# Phases a health gate treats as a problem; the healthy node pool never holds a pod in one of them.
PROBLEM_PHASES = frozenset(('Pending', 'Failed', 'Unknown'))


@dataclasses.dataclass(frozen=True)
class Node:
    name: str
    cluster_id: str
    pool_name: str
    gpus: int
    gpu_memory_gib: int
    # DCGM profiling (the 'Advanced GPU Metrics' of the API) is off on one node in three.
    advanced_metrics: bool


@dataclasses.dataclass
class NodePool:
    name: str
    cluster_id: str
    gpu_model: str
    gpus_per_node: int
    gpu_memory_gib: int
    healthy_by_design: bool
    nodes: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Cluster:
    id: str
    name: str
    index: int
    pools: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class Project:
    id: str
    name: str
    cluster_id: str

    @property
    def namespace(self):
        return 'runai-' + self.name


@dataclasses.dataclass(frozen=True)
class Resources:
    """What every pod of a workload requests, and what a scheduled one is allocated."""
    gpu_request_type: object      # 'portion', 'memory' or None (CPU only)
    gpu_request: object           # GPUs requested (portion), None otherwise
    gpu_memory_request: object    # e.g. '20Gi' with the 'memory' request type, None otherwise
    gpu_devices: int              # devices a scheduled pod holds (0 for CPU only)
    gpu_allocated: float          # allocatedResources.gpu of a scheduled pod
    cpu_request: float
    cpu_limit: object
    memory_request_gib: int
    memory_limit_gib: object


@dataclasses.dataclass
class Workload:
    id: str
    name: str
    kind: str
    cluster: Cluster
    project: Project
    pool: NodePool
    created_ms: int
    resources: Resources
    images: tuple                 # container images, the first one is the main container's
    priority_class: str
    gpu_profile: str              # 'busy', 'moderate' or 'idle': how hard its GPUs work in metrics
    requested_pools: tuple
    node_affinity: bool
    revisions: tuple = ()         # inference only, oldest first
    pods: list = dataclasses.field(default_factory=list)


def default_order(pod):
    """The API's order without sortBy: createdAt, then id."""
    return (pod.created_ms, pod.id)


class Pod:
    """One pod's facts; its JSON is rendered on first use (see render.py).

    Once the world is built a pod is never changed in place: a change makes a new Pod (evolve())
    that replaces the old one, so a request rendering the old one still sees one consistent pod,
    and the JSON cached on the old object can never be served for the new state.
    """
    __slots__ = ('id', 'name', 'workload', 'cluster_id', 'workload_id', 'revision_id',
                 'node', 'node_name', 'node_pool', 'phase', 'created_ms', 'started_ms',
                 'completed_ms', 'deleted_ms', 'phase_updated_ms', 'updated_ms', 'first_gpu', 'nim_latency_factor', 'brief_json')

    def __init__(self, workload, pod_id, name, phase):
        self.id = pod_id
        self.name = name
        self.workload = workload
        self.cluster_id = workload.cluster.id
        self.workload_id = workload.id
        self.revision_id = None
        self.node = None
        self.node_name = None
        self.node_pool = None
        self.phase = phase
        self.created_ms = 0
        self.started_ms = None
        self.completed_ms = None
        self.deleted_ms = None
        self.phase_updated_ms = 0
        self.updated_ms = 0
        self.first_gpu = 0
        # Multiplies its NIM latencies (an admin knob: a slow revision for a rollout gate).
        self.nim_latency_factor = 1.0
        self.brief_json = None              # the rendered brief JSON text, filled on first use

    def evolve(self, **changes):
        """A copy with `changes` (attribute -> value) applied and nothing rendered yet."""
        twin = Pod.__new__(Pod)
        for name in Pod.__slots__:
            setattr(twin, name, getattr(self, name))
        twin.brief_json = None
        for name, value in changes.items():
            setattr(twin, name, value)
        return twin

    def latest_ms(self):
        """Its latest timestamp: a change is never dated before it, whatever the wall clock says."""
        return max(stamp for stamp in (self.created_ms, self.started_ms, self.completed_ms, self.deleted_ms,
                                       self.phase_updated_ms, self.updated_ms) if stamp is not None)

    def place(self, node, first_gpu):
        self.node = node
        self.node_name = node.name
        self.node_pool = node.pool_name
        self.first_gpu = first_gpu

    @property
    def gpu_devices(self):
        """Indexes (on its node) of the GPU devices the pod holds or held; none if never scheduled."""
        if self.node is None:
            return ()
        return tuple(range(self.first_gpu, self.first_gpu + self.workload.resources.gpu_devices))
