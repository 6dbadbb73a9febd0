# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""The one place where answers are checked before they are used: pages of pods, metrics measurements (SPEC 6).

An answer that is JSON but not shaped as the API promises (`{"pods": [null]}`, a `k8sPhase` that is a
list, `allocatedResources: "lots"`, a measurement without `type`) fails with one sentence naming the
method, the path and what was wrong, never a Python error text further on. The error is a protocol
error (RunaiError.protocol): asking again would get the same answer, so a wait ends at once.

The checks run on every pod of every read (50,000 pods and more), so they look at the types of a whole
page at once (a set of types built in C) and only look for the first offender when a page is wrong.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, shown

_NONE = type(None)
_OBJECT = frozenset((dict,))
_TEXT_OR_NULL = frozenset((str, _NONE))
_OBJECT_OR_NULL = frozenset((dict, _NONE))
# bool is a type of its own here (type(True) is bool), so `true` is not taken for a number.
_NUMBER_OR_NULL = frozenset((int, float, _NONE))

# What the collection reads of each pod (the summary, the gate's messages): the text fields, and the
# object whose `gpu` is a number. The legacy path's pods name them differently.
POD_TEXT_FIELDS = {False: ('k8sPhase', 'nodeName', 'currentNodePool'), True: ('phase', 'nodeId', 'nodePool')}
POD_ALLOCATION_FIELD = {False: 'allocatedResources', True: 'resourceAllocation'}


def protocol_error(method, path, what):
    """The sentence for an answer that cannot be used: `Run:ai answered GET <path> <what>`."""
    return RunaiError('Run:ai answered %s %s %s' % (method, path, what), method=method, path=path, protocol=True)


def check_pods(pods, path, first_item=1, legacy=False, method='GET'):
    """`pods` (one page, a list) unchanged if every pod is usable; RunaiError otherwise.

    `first_item` is the position of the page's first pod in the read (1 for the first pod read), so
    that the message can say which item was wrong.
    """
    if not {type(pod) for pod in pods} <= _OBJECT:
        index = next(index for index, pod in enumerate(pods) if not isinstance(pod, dict))
        raise _pod_error(method, path, 'a pod that is not an object', first_item + index, pods[index])
    phase, node, pool = POD_TEXT_FIELDS[legacy]
    allocation = POD_ALLOCATION_FIELD[legacy]
    # One pass for the four fields of every pod (about 10 ms at 50,000 pods), then one over the allocations.
    kinds = {(type(pod.get(phase)), type(pod.get(node)), type(pod.get(pool)), type(pod.get(allocation))) for pod in pods}
    if all(kind[0] in _TEXT_OR_NULL and kind[1] in _TEXT_OR_NULL and kind[2] in _TEXT_OR_NULL and kind[3] in _OBJECT_OR_NULL
           for kind in kinds):
        allocations = [pod.get(allocation) for pod in pods]
        if {type(given.get('gpu')) for given in allocations if given} <= _NUMBER_OR_NULL:
            return pods
    raise _first_fault(pods, path, first_item, legacy, method)


def _first_fault(pods, path, first_item, legacy, method):
    """The error about the first thing wrong in a page that did not pass check_pods."""
    for field in POD_TEXT_FIELDS[legacy]:
        for index, pod in enumerate(pods):
            if type(pod.get(field)) not in _TEXT_OR_NULL:
                return _pod_error(method, path, 'a pod whose %s is not a string' % field, first_item + index, pod[field])
    field = POD_ALLOCATION_FIELD[legacy]
    for index, pod in enumerate(pods):
        if type(pod.get(field)) not in _OBJECT_OR_NULL:
            return _pod_error(method, path, 'a pod whose %s is not an object' % field, first_item + index, pod[field])
    index = next(index for index, pod in enumerate(pods) if pod.get(field) and type(pod[field].get('gpu')) not in _NUMBER_OR_NULL)
    return _pod_error(method, path, 'a pod whose %s.gpu is not a number' % field, first_item + index, pods[index][field]['gpu'])


def _pod_error(method, path, what, item, value):
    return protocol_error(method, path, 'with %s (item %d of the listing: %s)' % (what, item, shown(value)))


def check_measurements(body, path, method='GET'):
    """The `measurements` of a metrics answer, each with a `type` and a list of `values` whose `value`
    is a number or a number as text; RunaiError naming what was wrong otherwise."""
    measurements = body.get('measurements') if isinstance(body, dict) else None
    if not isinstance(measurements, list):
        raise protocol_error(method, path, 'without measurements')
    for index, measurement in enumerate(measurements, start=1):
        if not isinstance(measurement, dict):
            raise _measurement_error(method, path, 'a measurement that is not an object', index, measurement)
        if not isinstance(measurement.get('type'), str):
            raise _measurement_error(method, path, 'a measurement without a type', index, measurement.get('type'))
        values = measurement.get('values')
        if values is None:
            continue
        if not isinstance(values, list):
            raise _measurement_error(method, path, 'a measurement whose values are not a list', index, values)
        for sample in values:
            if not isinstance(sample, dict):
                raise _measurement_error(method, path, 'a sample that is not an object', index, sample)
            if not _number_like(sample.get('value')):
                raise _measurement_error(method, path, 'a sample whose value is not a number', index, sample.get('value'))
    return measurements


def _number_like(value):
    """A number, or text that reads as one ("85", "0.5", "NaN" as Prometheus writes a gap); null is a gap too."""
    if value is None:
        return True
    if type(value) in (int, float):
        return True
    if not isinstance(value, str):
        return False
    try:
        float(value)
    except ValueError:
        return False
    return True


def _measurement_error(method, path, what, index, value):
    return protocol_error(method, path, 'with %s (measurement %d: %s)' % (what, index, shown(value)))
