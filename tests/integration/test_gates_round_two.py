# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Issue 17 (and issue 16 item 7): gates that still passed by accident, through ansible-playbook against the simulator.

The simulator of the issue: seed 7, 5,000 pods; the scope node pool `default` of cluster `prod-us-east`.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import re
import subprocess
import sys
import time

import pytest
import yaml

from harness import start_simulator
from playbook_runner import connection, playbook_env, run_tasks

MODULE = 'runai.platform.runai_pods_info'
LOOKUP = 'runai.platform.runai_pods'
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']
DEEP = '(' * 2000 + "k8sPhase=='Failed'" + ')' * 2000
PHASE_LIST = 'phases are Pending, Running, Succeeded, Failed, Unknown'


@pytest.fixture(scope='module')
def sim7():
    with start_simulator('--pods', '5000', '--seed', '7') as running:
        yield running


@pytest.fixture
def sim(sim7):
    sim7.clear_requests()
    sim7.clear_faults()
    yield sim7
    sim7.reset()


@pytest.fixture(scope='module')
def scope(sim7):
    """The issue's scope: node pool default of prod-us-east (live pods, some Failed, Pending and Unknown)."""
    inventory = sim7.inventory()
    cluster = next(entry for entry in inventory['clusters'] if entry['name'] == 'prod-us-east')
    pool = next(entry for entry in inventory['nodePools'] if entry['clusterId'] == cluster['id'] and entry['name'] == 'default')
    assert pool['phases']['Failed'] and pool['phases']['Pending']
    return dict(cluster_id=cluster['id'], filter_by=['currentNodepool==default'], inventory=inventory)


def gate(sim, name, **options):
    return {'name': name, MODULE: dict(connection(sim), **options)}


def api_requests(sim):
    return [request for request in sim.requests() if request['path'] != '/api/v1/token']


def refused(run, name):
    """The task failed before any request, and its message."""
    result = run[name]
    assert result.get('failed') is True, result
    assert result.get('requests', 0) == 0, result
    return result['msg']


def test_expressions_that_could_never_be_true_fail_before_any_request(sim, scope):
    pool = dict(cluster_id=scope['cluster_id'], filter_by=scope['filter_by'], return_pods=False)
    run = run_tasks([
        # item 1: completed: false hides every Failed pod
        gate(sim, 'completed false', completed=False, fail_condition="k8sPhase=='Failed'", **pool),
        gate(sim, 'inference pattern', completed=False, fail_condition="contains(['Failed', 'Unknown'], k8sPhase)", **pool),
        gate(sim, 'running and live', completed=False, pod_condition="k8sPhase=='Running'", **pool),
        # item 2: misspelt phases, in any position
        gate(sim, 'Faild', fail_condition="k8sPhase=='Faild'", **pool),
        gate(sim, 'trailing space', fail_condition="k8sPhase=='Failed '", **pool),
        gate(sim, 'contains', fail_condition="contains(['Faild', 'Unkown'], k8sPhase)", **pool),
        gate(sim, 'not equal', pod_condition="k8sPhase!='Faild'", **pool),
        gate(sim, 'one half of or', fail_condition="k8sPhase=='Failed' || k8sPhase=='Unkown'", **pool),
        gate(sim, 'Evicted', fail_condition="k8sPhase=='Evicted'", **pool),
        # item 3: a cut scope
        gate(sim, 'max_pods', max_pods=10, fail_condition="k8sPhase=='Failed'", **pool),
        gate(sim, 'offset', offset=300, fail_condition="k8sPhase=='Failed'", **pool),
        # item 4: query and wait_for see what fields keeps
        gate(sim, 'fields wait_for', fields=['name'], wait=True, wait_timeout=5, wait_sleep=1,
             wait_for="length(pods[?k8sPhase=='Pending']) == `0`", **pool),
        gate(sim, 'fields query', fields=['name', 'nodeName'], query="pods[?k8sPhase=='Failed'].name", **pool),
        # item 5: the result's keys and the phases beyond the gate options
        gate(sim, 'by_phase failed', query='summary.by_phase.failed', **pool),
        gate(sim, 'pods phase case', query="pods[?k8sPhase=='failed']", **pool),
        gate(sim, 'pods field case', query="pods[?k8sphase=='Failed']", **pool),
        gate(sim, 'wait_for pending', wait=True, wait_timeout=5, wait_sleep=1, wait_for='!(summary.by_phase.pending)', **pool),
        # item 7: legacy values
        gate(sim, 'legacy status', cluster_id=scope['cluster_id'], legacy_endpoint=True, return_pods=False,
             fail_condition="status=='Failed'"),
        # item 10: fields typos
        gate(sim, 'fields typos', fields=['name', 'k8sphase', 'nodename'], **pool),
        # deleted: true with a condition that needs live pods
        gate(sim, 'deleted', deleted=True, fail_condition='deletedAt==null', **pool),
        # issue 16 item 7: nested 2,000 deep
        gate(sim, 'deep condition', fail_condition=DEEP, **pool),
        gate(sim, 'deep query', query=' || '.join(['count'] * 2000), **pool),
    ])
    assert refused(run, 'completed false') == (
        "fail_condition \"k8sPhase=='Failed'\" can match Failed or Succeeded pods, and completed: false leaves those out "
        "(they have completedAt), so the gate would never see them; remove completed")
    assert refused(run, 'inference pattern').startswith("fail_condition \"contains(['Failed', 'Unknown'], k8sPhase)\" can match Failed")
    assert refused(run, 'running and live').startswith(
        "pod_condition \"k8sPhase=='Running'\" is not true for a Failed pod, and completed: false leaves Failed pods out")
    assert refused(run, 'Faild') == (
        "fail_condition \"k8sPhase=='Faild'\" compares the phase with 'Faild', which it never is: %s (did you mean 'Failed'?)" % PHASE_LIST)
    assert refused(run, 'trailing space').endswith("compares the phase with 'Failed ', which it never is: %s (did you mean 'Failed'?)" % PHASE_LIST)
    assert "compares the phase with 'Faild'" in refused(run, 'contains')
    assert refused(run, 'not equal').startswith("pod_condition \"k8sPhase!='Faild'\" compares the phase with 'Faild'")
    assert "compares the phase with 'Unkown', which it never is: %s (did you mean 'Unknown'?)" % PHASE_LIST in refused(run, 'one half of or')
    assert "(Evicted is a reason, never a phase: an evicted pod's phase is 'Failed')" in refused(run, 'Evicted')
    assert refused(run, 'max_pods') == (
        'fail_condition judges every pod in scope, and max_pods 10 would stop after the first 10 pods, so the gate could pass '
        'on the pods it never saw; remove max_pods (return_pods: false keeps a large result small)')
    assert refused(run, 'offset').startswith('fail_condition judges every pod in scope, and offset 300 would skip the first 300 pods')
    assert refused(run, 'fields wait_for') == (
        "wait_for \"length(pods[?k8sPhase=='Pending']) == `0`\" reads k8sPhase of each pod, which fields removed (fields keeps name); "
        "add k8sPhase to fields, or judge the pods with pod_condition or fail_condition, which see every field")
    assert 'reads k8sPhase of each pod, which fields removed (fields keeps name, nodeName)' in refused(run, 'fields query')
    assert refused(run, 'by_phase failed') == (
        "query 'summary.by_phase.failed' reads summary.by_phase.failed, which is never there, so it is always null "
        "(did you mean Failed?); summary.by_phase holds Pending, Running, Succeeded, Failed, Unknown")
    assert "compares the phase with 'failed'" in refused(run, 'pods phase case')
    assert "reads k8sphase, which Run:ai pods do not have, so it would be null for every pod (did you mean k8sPhase?)" in refused(
        run, 'pods field case')
    assert refused(run, 'wait_for pending').startswith(
        "wait_for '!(summary.by_phase.pending)' reads summary.by_phase.pending, which is never there, so it is always null (did you mean Pending?)")
    assert refused(run, 'legacy status') == (
        "fail_condition \"status=='Failed'\" compares the legacy status with 'Failed', which it never is: a legacy pod's status is "
        "'Error' when its phase is Failed (write status=='Error' or phase=='Failed')")
    assert refused(run, 'fields typos').startswith(
        "fields item 'k8sphase' is not a field of Run:ai pods, so every pod would lose it (did you mean k8sPhase?)")
    assert refused(run, 'deleted').startswith(
        "fail_condition 'deletedAt==null' can never be true with deleted: true, which keeps only deleted pods")
    assert refused(run, 'deep condition').startswith(
        'fail_condition is nested more than 100 levels deep, which this collection does not evaluate: ')
    assert refused(run, 'deep query').startswith('query is nested more than 100 levels deep')
    assert all('\n' not in run[name]['msg'] and 'Traceback' not in run[name]['msg'] for name in ('deep condition', 'deep query'))
    assert api_requests(sim) == []


def test_the_lookup_checks_query_and_fields_before_any_request(sim, scope):
    call = "query('%s', 'currentNodepool==default', cluster_id='%s', base_url='%s', client_id='%s', client_secret='%s', %%s)" % (
        LOOKUP, scope['cluster_id'], sim.base_url, sim.client_id, sim.client_secret)

    def task(name, keywords):
        return {'name': name, 'ansible.builtin.debug': {'msg': '{{ %s }}' % (call % keywords)}}
    run = run_tasks([
        task('by_phase failed', 'query="summary.by_phase.failed"'),
        task('phase case', "query=\"pods[?k8sPhase=='failed'].name\""),
        task('field case', "query=\"pods[?k8sphase=='Failed'].name\""),
        task('fields removed', "fields=['name'], query=\"pods[?k8sPhase=='Failed'].name\""),
        task('fields typo', "fields=['name', 'k8sphase']"),
        task('deep', 'query="%s"' % ('(' * 2000 + 'count' + ')' * 2000)),
        task('count', "query='summary.by_phase'"),
    ])
    assert "query 'summary.by_phase.failed' reads summary.by_phase.failed, which is never there" in run['by_phase failed']['msg']
    assert "compares the phase with 'failed', which it never is" in run['phase case']['msg']
    assert 'reads k8sphase, which Run:ai pods do not have' in run['field case']['msg']
    assert 'reads k8sPhase of each pod, which fields removed (fields keeps name)' in run['fields removed']['msg']
    assert "fields item 'k8sphase' is not a field of Run:ai pods" in run['fields typo']['msg']
    assert 'query is nested more than 100 levels deep' in run['deep']['msg'] and 'Recursion' not in run['deep']['msg']
    # One read, the last task's: every refused one made none.
    assert len([request for request in api_requests(sim) if request['path'] == '/api/v1/workloads/pods']) >= 1
    assert sorted(run['count']['msg'][0]) == sorted(PHASES)
    assert len(set(request['path'] for request in api_requests(sim))) == 1


@pytest.mark.client_logic
def test_by_phase_names_every_phase_so_no_pending_can_be_waited_for(sim, scope):
    """Item 6: summary.by_phase.Pending == `0` can be true; the wait ends at its first poll."""
    inventory = scope['inventory']
    workload = next(entry for entry in inventory['workloads']
                    if entry['livePods'] >= 2 and entry['deletedPods'] == 0 and entry['phases'] == dict(
                        (phase, entry['livePods'] if phase == 'Running' else 0) for phase in PHASES))
    run = run_tasks([
        gate(sim, 'wait', workload_id=workload['id'], return_pods=False, wait=True, wait_timeout=20, wait_sleep=1,
             wait_for='summary.by_phase.Pending == `0`'),
        gate(sim, 'summary', workload_id=workload['id'], return_pods=False, query='summary.by_phase'),
    ])
    assert run['wait']['failed'] is False and run['wait']['attempts'] == 1 and run['wait']['wait_result'] is True
    assert run['summary']['query_result'] == dict((phase, workload['livePods'] if phase == 'Running' else 0) for phase in PHASES)
    assert list(run['summary']['summary']['by_phase']) == PHASES


@pytest.mark.client_logic
def test_without_completed_false_the_inference_pattern_names_the_failed_replica(sim, scope):
    """Item 1: docs/gates.md's inference pattern as it is now fails on a Failed replica; a Failed pod is outside completed: false."""
    inventory = scope['inventory']
    workload = next(entry for entry in inventory['workloads'] if entry['type'] == 'inference' and entry['livePods'] >= 2
                    and entry['phases']['Running'] == entry['livePods'])
    pods = run_tasks([gate(sim, 'pods', workload_id=workload['id'], fields=['id', 'name'])])['pods']['pods']
    sim.set_pod(pods[0]['id'], k8sPhase='Failed')
    run = run_tasks([
        gate(sim, 'pattern', filter_by=['workloadId==%s' % workload['id']], return_pods=False,
             fail_condition="contains(['Failed', 'Unknown'], k8sPhase)", min_pods=2),
        gate(sim, 'live only', filter_by=['workloadId==%s' % workload['id']], completed=False, return_pods=False, query='count'),
    ])
    assert run['pattern']['failed'] is True and run['pattern']['gate']['reason'] == 'fail_condition'
    assert run['pattern']['msg'].startswith("1 pod matches fail_condition \"contains(['Failed', 'Unknown'], k8sPhase)\": %s (Failed" % pods[0]['name'])
    # What completed: false would have judged: every pod but the Failed one.
    assert run['live only']['query_result'] == len(pods) - 1


def test_legacy_status_error_finds_the_failed_pods(sim, scope):
    """Item 7: with legacy_endpoint, a failed pod's status is Error: status=='Error' and phase=='Failed' catch the same pods."""
    legacy = dict(cluster_id=scope['cluster_id'], legacy_endpoint=True, return_pods=False)
    run = run_tasks([
        gate(sim, 'status', fail_condition="status=='Error'", **legacy),
        gate(sim, 'phase', fail_condition="phase=='Failed'", **legacy),
    ])
    assert run['status']['gate']['reason'] == 'fail_condition' and run['status']['gate']['offender_count'] > 0
    assert run['status']['gate']['offender_count'] == run['phase']['gate']['offender_count']


def run_gate_playbook(sim, scope, **extra_vars):
    variables = dict(runai_base_url=sim.base_url, runai_client_id=sim.client_id, runai_client_secret=sim.client_secret,
                     runai_gate_cluster_id=scope['cluster_id'], runai_gate_nodepool='default', **extra_vars)
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,',
               os.path.join(ROOT, 'playbooks', 'pod_health_gate.yml'), '-e', json.dumps(variables),
               '-e', 'ansible_python_interpreter=%s' % sys.executable]
    completed = subprocess.run(command, env=playbook_env(), capture_output=True, text=True, timeout=600, check=False)
    return completed.returncode, completed.stdout + completed.stderr


@pytest.mark.parametrize('threshold', ['30%', 'thirty'])
def test_the_gate_playbook_refuses_a_threshold_that_is_not_a_number(sim, scope, threshold):
    """Item 8: `| float` made "30%" 0.0, and an idle workload passed the GPU check."""
    code, output = run_gate_playbook(sim, scope, runai_gate_min_gpu_utilization=threshold)
    assert code != 0
    assert "runai_gate_min_gpu_utilization must be a number of percent, without the %% sign, got '%s'" % threshold in output
    assert 'Check 1' not in output and api_requests(sim) == []


def test_the_gate_playbook_takes_numbers_given_as_text(sim, scope):
    """AWX passes extra_vars as text: "30" is a number."""
    code, output = run_gate_playbook(sim, scope, runai_gate_min_gpu_utilization='30', runai_gate_max_pending_minutes='45')
    assert 'must be a' not in output
    # The pool has Failed pods: the gate runs its checks and fails on them, naming check 1.
    assert code != 0 and 'Pod health gate failed: check 1 (node pool pods, none Failed)' in output


def test_ten_more_gates_that_passed_by_accident_fail_before_any_request(sim, scope):
    """Issue 17, "try it again as a new user would": ten new gates, each of which passed on the release before this one."""
    pool = dict(cluster_id=scope['cluster_id'], filter_by=scope['filter_by'], return_pods=False)
    lookup = "query('%s', 'currentNodepool==default', cluster_id='%s', base_url='%s', client_id='%s', client_secret='%s', %%s)" % (
        LOOKUP, scope['cluster_id'], sim.base_url, sim.client_id, sim.client_secret)
    gates = [
        ('gpus as text', dict(fail_condition="k8sPhase=='Failed' && allocatedResources.gpu >= '1'"),
         "orders a value with the string '1' by >=, which is null for a number; the number is written `1`"),
        ('de morgan', dict(pod_condition="k8sPhase!='Failed' || k8sPhase!='Unknown'"),
         "is true for every pod whatever it holds, so no pod could ever fail it; 'not this phase or not that one' is written "
         "k8sPhase!='A' && k8sPhase!='B'"),
        ('sub-field typo', dict(fail_condition="allocatedResources.gpus > `0` && k8sPhase=='Failed'"),
         'reads allocatedResources.gpus, which is never there, so it is always null (did you mean gpu?)'),
        ('summary ordered with text', dict(query="summary.by_phase.Failed > '0'"),
         "orders a number with the string '0' by >, which is null for a number; the number is written `0`"),
        ('quoted field', dict(fail_condition="'k8sPhase'=='Failed'"),
         "compares two constants, 'k8sPhase' and 'Failed', so it is the same for every pod; in JMESPath 'k8sPhase' in single "
         "quotes is a string, the field is written k8sPhase"),
        ('substring case', dict(fail_condition="contains(k8sPhase, 'fail')"),
         "looks for 'fail' in the phase with contains(), which no phase matches"),
        ('or true', dict(pod_condition="k8sPhase=='Running' || `true`"), 'is true for every pod whatever it holds'),
        ('whole pod', dict(fail_condition="@ == 'Failed'"), "compares each pod, an object, with 'Failed', which it never equals"),
        ('count as text', dict(wait=True, wait_timeout=3, wait_sleep=1, wait_for="summary.by_phase.Pending != '0'", min_pods=1),
         "compares a number with the string '0', which it never equals; the number is written `0`"),
    ]
    tasks = [gate(sim, name, **dict(pool, **options)) for name, options, _message in gates]
    tasks.append({'name': 'lookup', 'ansible.builtin.debug': {'msg': '{{ %s }}' % (lookup % "query=\"length(pods[?k8sPhase=='Failed']) > '0'\"")}})
    run = run_tasks(tasks)
    for name, _options, message in gates:
        assert message in refused(run, name), name
    assert "orders a number with the string '0' by >" in run['lookup']['msg']
    assert api_requests(sim) == []


def awx_rescue_play(sim, scope):
    """docs/awx.md's block and rescue, word for word, against the simulator (connection from module_defaults)."""
    with open(os.path.join(ROOT, 'docs', 'awx.md')) as handle:
        blocks = re.findall(r'```yaml\n(.*?)```', handle.read(), re.S)
    tasks = yaml.safe_load(next(block for block in blocks if 'Post-maintenance gate' in block))
    return [{'name': 'awx rescue', 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks,
             'vars': {'runai_gate_cluster_id': scope['cluster_id'], 'runai_gate_nodepool': 'default',
                      'ansible_python_interpreter': sys.executable},
             'module_defaults': {'group/runai.platform.runai': dict(connection(sim), timeout=1, retries=0)}}]


def run_play(play, tmp_path):
    path = tmp_path / 'play.yml'
    path.write_text(yaml.safe_dump(play, sort_keys=False))
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(path)]
    completed = subprocess.run(command, env=playbook_env(), capture_output=True, text=True, timeout=600, check=False)
    return completed.returncode, completed.stdout + completed.stderr


def wait_for_delayed_answers(sim, fault):
    """The simulator logs a delayed request when it answers it, after the client gave up: wait for those answers,
    or they land in the request log of the next test on this simulator."""
    left = [each['remaining'] for each in sim.faults() if each.get('delay_ms') == fault['delay_ms']]
    taken = fault['count'] - sum(left)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len([each for each in sim.requests() if (each.get('fault') or {}).get('delay_ms')]) < taken:
        time.sleep(0.1)


@pytest.mark.parametrize('fault, branch', [
    (None, 'Gate failed (fail_condition): '),
    (dict(delay_ms=3000, count=5), 'No verdict: '),                    # a timeout: no status at all
    (dict(body='truncated', count=5), 'No verdict (HTTP 200): '),      # a broken body came with status 200
])
def test_the_awx_rescue_branches_on_the_verdict_not_on_status(sim, scope, tmp_path, fault, branch):
    """Issue 17 item 10: a network blip must not take the branch that rolls back."""
    if fault:
        sim.add_fault(path='^/api/v1/workloads/pods$', **fault)
    code, output = run_play(awx_rescue_play(sim, scope), tmp_path)
    if fault and fault.get('delay_ms'):
        wait_for_delayed_answers(sim, fault)
    # What failed tasks said (ansible-core 2.16: `FAILED! => {...}`; newer: `Action failed: ...`), not the playbook excerpts.
    said = '\n'.join(line for line in output.splitlines() if 'FAILED! =>' in line or 'Action failed:' in line)
    assert code != 0 and branch in said, output[-3000:]
    assert ('Gate failed (' in said) == (fault is None), output[-3000:]


def test_the_failed_pod_report_refuses_an_event_without_a_pod(sim):
    """The report playbook checks its input: run by hand or by another rulebook, it must not read a workload of nothing."""
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,',
               os.path.join(ROOT, 'playbooks', 'pod_failed_report.yml'), '-e', json.dumps({'ansible_eda': {'event': {'type': 'MODIFIED'}}}),
               '-e', 'ansible_python_interpreter=%s' % sys.executable]
    completed = subprocess.run(command, env=playbook_env(), capture_output=True, text=True, timeout=600, check=False)
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0
    assert 'ansible_eda.event.pod must hold the id and workloadId of a runai.platform.runai_pod_events event, got' in output
    assert api_requests(sim) == []
