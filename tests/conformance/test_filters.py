"""filterBy: every field with every operator, dates as instants, nulls, both array encodings, commas in values.

Expected results come from a plain oracle over every pod the simulator lists, so the server's
selection is compared pod by pod, in order.
"""

import datetime

import pytest

PODS_PATH = '/api/v1/workloads/pods'
COUNT_PATH = '/api/v1/workloads/pods/count'
# filter key -> pod field (the key `currentNodepool` names the field `currentNodePool`)
FIELDS = {'clusterId': 'clusterId', 'workloadId': 'workloadId', 'revisionId': 'revisionId', 'nodeName': 'nodeName',
          'currentNodepool': 'currentNodePool', 'createdAt': 'createdAt', 'completedAt': 'completedAt', 'deletedAt': 'deletedAt'}
STRING_FIELDS = ('clusterId', 'workloadId', 'revisionId', 'nodeName', 'currentNodepool')
DATE_FIELDS = ('createdAt', 'completedAt', 'deletedAt')
OPERATORS = ('==', '!=', '<=', '>=', '=@', '!@', '=^', '=$')
DATE_OPERATORS = ('==', '!=', '<=', '>=')


def instant(text):
    moment = datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def oracle_match(pod, field, op, wanted):
    actual = pod.get(FIELDS[field])
    if actual is None:
        return op in ('!=', '!@')      # the documented null rule
    if field in DATE_FIELDS:
        actual, wanted = instant(actual), instant(wanted)
    return {'==': lambda: actual == wanted, '!=': lambda: actual != wanted, '<=': lambda: actual <= wanted,
            '>=': lambda: actual >= wanted, '=@': lambda: wanted in actual, '!@': lambda: wanted not in actual,
            '=^': lambda: actual.startswith(wanted), '=$': lambda: actual.endswith(wanted)}[op]()


def expected_ids(pods, filters):
    return [pod['id'] for pod in pods if all(oracle_match(pod, *item) for item in filters)]


def served_ids(api, filters, deleted=False, encoding='comma'):
    items = ['%s%s%s' % item for item in filters]
    params = [('filterBy', ','.join(items))] if encoding == 'comma' else [('filterBy', item) for item in items]
    if deleted:
        params.append(('deleted', 'true'))
    return [pod['id'] for pod in api.all_pods(params=params)]


def sample_value(pods, field):
    """A value of the field taken from the middle of the list, so comparisons cut the set in two."""
    values = [pod[FIELDS[field]] for pod in pods if pod.get(FIELDS[field]) is not None]
    return values[len(values) // 2]


def operand(value, op):
    """A value for the operator that matches something: a slice of a real value for the substring operators."""
    return {'=@': value[3:12], '!@': value[3:12], '=^': value[:10], '=$': value[-7:]}.get(op, value)


@pytest.mark.parametrize('op', OPERATORS)
@pytest.mark.parametrize('field', STRING_FIELDS)
def test_string_field_and_operator(api, live_pods, field, op):
    wanted = operand(sample_value(live_pods, field), op)
    expected = expected_ids(live_pods, [(field, op, wanted)])
    assert 0 < len(expected) <= len(live_pods)
    assert served_ids(api, [(field, op, wanted)]) == expected


@pytest.mark.parametrize('op', DATE_OPERATORS)
@pytest.mark.parametrize('field', ('createdAt', 'completedAt'))
def test_date_field_and_operator(api, live_pods, field, op):
    wanted = sample_value(live_pods, field)
    expected = expected_ids(live_pods, [(field, op, wanted)])
    assert expected
    assert served_ids(api, [(field, op, wanted)]) == expected


@pytest.mark.parametrize('op', DATE_OPERATORS)
def test_deleted_at_on_deleted_pods(api, deleted_pods, op):
    wanted = sample_value(deleted_pods, 'deletedAt')
    expected = expected_ids(deleted_pods, [('deletedAt', op, wanted)])
    assert expected
    assert served_ids(api, [('deletedAt', op, wanted)], deleted=True) == expected


def test_dates_compare_as_instants_whatever_their_iso_form(api, live_pods):
    wanted = instant(sample_value(live_pods, 'createdAt'))
    reference = served_ids(api, [('createdAt', '<=', wanted.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z')])
    shifted = wanted.astimezone(datetime.timezone(datetime.timedelta(hours=2)))
    for form in (shifted.isoformat(timespec='milliseconds'), wanted.replace(tzinfo=None).isoformat(timespec='milliseconds')):
        assert served_ids(api, [('createdAt', '<=', form)]) == reference


def test_a_date_only_value_is_midnight_utc(api, live_pods):
    day = sample_value(live_pods, 'createdAt')[:10]
    assert served_ids(api, [('createdAt', '>=', day)]) == expected_ids(live_pods, [('createdAt', '>=', day + 'T00:00:00Z')])


@pytest.mark.parametrize('field', ('nodeName', 'revisionId', 'currentNodepool', 'completedAt'))
def test_null_values_match_only_negative_operators(api, live_pods, field):
    with_null = {pod['id'] for pod in live_pods if pod.get(FIELDS[field]) is None}
    assert with_null, 'the data should hold pods without %s' % field
    value = sample_value(live_pods, field)
    operators = DATE_OPERATORS if field in DATE_FIELDS else OPERATORS
    for op in operators:
        served = set(served_ids(api, [(field, op, operand(value, op))]))
        if op in ('!=', '!@'):
            assert with_null <= served
        else:
            assert not with_null & served


def test_filters_are_anded_in_both_encodings_and_their_mix(api, live_pods, inventory):
    pool = inventory['examples']['unhealthyNodePool']
    filters = [('clusterId', '==', pool['clusterId']), ('currentNodepool', '==', pool['name']), ('nodeName', '=$', '1')]
    expected = expected_ids(live_pods, filters)
    assert 0 < len(expected) < len(expected_ids(live_pods, filters[:2]))
    assert served_ids(api, filters, encoding='comma') == expected
    assert served_ids(api, filters, encoding='repeated') == expected
    items = ['%s%s%s' % item for item in filters]
    mixed = [('filterBy', ','.join(items[:2])), ('filterBy', items[2])]
    assert [pod['id'] for pod in api.all_pods(params=mixed)] == expected


def test_a_comma_inside_a_value_is_kept_when_not_followed_by_a_filter(api, live_pods, inventory):
    cluster_id = inventory['clusters'][0]['id']
    # Repeated parameter holding a comma: one item whose value is 'a,b' (no node is named so).
    assert api.all_pods(params=[('filterBy', 'nodeName==a,b')]) == []
    # Comma-joined: split only where a new <field><op> starts, so 'x,y' stays one value.
    served = [pod['id'] for pod in api.all_pods(params=[('filterBy', 'nodeName!@x,y,clusterId==' + cluster_id)])]
    assert served == expected_ids(live_pods, [('nodeName', '!@', 'x,y'), ('clusterId', '==', cluster_id)])


def test_an_empty_filter_parameter_holds_no_item(api, live_pods):
    assert [pod['id'] for pod in api.all_pods(params=[('filterBy', '')])] == [pod['id'] for pod in live_pods]


@pytest.mark.parametrize('item', [
    'phase==Running', 'currentNodePool==h100', 'nodeName=~x', 'nodeName==', 'nodeName', '==x', 'NodeName==x',
    'createdAt=@2026', 'completedAt=^2026', 'deletedAt!@x', 'createdAt>=yesterday', 'createdAt==2026-13-01',
    'nodeName==a\nb',
])
def test_invalid_items_are_400_naming_the_parameter(api, item):
    for path in (PODS_PATH, COUNT_PATH):
        answer = api.get(path, {'filterBy': item})
        assert answer.status == 400, item
        assert 'filterBy' in answer.json()['message']


def test_count_agrees_with_the_list_for_the_same_filters(api, live_pods, inventory):
    pool = inventory['examples']['unhealthyNodePool']
    for params in ([], [('filterBy', 'currentNodepool==%s' % pool['name'])],
                   [('filterBy', 'nodeName=@node-0'), ('filterBy', 'clusterId==%s' % pool['clusterId'])],
                   [('filterBy', 'completedAt>=2026-11-01T00:00:00Z'), ('deleted', 'true')],
                   [('search', 'llama'), ('filterBy', 'revisionId!=x')]):
        pods = api.all_pods(params=params)
        assert api.ok(COUNT_PATH, params)['count'] == len(pods)
