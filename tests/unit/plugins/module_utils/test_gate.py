# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Gates over pods, without HTTP: options, order of judgement, truthiness, offenders and their caps, messages."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, is_transient
from ansible_collections.runai.platform.plugins.module_utils._gate import describe_offender, read_gate, wait_summary
from ansible_collections.runai.platform.plugins.module_utils._jmespath import compile_expression

CLUSTER = '71f69d83-ba66-4822-adf5-55ce55efd210'
RUNNING = "k8sPhase=='Running'"
FAILED = "k8sPhase=='Failed'"


def pod(name, phase='Running', node='dgx-1', since='2026-11-27T08:14:02.113Z', **extra):
    document = {'id': 'id-' + name, 'name': name, 'workloadId': 'w1', 'clusterId': CLUSTER, 'k8sPhase': phase, 'nodeName': node,
                'currentNodePool': 'h100' if node else None, 'requestedNodePools': ['h100'], 'createdAt': '2026-11-27T08:00:00.000Z',
                'k8sPhaseUpdatedAt': since, 'containers': [{'name': 'main'}], 'allocatedResources': {'gpu': 1}}
    document.update(extra)
    return document


def gate_from(**options):
    options.setdefault('max_offenders', 20)
    return read_gate(options.get, options.pop('count_only', False), options.pop('legacy', False))


def judge(pods, pages=1, wait_for=None, result=None, **options):
    gate = gate_from(**options)
    if wait_for is not None:
        gate.wait_for = compile_expression('wait_for', wait_for)
    check = gate.check()
    size = max(1, -(-len(pods) // pages))
    for start in range(0, len(pods), size):
        check.add(pods[start:start + size])
    return check.verdict(result)


# -- options --------------------------------------------------------------------------------------

def test_no_gate_option_leaves_the_gate_inactive():
    assert gate_from().active is False


@pytest.mark.parametrize('options', [dict(pod_condition=RUNNING), dict(fail_condition=FAILED), dict(pod_condition=RUNNING, fail_condition=FAILED)])
def test_a_per_pod_condition_makes_min_pods_default_to_1(options):
    gate = gate_from(**options)
    assert gate.active is True and gate.min_pods == 1


def test_min_pods_0_is_kept_as_asked():
    assert gate_from(pod_condition=RUNNING, min_pods=0).min_pods == 0


@pytest.mark.parametrize('options, message', [
    (dict(min_pods=-1), 'min_pods must be an integer 0 or more, got -1'),
    (dict(max_offenders=1001), 'max_offenders must be an integer from 0 to 1000, got 1001'),
    (dict(max_offenders=-1), 'max_offenders must be an integer from 0 to 1000, got -1'),
    (dict(pod_condition="k8sPhase=='Running"), "pod_condition \"k8sPhase=='Running\" is not a valid JMESPath expression: "
     "Bad jmespath expression: Unclosed ' delimiter at column 10"),
    (dict(fail_condition=''), "fail_condition must be a JMESPath expression, got ''"),
    (dict(min_pods=5, max_pods=3), 'min_pods 5 can never be met with max_pods 3; raise max_pods or lower min_pods'),
    (dict(pod_condition=RUNNING, max_pods=0), 'min_pods 1 can never be met with max_pods 0; raise max_pods or lower min_pods'),
    (dict(pod_condition=RUNNING, count_only=True),
     'pod_condition does not apply to count_only (it is evaluated on each pod, and count_only reads no pods)'),
    (dict(fail_condition=FAILED, count_only=True),
     'fail_condition does not apply to count_only (it is evaluated on each pod, and count_only reads no pods)'),
])
def test_bad_gate_options_are_refused_naming_the_option(options, message):
    with pytest.raises(RunaiError) as failure:
        gate_from(**options)
    assert str(failure.value) == message


def test_an_unparsable_condition_names_the_option_and_expression():
    with pytest.raises(RunaiError) as failure:
        gate_from(pod_condition='k8sPhase==')
    assert str(failure.value).startswith("pod_condition 'k8sPhase==' is not a valid JMESPath expression: ")


def test_count_only_takes_min_pods():
    gate = gate_from(min_pods=3, count_only=True)
    verdict = gate.check().add_count(2).verdict()
    assert (verdict.held, verdict.reason, verdict.pods_checked) == (False, 'min_pods', 2)
    assert verdict.message == 'only 2 pods in scope (all pods); min_pods is 3'
    assert gate.check().add_count(3).verdict().held is True


# -- order of judgement ----------------------------------------------------------------------------

def test_fail_condition_is_judged_first():
    verdict = judge([pod('a', 'Failed')], min_pods=5, pod_condition=RUNNING, fail_condition=FAILED)
    assert (verdict.held, verdict.reason) == (False, 'fail_condition')


def test_min_pods_is_judged_before_pod_condition():
    verdict = judge([pod('a', 'Pending')], min_pods=2, pod_condition=RUNNING, fail_condition=FAILED)
    assert verdict.reason == 'min_pods'
    # The offending pod is still listed: a gate names every pod that offends.
    assert [offender['name'] for offender in verdict.offenders] == ['a'] and verdict.offender_count == 1


def test_pod_condition_is_judged_before_wait_for():
    verdict = judge([pod('a', 'Pending')], pod_condition=RUNNING, wait_for='`false`', result={})
    assert verdict.reason == 'pod_condition'


def test_wait_for_is_judged_last_on_the_result():
    verdict = judge([pod('a')], pod_condition=RUNNING, wait_for='count > `1`', result={'count': 1})
    assert (verdict.reason, verdict.wait_for_value) == ('wait_for', False)
    assert verdict.message == 'wait_for "count > `1`" did not hold; its last value was false'
    assert judge([pod('a')], pod_condition=RUNNING, wait_for='count', result={'count': 1}).held is True


def test_a_gate_holds_when_every_pod_satisfies_and_none_fails():
    verdict = judge([pod('a'), pod('b')], pod_condition=RUNNING, fail_condition=FAILED)
    assert verdict.as_result() == {'held': True, 'reason': 'held', 'pods_checked': 2, 'offender_count': 0, 'offenders': []}
    assert verdict.message == ''


def test_an_empty_scope_fails_unless_min_pods_is_0():
    verdict = judge([], pod_condition=RUNNING)
    assert (verdict.held, verdict.reason, verdict.pods_checked) == (False, 'min_pods', 0)
    assert judge([], pod_condition=RUNNING, min_pods=0).held is True


def test_min_pods_alone_counts_pods():
    assert judge([pod('a', 'Failed')], min_pods=1).held is True
    assert judge([pod('a')], min_pods=2).reason == 'min_pods'


# -- truthiness ------------------------------------------------------------------------------------

@pytest.mark.parametrize('condition, satisfied', [
    ('@.gpu', False),                    # a field no pod has: null
    ("''", False), ('`[]`', False), ('`{}`', False), ('`false`', False),
    ("to_number('0')", True),            # every number is true, 0 included
    ('allocatedResources.gpu', True), ('containers', True), ('name', True),
])
def test_pod_condition_uses_jmespath_truth(condition, satisfied):
    assert judge([pod('a')], pod_condition=condition).held is satisfied


def test_a_condition_that_fails_on_a_pod_names_the_option_and_the_pod():
    with pytest.raises(RunaiError) as failure:
        judge([pod('train-0')], pod_condition='length(allocatedResources.gpu) > `0`')
    assert str(failure.value) == ("pod_condition 'length(allocatedResources.gpu) > `0`' failed on pod 'train-0': "
                                  'In function length(), invalid type for value: 1, expected one of: [\'string\', \'array\', \'object\'], '
                                  "received: \"number\"")


# -- offenders ----------------------------------------------------------------------------------------

def test_offenders_are_trimmed_to_identifying_fields_and_say_what_they_violate():
    verdict = judge([pod('a', 'Pending', node=None), pod('b', 'Failed'), pod('c')], pod_condition=RUNNING, fail_condition=FAILED)
    assert verdict.reason == 'fail_condition' and verdict.offender_count == 2
    assert verdict.offenders == [
        {'id': 'id-b', 'name': 'b', 'workloadId': 'w1', 'k8sPhase': 'Failed', 'nodeName': 'dgx-1', 'currentNodePool': 'h100',
         'requestedNodePools': ['h100'], 'createdAt': '2026-11-27T08:00:00.000Z', 'k8sPhaseUpdatedAt': '2026-11-27T08:14:02.113Z',
         'violates': 'fail_condition'},
        {'id': 'id-a', 'name': 'a', 'workloadId': 'w1', 'k8sPhase': 'Pending', 'nodeName': None, 'currentNodePool': None,
         'requestedNodePools': ['h100'], 'createdAt': '2026-11-27T08:00:00.000Z', 'k8sPhaseUpdatedAt': '2026-11-27T08:14:02.113Z',
         'violates': 'pod_condition'},
    ]


def test_a_pod_violating_both_conditions_is_one_offender():
    verdict = judge([pod('a', 'Failed')], pod_condition=RUNNING, fail_condition=FAILED)
    assert verdict.offender_count == 1 and [offender['violates'] for offender in verdict.offenders] == ['fail_condition']


@pytest.mark.parametrize('pages', [1, 3, 50])
def test_offenders_are_capped_and_counted_whatever_the_pages(pages):
    pods = [pod('p%02d' % number, 'Pending') for number in range(50)]
    verdict = judge(pods, pages=pages, pod_condition=RUNNING, max_offenders=7)
    assert verdict.offender_count == 50 and verdict.pods_checked == 50
    assert [offender['name'] for offender in verdict.offenders] == ['p%02d' % number for number in range(7)]


def test_max_offenders_0_lists_none_but_the_message_still_names_five():
    pods = [pod('p%d' % number, 'Pending', node=None, since='2026-11-27T08:14:02Z') for number in range(8)]
    verdict = judge(pods, pod_condition=RUNNING, max_offenders=0)
    assert verdict.offenders == [] and verdict.offender_count == 8
    assert verdict.message == ('8 of 8 pods do not satisfy pod_condition "k8sPhase==\'Running\'": '
                               'p0 (Pending, no node, since 2026-11-27T08:14:02Z), p1 (Pending, no node, since 2026-11-27T08:14:02Z), '
                               'p2 (Pending, no node, since 2026-11-27T08:14:02Z), p3 (Pending, no node, since 2026-11-27T08:14:02Z), '
                               'p4 (Pending, no node, since 2026-11-27T08:14:02Z) and 3 more')


# -- messages ---------------------------------------------------------------------------------------

def test_pod_condition_message_in_the_contract_form():
    pods = [pod('w-%d' % number) for number in range(13)] + [pod('train-0-worker-2', 'Pending', node=None), pod('x', 'Unknown', node='dgx-7')]
    verdict = judge(pods, pod_condition=RUNNING)
    assert verdict.message == ('2 of 15 pods do not satisfy pod_condition "k8sPhase==\'Running\'": '
                               'train-0-worker-2 (Pending, no node, since 2026-11-27T08:14:02Z), x (Unknown, node dgx-7, since 2026-11-27T08:14:02Z)')


def test_one_offender_reads_in_the_singular():
    assert judge([pod('a', 'Failed')], fail_condition=FAILED).message == (
        '1 pod matches fail_condition "k8sPhase==\'Failed\'": a (Failed, node dgx-1, since 2026-11-27T08:14:02Z)')
    assert judge([pod('a', 'Pending')], pod_condition=RUNNING).message.startswith('1 of 1 pod does not satisfy pod_condition ')
    assert judge([pod('a', 'Failed'), pod('b', 'Failed')], fail_condition=FAILED).message.startswith('2 pods match fail_condition ')


def test_min_pods_message_names_the_scope():
    options = dict(cluster_id=CLUSTER, filter_by=['currentNodepool==H100'], deleted=False, offset=0, pod_condition=RUNNING)
    verdict = judge([], **options)
    assert verdict.message == 'only 0 pods in scope (cluster_id=%s, filter_by=[currentNodepool==H100]); min_pods is 1' % CLUSTER
    assert judge([pod('a')], min_pods=2, workload_id='w1', deleted=True).message == (
        'only 1 pod in scope (workload_id=w1, deleted=true); min_pods is 2')


def test_a_workload_not_created_yet_says_so():
    check = gate_from(workload_id='w1', pod_condition=RUNNING).check()
    check.not_created = True
    assert check.verdict().message == 'only 0 pods in scope (workload_id=w1, not created yet); min_pods is 1'


def test_pods_without_a_name_or_time_are_still_described():
    assert describe_offender({'id': 'id-1', 'k8sPhase': None, 'nodeName': None}) == 'id-1 (no phase, no node)'
    assert describe_offender({'name': 'a', 'k8sPhase': 'Pending', 'createdAt': '2026-11-27T08:00:00Z'}) == (
        'a (Pending, no node, since 2026-11-27T08:00:00Z)')


# -- legacy pods ------------------------------------------------------------------------------------

def legacy_pod(name, phase, node='dgx-1'):
    document = {'podId': 'id-' + name, 'podName': name, 'jobId': 'w1', 'podGroupId': 'w1', 'clusterUuid': CLUSTER, 'phase': phase,
                'status': phase, 'created': 1795680000000, 'completed': 0, 'resourceAllocation': {'gpu': 1.0}, 'nodePool': 'default'}
    if node:
        document['nodeId'] = node
    return document


def test_legacy_pods_are_judged_and_trimmed_to_their_own_fields():
    pods = [legacy_pod('a', 'Running'), legacy_pod('b', 'Pending', node=None)]
    verdict = judge(pods, legacy=True, pod_condition="phase=='Running'")
    assert verdict.reason == 'pod_condition'
    assert verdict.offenders == [{'podId': 'id-b', 'podName': 'b', 'jobId': 'w1', 'phase': 'Pending', 'nodeId': None, 'nodePool': 'default',
                                  'created': 1795680000000, 'violates': 'pod_condition'}]
    assert verdict.message == ('1 of 2 pods does not satisfy pod_condition "phase==\'Running\'": '
                               'b (Pending, no node, created 2026-11-26T08:00:00Z)')


# -- waiting helpers ---------------------------------------------------------------------------------

@pytest.mark.parametrize('error, transient', [
    (RunaiError('refused', method='GET', path='/p'), True),          # connection error, timeout: no status
    (RunaiError('x', status=429, method='GET', path='/p'), True),
    (RunaiError('x', status=503, method='GET', path='/p'), True),
    (RunaiError('x', status=500, method='GET', path='/p'), True),
    (RunaiError('x', status=400, method='GET', path='/p'), False),
    (RunaiError('x', status=401, method='GET', path='/p'), False),
    (RunaiError('x', status=403, method='GET', path='/p'), False),
    (RunaiError('x', status=404, method='GET', path='/p'), False),
    (RunaiError('TLS certificate verification failed'), False),      # no poll will fare better
    (ValueError('bug'), False),
])
def test_which_failures_let_a_wait_go_on(error, transient):
    assert is_transient(error) is transient


def test_wait_summary():
    assert wait_summary(300.2, 61) == 'after 300 s (61 polls): '
    assert wait_summary(0.4, 1) == 'after 0 s (1 poll): '
