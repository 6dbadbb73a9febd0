"""Pod lifecycle changes made through the admin paths, and the reset that undoes all of them.

Pods are never changed in place (see model.Pod): a change builds the new Pod, new pod lists and a
new PodsView, then swaps them in under the world's lock. The first time a change touches a pod
id or a workload, its original is journaled, so reset() restores the generated world in time
proportional to the changes, not to the world.
"""

import bisect
import uuid

from .history import ChangeHistory
from .model import Node, Pod, Resources, Workload, default_order
from .pods import COMPLETED_PHASES
from .timefmt import now_ms
from .world import PodsView

# Phases a pod returns to from a completed one: its completedAt is cleared.
ACTIVE_PHASES = ('Pending', 'Running')
NEW_WORKLOAD_KIND = 'training'
NEW_WORKLOAD_IMAGE = 'nvcr.io/nvidia/pytorch:24.05-py3'
NEW_WORKLOAD_PROFILE = 'moderate'
# Fields a change may touch, as the API names them, with the Pod attribute holding each.
WATCHED_FIELDS = (('k8sPhase', 'phase'), ('nodeName', 'node_name'), ('currentNodePool', 'node_pool'))


class ChangeError(Exception):
    """A change that cannot be made: `status` is the admin answer's HTTP status."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def _without(pods, pod):
    """A copy of the default-ordered `pods` without `pod`."""
    position = bisect.bisect_left(pods, default_order(pod), key=default_order)
    return pods[:position] + pods[position + 1:]


def _with(pods, pod):
    """A copy of the default-ordered `pods` with `pod` in its place."""
    position = bisect.bisect_left(pods, default_order(pod), key=default_order)
    return pods[:position] + [pod] + pods[position:]


def _merged(pods, added):
    """A copy of the default-ordered `pods` with the pods `added`; new pods usually go at the end."""
    added = sorted(added, key=default_order)
    if len(added) == 1:
        return _with(pods, added[0])
    if not pods or not added or default_order(pods[-1]) <= default_order(added[0]):
        return pods + added
    return sorted(pods + added, key=default_order)


def _replaced(pods, old, new):
    """A copy of `pods` with `new` where `old` was (same createdAt and id, so the same place)."""
    position = bisect.bisect_left(pods, default_order(old), key=default_order)
    copy = list(pods)
    copy[position] = new
    return copy


def _new_workload_resources(pool):
    """One whole GPU on a GPU pool, CPU only on a CPU pool: simple, and every metric type is meaningful."""
    common = {'cpu_request': 4.0, 'cpu_limit': None, 'memory_request_gib': 16, 'memory_limit_gib': None}
    if pool.gpus_per_node == 0:
        return Resources(gpu_request_type=None, gpu_request=None, gpu_memory_request=None, gpu_devices=0,
                         gpu_allocated=0.0, **common)
    return Resources(gpu_request_type='portion', gpu_request=1.0, gpu_memory_request=None, gpu_devices=1,
                     gpu_allocated=1.0, **common)


def _field_changes(old, new):
    """{field: {old, new}} for the fields of WATCHED_FIELDS that differ between two states of a pod."""
    return {field: {'old': getattr(old, attribute), 'new': getattr(new, attribute)}
            for field, attribute in WATCHED_FIELDS if getattr(old, attribute) != getattr(new, attribute)}


def _between_ids(low, high):
    """A UUID text sorting strictly between two (low may be None: anything below high), or None if there is none."""
    high_value = uuid.UUID(high).int
    low_value = -1 if low is None else uuid.UUID(low).int
    if high_value - low_value < 2:
        return None
    return str(uuid.UUID(int=(low_value + high_value) // 2))


class WorldChanges:
    """Every change names its `source` (admin, script, rate, answer) and may carry a `note` (listAnswer,
    index) for the change history (history.py)."""

    def __init__(self, world):
        self.world = world
        self.history = ChangeHistory()
        self._pristine = world.view
        self._pristine_workloads = world.workloads
        self._original_pods = {}            # pod id -> the generated Pod, or None for a pod added since
        self._original_workload_pods = {}   # workload id -> its generated pod list
        self._added_workloads = 0

    # -- reading ------------------------------------------------------------------------------------
    def pod(self, pod_id):
        pod = self.world.pods_by_id.get(pod_id.lower())
        if pod is None:
            raise ChangeError(404, 'No pod has the id %s' % pod_id)
        return pod

    def workload(self, workload_id):
        workload = self.world.workloads_by_id.get(workload_id.lower())
        if workload is None:
            raise ChangeError(404, 'No workload has the id %s' % workload_id)
        return workload

    # -- changes --------------------------------------------------------------------------------------
    def set_pod(self, pod_id, phase=None, node_name=(), node_pool=(), source='admin', note=None):
        """Change a pod's phase, node (`None` for none) and node pool; `()` leaves one as it is."""
        with self.world.lock:
            pod = self.pod(pod_id)
            now = max(now_ms(), pod.latest_ms())
            fields = {'updated_ms': now}
            if phase is not None and phase != pod.phase:
                fields.update(phase=phase, phase_updated_ms=now)
                if phase in COMPLETED_PHASES:
                    fields['completed_ms'] = now
                elif phase in ACTIVE_PHASES:
                    fields['completed_ms'] = None
                if phase != 'Pending' and pod.started_ms is None:
                    fields['started_ms'] = now      # its containers start when it leaves Pending
            if node_pool != ():
                fields['node_pool'] = node_pool
            if node_name != ():
                fields.update(self._placement(pod, node_name, fields.get('node_pool', pod.node_pool)))
            changed = pod.evolve(**fields)
            self._commit(replaced=[(pod, changed)])
            self.history.record('changed', changed, now, source, fields=_field_changes(pod, changed), **(note or {}))
            return changed

    def delete_pod(self, pod_id, source='admin', note=None):
        with self.world.lock:
            pod = self.pod(pod_id)
            if pod.deleted_ms is not None:
                raise ChangeError(409, 'Pod %s is already deleted' % pod.id)
            now = max(now_ms(), pod.latest_ms())
            deleted = pod.evolve(deleted_ms=now, updated_ms=now)
            self._commit(replaced=[(pod, deleted)])
            self.history.record('deleted', deleted, now, source, **(note or {}))
            return deleted

    def insert_pod(self, before, after=None, phase=None, source='admin', note=None):
        """A new pod placed just before the live pod `before` in the default order (`after` is the pod that
        precedes it there, or None): a twin of `before` (same workload, node, phase, createdAt) with an id
        between the two, so that every filter `before` matches, and every read's order, put it in that place."""
        with self.world.lock:
            low = after.id if after is not None and after.created_ms == before.created_ms else None
            pod_id = _between_ids(low, before.id)
            if pod_id is None or pod_id in self.world.pods_by_id:
                raise ChangeError(409, 'No id fits between %s and %s' % (low, before.id))
            return self._add_twin(before, pod_id, before.created_ms, phase, source, note)

    def append_pod(self, sibling, phase=None, source='admin', note=None):
        """A new pod of `sibling`'s workload and node, created now: after every older pod in the default order."""
        with self.world.lock:
            created = max(now_ms(), self.world.view.live[-1].created_ms + 1 if self.world.view.live else 0, sibling.latest_ms())
            return self._add_twin(sibling, str(uuid.uuid4()), created, phase, source, note)

    def add_workload(self, count, phase, workload_id=None, cluster_id=None, node_pool=None, name=None):
        with self.world.lock:
            world = self.world
            workload_id = (workload_id or str(uuid.uuid4())).lower()
            if workload_id in world.workloads_by_id:
                raise ChangeError(409, 'A workload with the id %s exists already' % workload_id)
            cluster = world.clusters[0] if cluster_id is None else world.clusters_by_id.get(cluster_id.lower())
            if cluster is None:
                raise ChangeError(400, "Unknown clusterId %r; the clusters are %s" % (cluster_id, ', '.join(c.id for c in world.clusters)))
            pools = {pool.name: pool for pool in cluster.pools}
            pool = cluster.pools[0] if node_pool is None else pools.get(node_pool)
            if pool is None:
                raise ChangeError(400, 'Unknown nodePool %r in cluster %s; its node pools are %s'
                                  % (node_pool, cluster.name, ', '.join(pools)))
            self._added_workloads += 1
            project = next(project for project in world.projects if project.cluster_id == cluster.id)
            workload = Workload(
                id=workload_id, name=name or 'sim-added-%04d' % self._added_workloads, kind=NEW_WORKLOAD_KIND,
                cluster=cluster, project=project, pool=pool, created_ms=now_ms(), resources=_new_workload_resources(pool),
                images=(NEW_WORKLOAD_IMAGE,), priority_class='train', gpu_profile=NEW_WORKLOAD_PROFILE,
                requested_pools=(pool.name,), node_affinity=False)
            world.workloads = world.workloads + [workload]
            world.workloads_by_id[workload.id] = workload
            self._original_workload_pods.setdefault(workload.id, None)
            pods = self._new_pods(workload, count, phase)
            self._commit(added=pods)
            self._record_created(pods, 'admin')
            return workload, pods

    def add_pods(self, workload_id, count, phase):
        with self.world.lock:
            workload = self.workload(workload_id)
            pods = self._new_pods(workload, count, phase)
            self._commit(added=pods)
            self._record_created(pods, 'admin')
            return pods

    def add_revision(self, workload_id, count, phase, latency_factor=1.0):
        """A rollout: a new revision of an inference workload, `count` new pods carrying its id; (revision id, pods)."""
        with self.world.lock:
            workload = self.workload(workload_id)
            if workload.kind != 'inference':
                raise ChangeError(400, 'Workload %s is a %s workload; only inference workloads have revisions' % (workload.id, workload.kind))
            revision_id = str(uuid.uuid4())
            pods = self._new_pods(workload, count, phase)
            for pod in pods:
                pod.revision_id = revision_id
                pod.nim_latency_factor = latency_factor
            self._commit(added=pods)
            self._record_created(pods, 'admin')
            return revision_id, pods

    def set_nim_latency(self, pod_id, factor):
        """Multiply a pod's NIM latencies by `factor` (1 is the generated level); no field of the API's pod changes."""
        with self.world.lock:
            pod = self.pod(pod_id)
            changed = pod.evolve(nim_latency_factor=factor)
            self._commit(replaced=[(pod, changed)])
            return changed

    def reset(self):
        """Restore the generated world; nothing to do (and no cache lost) when nothing changed."""
        with self.world.lock:
            world = self.world
            if world.view.generation == self._pristine.generation:
                return
            for pod_id, original in self._original_pods.items():
                if original is None:
                    del world.pods_by_id[pod_id]
                else:
                    world.pods_by_id[pod_id] = original
            for workload_id, original in self._original_workload_pods.items():
                if original is None:
                    del world.workloads_by_id[workload_id]
                else:
                    world.workloads_by_id[workload_id].pods = original
            world.workloads = self._pristine_workloads
            self._original_pods.clear()
            self._original_workload_pods.clear()
            self._added_workloads = 0
            self.history.clear()
            # A new generation, not the pristine one: caches keyed by a later generation must go.
            world.view = self._pristine._replace(generation=world.view.generation + 1)
            self._pristine = world.view

    # -- helpers --------------------------------------------------------------------------------------
    def _record_created(self, pods, source, note=None):
        for pod in pods:
            self.history.record('created', pod, pod.updated_ms, source, **(note or {}))

    def _add_twin(self, model, pod_id, created_ms, phase, source, note):
        workload = model.workload
        taken = {pod.name for pod in workload.pods}
        sequence = len(workload.pods)
        while '%s-%d' % (workload.name, sequence) in taken:
            sequence += 1
        now = max(now_ms(), created_ms, model.latest_ms())
        twin = model.evolve(id=pod_id, name='%s-%d' % (workload.name, sequence), created_ms=created_ms,
                            deleted_ms=None, updated_ms=now)
        if twin.started_ms is not None and twin.started_ms < created_ms:
            twin.started_ms = created_ms
        if twin.completed_ms is not None and twin.completed_ms < created_ms:
            twin.completed_ms = created_ms
        twin.phase_updated_ms = max(twin.phase_updated_ms, created_ms)
        self._commit(added=[twin])
        self._record_created([twin], source, note)
        if phase is not None and phase != twin.phase:
            return self.set_pod(twin.id, phase=phase, source=source, note=note)
        return twin

    def _placement(self, pod, node_name, node_pool):
        """The node attributes of `pod` on the node called `node_name` (None: no node)."""
        if node_name is None:
            return {'node': None, 'node_name': None, 'first_gpu': 0}
        node = self.world.nodes_by_name.get(node_name)
        if node is None:
            # A node the world does not know (a test's 'dgx-1'): shaped like the workload's pool.
            pool = pod.workload.pool
            node = Node(name=node_name, cluster_id=pod.cluster_id, pool_name=node_pool or pool.name, gpus=pool.gpus_per_node,
                        gpu_memory_gib=pool.gpu_memory_gib, advanced_metrics=pool.gpus_per_node > 0)
        first_gpu = pod.first_gpu if node is pod.node else 0
        return {'node': node, 'node_name': node.name, 'first_gpu': first_gpu}

    def _new_pods(self, workload, count, phase):
        """`count` new pods of `workload`, created now; Pending ones have no node, the others one of its pool's."""
        now = max(now_ms(), workload.created_ms)
        taken = {pod.name for pod in workload.pods}
        # Created in the same millisecond, they are ordered by id: sorted ids keep that order the names' order.
        pod_ids = iter(sorted(str(uuid.uuid4()) for _pod in range(count)))
        pods, sequence = [], len(workload.pods)
        while len(pods) < count:
            name = '%s-%d' % (workload.name, sequence)
            if name not in taken:
                pods.append(self._new_pod(workload, next(pod_ids), name, phase, now, sequence))
            sequence += 1
        return pods

    @staticmethod
    def _new_pod(workload, pod_id, name, phase, now, sequence):
        pod = Pod(workload, pod_id, name, phase)
        pod.created_ms = pod.phase_updated_ms = pod.updated_ms = now
        nodes = workload.pool.nodes
        if phase != 'Pending' and nodes:
            # Spread over the pool's nodes and their GPUs in turn.
            node = nodes[sequence % len(nodes)]
            free_positions = node.gpus - workload.resources.gpu_devices + 1
            pod.place(node, sequence % free_positions if free_positions > 0 else 0)
            pod.started_ms = now
        if phase in COMPLETED_PHASES:
            pod.completed_ms = now
        return pod

    def _journal(self, pod_id, original, workload):
        self._original_pods.setdefault(pod_id, original)
        self._original_workload_pods.setdefault(workload.id, workload.pods)

    def _commit(self, replaced=(), added=()):
        """Swap in a view with `replaced` ((old, new) pairs) and `added` pods; the caller holds the lock."""
        world = self.world
        view = world.view
        pods, live, deleted = view.pods, view.live, view.deleted
        for old, new in replaced:
            self._journal(old.id, old, old.workload)
            pods = _replaced(pods, old, new)
            if old.deleted_ms is None and new.deleted_ms is not None:
                live, deleted = _without(live, old), _with(deleted, new)
            elif old.deleted_ms is None:
                live = _replaced(live, old, new)
            else:
                deleted = _replaced(deleted, old, new)
            old.workload.pods = _replaced(old.workload.pods, old, new)
            world.pods_by_id[new.id] = new
        if added:
            workload = added[0].workload        # all added pods belong to one workload
            self._journal(added[0].id, None, workload)
            for pod in added:
                self._original_pods.setdefault(pod.id, None)
                world.pods_by_id[pod.id] = pod
            pods, live = _merged(pods, added), _merged(live, added)
            workload.pods = _merged(workload.pods, added)
        world.view = PodsView(view.generation + 1, pods, live, deleted)
