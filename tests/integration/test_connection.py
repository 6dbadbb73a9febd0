# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Authentication, option sources, TLS, bad input and secrets, through ansible-playbook."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re
import time
import urllib.request

import certifi

from ansible_collections.runai.platform.plugins.module_utils._pager import overlap_for
import pytest

from playbook_runner import connection, run_tasks

MODULE = 'runai.platform.runai_pods_info'
UUID = '71f69d83-ba66-4822-adf5-55ce55efd210'
# Bearer tokens are JWTs: base64url of '{"' starts every one of them.
JWT = re.compile(r'eyJ[A-Za-z0-9_-]{8,}')


def obtain_token(sim):
    body = json.dumps({'grantType': 'client_credentials', 'clientID': sim.client_id, 'clientSecret': sim.client_secret}).encode()
    request = urllib.request.Request(sim.base_url + '/api/v1/token', data=body, headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)['accessToken']


@pytest.mark.client_logic
def test_a_given_token_is_used_as_is_and_a_rejected_one_fails_at_once(sim):
    token = obtain_token(sim)
    sim.clear_requests()
    run = run_tasks([
        {'name': 'token', MODULE: dict(connection(sim, client_id=None, client_secret=None, token=token), max_pods=5)},
        {'name': 'bad token', MODULE: dict(connection(sim, client_id=None, client_secret=None, token='not-a-token'), max_pods=5)},
    ])
    assert run['token']['count'] == 5 and run['token']['requests'] == 1
    assert run['bad token']['msg'].startswith('Run:ai rejected the token: HTTP 401 from GET /api/v1/workloads/pods: ')
    assert run['bad token']['requests'] == 1
    assert not [request for request in sim.requests() if request['path'] == '/api/v1/token']


@pytest.mark.client_logic
def test_wrong_client_secret_is_rejected_on_the_token_path(sim):
    run = run_tasks([{'name': 'wrong', MODULE: dict(connection(sim, client_secret='wrong-secret'), max_pods=1)}])
    assert run['wrong']['msg'].startswith("Run:ai rejected the credentials of client_id '%s': HTTP 401 from POST /api/v1/token: " % sim.client_id)
    assert [request['path'] for request in sim.requests()] == ['/api/v1/token']


@pytest.mark.client_logic
def test_an_expired_token_is_renewed_once_in_the_middle_of_a_listing(sim):
    # The eleventh page of 100: pages overlap by overlap_for(100) pods (docs/gates.md, "Reads on a living tenant").
    sim.add_fault(expire_tokens=True, path='^/api/v1/workloads/pods$', query='offset=%d&' % (10 * (100 - overlap_for(100))))
    run = run_tasks([{'name': 'listing', MODULE: dict(connection(sim), page_size=100, return_pods=False, query='length(pods)')}])
    assert run['listing']['failed'] is False
    assert run['listing']['query_result'] == run['listing']['count'] == run['listing']['summary']['total']
    assert len([request for request in sim.requests() if request['path'] == '/api/v1/token']) == 2


def test_environment_variables_and_module_defaults_supply_the_connection(sim):
    env = {'RUNAI_BASE_URL': sim.base_url + '/', 'RUNAI_CLIENT_ID': sim.client_id, 'RUNAI_CLIENT_SECRET': sim.client_secret,
           'RUNAI_TIMEOUT': '12.5'}
    defaults = {'group/runai.platform.runai': connection(sim)}
    run = run_tasks([{'name': 'from env', MODULE: {'max_pods': 2}}], env=env)
    assert run['from env']['count'] == 2
    run = run_tasks([{'name': 'from defaults', MODULE: {'max_pods': 3}}], module_defaults=defaults)
    assert run['from defaults']['count'] == 3


def test_tls_with_ca_path_without_it_and_without_verification(tls_simulator):
    # REQUESTS_CA_BUNDLE (set on many hosts and in execution environments) must not override ca_path.
    env = {'REQUESTS_CA_BUNDLE': certifi.where()}
    secure = connection(tls_simulator)
    unverified = dict(secure, ca_path=None)
    run = run_tasks([
        {'name': 'ca_path', MODULE: dict(secure, max_pods=2)},
        {'name': 'no ca_path', MODULE: dict((key, value) for key, value in secure.items() if key != 'ca_path')},
        {'name': 'no verification', MODULE: dict(((key, value) for key, value in unverified.items() if value is not None),
                                                 validate_certs=False, max_pods=1)},
    ], env=env)
    assert run['ca_path']['count'] == 2
    assert run['no ca_path']['msg'] == (
        'TLS certificate verification of %s failed (unable to get local issuer certificate); set ca_path to the CA bundle '
        "that signed the server's certificate, or validate_certs to false to skip verification" % tls_simulator.base_url)
    assert run['no verification']['count'] == 1


BAD_INPUTS = [
    (dict(workload_id='1234'), "workload_id '1234' is not a UUID (expected the form 8-4-4-4-12 hexadecimal digits)"),
    (dict(cluster_id=UUID, workload_id=UUID), 'workload_id and cluster_id are mutually exclusive; give one of them'),
    (dict(filter_by=['nodName==x']), "filter_by item 'nodName==x': unknown field 'nodName'; valid fields: clusterId, workloadId, "
                                     "revisionId, nodeName, currentNodepool, createdAt, completedAt, deletedAt"),
    (dict(filter_by=['currentNodePool==a']), "filter_by item 'currentNodePool==a': unknown field 'currentNodePool' (the filter key is "
                                             "'currentNodepool', with a lower-case p); valid fields: clusterId, workloadId, revisionId, "
                                             "nodeName, currentNodepool, createdAt, completedAt, deletedAt"),
    (dict(filter_by=['createdAt=@2026']), "filter_by item 'createdAt=@2026': operator '=@' does not apply to the date field createdAt; "
                                          "valid operators for dates: ==, !=, <=, >="),
    (dict(filter_by=['completedAt>=last week']), "filter_by item 'completedAt>=last week': completedAt needs an ISO 8601 date-time, "
                                                 "got 'last week'"),
    (dict(page_size=501), 'page_size must be an integer from 1 to 500, got 501'),
    (dict(offset=-3), 'offset must be an integer 0 or more, got -3'),
    (dict(query='pods[?'), "query 'pods[?' is not a valid JMESPath expression: Invalid jmespath expression: Incomplete expression at column 6"),
    (dict(wait=True), 'wait: true requires wait_for, min_pods or pod_condition: what to wait for'),
    (dict(wait_for='count'), 'wait_for applies only with wait: true'),
    (dict(workload_id=UUID, sort_by='createdAt'),
     'sort_by does not apply to workload_id (the API path of one workload takes no sort, filter, verbosity or completed)'),
    (dict(legacy_endpoint=True, cluster_id=UUID, filter_by=['nodeName==a']),
     'filter_by cannot be honoured by legacy_endpoint (the deprecated path takes no parameters)'),
    (dict(base_url='run.ai'), "base_url 'run.ai' must start with https:// (or http://) and name a host, such as https://mytenant.run.ai"),
    (dict(token='abc'), 'token and client_id/client_secret are mutually exclusive; authenticate one way (token from the task option '
                        'token; client_id from the task option client_id; client_secret from the task option client_secret)'),
    (dict(timeout=0), 'timeout must be a number of seconds greater than 0, got 0.0'),
]


def test_bad_input_fails_before_any_request(sim):
    tasks = [{'name': 'bad %d' % index, MODULE: dict(connection(sim), **options)} for index, (options, _message) in enumerate(BAD_INPUTS)]
    run = run_tasks(tasks)
    for index, (_options, message) in enumerate(BAD_INPUTS):
        result = run['bad %d' % index]
        assert (result['failed'], result['msg'], result['requests']) == (True, message, 0)
    assert sim.requests() == []


def test_no_secret_appears_at_any_verbosity(sim):
    token = obtain_token(sim)
    tasks = [
        {'name': 'ok', MODULE: dict(connection(sim), max_pods=3)},
        {'name': 'not found', MODULE: dict(connection(sim), workload_id='00000000-0000-4000-8000-000000000000')},
        {'name': 'bad input', MODULE: dict(connection(sim), filter_by=['x'])},
        {'name': 'wrong secret', MODULE: dict(connection(sim, client_secret=sim.client_secret + 'x'), max_pods=1)},
        {'name': 'given token', MODULE: dict(connection(sim, client_id=None, client_secret=None, token=token), max_pods=1)},
        {'name': 'lookup', 'ansible.builtin.debug': {'msg': "{{ lookup('runai.platform.runai_pods', max_pods=2, **conn) }}"}},
        {'name': 'lookup failure', 'ansible.builtin.debug': {'msg': "{{ lookup('runai.platform.runai_pods', 'nodeName', **conn) }}"}},
    ]
    run = run_tasks(tasks, play_vars={'conn': connection(sim)}, verbosity=4)
    assert run['ok']['count'] == 3 and run['not found']['failed'] and run['lookup failure']['failed']
    everything = run.everything
    assert sim.client_secret not in everything
    assert token not in everything
    assert JWT.findall(everything) == []


@pytest.mark.client_logic
def test_retries_and_timeout_as_configured(sim):
    listing = '^/api/v1/workloads/pods$'
    sim.add_fault(status=503, count=2, path=listing)
    run = run_tasks([{'name': 'recovers', MODULE: dict(connection(sim, retries=2), max_pods=5)}])
    assert run['recovers']['count'] == 5 and run['recovers']['requests'] == 1 + 3

    sim.clear_requests()
    sim.add_fault(status=502, body='html', count=3, path=listing)
    sim.add_fault(status=429, retry_after='1', count=1, path=listing)
    run = run_tasks([
        {'name': 'gives up', MODULE: dict(connection(sim, retries=1), max_pods=5)},
        {'name': 'no retries', MODULE: dict(connection(sim, retries=0), max_pods=5)},
        {'name': 'honours retry-after', MODULE: dict(connection(sim), max_pods=5)},
    ])
    assert run['gives up']['msg'] == ('Run:ai API request failed: HTTP 502 from GET /api/v1/workloads/pods: the answer was an HTML page, '
                                      'not an API error (a proxy or gateway in front of Run:ai may have answered) (after 2 attempts)')
    assert run['gives up']['requests'] == 3
    assert run['no retries']['msg'].startswith('Run:ai API request failed: HTTP 502 from GET /api/v1/workloads/pods: the answer was an HTML')
    assert run['no retries']['requests'] == 2
    assert run['honours retry-after']['count'] == 5 and run['honours retry-after']['requests'] == 3

    sim.add_fault(delay_ms=1500, count=1, path=listing)
    run = run_tasks([{'name': 'times out', MODULE: dict(connection(sim, retries=0, timeout=0.5), max_pods=5)}])
    assert run['times out']['msg'] == 'Run:ai did not answer GET /api/v1/workloads/pods within the timeout of 0.5 seconds'
    # The simulator logs the delayed request when it answers, after the module gave up: wait for that answer here,
    # or the shared simulator's log shows it to the next test.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any((request.get('fault') or {}).get('delay_ms') for request in sim.requests()):
        time.sleep(0.1)
