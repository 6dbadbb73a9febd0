# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Inference revisions (issue 19): revision_id in runai_pods_info, the lookup and runai_pod_metrics_info,
statistics per GPU and per percentile, and metric gates, through ansible-playbook against the simulator."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import urllib.parse
import urllib.request

import pytest

from playbook_runner import connection, run_tasks

PODS = 'runai.platform.runai_pods_info'
METRICS = 'runai.platform.runai_pod_metrics_info'
MISSING = '00000000-0000-4000-8000-000000000000'
REVISION_PATH = '/api/v1/workloads/inferences/revisions/%s/pods'
TTFT = 'NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES'
E2E = 'NIM_E2E_REQUEST_LATENCY_SECONDS_PERCENTILES'
TTFT_P99_MAX = 'stats.%s.by_percentile.p99.max' % TTFT


def task(name, module, sim, **options):
    return {'name': name, module: dict(connection(sim), **options)}


def api_requests(sim):
    return [request for request in sim.requests() if request['path'] != '/api/v1/token']


@pytest.fixture
def world(sim):
    """The shared simulator, restored to its generated world after a test that changes pods."""
    yield sim
    sim.reset()


@pytest.fixture(scope='module')
def nim(inventory):
    """The inference workload with two revisions of three replicas: the first scaled down (deleted), the latest live."""
    workload = next(each for each in inventory['workloads'] if each['id'] == inventory['examples']['inferenceWorkload'])
    assert len(workload['revisions']) == 2
    return workload


def raw_get(sim, path, params):
    """An answer of the simulator read without the collection: the independent side of a comparison."""
    token_request = urllib.request.Request(sim.base_url + '/api/v1/token', headers={'Content-Type': 'application/json'}, data=json.dumps(
        {'grantType': 'client_credentials', 'clientID': sim.client_id, 'clientSecret': sim.client_secret}).encode())
    with urllib.request.urlopen(token_request, timeout=30) as answer:
        token = json.loads(answer.read())['accessToken']
    request = urllib.request.Request(sim.base_url + path + '?' + urllib.parse.urlencode(params, doseq=True),
                                     headers={'Authorization': 'Bearer ' + token})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


# -- revision pods --------------------------------------------------------------------------------------

def test_revision_pods_live_and_deleted_through_the_module_and_the_lookup(sim, nim):
    old, latest = nim['revisions']
    lookup = "{{ query('runai.platform.runai_pods', revision_id='%s', deleted=true, base_url='%s', client_id='%s', client_secret='%s') }}" % (
        old, sim.base_url, sim.client_id, sim.client_secret)
    run = run_tasks([
        task('latest', PODS, sim, revision_id=latest),
        task('old', PODS, sim, revision_id=old),
        task('old deleted', PODS, sim, revision_id=old, deleted=True, fields=['name', 'revisionId', 'k8sPhase']),
        task('count', PODS, sim, revision_id=latest, count_only=True),
        {'name': 'lookup', 'ansible.builtin.set_fact': {'deleted_pods': lookup}},
    ])
    assert run['latest']['count'] == 3 and {pod['revisionId'] for pod in run['latest']['pods']} == {latest}
    assert {pod['workloadId'] for pod in run['latest']['pods']} == {nim['id']}
    assert run['old']['count'] == 0
    assert [pod['k8sPhase'] for pod in run['old deleted']['pods']] == ['Succeeded'] * 3
    assert run['count']['count'] == 3
    assert [pod['revisionId'] for pod in run['lookup']['ansible_facts']['deleted_pods']] == [old] * 3
    sent = [(request['path'], request['params']) for request in api_requests(sim)]
    # One request a read, no paging parameters (the path takes only `deleted`); count_only filters on revisionId.
    assert sent == [(REVISION_PATH % latest, {}), (REVISION_PATH % old, {}), (REVISION_PATH % old, {'deleted': ['true']}),
                    ('/api/v1/workloads/pods/count', {'filterBy': ['revisionId==' + latest]}),
                    (REVISION_PATH % old, {'deleted': ['true']})]


def test_an_unknown_revision_is_a_404_naming_it(sim):
    lookup = "{{ query('runai.platform.runai_pods', revision_id='%s', base_url='%s', client_id='%s', client_secret='%s') }}" % (
        MISSING, sim.base_url, sim.client_id, sim.client_secret)
    run = run_tasks([
        task('pods', PODS, sim, revision_id=MISSING),
        task('metrics', METRICS, sim, revision_id=MISSING, metric_types=[TTFT]),
        {'name': 'lookup', 'ansible.builtin.debug': {'msg': lookup}},
    ])
    message = ("Revision '%s' was not found: HTTP 404 from GET %s: Revision %s not found (no inference revision has this id)" % (
        MISSING, REVISION_PATH % MISSING, MISSING))
    for name in ('pods', 'metrics'):
        assert run[name]['failed'] is True and run[name]['msg'] == message
        assert run[name]['status'] == 404 and run[name]['path'] == REVISION_PATH % MISSING
    assert message in run['lookup']['msg']


@pytest.mark.parametrize('options, message', [
    ({'workload_id': MISSING}, 'workload_id and revision_id are mutually exclusive; give one of them'),
    ({'cluster_id': MISSING}, 'revision_id and cluster_id are mutually exclusive; give one of them'),
    ({'filter_by': ['nodeName==x']}, 'filter_by does not apply to revision_id (the API path of one revision takes only deleted)'),
    ({'search': 'llama'}, 'search does not apply to revision_id (the API path of one revision takes only deleted)'),
    ({'page_size': 10}, 'page_size does not apply to revision_id (the API path of one revision takes only deleted)'),
    ({'revision_id': 'latest'}, "revision_id 'latest' is not a UUID (expected the form 8-4-4-4-12 hexadecimal digits)"),
])
def test_revision_options_are_checked_before_any_request(sim, options, message):
    run = run_tasks([task('bad', PODS, sim, **dict({'revision_id': MISSING}, **options))])
    assert run['bad']['failed'] is True and run['bad']['msg'] == message and run['bad']['requests'] == 0
    assert api_requests(sim) == []


# -- statistics by label --------------------------------------------------------------------------------

def _independent_stats(values_by_series):
    """min, max, avg, samples and last (mean at the latest timestamp) computed here from [(timestamp, value)] series."""
    values = [value for series in values_by_series for _stamp, value in series]
    latest = max(stamp for series in values_by_series for stamp, _value in series)
    at_latest = [value for series in values_by_series for stamp, value in series if stamp == latest]
    return {'min': min(values), 'max': max(values), 'avg': sum(values) / len(values), 'last': sum(at_latest) / len(at_latest),
            'samples': len(values)}


def _close(ours, theirs):
    assert set(ours) >= set(theirs)
    for key, value in theirs.items():
        assert ours[key] == pytest.approx(value, rel=1e-9), key


@pytest.mark.client_logic
def test_stats_per_gpu_against_the_simulators_series(sim, inventory):
    pod = inventory['examples']['multiGpuPod']
    run = run_tasks([task('gpu', METRICS, sim, workload_id=pod['workloadId'], pod_id=pod['podId'], metric_types=['GPU_UTILIZATION_PER_GPU'],
                          samples=9, start='-30m')])
    sent = [request for request in api_requests(sim) if request['path'].endswith('/metrics')][0]
    answer = raw_get(sim, sent['path'], sent['params'])
    by_gpu = {}
    for series in answer['measurements']:
        by_gpu[series['labels']['gpu']] = [[(sample['timestamp'], float(sample['value'])) for sample in series['values']]]
    stats = run['gpu']['stats']['GPU_UTILIZATION_PER_GPU']
    assert sorted(stats['by_gpu'], key=int) == [str(gpu) for gpu in pod['gpus']] == sorted(by_gpu, key=int) and len(by_gpu) > 1
    for gpu, series in by_gpu.items():
        _close(stats['by_gpu'][gpu], _independent_stats(series))
    _close(stats, _independent_stats([series[0] for series in by_gpu.values()]))


@pytest.mark.client_logic
def test_stats_per_percentile_from_measurements_and_histogram(sim, nim):
    latest = nim['revisions'][-1]
    run = run_tasks([task('revision', METRICS, sim, revision_id=latest, metric_types=[TTFT, 'NIM_TIME_TO_FIRST_TOKEN_SECONDS'],
                          samples=6, start='-20m')])
    result = run['revision']
    metric_requests = [request for request in api_requests(sim) if request['path'].endswith('/metrics')]
    assert len(metric_requests) == 3
    per_percentile, by_pod = {}, {}
    for request in metric_requests:
        answer = raw_get(sim, request['path'], request['params'])
        pod_id = request['path'].split('/')[-2]
        from_histogram = {}
        for entry in answer.get('histogram', []):
            if entry['type'] == TTFT:
                for sample in entry['values']:
                    for name, value in sample['data'].items():
                        from_histogram.setdefault(name, []).append((sample['timestamp'], float(value)))
        from_measurements = dict((series['labels']['percentile'], [(s['timestamp'], float(s['value'])) for s in series['values']])
                                 for series in answer['measurements'] if series['type'] == TTFT)
        # The simulator sends the percentiles both ways, with the same values: counted once.
        assert from_histogram == from_measurements
        by_pod[pod_id] = from_measurements
        for name, series in from_measurements.items():
            per_percentile.setdefault(name, []).append(series)
    if not per_percentile:
        pytest.skip('no pod of the revision is scheduled')
    stats = result['stats'][TTFT]
    assert (stats['min'], stats['max'], stats['avg'], stats['last']) == (None, None, None, None)
    assert stats['samples'] == sum(len(series) for groups in per_percentile.values() for series in groups)
    for name, groups in per_percentile.items():
        _close(stats['by_percentile'][name], _independent_stats(groups))
    for pod in result['pods']:
        if pod['pod_id'] in by_pod and by_pod[pod['pod_id']]:
            _close(pod['stats'][TTFT]['by_percentile']['p99'], _independent_stats([by_pod[pod['pod_id']]['p99']]))
            histogram = dict((entry['type'], entry) for entry in pod['histogram'])
            assert all(isinstance(value, float) for sample in histogram[TTFT]['values'] for value in sample['data'].values())
            buckets = histogram['NIM_TIME_TO_FIRST_TOKEN_SECONDS']['values'][-1]['data']
            assert '+Inf' in buckets and all(isinstance(value, float) for value in buckets.values())


# -- metric gates ---------------------------------------------------------------------------------------

@pytest.fixture
def rollout(world, nim):
    """A new revision of the NIM workload with three Running replicas (a rollout that just happened)."""
    added = world.add_revision(nim['id'], replicas=3, k8s_phase='Running')
    return added['revisionId'], added['pods']


@pytest.mark.client_logic
def test_a_metric_gate_that_holds(world, rollout):
    revision_id, pods = rollout
    run = run_tasks([task('gate', METRICS, world, revision_id=revision_id, metric_types=[TTFT, E2E], start='-10m', samples=5,
                          pod_condition='%s < `2` && stats.%s.by_percentile.p99.max < `20`' % (TTFT_P99_MAX, E2E))])
    result = run['gate']
    assert result['failed'] is False
    assert result['gate'] == {'held': True, 'reason': 'held', 'pods_checked': 3, 'offender_count': 0, 'offenders': []}
    assert [pod['pod_name'] for pod in result['pods']] == [pod['name'] for pod in pods]


@pytest.mark.client_logic
def test_a_metric_gate_fails_naming_the_slow_pod_and_its_value(world, rollout):
    revision_id, pods = rollout
    slow = pods[1]
    world.set_pod(slow['id'], nimLatencyFactor=6)
    condition = '%s < `1.2`' % TTFT_P99_MAX
    run = run_tasks([task('gate', METRICS, world, revision_id=revision_id, metric_types=[TTFT], start='-10m', samples=5, pod_condition=condition)])
    result = run['gate']
    slow_entry = next(pod for pod in result['pods'] if pod['pod_id'] == slow['id'])
    slow_p99 = slow_entry['stats'][TTFT]['by_percentile']['p99']['max']
    assert slow_p99 > 1.2 and all(pod['stats'][TTFT]['by_percentile']['p99']['max'] < 1.2 for pod in result['pods'] if pod is not slow_entry)
    assert result['failed'] is True
    assert result['msg'] == '1 of 3 pods does not satisfy pod_condition "%s": %s (p99 max %s)' % (
        condition, slow['name'], repr(round(slow_p99, 3)))
    assert result['gate']['reason'] == 'pod_condition' and result['gate']['offender_count'] == 1
    assert result['gate']['offenders'] == [{'pod_id': slow['id'], 'pod_name': slow['name'], 'violates': 'pod_condition',
                                            'values': {TTFT_P99_MAX: slow_p99}}]


@pytest.mark.client_logic
def test_a_pod_without_samples_is_an_offender_never_a_pass(world, rollout):
    revision_id, pods = rollout
    world.set_pod(pods[0]['id'], k8sPhase='Pending', nodeName=None)
    condition = '%s < `100`' % TTFT_P99_MAX
    run = run_tasks([task('gate', METRICS, world, revision_id=revision_id, metric_types=[TTFT, E2E], start='-10m', samples=5,
                          pod_condition=condition + ' && stats.%s.by_percentile.p99.max < `100`' % E2E)])
    result = run['gate']
    assert result['failed'] is True and result['gate']['offender_count'] == 1
    assert result['msg'].startswith('1 of 3 pods does not satisfy pod_condition "')
    assert result['msg'].endswith(': %s (TIME_TO_FIRST_TOKEN_SECONDS p99 max: no samples, E2E_REQUEST_LATENCY_SECONDS p99 max: no samples)' % (
        pods[0]['name']))
    assert result['gate']['offenders'][0]['values'] == {TTFT_P99_MAX: None, 'stats.%s.by_percentile.p99.max' % E2E: None}


@pytest.mark.client_logic
def test_fail_condition_and_min_pods_in_workload_mode(world, nim, rollout):
    revision_id, pods = rollout
    world.set_pod(pods[2]['id'], nimLatencyFactor=10)
    run = run_tasks([
        task('fail', METRICS, world, workload_id=nim['id'], metric_types=[E2E], start='-10m', samples=5,
             fail_condition='stats.%s.by_percentile.p99.max > `30`' % E2E),
        task('min_pods', METRICS, world, revision_id=revision_id, metric_types=[E2E], start='-10m', samples=5, min_pods=4),
    ])
    assert run['fail']['failed'] is True and run['fail']['gate']['reason'] == 'fail_condition'
    assert run['fail']['msg'].startswith('1 pod matches fail_condition "stats.%s.by_percentile.p99.max > `30`": %s (p99 max ' % (
        E2E, pods[2]['name']))
    # The workload's live pods: the generated latest revision's three and the rollout's three.
    assert run['fail']['gate']['pods_checked'] == 6
    assert run['min_pods']['failed'] is True
    assert run['min_pods']['msg'] == 'only 3 pods in scope (revision_id=%s); min_pods is 4' % revision_id


@pytest.mark.parametrize('condition, message', [
    ('stats.NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILE.by_percentile.p99.max < `1`',
     'reads stats.NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILE.by_percentile.p99.max, which is not a metric type; '
     'did you mean NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES?'),
    ('stats.NIM_E2E_REQUEST_LATENCY_SECONDS_PERCENTILES.by_percentile.p99.max < `1`',
     'reads stats.NIM_E2E_REQUEST_LATENCY_SECONDS_PERCENTILES.by_percentile.p99.max, a metric type that metric_types does not ask for '
     '(it asks for NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES)'),
    ('stats.NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES.max < `1`',
     'reads stats.NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES.max, which is null for every pod: over p50, p90 and p99 together it '
     'would mean nothing; read one percentile, as stats.NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES.by_percentile.p99.max'),
    ('stats.NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES.by_percentile.p95.max < `1`',
     'reads stats.NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES.by_percentile.p95.max, which is not a percentile the statistics have '
     '(they are p50, p90, p99); did you mean p99?'),
    ('stats.NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES.by_percentile.p99.mx < `1`',
     'reads stats.NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES.by_percentile.p99.mx, which the statistics of one percentile do not have '
     '(they have min, max, avg, last, samples); did you mean max?'),
    ('stat.NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES.by_percentile.p99.max < `1`',
     "reads stat.NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES.by_percentile.p99.max, which a pod's entry does not have "
     "(it has pod_id, pod_name, stats, partial); did you mean stats?"),
])
def test_a_misspelt_condition_fails_naming_the_option_before_any_request(sim, nim, condition, message):
    run = run_tasks([task('bad', METRICS, sim, revision_id=nim['revisions'][-1], metric_types=[TTFT], pod_condition=condition)])
    assert run['bad']['failed'] is True and run['bad']['requests'] == 0
    assert run['bad']['msg'] == 'pod_condition %r %s' % (condition, message)
    assert api_requests(sim) == []


def test_gate_options_do_not_apply_to_one_pod(sim, nim, inventory):
    pod = inventory['examples']['inferencePod']
    run = run_tasks([task('one', METRICS, sim, workload_id=pod['workloadId'], pod_id=pod['podId'], metric_types=[TTFT],
                          pod_condition='%s < `1`' % TTFT_P99_MAX)])
    assert run['one']['msg'] == 'pod_condition applies to every pod of a workload or revision; it does not apply with pod_id'


@pytest.mark.client_logic
def test_one_pod_of_a_revision_is_read_through_its_own_workload(sim, nim):
    old, latest = nim['revisions']
    run = run_tasks([
        task('pods', PODS, sim, revision_id=latest, fields=['id', 'name']),
        task('deleted', PODS, sim, revision_id=old, deleted=True, fields=['id']),
    ])
    pod, gone = run['pods']['pods'][0], run['deleted']['pods'][0]
    sim.clear_requests()
    run = run_tasks([
        task('one', METRICS, sim, revision_id=latest, pod_id=pod['id'], metric_types=['CPU_USAGE_CORES'], samples=3),
        task('gone', METRICS, sim, revision_id=latest, pod_id=gone['id'], metric_types=['CPU_USAGE_CORES']),
    ])
    assert run['one']['failed'] is False and run['one']['stats']['CPU_USAGE_CORES']['samples'] == 3
    assert '/api/v1/workloads/%s/pods/%s/metrics' % (nim['id'], pod['id']) in [request['path'] for request in api_requests(sim)]
    assert run['gone']['msg'] == "Pod '%s' was not found among the pods of revision '%s' that are not deleted" % (gone['id'], latest)
