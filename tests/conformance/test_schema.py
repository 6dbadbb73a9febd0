"""Every path answers, for success and for each error, with a body valid against the public spec."""

import copy
import json

import pytest

UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000'
WINDOW = {'start': '2026-11-20T10:00:00Z', 'end': '2026-11-20T11:00:00Z'}


def metrics_path(pod):
    return '/api/v1/workloads/%s/pods/%s/metrics' % (pod['workloadId'], pod['podId'])


def latest_revision(inventory):
    nim = next(workload for workload in inventory['workloads'] if workload['id'] == inventory['examples']['inferenceWorkload'])
    return nim['revisions'][-1]


def first_cluster(inventory):
    return inventory['clusters'][0]['id']


# (name, expected status, expected verdict, function(api, inventory) -> (method, path, Answer))
CASES = [
    ('list brief', 200, 'declared', lambda api, inv: api.get('/api/v1/workloads/pods', {'limit': 500})),
    ('list full', 200, 'declared', lambda api, inv: api.get('/api/v1/workloads/pods', {'limit': 500, 'verbosity': 'full'})),
    ('list deleted', 200, 'declared', lambda api, inv: api.get('/api/v1/workloads/pods', {'limit': 500, 'deleted': 'true'})),
    ('list bad limit', 400, 'undeclared', lambda api, inv: api.get('/api/v1/workloads/pods', {'limit': 0})),
    ('list no token', 401, 'declared', lambda api, inv: api.get('/api/v1/workloads/pods', token=False)),
    ('count', 200, 'declared', lambda api, inv: api.get('/api/v1/workloads/pods/count')),
    ('count bad filter', 400, 'undeclared', lambda api, inv: api.get('/api/v1/workloads/pods/count', {'filterBy': 'phase==Running'})),
    ('count no token', 401, 'declared', lambda api, inv: api.get('/api/v1/workloads/pods/count', token='not.a.token')),
    ('workload pods', 200, 'declared',
     lambda api, inv: api.get('/api/v1/workloads/%s/pods' % inv['examples']['workloadWith100Pods'], {'limit': 500})),
    ('workload unknown', 404, 'declared', lambda api, inv: api.get('/api/v1/workloads/%s/pods' % UNKNOWN_UUID)),
    ('workload not a uuid', 400, 'undeclared', lambda api, inv: api.get('/api/v1/workloads/not-a-uuid/pods')),
    ('workload no token', 401, 'declared', lambda api, inv: api.get('/api/v1/workloads/%s/pods' % UNKNOWN_UUID, token=False)),
    ('metrics 200', 200, 'declared',
     lambda api, inv: api.get(metrics_path(inv['examples']['podWithAdvancedMetrics']),
                              dict(WINDOW, metricType='GPU_UTILIZATION_PER_GPU,GPU_SM_ACTIVITY_PER_GPU,CPU_USAGE_CORES'))),
    ('metrics 207', 207, 'declared',
     lambda api, inv: api.get(metrics_path(inv['examples']['podWithoutAdvancedMetrics']),
                              dict(WINDOW, metricType='GPU_UTILIZATION,GPU_SM_ACTIVITY_PER_GPU'))),
    ('metrics 400', 400, 'declared', lambda api, inv: api.get(metrics_path(inv['examples']['podWithAdvancedMetrics']), WINDOW)),
    ('metrics 404', 404, 'declared',
     lambda api, inv: api.get('/api/v1/workloads/%s/pods/%s/metrics' % (UNKNOWN_UUID, UNKNOWN_UUID), dict(WINDOW, metricType='CPU_USAGE_CORES'))),
    ('metrics no token', 401, 'declared',
     lambda api, inv: api.get(metrics_path(inv['examples']['podWithAdvancedMetrics']), dict(WINDOW, metricType='CPU_USAGE_CORES'), token=False)),
    ('revision pods', 200, 'declared',
     lambda api, inv: api.get('/api/v1/workloads/inferences/revisions/%s/pods' % latest_revision(inv))),
    ('revision unknown', 404, 'declared', lambda api, inv: api.get('/api/v1/workloads/inferences/revisions/%s/pods' % UNKNOWN_UUID)),
    ('revision no token', 401, 'declared',
     lambda api, inv: api.get('/api/v1/workloads/inferences/revisions/%s/pods' % UNKNOWN_UUID, token=False)),
    ('legacy', 200, 'declared', lambda api, inv: api.get('/v1/k8s/clusters/%s/pods' % first_cluster(inv))),
    ('legacy unknown', 404, 'declared', lambda api, inv: api.get('/v1/k8s/clusters/%s/pods' % UNKNOWN_UUID)),
    ('legacy no token', 401, 'declared', lambda api, inv: api.get('/v1/k8s/clusters/%s/pods' % first_cluster(inv), token=False)),
    ('token v1', 200, 'declared',
     lambda api, inv: api.post_json('/api/v1/token', {'grantType': 'client_credentials', 'clientID': api.sim.client_id,
                                                      'clientSecret': api.sim.client_secret})),
    ('token v1 malformed', 400, 'declared', lambda api, inv: api.post_json('/api/v1/token', b'{not json')),
    ('token v1 wrong secret', 401, 'undeclared',
     lambda api, inv: api.post_json('/api/v1/token', {'grantType': 'client_credentials', 'clientID': api.sim.client_id, 'clientSecret': 'wrong'})),
    ('token v2', 200, 'declared',
     lambda api, inv: api.post_form('/api/v2/token', {'grant_type': 'client_credentials', 'client_id': api.sim.client_id,
                                                      'client_secret': api.sim.client_secret})),
    ('token v2 bad grant', 400, 'declared', lambda api, inv: api.post_form('/api/v2/token', {'grant_type': 'password'})),
    ('token v2 wrong secret', 401, 'declared',
     lambda api, inv: api.post_form('/api/v2/token', {'grant_type': 'client_credentials', 'client_id': api.sim.client_id, 'client_secret': 'x'})),
]


@pytest.mark.parametrize('name, status, verdict, call', CASES, ids=[case[0] for case in CASES])
def test_answer_validates_against_the_spec(api, inventory, validator, name, status, verdict, call):
    del name
    answer = call(api, inventory)   # the client validated it already; the verdict says against which schema
    assert answer.status == status, answer.body[:300]
    assert validator.checked[-1][2:] == (status, verdict)


def test_the_cases_cover_every_spec_path(api, inventory, validator):
    answered = set()
    for case in CASES:
        case[3](api, inventory)
        answered.add(validator.checked[-1][1])
    assert answered == set(validator.spec['paths'])


def test_all_metric_types_validate(api, inventory):
    every_type = ','.join(api.validator.spec['components']['schemas']['PodMetricType']['enum'])
    for example in ('podWithAdvancedMetrics', 'podWithoutAdvancedMetrics', 'inferencePod', 'cpuOnlyPod', 'multiGpuPod'):
        answer = api.get(metrics_path(inventory['examples'][example]), dict(WINDOW, metricType=every_type, numberOfSamples=5))
        assert answer.status in (200, 207)


def _tampered(document, change):
    copied = copy.deepcopy(document)
    change(copied)
    return json.dumps(copied).encode()


@pytest.mark.parametrize('change', [
    lambda doc: doc['pods'][0].update(tenantId='1001'),
    lambda doc: doc['pods'][0].update(projectId=1),
    lambda doc: doc['pods'][0].update(id='not-a-uuid'),
    lambda doc: doc['pods'][0].update(createdAt='yesterday'),
    lambda doc: doc['pods'][0].pop('k8sPhaseUpdatedAt'),
    lambda doc: doc['pods'][0]['containers'][0].pop('image'),
    lambda doc: doc.update(next='2'),
], ids=['tenantId string', 'projectId integer', 'id not uuid', 'date not date', 'required missing', 'container image missing', 'next string'])
def test_the_validator_rejects_a_tampered_answer(api, validator, change):
    """A check that cannot fail proves nothing: the same validator refuses a subtly wrong body."""
    document = api.ok('/api/v1/workloads/pods', {'limit': 3, 'offset': 1})
    validator.check('GET', '/api/v1/workloads/pods', 200, json.dumps(document).encode())
    with pytest.raises(Exception):  # noqa: B017 - openapi-core raises its own validation error types
        validator.check('GET', '/api/v1/workloads/pods', 200, _tampered(document, change))


def test_the_validator_rejects_a_string_metric_value_turned_number(api, inventory, validator):
    path = metrics_path(inventory['examples']['podWithAdvancedMetrics'])
    document = api.ok(path, dict(WINDOW, metricType='GPU_UTILIZATION'))
    document['measurements'][0]['values'][0]['value'] = 85
    with pytest.raises(Exception):  # noqa: B017
        validator.check('GET', path, 200, json.dumps(document).encode())
