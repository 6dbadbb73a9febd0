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
  - Reads the metrics of one pod, or of every pod of a workload or of an inference revision that is not
    deleted, from the Run:ai control plane, converts the values to numbers and computes per-type statistics
    (min, max, avg, last, samples, and per GPU or per percentile), so that a playbook can decide on them directly.
  - In workload and revision mode the pods are listed first, then their metrics are fetched a few at a time over
    one keep-alive connection pool; the result keeps the listing's order.
  - In workload and revision mode it is also a gate over metrics. O(pod_condition) must hold for every pod's
    entry, O(fail_condition) for none, and at least O(min_pods) pods must be in scope. The module fails when the
    gate does not hold, and RV(gate) names the pods and the values that failed. See the collection's
    C(docs/inference.md) for a rollout gate built on it.
author:
  - runai.platform maintainers (@runai-platform)
extends_documentation_fragment:
  - runai.platform.attributes.info_module
  - runai.platform.connection
options:
  workload_id:
    description:
      - UUID of the workload. One of O(workload_id) and O(revision_id) is required; they are mutually exclusive.
    type: str
  revision_id:
    description:
      - UUID of an inference revision. Its pods are listed through
        C(GET /api/v1/workloads/inferences/revisions/{revisionId}/pods) (clusters 2.21 and newer), and each pod's
        metrics are read through its own C(workloadId).
      - An unknown revision fails (HTTP 404, "Revision '...' was not found").
    type: str
  pod_id:
    description:
      - UUID of one pod of the workload or revision. When omitted, every pod of the workload or revision that is
        not deleted.
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
  pod_condition:
    description:
      - JMESPath expression evaluated on each pod's entry C({pod_id, pod_name, stats, partial}) (workload and
        revision mode). The gate holds only when it is true for every pod, in JMESPath's sense. For example
        V(stats.NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES.by_percentile.p99.max < `0.5`).
      - A pod with no samples of a type the condition reads is an offender, never a pass (a comparison with
        null is false).
      - Checked before any request. A metric type that O(metric_types) does not ask for, a figure the statistics
        do not have (V(mx), V(by_percentile.p95)), and a whole-type figure of a C(*_PERCENTILES) type (null,
        since it would mix p50, p90 and p99) fail naming the option.
    type: str
  fail_condition:
    description:
      - JMESPath expression evaluated on each pod's entry, as O(pod_condition); when it is true for any pod the
        gate fails. For example V(stats.NIM_REQUEST_FAILURE_TOTAL.max > `0`).
    type: str
  min_pods:
    description:
      - At least this many pods must be in scope (0 or more); fewer fails the gate, never passes it.
      - Defaults to V(1) when O(pod_condition) or O(fail_condition) is given, so that an empty workload or
        revision fails. V(0) accepts an empty scope explicitly.
    type: int
  max_offenders:
    description:
      - How many offending pods RV(gate.offenders) lists, from 0 to 1000. The failure message names the first five.
    type: int
    default: 20
notes:
  - C(stats) of a type with no samples has null values and C(samples=0), so a gate can tell "no data" from "low".
  - In workload and revision mode, a pod that answers 404 (gone since the listing) is reported on that pod
    (C(error)) and in a warning; it does not hide the other pods. A gate counts it an offender (it has no samples).
  - "Percentiles: a control plane may send the C(*_PERCENTILES) types as C(measurements) labelled C(percentile), as
    C(histogram) entries holding C(p50), C(p90) and C(p99), or both; both are read, and a sample sent both ways
    (same percentile and timestamp) counts once."
  - "Order of judgement: O(fail_condition), then O(min_pods), then O(pod_condition); RV(gate.reason) names the
    first that did not hold. The gate options fail with O(pod_id)."
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

- name: Gate a new inference revision - every replica's p99 time to first token under 0.5 s over the last 10 minutes
  runai.platform.runai_pod_metrics_info:
    revision_id: 0f5b2a1c-7d3e-4c8b-9a6f-2e1d0c9b8a71
    metric_types: [NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES, NIM_E2E_REQUEST_LATENCY_SECONDS_PERCENTILES]
    start: -10m
    samples: 10
    pod_condition: >-
      stats.NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES.by_percentile.p99.max < `0.5` &&
      stats.NIM_E2E_REQUEST_LATENCY_SECONDS_PERCENTILES.by_percentile.p99.max < `8`
  register: latency_gate
  # Fails with "1 of 3 pods do not satisfy pod_condition ...: llama3-8b-00002-x (... p99 max 0.71)"

- name: The busiest GPU of one pod
  ansible.builtin.debug:
    msg: "{{ gpu_memory.stats.GPU_MEMORY_USAGE_BYTES_PER_GPU.by_gpu | dict2items | sort(attribute='value.max') | last }}"

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
    - Metric type to statistics over every series and sample of that type (in workload and revision mode, over
      all their pods) - C(min), C(max), C(avg), C(last) and C(samples).
    - C(last) is the mean of the values at the latest timestamp across those series.
    - Every requested type is present; a type without samples has null values and C(samples=0).
    - Series that carry labels are also summarised per label value under C(by_<label>), with the same five
      figures - C(by_gpu) for the C(*_PER_GPU) types (GPU index to statistics, always present, empty without
      samples), C(by_percentile) for the C(*_PERCENTILES) types (C(p50), C(p90), C(p99)). Over several pods, C(by_gpu)
      groups the series by GPU index on each pod's node; each pod's own figures are in RV(pods[].stats).
    - For the C(*_PERCENTILES) types C(min), C(max), C(avg) and C(last) are null (over p50, p90 and p99
      together they would mean nothing); C(samples) counts every sample, and C(by_percentile) holds the
      figures to gate on.
  returned: always
  type: dict
  sample:
    GPU_UTILIZATION: {min: 12.0, max: 97.5, avg: 71.3, last: 88.0, samples: 40}
    GPU_UTILIZATION_PER_GPU:
      min: 10.5
      max: 99.0
      avg: 70.2
      last: 86.0
      samples: 80
      by_gpu:
        "0": {min: 10.5, max: 97.0, avg: 69.8, last: 84.0, samples: 40}
        "1": {min: 14.0, max: 99.0, avg: 70.6, last: 88.0, samples: 40}
    NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES:
      min: null
      max: null
      avg: null
      last: null
      samples: 60
      by_percentile:
        p50: {min: 0.164, max: 0.235, avg: 0.188, last: 0.19, samples: 20}
        p90: {min: 0.295, max: 0.423, avg: 0.338, last: 0.342, samples: 20}
        p99: {min: 0.492, max: 0.706, avg: 0.564, last: 0.57, samples: 20}
    NIM_NUM_REQUESTS_WAITING: {min: null, max: null, avg: null, last: null, samples: 0}
histogram:
  description:
    - The API's optional C(histogram) of the NIM latency types (control plane 2.23 and newer), each C(data) value
      converted to a number - cumulative request counts per latency bound (C("0.005") ... C("+Inf")) for
      C(NIM_TIME_TO_FIRST_TOKEN_SECONDS) and C(NIM_E2E_REQUEST_LATENCY_SECONDS), and C(p50), C(p90), C(p99) in
      seconds for the C(*_PERCENTILES) types. Empty when the API sends none.
  returned: when O(pod_id) is given
  type: list
  elements: dict
  sample:
    - type: NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES
      values:
        - timestamp: "2026-11-27T11:00:00.000Z"
          data: {p50: 0.188, p90: 0.338, p99: 0.564}
    - type: NIM_TIME_TO_FIRST_TOKEN_SECONDS
      values:
        - timestamp: "2026-11-27T11:00:00.000Z"
          data: {"0.005": 12.0, "0.05": 310.0, "0.5": 2840.0, "1.0": 2990.0, "+Inf": 3012.0}
pods:
  description: One entry per pod of the workload or revision that is not deleted, in the API's order.
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
    histogram:
      description: As RV(histogram), for this pod.
      type: list
      elements: dict
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
gate:
  description:
    - The gate's verdict, in successful and failed results alike, with the meaning of runai.platform.runai_pods_info's
      RV(runai.platform.runai_pods_info#module:gate).
  returned: when O(min_pods), O(pod_condition) or O(fail_condition) is given
  type: dict
  contains:
    held:
      description: Whether the gate held.
      type: bool
      sample: false
    reason:
      description: V(held), or the first judgement that did not hold - V(fail_condition), V(min_pods), V(pod_condition).
      type: str
      sample: pod_condition
    pods_checked:
      description: Number of pods in scope.
      type: int
      sample: 3
    offender_count:
      description: Number of pods that match O(fail_condition) or do not satisfy O(pod_condition).
      type: int
      sample: 1
    offenders:
      description:
        - At most O(max_offenders) offending pods (those matching O(fail_condition) first), each with C(pod_id),
          C(pod_name), C(violates) (V(fail_condition) or V(pod_condition)) and C(values) - the values read by the
          parts of the condition that failed (the C(&&) terms of O(pod_condition) that were not true, the C(||)
          terms of O(fail_condition) that were), by path; null where the pod has no samples.
      type: list
      elements: dict
      sample:
        - pod_id: 2b9b4a3e-5f3e-4c1e-9a3b-7f1f2d9c0a11
          pod_name: inference-llama3-8b-nim-00002-deployment-l7w4qnlv2p-w88gz
          violates: pod_condition
          values:
            stats.NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES.by_percentile.p99.max: 0.71
requests:
  description: Number of HTTP requests made, token requests and retries included. Also in failed results.
  returned: always
  type: int
  sample: 102
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError
from ansible_collections.runai.platform.plugins.module_utils._gate import GATE_ARGUMENT_SPEC
from ansible_collections.runai.platform.plugins.module_utils._metric_gate import judge, pod_entry, read_metric_gate
from ansible_collections.runai.platform.plugins.module_utils._metric_query import METRIC_TYPES, read_metrics_query
from ansible_collections.runai.platform.plugins.module_utils._metric_reads import fetch_one_pod_metrics, fetch_workload_metrics
from ansible_collections.runai.platform.plugins.module_utils._metric_stats import metric_stats
from ansible_collections.runai.platform.plugins.module_utils._options import argument_spec, client_for_module, require_libraries

MODULE_OPTIONS = dict(
    workload_id=dict(type='str'),
    revision_id=dict(type='str'),
    pod_id=dict(type='str'),
    metric_types=dict(type='list', elements='str', required=True, aliases=['metric_type'], choices=list(METRIC_TYPES)),
    start=dict(type='str', default='-1h'),
    end=dict(type='str', default='now'),
    samples=dict(type='int', default=20, aliases=['number_of_samples']),
)


def pod_result(metrics, metric_types):
    return {'pod_id': metrics.pod_id, 'pod_name': metrics.pod_name, 'measurements': metrics.measurements,
            'histogram': metrics.histogram, 'stats': metric_stats(metrics.stat_series, metric_types), 'partial': metrics.partial}


def read_metrics(module, client, metrics_query):
    """The result for one pod or a whole workload or revision; each partial or missing pod becomes a warning."""
    if metrics_query.pod_id:
        pods = [fetch_one_pod_metrics(client, metrics_query)]
    else:
        pods = fetch_workload_metrics(client, metrics_query)
    for metrics in pods:
        if metrics.error:
            module.warn('No metrics for %s: %s' % (metrics.describe(), metrics.error))
        elif metrics.partial:
            module.warn('Partial metrics for %s (HTTP 207): no data for %s' % (metrics.describe(), ', '.join(metrics.empty_types) or 'some types'))
    every_series = [series for metrics in pods for series in metrics.stat_series]
    result = {'stats': metric_stats(every_series, metrics_query.metric_types), 'partial': any(metrics.partial for metrics in pods)}
    if metrics_query.pod_id:
        result['measurements'] = pods[0].measurements
        result['histogram'] = pods[0].histogram
    else:
        result['pods'] = [dict(pod_result(metrics, metrics_query.metric_types), **({'error': metrics.error} if metrics.error else {}))
                          for metrics in pods]
    return result


def main():
    module = AnsibleModule(argument_spec=argument_spec(MODULE_OPTIONS, GATE_ARGUMENT_SPEC), supports_check_mode=True)
    require_libraries(module, ('requests', 'jmespath') if _gate_asked(module.params) else ('requests',))
    client = None
    try:
        client = client_for_module(module)
        metrics_query = read_metrics_query(module.params.get)
        gate = read_metric_gate(module.params.get, metrics_query.metric_types, per_pod=not metrics_query.pod_id)
        result = read_metrics(module, client, metrics_query)
    except RunaiError as exc:
        module.fail_json(msg=str(exc), requests=client.request_count if client else 0, **exc.details())
    if gate is not None:
        verdict = judge(gate, [pod_entry(pod) for pod in result['pods']])
        result['gate'] = verdict.as_result()
        if not verdict.held:
            module.fail_json(msg=verdict.message, requests=client.request_count, **result)
    module.exit_json(changed=False, requests=client.request_count, **result)


def _gate_asked(params):
    # jmespath is needed only to evaluate gate conditions.
    return params.get('pod_condition') is not None or params.get('fail_condition') is not None


if __name__ == '__main__':
    main()
