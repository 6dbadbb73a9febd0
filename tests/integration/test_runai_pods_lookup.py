# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The runai_pods lookup through ansible-playbook: terms, options and their sources, errors."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from playbook_runner import connection, run_tasks

MODULE = 'runai.platform.runai_pods_info'


def lookup_task(name, expression):
    return {'name': name, 'ansible.builtin.set_fact': {'value': '{{ %s }}' % expression}}


def value(run, name):
    return run[name]['ansible_facts']['value']


def test_terms_filters_and_options(sim):
    conn = connection(sim)
    run = run_tasks([
        {'name': 'module', MODULE: dict(conn, verbosity='full', fields=['id', 'nodeName', 'clusterId', 'k8sPhase'])},
        lookup_task('all', "query('runai.platform.runai_pods', fields=['id'], **conn)"),
    ], play_vars={'conn': conn})
    pods = run['module']['pods']
    node = next(pod['nodeName'] for pod in pods if pod.get('nodeName'))
    cluster = next(pod['clusterId'] for pod in pods if pod.get('nodeName') == node)
    assert value(run, 'all') == [{'id': pod['id']} for pod in pods]

    sim.clear_requests()
    run = run_tasks([
        lookup_task('terms', "query('runai.platform.runai_pods', 'nodeName==%s', filter_by=['clusterId==%s'], fields=['id'], **conn)" % (
            node, cluster)),
        lookup_task('query', "query('runai.platform.runai_pods', query=\"pods[?k8sPhase=='Failed'].id\", **conn)"),
        lookup_task('scalar', "query('runai.platform.runai_pods', query='count', max_pods=7, **conn)"),
        lookup_task('null', "query('runai.platform.runai_pods', query='summary.by_node.\"no-such-node\"', max_pods=1, **conn)"),
        lookup_task('count', "query('runai.platform.runai_pods', 'nodeName==%s', count_only=true, **conn)" % node),
    ], play_vars={'conn': conn})
    on_node = [pod['id'] for pod in pods if pod.get('nodeName') == node and pod['clusterId'] == cluster]
    assert [pod['id'] for pod in value(run, 'terms')] == on_node
    assert value(run, 'query') == [pod['id'] for pod in pods if pod['k8sPhase'] == 'Failed']
    assert value(run, 'scalar') == [7]
    assert value(run, 'null') == []
    assert value(run, 'count') == [sum(1 for pod in pods if pod.get('nodeName') == node)]
    first = [request for request in sim.requests() if request['path'] != '/api/v1/token'][0]
    assert first['params']['filterBy'] == ['clusterId==%s,nodeName==%s' % (cluster, node)]


def test_connection_from_variables_and_environment(sim):
    play_vars = {'runai_base_url': sim.base_url, 'runai_client_id': sim.client_id, 'runai_client_secret': sim.client_secret}
    run = run_tasks([lookup_task('vars', "query('runai.platform.runai_pods', max_pods=4, fields=['id'])")], play_vars=play_vars)
    assert len(value(run, 'vars')) == 4
    env = {'RUNAI_BASE_URL': sim.base_url, 'RUNAI_CLIENT_ID': sim.client_id, 'RUNAI_CLIENT_SECRET': sim.client_secret}
    run = run_tasks([lookup_task('env', "query('runai.platform.runai_pods', count_only=true) | first")], env=env)
    assert int(value(run, 'env')) > 0  # ansible-core before 2.19 renders it as a string


def test_errors_read_as_the_module_says_them(sim):
    conn = connection(sim)
    run = run_tasks([
        lookup_task('bad term', "query('runai.platform.runai_pods', 'nodeName==a', 'nodName==x', **conn)"),
        lookup_task('both', "query('runai.platform.runai_pods', query='count', count_only=true, **conn)"),
        lookup_task('bad uuid', "query('runai.platform.runai_pods', workload_id='abc', **conn)"),
        lookup_task('not found', "query('runai.platform.runai_pods', workload_id='00000000-0000-4000-8000-000000000000', **conn)"),
        {'name': 'module not found', MODULE: dict(conn, workload_id='00000000-0000-4000-8000-000000000000')},
        lookup_task('no credentials', "query('runai.platform.runai_pods', base_url='%s')" % sim.base_url),
    ], play_vars={'conn': conn})
    assert "term 2 'nodName==x': unknown field 'nodName'; valid fields: clusterId, workloadId" in run['bad term']['msg']
    assert 'query and count_only are mutually exclusive: count_only returns only the count' in run['both']['msg']
    assert "workload_id 'abc' is not a UUID (expected the form 8-4-4-4-12 hexadecimal digits)" in run['bad uuid']['msg']
    assert run['module not found']['msg'] in run['not found']['msg']
    assert 'No credentials: set client_id and client_secret, or token' in run['no credentials']['msg']
    assert [request['path'] for request in sim.requests() if request['path'] != '/api/v1/token'] == [
        '/api/v1/workloads/00000000-0000-4000-8000-000000000000/pods'] * 2
