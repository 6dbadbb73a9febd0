# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""runai_pod_metrics_info through ansible-playbook against the simulator."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

import pytest

from playbook_runner import connection, run_tasks

MODULE = 'runai.platform.runai_pod_metrics_info'
MISSING = '00000000-0000-4000-8000-000000000000'
API_DATE = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$')


def metrics_task(name, sim, **options):
    return {'name': name, MODULE: dict(connection(sim), **options)}


def metrics_requests(sim):
    return [request for request in sim.requests() if request['path'].endswith('/metrics')]


@pytest.mark.client_logic
def test_one_pod_per_gpu_series_numbers_and_stats(sim, inventory):
    pod = inventory['examples']['multiGpuPod']
    run = run_tasks([metrics_task('pod', sim, workload_id=pod['workloadId'], pod_id=pod['podId'], start='-2h', number_of_samples=12,
                                  metric_type=['GPU_UTILIZATION_PER_GPU', 'GPU_UTILIZATION', 'CPU_USAGE_CORES'])])
    result = run['pod']
    assert result['failed'] is False and result['partial'] is False and result['requests'] == 2 and 'pods' not in result
    per_gpu = [m for m in result['measurements'] if m['type'] == 'GPU_UTILIZATION_PER_GPU']
    assert sorted(m['labels']['gpu'] for m in per_gpu) == sorted(str(gpu) for gpu in pod['gpus'])
    assert all(len(m['values']) == 12 and all(isinstance(v['value'], float) for v in m['values']) for m in result['measurements'])
    values = [v['value'] for m in per_gpu for v in m['values']]
    latest = [m['values'][-1]['value'] for m in per_gpu]
    whole_type = dict(result['stats']['GPU_UTILIZATION_PER_GPU'])
    by_gpu = whole_type.pop('by_gpu')
    assert whole_type == {'min': min(values), 'max': max(values), 'avg': sum(values) / len(values),
                          'last': sum(latest) / len(latest), 'samples': len(values)}
    assert sorted(by_gpu) == sorted(m['labels']['gpu'] for m in per_gpu)
    sent = metrics_requests(sim)[0]
    assert sent['params']['metricType'] == ['GPU_UTILIZATION_PER_GPU,GPU_UTILIZATION,CPU_USAGE_CORES']
    assert sent['params']['numberOfSamples'] == ['12']
    assert API_DATE.match(sent['params']['start'][0]) and API_DATE.match(sent['params']['end'][0])


def test_a_pod_without_advanced_metrics_is_partial_with_a_warning(sim, inventory):
    pod = inventory['examples']['podWithoutAdvancedMetrics']
    run = run_tasks([metrics_task('partial', sim, workload_id=pod['workloadId'], pod_id=pod['podId'],
                                  metric_types=['GPU_UTILIZATION', 'GPU_SM_ACTIVITY_PER_GPU'], start='2026-11-27T08:00:00', end='-1m')])
    result = run['partial']
    assert result['failed'] is False and result['partial'] is True
    assert result['stats']['GPU_SM_ACTIVITY_PER_GPU'] == {'min': None, 'max': None, 'avg': None, 'last': None, 'samples': 0, 'by_gpu': {}}
    assert result['stats']['GPU_UTILIZATION']['samples'] == 20
    assert result['warnings'] == ['Partial metrics for pod %s (HTTP 207): no data for GPU_SM_ACTIVITY_PER_GPU' % pod['podId']]
    assert metrics_requests(sim)[0]['params']['start'] == ['2026-11-27T08:00:00.000Z']


@pytest.mark.client_logic
def test_workload_mode_lists_once_then_one_request_per_pod(sim, inventory):
    workload = next(each for each in inventory['workloads'] if each['type'] == 'inference' and each['livePods'] >= 2)
    run = run_tasks([
        metrics_task('workload', sim, workload_id=workload['id'], metric_types=['GPU_UTILIZATION', 'NIM_NUM_REQUESTS_WAITING'], samples=5),
        {'name': 'pods', 'runai.platform.runai_pods_info': dict(connection(sim), workload_id=workload['id'], fields=['id', 'name'])},
    ])
    result, listed = run['workload'], run['pods']['pods']
    assert [(pod['pod_id'], pod['pod_name']) for pod in result['pods']] == [(pod['id'], pod['name']) for pod in listed]
    assert len(listed) == workload['livePods']
    assert len(metrics_requests(sim)) == len(listed)
    assert result['requests'] == 1 + 1 + len(listed)
    samples = sum(pod['stats']['GPU_UTILIZATION']['samples'] for pod in result['pods'])
    assert result['stats']['GPU_UTILIZATION']['samples'] == samples > 0
    assert result['stats']['NIM_NUM_REQUESTS_WAITING']['samples'] > 0


def test_nim_types_of_a_training_workload_are_partial_for_every_pod(sim, inventory):
    workload = inventory['examples']['specialWorkloads']['busy_training']
    run = run_tasks([metrics_task('training', sim, workload_id=workload, metric_types=['GPU_UTILIZATION', 'NIM_NUM_REQUESTS_RUNNING'])])
    result = run['training']
    assert result['partial'] is True and all(pod['partial'] for pod in result['pods'])
    assert len(result['warnings']) == len(result['pods'])
    assert all(warning.endswith('(HTTP 207): no data for NIM_NUM_REQUESTS_RUNNING') for warning in result['warnings'])
    assert result['stats']['GPU_UTILIZATION']['avg'] > 30


@pytest.mark.client_logic
def test_unknown_pod_and_workload_are_reported_as_not_found(sim, inventory):
    workload = inventory['examples']['podWithAdvancedMetrics']['workloadId']
    run = run_tasks([
        metrics_task('pod', sim, workload_id=workload, pod_id=MISSING, metric_types=['GPU_UTILIZATION']),
        metrics_task('workload', sim, workload_id=MISSING, metric_types=['GPU_UTILIZATION']),
    ])
    assert run['pod']['msg'].startswith("Pod '%s' of workload '%s' was not found: HTTP 404 from GET /api/v1/workloads/%s/pods/%s/metrics: " % (
        MISSING, workload, workload, MISSING))
    assert run['workload']['msg'].startswith("Workload '%s' was not found: HTTP 404 from GET /api/v1/workloads/%s/pods: " % (MISSING, MISSING))


BAD_INPUTS = [
    (dict(workload_id='abc', metric_types=['GPU_UTILIZATION']), "workload_id 'abc' is not a UUID (expected the form 8-4-4-4-12 hexadecimal digits)"),
    (dict(workload_id=MISSING, pod_id='x', metric_types=['GPU_UTILIZATION']), "pod_id 'x' is not a UUID (expected the form 8-4-4-4-12 hexadecimal digits)"),
    (dict(workload_id=MISSING, metric_types=['GPU_UTILIZATION'], start='-1h', end='-2h'), 'start must be before end: start '),
    (dict(workload_id=MISSING, metric_types=['GPU_UTILIZATION'], start='1 hour ago'),
     "start '1 hour ago' is not an ISO 8601 date-time, now, or -<n><unit> with one unit of s, m, h, d, w (as in -30s, -15m, -2h, -1d, -1w)"),
    (dict(workload_id=MISSING, metric_types=['GPU_UTILIZATION'], samples=1001), 'samples must be an integer from 0 to 1000, got 1001'),
    (dict(workload_id=MISSING, metric_types=['GPU_TEMPERATURE']), 'value of metric_types must be one or more of: '),
]


def test_bad_input_fails_before_any_request(sim):
    run = run_tasks([metrics_task('bad %d' % index, sim, **options) for index, (options, _message) in enumerate(BAD_INPUTS)])
    for index, (_options, message) in enumerate(BAD_INPUTS):
        assert run['bad %d' % index]['failed'] is True
        assert run['bad %d' % index]['msg'].startswith(message)
    assert sim.requests() == []
