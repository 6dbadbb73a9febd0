#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: runai_pod_metrics_info
short_description: GPU, CPU and NIM metrics of Run:ai pods, with statistics for health gates
version_added: 0.1.0
description:
  - Reads the metrics of one pod, or of every pod of a workload that is not deleted, from the Run:ai
    control plane, converts the values to numbers and computes per-type statistics (min, max, avg,
    last, samples), so that a playbook can decide on them directly.
  - In workload mode the pods are listed first, then their metrics are fetched a few at a time over
    one keep-alive connection pool; the result keeps the listing's order.
author:
  - runai.platform maintainers (@runai-platform)
extends_documentation_fragment:
  - runai.platform.attributes.info_module
  - runai.platform.connection
options:
  workload_id:
    description: UUID of the workload.
    type: str
    required: true
  pod_id:
    description:
      - UUID of one pod of the workload. When omitted, every pod of the workload that is not deleted.
    type: str
  metric_types:
    description:
      - Metric types to read, as the API names them (its C(PodMetricType) enum).
      - Advanced GPU metrics (types with C(ACTIVITY), C(OCCUPANCY) or C(BANDWIDTH) in their name, and the
        C(GPU_PCIE_*) and C(GPU_NVLINK_*) types) exist only where the control plane enables them; C(NIM_*)
        types only for NIM inference pods. Types a pod lacks come back empty and make the result RV(partial).
    type: list
    elements: str
    required: true
    aliases: [metric_type]
    choices:
      - GPU_UTILIZATION_PER_GPU
      - GPU_UTILIZATION
      - GPU_MEMORY_USAGE_BYTES_PER_GPU
      - GPU_MEMORY_USAGE_BYTES
      - CPU_USAGE_CORES
      - CPU_MEMORY_USAGE_BYTES
      - GPU_GRAPHICS_ENGINE_ACTIVITY_PER_GPU
      - GPU_SM_ACTIVITY_PER_GPU
      - GPU_SM_OCCUPANCY_PER_GPU
      - GPU_TENSOR_ACTIVITY_PER_GPU
      - GPU_FP64_ENGINE_ACTIVITY_PER_GPU
      - GPU_FP32_ENGINE_ACTIVITY_PER_GPU
      - GPU_FP16_ENGINE_ACTIVITY_PER_GPU
      - GPU_MEMORY_BANDWIDTH_UTILIZATION_PER_GPU
      - GPU_NVLINK_TRANSMITTED_BANDWIDTH_PER_GPU
      - GPU_NVLINK_RECEIVED_BANDWIDTH_PER_GPU
      - GPU_PCIE_TRANSMITTED_BANDWIDTH_PER_GPU
      - GPU_PCIE_RECEIVED_BANDWIDTH_PER_GPU
      - GPU_SWAP_MEMORY_BYTES_PER_GPU
      - NIM_NUM_REQUESTS_RUNNING
      - NIM_NUM_REQUESTS_WAITING
      - NIM_NUM_REQUEST_MAX
      - NIM_REQUEST_SUCCESS_TOTAL
      - NIM_REQUEST_FAILURE_TOTAL
      - NIM_GPU_CACHE_USAGE_PERC
      - NIM_TIME_TO_FIRST_TOKEN_SECONDS
      - NIM_E2E_REQUEST_LATENCY_SECONDS
      - NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES
      - NIM_E2E_REQUEST_LATENCY_SECONDS_PERCENTILES
      - NVLINK_BANDWIDTH_TOTAL
      - NVLINK_BANDWIDTH_TOTAL_PER_GPU
  start:
    description:
      - Start of the time range. An ISO 8601 date-time (one without a zone is UTC), or relative to now -
        V(now), or V(-<n><unit>) with one unit of V(s), V(m), V(h), V(d), V(w) (V(-30s), V(-15m), V(-2h),
        V(-1d), V(-1w)). Nothing else. Sent in UTC with milliseconds.
    type: str
    default: -1h
  end:
    description:
      - End of the time range, in the same forms as O(start); must be after O(start).
    type: str
    default: now
  samples:
    description:
      - Number of evenly spaced samples between O(start) and O(end) (the API's C(numberOfSamples)), 0 to 1000.
    type: int
    default: 20
    aliases: [number_of_samples]
notes:
  - C(stats) of a type with no samples has null values and C(samples=0), so a gate can tell "no data" from "low".
  - In workload mode, a pod that answers 404 (gone since the listing) is reported on that pod (C(error)) and in a
    warning; it does not hide the other pods.
seealso:
  - module: runai.platform.runai_pods_info
'''

EXAMPLES = r'''
- name: Fail when a training workload used its GPUs less than 30 % on average in the last hour
  runai.platform.runai_pod_metrics_info:
    base_url: https://mytenant.run.ai
    client_id: "{{ runai_client_id }}"
    client_secret: "{{ runai_client_secret }}"
    workload_id: 5d2e6c7e-8a52-4b4f-9c39-1c2f0c1e8a11
    metric_types: [GPU_UTILIZATION]
    start: -1h
  register: utilisation
  # "utilisation is failed" first: when the request itself fails (credentials, network), the task
  # shows the module's own message instead of an error about a missing stats key.
  failed_when: >-
    utilisation is failed or
    utilisation.stats.GPU_UTILIZATION.samples == 0 or
    utilisation.stats.GPU_UTILIZATION.avg < 30

- name: Memory used by each GPU of one pod over the last 15 minutes
  runai.platform.runai_pod_metrics_info:
    workload_id: 5d2e6c7e-8a52-4b4f-9c39-1c2f0c1e8a11
    pod_id: 2b9b4a3e-5f3e-4c1e-9a3b-7f1f2d9c0a11
    metric_type: GPU_MEMORY_USAGE_BYTES_PER_GPU
    start: -15m
    samples: 15
  register: gpu_memory

- name: Show the latest value per GPU
  ansible.builtin.debug:
    msg: "GPU {{ item.labels.gpu }}: {{ ((item['values'] | last).value / 1024 ** 3) | round(1) }} GiB"
  loop: "{{ gpu_memory.measurements }}"

- name: Same connection for every Run:ai module
  hosts: localhost
  module_defaults:
    group/runai.platform.runai:
      base_url: https://mytenant.run.ai
      client_id: "{{ lookup('ansible.builtin.env', 'RUNAI_CLIENT_ID') }}"
      client_secret: "{{ lookup('ansible.builtin.env', 'RUNAI_CLIENT_SECRET') }}"
  tasks:
    - name: CPU and GPU use of every pod of an inference workload between two dates
      runai.platform.runai_pod_metrics_info:
        workload_id: 5d2e6c7e-8a52-4b4f-9c39-1c2f0c1e8a11
        metric_types: [CPU_USAGE_CORES, GPU_UTILIZATION, NIM_NUM_REQUESTS_WAITING]
        start: "2026-11-27T06:00:00Z"
        end: "2026-11-27T08:00:00Z"
        samples: 120
'''

RETURN = r'''
measurements:
  description:
    - The API's measurements of the pod, each C(values[].value) converted to a number (null where it is not one);
      timestamps unchanged. Per-GPU types have one series per GPU, with C(labels.gpu).
  returned: when O(pod_id) is given
  type: list
  elements: dict
  sample:
    - type: GPU_UTILIZATION_PER_GPU
      labels: {gpu: "0"}
      values:
        - {value: 85.0, timestamp: "2026-11-27T11:00:00.000Z"}
        - {value: 92.0, timestamp: "2026-11-27T11:03:00.000Z"}
stats:
  description:
    - Metric type to statistics over every series and sample of that type (in workload mode, over all its pods).
    - C(last) is the mean of the values at the latest timestamp across those series.
    - Every requested type is present; a type without samples has null values and C(samples=0).
  returned: always
  type: dict
  sample:
    GPU_UTILIZATION: {min: 12.0, max: 97.5, avg: 71.3, last: 88.0, samples: 40}
    NIM_NUM_REQUESTS_WAITING: {min: null, max: null, avg: null, last: null, samples: 0}
pods:
  description: One entry per pod of the workload that is not deleted, in the API's order.
  returned: when O(pod_id) is not given
  type: list
  elements: dict
  contains:
    pod_id:
      description: UUID of the pod.
      type: str
    pod_name:
      description: Name of the pod.
      type: str
    measurements:
      description: As RV(measurements), for this pod.
      type: list
      elements: dict
    stats:
      description: As RV(stats), for this pod.
      type: dict
    partial:
      description: True when the API answered 207 for this pod (some types came back without data).
      type: bool
    error:
      description: Why this pod has no metrics (it was not found any more).
      type: str
      returned: when the pod's metrics could not be read
partial:
  description: True when the API answered 207 (Partial success) for the pod, or for any pod of the workload.
  returned: always
  type: bool
  sample: false
requests:
  description: Number of HTTP requests made, token requests and retries included. Also in failed results.
  returned: always
  type: int
  sample: 102
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError
from ansible_collections.runai.platform.plugins.module_utils._metrics import (
    METRIC_TYPES, fetch_pod_metrics, fetch_workload_metrics, metric_stats, read_metrics_query)
from ansible_collections.runai.platform.plugins.module_utils._options import argument_spec, client_for_module, require_libraries

MODULE_OPTIONS = dict(
    workload_id=dict(type='str', required=True),
    pod_id=dict(type='str'),
    metric_types=dict(type='list', elements='str', required=True, aliases=['metric_type'], choices=list(METRIC_TYPES)),
    start=dict(type='str', default='-1h'),
    end=dict(type='str', default='now'),
    samples=dict(type='int', default=20, aliases=['number_of_samples']),
)


def pod_result(metrics, metric_types):
    return {'pod_id': metrics.pod_id, 'pod_name': metrics.pod_name, 'measurements': metrics.measurements,
            'stats': metric_stats(metrics.measurements, metric_types), 'partial': metrics.partial}


def read_metrics(module, client, metrics_query):
    """The result for one pod or a whole workload; each partial or missing pod becomes a warning."""
    if metrics_query.pod_id:
        pods = [fetch_pod_metrics(client, metrics_query, metrics_query.pod_id)]
    else:
        pods = fetch_workload_metrics(client, metrics_query)
    for metrics in pods:
        if metrics.error:
            module.warn('No metrics for %s: %s' % (metrics.describe(), metrics.error))
        elif metrics.partial:
            module.warn('Partial metrics for %s (HTTP 207): no data for %s' % (metrics.describe(), ', '.join(metrics.empty_types) or 'some types'))
    every_measurement = [measurement for metrics in pods for measurement in metrics.measurements]
    result = {'stats': metric_stats(every_measurement, metrics_query.metric_types), 'partial': any(metrics.partial for metrics in pods)}
    if metrics_query.pod_id:
        result['measurements'] = pods[0].measurements
    else:
        result['pods'] = [dict(pod_result(metrics, metrics_query.metric_types), **({'error': metrics.error} if metrics.error else {}))
                          for metrics in pods]
    return result


def main():
    module = AnsibleModule(argument_spec=argument_spec(MODULE_OPTIONS), supports_check_mode=True)
    require_libraries(module, ('requests',))
    client = None
    try:
        client = client_for_module(module)
        metrics_query = read_metrics_query(module.params.get)
        result = read_metrics(module, client, metrics_query)
    except RunaiError as exc:
        module.fail_json(msg=str(exc), requests=client.request_count if client else 0, **exc.details())
    module.exit_json(changed=False, requests=client.request_count, **result)


if __name__ == '__main__':
    main()
