# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Hostile-input suite: every bad input fails before any request, naming the option and the value."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from playbook_runner import connection, run_tasks
from reliability_figures import FIGURES

PODS = 'runai.platform.runai_pods_info'
METRICS = 'runai.platform.runai_pod_metrics_info'
LOOKUP = 'lookup'
UUID = '71f69d83-ba66-4822-adf5-55ce55efd210'
LONG = 'x' * 5000
NOT_A_UUID = 'is not a UUID (expected the form 8-4-4-4-12 hexadecimal digits)'
RELATIVE = 'is not an ISO 8601 date-time, now, or -<n><unit> with one unit of s, m, h, d, w (as in -30s, -15m, -2h, -1d, -1w)'
BEFORE_YEAR_1 = 'is out of range: it falls before 0001-01-01T00:00:00.000Z, the earliest date that can be sent'
AFTER_YEAR_9999 = 'is out of range: it falls after 9999-12-31T23:59:59.999Z, the latest date that can be sent'
YEAR_1_CET = '0001-01-01T00:00:00+01:00'
YEAR_9999_AZOT = '9999-12-31T23:59:59-01:00'
GPU = dict(workload_id=UUID, metric_types=['GPU_UTILIZATION'])

# (plugin, options (connection overrides under 'connection'), what the message must contain)
CASES = [
    # UUIDs
    (PODS, dict(workload_id='1234'), "workload_id '1234' " + NOT_A_UUID),
    (PODS, dict(workload_id=''), "workload_id '' " + NOT_A_UUID),
    (PODS, dict(workload_id=UUID + ' '), "workload_id '%s ' %s" % (UUID, NOT_A_UUID)),
    (PODS, dict(workload_id='{%s}' % UUID), "workload_id '{%s}' %s" % (UUID, NOT_A_UUID)),
    (PODS, dict(workload_id=UUID.replace('a', 'g')), "workload_id '%s' %s" % (UUID.replace('a', 'g'), NOT_A_UUID)),
    (PODS, dict(cluster_id=12345), "cluster_id '12345' " + NOT_A_UUID),
    (PODS, dict(cluster_id='ünïcode'), "cluster_id 'ünïcode' " + NOT_A_UUID),
    (PODS, dict(cluster_id=LONG), "cluster_id '%s... (5002 characters) %s" % ('x' * 76, NOT_A_UUID)),
    (METRICS, dict(workload_id='w', metric_types=['GPU_UTILIZATION']), "workload_id 'w' " + NOT_A_UUID),
    (METRICS, dict(workload_id=UUID, pod_id='pod-0', metric_types=['GPU_UTILIZATION']), "pod_id 'pod-0' " + NOT_A_UUID),
    (LOOKUP, dict(workload_id='abc'), "workload_id 'abc' " + NOT_A_UUID),
    (LOOKUP, dict(cluster_id='not-a-cluster'), "cluster_id 'not-a-cluster' " + NOT_A_UUID),
    # filters
    (PODS, dict(filter_by=['nodName==x']), "filter_by item 'nodName==x': unknown field 'nodName'; valid fields: clusterId, workloadId, revisionId, "
                                           "nodeName, currentNodepool, createdAt, completedAt, deletedAt"),
    (PODS, dict(filter_by=['phase==Failed']), "filter_by item 'phase==Failed': unknown field 'phase'"),
    (PODS, dict(filter_by=['k8sPhase==Running']), "filter_by item 'k8sPhase==Running': unknown field 'k8sPhase'"),
    (PODS, dict(filter_by=['currentNodePool==h100']), "filter_by item 'currentNodePool==h100': unknown field 'currentNodePool' (the filter key is "
                                                      "'currentNodepool', with a lower-case p)"),
    (PODS, dict(filter_by=['nodeName~=a']), "filter_by item 'nodeName~=a': has no operator; valid operators: ==, !=, <=, >=, =@, !@, =^, =$"),
    (PODS, dict(filter_by=['nodeName']), "filter_by item 'nodeName': has no operator"),
    (PODS, dict(filter_by=['==gpu-node-1']), "filter_by item '==gpu-node-1': unknown field ''"),
    (PODS, dict(filter_by=['nodeName==']), "filter_by item 'nodeName==': has an empty value"),
    (PODS, dict(filter_by=['nödeName==x']), "filter_by item 'nödeName==x': unknown field 'nödeName'"),
    (PODS, dict(filter_by=['createdAt=@2026']), "filter_by item 'createdAt=@2026': operator '=@' does not apply to the date field createdAt; "
                                                "valid operators for dates: ==, !=, <=, >="),
    (PODS, dict(filter_by=['completedAt=^2026']), "filter_by item 'completedAt=^2026': operator '=^' does not apply to the date field completedAt"),
    (PODS, dict(filter_by=['deletedAt>=yesterday']), "filter_by item 'deletedAt>=yesterday': deletedAt needs an ISO 8601 date-time, got 'yesterday'"),
    (PODS, dict(filter_by=['createdAt<=2026-02-30']), "createdAt needs an ISO 8601 date-time, got '2026-02-30'"),
    (PODS, dict(filter_by=['createdAt>=2026-11-27T25:00:00Z']), "createdAt needs an ISO 8601 date-time, got '2026-11-27T25:00:00Z'"),
    (PODS, dict(filter_by=['createdAt>=27/11/2026']), "createdAt needs an ISO 8601 date-time, got '27/11/2026'"),
    (PODS, dict(filter_by=['nodeName==a', 'clusterID==b']), "filter_by item 'clusterID==b': unknown field 'clusterID'"),
    (LOOKUP, dict(terms=['nodeName==a', 'nodName==x']), "term 2 'nodName==x': unknown field 'nodName'"),
    (LOOKUP, dict(terms=['createdAt=$2026']), "term 1 'createdAt=$2026': operator '=$' does not apply to the date field createdAt"),
    (LOOKUP, dict(filter_by=['deletedAt!=soon']), "filter_by item 'deletedAt!=soon': deletedAt needs an ISO 8601 date-time, got 'soon'"),
    # ranges
    (PODS, dict(page_size=0), 'page_size must be an integer from 1 to 500, got 0'),
    (PODS, dict(page_size=501), 'page_size must be an integer from 1 to 500, got 501'),
    (PODS, dict(page_size=-10), 'page_size must be an integer from 1 to 500, got -10'),
    (PODS, dict(page_size='many'), "page_size"),
    (PODS, dict(offset=-1), 'offset must be an integer 0 or more, got -1'),
    (PODS, dict(max_pods=0), 'max_pods must be an integer 1 or more, got 0'),
    (PODS, dict(max_pods=-3), 'max_pods must be an integer 1 or more, got -3'),
    (LOOKUP, dict(page_size=1000), 'page_size must be an integer from 1 to 500, got 1000'),
    (LOOKUP, dict(page_size=True), 'page_size must be an integer from 1 to 500, got True'),
    (LOOKUP, dict(max_pods=True), 'max_pods must be an integer 1 or more, got True'),
    (PODS, dict(max_pods=True), 'max_pods must be an integer 1 or more, got True'),
    (METRICS, dict(workload_id=UUID, metric_types=['GPU_UTILIZATION'], samples=1001), 'samples must be an integer from 0 to 1000, got 1001'),
    (METRICS, dict(workload_id=UUID, metric_types=['GPU_UTILIZATION'], samples=-1), 'samples must be an integer from 0 to 1000, got -1'),
    # time ranges
    (METRICS, dict(workload_id=UUID, metric_types=['GPU_UTILIZATION'], start='-1h', end='-2h'), "start must be before end: start '-1h' is "),
    (METRICS, dict(workload_id=UUID, metric_types=['GPU_UTILIZATION'], start='now'), "start must be before end: start 'now' is "),
    (METRICS, dict(workload_id=UUID, metric_types=['GPU_UTILIZATION'], start='2030-01-01T00:00:00Z'), "start must be before end: "),
    (METRICS, dict(workload_id=UUID, metric_types=['GPU_UTILIZATION'], start='yesterday'), "start 'yesterday' " + RELATIVE),
    (METRICS, dict(workload_id=UUID, metric_types=['GPU_UTILIZATION'], start='-1y'), "start '-1y' " + RELATIVE),
    (METRICS, dict(workload_id=UUID, metric_types=['GPU_UTILIZATION'], start='1h'), "start '1h' " + RELATIVE),
    (METRICS, dict(workload_id=UUID, metric_types=['GPU_UTILIZATION'], start='+1h'), "start '+1h' " + RELATIVE),
    (METRICS, dict(workload_id=UUID, metric_types=['GPU_UTILIZATION'], start='-1.5h'), "start '-1.5h' " + RELATIVE),
    (METRICS, dict(workload_id=UUID, metric_types=['GPU_UTILIZATION'], end='tomorrow'), "end 'tomorrow' " + RELATIVE),
    # dates beyond the calendar Python can represent (years 1 to 9999 in UTC): one sentence, never an OverflowError
    (METRICS, dict(GPU, start='-99999999w'), "start '-99999999w' " + BEFORE_YEAR_1),
    (METRICS, dict(GPU, start='-999999999999d'), "start '-999999999999d' " + BEFORE_YEAR_1),
    (METRICS, dict(GPU, start='-' + '9' * 5000 + 's'), "start '-%s... (5004 characters) %s" % ('9' * 75, BEFORE_YEAR_1)),
    (METRICS, dict(GPU, start=YEAR_1_CET), "start '%s' %s" % (YEAR_1_CET, BEFORE_YEAR_1)),
    (METRICS, dict(GPU, start='0000-01-01'), "start '0000-01-01' " + BEFORE_YEAR_1),
    (METRICS, dict(GPU, end=YEAR_9999_AZOT), "end '%s' %s" % (YEAR_9999_AZOT, AFTER_YEAR_9999)),
    (PODS, dict(filter_by=['createdAt>=' + YEAR_1_CET]), "filter_by item 'createdAt>=%s': createdAt '%s' %s" % (YEAR_1_CET, YEAR_1_CET, BEFORE_YEAR_1)),
    (PODS, dict(filter_by=['createdAt<=' + YEAR_9999_AZOT]),
     "filter_by item 'createdAt<=%s': createdAt '%s' %s" % (YEAR_9999_AZOT, YEAR_9999_AZOT, AFTER_YEAR_9999)),
    (PODS, dict(filter_by=['deletedAt==0000-01-01']), "filter_by item 'deletedAt==0000-01-01': deletedAt '0000-01-01' " + BEFORE_YEAR_1),
    (PODS, dict(filter_by=['completedAt>=10000-01-01']), "completedAt needs an ISO 8601 date-time, got '10000-01-01'"),
    (LOOKUP, dict(terms=['completedAt<=' + YEAR_9999_AZOT]),
     "term 1 'completedAt<=%s': completedAt '%s' %s" % (YEAR_9999_AZOT, YEAR_9999_AZOT, AFTER_YEAR_9999)),
    (LOOKUP, dict(filter_by=['createdAt>=' + YEAR_1_CET]), "filter_by item 'createdAt>=%s': createdAt '%s' %s" % (YEAR_1_CET, YEAR_1_CET, BEFORE_YEAR_1)),
    # metric types
    (METRICS, dict(workload_id=UUID, metric_types=['GPU_TEMPERATURE']), 'metric_types'),
    (METRICS, dict(workload_id=UUID, metric_types=['gpu_utilization']), 'gpu_utilization'),
    (METRICS, dict(workload_id=UUID, metric_types=[]), 'metric_types'),
    # JMESPath
    (PODS, dict(query='pods[?'), "query 'pods[?' is not a valid JMESPath expression: "),
    (PODS, dict(query='length(pods'), "query 'length(pods' is not a valid JMESPath expression: "),
    (PODS, dict(wait=True, wait_for='count >'), "wait_for 'count >' is not a valid JMESPath expression: "),
    (PODS, dict(wait=True), 'wait: true requires wait_for'),
    (PODS, dict(wait_for='count'), 'wait_for applies only with wait: true'),
    (PODS, dict(wait=True, wait_for='count', wait_timeout=-1), 'wait_timeout must be 0 or more seconds, got -1'),
    (PODS, dict(wait=True, wait_for='count', wait_sleep=0), 'wait_sleep must be 1 or more seconds, got 0'),
    (LOOKUP, dict(query='[?'), "query '[?' is not a valid JMESPath expression: "),
    # combinations
    (PODS, dict(workload_id=UUID, cluster_id=UUID), 'workload_id and cluster_id are mutually exclusive; give one of them'),
    (PODS, dict(workload_id=UUID, sort_by='createdAt'), 'sort_by does not apply to workload_id'),
    (PODS, dict(workload_id=UUID, verbosity='full'), 'verbosity does not apply to workload_id'),
    (PODS, dict(legacy_endpoint=True), 'legacy_endpoint requires cluster_id'),
    (PODS, dict(legacy_endpoint=True, cluster_id=UUID, offset=10), 'offset cannot be honoured by legacy_endpoint'),
    (PODS, dict(legacy_endpoint=True, cluster_id=UUID, count_only=True), 'count_only cannot be honoured by legacy_endpoint'),
    (PODS, dict(count_only=True, completed=False), 'completed does not apply to count_only'),
    (PODS, dict(sort_by='name'), 'sort_by'),
    (PODS, dict(sort_order='up'), 'sort_order'),
    (LOOKUP, dict(query='count', count_only=True), 'query and count_only are mutually exclusive: count_only returns only the count'),
    # connection
    (PODS, dict(connection=dict(token='abc')), 'token and client_id/client_secret are mutually exclusive; authenticate one way'),
    (PODS, dict(connection=dict(client_id=None, client_secret=None)), 'No credentials: set client_id and client_secret, or token'),
    (PODS, dict(connection=dict(client_secret=None)), 'client_secret is required with client_id'),
    (PODS, dict(connection=dict(base_url='run.ai')), "base_url 'run.ai' must start with https:// (or http://) and name a host"),
    (PODS, dict(connection=dict(base_url='ftp://tenant.run.ai')), "base_url 'ftp://tenant.run.ai' must start with https://"),
    (PODS, dict(connection=dict(base_url='https://tenant.run.ai/api/v1')), "base_url 'https://tenant.run.ai/api/v1' must be the address of the"),
    (PODS, dict(connection=dict(base_url='https://tenant.run.ai?x=1')), "base_url 'https://tenant.run.ai?***' must be the address"),
    (PODS, dict(connection=dict(base_url='https://me:pa55word@tenant.run.ai')), 'base_url must not hold credentials (user:password@)'),
    (PODS, dict(connection=dict(timeout=0)), 'timeout must be a number of seconds greater than 0, got 0.0'),
    (PODS, dict(connection=dict(timeout=-1)), 'timeout must be a number of seconds greater than 0, got -1.0'),
    (PODS, dict(connection=dict(retries=-1)), 'retries must be an integer of 0 or more, got -1'),
    (PODS, dict(connection=dict(ca_path='/no/such/ca.pem')), "ca_path '/no/such/ca.pem' is not a file"),
    (METRICS, dict(workload_id=UUID, metric_types=['GPU_UTILIZATION'], connection=dict(base_url='')), 'base_url is required'),
    (LOOKUP, dict(connection=dict(token='t')), 'token and client_id/client_secret are mutually exclusive'),
    (LOOKUP, dict(connection=dict(timeout=-2)), 'timeout must be a number of seconds greater than 0'),
]


def task(index, sim, plugin, options):
    options = dict(options)
    conn = connection(sim, **options.pop('connection', {}))
    if plugin == LOOKUP:
        terms = ', '.join(repr(term) for term in options.pop('terms', []))
        arguments = ', '.join(filter(None, [repr('runai.platform.runai_pods'), terms, '**args']))
        return {'name': 'case %d' % index, 'ansible.builtin.set_fact': {'value': '{{ query(%s) }}' % arguments},
                'vars': {'args': dict(conn, **options)}}
    return {'name': 'case %d' % index, plugin: dict(conn, **options)}


# Every case runs under the plugin it names: the parameters come from the table, so no case can be left out.
@pytest.mark.parametrize('plugin', sorted(set(plugin for plugin, _options, _message in CASES)))
def test_every_bad_input_fails_before_any_request(sim, plugin, secret_scan):
    cases = [(index, options, message) for index, (each, options, message) in enumerate(CASES) if each == plugin]
    run = run_tasks([task(index, sim, plugin, options) for index, options, _message in cases], verbosity=4)
    for index, options, message in cases:
        result = run['case %d' % index]
        assert result['failed'] is True, (options, result)
        assert message in result['msg'], (options, result['msg'])
        assert '\n' not in result['msg'] and 'Traceback' not in result['msg']
        if plugin != LOOKUP:
            assert result.get('requests', 0) == 0
    assert sim.requests() == []
    secret_scan(run, sim)
    FIGURES['hostile inputs refused'] += len(cases)
