"""GET /api/v1/workloads/inferences/revisions/{revisionId}/pods (clusters 2.21+), and the admin paths of a rollout."""

import json

import pytest

from harness import openapi_spec_path

UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000'
REVISION_PATH = '/api/v1/workloads/inferences/revisions/{revisionId}/pods'
WINDOW = {'start': '2026-11-20T10:00:00Z', 'end': '2026-11-20T11:00:00Z', 'numberOfSamples': '5'}


def revision_path(revision_id):
    return REVISION_PATH.replace('{revisionId}', revision_id)


def inference_workloads(inventory):
    return [workload for workload in inventory['workloads'] if workload['revisions']]


def test_revision_pods_are_the_pods_with_that_revision_id(api, inventory, live_pods, deleted_pods):
    workloads = inference_workloads(inventory)
    assert workloads and any(len(workload['revisions']) > 1 for workload in workloads)
    for workload in workloads:
        for revision_id in workload['revisions']:
            live = api.ok(revision_path(revision_id))
            assert set(live) == {'pods'}        # one answer, no `next`: the path does not page
            assert [pod['id'] for pod in live['pods']] == [pod['id'] for pod in live_pods if pod['revisionId'] == revision_id]
            deleted = api.ok(revision_path(revision_id), {'deleted': 'true'})['pods']
            assert [pod['id'] for pod in deleted] == [pod['id'] for pod in deleted_pods if pod['revisionId'] == revision_id]
            assert all(pod['workloadId'] == workload['id'] for pod in live['pods'] + deleted)
            count = api.ok('/api/v1/workloads/pods/count', {'filterBy': 'revisionId==' + revision_id})['count']
            assert count == len(live['pods'])


def test_the_nim_workload_has_an_old_deleted_revision_and_a_live_one(api, inventory):
    nim = next(workload for workload in inventory['workloads'] if workload['id'] == inventory['examples']['inferenceWorkload'])
    old, latest = nim['revisions']
    assert api.ok(revision_path(old))['pods'] == []
    assert [pod['k8sPhase'] for pod in api.ok(revision_path(old), {'deleted': 'true'})['pods']] == ['Succeeded'] * 3
    assert len(api.ok(revision_path(latest))['pods']) == 3


def test_revision_pods_ignore_paging_and_list_parameters(api, inventory):
    revision_id = inference_workloads(inventory)[0]['revisions'][-1]
    plain = api.ok(revision_path(revision_id))
    assert api.ok(revision_path(revision_id), {'limit': 1, 'offset': 5, 'sortBy': 'bogus', 'filterBy': 'nodeName==x'}) == plain


@pytest.mark.parametrize('path, params, status', [
    (revision_path(UNKNOWN_UUID), None, 404),
    (revision_path('not-a-uuid'), None, 400),
    (revision_path(UNKNOWN_UUID), {'deleted': 'nope'}, 400),
])
def test_revision_errors(api, path, params, status):
    answer = api.get(path, params)
    assert answer.status == status and answer.json()['code'] == status
    if status == 404:
        assert answer.json()['message'] == 'Revision %s not found' % UNKNOWN_UUID


def test_a_rollout_adds_a_revision_that_reset_removes(api, sim, inventory):
    nim = inventory['examples']['inferenceWorkload']
    rollout = sim.add_revision(nim, replicas=2, k8s_phase='Running')
    pods = api.ok(revision_path(rollout['revisionId']))['pods']
    assert [pod['id'] for pod in pods] == [pod['id'] for pod in rollout['pods']]
    assert all(pod['revisionId'] == rollout['revisionId'] and pod['workloadId'] == nim and pod['nodeName'] for pod in pods)
    sim.reset()
    assert api.get(revision_path(rollout['revisionId'])).status == 404


def test_a_rollout_needs_an_inference_workload(sim, inventory):
    with pytest.raises(Exception) as caught:
        sim.add_revision(inventory['examples']['idleTrainingWorkload'])
    assert 'only inference workloads have revisions' in str(caught.value)


def _ttft_p99(api, pod):
    path = '/api/v1/workloads/%s/pods/%s/metrics' % (pod['workloadId'], pod['id'])
    body = api.ok(path, dict(WINDOW, metricType='NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES'))
    p99 = next(series for series in body['measurements'] if series['labels'] == {'percentile': 'p99'})
    histogram = [entry['data']['p99'] for entry in body['histogram'][0]['values']]
    return [float(sample['value']) for sample in p99['values']], [float(value) for value in histogram]


def test_nim_latency_factor_slows_one_pod(api, sim, inventory):
    revision_id = next(workload for workload in inventory['workloads']
                       if workload['id'] == inventory['examples']['inferenceWorkload'])['revisions'][-1]
    pod = next(pod for pod in api.ok(revision_path(revision_id))['pods'] if pod['k8sPhase'] == 'Running')
    before, before_histogram = _ttft_p99(api, pod)
    assert before == before_histogram       # the percentiles as measurements and as histogram entries agree
    changed = sim.set_pod(pod['id'], nimLatencyFactor=4)
    assert changed['updatedAt'] == pod['updatedAt']         # no field of the API's pod changes
    after, after_histogram = _ttft_p99(api, pod)
    assert after == after_histogram
    assert all(abs(slow - 4 * usual) < 0.001 for slow, usual in zip(after, before))
    with pytest.raises(Exception) as caught:
        sim.set_pod(pod['id'], nimLatencyFactor='slow')
    assert 'nimLatencyFactor' in str(caught.value)


def test_sdk_get_revision_pods(sim, validator, inventory):
    runai = pytest.importorskip('runai')
    from runai.api_client import ApiClient  # pylint: disable=import-outside-toplevel
    from runai.configuration import Configuration  # pylint: disable=import-outside-toplevel
    from runai.runai_client import RunaiClient  # pylint: disable=import-outside-toplevel
    nim = next(workload for workload in inventory['workloads'] if workload['id'] == inventory['examples']['inferenceWorkload'])
    configuration = Configuration(client_id=sim.client_id, client_secret=sim.client_secret, runai_base_url=sim.base_url,
                                  retry_enabled=False)
    with RunaiClient(ApiClient(configuration)) as client:
        pods_api = client.workloads.pods
        for revision_id, deleted, count in ((nim['revisions'][0], True, 3), (nim['revisions'][-1], False, 3)):
            response = pods_api.get_revision_pods(revision_id, deleted=deleted)
            validator.check('GET', revision_path(revision_id), response.status_code, json.dumps(response.data).encode())
            assert len(response.data['pods']) == count
        with pytest.raises(runai.exceptions.ApiException) as caught:
            pods_api.get_revision_pods(UNKNOWN_UUID)
        assert caught.value.status == 404


schemathesis = pytest.importorskip('schemathesis')
from hypothesis import HealthCheck, settings  # noqa: E402  pylint: disable=wrong-import-position,wrong-import-order
from schemathesis.checks import not_a_server_error  # noqa: E402  pylint: disable=wrong-import-position
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance  # noqa: E402  pylint: disable=wrong-import-position

revision_operations = schemathesis.openapi.from_path(openapi_spec_path()).include(path=REVISION_PATH)


@revision_operations.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
def test_schemathesis_revision_requests(case, api, sim):
    """Requests generated from the revision path's spec: no 5xx, answers match their schema and content type."""
    case.call_and_validate(base_url=sim.base_url, headers={'Authorization': 'Bearer ' + api.token()},
                           checks=[not_a_server_error, response_schema_conformance, content_type_conformance])
