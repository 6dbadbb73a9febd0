#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: runai_pods_info
short_description: List pods of the NVIDIA Run:ai control plane, summarise them, and gate on them
version_added: 0.1.0
description:
  - Reads pods from the Run:ai control plane (all pods, the pods of one cluster, or of one workload),
    following the API's paging, and returns them with a summary by phase, node and node pool.
  - With O(query) it evaluates a JMESPath expression on the result.
  - It is also a health gate. O(pod_condition) must hold for every pod in scope, O(fail_condition) must hold
    for none, and at least O(min_pods) pods must be in scope (1 by default with either condition, so an empty
    scope never passes by accident). The module fails when the gate does not hold, and RV(gate) names the
    offending pods. With O(wait) it polls until the gate holds, until O(fail_condition) matches (at once), or
    until O(wait_timeout). See the collection's C(docs/gates.md).
  - With O(return_pods=false) every pod is still read, summarised and judged, but not returned. That is the
    cheap way to gate on tens of thousands of pods, since Ansible's own cost of carrying a large
    result dominates everything else.
author:
  - runai.platform maintainers (@runai-platform)
extends_documentation_fragment:
  - runai.platform.attributes.info_module
  - runai.platform.connection
  - runai.platform.pods
options:
  offset:
    description:
      - Index of the first pod to read (the API's C(offset)), 0 or more.
    type: int
    default: 0
  legacy_endpoint:
    description:
      - With O(cluster_id), read from the deprecated C(GET /v1/k8s/clusters/{uuid}/pods) instead, for control
        planes up to 2.21. Emits a deprecation warning.
      - Pods are returned in the legacy shape (C(podId), C(podName), C(phase), C(nodeId), C(nodePool), ...).
      - The deprecated path takes no parameters, so O(filter_by), O(search), O(sort_by), O(sort_order),
        O(verbosity), O(completed), O(deleted), O(offset), O(page_size) and O(count_only) fail with it;
        O(max_pods), O(fields), O(query) and O(wait) apply on the client side.
    type: bool
    default: false
  return_pods:
    description:
      - V(false) returns RV(pods) empty, while RV(count), RV(summary) and RV(query_result) are still
        computed over every pod read.
      - With V(false) each page is summarised, judged and dropped as it arrives, so memory stays flat however
        many pods the scope holds - unless O(query) or O(wait_for) reads C(pods), which then holds them until
        it has run (write C(summary.by_phase.Failed) rather than a C(length) of C(pods[?k8sPhase=='Failed'])).
    type: bool
    default: true
  min_pods:
    description:
      - At least this many pods must be in scope (0 or more); fewer fails the gate, never passes it.
      - Defaults to V(1) when O(pod_condition) or O(fail_condition) is given, so that an empty scope (a mistyped
        node pool, a workload not created yet) fails. V(0) accepts an empty scope explicitly.
      - With O(count_only), judged on the count the API answers (the cheapest gate there is).
    type: int
  pod_condition:
    description:
      - JMESPath expression evaluated on each pod, as the API returns it (before O(fields) trims it). The gate
        holds only when it is true for every pod in scope, in JMESPath's sense (V(false), V(null), V(""),
        V([]) and V({}) are false; every number, 0 included, is true). For example V(k8sPhase=='Running').
      - Checked before any request; fails with O(count_only), which reads no pods.
    type: str
  fail_condition:
    description:
      - JMESPath expression evaluated on each pod; when it is true for any pod, the gate fails, and with
        O(wait) it fails at once without waiting any longer. For example V(k8sPhase=='Failed').
      - Checked before any request; fails with O(count_only), which reads no pods.
      - A condition that reads a field Run:ai pods do not have (V(k8sPhse), V(status)) or compares the phase with a
        misspelt one (V(k8sPhase=='failed')) fails before any request, since it would never match and the gate would
        pass by accident. Write V(@.fieldName) to read a field that a newer control plane adds.
    type: str
  max_offenders:
    description:
      - How many offending pods RV(gate.offenders) lists, from 0 to 1000. RV(gate.offender_count) counts them all,
        and the failure message names the first five whatever this is.
    type: int
    default: 20
  wait:
    description:
      - Poll until the gate (O(min_pods), O(pod_condition), O(fail_condition)) and O(wait_for), whichever are
        given, hold; fail at once when O(fail_condition) matches; fail after O(wait_timeout) seconds otherwise.
        Needs O(wait_for), O(min_pods) or O(pod_condition).
      - While waiting, a workload of O(workload_id) that the API does not know yet (HTTP 404) is an empty scope,
        and polling goes on. Connection errors, timeouts, 429 and 5xx that remain after O(retries) let polling go
        on too (each poll retries afresh), and a final failure names the last one. 400, 401 and 403 end the
        wait at once.
    type: bool
    default: false
  wait_for:
    description:
      - JMESPath expression over the same object as O(query) (C(pods), C(count), C(summary)), judged after the
        gate options. The wait is over when its value is true in JMESPath's sense - V(false), V(null), V(""),
        V([]) and V({}) are false; every number, 0 included, is true. Only allowed with O(wait).
    type: str
  wait_timeout:
    description:
      - Seconds to wait before failing (0 or more). The failed result still holds the last
        RV(pods), RV(summary), RV(gate), RV(wait_result), RV(elapsed) and RV(attempts).
    type: int
    default: 300
  wait_sleep:
    description:
      - Seconds between polls, 1 or more.
    type: int
    default: 5
notes:
  - "Order of judgement in one read: O(fail_condition), then O(min_pods), then O(pod_condition), then O(wait_for);
    RV(gate.reason) names the first that did not hold."
  - The pods are read page by page, following the API's C(next); after the first page, pages are
    fetched a few at a time over one keep-alive connection pool, in order, and no pod is returned twice.
  - The pod phase is not filterable by the API; judge it with O(pod_condition) or O(fail_condition), or select
    on it with O(query).
  - A failed gate's result holds RV(gate) like a successful one, so a C(rescue) can branch on RV(gate.reason);
    a failed request's result holds C(status), C(method), C(path) and C(server_message) instead.
seealso:
  - plugin: runai.platform.runai_pods
    plugin_type: lookup
  - module: runai.platform.runai_pod_metrics_info
'''

EXAMPLES = r'''
- name: Read every running pod, sorted by node (inventory of what runs where)
  runai.platform.runai_pods_info:
    base_url: https://mytenant.run.ai
    client_id: "{{ runai_client_id }}"
    client_secret: "{{ runai_client_secret }}"
    completed: false
    fields: [name, nodeName, k8sPhase, workloadId]
    query: "sort_by(pods[?k8sPhase=='Running'], &nodeName)"
  register: running

- name: Gate - no Failed pod on the new node pool, and at least one pod there (reads every pod, returns the verdict)
  runai.platform.runai_pods_info:
    cluster_id: 71f69d83-ba66-4822-adf5-55ce55efd210
    filter_by:
      - currentNodepool==h100
    return_pods: false
    fail_condition: "k8sPhase=='Failed'"
    min_pods: 1

- name: Wait until every pod of a training workload is Running (it may not exist yet); stop at once if one Failed
  runai.platform.runai_pods_info:
    workload_id: 5d2e6c7e-8a52-4b4f-9c39-1c2f0c1e8a11
    pod_condition: "k8sPhase=='Running'"
    fail_condition: "k8sPhase=='Failed'"
    min_pods: 4
    wait: true
    wait_timeout: 600
    wait_sleep: 10

- name: Wait until every pod of a new inference revision is Running (docs/inference.md has the whole rollout gate)
  runai.platform.runai_pods_info:
    revision_id: 0f5b2a1c-7d3e-4c8b-9a6f-2e1d0c9b8a71
    pod_condition: "k8sPhase=='Running'"
    fail_condition: "k8sPhase=='Failed'"
    wait: true
    wait_timeout: 600

- name: Branch on why a gate failed
  block:
    - name: No inference pod Failed or Unknown
      runai.platform.runai_pods_info:
        cluster_id: 71f69d83-ba66-4822-adf5-55ce55efd210
        filter_by:
          - workloadId==0b6a7c1e-3f2d-4e5a-9b8c-7d6e5f4a3b21
        return_pods: false
        fail_condition: "contains(['Failed', 'Unknown'], k8sPhase)"
      register: inference_gate
  rescue:
    - name: Page the on-call engineer with the offending pods (a gate verdict, not an API error)
      ansible.builtin.debug:
        msg: "{{ inference_gate.msg }} - offenders: {{ inference_gate.gate.offenders | map(attribute='name') | list }}"
      when: inference_gate.gate is defined and inference_gate.gate.reason == 'fail_condition'
    - name: Anything else (credentials, an unreachable API, an empty scope) fails with its own message
      ansible.builtin.fail:
        msg: "{{ inference_gate.msg }}"
      when: inference_gate.gate is not defined or inference_gate.gate.reason != 'fail_condition'

- name: Count the deleted pods of a cluster without reading them
  runai.platform.runai_pods_info:
    cluster_id: 71f69d83-ba66-4822-adf5-55ce55efd210
    deleted: true
    count_only: true
  register: deleted_pods

- name: Set the connection once for every Run:ai module of a play
  hosts: localhost
  module_defaults:
    group/runai.platform.runai:
      base_url: https://mytenant.run.ai
      client_id: "{{ lookup('ansible.builtin.env', 'RUNAI_CLIENT_ID') }}"
      client_secret: "{{ lookup('ansible.builtin.env', 'RUNAI_CLIENT_SECRET') }}"
  tasks:
    - name: Pods created since the start of the maintenance window
      runai.platform.runai_pods_info:
        filter_by:
          - createdAt>=2026-11-27T06:00:00Z
        sort_by: createdAt
        sort_order: desc
        max_pods: 100
'''

RETURN = r'''
pods:
  description:
    - The pods, exactly as the API returns them (camelCase keys), or trimmed to O(fields); empty with
      O(return_pods=false) or O(count_only). In the legacy shape with O(legacy_endpoint).
  returned: always
  type: list
  elements: dict
  sample:
    - name: train-llama-0-worker-0
      id: 2b9b4a3e-5f3e-4c1e-9a3b-7f1f2d9c0a11
      workloadId: 5d2e6c7e-8a52-4b4f-9c39-1c2f0c1e8a11
      clusterId: 71f69d83-ba66-4822-adf5-55ce55efd210
      projectId: "3"
      nodeName: dgx-h100-07
      currentNodePool: h100
      k8sPhase: Running
      createdAt: "2026-11-27T08:14:02.113Z"
      allocatedResources: {gpu: 8, cpu: 64, gpuMemory: null, cpuMemory: 512Gi}
count:
  description: Number of pods read (after O(max_pods)); with O(count_only), the number the API counted.
  returned: always
  type: int
  sample: 1842
summary:
  description: Counts over the whole pods read, before O(fields) trims them.
  returned: always
  type: dict
  contains:
    total:
      description: Number of pods summarised (the count with O(count_only)).
      type: int
      sample: 1842
    by_phase:
      description: Kubernetes phase (C(k8sPhase)) to number of pods; empty with O(count_only).
      type: dict
      sample: {Running: 1700, Pending: 90, Failed: 12, Succeeded: 40}
    by_node:
      description: Node name to number of pods; pods without a node count under V("").
      type: dict
      sample: {dgx-h100-07: 8, "": 90}
    by_nodepool:
      description: Node pool (C(currentNodePool)) to number of pods; pods without one count under V("").
      type: dict
      sample: {h100: 640, a100: 1112, "": 90}
    gpu_allocated:
      description:
        - Sum of the GPUs allocated to the pods (C(allocatedResources.gpu)), always a float, rounded to three
          decimal places (fractional GPUs add up with float noise); V(0.0) with O(count_only).
      type: float
      sample: 1318.5
query_result:
  description: Value of O(query) on the result.
  returned: when O(query) is given
  type: raw
  sample: 12
requests:
  description: Number of HTTP requests made, token requests and retries included. Also in failed results.
  returned: always
  type: int
  sample: 5
gate:
  description:
    - The gate's verdict at the last read, in successful and failed results alike.
  returned: when O(min_pods), O(pod_condition) or O(fail_condition) is given
  type: dict
  contains:
    held:
      description: Whether the gate held.
      type: bool
      sample: false
    reason:
      description:
        - V(held), or the first judgement that did not hold, in this order - V(fail_condition), V(min_pods),
          V(pod_condition), V(wait_for).
      type: str
      sample: pod_condition
    pods_checked:
      description: Number of pods in scope at the last read (with O(count_only), the count).
      type: int
      sample: 16
    offender_count:
      description: Number of pods that match O(fail_condition) or do not satisfy O(pod_condition).
      type: int
      sample: 3
    offenders:
      description:
        - At most O(max_offenders) offending pods (those matching O(fail_condition) first), each trimmed to
          C(id), C(name), C(workloadId), C(k8sPhase), C(nodeName), C(currentNodePool), C(requestedNodePools),
          C(createdAt), C(k8sPhaseUpdatedAt) (legacy pods - C(podId), C(podName), C(jobId), C(phase), C(nodeId),
          C(nodePool), C(created)), plus C(violates) - V(fail_condition) or V(pod_condition).
      type: list
      elements: dict
      sample:
        - id: 9c1d4f2e-0b7a-4e8c-a1d3-5f6e7a8b9c01
          name: train-0-worker-2
          workloadId: 5d2e6c7e-8a52-4b4f-9c39-1c2f0c1e8a11
          k8sPhase: Pending
          nodeName: null
          currentNodePool: null
          requestedNodePools: [h100]
          createdAt: "2026-11-27T08:14:01.877Z"
          k8sPhaseUpdatedAt: "2026-11-27T08:14:02.113Z"
          violates: pod_condition
wait_result:
  description: The last value of O(wait_for); without O(wait_for), whether the gate held.
  returned: when O(wait=true)
  type: raw
  sample: true
elapsed:
  description: Seconds spent waiting.
  returned: when O(wait=true)
  type: float
  sample: 42.5
attempts:
  description: Number of polls made while waiting.
  returned: when O(wait=true)
  type: int
  sample: 9
'''

import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, is_transient
from ansible_collections.runai.platform.plugins.module_utils._gate import GATE_ARGUMENT_SPEC, read_gate, wait_summary
from ansible_collections.runai.platform.plugins.module_utils._jmespath import compile_expression
from ansible_collections.runai.platform.plugins.module_utils._option_rules import Bound, check_bounds
from ansible_collections.runai.platform.plugins.module_utils._options import argument_spec, client_for_module, require_libraries
from ansible_collections.runai.platform.plugins.module_utils._pod_query import POD_MODULE_ARGUMENT_SPEC, POD_QUERY_ARGUMENT_SPEC, read_pod_query
from ansible_collections.runai.platform.plugins.module_utils._pod_reads import empty_pod_result, fetch_pod_result, scope_not_created
from ansible_collections.runai.platform.plugins.module_utils._waiter import wait_until

MODULE_OPTIONS = dict(
    return_pods=dict(type='bool', default=True),
    wait=dict(type='bool', default=False),
    wait_for=dict(type='str'),
    wait_timeout=dict(type='int', default=300),
    wait_sleep=dict(type='int', default=5),
)
WAIT_BOUNDS = {'wait_timeout': Bound(low=0, wording='0 or more seconds'), 'wait_sleep': Bound(low=1, wording='1 or more seconds')}


def read_wait(params, gate):
    """Check the wait options, and give the gate its compiled wait_for; RunaiError for a wrong combination."""
    if not params['wait']:
        if params['wait_for'] is not None:
            raise RunaiError('wait_for applies only with wait: true')
        return
    if params['wait_for'] is None and params['min_pods'] is None and params['pod_condition'] is None:
        raise RunaiError('wait: true requires wait_for, min_pods or pod_condition: what to wait for')
    check_bounds(params.get, WAIT_BOUNDS)
    if params['wait_for'] is not None:
        gate.wait_for = compile_expression('wait_for', params['wait_for'])


def read_once(client, pod_query, gate, return_pods, waiting=False):
    """One read and its verdict. While waiting, a workload the API does not know yet is an empty scope."""
    check = gate.check()
    try:
        # A wait_for that reads the pods sees them whatever return_pods says; they are dropped from the result afterwards.
        result = fetch_pod_result(client, pod_query, return_pods, gate_check=check, keep_pods_for=(gate.wait_for,))
    except RunaiError as exc:
        if not (waiting and scope_not_created(pod_query, exc)):
            raise
        # The 404 may come after the first pages (the workload deleted in the middle of the read): what those
        # pages showed is dropped with them, and the read counts as "no pods yet", never as a read of its first pages.
        check = gate.check()
        result, check.not_created = empty_pod_result(pod_query), True
    verdict = check.verdict(result)
    if not return_pods:
        result['pods'] = []
    if gate.active:
        result['gate'] = verdict.as_result()
    return result, verdict


def judge_once(client, pod_query, gate, params):
    """Without wait, one read decides: (result, failure message or None, failure details)."""
    result, verdict = read_once(client, pod_query, gate, params['return_pods'])
    return result, (None if verdict.held else verdict.message), {}


def wait_for_gate(client, pod_query, gate, params):
    """Poll until the gate holds, fail_condition matches, or wait_timeout passes; as judge_once."""
    started, polls = time.monotonic(), []

    def poll():
        polls.append(None)
        return read_once(client, pod_query, gate, params['return_pods'], waiting=True)

    try:
        outcome = wait_until(poll, lambda reading: (reading[1].held, reading[1]), params['wait_timeout'], params['wait_sleep'],
                             final=lambda reading: reading[1].reason == 'fail_condition', errors=(RunaiError,), transient=is_transient)
    except RunaiError as exc:
        # 400, 401, 403 and the like end the wait at once; the failure says what the wait did so far.
        return dict(elapsed=round(time.monotonic() - started, 3), attempts=len(polls)), str(exc), exc.details()
    result, verdict = outcome.state if outcome.state is not None else (empty_pod_result(pod_query), gate.check().verdict(None))
    result.update(wait_result=verdict.wait_for_value if gate.wait_for is not None else verdict.held,
                  elapsed=outcome.elapsed, attempts=outcome.attempts)
    if gate.active:
        result['gate'] = verdict.as_result()
    if outcome.succeeded:
        return result, None, {}
    failure = wait_summary(outcome.elapsed, outcome.attempts) + (verdict.message if outcome.state is not None else 'no poll succeeded')
    if outcome.error is not None:
        failure += '; the last error (poll %d): %s' % (outcome.error_attempt, outcome.error)
    return result, failure, outcome.error.details() if outcome.last_poll_failed else {}


def main():
    spec = argument_spec(POD_QUERY_ARGUMENT_SPEC, POD_MODULE_ARGUMENT_SPEC, GATE_ARGUMENT_SPEC, MODULE_OPTIONS)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    require_libraries(module)
    client = None
    try:
        client = client_for_module(module)
        pod_query = read_pod_query(module.params.get)
        gate = read_gate(module.params.get, pod_query.count_only, pod_query.legacy)
        read_wait(module.params, gate)
        if module.params['legacy_endpoint']:
            module.deprecate('legacy_endpoint reads the deprecated GET /v1/k8s/clusters/{uuid}/pods, which control planes '
                             'after 2.21 no longer serve; use cluster_id without it', version='2.0.0',
                             collection_name='runai.platform')
        judge = wait_for_gate if module.params['wait'] else judge_once
        result, failure, details = judge(client, pod_query, gate, module.params)
    except RunaiError as exc:
        module.fail_json(msg=str(exc), requests=client.request_count if client else 0, **exc.details())
    if failure is not None:
        module.fail_json(msg=failure, requests=client.request_count, **dict(result, **details))
    module.exit_json(changed=False, requests=client.request_count, **result)


if __name__ == '__main__':
    main()
