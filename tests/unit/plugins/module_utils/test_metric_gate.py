# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Metric gates: what a condition reads, conditions that could never be true, offenders with the values that failed."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import jmespath
import pytest

from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError
from ansible_collections.runai.platform.plugins.module_utils._metric_gate import judge, paths_read, read_metric_gate

TTFT = 'NIM_TIME_TO_FIRST_TOKEN_SECONDS_PERCENTILES'
E2E = 'NIM_E2E_REQUEST_LATENCY_SECONDS_PERCENTILES'
P99 = 'stats.%s.by_percentile.p99.max' % TTFT


def options(**values):
    return dict(dict(max_offenders=20), **values).get


def entry(name, ttft_p99=None, e2e_p99=None, gpu0_max=None):
    def stats(p99):
        return {'min': None, 'max': None, 'avg': None, 'last': None, 'samples': 0 if p99 is None else 3,
                'by_percentile': {} if p99 is None else {'p99': {'min': p99, 'max': p99, 'avg': p99, 'last': p99, 'samples': 1}}}
    return {'pod_id': 'id-' + name, 'pod_name': name, 'partial': False,
            'stats': {TTFT: stats(ttft_p99), E2E: stats(e2e_p99),
                      'GPU_UTILIZATION_PER_GPU': {'by_gpu': {'0': {'max': gpu0_max}} if gpu0_max is not None else {}}}}


@pytest.mark.parametrize('expression, paths', [
    (P99 + ' < `0.5`', [('stats', TTFT, 'by_percentile', 'p99', 'max')]),
    ('stats.A.by_gpu.*.max', [('stats', 'A', 'by_gpu')]),
    ('length(stats.A.by_gpu) > `1` && !partial', [('stats', 'A', 'by_gpu'), ('partial',)]),
    ('stats.A.by_percentile.[p50, p99]', [('stats', 'A', 'by_percentile')]),
    ('@', []),
    ('max_by(values(stats.A.by_gpu), &max).mx', [('stats', 'A', 'by_gpu')]),
])
def test_paths_read(expression, paths):
    assert paths_read(jmespath.compile(expression).parsed) == paths


@pytest.mark.parametrize('condition', [
    P99 + ' < `0.5`',
    'stats.GPU_UTILIZATION_PER_GPU.by_gpu."0".max < `90`',
    'stats.%s.samples > `0` && pod_name != `null`' % TTFT,
    'max_by(values(stats.GPU_UTILIZATION_PER_GPU.by_gpu), &max).max < `95`',
])
def test_conditions_that_can_hold_are_accepted(condition):
    gate = read_metric_gate(options(pod_condition=condition), [TTFT, 'GPU_UTILIZATION_PER_GPU'], per_pod=True)
    assert gate.pod_condition.expression == condition and gate.min_pods == 1


@pytest.mark.parametrize('condition, problem', [
    ('stats.GPU_UTILIZATION_PER_GPU.by_percentile.p99.max < `1`',
     'which the statistics of GPU_UTILIZATION_PER_GPU do not have (they have min, max, avg, last, samples, by_gpu)'),
    ('stats.%s.by_gpu."0".max < `1`' % TTFT, 'which the statistics of %s do not have (they have min, max, avg, last, samples, by_percentile)' % TTFT),
    ('stats.%s.samples.count > `1`' % TTFT, 'inside a number'),
    ('partial.value', 'inside a value that is not an object'),
])
def test_conditions_that_could_never_be_true_fail_before_any_request(condition, problem):
    with pytest.raises(RunaiError) as failure:
        read_metric_gate(options(fail_condition=condition), [TTFT, 'GPU_UTILIZATION_PER_GPU'], per_pod=True)
    assert str(failure.value).startswith('fail_condition %r reads ' % condition)
    assert str(failure.value).endswith(problem)


def test_no_gate_without_gate_options_and_none_with_pod_id():
    assert read_metric_gate(options(), [TTFT], per_pod=True) is None
    with pytest.raises(RunaiError) as failure:
        read_metric_gate(options(min_pods=2), [TTFT], per_pod=False)
    assert str(failure.value) == 'min_pods applies to every pod of a workload or revision; it does not apply with pod_id'
    with pytest.raises(RunaiError) as failure:
        read_metric_gate(options(min_pods=-1), [TTFT], per_pod=True)
    assert str(failure.value) == 'min_pods must be an integer 0 or more, got -1'


def test_offenders_name_the_values_of_the_parts_that_failed():
    condition = '%s < `0.5` && stats.%s.by_percentile.p99.max < `5`' % (P99, E2E)
    gate = read_metric_gate(options(pod_condition=condition, revision_id='r'), [TTFT, E2E], per_pod=True)
    verdict = judge(gate, [entry('a', 0.2, 2.0), entry('b', 0.71, 2.0), entry('c', 0.2, 6.5), entry('d')])
    assert not verdict.held and verdict.reason == 'pod_condition' and verdict.offender_count == 3
    ttft, e2e = 'TIME_TO_FIRST_TOKEN_SECONDS', 'E2E_REQUEST_LATENCY_SECONDS'
    assert verdict.message == ('3 of 4 pods do not satisfy pod_condition "%s": b (%s p99 max 0.71), c (%s p99 max 6.5), '
                               'd (%s p99 max: no samples, %s p99 max: no samples)' % (condition, ttft, e2e, ttft, e2e))
    assert verdict.as_result()['offenders'][0] == {'pod_id': 'id-b', 'pod_name': 'b', 'violates': 'pod_condition', 'values': {P99: 0.71}}


def test_one_type_read_is_not_repeated_and_a_fail_condition_names_its_matching_terms():
    gate = read_metric_gate(options(fail_condition='%s > `1` || partial' % P99), [TTFT], per_pod=True)
    verdict = judge(gate, [entry('a', 0.3), entry('b', 1.25049)])
    assert verdict.reason == 'fail_condition'
    assert verdict.message == '1 pod matches fail_condition "%s > `1` || partial": b (p99 max 1.25)' % P99


def test_an_empty_scope_fails_min_pods_naming_the_scope():
    gate = read_metric_gate(options(pod_condition=P99 + ' < `1`', revision_id='0f5b2a1c-7d3e-4c8b-9a6f-2e1d0c9b8a71'), [TTFT], per_pod=True)
    verdict = judge(gate, [])
    assert verdict.message == 'only 0 pods in scope (revision_id=0f5b2a1c-7d3e-4c8b-9a6f-2e1d0c9b8a71); min_pods is 1'
