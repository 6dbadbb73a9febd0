"""Clusters, node pools, nodes and projects: the fixed frame the workloads are spread over."""

import math

from . import catalog
from .model import Cluster, Node, NodePool, Project


def new_uuid(rng):
    """A version-4 UUID drawn from the seeded generator, never from the OS."""
    bits = rng.getrandbits(128)
    # Set the version (4) and variant (10xx) bits, as uuid.uuid4() would.
    bits = (bits & ~(0xF << 76)) | (4 << 76)
    bits = (bits & ~(0x3 << 62)) | (0x2 << 62)
    text = '%032x' % bits
    return '%s-%s-%s-%s-%s' % (text[:8], text[8:12], text[12:16], text[16:20], text[20:])


def node_scale(pod_count):
    """More nodes for more pods (square root), so large runs keep plausible pods per node."""
    return max(1, round(math.sqrt(pod_count / 1000.0)))


def build_clusters(rng, pod_count):
    scale = node_scale(pod_count)
    clusters = []
    for index, (cluster_name, pool_blueprints) in enumerate(catalog.CLUSTER_BLUEPRINTS):
        cluster = Cluster(id=new_uuid(rng), name=cluster_name, index=index)
        for pool_name, gpu_model, gpus, gpu_memory, base_nodes in pool_blueprints:
            pool = NodePool(name=pool_name, cluster_id=cluster.id, gpu_model=gpu_model, gpus_per_node=gpus,
                            gpu_memory_gib=gpu_memory,
                            healthy_by_design=(cluster_name, pool_name) == catalog.HEALTHY_POOL)
            for node_number in range(base_nodes * scale):
                pool.nodes.append(Node(
                    name='%s-%s-node-%02d' % (cluster_name, pool_name, node_number + 1),
                    cluster_id=cluster.id, pool_name=pool_name, gpus=gpus, gpu_memory_gib=gpu_memory,
                    advanced_metrics=gpus > 0 and node_number % 3 != 2))
            cluster.pools.append(pool)
        clusters.append(cluster)
    return clusters


def build_projects(clusters):
    """Ten projects dealt over the clusters in turn; ids are numeric strings as in the API."""
    return [Project(id=str(number + 1), name=name, cluster_id=clusters[number % len(clusters)].id)
            for number, name in enumerate(catalog.PROJECT_NAMES)]
