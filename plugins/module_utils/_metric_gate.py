# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""Gates over metrics (SPEC 4): the gate of section 3a judged on each pod's entry {pod_id, pod_name, stats, partial}.

The judging is _gate's (GateCheck, Verdict: same order, same `gate` result, same message); what differs is
what an offender is (the pod and the values that failed) and what a condition may read, checked before
any request: `stats.<a requested metric type>.<a figure or by_<label>>`, so that a misspelt type or
figure fails naming the option instead of being null for every pod.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import difflib
import json

from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, cut, shown
from ansible_collections.runai.platform.plugins.module_utils._gate import Gate, GateCheck, read_gate
from ansible_collections.runai.platform.plugins.module_utils._jmespath import compile_expression, is_true, item_evaluator
from ansible_collections.runai.platform.plugins.module_utils._metric_query import METRIC_TYPES, PER_GPU_TYPES, PERCENTILE_TYPES, PERCENTILES, STAT_FIGURES

CONDITIONS = ('pod_condition', 'fail_condition')
# What a condition is evaluated on: one entry per pod.
ENTRY_KEYS = ('pod_id', 'pod_name', 'stats', 'partial')
OFFENDER_FIELDS = ('pod_id', 'pod_name')
# Nodes whose first child is where a chain of fields ends (`stats.X.by_gpu[*].max` reads stats.X.by_gpu, then items).
_PREFIX_NODES = ('index_expression', 'projection', 'value_projection', 'filter_projection', 'flatten', 'pipe')
_NO_FIELDS = ('current', 'identity', 'literal', 'index', 'slice', 'expref')


def pod_entry(pod_metrics_result):
    """What a condition sees of one pod's result: {pod_id, pod_name, stats, partial}."""
    return dict((key, pod_metrics_result.get(key)) for key in ENTRY_KEYS)


def read_metric_gate(get, metric_types, per_pod):
    """The Gate of the metrics options, or None without gate options; RunaiError naming the option, before any request.

    `per_pod` is false with pod_id: one pod is no scope to gate on.
    """
    conditions = dict((name, get(name)) for name in CONDITIONS if get(name) is not None)
    if not conditions and get('min_pods') is None:
        return None
    if not per_pod:
        raise RunaiError('%s applies to every pod of a workload or revision; it does not apply with pod_id' % (
            ', '.join(sorted(conditions)) or 'min_pods'))
    # min_pods and max_offenders checked as the pods gate checks them; the conditions below, against a pod's entry.
    base = read_gate(lambda name: None if name in CONDITIONS else get(name))
    compiled = {}
    for name, expression in conditions.items():
        compiled[name] = compile_expression(name, expression)
        check_metric_expression(name, compiled[name], metric_types)
    min_pods = base.min_pods if base.min_pods is not None else 1
    return Gate(min_pods, compiled.get('pod_condition'), compiled.get('fail_condition'), base.max_offenders, scope=base.scope)


# -- what a condition reads ------------------------------------------------------------------------

def paths_read(parsed):
    """The chains of fields an expression reads from the entry it is evaluated on: [('stats', 'X', 'max'), ...]."""
    node_type = parsed.get('type')
    children = parsed.get('children') or []
    if node_type == 'field':
        return [(parsed.get('value'),)]
    if node_type == 'subexpression':
        head = paths_read(children[0]) if children else []
        # Only a chain of fields goes on into the entry: after a function or a projection, the fields are of its value.
        if len(head) != 1 or children[0].get('type') not in ('field', 'subexpression'):
            return head
        chain = list(head[0])
        for child in children[1:]:
            if child.get('type') != 'field':
                break
            chain.append(child.get('value'))
        return [tuple(chain)]
    if node_type in _PREFIX_NODES:
        return paths_read(children[0]) if children else []
    if node_type in _NO_FIELDS:
        return []
    # Comparators, and/or/not, functions, multi-selects: every child is evaluated on the entry itself.
    return [path for child in children for path in paths_read(child)]


def check_metric_expression(option, compiled, metric_types):
    """RunaiError naming the option when the condition reads something a pod's entry never has."""
    for path in paths_read(compiled.parsed):
        problem = _path_problem(path, metric_types)
        if problem:
            raise RunaiError('%s %s reads %s, %s' % (option, shown(compiled.expression), '.'.join(path), problem))


def _path_problem(path, metric_types):
    if path[0] not in ENTRY_KEYS:
        return "which a pod's entry does not have (it has %s)%s" % (', '.join(ENTRY_KEYS), _hint(path[0], ENTRY_KEYS))
    if path[0] != 'stats' or len(path) < 2:
        return None if path[0] == 'stats' or len(path) == 1 else 'inside a value that is not an object'
    metric_type = path[1]
    if metric_type not in metric_types:
        if metric_type in METRIC_TYPES:
            return 'a metric type that metric_types does not ask for (it asks for %s)' % ', '.join(metric_types)
        return 'which is not a metric type%s' % _hint(metric_type, METRIC_TYPES)
    if len(path) < 3:
        return None
    labels = ['by_gpu'] * (metric_type in PER_GPU_TYPES) + ['by_percentile'] * (metric_type in PERCENTILE_TYPES)
    figure = path[2]
    if figure in ('min', 'max', 'avg', 'last') and metric_type in PERCENTILE_TYPES:
        return ('which is null for every pod: over p50, p90 and p99 together it would mean nothing; read one percentile, '
                'as stats.%s.by_percentile.p99.%s' % (metric_type, figure))
    if figure in STAT_FIGURES:
        return 'inside a number' if len(path) > 3 else None
    if figure not in labels:
        return 'which the statistics of %s do not have (they have %s)%s' % (
            metric_type, ', '.join(STAT_FIGURES + tuple(labels)), _hint(figure, STAT_FIGURES + tuple(labels)))
    if figure == 'by_percentile' and len(path) > 3 and path[3] not in PERCENTILES:
        return 'which is not a percentile the statistics have (they are %s)%s' % (', '.join(PERCENTILES), _hint(path[3], PERCENTILES))
    if len(path) > 4 and path[4] not in STAT_FIGURES:
        return 'which the statistics of one %s do not have (they have %s)%s' % (
            figure[3:], ', '.join(STAT_FIGURES), _hint(path[4], STAT_FIGURES))
    return None


def _hint(name, known):
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return '; did you mean %s?' % close[0] if close else ''


# -- judging ---------------------------------------------------------------------------------------

class MetricGateCheck(GateCheck):
    """_gate's GateCheck over pod entries: offenders carry pod_id, pod_name and the values that failed."""

    def __init__(self, gate):
        super(MetricGateCheck, self).__init__(gate)
        self._fields = OFFENDER_FIELDS
        self._fail_value = self._evaluator('fail_condition', gate.fail_condition)
        self._condition_value = self._evaluator('pod_condition', gate.pod_condition)
        # The parts judged one by one to name the values that failed: a pod_condition's `&&` terms, a fail_condition's `||` terms.
        self._parts = {'pod_condition': _parts('pod_condition', gate.pod_condition, 'and_expression'),
                       'fail_condition': _parts('fail_condition', gate.fail_condition, 'or_expression')}
        self._types_read = set(path[1] for parts in self._parts.values() for _part, paths in parts for path in paths
                               if len(path) > 1 and path[0] == 'stats')

    def _record(self, kept, pods, violates):
        # `pods` are the pods' entries here.
        room = self._keep - len(kept)
        for entry in pods[:room] if room > 0 else ():
            offender = dict((field, entry.get(field)) for field in self._fields)
            offender['violates'] = violates
            offender['values'] = self._values_that_failed(entry, violates)
            kept.append(offender)

    def _values_that_failed(self, entry, violates):
        """{path: value} read by the parts of the condition that failed on this entry (every part when none can be told)."""
        parts = self._parts[violates]
        failed = [paths for part, paths in parts if is_true(part(entry)) == (violates == 'fail_condition')] or [paths for _part, paths in parts]
        values = {}
        for paths in failed:
            for path in paths:
                values['.'.join(path)] = _value_at(entry, path)
        return values

    def describe(self, offender):
        """`llama-00002-x (p99 max 0.71)`; `(p99 max no samples)` for a pod with no samples."""
        name = offender.get('pod_name') or offender.get('pod_id')
        shown_values = ', '.join(self._label(path) + (': no samples' if value is None else ' ' + _value_text(value))
                                 for path, value in offender['values'].items())
        return '%s (%s)' % (name, shown_values) if shown_values else name

    def _label(self, dotted):
        path = dotted.split('.')
        if path[0] != 'stats' or len(path) < 2:
            return dotted
        rest = path[2:]
        if rest[:1] == ['by_percentile']:
            rest = rest[1:]
        elif rest[:1] == ['by_gpu']:
            rest = ['gpu'] + rest[1:]
        label = ' '.join(rest) or 'stats'
        return label if len(self._types_read) <= 1 else '%s %s' % (_short_type(path[1]), label)


def _parts(option, compiled, joiner):
    """[(value of one part on an entry, paths it reads)] for the `joiner` terms of the expression (itself if it has none)."""
    if compiled is None:
        return []
    nodes, terms = [compiled.parsed], []
    while nodes:
        node = nodes.pop(0)
        if node.get('type') == joiner:
            nodes[:0] = node.get('children') or []
        else:
            terms.append(node)
    parts = []
    for term in terms:
        evaluate = item_evaluator(option, _Parsed(term, compiled.expression), lambda entry: 'pod %s' % shown(entry.get('pod_name')))
        parts.append((evaluate, paths_read(term)))
    return parts


class _Parsed:
    """A part of a compiled expression, shaped as jmespath's ParsedResult for item_evaluator."""

    def __init__(self, parsed, expression):
        self.parsed = parsed
        self.expression = expression


def _short_type(metric_type):
    # NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES -> TIME_TO_FIRST_TOKEN_SECONDS: the label already says p99.
    short = metric_type[len('NIM_'):] if metric_type.startswith('NIM_') else metric_type
    return short[:-len('_PERCENTILES')] if short.endswith('_PERCENTILES') else short


def _value_at(entry, path):
    value = entry
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _value_text(value):
    if isinstance(value, float):
        text = repr(round(value, 3))
        return text[:-2] if text.endswith('.0') else text
    if isinstance(value, (dict, list)):
        return cut(json.dumps(value, sort_keys=True), 60)
    return json.dumps(value)


def judge(gate, entries):
    """The Verdict of the gate on the pods' entries."""
    return MetricGateCheck(gate).add(entries).verdict()
