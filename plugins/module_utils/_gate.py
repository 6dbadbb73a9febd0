# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""Health gates over pods (SPEC 3a): pure functions and objects, no HTTP.

read_gate() turns the gate options into a compiled Gate before any request. A GateCheck takes the pods
of one read page by page (`add`), keeping only counts and a few trimmed offenders, so that a read can
stream its pages through it; `verdict()` then judges in the contract's order: fail_condition,
min_pods, pod_condition, wait_for. A Verdict gives the result's `gate` and the one-line message.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import json
import re

from ansible_collections.runai.platform.plugins.module_utils._condition_scope import check_scope, check_whole_scope
from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, cut, shown
from ansible_collections.runai.platform.plugins.module_utils._jmespath import compile_expression, evaluate, is_true, item_evaluator
from ansible_collections.runai.platform.plugins.module_utils._option_rules import Bound, check_bounds
from ansible_collections.runai.platform.plugins.module_utils._pod_fields import check_pod_expression, check_read_options
from ansible_collections.runai.platform.plugins.module_utils._pod_query import describe_scope

DEFAULT_MAX_OFFENDERS = 20
MAX_OFFENDERS = 1000
# Offenders named in a failure message; the rest are counted ("and N more").
SHOWN_OFFENDERS = 5

GATE_ARGUMENT_SPEC = dict(
    min_pods=dict(type='int'),
    pod_condition=dict(type='str'),
    fail_condition=dict(type='str'),
    max_offenders=dict(type='int', default=DEFAULT_MAX_OFFENDERS),
)
GATE_BOUNDS = {'min_pods': Bound(0), 'max_offenders': Bound(0, MAX_OFFENDERS)}

# What identifies a pod in `gate.offenders`, in each shape.
OFFENDER_FIELDS = {
    False: ('id', 'name', 'workloadId', 'k8sPhase', 'nodeName', 'currentNodePool', 'requestedNodePools', 'createdAt', 'k8sPhaseUpdatedAt'),
    True: ('podId', 'podName', 'jobId', 'phase', 'nodeId', 'nodePool', 'created'),
}


class Gate:
    """The compiled gate options. `active` is false when only wait_for judges (no gate option set)."""

    def __init__(self, min_pods=None, pod_condition=None, fail_condition=None, max_offenders=DEFAULT_MAX_OFFENDERS,
                 legacy=False, scope='all pods', wait_for=None):
        self.min_pods = min_pods
        self.pod_condition = pod_condition
        self.fail_condition = fail_condition
        self.max_offenders = max_offenders
        self.legacy = legacy
        self.scope = scope
        self.wait_for = wait_for

    @property
    def active(self):
        return self.min_pods is not None or self.pod_condition is not None or self.fail_condition is not None

    def check(self):
        return GateCheck(self)


def read_gate(get, count_only=False, legacy=False):
    """The Gate the options ask for (inactive without gate options); RunaiError naming the option, before any request.

    Every expression of a pod read is checked here against what it can see (_pod_fields): the gate
    conditions against a pod and the scope options, `query` and `wait_for` against the result.
    """
    check_bounds(get, GATE_BOUNDS)
    min_pods, max_offenders = get('min_pods'), get('max_offenders')
    if max_offenders is None:
        max_offenders = DEFAULT_MAX_OFFENDERS
    conditions = {}
    for name in ('pod_condition', 'fail_condition'):
        if get(name) is None:
            continue
        if count_only:
            raise RunaiError('%s does not apply to count_only (it is evaluated on each pod, and count_only reads no pods)' % name)
        conditions[name] = compile_expression(name, get(name))
        check_pod_expression(name, conditions[name], legacy)
        check_whole_scope(name, get)
        check_scope(name, conditions[name], get)
    check_read_options(get, legacy, count_only)
    if conditions and min_pods is None:
        # An empty scope (a mistyped node pool, a workload not created yet) must never pass a per-pod gate.
        min_pods = 1
    max_pods = get('max_pods')
    if min_pods is not None and isinstance(max_pods, int) and min_pods > max_pods:
        raise RunaiError('min_pods %d can never be met with max_pods %d; raise max_pods or lower min_pods' % (min_pods, max_pods))
    return Gate(min_pods, conditions.get('pod_condition'), conditions.get('fail_condition'), max_offenders, legacy, describe_scope(get))


class GateCheck:
    """The gate's per-pod work for one read, page by page: counts, and at most a few trimmed offenders of each kind."""

    def __init__(self, gate):
        self.gate = gate
        self.pods_checked = 0
        # True when the API answered 404 for the workload while waiting: it does not exist yet.
        self.not_created = False
        self.fail_count = 0
        self.unsatisfied_count = 0
        self.both_count = 0
        self.failing = []
        self.unsatisfied = []
        # Enough offenders kept for the result's list and for the message's first five.
        self._keep = max(gate.max_offenders, SHOWN_OFFENDERS)
        self._fields = OFFENDER_FIELDS[gate.legacy]
        self._fail_value = self._evaluator('fail_condition', gate.fail_condition)
        self._condition_value = self._evaluator('pod_condition', gate.pod_condition)

    def _evaluator(self, option, compiled):
        if compiled is None:
            return None
        name_key = self._fields[1]
        return item_evaluator(option, compiled, lambda pod: 'pod %s' % shown(pod.get(name_key) if isinstance(pod, dict) else pod))

    def add(self, pods):
        """Judge one page of pods (as the API returns them, before `fields` trims them)."""
        self.pods_checked += len(pods)
        failing = [pod for pod in pods if is_true(self._fail_value(pod))] if self._fail_value else []
        unsatisfied = [pod for pod in pods if not is_true(self._condition_value(pod))] if self._condition_value else []
        if failing and unsatisfied:
            failing_ids = set(id(pod) for pod in failing)
            unsatisfied_only = [pod for pod in unsatisfied if id(pod) not in failing_ids]
            self.both_count += len(unsatisfied) - len(unsatisfied_only)
        else:
            unsatisfied_only = unsatisfied
        self.fail_count += len(failing)
        self.unsatisfied_count += len(unsatisfied)
        self._record(self.failing, failing, 'fail_condition')
        self._record(self.unsatisfied, unsatisfied_only, 'pod_condition')
        return self

    def describe(self, offender):
        """How the failure message names one offender (a metrics gate names the values that failed instead)."""
        return describe_offender(offender, self.gate.legacy)

    def add_count(self, count):
        """With count_only: the server's count is the scope (min_pods is judged on it)."""
        self.pods_checked += count
        return self

    def _record(self, kept, pods, violates):
        room = self._keep - len(kept)
        for pod in pods[:room] if room > 0 else ():
            offender = dict((field, pod.get(field)) for field in self._fields)
            offender['violates'] = violates
            kept.append(offender)

    def verdict(self, result=None):
        """Judge the read: fail_condition, then min_pods, then pod_condition, then wait_for (evaluated on `result`)."""
        gate = self.gate
        wait_for_value = evaluate('wait_for', gate.wait_for, result) if gate.wait_for is not None else None
        if self.fail_count:
            reason = 'fail_condition'
        elif gate.min_pods is not None and self.pods_checked < gate.min_pods:
            reason = 'min_pods'
        elif self.unsatisfied_count:
            reason = 'pod_condition'
        elif gate.wait_for is not None and not is_true(wait_for_value):
            reason = 'wait_for'
        else:
            reason = 'held'
        return Verdict(self, reason, wait_for_value)


class Verdict:
    """What one read showed: whether the gate held, why not, and which pods made it fail."""

    def __init__(self, check, reason, wait_for_value):
        self.check = check
        self.gate = check.gate
        self.reason = reason
        self.held = reason == 'held'
        self.wait_for_value = wait_for_value
        self.pods_checked = check.pods_checked
        self.offender_count = check.fail_count + check.unsatisfied_count - check.both_count

    @property
    def offenders(self):
        return (self.check.failing + self.check.unsatisfied)[:self.gate.max_offenders]

    def as_result(self):
        """The result's `gate`."""
        return {'held': self.held, 'reason': self.reason, 'pods_checked': self.pods_checked,
                'offender_count': self.offender_count, 'offenders': self.offenders}

    @property
    def message(self):
        """One line naming the cause and the first offenders (empty when the gate held)."""
        check, gate = self.check, self.gate
        if self.reason == 'fail_condition':
            return '%d %s %s fail_condition %s: %s' % (
                check.fail_count, _plural(check.fail_count, 'pod'), 'matches' if check.fail_count == 1 else 'match',
                _quoted(gate.fail_condition), _listed(check.failing, check.fail_count, check.describe))
        if self.reason == 'min_pods':
            scope = gate.scope + (', not created yet' if check.not_created else '')
            return 'only %d %s in scope (%s); min_pods is %d' % (self.pods_checked, _plural(self.pods_checked, 'pod'), scope, gate.min_pods)
        if self.reason == 'pod_condition':
            return '%d of %d %s %s not satisfy pod_condition %s: %s' % (
                check.unsatisfied_count, self.pods_checked, _plural(self.pods_checked, 'pod'), 'does' if check.unsatisfied_count == 1 else 'do',
                _quoted(gate.pod_condition), _listed(check.unsatisfied, check.unsatisfied_count, check.describe))
        if self.reason == 'wait_for':
            return 'wait_for %s did not hold; its last value was %s' % (_quoted(gate.wait_for), cut(json.dumps(self.wait_for_value), 100))
        return ''


def _plural(count, noun):
    return noun if count == 1 else noun + 's'


def _quoted(compiled):
    # The user's own expression: quoted whole unless it is very long.
    return '"%s"' % cut(compiled.expression, 200)


def _listed(offenders, count, describe):
    named = ', '.join(describe(offender) for offender in offenders[:SHOWN_OFFENDERS])
    more = count - min(len(offenders), SHOWN_OFFENDERS)
    return '%s and %d more' % (named, more) if more > 0 else named


def describe_offender(offender, legacy=False):
    """`train-0-worker-2 (Pending, no node, since 2026-11-27T08:14:02Z)`: name, phase, node and since when."""
    if legacy:
        name, phase, node = offender.get('podName') or offender.get('podId'), offender.get('phase'), offender.get('nodeId')
        # The legacy shape has no time of the last phase change; its creation time (epoch ms) is what it has.
        when = _epoch_ms_text(offender.get('created'))
        when = 'created ' + when if when else None
    else:
        name, phase, node = offender.get('name') or offender.get('id'), offender.get('k8sPhase'), offender.get('nodeName')
        when = offender.get('k8sPhaseUpdatedAt') or offender.get('createdAt')
        when = 'since ' + re.sub(r'\.\d+Z$', 'Z', when) if isinstance(when, str) and when else None
    details = [phase or 'no phase', 'node %s' % node if node else 'no node'] + ([when] if when else [])
    return '%s (%s)' % (name, ', '.join(details))


def _epoch_ms_text(milliseconds):
    if isinstance(milliseconds, bool) or not isinstance(milliseconds, (int, float)) or milliseconds <= 0:
        return None
    try:
        moment = datetime.datetime.fromtimestamp(milliseconds / 1000.0, tz=datetime.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def wait_summary(elapsed, attempts):
    """How a failed wait's message starts: `after 300 s (61 polls): `."""
    return 'after %d s (%d %s): ' % (int(round(elapsed)), attempts, _plural(attempts, 'poll'))
