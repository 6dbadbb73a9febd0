# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A gate expression that reads a field no pod has would be null on every pod: refused before any request."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import jmespath
import pytest

from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError
from ansible_collections.runai.platform.plugins.module_utils._pod_fields import check_pod_expression, pod_fields_read


@pytest.mark.parametrize('expression, fields', [
    ("k8sPhase=='Running'", {'k8sPhase'}),
    ('allocatedResources.gpu > `0`', {'allocatedResources'}),
    ("containers[?name=='main'] | length(@) > `0`", {'containers'}),
    ("contains(requestedNodePools || `[]`, 'h100') && currentNodePool == null", {'requestedNodePools', 'currentNodePool', 'null'}),
    ("!(k8sPhase=='Running' || k8sPhase=='Succeeded')", {'k8sPhase'}),
    ("@.brandNewField == 'x'", set()),
    ('length(containers[].image) > `1`', {'containers'}),
    ('{phase: k8sPhase, node: nodeName}.phase', {'k8sPhase', 'nodeName'}),
    ('`true`', set()),
])
def test_only_the_pods_own_fields_are_collected(expression, fields):
    assert pod_fields_read(jmespath.compile(expression)) == fields


@pytest.mark.parametrize('expression', [
    "k8sPhase=='Failed'", "currentNodePool == null && k8sPhase=='Pending'", "@.brandNewField == 'x'", 'allocatedResources.gpu > `4`',
    "k8sPhase=='Failed' && nodeName=='failed'", "k8sPhase!='Running'"])
def test_expressions_on_real_fields_and_phases_pass(expression):
    check_pod_expression('fail_condition', jmespath.compile(expression))


@pytest.mark.parametrize('expression, legacy, message', [
    ("k8sPhse=='Failed'", False, "fail_condition \"k8sPhse=='Failed'\" reads k8sPhse, which Run:ai pods do not have, so it would be "
     "null for every pod (did you mean k8sPhase?); write @.k8sPhse to read a field this collection does not know yet"),
    ("status=='Failed'", False, "fail_condition \"status=='Failed'\" reads status, which Run:ai pods do not have, so it would be "
     "null for every pod (the phase is k8sPhase); write @.status to read a field this collection does not know yet"),
    ("currentNodepool=='h100'", False, "fail_condition \"currentNodepool=='h100'\" reads currentNodepool, which Run:ai pods do not "
     "have, so it would be null for every pod (the pod field is currentNodePool, with a capital P); write @.currentNodepool to read "
     "a field this collection does not know yet"),
    ('existsInCluster == true', True, "fail_condition 'existsInCluster == true' reads true, which legacy pods do not have, so it "
     "would be null for every pod (a bare true is a field name in JMESPath; the literal is written `true`); write @.true to read a "
     "field this collection does not know yet"),
    ("k8sPhase=='Failed'", True, "fail_condition \"k8sPhase=='Failed'\" reads k8sPhase, which legacy pods do not have, so it would "
     "be null for every pod (did you mean phase?); write @.k8sPhase to read a field this collection does not know yet"),
    ("k8sPhase=='failed'", False, "fail_condition \"k8sPhase=='failed'\" compares the phase with 'failed', which it never is: "
     "phases are Pending, Running, Succeeded, Failed, Unknown (did you mean 'Failed'?)"),
    ("contains(['Failed', 'unknown'], k8sPhase)", False, "fail_condition \"contains(['Failed', 'unknown'], k8sPhase)\" compares the "
     "phase with 'unknown', which it never is: phases are Pending, Running, Succeeded, Failed, Unknown (did you mean 'Unknown'?)"),
    ("phase=='running'", True, "fail_condition \"phase=='running'\" compares the phase with 'running', which it never is: "
     "phases are Pending, Running, Succeeded, Failed, Unknown (did you mean 'Running'?)"),
])
def test_a_condition_that_could_never_be_true_is_refused_with_a_hint(expression, legacy, message):
    with pytest.raises(RunaiError) as failure:
        check_pod_expression('fail_condition', jmespath.compile(expression), legacy=legacy)
    assert str(failure.value) == message


# -- every expression against what it sees (issue 17) ---------------------------------------------

from ansible_collections.runai.platform.plugins.module_utils._gate import read_gate  # noqa: E402
from ansible_collections.runai.platform.plugins.module_utils._jmespath import compile_expression  # noqa: E402
from ansible_collections.runai.platform.plugins.module_utils._pod_fields import check_read_options  # noqa: E402


def gate_options(**options):
    options.setdefault('deleted', False)
    options.setdefault('offset', 0)
    return options


@pytest.mark.parametrize('options, start', [
    (dict(query='summary.by_phase.failed'), "query 'summary.by_phase.failed' reads summary.by_phase.failed, which is never there"),
    (dict(query='summary.by_nodes'), "query 'summary.by_nodes' reads summary.by_nodes, which is never there, so it is always null "
     "(did you mean by_node?)"),
    (dict(query="pods[?k8sphase=='Failed']"), "query \"pods[?k8sphase=='Failed']\" reads k8sphase, which Run:ai pods do not have"),
    (dict(query="pods[?k8sPhase=='Failed '].name"), "query \"pods[?k8sPhase=='Failed '].name\" compares the phase with 'Failed '"),
    (dict(query="pods[*].k8sPhase | contains(@, 'Faild')"), "query \"pods[*].k8sPhase | contains(@, 'Faild')\" compares the phase"),
    (dict(query="sort_by(pods, &k8sphase)"), "query 'sort_by(pods, &k8sphase)' reads k8sphase"),
    (dict(query='pods.name'), "query 'pods.name' reads name of pods, which is a list, so it is always null"),
    (dict(query='requests'), "query 'requests' reads requests, which is never there, so it is always null; the result holds count, pods, summary"),
    (dict(query='query_result'), "query 'query_result' reads query_result, which is never there"),
    (dict(query="group_by(pods, &nodeName)"), "query 'group_by(pods, &nodeName)' calls group_by(), which JMESPath does not have"),
    (dict(query='summary.by_phase.Failed', count_only=True), "query 'summary.by_phase.Failed' reads summary.by_phase.Failed, which is "
     "never there: count_only reads no pods, so summary.by_phase is always empty"),
    (dict(query='length(pods)', count_only=True), "query 'length(pods)' reads pods, which is always empty: count_only reads no pods"),
    (dict(fields=['name'], query="pods[?k8sPhase=='Failed']"), "query \"pods[?k8sPhase=='Failed']\" reads k8sPhase of each pod, which "
     "fields removed (fields keeps name)"),
    (dict(fields=['name'], query="pods[?@.k8sPhase=='Failed']"), "query \"pods[?@.k8sPhase=='Failed']\" reads k8sPhase of each pod"),
    (dict(fields=['name', 'k8sphase']), "fields item 'k8sphase' is not a field of Run:ai pods, so every pod would lose it (did you mean k8sPhase?)"),
    (dict(fields=['podName'], legacy=True, query="pods[?status=='Failed']"), "query \"pods[?status=='Failed']\" reads status of each pod"),
    (dict(wait=True, wait_for='!(summary.by_phase.pending)'), "wait_for '!(summary.by_phase.pending)' reads summary.by_phase.pending"),
    (dict(wait=True, wait_for='query_result'), "wait_for 'query_result' reads query_result, which is never there"),
    (dict(query='{n: count}.c'), "query '{n: count}.c' reads c of the object it builds, which holds only n"),
])
def test_query_wait_for_and_fields_are_checked_against_the_result(options, start):
    legacy = options.pop('legacy', False)
    with pytest.raises(RunaiError) as failure:
        check_read_options(options.get, legacy, options.get('count_only', False))
    assert str(failure.value).startswith(start)


@pytest.mark.parametrize('options', [
    dict(query='summary.by_phase.Pending == `0`'), dict(query="summary.by_node.\"dgx-1\""), dict(query='summary.by_nodepool.h100'),
    dict(query="pods[?k8sPhase=='Failed'].name"), dict(query='{failed: summary.by_phase.Failed || `0`, pods: count}'),
    dict(query="max_by(pods, &createdAt).name"), dict(query='@'), dict(query='summary.*'), dict(query='count', count_only=True),
    dict(fields=['name', 'k8sPhase'], query="pods[?k8sPhase=='Failed'].name"), dict(query="pods[?@.brandNewField=='x']"),
    dict(query='x', wait=False), dict(wait=True, wait_for='query_result', query='count'),
    dict(query="length(pods[?contains(['Failed', 'Unknown'], k8sPhase)])"), dict(query="pods[?starts_with(k8sPhase, 'Fail')]"),
])
def test_expressions_that_can_be_true_pass(options):
    if options.get('query') == 'x':
        # Only with wait is wait_for evaluated; query 'x' is refused, so use none here.
        options = dict(wait_for='nothing')
    check_read_options(options.get, False, options.get('count_only', False))


@pytest.mark.parametrize('options, message', [
    (gate_options(fail_condition="k8sPhase=='Failed'", completed=False),
     "fail_condition \"k8sPhase=='Failed'\" can match Failed or Succeeded pods, and completed: false leaves those out (they have "
     "completedAt), so the gate would never see them; remove completed"),
    (gate_options(pod_condition="k8sPhase=='Failed'", completed=False),
     "pod_condition \"k8sPhase=='Failed'\" can never be true with completed: false, which keeps only Pending, Running and Unknown "
     "pods (Failed and Succeeded pods have completedAt); remove completed or change it"),
    (gate_options(pod_condition="k8sPhase=='Running'", completed=False),
     "pod_condition \"k8sPhase=='Running'\" is not true for a Failed pod, and completed: false leaves Failed pods out (they have "
     "completedAt), so the gate would hold with one; remove completed (and let the condition accept Succeeded pods, e.g. "
     "|| k8sPhase=='Succeeded', if they are fine)"),
    (gate_options(fail_condition="k8sPhase=='Pending'", completed=True),
     "fail_condition \"k8sPhase=='Pending'\" can never be true with completed: true, which keeps only Failed and Succeeded pods "
     "(those with completedAt); remove completed or change it"),
    (gate_options(fail_condition='deletedAt==null', deleted=True),
     "fail_condition 'deletedAt==null' can never be true with deleted: true, which keeps only deleted pods (those with deletedAt); "
     "remove deleted or change it"),
    (gate_options(fail_condition='deletedAt != null'),
     "fail_condition 'deletedAt != null' can never be true with deleted: false, which keeps only live pods, without deletedAt; "
     "set deleted: true to judge deleted pods"),
    (gate_options(fail_condition="k8sPhase=='Failed' && k8sPhase=='Running'"),
     "fail_condition \"k8sPhase=='Failed' && k8sPhase=='Running'\" can never be true for any pod, whatever it holds, so the gate could never fail on one"),
    (gate_options(fail_condition="k8sPhase=='Failed'", max_pods=10),
     'fail_condition judges every pod in scope, and max_pods 10 would stop after the first 10 pods, so the gate could pass on the '
     'pods it never saw; remove max_pods (return_pods: false keeps a large result small)'),
    (gate_options(pod_condition="k8sPhase=='Running'", offset=300),
     'pod_condition judges every pod in scope, and offset 300 would skip the first 300 pods, so the gate could pass on the pods it '
     'never saw; remove offset (return_pods: false keeps a large result small)'),
])
def test_scope_options_that_contradict_a_condition_are_refused_naming_both(options, message):
    with pytest.raises(RunaiError) as failure:
        read_gate(options.get)
    assert str(failure.value) == message


@pytest.mark.parametrize('options', [
    gate_options(fail_condition="k8sPhase=='Pending' && currentNodePool==null", completed=False),
    gate_options(pod_condition="k8sPhase!='Pending'", completed=False),
    gate_options(fail_condition="k8sPhase=='Failed'", completed=True),
    gate_options(fail_condition="k8sPhase=='Failed'", deleted=True),
    gate_options(fail_condition='deletedAt==null'),
    gate_options(fail_condition="k8sPhase=='Failed' && nodeName=='dgx-1'"),
    gate_options(pod_condition='`false`'),
])
def test_scope_options_that_keep_what_a_condition_looks_for_pass(options):
    read_gate(options.get)


@pytest.mark.parametrize('expression, message', [
    ("status=='Failed'", "fail_condition \"status=='Failed'\" compares the legacy status with 'Failed', which it never is: a legacy "
     "pod's status is 'Error' when its phase is Failed (write status=='Error' or phase=='Failed')"),
    ("status=='error'", "fail_condition \"status=='error'\" compares the legacy status with 'error', which it never is (did you mean 'Error'?)"),
    ("phase=='Faild'", "fail_condition \"phase=='Faild'\" compares the phase with 'Faild', which it never is"),
])
def test_legacy_values_are_checked(expression, message):
    with pytest.raises(RunaiError) as failure:
        check_pod_expression('fail_condition', jmespath.compile(expression), legacy=True)
    assert str(failure.value).startswith(message)


@pytest.mark.parametrize('expression', ["status=='Error'", "status=='CrashLoopBackOff'", "status=='SomethingNew'", "phase=='Failed'"])
def test_legacy_statuses_kubectl_shows_pass(expression):
    check_pod_expression('fail_condition', jmespath.compile(expression), legacy=True)


@pytest.mark.parametrize('expression', ['(' * 2000 + 'a' + ')' * 2000, '!' * 2000 + 'a', ' || '.join(['a'] * 2000), '!' * 101 + 'a'])
def test_an_expression_nested_too_deep_is_one_sentence_naming_the_option(expression):
    with pytest.raises(RunaiError) as failure:
        compile_expression('pod_condition', expression)
    assert str(failure.value).startswith('pod_condition is nested more than 100 levels deep, which this collection does not evaluate: ')
    assert '\n' not in str(failure.value)


def test_nesting_up_to_the_limit_is_evaluated():
    compile_expression('query', '(' * 40 + 'count' + ')' * 40)


@pytest.mark.parametrize('expression, message', [
    ("requestedNodePools == 'h100'", "fail_condition \"requestedNodePools == 'h100'\" compares requestedNodePools, a list, with 'h100', "
     "which it never equals; write contains(requestedNodePools, 'h100')"),
    ("@ == 'Failed'", "fail_condition \"@ == 'Failed'\" compares each pod, an object, with 'Failed', which it never equals"),
    ("allocatedResources.gpus > `0`", "fail_condition 'allocatedResources.gpus > `0`' reads allocatedResources.gpus, which is never there"),
    ("allocatedResources.gpu >= '1'", "fail_condition \"allocatedResources.gpu >= '1'\" orders a value with the string '1' by >="),
    ("'k8sPhase'=='Failed'", "fail_condition \"'k8sPhase'=='Failed'\" compares two constants, 'k8sPhase' and 'Failed'"),
    ("k8sPhase==Failed", "fail_condition 'k8sPhase==Failed' reads Failed, which Run:ai pods do not have, so it would be null for every "
     "pod (a bare Failed is a field name in JMESPath; the string is written 'Failed')"),
])
def test_comparisons_that_are_the_same_for_every_pod_are_refused(expression, message):
    with pytest.raises(RunaiError) as failure:
        check_pod_expression('fail_condition', jmespath.compile(expression))
    assert str(failure.value).startswith(message)


@pytest.mark.parametrize('expression', [
    "contains(requestedNodePools || `[]`, 'h100')", "requestedNodePools[0] == 'h100'", "createdAt < '2026-11-20T00:00:00Z'",
    "allocatedResources | @.newKind > `0`", 'allocatedResources.gpu >= `1`', "length(containers) > `1`"])
def test_comparisons_that_depend_on_the_pod_pass(expression):
    check_pod_expression('fail_condition', jmespath.compile(expression))


@pytest.mark.parametrize('condition', ["k8sPhase!='Failed' || k8sPhase!='Unknown'", "k8sPhase=='Running' || `true`", 'k8sPhase'])
def test_a_pod_condition_true_for_every_pod_is_refused(condition):
    options = gate_options(pod_condition=condition)
    with pytest.raises(RunaiError) as failure:
        read_gate(options.get)
    assert 'is true for every pod whatever it holds, so no pod could ever fail it' in str(failure.value)
