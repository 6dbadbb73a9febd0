# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The answer checks (_answers.py): what passes unchanged, and the error a wrong answer gives."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.runai.platform.plugins.module_utils._answers import check_measurements, check_pods
from ansible_collections.runai.platform.plugins.module_utils._connection import shown_url
from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, is_transient

PATH = '/api/v1/workloads/pods'


def test_pods_as_the_api_gives_them_pass_unchanged():
    pods = [{'id': 'a', 'k8sPhase': 'Running', 'nodeName': None, 'allocatedResources': {'gpu': 0.5}},
            {'id': 'b', 'k8sPhase': None, 'allocatedResources': None}, {'id': 'c'}, {'allocatedResources': {'gpu': None, 'cpu': 2}}]
    assert check_pods(pods, PATH) is pods
    legacy = [{'podId': 'p', 'phase': 'Running', 'nodeId': 'n', 'nodePool': 'default', 'resourceAllocation': {'gpu': 1}}]
    assert check_pods(legacy, '/v1/k8s/clusters/x/pods', legacy=True) is legacy
    assert check_pods([], PATH) == []


@pytest.mark.parametrize('pods, first_item, message', [
    ([{}, [], {}], 1, 'with a pod that is not an object (item 2 of the listing: [])'),
    ([{}, {'currentNodePool': 3}], 501, 'with a pod whose currentNodePool is not a string (item 502 of the listing: 3)'),
    ([{'allocatedResources': []}], 1, 'with a pod whose allocatedResources is not an object (item 1 of the listing: [])'),
    ([{'allocatedResources': {'gpu': '1'}}], 1, "with a pod whose allocatedResources.gpu is not a number (item 1 of the listing: '1')"),
])
def test_a_wrong_pod_is_one_protocol_error_naming_the_path_and_the_item(pods, first_item, message):
    with pytest.raises(RunaiError) as failure:
        check_pods(pods, PATH, first_item)
    assert str(failure.value) == 'Run:ai answered GET %s %s' % (PATH, message)
    assert failure.value.protocol and not is_transient(failure.value)
    assert failure.value.details() == {'method': 'GET', 'path': PATH}


def test_legacy_pods_are_checked_by_their_own_field_names():
    with pytest.raises(RunaiError) as failure:
        check_pods([{'phase': 'Running', 'k8sPhase': ['ignored']}, {'nodeId': ['n']}], '/v1/k8s/clusters/x/pods', legacy=True)
    assert str(failure.value) == "Run:ai answered GET /v1/k8s/clusters/x/pods with a pod whose nodeId is not a string (item 2 of the listing: ['n'])"


def test_measurements_with_gaps_and_numbers_pass():
    body = {'measurements': [{'type': 'GPU_UTILIZATION', 'values': [{'value': '85'}, {'value': 'NaN'}, {'value': None}, {'value': 3}]},
                             {'type': 'CPU_USAGE_CORES', 'values': None}]}
    assert check_measurements(body, '/m') is body['measurements']


@pytest.mark.parametrize('body, message', [
    ({'measurements': {}}, 'without measurements'),
    ([], 'without measurements'),
    ({'measurements': [{'type': 5, 'values': []}]}, 'with a measurement without a type (measurement 1: 5)'),
    ({'measurements': [{'type': 'A', 'values': [None]}]}, 'with a sample that is not an object (measurement 1: None)'),
    ({'measurements': [{'type': 'A', 'values': [{'value': True}]}]}, 'with a sample whose value is not a number (measurement 1: True)'),
])
def test_a_wrong_measurement_is_one_protocol_error(body, message):
    with pytest.raises(RunaiError) as failure:
        check_measurements(body, '/m')
    assert str(failure.value) == 'Run:ai answered GET /m %s' % message and failure.value.protocol


@pytest.mark.parametrize('url, shown', [
    ('https://tenant.run.ai', 'https://tenant.run.ai'),
    ('https://tok@tenant.run.ai', 'https://***@tenant.run.ai'),
    ('https://user:p@ss@tenant.run.ai/x', 'https://***@tenant.run.ai/x'),
    ('https://tenant.run.ai?token=abc#frag', 'https://tenant.run.ai?***'),
    ('tok@tenant', '***@tenant'),
    ('https://tenant.run.ai/a@b', 'https://tenant.run.ai/a@b'),
])
def test_shown_url_hides_user_info_query_and_fragment(url, shown):
    assert shown_url(url) == shown
