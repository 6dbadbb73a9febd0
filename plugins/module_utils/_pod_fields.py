# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""What each expression a user writes can see, checked before any request (SPEC 3a).

An expression that reads something that is never there is null, and a null is false: `k8sPhse=='Failed'`
as a fail_condition, `summary.by_phase.failed` in an assert, `pods[?k8sPhase=='Faild']` in a wait all
pass by accident. One walk over jmespath's parsed tree follows the shape of what the expression is
evaluated on (the result with its pods, count and summary; or one pod) and refuses, naming the option:
a key that shape does not have (a pod field, a summary key, a field that `fields` removed), and a
string compared with the phase that is not one of its closed set of values. Pure functions, no I/O.
(Whether the scope options leave a condition possible at all is _condition_scope.py's check.)
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import difflib

try:
    from jmespath import functions as jmespath_functions
except ImportError:  # pragma: no cover - reported by the plugins through missing_required_lib
    jmespath_functions = None

from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, shown
from ansible_collections.runai.platform.plugins.module_utils._jmespath import compile_expression, keys_read

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

# Kubernetes phases: a closed set (SPEC 3a), also the values of the legacy pod's `phase`.
PHASES = ('Pending', 'Running', 'Succeeded', 'Failed', 'Unknown')
# The legacy pod's `status` is the pod's status as kubectl shows it: open-ended, but a failed pod's is
# `Error` and a succeeded one's `Completed`, never the phase names. These are the values it is checked near.
LEGACY_STATUSES = ('Pending', 'Running', 'Completed', 'Error', 'Unknown', 'ContainerCreating', 'CrashLoopBackOff', 'Terminating',
                   'OOMKilled', 'ImagePullBackOff', 'ErrImagePull', 'Evicted', 'Init:Error', 'Init:CrashLoopBackOff')
_STATUS_OF_PHASE = {'Failed': 'Error', 'Succeeded': 'Completed'}


def pod_fields_read(compiled):
    """The names of the pod's own fields that a compiled expression reads (not fields of values inside them)."""
    return keys_read(compiled)[0]


# -- shapes: what a value is known to be ----------------------------------------------------------

class _Any:
    """Nothing known: every read is allowed."""


ANY = _Any()


class _Object:
    """A dict with known keys. `where` names it in messages (`summary.by_phase`, `each pod`)."""

    def __init__(self, where, keys, pod=False, legacy=False, removed=(), kept=None, closed_reason=None, lenient=False):
        self.where = where
        # A dict the API owns (a pod, its allocatedResources): `@.name` reads a key this collection does not know yet.
        self.lenient = lenient or pod
        self.keys = keys
        self.pod = pod
        self.legacy = legacy
        self.removed = frozenset(removed)
        self.kept = kept
        # Set for a dict that is always empty: why (count_only reads no pods).
        self.closed_reason = closed_reason


class _Map:
    """A dict whose keys are data (by_node): any key may be there."""

    def __init__(self, value):
        self.value = value


class _List:
    def __init__(self, item, where=None, empty_reason=None, list_field=None):
        self.item = item
        self.list_field = list_field
        self.where = where
        self.empty_reason = empty_reason


class _Values:
    """A string with a closed (or, for the legacy status, a checked) set of values: the phase."""

    def __init__(self, field, legacy):
        self.field = field
        self.legacy = legacy


class _Literal:
    def __init__(self, value):
        self.value = value


class _Number:
    """A value that is always a number (a count, a length): equal to no string."""


NUMBER = _Number()
# The API's AllocatedResources and PodRequestResources.
_RESOURCES = {'allocatedResources': ('gpu', 'gpuMemory', 'cpu', 'cpuMemory', 'extendedResources'),
              'requestedResources': ('gpuRequestType', 'gpu', 'gpuMemory', 'cpu', 'cpuMemory', 'extendedResources')}
# Pod fields that are lists: equal to no string (`requestedNodePools == 'h100'` is contains(requestedNodePools, 'h100')).
_LIST_FIELDS = ('requestedNodePools', 'containers', 'tolerations')
_NUMBER_FUNCTIONS = ('length', 'sum', 'avg', 'abs', 'ceil', 'floor', 'to_number')
_ORDERING = {'lt': '<', 'lte': '<=', 'gt': '>', 'gte': '>='}


def pod_shape(legacy=False, fields=None):
    """One pod as an expression sees it: every field, or those `fields` keeps."""
    known = LEGACY_POD_FIELDS if legacy else POD_FIELDS
    keys = dict((name, ANY) for name in known)
    keys['phase' if legacy else 'k8sPhase'] = _Values('phase' if legacy else 'k8sPhase', legacy)
    if legacy:
        keys['status'] = _Values('status', legacy)
    else:
        keys.update((name, _Object(name, dict((key, ANY) for key in subkeys), lenient=True)) for name, subkeys in _RESOURCES.items())
        keys.update((name, _List(ANY, list_field=name)) for name in _LIST_FIELDS)
    removed = ()
    if fields is not None:
        removed = [name for name in keys if name not in fields]
        keys = dict((name, shape) for name, shape in keys.items() if name in fields)
    return _Object('each pod', keys, pod=True, legacy=legacy, removed=removed, kept=fields)


def result_shape(legacy=False, fields=None, count_only=False, query=False):
    """The result `query` sees (pods, count, summary), and `wait_for` (the same, with query_result when query is set)."""
    no_pods = 'count_only reads no pods' if count_only else None
    by_phase = dict((phase, NUMBER) for phase in PHASES)
    summary = {
        'total': NUMBER, 'gpu_allocated': NUMBER,
        'by_phase': _Object('summary.by_phase', by_phase, closed_reason=no_pods),
        'by_node': _Object('summary.by_node', {}, closed_reason=no_pods) if count_only else _Map(NUMBER),
        'by_nodepool': _Object('summary.by_nodepool', {}, closed_reason=no_pods) if count_only else _Map(NUMBER),
    }
    keys = {'pods': _List(pod_shape(legacy, fields), 'pods', empty_reason=no_pods), 'count': NUMBER,
            'summary': _Object('summary', summary)}
    if query:
        keys['query_result'] = ANY
    return _Object('the result', keys)


# -- the checks -----------------------------------------------------------------------------------

def check_expression(option, compiled, shape):
    """RunaiError naming the option when the expression reads what `shape` never holds, or compares the phase
    with a value it never has."""
    _Walk(option, compiled.expression).shape_of(compiled.parsed, shape)


def check_read_options(get, legacy=False, count_only=False):
    """Before any request: `fields`, and `query` and `wait_for` (with wait) against the result they see.

    `query` sees pods, count and summary; `wait_for` also query_result when query is set. Both see the
    pods trimmed to `fields`, and with count_only no pods and empty maps.
    """
    fields = get('fields')
    check_fields(fields, legacy)
    query = get('query')
    if query is not None:
        check_expression('query', compile_expression('query', query), result_shape(legacy, fields, count_only))
    if get('wait') and get('wait_for') is not None:
        shape = result_shape(legacy, fields, count_only, query=query is not None)
        check_expression('wait_for', compile_expression('wait_for', get('wait_for')), shape)


def check_pod_expression(option, compiled, legacy=False):
    """RunaiError naming the option when a per-pod expression could never be true: a field no pod has, a misspelt phase."""
    check_expression(option, compiled, pod_shape(legacy))


def check_fields(fields, legacy=False):
    """RunaiError naming `fields` and the name when one is not a pod field (it would be dropped from every pod silently)."""
    known = LEGACY_POD_FIELDS if legacy else POD_FIELDS
    for name in fields or ():
        if name not in known:
            hint = _close(name, known)
            raise RunaiError('fields item %s is not a field of %s pods, so every pod would lose it%s; %s pod fields: %s' % (
                shown(name), 'legacy' if legacy else 'Run:ai', ' (did you mean %s?)' % hint if hint else '',
                'legacy' if legacy else 'Run:ai', ', '.join(sorted(known))))


def _close(word, candidates):
    """The candidate `word` was probably meant to be: the same but for case or spaces, else a close spelling."""
    for candidate in sorted(candidates):
        if candidate.lower() == word.strip().lower():
            return candidate
    close = difflib.get_close_matches(word.lower(), dict((c.lower(), c) for c in candidates), n=1, cutoff=0.6)
    return dict((c.lower(), c) for c in candidates)[close[0]] if close else None


def _known_functions():
    # jmespath knows its functions only when one is called, after every request was made.
    table = getattr(getattr(jmespath_functions, 'Functions', None), 'FUNCTION_TABLE', None)
    return frozenset(table) if isinstance(table, dict) else frozenset()


_LIST_RESULTS = ('sort_by', 'sort', 'reverse')
_ITEM_RESULTS = ('max_by', 'min_by')


class _Walk:
    """Follows the shape of the data through the parsed tree; raises at the first read that is never there."""

    def __init__(self, option, expression):
        self.option = option
        self.expression = expression

    def fail(self, text):
        raise RunaiError('%s %s %s' % (self.option, shown(self.expression), text))

    def shape_of(self, node, here, after_current=False):
        kind = node.get('type')
        children = node.get('children') or []
        if kind == 'field':
            return self.field(node.get('value'), here, after_current)
        if kind in ('current', 'identity'):
            return here
        if kind == 'literal':
            return _Literal(node.get('value'))
        if kind == 'subexpression':
            # `a.b.c` is one node with three children, each evaluated on the value of the one before.
            shape = self.shape_of(children[0], here)
            for before, child in zip(children, children[1:]):
                shape = self.shape_of(child, shape, after_current=before.get('type') == 'current')
            return shape
        if kind == 'index_expression':
            left = self.shape_of(children[0], here)
            if children[1].get('type') == 'slice':
                return left
            return left.item if isinstance(left, _List) else ANY
        if kind in ('projection', 'filter_projection'):
            return self.projection(kind, children, here)
        if kind == 'value_projection':
            left = self.shape_of(children[0], here)
            values = list(left.keys.values()) if isinstance(left, _Object) else [left.value] if isinstance(left, _Map) else [ANY]
            for value in values:
                self.shape_of(children[1], value)
            return _List(ANY)
        if kind == 'flatten':
            left = self.shape_of(children[0], here)
            return left if isinstance(left, _List) else ANY
        if kind == 'pipe':
            return self.shape_of(children[1], self.shape_of(children[0], here))
        if kind == 'comparator':
            sides = [self.shape_of(child, here) for child in children]
            self.comparison(node.get('value'), sides)
            return ANY
        if kind == 'function_expression':
            return self.function(node.get('value'), children, here)
        if kind == 'multi_select_list':
            items = [self.shape_of(child, here) for child in children]
            if items and all(isinstance(item, _Literal) for item in items):
                return _Literal([item.value for item in items])
            return _List(ANY)
        if kind == 'multi_select_dict':
            keys = dict((pair.get('value'), self.shape_of(pair['children'][0], here)) for pair in children)
            return _Object(None, keys)
        for child in children:
            if isinstance(child, dict):
                self.shape_of(child, here)
        return ANY

    def projection(self, kind, children, here):
        left = self.shape_of(children[0], here)
        if not isinstance(left, _List):
            for child in children[1:]:
                self.shape_of(child, ANY)
            return ANY
        if kind == 'filter_projection':
            self.shape_of(children[2], left.item)
        return _List(self.shape_of(children[1], left.item))

    def field(self, name, here, after_current):
        if isinstance(here, _Map):
            return here.value
        if isinstance(here, _List):
            if here.where:
                self.fail('reads %s of %s, which is a list, so it is always null; write %s[].%s (or %s[?...]) to read it on each item' % (
                    name, here.where, here.where, name, here.where))
            return ANY
        if not isinstance(here, _Object):
            return ANY
        if here.closed_reason:
            self.fail('reads %s.%s, which is never there: %s, so %s is always empty' % (here.where, name, here.closed_reason, here.where))
        if name in here.keys:
            shape = here.keys[name]
            if isinstance(shape, _List) and shape.empty_reason:
                self.fail('reads %s, which is always empty: %s' % (name, shape.empty_reason))
            return shape
        if here.pod:
            return self.pod_field(name, here, after_current)
        if here.lenient and after_current:
            return ANY
        hint = ' (did you mean %s?)' % _close(name, here.keys) if _close(name, here.keys) else ''
        holds = ', '.join(sorted(here.keys, key=_key_order))
        if here.where is None:
            self.fail('reads %s of the object it builds, which holds only %s, so it is always null%s' % (name, holds, hint))
        unknown_yet = '; write %s | @.%s to read a key this collection does not know yet' % (here.where, name) if here.lenient else ''
        self.fail('reads %s%s, which is never there, so it is always null%s; %s holds %s%s' % (
            '' if here.where == 'the result' else here.where + '.', name, hint, here.where, holds, unknown_yet))

    def pod_field(self, name, pod, after_current):
        if name in pod.removed:
            self.fail('reads %s of each pod, which fields removed (fields keeps %s); add %s to fields, or judge the pods with '
                      'pod_condition or fail_condition, which see every field' % (name, ', '.join(pod.kept) or 'nothing', name))
        # `@.field` reads a field this collection does not know yet; a bare `null` is null on every pod, as meant.
        if after_current or name == 'null':
            return ANY
        known = LEGACY_POD_FIELDS if pod.legacy else POD_FIELDS
        if name in ('true', 'false'):
            hint = 'a bare %s is a field name in JMESPath; the literal is written `%s`' % (name, name)
        elif name in PHASES or name in LEGACY_STATUSES:
            hint = "a bare %s is a field name in JMESPath; the string is written '%s'" % (name, name)
        elif name == 'status' and not pod.legacy:
            hint = 'the phase is k8sPhase'
        elif name.lower() == 'currentnodepool' and not pod.legacy:
            hint = 'the pod field is currentNodePool, with a capital P'
        else:
            close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
            hint = 'did you mean %s?' % close[0] if close else 'pod fields: %s' % ', '.join(sorted(known))
        self.fail('reads %s, which %s pods do not have, so it would be null for every pod (%s); '
                  'write @.%s to read a field this collection does not know yet' % (name, 'legacy' if pod.legacy else 'Run:ai', hint, name))

    def function(self, name, children, here):
        known = _known_functions()
        if known and name not in known:
            hint = _close(name, known)
            self.fail('calls %s(), which JMESPath does not have%s; its functions: %s' % (
                name, ' (did you mean %s()?)' % hint if hint else '', ', '.join(sorted(known))))
        arguments = [None if child.get('type') == 'expref' else self.shape_of(child, here) for child in children]
        items = next((argument.item for argument in arguments if isinstance(argument, _List)), ANY)
        shapes = [self.shape_of(child['children'][0], items) if child.get('type') == 'expref' else argument
                  for child, argument in zip(children, arguments)]
        if name == 'contains' and len(shapes) == 2:
            if isinstance(shapes[0], _List) and isinstance(shapes[0].item, _Values):
                self.compared(shapes[0].item, shapes[1])
            elif isinstance(shapes[0], _Literal) and isinstance(shapes[0].value, list):
                for value in shapes[0].value:
                    self.compared(shapes[1], _Literal(value))
            elif isinstance(shapes[0], _Values) and isinstance(shapes[1], _Literal):
                self.substring(shapes[0], shapes[1].value, 'contains')
        if name in ('starts_with', 'ends_with') and len(shapes) == 2 and isinstance(shapes[0], _Values) and isinstance(shapes[1], _Literal):
            self.substring(shapes[0], shapes[1].value, name)
        if name in _LIST_RESULTS and shapes and isinstance(shapes[0], _List):
            return shapes[0]
        if name in _ITEM_RESULTS and shapes:
            return items
        if name == 'map' and len(shapes) == 2:
            return _List(shapes[0])
        if name in _NUMBER_FUNCTIONS:
            return NUMBER
        return ANY

    def comparison(self, operator, sides):
        """Comparisons that are null or false whatever the data: JMESPath orders only numbers, and equals no two types."""
        if all(isinstance(side, _Literal) for side in sides):
            quoted = [side.value for side in sides if isinstance(side.value, str) and side.value in POD_FIELDS | LEGACY_POD_FIELDS]
            self.fail('compares two constants, %s and %s, so it is the same for every pod%s' % (
                shown(sides[0].value), shown(sides[1].value),
                "; in JMESPath '%s' in single quotes is a string, the field is written %s" % (quoted[0], quoted[0]) if quoted else ''))
        if operator in _ORDERING:
            # Strings order as text (ISO dates too), but a number and a string never: the comparison is null.
            for side, other in (sides, sides[::-1]):
                if isinstance(side, _Literal) and isinstance(side.value, str) and (isinstance(other, _Number) or _numeric(side.value)):
                    self.fail('orders %s with the string %s by %s, which is null for a number; the number is written `%s`' % (
                        'a number' if isinstance(other, _Number) else 'a value', shown(side.value), _ORDERING[operator],
                        side.value.strip()))
            return
        for side, other in (sides, sides[::-1]):
            if isinstance(side, _Number) and isinstance(other, _Literal) and isinstance(other.value, str):
                self.fail('compares a number with the string %s, which it never equals; the number is written `%s`' % (
                    shown(other.value), other.value))
            if isinstance(side, _List) and side.list_field and isinstance(other, _Literal) and isinstance(other.value, (str, int, float)):
                self.fail('compares %s, a list, with %s, which it never equals; write contains(%s, %s)' % (
                    side.list_field, shown(other.value), side.list_field, shown(other.value)))
            if isinstance(side, _Object) and isinstance(other, _Literal) and not isinstance(other.value, (dict, type(None))):
                self.fail('compares %s, an object, with %s, which it never equals' % (side.where or 'an object', shown(other.value)))
        self.compared(sides[0], sides[1])
        self.compared(sides[1], sides[0])

    def compared(self, side, other):
        """A phase compared (==, !=, contains) with a literal it never equals."""
        if not isinstance(side, _Values) or not isinstance(other, _Literal) or other.value is None:
            return
        value = other.value
        if side.field == 'status':
            return self.status_compared(value)
        if value in PHASES:
            return
        hint = _close(value, PHASES) if isinstance(value, str) else None
        if value == 'Evicted':
            hint = "Evicted is a reason, never a phase: an evicted pod's phase is 'Failed'"
        elif hint:
            hint = "did you mean '%s'?" % hint
        self.fail('compares the phase with %s, which it never is: phases are %s%s' % (
            shown(value), ', '.join(PHASES), ' (%s)' % hint if hint else ''))

    def status_compared(self, value):
        if value in _STATUS_OF_PHASE:
            self.fail("compares the legacy status with %s, which it never is: a legacy pod's status is %s when its phase is %s "
                      "(write status=='%s' or phase=='%s')" % (
                          shown(value), shown(_STATUS_OF_PHASE[value]), value, _STATUS_OF_PHASE[value], value))
        if not isinstance(value, str):
            self.fail('compares the legacy status with %s, which it never is: the status is a string' % shown(value))
        if value in LEGACY_STATUSES:
            return
        hint = _close(value, LEGACY_STATUSES)
        if hint and (hint.lower() == value.strip().lower() or difflib.SequenceMatcher(None, hint.lower(), value.lower()).ratio() >= 0.8):
            self.fail("compares the legacy status with %s, which it never is (did you mean '%s'?); statuses include %s" % (
                shown(value), hint, ', '.join(LEGACY_STATUSES)))

    def substring(self, side, value, function):
        values = LEGACY_STATUSES if side.field == 'status' else PHASES
        test = {'contains': lambda phase: value in phase, 'starts_with': lambda phase: phase.startswith(value),
                'ends_with': lambda phase: phase.endswith(value)}[function]
        if side.field != 'status' and isinstance(value, str) and not any(test(phase) for phase in values):
            self.fail('looks for %s in the phase with %s(), which no phase matches: phases are %s' % (
                shown(value), function, ', '.join(PHASES)))


def _numeric(text):
    try:
        float(text)
    except ValueError:
        return False
    return bool(text.strip())


def _key_order(key):
    return (PHASES.index(key), key) if key in PHASES else (len(PHASES), key)
