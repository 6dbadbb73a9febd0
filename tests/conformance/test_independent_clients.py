"""Clients nobody here wrote: the official Run:ai Python SDK (runapy) and schemathesis, driven by the public spec."""

import datetime
import json
import urllib.parse

import pytest

runai = pytest.importorskip('runai')
schemathesis = pytest.importorskip('schemathesis')

# pylint: disable=wrong-import-position
from harness import openapi_spec_path  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from runai.api_client import ApiClient  # noqa: E402
from runai.configuration import Configuration  # noqa: E402
from runai.runai_client import RunaiClient  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance  # noqa: E402


@pytest.fixture(scope='module')
def sdk(sim):
    """The SDK logs in itself: POST /api/v1/token with grantType app_token and AppId/AppSecret keys."""
    configuration = Configuration(client_id=sim.client_id, client_secret=sim.client_secret, runai_base_url=sim.base_url,
                                  retry_enabled=False)
    with RunaiClient(ApiClient(configuration)) as client:
        yield client.workloads.pods


def check(validator, path, response):
    body = json.dumps(response.data).encode()
    validator.check('GET', path, response.status_code, body)
    return response.data


def test_sdk_lists_pods_with_filters_sorting_and_verbosity(sdk, sim, validator, inventory, live_pods):
    pool = inventory['examples']['unhealthyNodePool']
    filters = ['clusterId==' + pool['clusterId'], 'currentNodepool==' + pool['name']]
    data = check(validator, '/api/v1/workloads/pods',
                 sdk.list_pods(limit=500, filter_by=filters, sort_by='nodeName', sort_order='desc', verbosity='full', completed='false'))
    expected = [pod for pod in live_pods if pod['clusterId'] == pool['clusterId'] and pod['currentNodePool'] == pool['name']
                and pod['completedAt'] is None]
    assert sorted(pod['id'] for pod in data['pods']) == sorted(pod['id'] for pod in expected)
    assert all('workloadName' in pod for pod in data['pods'])
    sent = [entry for entry in sim.requests() if entry['path'] == '/api/v1/workloads/pods'][-1]
    assert sent['params']['filterBy'] == [','.join(filters)]       # the SDK sends the comma-joined form
    assert sent['bearer']


def test_sdk_count_and_workload_pods(sdk, validator, inventory):
    workload_id = inventory['examples']['workloadWith100Pods']
    count = sdk.count_pods(filter_by=['workloadId==' + workload_id])
    assert count.status_code == 200 and count.data == {'count': 100}
    data = check(validator, '/api/v1/workloads/%s/pods' % workload_id, sdk.get_workload_pods(workload_id, limit=500, deleted=False))
    assert len(data['pods']) == 100 and 'next' not in data


def test_sdk_metrics_with_datetime_window(sdk, sim, validator, inventory):
    pod = inventory['examples']['podWithoutAdvancedMetrics']
    end = datetime.datetime(2026, 11, 20, 11, 0, tzinfo=datetime.timezone.utc)
    response = sdk.get_workload_pod_metrics(pod['workloadId'], pod['podId'], ['GPU_UTILIZATION_PER_GPU', 'GPU_SM_ACTIVITY_PER_GPU'],
                                            end - datetime.timedelta(hours=1), end, number_of_samples=12)
    data = check(validator, '/api/v1/workloads/%s/pods/%s/metrics' % (pod['workloadId'], pod['podId']), response)
    assert response.status_code == 207
    assert [len(series['values']) for series in data['measurements']] == [12] * len(pod['gpus'])
    sent = sim.requests()[-1]
    assert urllib.parse.unquote(sent['query']).count('+00:00') == 2     # the SDK's isoformat() dates are accepted


def test_sdk_sees_api_errors(sdk):
    with pytest.raises(runai.exceptions.ApiException) as caught:
        sdk.list_pods(limit=501)
    assert caught.value.status == 400


# Loaded at import: schemathesis' lazy fixture loader does not work with pytest 9.
generated = schemathesis.openapi.from_path(openapi_spec_path())


@generated.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
def test_schemathesis_generated_requests(case, api, sim):
    """Requests generated from the spec: no 5xx, declared answers match their schema and content type.

    Status-code conformance is not checked: the spec itself leaves out statuses the API answers
    (400 on the list paths, 401 on the v1 token path), as docs/simulator.md says.
    """
    case.call_and_validate(base_url=sim.base_url, headers={'Authorization': 'Bearer ' + api.token()},
                           checks=[not_a_server_error, response_schema_conformance, content_type_conformance])
