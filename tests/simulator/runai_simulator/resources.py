"""What a workload requests (whole GPUs, a portion, GPU memory or CPU only) and the node pool it lands in."""

from .model import Resources

# kind -> ((request mode, weight), ...)
MODE_WEIGHTS = {
    'training': (('whole', 60), ('portion', 15), ('memory', 10), ('cpu', 15)),
    'distributed': (('whole', 100),),
    'inference': (('whole', 40), ('portion', 35), ('memory', 10), ('cpu', 15)),
    'workspace': (('whole', 25), ('portion', 30), ('memory', 5), ('cpu', 40)),
}
WHOLE_GPU_CHOICES = {
    'training': (1, 1, 1, 2, 4, 8),
    'distributed': (1, 2, 4, 8),
    'inference': (1, 1, 2),
    'workspace': (1,),
}
CPU_CHOICES = {
    'training': (4, 8, 16),
    'distributed': (8, 16, 32),
    'inference': (2, 4, 8),
    'workspace': (0.5, 1, 2, 4),
}
MEMORY_GIB_CHOICES = {
    'training': (16, 32, 64),
    'distributed': (64, 128, 256),
    'inference': (8, 16, 32),
    'workspace': (4, 8, 16),
}


def weighted_choice(rng, weighted_items):
    total = sum(weight for _item, weight in weighted_items)
    point = rng.random() * total
    for item, weight in weighted_items:
        point -= weight
        if point < 0:
            return item
    return weighted_items[-1][0]


def gpu_pools(cluster):
    return [pool for pool in cluster.pools if pool.gpus_per_node > 0]


def cpu_pool(cluster):
    return next(pool for pool in cluster.pools if pool.gpus_per_node == 0)


def choose_pool(rng, kind, cluster):
    """A node pool of `cluster` and the request mode of a new workload of `kind`."""
    mode = weighted_choice(rng, MODE_WEIGHTS[kind])
    if mode == 'cpu':
        # CPU-only work mostly runs on the CPU pool, some of it on the default (GPU) pool.
        pool = cpu_pool(cluster) if rng.random() < 0.8 else cluster.pools[0]
    else:
        pool = rng.choice(gpu_pools(cluster))
    return mode, pool


def draw_resources(rng, kind, mode, pool, whole_gpus=None):
    """The Resources of a workload of `kind` requesting in `mode` from `pool`."""
    cpu_request = rng.choice(CPU_CHOICES[kind])
    memory_gib = rng.choice(MEMORY_GIB_CHOICES[kind])
    limits_set = rng.random() < 0.5
    common = {
        'cpu_request': float(cpu_request),
        'cpu_limit': float(cpu_request * 2) if limits_set else None,
        'memory_request_gib': memory_gib,
        'memory_limit_gib': memory_gib * 2 if limits_set else None,
    }
    if mode == 'cpu':
        return Resources(gpu_request_type=None, gpu_request=None, gpu_memory_request=None,
                         gpu_devices=0, gpu_allocated=0.0, **common)
    if mode == 'portion':
        portion = rng.choice((0.25, 0.5, 0.75))
        return Resources(gpu_request_type='portion', gpu_request=portion, gpu_memory_request=None,
                         gpu_devices=1, gpu_allocated=portion, **common)
    if mode == 'memory':
        memory = min(rng.choice((5, 10, 20)), pool.gpu_memory_gib)
        return Resources(gpu_request_type='memory', gpu_request=None, gpu_memory_request='%dGi' % memory,
                         gpu_devices=1, gpu_allocated=round(memory / pool.gpu_memory_gib, 2), **common)
    if whole_gpus is None:
        whole_gpus = min(rng.choice(WHOLE_GPU_CHOICES[kind]), pool.gpus_per_node)
    return Resources(gpu_request_type='portion', gpu_request=float(whole_gpus), gpu_memory_request=None,
                     gpu_devices=whole_gpus, gpu_allocated=float(whole_gpus), **common)
