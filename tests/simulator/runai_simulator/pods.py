"""Pod creation with coherent timestamps and placements, within the pod budget of the run."""

from .model import Pod
from .topology import new_uuid

# In the healthy node pool a problem phase becomes its healthy counterpart.
HEALTHY_EQUIVALENT = {'Pending': 'Running', 'Failed': 'Succeeded', 'Unknown': 'Running'}
COMPLETED_PHASES = ('Succeeded', 'Failed')


class PodFactory:
    """Hands out exactly `budget` pods, each consistent: created <= started <= completed <= deleted <= anchor."""

    def __init__(self, rng, anchor_ms, budget):
        self.rng = rng
        self.anchor_ms = anchor_ms
        self.remaining = budget
        self.pods = []

    def between(self, low_ms, high_ms):
        """A random instant in [low, high]; `low` when the window is empty."""
        if high_ms <= low_ms:
            return low_ms
        return low_ms + int(self.rng.random() * (high_ms - low_ms))

    def create(self, workload, name, phase, created_ms, end_ms, deleted=False, node_filter=None):
        """One pod of `workload`; its completion and deletion fall before `end_ms`. None once the budget is spent."""
        if self.remaining <= 0:
            return None
        self.remaining -= 1
        if workload.pool.healthy_by_design:
            phase = HEALTHY_EQUIVALENT.get(phase, phase)
        pod = Pod(workload, new_uuid(self.rng), name, phase)
        pod.created_ms = created_ms
        if phase == 'Pending':
            self._leave_unscheduled(pod)
        else:
            self._schedule(pod, end_ms, node_filter)
        if deleted:
            last_event_ms = pod.completed_ms or pod.phase_updated_ms
            pod.deleted_ms = self.between(last_event_ms, min(end_ms, self.anchor_ms))
        pod.updated_ms = pod.deleted_ms or pod.completed_ms or self.between(pod.phase_updated_ms, self.anchor_ms)
        workload.pods.append(pod)
        self.pods.append(pod)
        return pod

    def _leave_unscheduled(self, pod):
        # A pending pod has no node; the scheduler may already have settled on its node pool.
        if self.rng.random() < 0.5:
            pod.node_pool = pod.workload.pool.name
        pod.phase_updated_ms = pod.created_ms

    def _schedule(self, pod, end_ms, node_filter):
        rng = self.rng
        nodes = pod.workload.pool.nodes
        if node_filter is not None:
            nodes = [node for node in nodes if node_filter(node)] or nodes
        node = rng.choice(nodes)
        devices = pod.workload.resources.gpu_devices
        first_gpu = rng.randrange(node.gpus - devices + 1) if 0 < devices <= node.gpus else 0
        pod.place(node, first_gpu)
        pod.started_ms = pod.created_ms + min(rng.randint(5000, 180000), max(0, end_ms - pod.created_ms) // 4)
        if pod.phase in COMPLETED_PHASES:
            pod.completed_ms = self.between(pod.started_ms + 1000, end_ms)
            pod.phase_updated_ms = pod.completed_ms
        elif pod.phase == 'Unknown':
            pod.phase_updated_ms = self.between(pod.started_ms, end_ms)
        else:
            pod.phase_updated_ms = pod.started_ms
