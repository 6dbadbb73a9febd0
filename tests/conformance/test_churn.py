"""Churn (SPEC section 7): pods deleted, created and changed between the pages of one read, at chosen
positions, per answer and at a steady rate; the change history; reset puts the generated world back."""

import concurrent.futures
import time

import pytest

from harness import SimulatorError, pods_created, pods_that_stayed

PODS_PATH = '/api/v1/workloads/pods'


@pytest.fixture(autouse=True)
def restore_world_after(sim):
    yield
    sim.reset()


def ids(pods):
    return [pod['id'] for pod in pods]


def page(api, offset, limit=10, path=PODS_PATH, **params):
    return api.ok(path, dict(params, offset=offset, limit=limit))


def naive_read(api, limit=10, path=PODS_PATH, **params):
    """Offset paging as a client that trusts the offsets would do it: every pod of every page, in order."""
    pods, offset = [], 0
    while offset is not None:
        answer = page(api, offset, limit, path, **params)
        pods.extend(answer['pods'])
        offset = answer.get('next')
    return pods


def test_a_deletion_after_the_first_page_shifts_the_next_page(api, sim):
    before = ids(api.all_pods())
    sim.churn(script=[{'after': 1, 'action': 'delete', 'index': 0}])
    read = ids(naive_read(api))
    # The pod at index 10 moved to index 9, a place already read: a trusting reader never sees it.
    assert before[10] not in read
    assert read == before[:10] + before[11:]
    [change] = sim.changes()
    assert (change['kind'], change['podId'], change['source'], change['listAnswer'], change['index']) == \
        ('deleted', before[0], 'script', 1, 0)
    assert pods_that_stayed(before, sim.changes()) == before[1:]


def test_a_creation_at_a_position_repeats_a_pod_across_pages(api, sim):
    before = api.all_pods()
    sim.churn(script=[{'after': 1, 'action': 'create', 'index': 5}])
    read = naive_read(api)
    [change] = sim.changes()
    assert (change['kind'], change['index'], change['listAnswer']) == ('created', 5, 1)
    now = ids(api.all_pods())
    assert now[5] == change['podId'] and now[:5] + now[6:] == ids(before)
    # The pod at index 9 moved to 10: read on page 1 and again on page 2.
    assert ids(read).count(before[9]['id']) == 2 and change['podId'] not in ids(read)
    twin = next(pod for pod in api.all_pods() if pod['id'] == change['podId'])
    model = before[5]
    for field in ('workloadId', 'clusterId', 'nodeName', 'currentNodePool', 'k8sPhase', 'createdAt'):
        assert twin[field] == model[field], field
    assert twin['name'] != model['name'] and twin['id'] < model['id']


def test_a_creation_at_the_end_and_a_change_of_phase(api, sim):
    before = ids(api.all_pods())
    target = before[3]
    sim.churn(script=[{'after': 2, 'action': 'change', 'index': 3, 'k8sPhase': 'Failed'},
                      {'after': 2, 'action': 'create'},
                      {'after': 1, 'action': 'change', 'podId': before[4], 'nodeName': 'dgx-9'}])
    naive_read(api, limit=500)
    changes = sim.changes()
    assert [(change['kind'], change['listAnswer']) for change in changes] == [('changed', 1), ('changed', 2), ('created', 2)]
    assert changes[0]['fields']['nodeName']['new'] == 'dgx-9'
    assert changes[1]['podId'] == target and changes[1]['fields']['k8sPhase']['new'] == 'Failed'
    after = api.all_pods()
    assert ids(after)[-1] == changes[2]['podId'] and changes[2]['index'] == len(before)
    assert next(pod for pod in after if pod['id'] == target)['k8sPhase'] == 'Failed'
    assert sim.churn_state()['pending'] == []


def test_positions_count_in_the_order_of_the_read_that_triggered_them(api, sim, inventory):
    cluster_id = inventory['clusters'][1]['id']
    scoped = {'filterBy': 'clusterId==' + cluster_id, 'sortBy': 'nodeName', 'sortOrder': 'desc'}
    before = ids(api.all_pods(params=scoped))
    sim.churn(script=[{'after': 1, 'action': 'delete', 'index': 2}])
    page(api, 0, **scoped)
    [change] = sim.changes()
    assert change['podId'] == before[2]


def test_only_matching_answers_count_and_a_missing_index_is_skipped(api, sim, inventory):
    workload_id = inventory['examples']['workloadWith100Pods']
    path = '/api/v1/workloads/%s/pods' % workload_id
    steps = [{'after': 2, 'action': 'delete', 'index': 99}, {'after': 2, 'action': 'delete', 'index': 5000}]
    sim.churn(path='/workloads/[^/]+/pods$', script=steps)
    naive_read(api, limit=500)                     # the list path: not counted
    assert sim.churn_state()['listAnswers'] == 0
    first = page(api, 0, 50, path)
    second = page(api, 50, 50, path)
    assert 'next' not in second and len(first['pods']) + len(second['pods']) == 100
    [change] = sim.changes()
    assert change['podId'] == second['pods'][-1]['id'] and change['workloadId'] == workload_id
    state = sim.churn_state()
    assert state['listAnswers'] == 2 and 'no pod at index 5000 (the read holds 99)' in state['skipped'][0]


def test_per_answer_churn_is_seeded_and_deterministic(api, sim):
    def run():
        sim.churn(seed=7, per_answer={'deletes': 1, 'creates': 1, 'changes': 1})
        naive_read(api, limit=100)
        sim.stop_churn()
        history = [(change['kind'], change['podId'], change.get('index'), change['listAnswer'], change['source'])
                   for change in sim.changes()]
        sim.reset()
        return history
    first = run()
    assert len(first) >= 3 * 10 and {entry[4] for entry in first} == {'answer'}
    assert run() == first


def test_pods_that_stayed_are_all_live_after_a_churned_read(api, sim):
    before = ids(api.all_pods())
    sim.churn(seed=3, per_answer={'deletes': 2, 'creates': 2, 'changes': 1})
    read = ids(naive_read(api, limit=50))
    sim.stop_churn()
    changes = sim.changes()
    after = set(ids(api.all_pods()))
    stayed = pods_that_stayed(before, changes)
    deleted = {change['podId'] for change in changes if change['kind'] == 'deleted'}
    assert set(stayed) <= after and not set(stayed) & deleted
    assert pods_created(changes) - deleted <= after
    # A trusting reader misses some pods that stayed (the reason for the read guarantee).
    assert set(stayed) - set(read)


def test_concurrent_pages_under_a_script_are_served_one_at_a_time(api, sim):
    before = ids(api.all_pods())
    sim.churn(script=[{'after': 4, 'action': 'delete', 'index': 0}])
    token = api.token()

    def fetch(offset):
        connection = api.connect()
        try:
            answer = api.raw('GET', PODS_PATH, {'offset': offset, 'limit': 10}, {'Authorization': 'Bearer ' + token},
                             connection=connection)
            return answer.status
        finally:
            connection.close()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        assert set(pool.map(fetch, range(0, 80, 10))) == {200}
    [change] = sim.changes()
    assert (change['podId'], change['listAnswer']) == (before[0], 4)
    assert sim.churn_state()['listAnswers'] == 8


def test_a_steady_rate_in_a_scope(api, sim, inventory):
    cluster_id = inventory['clusters'][0]['id']
    in_cluster = set(ids(api.all_pods(params={'filterBy': 'clusterId==' + cluster_id})))
    sim.churn(rate={'deletes_per_s': 20, 'changes_per_s': 20},
              scope={'query': 'filterBy=clusterId%3D%3D' + cluster_id})
    deadline = time.monotonic() + 60           # a bound for a stuck thread, not a measurement
    while len(sim.changes()) < 10 and time.monotonic() < deadline:
        time.sleep(0.05)
    sim.stop_churn()
    changes = sim.changes()
    assert len(changes) >= 10
    assert {change['source'] for change in changes} == {'rate'}
    assert {change['podId'] for change in changes} <= in_cluster
    assert {change['kind'] for change in changes} <= {'deleted', 'changed'}
    latest = changes[-1]['seq']
    page(api, 0)
    assert sim.latest_change() == latest        # stopped: nothing changes any more


def test_changes_since_a_sequence_number(api, sim, inventory):
    pod_id = inventory['examples']['pendingPod']['podId']
    sim.set_pod(pod_id, k8sPhase='Running')
    mark = sim.latest_change()
    sim.delete_pod(pod_id)
    [change] = sim.changes(since=mark)
    assert (change['seq'], change['kind'], change['source']) == (mark + 1, 'deleted', 'admin')
    assert sim.changes()[0]['fields'] == {'k8sPhase': {'old': 'Pending', 'new': 'Running'}}


def test_reset_stops_churn_clears_the_history_and_restores_the_world(api, sim):
    before = api.all_pods()
    sim.churn(per_answer={'deletes': 1, 'creates': 1, 'changes': 1}, script=[{'after': 9, 'action': 'delete', 'index': 0}])
    naive_read(api, limit=500)
    assert sim.changes()
    sim.reset()
    assert sim.churn_state()['active'] is False and sim.changes() == [] and sim.latest_change() == 0
    assert api.all_pods() == before


@pytest.mark.parametrize('churn, message', [
    ({'script': [{'after': 0, 'action': 'delete', 'index': 0}]}, 'after must be an integer >= 1'),
    ({'script': [{'after': 1, 'action': 'remove', 'index': 0}]}, 'action must be one of delete, create, change'),
    ({'script': [{'after': 1, 'action': 'delete'}]}, 'delete needs an index or a podId'),
    ({'script': [{'after': 1, 'action': 'change', 'index': 1, 'k8sPhase': 'Broken'}]}, 'k8sPhase must be one of'),
    ({'per_answer': {'deletes': -1}}, 'deletes must be an integer from 0 to 1000'),
    ({'rate': {'deletes_per_s': 'fast'}}, 'deletes_per_s must be a number'),
    ({'rate': {'deletes': 1}}, 'unknown key deletes in rate'),
    ({'scope': {'path': '/api/v1/token'}}, 'scope.path must be a list path'),
    ({'typo': 1}, 'unknown key typo'),
])
def test_bad_churn_is_refused_naming_the_key(sim, churn, message):
    with pytest.raises(SimulatorError) as raised:
        sim.churn(**churn)
    assert 'answered 400' in str(raised.value) and message in str(raised.value)
    assert sim.churn_state()['active'] is False
