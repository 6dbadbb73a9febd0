# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""Pod metrics: time ranges, fetching (one pod, or every pod of a workload or revision concurrently), statistics."""

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
from ansible_collections.runai.platform.plugins.module_utils._option_rules import Bound, check_bounds
from ansible_collections.runai.platform.plugins.module_utils._pod_query import read_pod_query
from ansible_collections.runai.platform.plugins.module_utils._pod_reads import fetch_pod_list

METRICS_PATH = '/api/v1/workloads/%s/pods/%s/metrics'
MAX_SAMPLES = 1000
METRICS_BOUNDS = {'samples': Bound(0, MAX_SAMPLES)}

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
# Their series are labelled `percentile` (p50, p90, p99), or their `histogram` entries hold the percentiles.
PERCENTILE_TYPES = frozenset(name for name in METRIC_TYPES if name.endswith('_PERCENTILES'))
PER_GPU_TYPES = frozenset(name for name in METRIC_TYPES if name.endswith('_PER_GPU'))
PERCENTILES = ('p50', 'p90', 'p99')
STAT_FIGURES = ('min', 'max', 'avg', 'last', 'samples')


def time_option(option, text, now):
    """`now`, `-<n><unit>` or ISO 8601 (zone-less is UTC) -> an aware UTC datetime; RunaiError naming the option otherwise."""
    try:
        return _dates.parse_time(text, now)
    except ValueError as exc:
        raise RunaiError('%s %s is %s' % (option, shown(text), exc))


class MetricsQuery:
    """A validated metrics request; `params` are the query pairs every pod's request shares."""

    def __init__(self, workload_id, pod_id, metric_types, start, end, samples, revision_id=None):
        self.workload_id = workload_id
        self.revision_id = revision_id
        self.pod_id = pod_id
        self.metric_types = metric_types
        self.params = [('metricType', list(metric_types)), ('start', format_api_datetime(start)), ('end', format_api_datetime(end)),
                       ('numberOfSamples', samples)]


def read_metrics_query(get, now=None):
    """Validate the metrics options into a MetricsQuery before any request."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    revision_id = uuid_option('revision_id', get('revision_id'))
    workload_id = uuid_option('workload_id', get('workload_id'))
    if workload_id and revision_id:
        raise RunaiError('workload_id and revision_id are mutually exclusive; give one of them')
    if not (workload_id or revision_id):
        raise RunaiError('one of workload_id and revision_id is required: the pods of which workload or inference revision')
    pod_id = uuid_option('pod_id', get('pod_id'))
    metric_types = get('metric_types') or []
    unknown = [name for name in metric_types if name not in METRIC_TYPES]
    if not metric_types or unknown:
        raise RunaiError('metric_types must name metric types of the API (%s), got %s' % (', '.join(METRIC_TYPES), shown(unknown or metric_types)))
    start, end = time_option('start', get('start'), now), time_option('end', get('end'), now)
    if start >= end:
        raise RunaiError('start must be before end: start %s is %s, end %s is %s' % (
            shown(get('start')), format_api_datetime(start), shown(get('end')), format_api_datetime(end)))
    check_bounds(get, METRICS_BOUNDS)
    return MetricsQuery(workload_id, pod_id, list(dict.fromkeys(metric_types)), start, end, get('samples'), revision_id)


# -- fetching ------------------------------------------------------------------------------------------

class PodMetrics:
    """What one pod's metrics request gave: measurements with numeric values, and what is missing."""

    def __init__(self, pod_id, pod_name, measurements, partial, empty_types, error=None, histogram=()):
        self.pod_id = pod_id
        self.pod_name = pod_name
        self.measurements = measurements
        self.histogram = list(histogram)
        self.partial = partial
        self.empty_types = empty_types
        self.error = error

    def describe(self):
        return 'pod %s (%s)' % (self.pod_name, self.pod_id) if self.pod_name else 'pod %s' % self.pod_id

    @property
    def stat_series(self):
        """The series statistics are computed over: the measurements, and the percentiles of the histogram entries."""
        return self.measurements + histogram_percentile_series(self.histogram, self.measurements)


def fetch_pod_metrics(client, metrics_query, pod_id, pod_name=None, workload_id=None):
    """One pod's metrics; `workload_id` is the pod's own (a revision's pods are asked through their workload)."""
    workload_id = workload_id or metrics_query.workload_id
    path = METRICS_PATH % (workload_id, pod_id)
    not_found = "Pod '%s' of workload '%s'" % (pod_id, workload_id)
    status, body = client.get(path, metrics_query.params, not_found=not_found)
    measurements = [numeric_measurement(measurement) for measurement in check_measurements(body, path)]
    with_data = set(measurement['type'] for measurement in measurements if measurement['values'])
    empty_types = [name for name in metrics_query.metric_types if name not in with_data]
    histogram = numeric_histogram(body.get('histogram') if isinstance(body, dict) else None)
    return PodMetrics(pod_id, pod_name, measurements, status == 207, empty_types, histogram=histogram)


def list_scope_pods(client, metrics_query):
    """The pods that are not deleted of the workload (paged) or of the revision (one answer), in the API's order."""
    scope = {'revision_id': metrics_query.revision_id} if metrics_query.revision_id else {'workload_id': metrics_query.workload_id}
    return fetch_pod_list(client, read_pod_query(scope.get))


def fetch_one_pod_metrics(client, metrics_query):
    """The metrics of O(pod_id); in revision mode the pod is found among the revision's pods, for its workload id."""
    if not metrics_query.revision_id:
        return fetch_pod_metrics(client, metrics_query, metrics_query.pod_id)
    pod = next((pod for pod in list_scope_pods(client, metrics_query) if str(pod.get('id')).lower() == metrics_query.pod_id.lower()), None)
    if pod is None:
        raise RunaiError("Pod '%s' was not found among the pods of revision '%s' that are not deleted" % (
            metrics_query.pod_id, metrics_query.revision_id))
    return fetch_pod_metrics(client, metrics_query, metrics_query.pod_id, pod.get('name'), pod.get('workloadId'))


def fetch_workload_metrics(client, metrics_query):
    """Every non-deleted pod of the workload or revision (listed first), their metrics fetched concurrently, in listing order.

    A pod that is gone by the time its metrics are asked for (404) is reported on that pod; any
    other failure fails the whole read.
    """
    pods = list_scope_pods(client, metrics_query)

    def fetch_one(pod):
        try:
            return fetch_pod_metrics(client, metrics_query, pod.get('id'), pod.get('name'), pod.get('workloadId'))
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


def numeric_histogram(raw):
    """The API's optional `histogram` with every bucket count and percentile as a float; entries of another shape are left out.

    [{type, values: [{timestamp, data: {"0.005": "12", ..., "+Inf": "40"} or {"p50": "0.18", ...}}]}]
    """
    if not isinstance(raw, list):
        return []
    histogram = []
    for entry in raw:
        if not isinstance(entry, dict) or not isinstance(entry.get('type'), str) or not isinstance(entry.get('values'), list):
            continue
        values = [{'timestamp': sample.get('timestamp'), 'data': dict((str(key), _number(value)) for key, value in sample['data'].items())}
                  for sample in entry['values'] if isinstance(sample, dict) and isinstance(sample.get('data'), dict)]
        histogram.append(dict(entry, values=values))
    return histogram


def histogram_percentile_series(histogram, measurements):
    """Series labelled `percentile` made of the histogram entries of the *_PERCENTILES types.

    A control plane may send the percentiles as measurements, as histogram entries, or both (NOTES: the
    document does not say): a sample the measurements already hold (same type, percentile and timestamp)
    is left out here, so that sent both ways it counts once.
    """
    held = set()
    for measurement in measurements:
        percentile = (measurement.get('labels') or {}).get('percentile')
        if measurement.get('type') in PERCENTILE_TYPES and percentile is not None:
            held.update((measurement['type'], percentile, sample.get('timestamp')) for sample in measurement['values'])
    series = []
    for entry in histogram:
        if entry['type'] not in PERCENTILE_TYPES:
            continue
        for percentile in PERCENTILES:
            values = [{'value': sample['data'][percentile], 'timestamp': sample['timestamp']} for sample in entry['values']
                      if percentile in sample['data'] and (entry['type'], percentile, sample['timestamp']) not in held]
            if values:
                series.append({'type': entry['type'], 'labels': {'percentile': percentile}, 'values': values})
    return series


def _number(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


# -- statistics ----------------------------------------------------------------------------------------

def metric_stats(measurements, metric_types):
    """Per metric type: min, max, avg and samples over every series; last is the mean at the latest timestamp.

    Series that carry labels are also summarised per label value, under `by_<label>` (`by_gpu`, `by_percentile`).
    The whole-type figures of a *_PERCENTILES type would mix p50, p90 and p99: they are null, `samples` still counts.
    """
    return dict((metric_type, _labelled_stats(metric_type, [m for m in measurements if m.get('type') == metric_type]))
                for metric_type in metric_types)


def _labelled_stats(metric_type, series):
    stats = _type_stats(series)
    groups = {}
    if metric_type in PER_GPU_TYPES:
        groups['gpu'] = {}
    if metric_type in PERCENTILE_TYPES:
        groups['percentile'] = {}
        stats.update(min=None, max=None, avg=None, last=None)
    for measurement in series:
        labels = measurement.get('labels')
        for label, value in (labels.items() if isinstance(labels, dict) else ()):
            groups.setdefault(str(label), {}).setdefault(str(value), []).append(measurement)
    for label, by_value in groups.items():
        stats['by_' + label] = dict((value, _type_stats(members)) for value, members in sorted(by_value.items(), key=_label_order))
    return stats


def _label_order(item):
    # GPU indexes in numeric order ('2' before '10'), anything else by its text.
    value = item[0]
    return (0, int(value), '') if value.isdigit() else (1, 0, value)


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
