# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""Fetching pod metrics (one pod, or every pod of a workload or revision concurrently), their values as numbers."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import math
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.runai.platform.plugins.module_utils._answers import check_measurements
from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError
from ansible_collections.runai.platform.plugins.module_utils._metric_stats import histogram_percentile_series
from ansible_collections.runai.platform.plugins.module_utils._pod_query import read_pod_query
from ansible_collections.runai.platform.plugins.module_utils._pod_reads import fetch_pod_list

METRICS_PATH = '/api/v1/workloads/%s/pods/%s/metrics'


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


def _number(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
