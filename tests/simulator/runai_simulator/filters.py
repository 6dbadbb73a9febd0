"""filterBy and sortBy: parsing the expressions and turning them into predicates and sort keys.

Semantics where the spec is silent (docs/simulator.md repeats them):
- string comparisons are case-sensitive; `<=`/`>=` on strings compare code points;
- date fields compare as instants (milliseconds), their values are ISO 8601, zone-less means UTC;
- a null field matches only the negative operators `!=` and `!@`;
- in sorting, null is greater than every value (last in `asc`, first in `desc`).
"""

import collections
import operator
import re

from .errors import ApiError
from .timefmt import parse_iso8601_ms

# filter/sort key -> Pod attribute; note the key `currentNodepool` names the pod field `currentNodePool`.
FIELD_ATTRIBUTES = collections.OrderedDict((
    ('clusterId', 'cluster_id'),
    ('workloadId', 'workload_id'),
    ('revisionId', 'revision_id'),
    ('nodeName', 'node_name'),
    ('currentNodepool', 'node_pool'),
    ('createdAt', 'created_ms'),
    ('completedAt', 'completed_ms'),
    ('deletedAt', 'deleted_ms'),
))
DATE_FIELDS = frozenset(('createdAt', 'completedAt', 'deletedAt'))
OPERATORS = ('==', '!=', '<=', '>=', '=@', '!@', '=^', '=$')
DATE_OPERATORS = ('==', '!=', '<=', '>=')
NULLABLE_SORT_KEYS = frozenset(('revisionId', 'nodeName', 'currentNodepool', 'completedAt', 'deletedAt'))

_FIELDS_ALTERNATION = '|'.join(FIELD_ATTRIBUTES)
_OPERATORS_ALTERNATION = '|'.join(re.escape(op) for op in OPERATORS)
# The spec's item pattern; fullmatch with '.' not matching a newline behaves as its ECMA '^...$'.
ITEM_PATTERN = re.compile('(%s)(%s)(.+)' % (_FIELDS_ALTERNATION, _OPERATORS_ALTERNATION))
# A comma-joined filterBy splits only where the next item starts, so values may hold commas.
ITEM_BOUNDARY = re.compile(',(?=(?:%s)(?:%s))' % (_FIELDS_ALTERNATION, _OPERATORS_ALTERNATION))

_MATCHERS = {
    '==': lambda actual, wanted: actual == wanted,
    '!=': lambda actual, wanted: actual != wanted,
    '<=': lambda actual, wanted: actual <= wanted,
    '>=': lambda actual, wanted: actual >= wanted,
    '=@': lambda actual, wanted: wanted in actual,
    '!@': lambda actual, wanted: wanted not in actual,
    '=^': lambda actual, wanted: actual.startswith(wanted),
    '=$': lambda actual, wanted: actual.endswith(wanted),
}
NULL_MATCHING_OPERATORS = frozenset(('!=', '!@'))

Filter = collections.namedtuple('Filter', 'field op value predicate')


def split_items(raw_values):
    """Every filter item of every filterBy parameter, in order; an empty parameter holds no item."""
    items = []
    for raw in raw_values:
        if raw:
            items.extend(ITEM_BOUNDARY.split(raw))
    return items


def _predicate(attribute, op, wanted):
    getter = operator.attrgetter(attribute)
    match = _MATCHERS[op]
    null_result = op in NULL_MATCHING_OPERATORS

    def predicate(pod):
        actual = getter(pod)
        if actual is None:
            return null_result
        return match(actual, wanted)
    return predicate


def parse_filter(item):
    found = ITEM_PATTERN.fullmatch(item)
    if found is None:
        raise ApiError(400, "Invalid filterBy item %r: expected <field><operator><value>, field one of %s, operator one of %s"
                       % (item, ', '.join(FIELD_ATTRIBUTES), ' '.join(OPERATORS)), details="parameter 'filterBy'")
    field, op, text = found.groups()
    wanted = text
    if field in DATE_FIELDS:
        if op not in DATE_OPERATORS:
            raise ApiError(400, "Invalid filterBy item %r: the date field '%s' takes only the operators %s"
                           % (item, field, ' '.join(DATE_OPERATORS)), details="parameter 'filterBy'")
        try:
            wanted = parse_iso8601_ms(text)
        except ValueError as exc:
            raise ApiError(400, "Invalid filterBy item %r: %r is not an ISO 8601 date-time" % (item, text),
                           details="parameter 'filterBy'") from exc
    return Filter(field, op, wanted, _predicate(FIELD_ATTRIBUTES[field], op, wanted))


def parse_filters(raw_values):
    return [parse_filter(item) for item in split_items(raw_values)]


def sort_key(sort_by):
    """The key function of a sortBy value; nulls sort after every value."""
    getter = operator.attrgetter(FIELD_ATTRIBUTES[sort_by])
    if sort_by not in NULLABLE_SORT_KEYS:
        return getter

    def nullable_key(pod):
        value = getter(pod)
        return (value is None, value)
    return nullable_key
