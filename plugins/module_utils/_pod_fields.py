# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""The fields a Run:ai pod has, and the pod fields a gate expression reads, so that a typo fails at once.

A per-pod condition that reads a field no pod has is null for every pod: `k8sPhse=='Failed'` or
`status=='Failed'` (pods have k8sPhase, not status) would never match, and a fail_condition that never
matches is a gate that passes by accident. Pure functions over jmespath's parsed tree, no I/O.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import difflib

from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, shown
from ansible_collections.runai.platform.plugins.module_utils._jmespath import keys_read

# The properties of the API's pod schemas (control plane 2.24: PodSyncFields, PodComputedFields,
# PodVerbosityFields; the deprecated path's Pod from 2.20).
POD_FIELDS = frozenset((
    'allocatedResources', 'clusterId', 'completedAt', 'containers', 'createdAt', 'currentNodePool', 'id', 'ip', 'k8sPhase',
    'name', 'nodeAffinity', 'nodeName', 'priorityClassName', 'projectId', 'requestedNodePools', 'requestedResources',
    'revisionId', 'tolerations', 'workloadId', 'deletedAt', 'k8sPhaseUpdatedAt', 'tenantId', 'updatedAt', 'projectName',
    'workloadName'))
LEGACY_POD_FIELDS = frozenset((
    'clusterUuid', 'completed', 'created', 'dynamicData', 'existsInCluster', 'imageName', 'jobId', 'lastUpdated', 'namespace',
    'nodeId', 'nodePool', 'phase', 'podGroupId', 'podId', 'podName', 'resourceAllocation', 'resourceRequest', 'started', 'status'))

# Kubernetes phases as Run:ai reports them (the API's k8sPhase is a free string, in practice these).
PHASES = ('Pending', 'Running', 'Succeeded', 'Failed', 'Unknown')


def pod_fields_read(compiled):
    """The names of the pod's own fields that a compiled expression reads (not fields of values inside them)."""
    return keys_read(compiled)[0]


def phases_compared(parsed, phase_field):
    """The strings an expression compares the phase field with (==, !=, or contains() of a list)."""
    compared = []
    nodes = [parsed]
    while nodes:
        node = nodes.pop()
        if not isinstance(node, dict):
            continue
        children = node.get('children') or []
        nodes.extend(children)
        reads_phase = any(child.get('type') == 'field' and child.get('value') == phase_field for child in children if isinstance(child, dict))
        if not reads_phase or node.get('type') not in ('comparator', 'function_expression'):
            continue
        for child in children:
            if not isinstance(child, dict):
                continue
            values = [child.get('value')] if child.get('type') == 'literal' else [
                item.get('value') for item in child.get('children') or [] if isinstance(item, dict) and item.get('type') == 'literal']
            if child.get('type') == 'literal' and isinstance(child.get('value'), list):
                values = child['value']
            compared.extend(value for value in values if isinstance(value, str))
    return compared


def check_phases(option, compiled, legacy=False):
    """RunaiError when the expression compares the phase with a known phase spelled in another case ('failed')."""
    for value in phases_compared(compiled.parsed, 'phase' if legacy else 'k8sPhase'):
        spelled = [phase for phase in PHASES if phase.lower() == value.lower()]
        if spelled and value not in PHASES:
            raise RunaiError("%s %s compares the phase with %s, which it never is: phases are %s (did you mean '%s'?)" % (
                option, shown(compiled.expression), shown(value), ', '.join(PHASES), spelled[0]))


def check_pod_expression(option, compiled, legacy=False):
    """RunaiError naming the option when a per-pod expression could never be true: a field no pod has, a misspelt phase."""
    check_pod_fields(option, compiled, legacy)
    check_phases(option, compiled, legacy)


def check_pod_fields(option, compiled, legacy=False):
    """RunaiError naming the option when its expression reads a field that a pod of this shape does not have.

    A field the API may add later can still be read as `@.fieldName`, which this check leaves alone.
    """
    known = LEGACY_POD_FIELDS if legacy else POD_FIELDS
    # A bare `null` is a field lookup too, but one that is null on every pod, which is what its writer meant.
    unknown = sorted(field for field in pod_fields_read(compiled) if field not in known and field != 'null')
    if not unknown:
        return
    field = unknown[0]
    close = difflib.get_close_matches(field, sorted(known), n=1, cutoff=0.6)
    if field in ('true', 'false'):
        hint = 'a bare %s is a field name in JMESPath; the literal is written `%s`' % (field, field)
    elif field == 'status' and not legacy:
        hint = 'the phase is k8sPhase'
    elif field.lower() == 'currentnodepool' and not legacy:
        hint = 'the pod field is currentNodePool, with a capital P'
    elif close:
        hint = 'did you mean %s?' % close[0]
    else:
        hint = 'pod fields: %s' % ', '.join(sorted(known))
    raise RunaiError('%s %s reads %s, which %s pods do not have, so it would be null for every pod (%s); '
                     'write @.%s to read a field this collection does not know yet' % (
                         option, shown(compiled.expression), field, 'legacy' if legacy else 'Run:ai', hint, field))
