# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pod options turned into API requests, summaries, filters and JMESPath truth."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.runai.platform.plugins.module_utils._client import RunaiError
from ansible_collections.runai.platform.plugins.module_utils._filters import parse_filter
from ansible_collections.runai.platform.plugins.module_utils._jmespath import is_true
from ansible_collections.runai.platform.plugins.module_utils._pod_query import read_pod_query
from ansible_collections.runai.platform.plugins.module_utils._pod_reads import trim
from ansible_collections.runai.platform.plugins.module_utils._pod_summary import Summary, summarize

WORKLOAD = '5d2e6c7e-8a52-4b4f-9c39-1c2f0c1e8a11'
CLUSTER = '71f69d83-ba66-4822-adf5-55ce55efd210'
DEFAULTS = dict(filter_by=[], deleted=False, offset=0, page_size=500, count_only=False, legacy_endpoint=False)


def query_from(**options):
    values = dict(DEFAULTS, **options)
    return read_pod_query(values.get)


def refused(**options):
    with pytest.raises(RunaiError) as failure:
        query_from(**options)
    return str(failure.value)


# -- filters and dates -------------------------------------------------------------------------------

@pytest.mark.parametrize('expression, expected', [
    ('nodeName==gpu-node-1', 'nodeName==gpu-node-1'),
    ('currentNodepool=^h1', 'currentNodepool=^h1'),
    ('nodeName!@a,b', 'nodeName!@a,b'),
    ('completedAt<=2026-11-27T12:00:00+01:00', 'completedAt<=2026-11-27T11:00:00.000Z'),
    ('workloadId=$8a11', 'workloadId=$8a11'),
])
def test_valid_filters_are_sent_normalised(expression, expected):
    assert parse_filter(expression) == expected


@pytest.mark.parametrize('expression, reason', [
    ('nodName==x', "unknown field 'nodName'; valid fields: clusterId, workloadId, revisionId, nodeName, currentNodepool, "
                   "createdAt, completedAt, deletedAt"),
    ('currentNodePool==h100', "unknown field 'currentNodePool' (the filter key is 'currentNodepool', with a lower-case p); valid fields: "
                              "clusterId, workloadId, revisionId, nodeName, currentNodepool, createdAt, completedAt, deletedAt"),
    ('nodeName~x', 'has no operator; valid operators: ==, !=, <=, >=, =@, !@, =^, =$'),
    ('nodeName==', 'has an empty value'),
    ('createdAt=@2026', "operator '=@' does not apply to the date field createdAt; valid operators for dates: ==, !=, <=, >="),
    ('deletedAt>=yesterday', "deletedAt needs an ISO 8601 date-time, got 'yesterday'"),
    ('createdAt>=2026-02-30', "createdAt needs an ISO 8601 date-time, got '2026-02-30'"),
])
def test_bad_filters_say_why(expression, reason):
    with pytest.raises(ValueError) as failure:
        parse_filter(expression)
    assert str(failure.value) == reason


# -- options to requests ------------------------------------------------------------------------------

def test_list_options_become_api_parameters():
    pod_query = query_from(cluster_id=CLUSTER, filter_by=['nodeName=@dgx', 'createdAt>=2026-11-27'], search='llama', sort_by='createdAt',
                           sort_order='desc', verbosity='full', completed=False, deleted=True)
    assert pod_query.path == '/api/v1/workloads/pods'
    assert pod_query.params == [('deleted', True), ('sortOrder', 'desc'), ('sortBy', 'createdAt'),
                                ('filterBy', ['nodeName=@dgx', 'createdAt>=2026-11-27T00:00:00.000Z', 'clusterId==' + CLUSTER]),
                                ('verbosity', 'full'), ('completed', False), ('search', 'llama')]


def test_workload_pods_use_the_workload_path():
    pod_query = query_from(workload_id=WORKLOAD, search='worker', max_pods=10)
    assert pod_query.path == '/api/v1/workloads/%s/pods' % WORKLOAD
    assert pod_query.params == [('search', 'worker')]
    assert pod_query.scope_label == "Workload '%s'" % WORKLOAD


def test_count_only_sends_only_what_the_count_path_takes():
    pod_query = query_from(workload_id=WORKLOAD, count_only=True, deleted=True)
    assert pod_query.path == '/api/v1/workloads/pods/count'
    assert pod_query.params == [('deleted', True), ('filterBy', ['workloadId==' + WORKLOAD])]


def test_legacy_endpoint_reads_the_cluster_path():
    pod_query = query_from(cluster_id=CLUSTER, legacy_endpoint=True, max_pods=3)
    assert (pod_query.path, pod_query.params, pod_query.legacy) == ('/v1/k8s/clusters/%s/pods' % CLUSTER, [], True)


@pytest.mark.parametrize('options, message', [
    (dict(workload_id='nope'), "workload_id 'nope' is not a UUID (expected the form 8-4-4-4-12 hexadecimal digits)"),
    (dict(cluster_id=12), 'cluster_id 12 is not a UUID (expected the form 8-4-4-4-12 hexadecimal digits)'),
    (dict(workload_id=WORKLOAD, cluster_id=CLUSTER), 'workload_id and cluster_id are mutually exclusive; give one of them'),
    (dict(workload_id=WORKLOAD, sort_by='nodeName'),
     'sort_by does not apply to workload_id (the API path of one workload takes no sort, filter, verbosity or completed)'),
    (dict(workload_id=WORKLOAD, completed=False),
     'completed does not apply to workload_id (the API path of one workload takes no sort, filter, verbosity or completed)'),
    (dict(workload_id=WORKLOAD, filter_by=['nodeName==a']),
     'filter_by does not apply to workload_id (the API path of one workload takes no sort, filter, verbosity or completed)'),
    (dict(legacy_endpoint=True), 'legacy_endpoint requires cluster_id (the deprecated path lists the pods of one cluster)'),
    (dict(legacy_endpoint=True, cluster_id=CLUSTER, search='x'),
     'search cannot be honoured by legacy_endpoint (the deprecated path takes no parameters)'),
    (dict(legacy_endpoint=True, cluster_id=CLUSTER, page_size=100),
     'page_size cannot be honoured by legacy_endpoint (the deprecated path takes no parameters)'),
    (dict(legacy_endpoint=True, cluster_id=CLUSTER, deleted=True),
     'deleted cannot be honoured by legacy_endpoint (the deprecated path takes no parameters)'),
    (dict(count_only=True, completed=True), 'completed does not apply to count_only (the count path does not take it)'),
    (dict(count_only=True, max_pods=5), 'max_pods does not apply to count_only (the count path does not take it)'),
    (dict(count_only=True, offset=10), 'offset does not apply to count_only (the count path does not take it)'),
    (dict(count_only=True, page_size=100), 'page_size does not apply to count_only (the count path does not take it)'),
    (dict(count_only=True, sort_by='createdAt'), 'sort_by does not apply to count_only (the count path does not take it)'),
    (dict(count_only=True, sort_order='desc'), 'sort_order does not apply to count_only (the count path does not take it)'),
    (dict(count_only=True, verbosity='full'), 'verbosity does not apply to count_only (the count path does not take it)'),
    (dict(count_only=True, fields=['name']), 'fields does not apply to count_only (the count path does not take it)'),
    (dict(page_size=0), 'page_size must be an integer from 1 to 500, got 0'),
    (dict(page_size=501), 'page_size must be an integer from 1 to 500, got 501'),
    (dict(offset=-1), 'offset must be an integer 0 or more, got -1'),
    (dict(max_pods=0), 'max_pods must be an integer 1 or more, got 0'),
    (dict(filter_by=['nodeName==a', 'phase==Running']), "filter_by item 'phase==Running': unknown field 'phase'; valid fields: "
     "clusterId, workloadId, revisionId, nodeName, currentNodepool, createdAt, completedAt, deletedAt"),
    (dict(query='pods[?'), "query 'pods[?' is not a valid JMESPath expression: Invalid jmespath expression: Incomplete expression at column 6"),
    (dict(fields=['name', '']), "fields must be a list of pod field names, got ['name', '']"),
])
def test_bad_pod_options_are_refused_with_the_option_and_value(options, message):
    assert refused(**options) == message


def test_lookup_terms_are_named_by_position():
    values = dict(DEFAULTS)
    with pytest.raises(RunaiError) as failure:
        read_pod_query(values.get, extra_filters=['nodeName==a', 'nodName==x'], filter_label=lambda index, text: 'term %d %r' % (index, text))
    assert str(failure.value).startswith("term 2 'nodName==x': unknown field 'nodName'; valid fields: ")


# -- results ------------------------------------------------------------------------------------------

def test_summary_counts_phases_nodes_pools_and_gpus():
    pods = [
        {'k8sPhase': 'Running', 'nodeName': 'n1', 'currentNodePool': 'h100', 'allocatedResources': {'gpu': 8}},
        {'k8sPhase': 'Running', 'nodeName': 'n1', 'currentNodePool': 'h100', 'allocatedResources': {'gpu': 0.5}},
        {'k8sPhase': 'Pending', 'nodeName': None, 'currentNodePool': None, 'allocatedResources': None},
        {'k8sPhase': 'Failed', 'nodeName': 'n2', 'currentNodePool': 'a100'},
    ]
    # Every phase is named, 0 where none (SPEC 3).
    assert summarize(pods) == {'total': 4, 'by_phase': {'Pending': 1, 'Running': 2, 'Succeeded': 0, 'Failed': 1, 'Unknown': 0},
                               'by_node': {'n1': 2, '': 1, 'n2': 1}, 'by_nodepool': {'h100': 2, '': 1, 'a100': 1}, 'gpu_allocated': 8.5}


def test_gpu_allocated_is_a_float_without_noise():
    assert summarize([{'allocatedResources': {'gpu': 0.1}}] * 3)['gpu_allocated'] == 0.3
    whole = summarize([{'allocatedResources': {'gpu': 8}}, {'allocatedResources': {'gpu': 0}}])['gpu_allocated']
    assert whole == 8.0 and isinstance(whole, float)
    assert isinstance(summarize([])['gpu_allocated'], float)


def test_summary_adds_page_by_page_to_the_same_counts():
    pods = [{'k8sPhase': phase, 'nodeName': 'n%d' % (number % 3), 'currentNodePool': None, 'allocatedResources': {'gpu': 0.25}}
            for number, phase in enumerate(['Running', 'Pending', 'Failed'] * 7)]
    paged = Summary()
    for start in range(0, len(pods), 4):
        paged.add(pods[start:start + 4])
    assert paged.result() == summarize(pods)


def test_summary_of_legacy_pods_reads_the_legacy_keys():
    pods = [{'phase': 'Running', 'nodeId': 'n1', 'nodePool': 'default', 'resourceAllocation': {'gpu': 2}}]
    assert summarize(pods, legacy=True) == {'total': 1, 'by_phase': {'Pending': 0, 'Running': 1, 'Succeeded': 0, 'Failed': 0, 'Unknown': 0},
                                            'by_node': {'n1': 1}, 'by_nodepool': {'default': 1}, 'gpu_allocated': 2}


def test_fields_keep_only_the_named_keys():
    assert trim([{'name': 'a', 'id': '1', 'k8sPhase': 'Running'}], ['name', 'k8sPhase', 'missing']) == [{'name': 'a', 'k8sPhase': 'Running'}]


@pytest.mark.parametrize('value, truth', [(False, False), (None, False), ('', False), ([], False), ({}, False),
                                          (0, True), (0.0, True), ('no', True), ([0], True), ({'a': None}, True), (True, True)])
def test_jmespath_truth(value, truth):
    assert is_true(value) is truth


def test_very_long_values_are_cut_in_messages():
    message = refused(workload_id='a' * 10000)
    assert message == "workload_id '%s... (10002 characters) is not a UUID (expected the form 8-4-4-4-12 hexadecimal digits)" % ('a' * 76)
