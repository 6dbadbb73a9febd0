# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the connection options say when they are wrong (SPEC 2 and 6), through ansible-playbook, word for word:
a base_url is never repeated with a secret in it, an environment value is named by its variable, and a
plain-HTTP request to an HTTPS server is told about the scheme."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from playbook_runner import connection, run_tasks
from scripted_server import Reply, ScriptedServer

MODULE = 'runai.platform.runai_pods_info'
SECRET = 'ghp_S3cr3tT0ken'
SUCH_AS = ', such as https://mytenant.run.ai'

SECRET_URLS = [
    ('https://%s@tenant.run.ai' % SECRET,
     "base_url 'https://***@tenant.run.ai' must be the address of the control plane only, without a path, query or user" + SUCH_AS),
    ('https://tenant.run.ai/?token=%s' % SECRET,
     "base_url 'https://tenant.run.ai/?***' must be the address of the control plane only, without a path, query or user" + SUCH_AS),
    ('https://tenant.run.ai#access_token=%s' % SECRET,
     "base_url 'https://tenant.run.ai#***' must be the address of the control plane only, without a path, query or user" + SUCH_AS),
    ('https://%s@tenant.run.ai:44x3' % SECRET, "base_url 'https://***@tenant.run.ai:44x3' is not a URL" + SUCH_AS),
    ('ftp://%s@tenant.run.ai?key=%s' % (SECRET, SECRET),
     "base_url 'ftp://***@tenant.run.ai?***' must start with https:// (or http://) and name a host" + SUCH_AS),
    ('%s@tenant.run.ai' % SECRET, "base_url '***@tenant.run.ai' must start with https:// (or http://) and name a host" + SUCH_AS),
    ('https://user:%s@tenant.run.ai' % SECRET,
     'base_url must not hold credentials (user:password@); use client_id and client_secret, or token'),
]


def test_a_refused_base_url_never_repeats_its_user_info_query_or_fragment(sim):
    tasks = [{'name': 'bad %d' % index, MODULE: dict(connection(sim), base_url=url)} for index, (url, _message) in enumerate(SECRET_URLS)]
    run = run_tasks(tasks, verbosity=4)
    for index, (_url, message) in enumerate(SECRET_URLS):
        result = run['bad %d' % index]
        assert (result['failed'], result['msg'], result['requests']) == (True, message, 0)
    # The task's own arguments are shown at -vvvv (invocation); no message, warning or error may repeat the secret.
    assert SECRET not in ''.join(result['msg'] for result in run.results.values())
    assert sim.requests() == []


@pytest.mark.parametrize('variables, message', [
    ({'RUNAI_VALIDATE_CERTS': 'nope'}, "RUNAI_VALIDATE_CERTS='nope' is not a boolean"),
    ({'RUNAI_TIMEOUT': 'soon'}, "RUNAI_TIMEOUT='soon' is not a number of seconds"),
    ({'RUNAI_TIMEOUT': '1O', 'RUNAI_VALIDATE_CERTS': 'ye'},
     "RUNAI_TIMEOUT='1O' is not a number of seconds; RUNAI_VALIDATE_CERTS='ye' is not a boolean"),
])
def test_a_bad_environment_value_is_named_by_its_variable(sim, variables, message):
    run = run_tasks([{'name': 'read', MODULE: dict(connection(sim), max_pods=1)},
                     {'name': 'metrics', 'runai.platform.runai_pod_metrics_info': dict(
                         connection(sim), workload_id='71f69d83-ba66-4822-adf5-55ce55efd210', metric_types=['GPU_UTILIZATION'])}],
                    env=variables)
    for name in ('read', 'metrics'):
        assert (run[name]['failed'], run[name]['msg'], run[name]['requests']) == (True, message, 0)
    assert sim.requests() == []


def test_the_task_option_wins_over_a_bad_environment_value(sim):
    run = run_tasks([{'name': 'read', MODULE: dict(connection(sim), max_pods=1, validate_certs=True, timeout=10)}],
                    env={'RUNAI_VALIDATE_CERTS': 'nope', 'RUNAI_TIMEOUT': 'soon'})
    assert run['read']['failed'] is False and run['read']['count'] == 1


@pytest.mark.client_logic
def test_plain_http_to_an_https_server_hints_at_the_scheme(tls_simulator):
    plain = tls_simulator.base_url.replace('https://', 'http://')
    run = run_tasks([{'name': 'read', MODULE: dict(connection(tls_simulator, base_url=plain, retries=1), max_pods=1)}])
    assert run['read']['msg'] == ('The connection to Run:ai at %s broke during POST /api/v1/token (base_url starts with http://: '
                                  'if the server speaks HTTPS, use https://) (after 2 attempts)' % plain)


NGINX_400 = (b'<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n<body>\r\n<center><h1>400 Bad '
             b'Request</h1></center>\r\n<center>The plain HTTP request was sent to HTTPS port</center>\r\n<hr><center>nginx</center>\r\n'
             b'</body>\r\n</html>\r\n')


@pytest.mark.client_logic
def test_plain_http_to_an_nginx_https_port_hints_at_the_scheme():
    # An ingress in front of Run:ai answers plain HTTP on its HTTPS port with this page, to the token request first.
    server = ScriptedServer()
    server.responder = lambda request: Reply(400, raw=NGINX_400, headers={'Content-Type': 'text/html'})
    try:
        run = run_tasks([{'name': 'read', MODULE: dict(base_url=server.base_url, client_id='ingress-id', client_secret='ingress-secret-0001')},
                         {'name': 'token', MODULE: dict(base_url=server.base_url, token='ingress-token-0001')}])
    finally:
        server.close()
    hint = 'the server answered that a plain HTTP request was sent to its HTTPS port (base_url starts with http://: use https://)'
    assert run['read']['msg'] == "Run:ai rejected the credentials of client_id 'ingress-id': HTTP 400 from POST /api/v1/token: " + hint
    assert run['token']['msg'] == 'Run:ai API request failed: HTTP 400 from GET /api/v1/workloads/pods: ' + hint
