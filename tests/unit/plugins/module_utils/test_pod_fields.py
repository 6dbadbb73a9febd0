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
