# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""playbooks/inference_rollout_gate.yml through ansible-playbook against the simulator: a healthy, a slow and a failed
revision, rolled out through the simulator's admin path."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import subprocess
import sys
import threading
import time

import pytest

from playbook_runner import playbook_env

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, 'playbooks', 'inference_rollout_gate.yml')
REVISION_PATH = '/api/v1/workloads/inferences/revisions/%s/pods'


@pytest.fixture
def world(sim):
    """The shared simulator, restored to its generated world after the test's rollout."""
    yield sim
    sim.reset()


@pytest.fixture
def nim(inventory):
    return inventory['examples']['inferenceWorkload']


@pytest.fixture
def hook(tmp_path):
    """A rollback hook that writes the revision it was called for into a file."""
    called = tmp_path / 'rolled-back'
    tasks = tmp_path / 'rollback.yml'
    tasks.write_text(json.dumps([{'name': 'Record the rollback', 'ansible.builtin.copy': {
        'dest': str(called), 'content': '{{ runai_rollout_revision_id }}', 'mode': '0600'}}]))
    return str(tasks), called


def run_rollout_gate(sim, workload_id, hook_tasks, **extra_vars):
    variables = dict(runai_base_url=sim.base_url, runai_client_id=sim.client_id, runai_client_secret=sim.client_secret,
                     runai_rollout_workload_id=workload_id, runai_rollout_rollback_tasks=hook_tasks, runai_rollout_wait_timeout=300,
                     runai_rollout_window_minutes=5, runai_rollout_samples=5)
    variables.update(extra_vars)
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,', PLAYBOOK, '-e', json.dumps(variables),
               '-e', 'ansible_python_interpreter=%s' % sys.executable]
    completed = subprocess.run(command, env=playbook_env(), capture_output=True, text=True, timeout=600, check=False)
    # ansible-core 2.16 shows a failed task's message only inside its JSON result, quotes escaped.
    return completed.returncode, (completed.stdout + completed.stderr).replace('\\"', '"')


def revision_reads(sim, revision_id):
    return [request for request in sim.requests() if request['path'] == REVISION_PATH % revision_id]


def when_first_read(sim, revision_id, change):
    """Run change() in a thread once the simulator has answered the wait's first read of the revision."""
    def watch():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if revision_reads(sim, revision_id):
                change()
                return
            time.sleep(0.2)
    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_a_healthy_revision_passes_once_its_pods_are_running(world, nim, hook):
    rollout = world.add_revision(nim, replicas=3, k8s_phase='Pending')
    revision_id, pods = rollout['revisionId'], rollout['pods']
    thread = when_first_read(world, revision_id, lambda: [world.set_pod(pod['id'], k8sPhase='Running', nodeName='l40s-node-9') for pod in pods])
    code, output = run_rollout_gate(world, nim, hook[0])
    thread.join()
    assert code == 0, output[-3000:]
    assert 'newest revision %s: 3 pods' % revision_id in output
    for pod in pods:
        assert '"  %s: Running, p99 TTFT ' % pod['name'] in output
    assert 'Verdict: PASS - every pod Running, every p99 under its threshold' in output
    # The wait polled until the pods ran; no rollback.
    assert len(revision_reads(world, revision_id)) >= 3 and not hook[1].exists()


def test_a_slow_revision_fails_naming_its_pods_and_calls_the_rollback_hook(world, nim, hook):
    rollout = world.add_revision(nim, replicas=3, k8s_phase='Running', nim_latency_factor=3)
    revision_id, pods = rollout['revisionId'], rollout['pods']
    code, output = run_rollout_gate(world, nim, hook[0])
    assert code != 0
    assert 'Verdict: FAIL - 3 of 3 pods do not satisfy pod_condition' in output
    for pod in pods:
        assert '%s (TIME_TO_FIRST_TOKEN_SECONDS p99 max ' % pod['name'] in output
    assert 'Rollout gate failed for revision %s: 3 of 3 pods do not satisfy pod_condition' % revision_id in output
    assert hook[1].read_text() == revision_id


def test_a_failed_pod_fails_the_revision_at_once(world, nim, hook):
    rollout = world.add_revision(nim, replicas=3, k8s_phase='Running')
    revision_id, pods = rollout['revisionId'], rollout['pods']
    world.set_pod(pods[1]['id'], k8sPhase='Failed')
    code, output = run_rollout_gate(world, nim, hook[0])
    assert code != 0
    assert '(1 poll): 1 pod matches fail_condition "k8sPhase==\'Failed\'": %s (Failed, node ' % pods[1]['name'] in output
    # One read of the revision: no waiting for a Failed pod, and no metrics read.
    assert len(revision_reads(world, revision_id)) == 1
    assert not [request for request in world.requests() if request['path'].endswith('/metrics')]
    assert hook[1].read_text() == revision_id


@pytest.mark.parametrize('name, value, kind', [
    ('runai_rollout_max_ttft_p99', '500ms', 'a number of seconds, without a unit'),
    ('runai_rollout_max_e2e_p99', 'fast', 'a number of seconds, without a unit'),
    ('runai_rollout_window_minutes', '0', 'a whole number of minutes, 1 or more'),
])
def test_thresholds_that_are_not_numbers_stop_the_play_before_any_request(sim, nim, hook, name, value, kind):
    code, output = run_rollout_gate(sim, nim, hook[0], **{name: value})
    assert code != 0 and '%s must be %s, got "%s"' % (name, kind, value) in output
    assert [request for request in sim.requests() if request['path'] != '/api/v1/token'] == [] and not hook[1].exists()


def test_a_revision_that_could_not_be_read_is_not_rolled_back(sim, nim, hook):
    code, output = run_rollout_gate(sim, nim, hook[0], runai_client_secret='wrong')
    assert code != 0 and 'Rollout gate could not judge the revision: Run:ai rejected the credentials' in output
    assert not hook[1].exists()


def test_a_workload_without_revisions_is_refused(sim, inventory, hook):
    code, output = run_rollout_gate(sim, inventory['examples']['busyTrainingWorkload'], hook[0])
    assert code != 0 and 'has no pod with a revisionId (1 pods): it is not an inference workload' in output
    assert not hook[1].exists()
