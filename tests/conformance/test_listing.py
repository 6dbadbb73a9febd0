"""GET /api/v1/workloads/pods and /count: paging, sorting, verbosity, completed, deleted, search, bad parameters."""

import datetime

import pytest

PODS_PATH = '/api/v1/workloads/pods'
COUNT_PATH = '/api/v1/workloads/pods/count'
SORT_KEYS = {'clusterId': 'clusterId', 'workloadId': 'workloadId', 'revisionId': 'revisionId', 'nodeName': 'nodeName',
             'currentNodepool': 'currentNodePool', 'createdAt': 'createdAt', 'completedAt': 'completedAt', 'deletedAt': 'deletedAt'}


def ids(pods):
    return [pod['id'] for pod in pods]


def instant(text):
    return datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))


def test_default_order_is_created_at_then_id(live_pods):
    keys = [(instant(pod['createdAt']), pod['id']) for pod in live_pods]
    assert keys == sorted(keys)


def test_paging_follows_next_without_duplicates_or_gaps(api, live_pods):
    for limit in (1, 7, 50, 333, 500):
        if limit == 1:
            # 2,000 one-pod pages would take long; walk the first 40 and check `next` arithmetic there.
            seen = []
            offset = 0
            for _step in range(40):
                page = api.ok(PODS_PATH, {'limit': 1, 'offset': offset})
                seen.extend(page['pods'])
                assert page['next'] == offset + 1
                offset = page['next']
            assert ids(seen) == ids(live_pods[:40])
            continue
        pods = api.all_pods(limit=limit)
        assert ids(pods) == ids(live_pods)
        assert len(set(ids(pods))) == len(pods)
        assert api.last_pages == -(-len(live_pods) // limit)


def test_next_is_absent_exactly_on_the_last_page(api, live_pods):
    total = len(live_pods)
    assert 'next' not in api.ok(PODS_PATH, {'limit': 500, 'offset': total - 500})
    assert api.ok(PODS_PATH, {'limit': 500, 'offset': total - 501})['next'] == total - 1
    beyond = api.ok(PODS_PATH, {'limit': 10, 'offset': total + 5})
    assert beyond['pods'] == [] and 'next' not in beyond


def test_default_limit_is_50(api, live_pods):
    page = api.ok(PODS_PATH)
    assert ids(page['pods']) == ids(live_pods[:50]) and page['next'] == 50


@pytest.mark.parametrize('order', ('asc', 'desc'))
@pytest.mark.parametrize('sort_by', sorted(SORT_KEYS))
def test_sorting_is_stable_with_nulls_last_ascending(api, live_pods, deleted_pods, sort_by, order):
    pods = deleted_pods if sort_by == 'deletedAt' else live_pods
    field = SORT_KEYS[sort_by]

    def key(pod):
        value = pod.get(field)
        if value is not None and sort_by.endswith('At'):
            value = instant(value)
        return (value is None, value)
    # Python's sort is stable for reverse=True too: ties keep the default order, as the simulator documents.
    expected = sorted(pods, key=key, reverse=order == 'desc')
    params = {'sortBy': sort_by, 'sortOrder': order}
    if sort_by == 'deletedAt':
        params['deleted'] = 'true'
    served = api.all_pods(params=params)
    assert ids(served) == ids(expected)


def test_sort_order_without_sort_by_reverses_the_default_order(api, live_pods):
    assert ids(api.all_pods(params={'sortOrder': 'desc'})) == ids(live_pods[::-1])
    assert ids(api.all_pods(params={'sortOrder': 'asc'})) == ids(live_pods)


def test_verbosity(api):
    brief = api.ok(PODS_PATH, {'limit': 20})['pods']
    full = api.ok(PODS_PATH, {'limit': 20, 'verbosity': 'full'})['pods']
    assert not any('projectName' in pod or 'workloadName' in pod for pod in brief)
    for brief_pod, full_pod in zip(brief, full):
        assert full_pod.pop('projectName') and full_pod.pop('workloadName').startswith(('training-', 'distributed-', 'inference-', 'workspace-'))
        assert full_pod == brief_pod


@pytest.mark.parametrize('value, keep', [
    ('true', lambda pod: pod['completedAt'] is not None),
    ('false', lambda pod: pod['completedAt'] is None),
    ('all', lambda pod: True),
    ('', lambda pod: True),
])
def test_completed(api, live_pods, value, keep):
    expected = [pod for pod in live_pods if keep(pod)]
    assert ids(api.all_pods(params={'completed': value})) == ids(expected)


def test_deleted_selects_one_side_only(api, live_pods, deleted_pods):
    assert all(pod['deletedAt'] is None for pod in live_pods)
    assert deleted_pods and all(pod['deletedAt'] is not None for pod in deleted_pods)
    assert not set(ids(live_pods)) & set(ids(deleted_pods))
    assert ids(api.all_pods(params={'deleted': 'false'})) == ids(live_pods)
    assert ids(api.all_pods(params={'deleted': 'TRUE'})) == ids(deleted_pods)


@pytest.mark.parametrize('term', ['llama', 'LLAMA', 'team-nlp', 'h100-node-0', 'worker-1', 'zzz-no-such-thing'])
def test_search_is_a_case_insensitive_substring_of_names(api, live_pods, term):
    needle = term.lower()

    def hit(pod):
        return any(needle in (pod.get(key) or '').lower() for key in ('name', 'workloadName', 'projectName', 'nodeName'))
    expected = [pod for pod in live_pods if hit(pod)]
    assert ids(api.all_pods(params={'search': term})) == ids(expected)
    assert api.ok(COUNT_PATH, {'search': term})['count'] == len(expected)


def test_count(api, live_pods, deleted_pods):
    assert api.ok(COUNT_PATH) == {'count': len(live_pods)}
    assert api.ok(COUNT_PATH, {'deleted': 'true'}) == {'count': len(deleted_pods)}


def test_count_ignores_list_only_parameters(api, live_pods):
    assert api.ok(COUNT_PATH, {'limit': 3, 'completed': 'true', 'sortBy': 'nodeName'})['count'] == len(live_pods)


@pytest.mark.parametrize('name, value', [
    ('limit', '0'), ('limit', '501'), ('limit', 'ten'), ('limit', '1.5'), ('limit', ''),
    ('offset', '-1'), ('offset', 'x'), ('offset', '99999999999'),
    ('deleted', 'yes'), ('deleted', ''), ('sortOrder', 'DESC'), ('sortOrder', 'up'),
    ('sortBy', 'name'), ('sortBy', 'currentNodePool'), ('verbosity', 'verbose'), ('completed', 'maybe'),
])
def test_invalid_parameter_values_are_400_naming_the_parameter(api, name, value):
    answer = api.get(PODS_PATH, {name: value})
    assert answer.status == 400
    assert name in answer.json()['message']


def test_limit_bounds_are_inclusive(api):
    assert len(api.ok(PODS_PATH, {'limit': 500})['pods']) == 500
    assert len(api.ok(PODS_PATH, {'limit': 1})['pods']) == 1


def test_unknown_parameters_are_ignored(api, live_pods):
    assert ids(api.ok(PODS_PATH, {'limit': 5, 'colour': 'blue'})['pods']) == ids(live_pods[:5])


def test_answers_carry_content_length_and_keep_the_connection(api):
    connection = api.connect()
    try:
        for offset in (0, 50, 100):
            answer = api.raw('GET', PODS_PATH, {'offset': offset}, {'Authorization': 'Bearer ' + api.token()}, connection=connection)
            assert answer.status == 200
            assert int(answer.header('content-length')) == len(answer.body)
            assert answer.header('connection') is None
            assert answer.header('server-timing').startswith('app;dur=')
    finally:
        connection.close()
