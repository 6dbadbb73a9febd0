# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Metrics: time ranges as users write them, option checks, and statistics computed by hand."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime

import pytest

from ansible_collections.runai.platform.plugins.module_utils._client import RunaiError
from ansible_collections.runai.platform.plugins.module_utils._dates import parse_time
from ansible_collections.runai.platform.plugins.module_utils._metric_query import METRIC_TYPES, read_metrics_query, time_option
from ansible_collections.runai.platform.plugins.module_utils._metric_reads import PodMetrics, numeric_histogram, numeric_measurement
from ansible_collections.runai.platform.plugins.module_utils._metric_stats import metric_stats

NOW = datetime.datetime(2026, 11, 27, 12, 0, 0, tzinfo=datetime.timezone.utc)
WORKLOAD = '5d2e6c7e-8a52-4b4f-9c39-1c2f0c1e8a11'
REVISION = '0f5b2a1c-7d3e-4c8b-9a6f-2e1d0c9b8a71'
TTFT = 'NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES'
POD = '2b9b4a3e-5f3e-4c1e-9a3b-7f1f2d9c0a11'


# Which times are read, and how, is test_dates.py's table; an option adds its name and the value as written.
def test_a_time_option_reads_what_the_dates_module_reads():
    assert time_option('start', '-90m', NOW) == parse_time('-90m', NOW) == NOW - datetime.timedelta(minutes=90)
    assert time_option('end', '2026-11-27T12:00:00+02:00', NOW) == datetime.datetime(2026, 11, 27, 10, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize('text', ['yesterday', '', None, 5])
def test_other_times_are_refused_naming_the_option_and_the_value(text):
    with pytest.raises(RunaiError) as failure:
        time_option('start', text, NOW)
    assert str(failure.value) == ('start %r is not an ISO 8601 date-time, now, or -<n><unit> with one unit of s, m, h, d, w '
                                  '(as in -30s, -15m, -2h, -1d, -1w)' % (text,))


@pytest.mark.parametrize('text, shown', [('-99999999w', "'-99999999w'"), ('-' + '9' * 5000 + 's', "'-%s... (5004 characters)" % ('9' * 75))],
                         ids=['short', 'long'])
def test_times_before_year_1_are_refused_naming_the_option_and_a_short_value(text, shown):
    with pytest.raises(RunaiError) as failure:
        time_option('start', text, NOW)
    assert str(failure.value) == ('start %s is out of range: it falls before 0001-01-01T00:00:00.000Z, the earliest date that can be sent' % shown)


def test_times_after_year_9999_are_refused_naming_the_option():
    with pytest.raises(RunaiError) as failure:
        read_metrics_query(options(end='9999-12-31T23:59:59-01:00'), now=NOW)
    assert str(failure.value) == ("end '9999-12-31T23:59:59-01:00' is out of range: it falls after 9999-12-31T23:59:59.999Z, "
                                  "the latest date that can be sent")


def test_the_edges_of_the_calendar_are_sent_as_four_digit_years():
    metrics_query = read_metrics_query(options(start='0001-01-01T00:00:00Z', end='9999-12-31T23:59:59.999Z'), now=NOW)
    assert metrics_query.params[1:3] == [('start', '0001-01-01T00:00:00.000Z'), ('end', '9999-12-31T23:59:59.999Z')]


def options(**overrides):
    values = dict(workload_id=WORKLOAD, pod_id=None, metric_types=['GPU_UTILIZATION', 'CPU_USAGE_CORES'], start='-1h', end='now', samples=20)
    values.update(overrides)
    return values.get


def test_a_good_query_is_sent_in_the_apis_forms():
    metrics_query = read_metrics_query(options(pod_id=POD, start='-90m', samples=0), now=NOW)
    assert metrics_query.params == [('metricType', ['GPU_UTILIZATION', 'CPU_USAGE_CORES']), ('start', '2026-11-27T10:30:00.000Z'),
                                    ('end', '2026-11-27T12:00:00.000Z'), ('numberOfSamples', 0)]


@pytest.mark.parametrize('overrides, message', [
    (dict(workload_id='w-1'), "workload_id 'w-1' is not a UUID (expected the form 8-4-4-4-12 hexadecimal digits)"),
    (dict(workload_id=None), 'one of workload_id and revision_id is required: the pods of which workload or inference revision'),
    (dict(revision_id=REVISION), 'workload_id and revision_id are mutually exclusive; give one of them'),
    (dict(workload_id=None, revision_id='latest'), "revision_id 'latest' is not a UUID (expected the form 8-4-4-4-12 hexadecimal digits)"),
    (dict(pod_id='pod-1'), "pod_id 'pod-1' is not a UUID (expected the form 8-4-4-4-12 hexadecimal digits)"),
    (dict(start='-1h', end='-2h'), "start must be before end: start '-1h' is 2026-11-27T11:00:00.000Z, end '-2h' is 2026-11-27T10:00:00.000Z"),
    (dict(start='now', end='now'), "start must be before end: start 'now' is 2026-11-27T12:00:00.000Z, end 'now' is 2026-11-27T12:00:00.000Z"),
    (dict(samples=1001), 'samples must be an integer from 0 to 1000, got 1001'),
    (dict(samples=-1), 'samples must be an integer from 0 to 1000, got -1'),
])
def test_bad_options_name_the_option_and_value(overrides, message):
    with pytest.raises(RunaiError) as failure:
        read_metrics_query(options(**overrides), now=NOW)
    assert str(failure.value) == message


def test_an_unknown_metric_type_lists_the_valid_ones():
    with pytest.raises(RunaiError) as failure:
        read_metrics_query(options(metric_types=['GPU_UTILIZATION', 'GPU_TEMPERATURE']), now=NOW)
    assert str(failure.value) == "metric_types must name metric types of the API (%s), got ['GPU_TEMPERATURE']" % ', '.join(METRIC_TYPES)


def series(metric_type, values, gpu=None):
    stamps = ['2026-11-27T11:%02d:00Z' % minute for minute in range(len(values))]
    return numeric_measurement({'type': metric_type, 'labels': {'gpu': gpu} if gpu is not None else None,
                                'values': [{'value': value, 'timestamp': stamp} for value, stamp in zip(values, stamps)]})


def test_values_become_numbers_and_bad_ones_null():
    measurement = series('GPU_UTILIZATION', ['85', '92.5', 'NaN', None, 'n/a'])
    assert [sample['value'] for sample in measurement['values']] == [85.0, 92.5, None, None, None]
    assert measurement['values'][0]['timestamp'] == '2026-11-27T11:00:00Z'


def test_stats_by_hand():
    measurements = [series('GPU_UTILIZATION_PER_GPU', ['10', '20', '30'], gpu='0'), series('GPU_UTILIZATION_PER_GPU', ['50', '60', '90'], gpu='1'),
                    series('CPU_USAGE_CORES', ['1.5', 'NaN']), series('GPU_UTILIZATION', [])]
    stats = metric_stats(measurements, ['GPU_UTILIZATION_PER_GPU', 'CPU_USAGE_CORES', 'GPU_UTILIZATION', 'NIM_NUM_REQUESTS_RUNNING'])
    assert stats['GPU_UTILIZATION_PER_GPU'] == {'min': 10.0, 'max': 90.0, 'avg': 260.0 / 6, 'last': 60.0, 'samples': 6, 'by_gpu': {
        '0': {'min': 10.0, 'max': 30.0, 'avg': 20.0, 'last': 30.0, 'samples': 3},
        '1': {'min': 50.0, 'max': 90.0, 'avg': 200.0 / 3, 'last': 90.0, 'samples': 3}}}
    # The NaN sample is null: it counts for nothing, and `last` is the latest sample with a value.
    assert stats['CPU_USAGE_CORES'] == {'min': 1.5, 'max': 1.5, 'avg': 1.5, 'last': 1.5, 'samples': 1}
    empty = {'min': None, 'max': None, 'avg': None, 'last': None, 'samples': 0}
    assert stats['GPU_UTILIZATION'] == empty and stats['NIM_NUM_REQUESTS_RUNNING'] == empty


def test_last_compares_timestamps_as_instants_whatever_their_zone():
    # 12:30+02:00 is 10:30Z, earlier than 11:00Z: the latest sample is the one written in UTC.
    written_in_utc = numeric_measurement({'type': 'GPU_UTILIZATION', 'values': [{'value': '10', 'timestamp': '2026-11-27T11:00:00Z'}]})
    written_in_cest = numeric_measurement({'type': 'GPU_UTILIZATION', 'values': [{'value': '90', 'timestamp': '2026-11-27T12:30:00+02:00'},
                                                                                 {'value': '70', 'timestamp': 'not a time'}]})
    stats = metric_stats([written_in_utc, written_in_cest], ['GPU_UTILIZATION'])['GPU_UTILIZATION']
    assert stats['last'] == 10.0 and stats['samples'] == 3


def test_last_is_the_mean_at_the_latest_timestamp_across_series():
    shorter = series('GPU_UTILIZATION_PER_GPU', ['40', '80'], gpu='0')
    longer = series('GPU_UTILIZATION_PER_GPU', ['10', '20', '30'], gpu='1')
    third = series('GPU_UTILIZATION_PER_GPU', ['5', '6', '50'], gpu='2')
    assert metric_stats([shorter, longer, third], ['GPU_UTILIZATION_PER_GPU'])['GPU_UTILIZATION_PER_GPU']['last'] == 40.0


def percentile_series(percentile, values, metric_type=TTFT):
    measurement = series(metric_type, values)
    measurement['labels'] = {'percentile': percentile}
    return measurement


def histogram_entry(rows, metric_type=TTFT):
    """A histogram entry of the API's form: data values as strings, one row of {name: text} per minute."""
    return {'type': metric_type, 'values': [{'timestamp': '2026-11-27T11:%02d:00Z' % minute, 'data': data} for minute, data in enumerate(rows)]}


def test_percentiles_from_measurements_are_summarised_per_percentile_and_never_mixed():
    measurements = [percentile_series('p50', ['0.1', '0.2']), percentile_series('p90', ['0.3', '0.4']), percentile_series('p99', ['0.5', '0.9'])]
    stats = metric_stats(measurements, [TTFT])[TTFT]
    assert (stats['min'], stats['max'], stats['avg'], stats['last'], stats['samples']) == (None, None, None, None, 6)
    assert stats['by_percentile']['p99'] == {'min': 0.5, 'max': 0.9, 'avg': 0.7, 'last': 0.9, 'samples': 2}
    assert list(stats['by_percentile']) == ['p50', 'p90', 'p99']


def test_percentiles_from_histogram_entries_only():
    histogram = numeric_histogram([histogram_entry([{'p50': '0.1', 'p90': '0.3', 'p99': '0.5'}, {'p50': '0.2', 'p90': '0.4', 'p99': '0.7'}])])
    pod = PodMetrics('pod', 'llama-0', [], False, [], histogram=histogram)
    stats = metric_stats(pod.stat_series, [TTFT])[TTFT]
    assert stats['by_percentile']['p99'] == {'min': 0.5, 'max': 0.7, 'avg': 0.6, 'last': 0.7, 'samples': 2}
    assert stats['samples'] == 6 and stats['max'] is None


def test_a_percentile_sent_both_ways_counts_once_and_the_histogram_fills_gaps():
    measurements = [percentile_series('p99', ['0.5', '0.9'])]
    # Same p99 at minutes 0 and 1 as the measurement (counted once); a p99 at minute 2 only in the histogram, and p50 only there.
    histogram = numeric_histogram([histogram_entry([{'p50': '0.1', 'p99': '0.5'}, {'p50': '0.2', 'p99': '0.9'}, {'p99': '1.1'}])])
    pod = PodMetrics('pod', 'llama-0', measurements, False, [], histogram=histogram)
    stats = metric_stats(pod.stat_series, [TTFT])[TTFT]
    assert stats['by_percentile']['p99'] == {'min': 0.5, 'max': 1.1, 'avg': 2.5 / 3, 'last': 1.1, 'samples': 3}
    assert stats['by_percentile']['p50']['samples'] == 2


def test_histogram_values_become_numbers_and_malformed_entries_are_left_out():
    histogram = numeric_histogram([
        histogram_entry([{'0.005': '12', '0.5': '300', '+Inf': '310'}], metric_type='NIM_TIME_TO_FIRST_TOKEN_SECONDS'),
        {'type': 'NIM_E2E_REQUEST_LATENCY_SECONDS', 'values': 'lots'}, 'nonsense', {'values': []},
        histogram_entry([{'p99': 'n/a'}]),
    ])
    assert histogram == [
        {'type': 'NIM_TIME_TO_FIRST_TOKEN_SECONDS', 'values': [{'timestamp': '2026-11-27T11:00:00Z', 'data': {'0.005': 12.0, '0.5': 300.0, '+Inf': 310.0}}]},
        {'type': TTFT, 'values': [{'timestamp': '2026-11-27T11:00:00Z', 'data': {'p99': None}}]},
    ]
    assert numeric_histogram(None) == [] and numeric_histogram({'type': TTFT}) == []


def test_per_gpu_types_always_have_by_gpu_and_gpu_indexes_sort_as_numbers():
    measurements = [series('GPU_UTILIZATION_PER_GPU', ['1'], gpu=str(gpu)) for gpu in (10, 2, 0)]
    stats = metric_stats(measurements, ['GPU_UTILIZATION_PER_GPU', 'GPU_MEMORY_USAGE_BYTES_PER_GPU', TTFT])
    assert list(stats['GPU_UTILIZATION_PER_GPU']['by_gpu']) == ['0', '2', '10']
    assert stats['GPU_MEMORY_USAGE_BYTES_PER_GPU']['by_gpu'] == {} and stats[TTFT]['by_percentile'] == {}
