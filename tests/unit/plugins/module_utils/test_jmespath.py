# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""JMESPath helpers: which expressions read the result's pods, and comparisons of values of different types."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.runai.platform.plugins.module_utils._jmespath import compile_expression, evaluate, item_evaluator, reads_key


@pytest.mark.parametrize('expression', [
    "length(pods[?k8sPhase=='Failed'])", 'pods', 'pods[0].name', 'sort_by(pods, &name)', '@', '*', 'values(@)', '[count, @]',
    'count && pods', 'not_null(summary.total, pods)', '{all: pods}', '[]', 'pods | length(@)', '[count, @][1].pods',
])
def test_expressions_that_may_read_the_pods_keep_them(expression):
    assert reads_key(compile_expression('query', expression), 'pods') is True


@pytest.mark.parametrize('expression', [
    'summary.by_phase.Failed', "summary.by_phase.Failed || `0`", 'count', 'summary.total > `10`', '{n: count, gpus: summary.gpu_allocated}',
    'summary | keys(@)', 'summary.pods', 'summary.by_node.*', 'summary.by_node | values(@) | max(@)', "`\"pods\"`",
    'length(summary.by_phase)', 'summary.by_nodepool[?@ > `1`]',
])
def test_expressions_on_the_summary_and_count_let_the_read_stream(expression):
    assert reads_key(compile_expression('query', expression), 'pods') is False


@pytest.mark.parametrize('expression, value', [
    ('gpu > `4`', None), ('gpu < `4`', None), ('gpu >= n', None), ('name < `[1]`', None), ("name > 'a'", True), ('n > `4`', True),
])
def test_ordering_values_that_do_not_compare_is_null(expression, value):
    data = {'gpu': 'four', 'name': 'pod-1', 'n': 5}
    compiled = compile_expression('query', expression)
    assert evaluate('query', compiled, data) is value
    assert item_evaluator('pod_condition', compiled, str)(data) is value
