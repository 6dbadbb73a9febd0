"""Metric series of a pod: deterministic values (strings, as the API sends them) at evenly spaced instants.

A value is a pure function of (seed, pod id, metric type, GPU index, instant), so the same instant
gives the same value whatever window it is asked in. The workload's GPU profile sets the level:
busy GPUs work at ~88%, moderate ones at ~45%, idle ones at ~2%.
"""

import math
import zlib

from .metric_types import HISTOGRAM_TYPES, PER_GPU_TYPES, PERCENTILE_TYPES, PERCENTILES, has_data
from .timefmt import format_sample_ms

GIB = 1024 ** 3
MASK64 = (1 << 64) - 1
UTILISATION_LEVEL = {'busy': (88.0, 8.0), 'moderate': (45.0, 15.0), 'idle': (2.0, 2.0)}   # (mean, spread) in %
LOAD_FRACTION = {'busy': 0.8, 'moderate': 0.45, 'idle': 0.06}                          # CPU and GPU memory use
WAVE_PERIOD_MS = 10 * 60 * 1000
# Profiling activities as a share of GPU utilisation.
ACTIVITY_SHARE = {
    'GPU_GRAPHICS_ENGINE_ACTIVITY_PER_GPU': 1.0, 'GPU_SM_ACTIVITY_PER_GPU': 0.9, 'GPU_SM_OCCUPANCY_PER_GPU': 0.55,
    'GPU_TENSOR_ACTIVITY_PER_GPU': 0.45, 'GPU_FP64_ENGINE_ACTIVITY_PER_GPU': 0.02, 'GPU_FP32_ENGINE_ACTIVITY_PER_GPU': 0.25,
    'GPU_FP16_ENGINE_ACTIVITY_PER_GPU': 0.5, 'GPU_MEMORY_BANDWIDTH_UTILIZATION_PER_GPU': 0.6,
}
# Link peaks in bytes per second; traffic follows utilisation.
BANDWIDTH_PEAK = {
    'GPU_NVLINK_TRANSMITTED_BANDWIDTH_PER_GPU': 150e9, 'GPU_NVLINK_RECEIVED_BANDWIDTH_PER_GPU': 150e9,
    'GPU_PCIE_TRANSMITTED_BANDWIDTH_PER_GPU': 16e9, 'GPU_PCIE_RECEIVED_BANDWIDTH_PER_GPU': 16e9,
    'NVLINK_BANDWIDTH_TOTAL_PER_GPU': 300e9,
}
# Aggregate type -> (per-GPU type, how per-GPU values combine)
AGGREGATES = {'GPU_UTILIZATION': ('GPU_UTILIZATION_PER_GPU', 'mean'),
              'GPU_MEMORY_USAGE_BYTES': ('GPU_MEMORY_USAGE_BYTES_PER_GPU', 'sum'),
              'NVLINK_BANDWIDTH_TOTAL': ('NVLINK_BANDWIDTH_TOTAL_PER_GPU', 'sum')}
NIM_MAX_CONCURRENCY = 64
LATENCY_BUCKETS = ('0.005', '0.01', '0.05', '0.1', '0.5', '1.0', '2.0', '5.0')


def noise(*keys):
    """A uniform number in [0, 1) from integer keys (splitmix64 mixing; Python's hash() is salted per process)."""
    state = 0x9E3779B97F4A7C15
    for key in keys:
        state = ((state ^ (key & MASK64)) * 0xBF58476D1CE4E5B9) & MASK64
        state ^= state >> 31
    state = (state * 0x94D049BB133111EB) & MASK64
    state ^= state >> 29
    return (state & MASK64) / float(1 << 64)


def number_text(value, decimals):
    """'85', '85.25', '0.0731': the shortest fixed-point text, as Prometheus-backed APIs send."""
    text = '%.*f' % (decimals, value)
    if '.' in text:
        text = text.rstrip('0').rstrip('.')
    return '0' if text == '-0' else text


def sample_times(start_ms, end_ms, samples):
    """`samples` instants from start to end inclusive; one sample is the end; zero is none."""
    if samples <= 0:
        return []
    if samples == 1:
        return [end_ms]
    step = (end_ms - start_ms) / (samples - 1)
    return [start_ms + round(number * step) for number in range(samples)]


class PodSignals:
    """The signal model of one pod."""

    def __init__(self, pod, seed):
        self.pod = pod
        self.seed = seed
        self.key = zlib.crc32(pod.id.encode())
        self.profile = pod.workload.gpu_profile

    def _noise(self, *keys):
        return noise(self.seed, self.key, *keys)

    def utilisation(self, gpu, instant_ms):
        mean, spread = UTILISATION_LEVEL[self.profile]
        level = mean + spread * (2 * self._noise(gpu, 1) - 1)
        wave = spread / 2 * math.sin(2 * math.pi * (instant_ms / WAVE_PERIOD_MS + self._noise(gpu, 2)))
        jitter = spread / 2 * (2 * self._noise(gpu, 3, instant_ms // 1000) - 1)
        return max(0.0, min(100.0, level + wave + jitter))

    def load(self, gpu, instant_ms):
        """Share of its CPU or GPU memory the pod uses: the profile's level, drifting by the minute."""
        drift = 0.08 * (2 * self._noise(gpu, 4, instant_ms // 60000) - 1)
        return max(0.01, min(0.98, LOAD_FRACTION[self.profile] + drift))

    def gpu_memory_capacity(self):
        resources = self.pod.workload.resources
        device_bytes = self.pod.workload.pool.gpu_memory_gib * GIB
        # A fraction of one device sees only its share of that device's memory.
        return device_bytes * resources.gpu_allocated if resources.gpu_devices == 1 else device_bytes

    def per_gpu_value(self, metric_type, gpu, instant_ms):
        utilisation = self.utilisation(gpu, instant_ms)
        if metric_type == 'GPU_UTILIZATION_PER_GPU':
            return utilisation, 2
        if metric_type == 'GPU_MEMORY_USAGE_BYTES_PER_GPU':
            return int(self.gpu_memory_capacity() * self.load(gpu, instant_ms)), 0
        if metric_type == 'GPU_SWAP_MEMORY_BYTES_PER_GPU':
            swapping = self.profile == 'busy' and self._noise(gpu, 5, instant_ms // 60000) < 0.1
            return (int(self.gpu_memory_capacity() * 0.02) if swapping else 0), 0
        if metric_type in ACTIVITY_SHARE:
            return utilisation * ACTIVITY_SHARE[metric_type], 2
        return int(BANDWIDTH_PEAK[metric_type] * utilisation / 100 * 0.4), 0

    def pod_value(self, metric_type, instant_ms, percentile=None):
        """A value of a type that is not per GPU (CPU, NIM); NIM load follows the first GPU's utilisation."""
        resources = self.pod.workload.resources
        busy_share = self.utilisation(0, instant_ms) / 100
        if metric_type == 'CPU_USAGE_CORES':
            return resources.cpu_request * self.load(-1, instant_ms), 3
        if metric_type == 'CPU_MEMORY_USAGE_BYTES':
            return int(resources.memory_request_gib * GIB * self.load(-2, instant_ms)), 0
        if metric_type == 'NIM_NUM_REQUESTS_RUNNING':
            return int(NIM_MAX_CONCURRENCY * busy_share), 0
        if metric_type == 'NIM_NUM_REQUESTS_WAITING':
            return int(max(0.0, busy_share - 0.8) * 50), 0
        if metric_type == 'NIM_NUM_REQUEST_MAX':
            return NIM_MAX_CONCURRENCY, 0
        if metric_type in ('NIM_REQUEST_SUCCESS_TOTAL', 'NIM_REQUEST_FAILURE_TOTAL'):
            # Counters: requests served since the pod started, never decreasing.
            served = self.requests_served(instant_ms)
            return (served if metric_type == 'NIM_REQUEST_SUCCESS_TOTAL' else served // 500), 0
        if metric_type == 'NIM_GPU_CACHE_USAGE_PERC':
            return 0.9 * busy_share, 4
        latency = self.latency_seconds(metric_type, busy_share)
        multiplier = {'p50': 1.0, 'p90': 1.8, 'p99': 3.0}.get(percentile, 1.0)
        return latency * multiplier, 4

    def requests_served(self, instant_ms):
        mean = UTILISATION_LEVEL[self.profile][0]
        per_second = 5 + 30 * mean / 100
        return int(per_second * max(0, instant_ms - (self.pod.started_ms or instant_ms)) / 1000)

    def latency_seconds(self, metric_type, busy_share):
        factor = self.pod.nim_latency_factor
        if metric_type.startswith('NIM_TIME_TO_FIRST_TOKEN'):
            return (0.05 + 0.3 * busy_share) * factor
        return (0.8 + 3.0 * busy_share) * factor

    def series(self, metric_type, times):
        """The measurements of one type: per-GPU types one series per device, percentiles one per percentile."""
        if metric_type in PER_GPU_TYPES:
            return [self._series(metric_type, {'gpu': str(gpu)}, times, self._per_gpu_text(metric_type, gpu))
                    for gpu in self.pod.gpu_devices]
        if metric_type in AGGREGATES:
            return [self._series(metric_type, None, times, self._aggregate_text(metric_type))]
        if metric_type in PERCENTILE_TYPES:
            return [self._series(metric_type, {'percentile': name}, times, self._pod_text(metric_type, name))
                    for name in PERCENTILES]
        return [self._series(metric_type, None, times, self._pod_text(metric_type, None))]

    @staticmethod
    def _series(metric_type, labels, times, value_at):
        return {'type': metric_type, 'labels': labels,
                'values': [{'value': value_at(instant), 'timestamp': format_sample_ms(instant)} for instant in times]}

    def _per_gpu_text(self, metric_type, gpu):
        def value_at(instant_ms):
            return number_text(*self.per_gpu_value(metric_type, gpu, instant_ms))
        return value_at

    def _aggregate_text(self, metric_type):
        per_gpu_type, how = AGGREGATES[metric_type]
        devices = self.pod.gpu_devices

        def value_at(instant_ms):
            values = [self.per_gpu_value(per_gpu_type, gpu, instant_ms) for gpu in devices]
            total = sum(value for value, _decimals in values)
            return number_text(total / len(values) if how == 'mean' else total, values[0][1])
        return value_at

    def _pod_text(self, metric_type, percentile):
        def value_at(instant_ms):
            return number_text(*self.pod_value(metric_type, instant_ms, percentile))
        return value_at

    def histogram(self, metric_type, times):
        """The optional `histogram` entry of a NIM latency type: buckets, or percentiles for *_PERCENTILES."""
        entries = []
        for instant in times:
            busy_share = self.utilisation(0, instant) / 100
            if metric_type in PERCENTILE_TYPES:
                data = {name: number_text(*self.pod_value(metric_type, instant, name)) for name in PERCENTILES}
            else:
                mean = self.latency_seconds(metric_type, busy_share)
                served = max(1, self.requests_served(instant))
                # Cumulative counts of an exponential latency distribution with that mean.
                data = {bound: str(int(served * (1 - math.exp(-float(bound) / mean)))) for bound in LATENCY_BUCKETS}
                data['+Inf'] = str(served)
            entries.append({'timestamp': format_sample_ms(instant), 'data': data})
        return {'type': metric_type, 'values': entries}


def pod_metrics(pod, seed, metric_types, start_ms, end_ms, samples):
    """The MetricsCompositeResponse body, and the requested types the pod has no data for."""
    times = sample_times(start_ms, end_ms, samples)
    signals = PodSignals(pod, seed)
    measurements, histograms, missing = [], [], []
    for metric_type in metric_types:
        if not has_data(pod, metric_type):
            missing.append(metric_type)
            continue
        measurements.extend(signals.series(metric_type, times))
        if metric_type in HISTOGRAM_TYPES:
            histograms.append(signals.histogram(metric_type, times))
    body = {'measurements': measurements}
    if histograms:
        body['histogram'] = histograms
    return body, missing
