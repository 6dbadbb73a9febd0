# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""The metrics options -> a validated MetricsQuery, and the metric types of the API they may name."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime

from ansible_collections.runai.platform.plugins.module_utils import _dates
from ansible_collections.runai.platform.plugins.module_utils._dates import format_api_datetime
from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, shown
from ansible_collections.runai.platform.plugins.module_utils._filters import uuid_option
from ansible_collections.runai.platform.plugins.module_utils._option_rules import Bound, check_bounds

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
