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
  - With O(query) it evaluates a JMESPath expression on the result; with O(wait) it polls until
    O(wait_for) holds, which makes it a health gate.
  - With O(return_pods=false) every pod is still read and summarised but not returned. That is the
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
    type: bool
    default: true
  wait:
    description:
      - Poll until O(wait_for) holds, or fail after O(wait_timeout) seconds.
    type: bool
    default: false
  wait_for:
    description:
      - JMESPath expression over the same object as O(query) (C(pods), C(count), C(summary)). The wait is
        over when its value is true in JMESPath's sense - V(false), V(null), V(""), V([]) and V({}) are
        false; every number, 0 included, is true. Required with O(wait), and only allowed with it.
    type: str
  wait_timeout:
    description:
      - Seconds to wait for O(wait_for) before failing (0 or more). The failed result still holds the last
        RV(pods), RV(summary), RV(wait_result), RV(elapsed) and RV(attempts).
    type: int
    default: 300
  wait_sleep:
    description:
      - Seconds between polls, 1 or more.
    type: int
    default: 5
notes:
  - The pods are read page by page, following the API's C(next); after the first page, pages are
    fetched a few at a time over one keep-alive connection pool, in order, and no pod is returned twice.
  - The pod phase is not filterable by the API; filter on it with O(query) or O(wait_for).
seealso:
  - plugin: runai.platform.runai_pods
    plugin_type: lookup
  - module: runai.platform.runai_pod_metrics_info
'''

EXAMPLES = r'''
- name: Read every running pod, grouped by node (inventory of what runs where)
  runai.platform.runai_pods_info:
    base_url: https://mytenant.run.ai
    client_id: "{{ runai_client_id }}"
    client_secret: "{{ runai_client_secret }}"
    completed: false
    fields: [name, nodeName, k8sPhase, workloadId]
    query: "pods[?k8sPhase=='Running'] | group_by(@, &nodeName)"
  register: running

- name: Gate - no Failed pod on the new node pool (reads every pod, returns only the verdict)
  runai.platform.runai_pods_info:
    cluster_id: 71f69d83-ba66-4822-adf5-55ce55efd210
    filter_by:
      - currentNodepool==h100
    return_pods: false
    query: "summary.by_phase.Failed || `0`"
  register: gate
  failed_when: gate.query_result > 0

- name: Wait until every pod of a training workload is Running
  runai.platform.runai_pods_info:
    workload_id: 5d2e6c7e-8a52-4b4f-9c39-1c2f0c1e8a11
    wait: true
    wait_for: "count > `0` && length(pods[?k8sPhase!='Running']) == `0`"
    wait_timeout: 600
    wait_sleep: 10

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
      description: Sum of the GPUs allocated to the pods (C(allocatedResources.gpu)); 0 with O(count_only).
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
wait_result:
  description: The last value of O(wait_for).
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

import json

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, cut, shown
from ansible_collections.runai.platform.plugins.module_utils._jmespath import compile_expression, evaluate, is_true
from ansible_collections.runai.platform.plugins.module_utils._options import argument_spec, client_for_module, require_libraries
from ansible_collections.runai.platform.plugins.module_utils._pods import (
    POD_MODULE_ARGUMENT_SPEC, POD_QUERY_ARGUMENT_SPEC, fetch_pod_result, read_pod_query)
from ansible_collections.runai.platform.plugins.module_utils._waiter import wait_until

MODULE_OPTIONS = dict(
    return_pods=dict(type='bool', default=True),
    wait=dict(type='bool', default=False),
    wait_for=dict(type='str'),
    wait_timeout=dict(type='int', default=300),
    wait_sleep=dict(type='int', default=5),
)


def read_wait_for(params):
    """The compiled wait_for expression, or None without wait; RunaiError for a wrong combination."""
    if not params['wait']:
        if params['wait_for'] is not None:
            raise RunaiError('wait_for applies only with wait: true')
        return None
    if params['wait_for'] is None:
        raise RunaiError('wait: true requires wait_for, the JMESPath expression to wait for')
    if params['wait_timeout'] < 0:
        raise RunaiError('wait_timeout must be 0 or more seconds, got %d' % params['wait_timeout'])
    if params['wait_sleep'] < 1:
        raise RunaiError('wait_sleep must be 1 or more seconds, got %d' % params['wait_sleep'])
    return compile_expression('wait_for', params['wait_for'])


def gate(module, client, pod_query, wait_for):
    """Poll until wait_for holds; on timeout fail with the last state and what did not hold."""
    params = module.params

    def poll():
        # wait_for sees the pods whatever return_pods says; they are dropped from the result afterwards.
        return fetch_pod_result(client, pod_query, return_pods=True)

    outcome = wait_until(poll, lambda state: _holds(wait_for, state), params['wait_timeout'], params['wait_sleep'])
    result = dict(outcome.state, wait_result=outcome.value, elapsed=outcome.elapsed, attempts=outcome.attempts)
    if not params['return_pods']:
        result['pods'] = []
    if not outcome.succeeded:
        module.fail_json(msg='wait_for %s did not hold within %d seconds (%d attempts); its last value was %s' % (
            shown(params['wait_for']), params['wait_timeout'], outcome.attempts, cut(json.dumps(outcome.value), 300)),
            requests=client.request_count, **result)
    return result


def _holds(wait_for, state):
    value = evaluate('wait_for', wait_for, state)
    return is_true(value), value


def main():
    module = AnsibleModule(argument_spec=argument_spec(POD_QUERY_ARGUMENT_SPEC, POD_MODULE_ARGUMENT_SPEC, MODULE_OPTIONS), supports_check_mode=True)
    require_libraries(module)
    client = None
    try:
        client = client_for_module(module)
        pod_query = read_pod_query(module.params.get)
        wait_for = read_wait_for(module.params)
        if module.params['legacy_endpoint']:
            module.deprecate('legacy_endpoint reads the deprecated GET /v1/k8s/clusters/{uuid}/pods, which control planes '
                             'after 2.21 no longer serve; use cluster_id without it', version='2.0.0',
                             collection_name='runai.platform')
        if wait_for is not None:
            result = gate(module, client, pod_query, wait_for)
        else:
            result = fetch_pod_result(client, pod_query, module.params['return_pods'])
    except RunaiError as exc:
        module.fail_json(msg=str(exc), requests=client.request_count if client else 0, **exc.details())
    module.exit_json(changed=False, requests=client.request_count, **result)


if __name__ == '__main__':
    main()
