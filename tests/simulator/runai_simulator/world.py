"""The whole simulated control plane, generated from a seed: build_world() is the only entry point."""

import collections
import random
import threading

from . import catalog, lifecycles
from .model import Workload, default_order
from .pods import PodFactory
from .resources import choose_pool, draw_resources, weighted_choice
from .topology import build_clusters, build_projects, new_uuid

HOUR_MS = 3600 * 1000
DAY_MS = 24 * HOUR_MS
BENCHMARK_POD_COUNT = 100
BENCHMARK_MIN_PODS = 1000


def _has_advanced_metrics(node):
    return node.advanced_metrics


def _lacks_advanced_metrics(node):
    return not node.advanced_metrics


class PodsView(collections.namedtuple('PodsView', 'generation pods live deleted')):
    """The pod lists at one moment, each in the default order (createdAt, then id).

    A change builds new lists and swaps the whole view in one assignment: a reader that took the
    view keeps consistent lists, and `generation` (never reused) keys every cache built on them.
    """


class World:
    """Everything generated, with the indexes the API needs; admin changes go through lifecycle.py."""

    def __init__(self, seed, anchor_ms, clusters, projects, workloads, pods, special):
        self.seed = seed
        self.anchor_ms = anchor_ms
        self.tenant_id = catalog.TENANT_ID
        self.clusters = clusters
        self.projects = projects
        self.workloads = workloads
        self.special = special
        pods.sort(key=default_order)
        self.view = PodsView(0, pods, [pod for pod in pods if pod.deleted_ms is None],
                             [pod for pod in pods if pod.deleted_ms is not None])
        self.pods_by_id = {pod.id: pod for pod in pods}
        self.workloads_by_id = {workload.id: workload for workload in workloads}
        self.clusters_by_id = {cluster.id: cluster for cluster in clusters}
        self.nodes_by_name = {node.name: node for cluster in clusters for pool in cluster.pools for node in pool.nodes}
        for workload in workloads:
            workload.pods.sort(key=default_order)
        # Held by every change and by every computation that reads more than one of the structures
        # above (a selection, the inventory), so that none of them sees half a change.
        self.lock = threading.RLock()

    @property
    def pods(self):
        return self.view.pods


class WorldBuilder:
    def __init__(self, seed, pod_count, anchor_ms):
        # Never the global generator: the same seed must give the same world in any process.
        self.rng = random.Random(seed)
        self.seed = seed
        self.pod_count = pod_count
        self.anchor_ms = anchor_ms
        self.clusters = build_clusters(self.rng, pod_count)
        self.projects = build_projects(self.clusters)
        self.factory = PodFactory(self.rng, anchor_ms, pod_count)
        self.workloads = []
        self.special = {}
        self.sequence = 0

    def build(self):
        self._add_special_workloads()
        while self.factory.remaining > 0:
            self._add_random_workload()
        # A workload whose pods were all cut by the budget does not exist.
        workloads = [workload for workload in self.workloads if workload.pods]
        return World(self.seed, self.anchor_ms, self.clusters, self.projects, workloads, self.factory.pods,
                     {label: workload for label, workload in self.special.items() if workload.pods})

    def new_workload(self, kind, pool, project, name=None, mode=None, whole_gpus=None, profile=None, age_ms=None):
        rng = self.rng
        self.sequence += 1
        if name is None:
            name = '%s-%s-%04d' % (kind, rng.choice(catalog.TOPICS[kind]), self.sequence)
        if mode is None:
            mode = 'whole'
        if age_ms is None:
            age_ms = rng.randint(2 * HOUR_MS, 30 * DAY_MS)
        images = (rng.choice(catalog.IMAGES[kind]),)
        if kind == 'inference':
            images += (catalog.QUEUE_PROXY_IMAGE,)
        requested_pools = (pool.name,)
        if pool.name != 'default' and rng.random() < 0.25:
            requested_pools += ('default',)
        workload = Workload(
            id=new_uuid(rng), name=name, kind=kind, cluster=next(c for c in self.clusters if c.id == pool.cluster_id),
            project=project, pool=pool, created_ms=self.anchor_ms - age_ms,
            resources=draw_resources(rng, kind, mode, pool, whole_gpus), images=images,
            priority_class=catalog.PRIORITY_CLASSES[kind],
            gpu_profile=profile or weighted_choice(rng, lifecycles.PROFILE_WEIGHTS[kind]),
            requested_pools=requested_pools, node_affinity=rng.random() < 0.2)
        self.workloads.append(workload)
        return workload

    def _project_in(self, cluster_id):
        return next(project for project in self.projects if project.cluster_id == cluster_id)

    def _pool(self, cluster_name, pool_name):
        cluster = next(cluster for cluster in self.clusters if cluster.name == cluster_name)
        return next(pool for pool in cluster.pools if pool.name == pool_name)

    def _special(self, label, kind, cluster_name, pool_name, **options):
        pool = self._pool(cluster_name, pool_name)
        workload = self.new_workload(kind, pool, self._project_in(pool.cluster_id), **options)
        self.special[label] = workload
        return workload

    def _add_special_workloads(self):
        """Workloads every test and demo can count on, created first so the pod budget covers them."""
        factory, anchor_ms = self.factory, self.anchor_ms
        if self.pod_count >= BENCHMARK_MIN_PODS:
            # Exactly 100 live pods: the benchmark reads one workload of this size.
            bench = self._special('hundred_pods', 'distributed', 'prod-us-east', 'h100', name='distributed-bench-100',
                                  whole_gpus=1, profile='busy')
            lifecycles.distributed(factory, bench, 'Running', workers=BENCHMARK_POD_COUNT - 1)
        busy = self._special('busy_training', 'training', 'prod-us-east', 'h100', name='training-llama3-pretrain',
                             whole_gpus=8, profile='busy', age_ms=6 * HOUR_MS)
        factory.create(busy, busy.name + '-0-0', 'Running', busy.created_ms, anchor_ms, node_filter=_has_advanced_metrics)
        idle = self._special('idle_training', 'training', 'prod-us-east', 'a100', name='training-resnet50-idle',
                             whole_gpus=1, profile='idle', age_ms=9 * HOUR_MS)
        factory.create(idle, idle.name + '-0-0', 'Running', idle.created_ms, anchor_ms, node_filter=_lacks_advanced_metrics)
        nim = self._special('inference', 'inference', 'edge-inference', 'l40s', name='inference-llama3-8b-nim',
                            whole_gpus=1, profile='moderate', age_ms=3 * DAY_MS)
        lifecycles.inference(factory, nim, 'Running', revisions=2, replicas=3)
        cpu_only = self._special('cpu_only', 'workspace', 'prod-us-east', 'cpu', name='workspace-jupyter-cpu', mode='cpu')
        factory.create(cpu_only, cpu_only.name + '-0-0', 'Running', cpu_only.created_ms, anchor_ms)
        # One pod in each remaining phase, outside the healthy pool.
        for label, kind, pool_name, state in (('pending', 'training', 'a100', 'Pending'),
                                              ('failed', 'training', 'a100', 'Failed'),
                                              ('succeeded', 'training', 'default', 'Succeeded'),
                                              ('unknown', 'training', 'default', 'Unknown')):
            workload = self._special(label, kind, 'research-eu', pool_name, name='%s-zoo-%s' % (kind, label))
            factory.create(workload, workload.name + '-0-0', state, workload.created_ms, anchor_ms)
        stopped = self._special('deleted', 'workspace', 'research-eu', 'default', name='workspace-zoo-stopped')
        lifecycles.workspace(factory, stopped, 'Stopped')

    def _add_random_workload(self):
        rng = self.rng
        kind = weighted_choice(rng, catalog.KIND_WEIGHTS)
        project = rng.choice(self.projects)
        cluster = next(cluster for cluster in self.clusters if cluster.id == project.cluster_id)
        mode, pool = choose_pool(rng, kind, cluster)
        workload = self.new_workload(kind, pool, project, mode=mode)
        lifecycles.PLANNERS[kind](self.factory, workload, weighted_choice(rng, lifecycles.STATE_WEIGHTS[kind]))


def build_world(seed, pod_count, anchor_ms):
    return WorldBuilder(seed, pod_count, anchor_ms).build()
