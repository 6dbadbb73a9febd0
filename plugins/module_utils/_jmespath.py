# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""JMESPath expressions of `query`, `wait_for` and the gate conditions, compiled before any request."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, shown

try:
    import jmespath
    from jmespath import visitor as jmespath_visitor
    HAS_JMESPATH = True
    JMESPATH_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - reported by the plugins through missing_required_lib
    HAS_JMESPATH = False
    JMESPATH_IMPORT_ERROR = exc


# Deeper nesting is refused: jmespath parses and evaluates recursively, and Python's stack is finite.
MAX_DEPTH = 100


def compile_expression(option, expression):
    """The compiled expression; RunaiError naming the option and the expression if it does not parse."""
    if not isinstance(expression, str) or not expression.strip():
        raise RunaiError('%s must be a JMESPath expression, got %s' % (option, shown(expression)))
    try:
        compiled = jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError as exc:
        raise RunaiError('%s %s is not a valid JMESPath expression: %s' % (option, shown(expression), _reason(exc)))
    except RecursionError:
        # jmespath parses recursively: `((((...))))` or `!!!!...a` a few hundred deep exhausts Python's stack.
        raise RunaiError(_too_deep(option, expression))
    if _depth(compiled.parsed) > MAX_DEPTH:
        # Refused here, before any request: evaluating it (and walking it) is recursive too.
        raise RunaiError(_too_deep(option, expression))
    return compiled


def _too_deep(option, expression):
    return '%s is nested more than %d levels deep, which this collection does not evaluate: %s' % (option, MAX_DEPTH, shown(expression))


def _depth(parsed):
    """How deep the parsed tree is, measured without recursion, so that the measure cannot overflow the stack itself."""
    deepest, stack = 0, [(parsed, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth <= MAX_DEPTH:
            stack.extend((child, depth + 1) for child in node.get('children') or () if isinstance(child, dict))
    return deepest


def _reason(exc):
    """jmespath's first line, without the echo of the expression that its next lines draw."""
    lines = str(exc).strip().splitlines()
    reason = lines[0].rstrip(':') if lines else type(exc).__name__
    if reason.endswith(', for expression'):
        return reason[:-len(', for expression')]
    position = getattr(exc, 'lex_position', None)
    return '%s at column %d' % (reason, position) if isinstance(position, int) else reason


def is_true(value):
    """Truth in JMESPath's sense: false, null, '', [] and {} are false; every number, 0 included, is true."""
    if value is None or value is False:
        return False
    if isinstance(value, (str, list, dict)) and not value:
        return False
    return True


class _Interpreter(jmespath_visitor.TreeInterpreter if HAS_JMESPATH else object):
    """jmespath's interpreter, with an ordering comparison of values that do not compare (`'four' > 4`) null,
    as the JMESPath specification has it, instead of Python's TypeError escaping as a traceback."""

    def visit_comparator(self, node, value):
        try:
            return super(_Interpreter, self).visit_comparator(node, value)
        except TypeError:
            return None


def evaluate(option, compiled, data):
    """The expression's value on data; RunaiError if it fails there (e.g. a function given the wrong type)."""
    try:
        return _Interpreter().visit(compiled.parsed, data)
    except jmespath.exceptions.JMESPathError as exc:
        raise RunaiError('%s %s failed on the result: %s' % (option, shown(compiled.expression), _reason(exc)))


def item_evaluator(option, compiled, describe_item):
    """A function giving the expression's value on one item (a pod), for expressions run on every pod of every poll.

    ParsedResult.search() builds a new interpreter on each call; one shared interpreter is 2-3 times
    faster per pod (0.09 s instead of 0.24 s for k8sPhase=='Running' over 50,000 pods, docs/performance.md).
    `describe_item(item)` names the item in the message of an expression that fails on it.
    """
    visit = _Interpreter().visit
    parsed = compiled.parsed

    def value_of(item):
        try:
            return visit(parsed, item)
        except jmespath.exceptions.JMESPathError as exc:
            raise RunaiError('%s %s failed on %s: %s' % (option, shown(compiled.expression), describe_item(item), _reason(exc)))
    return value_of


# Nodes whose first child is evaluated where the node is, and every later child on the value of the one before
# (`a.b`, `a[0]`, `a[*].b`, `a.*`, `a[?c].b`, `a[]`, `a | b`).
_CHAINS = ('subexpression', 'index_expression', 'projection', 'value_projection', 'filter_projection', 'flatten', 'pipe')
# Nodes whose children are all evaluated where the node is.
_SAME_PLACE = ('or_expression', 'and_expression', 'not_expression', 'comparator', 'function_expression', 'multi_select_list',
               'multi_select_dict', 'key_val_pair')
# Nodes that read nothing of the data.
_CONSTANTS = ('literal', 'index', 'slice')


def reads_key(compiled, key):
    """Whether the expression, evaluated on a dict, may read the value of that dict's `key`.

    Decided from the parsed expression, never by evaluating it: `summary.by_phase.Failed`, `count`, `{n: count}`
    do not read `pods`; `pods[?k8sPhase=='Failed']`, `length(pods)`, and anything handing on the whole dict
    (`@`, `*`, `values(@)`) do. A node this does not know counts as reading it.
    """
    keys, whole = keys_read(compiled)
    return whole or key in keys


def keys_read(compiled):
    """(the keys of the dict an expression is evaluated on that it reads, whether it may hand on the whole dict).

    `a.b` reads a, `containers[?name=='x']` reads containers (not name: that is read on each container);
    `@`, `*` and node types this does not know count as the whole dict.
    """
    keys = set()
    whole = _walk(compiled.parsed, keys, True)
    return keys, whole


def _walk(node, keys, at_top):
    """Add the top-level keys `node` reads to `keys`; True when it may read the whole top-level dict."""
    node_type = node.get('type')
    children = node.get('children') or []
    if node_type == 'field':
        if at_top:
            keys.add(node.get('value'))
        return False
    if node_type in ('current', 'identity'):
        # The whole dict flows on from here, every key included.
        return at_top
    if node_type in _CONSTANTS:
        return False
    if node_type == 'expref':
        # `&name` in sort_by(pods, &name) is evaluated on the items of another argument, never on the dict.
        return _walk_each(children, keys, False)
    if node_type in _CHAINS:
        # Later children see only what the first gave them: the dict itself only through `@` or `*`, caught above.
        return _walk_each(children[:1], keys, at_top) | _walk_each(children[1:], keys, False)
    if node_type in _SAME_PLACE:
        return _walk_each(children, keys, at_top)
    return True


def _walk_each(nodes, keys, at_top):
    # Every node is walked, none skipped once one reads the whole dict: the caller wants every key too.
    whole = False
    for node in nodes:
        whole = _walk(node, keys, at_top) or whole
    return whole
