# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""The result's `summary` of pods: counts by phase, node and node pool, and GPUs allocated, built page by page."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from collections import Counter

from ansible_collections.runai.platform.plugins.module_utils._pod_fields import PHASES


# Where the legacy shape keeps what the summary counts.
_SUMMARY_KEYS = {False: ('k8sPhase', 'nodeName', 'currentNodePool', 'allocatedResources'),
                 True: ('phase', 'nodeId', 'nodePool', 'resourceAllocation')}


class Summary:
    """The result's `summary`, built page by page (`add`), holding only counts."""

    def __init__(self, legacy=False):
        self.keys = _SUMMARY_KEYS[legacy]
        self.total = 0
        self.by_phase = Counter()
        self.by_node = Counter()
        self.by_nodepool = Counter()
        self.gpu_allocated = 0.0

    def add(self, pods):
        phase_key, node_key, pool_key, allocation_key = self.keys
        self.total += len(pods)
        # Counted with collections.Counter over generators: at 50,000 pods this is several times faster
        # than a Python loop updating three dicts, and the summary is computed on every read and poll.
        self.by_phase.update(pod.get(phase_key) or '' for pod in pods)
        self.by_node.update(pod.get(node_key) or '' for pod in pods)
        self.by_nodepool.update(pod.get(pool_key) or '' for pod in pods)
        for pod in pods:
            allocation = pod.get(allocation_key)
            if allocation:
                gpu = allocation.get('gpu')
                if gpu and isinstance(gpu, (int, float)) and not isinstance(gpu, bool):
                    self.gpu_allocated += gpu
        return self

    def result(self):
        # Fractional GPUs add up with float noise (866.8999999999999); no allocation is finer than a thousandth.
        # Every phase is named, 0 where none, so that `summary.by_phase.Pending == `0`` can be true.
        by_phase = dict.fromkeys(PHASES, 0)
        by_phase.update(self.by_phase)
        return {'total': self.total, 'by_phase': by_phase, 'by_node': dict(self.by_node),
                'by_nodepool': dict(self.by_nodepool), 'gpu_allocated': round(float(self.gpu_allocated), 3)}


def summarize(pods, legacy=False):
    return Summary(legacy).add(pods).result()


def empty_summary(count):
    return {'total': count, 'by_phase': {}, 'by_node': {}, 'by_nodepool': {}, 'gpu_allocated': 0.0}
