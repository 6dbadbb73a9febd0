"""GET /api/v1/workloads/{workloadId}/pods/{podId}/metrics."""

import datetime

import pytest

START, END = '2026-11-20T10:00:00Z', '2026-11-20T11:00:00Z'
ADVANCED = ('GPU_SM_ACTIVITY_PER_GPU', 'GPU_SM_OCCUPANCY_PER_GPU', 'GPU_MEMORY_BANDWIDTH_UTILIZATION_PER_GPU',
            'GPU_PCIE_TRANSMITTED_BANDWIDTH_PER_GPU', 'GPU_NVLINK_RECEIVED_BANDWIDTH_PER_GPU', 'NVLINK_BANDWIDTH_TOTAL')
BASIC_GPU = ('GPU_UTILIZATION_PER_GPU', 'GPU_UTILIZATION', 'GPU_MEMORY_USAGE_BYTES_PER_GPU', 'GPU_MEMORY_USAGE_BYTES')
UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000'


def path_of(pod):
    return '/api/v1/workloads/%s/pods/%s/metrics' % (pod['workloadId'], pod['podId'])


def metrics(api, pod, types, **params):
    answer = api.get(path_of(pod), dict({'metricType': ','.join(types), 'start': START, 'end': END}, **params))
    assert answer.status in (200, 207), answer.body
    return answer.status, answer.json()


def instant(text):
    return datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))


def by_type(document):
    grouped = {}
    for measurement in document['measurements']:
        grouped.setdefault(measurement['type'], []).append(measurement)
    return grouped


def all_types(api):
    return api.validator.spec['components']['schemas']['PodMetricType']['enum']


def test_per_gpu_types_have_one_series_per_allocated_gpu(api, inventory):
    pod = inventory['examples']['multiGpuPod']
    status, document = metrics(api, pod, ['GPU_UTILIZATION_PER_GPU', 'GPU_MEMORY_USAGE_BYTES_PER_GPU', 'GPU_UTILIZATION'])
    assert status == 200
    grouped = by_type(document)
    for per_gpu in ('GPU_UTILIZATION_PER_GPU', 'GPU_MEMORY_USAGE_BYTES_PER_GPU'):
        assert [series['labels'] for series in grouped[per_gpu]] == [{'gpu': str(gpu)} for gpu in pod['gpus']]
    assert len(grouped['GPU_UTILIZATION']) == 1 and grouped['GPU_UTILIZATION'][0]['labels'] is None


@pytest.mark.parametrize('samples', [1, 2, 7, 20, 1000])
def test_sample_count_and_even_spacing(api, inventory, samples):
    document = metrics(api, inventory['examples']['podWithAdvancedMetrics'], ['CPU_USAGE_CORES'], numberOfSamples=samples)[1]
    stamps = [instant(value['timestamp']) for value in document['measurements'][0]['values']]
    assert len(stamps) == samples
    assert stamps[-1] == instant(END)
    if samples > 1:
        assert stamps[0] == instant(START)
        steps = {(later - earlier).total_seconds() for earlier, later in zip(stamps, stamps[1:])}
        assert max(steps) - min(steps) <= 0.002     # rounding to milliseconds only


def test_default_is_20_samples_and_zero_gives_none(api, inventory):
    pod = inventory['examples']['podWithAdvancedMetrics']
    assert len(metrics(api, pod, ['CPU_USAGE_CORES'])[1]['measurements'][0]['values']) == 20
    assert metrics(api, pod, ['CPU_USAGE_CORES'], numberOfSamples=0)[1]['measurements'][0]['values'] == []


def test_values_are_plausible_number_strings(api, inventory):
    pod = inventory['examples']['podWithAdvancedMetrics']
    document = metrics(api, pod, ['GPU_UTILIZATION_PER_GPU', 'GPU_MEMORY_USAGE_BYTES', 'CPU_USAGE_CORES', 'CPU_MEMORY_USAGE_BYTES'])[1]
    for measurement in document['measurements']:
        for value in measurement['values']:
            assert isinstance(value['value'], str)
            number = float(value['value'])
            if measurement['type'].startswith('GPU_UTILIZATION'):
                assert 0 <= number <= 100
            elif measurement['type'].endswith('_BYTES'):
                assert number == int(number) and number > 1024 ** 2
            else:
                assert 0 < number < 64


def test_busy_and_idle_training_workloads(api, inventory):
    def mean_utilisation(workload_id):
        pod = api.ok('/api/v1/workloads/%s/pods' % workload_id)['pods'][0]
        document = metrics(api, {'workloadId': workload_id, 'podId': pod['id']}, ['GPU_UTILIZATION'], numberOfSamples=50)[1]
        values = [float(value['value']) for value in document['measurements'][0]['values']]
        return sum(values) / len(values)
    assert mean_utilisation(inventory['examples']['busyTrainingWorkload']) > 75
    assert mean_utilisation(inventory['examples']['idleTrainingWorkload']) < 5


def test_values_are_deterministic_per_instant(api, inventory):
    pod = inventory['examples']['podWithAdvancedMetrics']
    first = metrics(api, pod, ['GPU_UTILIZATION_PER_GPU'], numberOfSamples=7)[1]
    assert metrics(api, pod, ['GPU_UTILIZATION_PER_GPU'], numberOfSamples=7)[1] == first
    # The same instant inside another window has the same value.
    wider = metrics(api, pod, ['GPU_UTILIZATION_PER_GPU'], numberOfSamples=13, start='2026-11-20T09:00:00Z')[1]
    assert wider['measurements'][0]['values'][-1] == first['measurements'][0]['values'][-1]


def test_pod_lacking_advanced_metrics_answers_207_without_them(api, inventory):
    pod = inventory['examples']['podWithoutAdvancedMetrics']
    status, document = metrics(api, pod, BASIC_GPU + ADVANCED)
    assert status == 207
    assert set(by_type(document)) == set(BASIC_GPU)
    status, document = metrics(api, pod, BASIC_GPU)
    assert status == 200 and set(by_type(document)) == set(BASIC_GPU)


def test_pod_with_advanced_metrics_has_them_all(api, inventory):
    pod = inventory['examples']['podWithAdvancedMetrics']
    wanted = [name for name in all_types(api) if not name.startswith('NIM_')]
    status, document = metrics(api, pod, wanted, numberOfSamples=3)
    assert status == 200 and set(by_type(document)) == set(wanted)


def test_nim_types_only_for_inference_pods(api, inventory):
    nim = [name for name in all_types(api) if name.startswith('NIM_')]
    status, document = metrics(api, inventory['examples']['inferencePod'], nim, numberOfSamples=4)
    assert status == 200 and set(by_type(document)) == set(nim)
    assert {entry['type'] for entry in document['histogram']} == {
        'NIM_TIME_TO_FIRST_TOKEN_SECONDS', 'NIM_E2E_REQUEST_LATENCY_SECONDS',
        'NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES', 'NIM_E2E_REQUEST_LATENCY_SECONDS_PERCENTILES'}
    counters = [float(value['value']) for value in by_type(document)['NIM_REQUEST_SUCCESS_TOTAL'][0]['values']]
    assert counters == sorted(counters)
    status, document = metrics(api, inventory['examples']['podWithAdvancedMetrics'], nim + ['CPU_USAGE_CORES'])
    assert status == 207 and set(by_type(document)) == {'CPU_USAGE_CORES'}


def test_cpu_only_pod_has_no_gpu_metrics(api, inventory):
    status, document = metrics(api, inventory['examples']['cpuOnlyPod'], ['GPU_UTILIZATION', 'CPU_USAGE_CORES'])
    assert status == 207 and set(by_type(document)) == {'CPU_USAGE_CORES'}
    status, document = metrics(api, inventory['examples']['cpuOnlyPod'], ['GPU_UTILIZATION_PER_GPU'])
    assert status == 207 and document['measurements'] == []


def test_both_metric_type_encodings_and_duplicates(api, inventory):
    pod = inventory['examples']['podWithAdvancedMetrics']
    comma = api.ok(path_of(pod), [('metricType', 'CPU_USAGE_CORES,GPU_UTILIZATION'), ('start', START), ('end', END)])
    repeated = api.ok(path_of(pod), [('metricType', 'CPU_USAGE_CORES'), ('metricType', 'GPU_UTILIZATION'), ('start', START), ('end', END)])
    mixed = api.ok(path_of(pod), [('metricType', 'CPU_USAGE_CORES,GPU_UTILIZATION'), ('metricType', 'CPU_USAGE_CORES'),
                                  ('start', START), ('end', END)])
    assert comma == repeated == mixed
    assert [measurement['type'] for measurement in comma['measurements']] == ['CPU_USAGE_CORES', 'GPU_UTILIZATION']


@pytest.mark.parametrize('params', [
    {'start': START, 'end': END},
    {'metricType': '', 'start': START, 'end': END},
    {'metricType': 'GPU_TEMPERATURE', 'start': START, 'end': END},
    {'metricType': 'gpu_utilization', 'start': START, 'end': END},
    {'metricType': 'CPU_USAGE_CORES', 'end': END},
    {'metricType': 'CPU_USAGE_CORES', 'start': START},
    {'metricType': 'CPU_USAGE_CORES', 'start': 'yesterday', 'end': END},
    {'metricType': 'CPU_USAGE_CORES', 'start': END, 'end': START},
    {'metricType': 'CPU_USAGE_CORES', 'start': START, 'end': START},
    {'metricType': 'CPU_USAGE_CORES', 'start': START, 'end': END, 'numberOfSamples': '1001'},
    {'metricType': 'CPU_USAGE_CORES', 'start': START, 'end': END, 'numberOfSamples': '-1'},
    {'metricType': 'CPU_USAGE_CORES', 'start': START, 'end': END, 'numberOfSamples': 'many'},
], ids=['no type', 'empty type', 'unknown type', 'lower-case type', 'no start', 'no end', 'bad start', 'reversed', 'empty window',
        'too many samples', 'negative samples', 'samples not a number'])
def test_bad_input_is_400(api, inventory, params):
    answer = api.get(path_of(inventory['examples']['podWithAdvancedMetrics']), params)
    assert answer.status == 400 and answer.json()['code'] == 400


def test_unknown_workload_or_foreign_pod_is_404(api, inventory):
    pod = inventory['examples']['podWithAdvancedMetrics']
    other = inventory['examples']['cpuOnlyPod']
    params = {'metricType': 'CPU_USAGE_CORES', 'start': START, 'end': END}
    for workload_id, pod_id in ((UNKNOWN_UUID, pod['podId']), (pod['workloadId'], UNKNOWN_UUID), (pod['workloadId'], other['podId'])):
        answer = api.get('/api/v1/workloads/%s/pods/%s/metrics' % (workload_id, pod_id), params)
        assert answer.status == 404, (workload_id, pod_id)
