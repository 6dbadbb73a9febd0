# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Where connection options come from, as a vault or AWX user sets them, and failures a playbook can act on.

Regression tests of issue 10: templated lookup variables, unknown lookup keywords, a task's token over an AWX
credential in the environment, and failed results that carry status, method, path and server_message.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import tempfile
import urllib.request

import yaml

from playbook_runner import connection, run_tasks

MODULE = 'runai.platform.runai_pods_info'
METRICS = 'runai.platform.runai_pod_metrics_info'
MISSING = '00000000-0000-4000-8000-000000000000'
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def lookup_task(name, expression):
    return {'name': name, 'ansible.builtin.set_fact': {'value': '{{ %s }}' % expression}}


def value(run, name):
    return run[name]['ansible_facts']['value']


def obtain_token(sim):
    body = json.dumps({'grantType': 'client_credentials', 'clientID': sim.client_id, 'clientSecret': sim.client_secret}).encode()
    request = urllib.request.Request(sim.base_url + '/api/v1/token', data=body, headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)['accessToken']


def awx_environment(sim, **extra):
    """What an AWX credential of the type in docs/awx.md injects."""
    return dict({'RUNAI_BASE_URL': sim.base_url, 'RUNAI_CLIENT_ID': sim.client_id, 'RUNAI_CLIENT_SECRET': sim.client_secret}, **extra)


def test_lookup_variables_holding_templates_are_templated_like_module_options(sim):
    play_vars = {'vault_runai_client_id': sim.client_id, 'vault_runai_client_secret': sim.client_secret, 'vault_url': sim.base_url,
                 'runai_base_url': '{{ vault_url }}', 'runai_client_id': '{{ vault_runai_client_id }}',
                 'runai_client_secret': '{{ vault_runai_client_secret }}', 'runai_retries': '{{ 0 + 1 }}'}
    run = run_tasks([lookup_task('vault style', "query('runai.platform.runai_pods', count_only=true) | first")], play_vars=play_vars)
    assert int(value(run, 'vault style')) > 0
    token_requests = [request for request in sim.requests() if request['path'] == '/api/v1/token']
    assert len(token_requests) == 1


def test_a_keyword_that_is_not_an_option_fails_instead_of_widening_the_scope(sim):
    conn = connection(sim)
    run = run_tasks([
        lookup_task('typo', "query('runai.platform.runai_pods', node_pool='h100', **conn)"),
        lookup_task('two typos', "query('runai.platform.runai_pods', workload='x', nodepool='h100', **conn)"),
    ], play_vars={'conn': conn})
    assert run['typo']['failed'] is True
    assert ("node_pool is not an option of the runai_pods lookup; valid options: base_url, ca_path, client_id, client_secret, "
            "cluster_id, completed, count_only, deleted, fields, filter_by, max_pods, page_size, query, retries, revision_id, search, "
            "sort_by, sort_order, timeout, token, validate_certs, verbosity, workload_id") in run['typo']['msg']
    assert 'nodepool, workload are not options of the runai_pods lookup; valid options: ' in run['two typos']['msg']
    assert sim.requests() == []


def test_a_missing_base_url_names_the_lookup_variable(sim):
    run = run_tasks([lookup_task('no url', "query('runai.platform.runai_pods', token='abc')")])
    assert ('base_url is required: set it through the base_url keyword, or the runai_base_url variable, '
            'or the RUNAI_BASE_URL environment variable') in run['no url']['msg']


def test_a_token_in_the_task_wins_over_an_awx_credential_in_the_environment(sim):
    token = obtain_token(sim)
    sim.clear_requests()
    run = run_tasks([
        {'name': 'module token', MODULE: {'token': token, 'max_pods': 2}},
        lookup_task('lookup token', "query('runai.platform.runai_pods', token='%s', max_pods=2, fields=['id'])" % token),
        lookup_task('variable token', "query('runai.platform.runai_pods', max_pods=2, fields=['id'])"),
    ], env=awx_environment(sim), play_vars={'runai_token': token})
    assert run['module token']['count'] == 2 and run['module token']['requests'] == 1
    assert len(value(run, 'lookup token')) == 2 and len(value(run, 'variable token')) == 2
    assert not [request for request in sim.requests() if request['path'] == '/api/v1/token']


def test_client_credentials_in_the_task_win_over_a_token_in_the_environment(sim):
    run = run_tasks([{'name': 'module', MODULE: dict(connection(sim), max_pods=1)}],
                    env={'RUNAI_TOKEN': 'stale-token-from-the-environment'})
    assert run['module']['count'] == 1
    assert [request['path'] for request in sim.requests()][0] == '/api/v1/token'


def test_both_ways_at_one_level_fail_saying_where_each_came_from(sim):
    run = run_tasks([
        {'name': 'task', MODULE: dict(connection(sim), token='abc')},
        {'name': 'environment', MODULE: {'max_pods': 1}},
    ], env=awx_environment(sim, RUNAI_TOKEN='abc'))
    assert run['task']['msg'] == ('token and client_id/client_secret are mutually exclusive; authenticate one way (token from the task '
                                  'option token; client_id from the task option client_id; client_secret from the task option client_secret)')
    assert run['environment']['msg'] == (
        'token and client_id/client_secret are mutually exclusive; authenticate one way (token from the environment variable RUNAI_TOKEN; '
        'client_id from the environment variable RUNAI_CLIENT_ID; client_secret from the environment variable RUNAI_CLIENT_SECRET)')
    assert sim.requests() == []


def test_failed_results_carry_what_a_rescue_needs(sim):
    conn = connection(sim)
    run = run_tasks([
        {'name': 'missing workload', MODULE: dict(conn, workload_id=MISSING)},
        {'name': 'missing pod', METRICS: dict(conn, workload_id=MISSING, pod_id=MISSING, metric_types=['GPU_UTILIZATION'])},
        {'name': 'bad input', MODULE: dict(conn, workload_id='abc')},
    ])
    failed = run['missing workload']
    assert failed['status'] == 404 and failed['method'] == 'GET'
    assert failed['path'] == '/api/v1/workloads/%s/pods' % MISSING
    assert failed['server_message'] and failed['server_message'] in failed['msg']
    assert run['missing pod']['status'] == 404
    assert run['missing pod']['path'] == '/api/v1/workloads/%s/pods/%s/metrics' % (MISSING, MISSING)
    assert 'status' not in run['bad input'] and 'path' not in run['bad input']


def test_a_ca_path_that_is_not_pem_says_so(tls_simulator):
    # A short path, quoted whole: a message cuts a value longer than 80 characters, as pytest's tmp_path may be.
    with tempfile.TemporaryDirectory(prefix='ca-') as folder:
        not_pem = os.path.join(folder, 'ca.der')
        with open(not_pem, 'wb') as handle:
            handle.write(b'\x30\x82\x01\x0a binary DER, not PEM')
        run = run_tasks([{'name': 'der', MODULE: dict(connection(tls_simulator, ca_path=not_pem), max_pods=1)}])
    assert run['der']['msg'] == ("ca_path '%s' is not a PEM bundle: it holds no \"-----BEGIN CERTIFICATE-----\" block "
                                 "(it must be a PEM bundle of the CA that signed the server certificate)" % not_pem)


def test_credentials_from_the_environment_and_templated_variables_stay_secret(sim, secret_scan):
    token = obtain_token(sim)
    sim.clear_requests()
    tasks = [
        {'name': 'awx credential', MODULE: {'max_pods': 2}},
        {'name': 'task token over awx', MODULE: {'token': token, 'max_pods': 1}},
        {'name': 'wrong secret in env', MODULE: {'max_pods': 1, 'client_secret': sim.client_secret + 'x'}},
        {'name': 'conflict', MODULE: {'max_pods': 1, 'token': token, 'client_id': sim.client_id}},
        lookup_task('vault lookup', "query('runai.platform.runai_pods', max_pods=2, fields=['id'])"),
        lookup_task('vault lookup failure', "query('runai.platform.runai_pods', 'nodeName')"),
    ]
    play_vars = {'vault_runai_client_secret': sim.client_secret, 'runai_client_secret': '{{ vault_runai_client_secret }}',
                 'runai_client_id': sim.client_id, 'runai_base_url': sim.base_url}
    run = run_tasks(tasks, env=awx_environment(sim), play_vars=play_vars, verbosity=4)
    assert run['awx credential']['count'] == 2 and run['task token over awx']['count'] == 1
    assert len(value(run, 'vault lookup')) == 2 and run['vault lookup failure']['failed']
    assert run['wrong secret in env']['failed'] and run['conflict']['failed']
    secret_scan(run, sim)
    assert token not in run.everything


def test_every_request_names_the_collection_version_and_ansible_core(sim):
    from ansible.release import __version__ as core_version  # the ansible-core that runs the playbook
    with open(os.path.join(ROOT, 'galaxy.yml')) as galaxy:
        version = yaml.safe_load(galaxy)['version']
    conn = connection(sim)
    run_tasks([{'name': 'module', MODULE: dict(conn, max_pods=1)},
               lookup_task('lookup', "query('runai.platform.runai_pods', max_pods=1, **conn)")], play_vars={'conn': conn})
    agents = set(request['user_agent'] for request in sim.requests())
    assert agents == {'runai.platform/%s ansible-core/%s' % (version, core_version)}


def test_the_documented_metrics_gate_shows_the_real_cause_of_a_failed_request(sim):
    task = {'name': 'example', METRICS: dict(connection(sim, client_secret='wrong'), workload_id=MISSING, metric_types=['GPU_UTILIZATION']),
            'failed_when': 'runai_test_0 is failed or runai_test_0.stats.GPU_UTILIZATION.samples == 0 or '
                           'runai_test_0.stats.GPU_UTILIZATION.avg < 30'}
    run = run_tasks([task])
    assert run['example']['msg'].startswith("Run:ai rejected the credentials of client_id '%s'" % sim.client_id)
