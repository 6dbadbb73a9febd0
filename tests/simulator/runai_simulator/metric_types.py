"""The PodMetricType enum of the spec, and which types a given pod has data for."""

METRIC_TYPES = (
    'GPU_UTILIZATION_PER_GPU', 'GPU_UTILIZATION', 'GPU_MEMORY_USAGE_BYTES_PER_GPU', 'GPU_MEMORY_USAGE_BYTES',
    'CPU_USAGE_CORES', 'CPU_MEMORY_USAGE_BYTES', 'GPU_GRAPHICS_ENGINE_ACTIVITY_PER_GPU', 'GPU_SM_ACTIVITY_PER_GPU',
    'GPU_SM_OCCUPANCY_PER_GPU', 'GPU_TENSOR_ACTIVITY_PER_GPU', 'GPU_FP64_ENGINE_ACTIVITY_PER_GPU',
    'GPU_FP32_ENGINE_ACTIVITY_PER_GPU', 'GPU_FP16_ENGINE_ACTIVITY_PER_GPU', 'GPU_MEMORY_BANDWIDTH_UTILIZATION_PER_GPU',
    'GPU_NVLINK_TRANSMITTED_BANDWIDTH_PER_GPU', 'GPU_NVLINK_RECEIVED_BANDWIDTH_PER_GPU',
    'GPU_PCIE_TRANSMITTED_BANDWIDTH_PER_GPU', 'GPU_PCIE_RECEIVED_BANDWIDTH_PER_GPU', 'GPU_SWAP_MEMORY_BYTES_PER_GPU',
    'NIM_NUM_REQUESTS_RUNNING', 'NIM_NUM_REQUESTS_WAITING', 'NIM_NUM_REQUEST_MAX', 'NIM_REQUEST_SUCCESS_TOTAL',
    'NIM_REQUEST_FAILURE_TOTAL', 'NIM_GPU_CACHE_USAGE_PERC', 'NIM_TIME_TO_FIRST_TOKEN_SECONDS',
    'NIM_E2E_REQUEST_LATENCY_SECONDS', 'NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES',
    'NIM_E2E_REQUEST_LATENCY_SECONDS_PERCENTILES', 'NVLINK_BANDWIDTH_TOTAL', 'NVLINK_BANDWIDTH_TOTAL_PER_GPU',
)
PER_GPU_TYPES = frozenset(name for name in METRIC_TYPES if name.endswith('_PER_GPU'))
# 'Advanced GPU Metrics' (DCGM profiling): the API serves them only where the feature is on.
ADVANCED_TYPES = frozenset(name for name in METRIC_TYPES
                           if any(word in name for word in ('ACTIVITY', 'OCCUPANCY', 'BANDWIDTH'))
                           or name.startswith(('GPU_PCIE_', 'GPU_NVLINK_')))
NIM_TYPES = frozenset(name for name in METRIC_TYPES if name.startswith('NIM_'))
GPU_TYPES = frozenset(name for name in METRIC_TYPES if name.startswith(('GPU_', 'NVLINK_')))
PERCENTILE_TYPES = frozenset(name for name in METRIC_TYPES if name.endswith('_PERCENTILES'))
# NIM latency types whose answer also carries the optional `histogram` (2.23+).
HISTOGRAM_TYPES = frozenset(('NIM_TIME_TO_FIRST_TOKEN_SECONDS', 'NIM_E2E_REQUEST_LATENCY_SECONDS')) | PERCENTILE_TYPES
PERCENTILES = ('p50', 'p90', 'p99')


def has_data(pod, metric_type):
    """Whether the pod has samples of this type (a type it lacks is left out of a 207 answer).

    CPU types: every pod. GPU types: pods that hold or held a GPU (scheduled, GPU requested);
    advanced ones only on nodes with profiling on. NIM types: scheduled pods of inference workloads.
    """
    if metric_type in NIM_TYPES:
        return pod.workload.kind == 'inference' and pod.node is not None
    if metric_type in GPU_TYPES:
        if not pod.gpu_devices:
            return False
        return metric_type not in ADVANCED_TYPES or pod.node.advanced_metrics
    return True
