# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""Pod metrics: time ranges, fetching (one pod, or every pod of a workload concurrently), statistics."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import math
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.runai.platform.plugins.module_utils import _dates
from ansible_collections.runai.platform.plugins.module_utils._answers import check_measurements
from ansible_collections.runai.platform.plugins.module_utils._dates import format_api_datetime
from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, shown
from ansible_collections.runai.platform.plugins.module_utils._filters import uuid_option
from ansible_collections.runai.platform.plugins.module_utils._pods import WORKLOAD_PODS_PATH

METRICS_PATH = '/api/v1/workloads/%s/pods/%s/metrics'
MAX_SAMPLES = 1000

# The API's PodMetricType enum (control plane 2.24).
METRIC_TYPES = (
    'GPU_UTILIZATION_PER_GPU', 'GPU_UTILIZATION', 'GPU_MEMORY_USAGE_BYTES_PER_GPU', 'GPU_MEMORY_USAGE_BYTES', 'CPU_USAGE_CORES',
    'CPU_MEMORY_USAGE_BYTES', 'GPU_GRAPHICS_ENGINE_ACTIVITY_PER_GPU', 'GPU_SM_ACTIVITY_PER_GPU', 'GPU_SM_OCCUPANCY_PER_GPU',
    'GPU_TENSOR_ACTIVITY_PER_GPU', 'GPU_FP64_ENGINE_ACTIVITY_PER_GPU', 'GPU_FP32_ENGINE_ACTIVITY_PER_GPU', 'GPU_FP16_ENGINE_ACTIVITY_PER_GPU',
    'GPU_MEMORY_BANDWIDTH_UTILIZATION_PER_GPU', 'GPU_NVLINK_TRANSMITTED_BANDWIDTH_PER_GPU', 'GPU_NVLINK_RECEIVED_BANDWIDTH_PER_GPU',
    'GPU_PCIE_TRANSMITTED_BANDWIDTH_PER_GPU', 'GPU_PCIE_RECEIVED_BANDWIDTH_PER_GPU', 'GPU_SWAP_MEMORY_BYTES_PER_GPU',
    'NIM_NUM_REQUESTS_RUNNING', 'NIM_NUM_REQUESTS_WAITING', 'NIM_NUM_REQUEST_MAX', 'NIM_REQUEST_SUCCESS_TOTAL', 'NIM_REQUEST_FAILURE_TOTAL',
    'NIM_GPU_CACHE_USAGE_PERC', 'NIM_TIME_TO_FIRST_TOKEN_SECONDS', 'NIM_E2E_REQUEST_LATENCY_SECONDS',
    'NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES', 'NIM_E2E_REQUEST_LATENCY_SECONDS_PERCENTILES', 'NVLINK_BANDWIDTH_TOTAL',
    'NVLINK_BANDWIDTH_TOTAL_PER_GPU',
)


def parse_time(option, text, now):
    """`now`, `-<n><unit>` or ISO 8601 (zone-less is UTC) -> an aware UTC datetime; RunaiError naming the option otherwise."""
    try:
        return _dates.parse_time(text, now)
    except ValueError as exc:
        raise RunaiError('%s %s is %s' % (option, shown(text), exc))


class MetricsQuery:
    """A validated metrics request; `params` are the query pairs every pod's request shares."""

    def __init__(self, workload_id, pod_id, metric_types, start, end, samples):
        self.workload_id = workload_id
        self.pod_id = pod_id
        self.metric_types = metric_types
        self.params = [('metricType', list(metric_types)), ('start', format_api_datetime(start)), ('end', format_api_datetime(end)),
                       ('numberOfSamples', samples)]


def read_metrics_query(get, now=None):
    """Validate the metrics options into a MetricsQuery before any request."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    workload_id = uuid_option('workload_id', get('workload_id'), required=True)
    pod_id = uuid_option('pod_id', get('pod_id'))
    metric_types = get('metric_types') or []
    unknown = [name for name in metric_types if name not in METRIC_TYPES]
    if not metric_types or unknown:
        raise RunaiError('metric_types must name metric types of the API (%s), got %s' % (', '.join(METRIC_TYPES), shown(unknown or metric_types)))
    start, end = parse_time('start', get('start'), now), parse_time('end', get('end'), now)
    if start >= end:
        raise RunaiError('start must be before end: start %s is %s, end %s is %s' % (
            shown(get('start')), format_api_datetime(start), shown(get('end')), format_api_datetime(end)))
    samples = get('samples')
    if isinstance(samples, bool) or not isinstance(samples, int) or not 0 <= samples <= MAX_SAMPLES:
        raise RunaiError('samples must be an integer from 0 to %d, got %s' % (MAX_SAMPLES, shown(samples)))
    return MetricsQuery(workload_id, pod_id, list(dict.fromkeys(metric_types)), start, end, samples)


# -- fetching ------------------------------------------------------------------------------------------

class PodMetrics:
    """What one pod's metrics request gave: measurements with numeric values, and what is missing."""

    def __init__(self, pod_id, pod_name, measurements, partial, empty_types, error=None):
        self.pod_id = pod_id
        self.pod_name = pod_name
        self.measurements = measurements
        self.partial = partial
        self.empty_types = empty_types
        self.error = error

    def describe(self):
        return 'pod %s (%s)' % (self.pod_name, self.pod_id) if self.pod_name else 'pod %s' % self.pod_id


def fetch_pod_metrics(client, metrics_query, pod_id, pod_name=None):
    path = METRICS_PATH % (metrics_query.workload_id, pod_id)
    not_found = "Pod '%s' of workload '%s'" % (pod_id, metrics_query.workload_id)
    status, body = client.get(path, metrics_query.params, not_found=not_found)
    measurements = [numeric_measurement(measurement) for measurement in check_measurements(body, path)]
    with_data = set(measurement['type'] for measurement in measurements if measurement['values'])
    empty_types = [name for name in metrics_query.metric_types if name not in with_data]
    return PodMetrics(pod_id, pod_name, measurements, status == 207, empty_types)


def fetch_workload_metrics(client, metrics_query):
    """Every non-deleted pod of the workload (listed first), their metrics fetched concurrently, in listing order.

    A pod that is gone by the time its metrics are asked for (404) is reported on that pod; any
    other failure fails the whole read.
    """
    pods = client.paginate(WORKLOAD_PODS_PATH % metrics_query.workload_id, [], 'pods',
                           not_found="Workload '%s'" % metrics_query.workload_id)

    def fetch_one(pod):
        try:
            return fetch_pod_metrics(client, metrics_query, pod.get('id'), pod.get('name'))
        except RunaiError as exc:
            if exc.status != 404:
                raise
            return PodMetrics(pod.get('id'), pod.get('name'), [], False, list(metrics_query.metric_types), error=str(exc))

    if not pods:
        return []
    with ThreadPoolExecutor(max_workers=min(client.page_workers, len(pods))) as pool:
        return list(pool.map(fetch_one, pods))


def numeric_measurement(measurement):
    """The API's measurement with every value as a float (None where it is not a finite number)."""
    values = measurement.get('values') or []
    converted = dict(measurement)
    converted['values'] = [dict(sample, value=_number(sample.get('value'))) for sample in values if isinstance(sample, dict)]
    return converted


def _number(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


# -- statistics ----------------------------------------------------------------------------------------

def metric_stats(measurements, metric_types):
    """Per metric type: min, max, avg and samples over every series; last is the mean at the latest timestamp."""
    return dict((metric_type, _type_stats([m for m in measurements if m.get('type') == metric_type])) for metric_type in metric_types)


def _type_stats(series):
    values = [sample['value'] for measurement in series for sample in measurement['values'] if sample['value'] is not None]
    if not values:
        return {'min': None, 'max': None, 'avg': None, 'last': None, 'samples': 0}
    return {'min': min(values), 'max': max(values), 'avg': sum(values) / len(values), 'last': _last(series), 'samples': len(values)}


def _last(series):
    """Mean across series of each one's value at the latest timestamp any of them has."""
    stamped = [(_instant(sample.get('timestamp')), sample['value'])
               for measurement in series for sample in measurement['values'] if sample['value'] is not None]
    stamped = [(instant, value) for instant, value in stamped if instant is not None]
    if not stamped:
        return None
    latest = max(instant for instant, _value in stamped)
    at_latest = [value for instant, value in stamped if instant == latest]
    return sum(at_latest) / len(at_latest)


def _instant(timestamp):
    """The sample's time as a datetime (compared across series whatever zone each was written in); None if unreadable."""
    try:
        return _dates.parse_datetime(timestamp)
    except ValueError:
        return None
