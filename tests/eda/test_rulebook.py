# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shipped rulebook under the real ansible-rulebook (from .venv-eda), against the simulator.

ansible-rulebook finds runai.platform with ansible-galaxy in ANSIBLE_COLLECTIONS_PATH (the venv's link
to this checkout), runs the source by path, and runs the report playbook with ansible-playbook.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import signal
import subprocess
import time

import pytest
import yaml

from harness import start_simulator
from rulebook_engine import ROOT, eda_venv, engine_problem

RULEBOOK = os.path.join('extensions', 'eda', 'rulebooks', 'pod_failed.yml')
INVENTORY = os.path.join('extensions', 'eda', 'inventory.yml')
REPORT = re.compile(r'Run:ai pod (\S+) \(([0-9a-f-]{36})\) turned Failed')
ENGINE_PROBLEM = engine_problem()
pytestmark = pytest.mark.skipif(ENGINE_PROBLEM is not None, reason=ENGINE_PROBLEM or '')


@pytest.fixture(scope='module')
def sim():
    with start_simulator('--pods', '300', '--seed', '7') as running:
        yield running


@pytest.fixture(scope='module')
def venv():
    venv = eda_venv()
    assert os.path.isfile(os.path.join(venv, 'bin', 'ansible-rulebook')), 'no ansible-rulebook in %s: run make venv-eda' % venv
    return venv


class Rulebook:
    """ansible-rulebook running in the background, its output in a file (a pipe nobody reads would fill up)."""

    def __init__(self, venv, workdir, rulebook, env, variables=None):
        self.output_path = str(workdir / 'ansible-rulebook.log')
        # -v: the source's INFO line says when it started watching.
        command = [os.path.join(venv, 'bin', 'ansible-rulebook'), '-v', '--rulebook', rulebook, '--inventory', INVENTORY]
        if variables:
            variables_path = workdir / 'vars.yml'
            variables_path.write_text(yaml.safe_dump(variables))
            command += ['--vars', str(variables_path)]
        run_env = dict(os.environ, PATH=os.path.join(venv, 'bin') + os.pathsep + os.environ['PATH'],
                       ANSIBLE_COLLECTIONS_PATH=os.path.join(venv, 'collections'), ANSIBLE_LOCAL_TEMP=str(workdir / 'tmp'),
                       ANSIBLE_NOCOLOR='1', **env)
        for name in ('PYTHONPATH', 'RUNAI_BASE_URL', 'RUNAI_CLIENT_ID', 'RUNAI_CLIENT_SECRET', 'RUNAI_TOKEN'):
            if name not in env:
                run_env.pop(name, None)
        with open(self.output_path, 'wb') as output:
            # From the repository root: the rulebook names its playbook relative to the project, as EDA controller runs it.
            self.process = subprocess.Popen(command, cwd=ROOT, env=run_env, stdout=output, stderr=subprocess.STDOUT)  # pylint: disable=consider-using-with

    @property
    def output(self):
        with open(self.output_path, encoding='utf-8', errors='replace') as output:
            return output.read()

    def wait_for(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.output):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError('ansible-rulebook showed no %s within %s s (exit %s); its output ends with:\n%s' % (
            what, timeout, self.process.poll(), self.output[-4000:]))

    def stop(self):
        """Ctrl-C, as a user stops it; True when that was enough (the source let the rulebook shut down)."""
        if self.process.poll() is not None:
            return True
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(30)
            return True
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return False


def list_requests(sim):
    return [request for request in sim.requests() if request['method'] == 'GET' and request['path'] == '/api/v1/workloads/pods']


def wait_for_polls(sim, count, timeout=60):
    start = len(list_requests(sim))
    deadline = time.monotonic() + timeout
    while len(list_requests(sim)) < start + count:
        assert time.monotonic() < deadline, 'the source stopped polling'
        time.sleep(0.2)


def connection_env(sim, **overrides):
    env = {'RUNAI_BASE_URL': sim.base_url, 'RUNAI_CLIENT_ID': sim.client_id, 'RUNAI_CLIENT_SECRET': sim.client_secret}
    env.update(overrides)
    return env


def test_the_shipped_rulebook_reports_the_pods_that_turn_failed_and_only_them(venv, sim, tmp_path):
    examples = sim.inventory(workloads=False)['examples']
    turning_failed = examples['podWithAdvancedMetrics']['podId']
    moving = next(examples[name]['podId'] for name in ('cpuOnlyPod', 'inferencePod', 'multiGpuPod') if examples[name]['podId'] != turning_failed)
    rulebook = Rulebook(venv, tmp_path, RULEBOOK, connection_env(sim), variables={'runai_interval': 1, 'runai_whole_tenant': True})
    try:
        rulebook.wait_for(lambda output: 'runai_pod_events: watching the pods of the whole tenant every 1 s' in output, 120, 'start of the source')
        wait_for_polls(sim, 2)  # the baseline is taken: from now on, changes are events
        sim.clear_requests()
        sim.set_pod(turning_failed, k8sPhase='Failed')
        sim.set_pod(moving, nodeName='dgx-elsewhere')  # a change, but not to Failed
        born_failed = sim.add_workload(pods=1, k8s_phase='Failed', name='eda-born-failed')['pods'][0]['id']
        sim.add_workload(pods=1, k8s_phase='Pending', name='eda-born-pending')
        rulebook.wait_for(lambda output: len(REPORT.findall(output)) >= 2 and output.count('PLAY RECAP') >= 2, 180, 'reports')
        wait_for_polls(sim, 3)  # time for a wrong or repeated report to show
        requests = sim.requests()
    finally:
        stopped_by_ctrl_c = rulebook.stop()
    output = rulebook.output
    reported = sorted(pod_id for _name, pod_id in REPORT.findall(output))
    assert reported == sorted([turning_failed, born_failed]), output[-6000:]
    assert 'failed=0' in output and 'failed=1' not in output
    # The playbook read those pods' metrics through the collection's module, and no other pod's.
    metrics_of = set(re.findall(r'/pods/([0-9a-f-]{36})/metrics', ' '.join(request['path'] for request in requests)))
    assert metrics_of == {turning_failed, born_failed}
    assert sim.client_secret not in output and 'eyJ' not in output and 'Bearer' not in output
    assert stopped_by_ctrl_c, 'ansible-rulebook did not stop within 30 s of SIGINT'


def test_rejected_credentials_stop_the_rulebook_with_one_sentence(venv, sim, tmp_path):
    rulebook = Rulebook(venv, tmp_path, RULEBOOK, connection_env(sim, RUNAI_CLIENT_SECRET='wrong-secret-5678'),
                        variables={'runai_whole_tenant': True})
    try:
        rulebook.process.wait(180)
    finally:
        rulebook.stop()
    output = rulebook.output
    assert rulebook.process.returncode != 0
    sentence = ("runai_pod_events: Run:ai rejected the credentials of client_id '%s': HTTP 401 from POST /api/v1/token" % sim.client_id)
    assert sentence in output, output[-4000:]
    assert 'wrong-secret-5678' not in output and 'Traceback' not in output


def test_a_misspelt_scope_variable_stops_the_rulebook_instead_of_watching_the_whole_tenant(venv, sim, tmp_path):
    """Issue 17 item 10: runai_clusterid (for runai_cluster_id) left the scope unset, and the watch took in every pod."""
    cluster_id = sim.inventory(workloads=False)['clusters'][0]['id']
    sim.clear_requests()
    rulebook = Rulebook(venv, tmp_path, RULEBOOK, connection_env(sim), variables={'runai_clusterid': cluster_id, 'runai_interval': 1})
    try:
        rulebook.process.wait(180)
    finally:
        rulebook.stop()
    output = rulebook.output
    assert rulebook.process.returncode != 0
    assert ('runai_pod_events: runai_pod_events would watch every pod of the tenant: none of cluster_id, workload_id, revision_id, '
            'filter_by, search is set (a variable left out or misspelt gives none); set one of them, or whole_tenant: true to watch '
            'the whole tenant') in output, output[-4000:]
    assert 'Traceback' not in output
    assert sim.requests() == []  # refused before any request


@pytest.fixture(scope='module')
def paged_sim():
    """Enough live pods for several pages of 500, so that pages after the first run in the pager's workers."""
    with start_simulator('--pods', '3000', '--seed', '11') as running:
        yield running


def test_ctrl_c_ends_ansible_rulebook_while_slow_pages_are_in_flight(venv, paged_sim, tmp_path):
    """The pages after the first take two minutes to answer; Ctrl-C must not wait for them (nor for timeout x attempts)."""
    sim = paged_sim
    sim.add_fault(delay_ms=120000, path='^/api/v1/workloads/pods$', query='offset=[1-9]', count=1000)
    rulebook = Rulebook(venv, tmp_path, RULEBOOK, connection_env(sim), variables={'runai_interval': 1, 'runai_whole_tenant': True})
    try:
        rulebook.wait_for(lambda output: 'runai_pod_events: watching the pods' in output, 120, 'start of the source')
        deadline = time.monotonic() + 120
        while 1000 - sim.faults()[0]['remaining'] < 2:  # two slow pages taken by the simulator, not answered
            assert time.monotonic() < deadline and rulebook.process.poll() is None, rulebook.output[-4000:]
            time.sleep(0.2)
    finally:
        stopped_by_ctrl_c = rulebook.stop()
        answered_slow_pages = [request for request in list_requests(sim) if 'offset=0' not in request['query']]
        sim.clear_faults()
    assert stopped_by_ctrl_c, 'ansible-rulebook did not stop within 30 s of SIGINT with slow pages in flight'
    # The slow pages were still unanswered when the process had ended: it did not wait for them.
    assert answered_slow_pages == []
