# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):

    # The pod selection options shared by the runai_pods_info module and the runai_pods lookup.
    DOCUMENTATION = r'''
options:
  workload_id:
    description:
      - UUID of a workload; only its pods are read, from C(GET /api/v1/workloads/{workloadId}/pods).
      - Mutually exclusive with O(revision_id) and O(cluster_id). That API path takes no sort, filter, verbosity or
        completed parameter, so O(sort_by), O(sort_order), O(verbosity), O(completed) and O(filter_by)
        fail with it.
    type: str
  revision_id:
    description:
      - UUID of an inference revision (each change to an inference workload creates one); only its pods are read,
        from C(GET /api/v1/workloads/inferences/revisions/{revisionId}/pods) (clusters 2.21 and newer).
      - That path answers every pod of the revision at once and takes only C(deleted), so O(filter_by), filter
        terms, O(search), O(sort_by), O(sort_order), O(verbosity), O(completed), O(page_size) and the module's
        C(offset) fail with it; O(max_pods), O(fields) and O(query) apply on the client side.
      - With O(count_only), the count path is asked with the filter C(revisionId==<revision_id>).
      - An unknown revision fails (HTTP 404, "Revision '...' was not found").
      - Mutually exclusive with O(workload_id) and O(cluster_id).
    type: str
  cluster_id:
    description:
      - UUID of a cluster; adds the filter C(clusterId==<cluster_id>) to O(filter_by).
    type: str
  filter_by:
    description:
      - Run:ai filter expressions C(<field><operator><value>), all of which must hold.
      - "Fields: C(clusterId), C(workloadId), C(revisionId), C(nodeName), C(currentNodepool) (lower-case p;
        the pod field it filters is C(currentNodePool)), C(createdAt), C(completedAt), C(deletedAt)."
      - "Operators: C(==), C(!=), C(<=), C(>=), C(=@) (contains), C(!@) (does not contain), C(=^) (starts
        with), C(=$) (ends with)."
      - The date fields take only C(==), C(!=), C(<=) and C(>=) and an ISO 8601 value, which is sent in
        UTC with milliseconds (a value without a zone is UTC).
      - Every expression is checked before any request. The pod phase is not filterable by the API;
        use O(query) for it.
    type: list
    elements: str
    default: []
  search:
    description:
      - Free-text search of the API (control plane 2.21 and newer).
    type: str
  sort_by:
    description:
      - Sort the pods by this field (server side).
    type: str
    choices: [clusterId, workloadId, revisionId, nodeName, currentNodepool, createdAt, completedAt, deletedAt]
  sort_order:
    description:
      - Sort order; the API sorts ascending when it is not set.
    type: str
    choices: [asc, desc]
  verbosity:
    description:
      - V(full) adds C(projectName) and C(workloadName) to each pod; the API answers V(brief) when it is not set.
    type: str
    choices: [brief, full]
  completed:
    description:
      - V(true) reads only completed pods, V(false) only pods not completed; all pods when not set.
      - Failed and Succeeded pods have C(completedAt), so V(false) leaves every Failed pod out. With the
        module's C(fail_condition) that could match a Failed or Succeeded pod, or its C(pod_condition) that a Failed
        pod does not satisfy, V(false) fails before any request.
    type: bool
  deleted:
    description:
      - V(true) reads only deleted pods instead of the pods that exist.
    type: bool
    default: false
  max_pods:
    description:
      - Stop after this many pods (1 or more); all pods when not set.
      - No request ever asks for pods past this number.
      - A gate judges its whole scope, so the module's C(pod_condition) and C(fail_condition) fail with it.
    type: int
  page_size:
    description:
      - Pods asked for in each request (the API's C(limit)), from 1 to 500.
    type: int
    default: 500
  fields:
    description:
      - Keep only these top-level fields of each pod (camelCase, as the API spells them, for example
        V(name), V(k8sPhase), V(nodeName)). All fields when not set.
      - The summary is computed from the whole pods before they are trimmed.
      - Each name is checked before any request; one that is not a pod field (V(k8sphase)) fails with a hint.
    type: list
    elements: str
  query:
    description:
      - A JMESPath expression evaluated on the result object (keys C(pods), C(count) and C(summary),
        with C(pods) as they are returned, trimmed to O(fields)). It is checked before any request. A pod field the
        pods do not have or that O(fields) removed, a key C(summary) does not have (its C(by_phase) always names the
        five phases C(Pending), C(Running), C(Succeeded), C(Failed), C(Unknown), 0 where none), a phase compared
        with a value that is not one of those five, and an unknown function fail with a hint.
      - An expression that does not read C(pods), such as V(summary.by_phase.Failed), V(count) or
        V(summary.total > `100`), lets a read that returns no pods (the lookup with O(query), the module with
        C(return_pods=false)) summarise each page and drop it, so that its memory stays flat however many pods
        are in scope. One that reads them (V(pods[?k8sPhase=='Failed']), V(length(pods)), V(@), V(*)) holds
        every pod until it has run. The collection's C(docs/performance.md) has the figures.
    type: str
  count_only:
    description:
      - Only ask the API for the number of pods (C(GET /api/v1/workloads/pods/count)), with the same
        O(filter_by), O(search), O(deleted), O(cluster_id), O(workload_id) and O(revision_id); no pods are read.
      - Every option it cannot honour fails when set - O(completed), O(max_pods), O(page_size), O(sort_by),
        O(sort_order), O(verbosity) and O(fields), and the module's C(offset), C(pod_condition) and C(fail_condition).
        The module's C(min_pods) works with it, judged on the count.
    type: bool
    default: false
requirements:
  - jmespath
'''
