# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""A per-pod gate condition against the scope options, checked before any request (SPEC 3a).

check_scope() refuses a condition that the scope options make impossible (`completed: false` with
`k8sPhase=='Failed'`), by a three-valued walk over jmespath's parsed tree; check_whole_scope() refuses
max_pods and offset, which would make a gate judge part of its scope. Pure functions, no I/O.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, shown
from ansible_collections.runai.platform.plugins.module_utils._pod_fields import PHASES

_NOT_NULL = object()
_LIVE_PHASES = frozenset(('Pending', 'Running', 'Unknown'))
_COMPLETED_PHASES = frozenset(('Succeeded', 'Failed'))
_BOTH = frozenset((True, False))

# option, value -> (what a pod in that scope is known to hold, how the message says which pods it keeps)
_SCOPE_FACTS = {
    ('completed', False): ({'k8sPhase': _LIVE_PHASES, 'completedAt': frozenset((None,))},
                           'Pending, Running and Unknown pods (Failed and Succeeded pods have completedAt)'),
    ('completed', True): ({'k8sPhase': _COMPLETED_PHASES, 'completedAt': frozenset((_NOT_NULL,))},
                          'Failed and Succeeded pods (those with completedAt)'),
    ('deleted', True): ({'deletedAt': frozenset((_NOT_NULL,))}, 'deleted pods (those with deletedAt)'),
    ('deleted', False): ({'deletedAt': frozenset((None,))}, 'live pods, without deletedAt'),
}


def check_scope(option, compiled, get):
    """RunaiError naming both options when a scope option leaves out every pod the condition could be true for."""
    if get('legacy_endpoint'):
        return
    everything = {'k8sPhase': frozenset(PHASES)}
    possible = _truths(compiled.parsed, everything)
    if option == 'pod_condition' and False not in possible:
        raise RunaiError('%s %s is true for every pod whatever it holds, so no pod could ever fail it%s' % (
            option, shown(compiled.expression), "; 'not this phase or not that one' is written k8sPhase!='A' && k8sPhase!='B'"
            if ' || ' in compiled.expression and '!=' in compiled.expression else ''))
    if True not in possible:
        # A pod_condition never true fails every read, which is no accident to fear (and no scope option's doing);
        # a fail_condition never true passes them all.
        if option == 'pod_condition':
            return
        raise RunaiError('%s %s can never be true for any pod, whatever it holds, so the gate could never fail on one' % (option, shown(compiled.expression)))
    for name in ('completed', 'deleted'):
        value = get(name)
        if value is None:
            continue
        facts, kept = _SCOPE_FACTS[(name, bool(value))]
        if option == 'fail_condition' and name == 'completed' and not value:
            # Failed pods have completedAt: completed: false hides every pod a failure gate is most likely looking for.
            hidden = dict(everything, **_SCOPE_FACTS[('completed', True)][0])
            if True in _truths(compiled.parsed, hidden):
                raise RunaiError('%s %s can match Failed or Succeeded pods, and completed: false leaves those out (they have '
                                 'completedAt), so the gate would never see them; remove completed' % (option, shown(compiled.expression)))
        if option == 'pod_condition' and name == 'completed' and not value:
            failed = dict(everything, k8sPhase=frozenset(('Failed',)), completedAt=frozenset((_NOT_NULL,)))
            if False in _truths(compiled.parsed, failed):
                raise RunaiError('%s %s is not true for a Failed pod, and completed: false leaves Failed pods out (they have '
                                 'completedAt), so the gate would hold with one; remove completed (and let the condition accept '
                                 "Succeeded pods, e.g. || k8sPhase=='Succeeded', if they are fine)" % (option, shown(compiled.expression)))
        if True not in _truths(compiled.parsed, dict(everything, **facts)):
            advice = 'set deleted: true to judge deleted pods' if name == 'deleted' and not value else 'remove %s or change it' % name
            raise RunaiError('%s %s can never be true with %s: %s, which keeps only %s; %s' % (
                option, shown(compiled.expression), name, 'true' if value else 'false', kept, advice))


def check_whole_scope(option, get):
    """A per-pod gate judges its whole scope: max_pods or offset would make it judge part of it."""
    for name, what in (('max_pods', 'stop after the first %s pods'), ('offset', 'skip the first %s pods')):
        value = get(name)
        if value and not isinstance(value, bool):
            raise RunaiError('%s judges every pod in scope, and %s %s would %s, so the gate could pass on the pods it never saw; '
                             'remove %s (return_pods: false keeps a large result small)' % (option, name, value, what % value, name))


def _values(node, facts):
    """The values a field or literal may have on a pod of the scope, or None when not known."""
    kind = node.get('type')
    if kind == 'subexpression' and node['children'][0].get('type') == 'current':
        node, kind = node['children'][1], node['children'][1].get('type')
    if kind == 'field':
        # A bare `null` is a field lookup that is null on every pod, as its writer meant.
        return frozenset((None,)) if node.get('value') == 'null' else facts.get(node.get('value'))
    if kind == 'literal':
        value = node.get('value')
        return frozenset((value,)) if isinstance(value, (str, int, float, bool, type(None))) else None
    return None


def _equal(left, right):
    if left is _NOT_NULL or right is _NOT_NULL:
        return False if left is None or right is None else None
    return left == right


def _truths(node, facts):
    """The truth values the condition may take on a pod with these facts (field -> possible values): a subset of {True, False}.

    Each combination of the facts' values is tried on its own, so that `k8sPhase=='Failed' && k8sPhase=='Running'`
    is known to be false: evaluated on the set of phases at once, each half alone could be true.
    """
    names = sorted(facts)
    combinations = [{}]
    for name in names:
        combinations = [dict(combination, **{name: frozenset((value,))}) for combination in combinations for value in facts[name]]
    truths = set()
    for combination in combinations:
        truths |= _truths_of(node, combination)
    return frozenset(truths)


def _truths_of(node, facts):
    kind = node.get('type')
    children = node.get('children') or []
    if kind == 'comparator' and node.get('value') in ('eq', 'ne'):
        left, right = _values(children[0], facts), _values(children[1], facts)
        if left is None or right is None:
            return _BOTH
        outcomes = set(_equal(a, b) for a in left for b in right)
        if None in outcomes:
            return _BOTH
        return frozenset(outcome if node.get('value') == 'eq' else not outcome for outcome in outcomes)
    if kind == 'and_expression':
        left = _truths_of(children[0], facts)
        return frozenset(([False] if False in left else []) + (list(_truths_of(children[1], facts)) if True in left else []))
    if kind == 'or_expression':
        left = _truths_of(children[0], facts)
        return frozenset(([True] if True in left else []) + (list(_truths_of(children[1], facts)) if False in left else []))
    if kind == 'not_expression':
        return frozenset(not truth for truth in _truths_of(children[0], facts))
    if kind == 'function_expression' and node.get('value') == 'contains' and len(children) == 2:
        listed, value = children[0], _values(children[1], facts)
        if listed.get('type') == 'multi_select_list' and all(child.get('type') == 'literal' for child in listed['children']):
            options = [child.get('value') for child in listed['children']]
        elif listed.get('type') == 'literal' and isinstance(listed.get('value'), list):
            options = listed['value']
        else:
            return _BOTH
        if value is None or _NOT_NULL in value:
            return _BOTH
        return frozenset(candidate in options for candidate in value)
    values = _values(node, facts) if kind in ('field', 'subexpression', 'literal') else None
    if values is None:
        return _BOTH
    return frozenset(True if value is _NOT_NULL else bool(value) or value == 0 and not isinstance(value, bool) for value in values)
