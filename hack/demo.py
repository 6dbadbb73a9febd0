# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""make demo: against the Run:ai simulator, the pod health gate (once where it must fail, once where it must pass), then
the inference rollout gate on a healthy new revision (it must pass) and on a slow one (it must fail and call the rollback hook)."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'simulator'))
from harness import start_simulator  # noqa: E402  pylint: disable=wrong-import-position

PLAYBOOK = os.path.join(ROOT, 'playbooks', 'pod_health_gate.yml')
ROLLOUT_PLAYBOOK = os.path.join(ROOT, 'playbooks', 'inference_rollout_gate.yml')
# The demo's rollback hook only says what a real one would do (docs/inference.md shows one with ansible.builtin.uri).
ROLLBACK_HOOK = os.path.join(ROOT, 'hack', 'demo_rollback_hook.yml')
# A slow revision: every NIM latency of its pods three times the generated level.
SLOW_FACTOR = 3
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')


def run_gate(sim, title, variables, playbook=PLAYBOOK):
    print('\n=== %s\n' % title, flush=True)
    env = dict(os.environ, RUNAI_BASE_URL=sim.base_url, RUNAI_CLIENT_ID=sim.client_id, RUNAI_CLIENT_SECRET=sim.client_secret,
               ANSIBLE_COLLECTIONS_PATH=os.path.join(os.path.dirname(sys.executable), '..', 'collections'),
               ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ANSIBLE_DISPLAY_SKIPPED_HOSTS='false')
    command = [ANSIBLE_PLAYBOOK, '-i', 'localhost,', playbook, '-e', 'ansible_python_interpreter=' + sys.executable]
    for name, value in variables.items():
        command += ['-e', '%s=%s' % (name, value)]
    return subprocess.run(command, env=env, check=False).returncode


def main():
    # --anchor now: the pods' timestamps are relative to this moment, so "Pending for 30 minutes" means what it says.
    with start_simulator('--pods', '5000', '--seed', '7', '--anchor', 'now') as sim:
        print('Run:ai simulator ready at %s (client_id %s)' % (sim.base_url, sim.client_id))
        examples = sim.inventory(workloads=False)['examples']
        unhealthy, healthy = examples['unhealthyNodePool'], examples['healthyNodePool']
        failing = run_gate(sim, 'Gate 1: node pool %r and an idle training workload - this gate is expected to FAIL' % unhealthy['name'], {
            'runai_gate_cluster_id': unhealthy['clusterId'], 'runai_gate_nodepool': unhealthy['name'],
            'runai_gate_workload_id': examples['idleTrainingWorkload'], 'runai_gate_wait_timeout': 10})
        passing = run_gate(sim, 'Gate 2: node pool %r and a busy training workload - this gate is expected to PASS' % healthy['name'], {
            'runai_gate_cluster_id': healthy['clusterId'], 'runai_gate_nodepool': healthy['name'],
            'runai_gate_workload_id': examples['busyTrainingWorkload'], 'runai_gate_wait_timeout': 10})
        rollouts = run_rollouts(sim, examples['inferenceWorkload'])
    print('\n=== Demo summary')
    print('Gate 1 (unhealthy node pool %r): %s' % (unhealthy['name'], 'failed, as expected: its report names the offending pods'
                                                   if failing != 0 else 'PASSED, which it should not have'))
    print('Gate 2 (healthy node pool %r): %s' % (healthy['name'], 'passed, as expected' if passing == 0 else 'FAILED, which it should not have'))
    healthy_rollout, slow_rollout = rollouts
    print('Rollout gate 3 (healthy revision): %s' % ('PASS, as expected' if healthy_rollout == 0 else 'FAIL, which it should not have'))
    print('Rollout gate 4 (slow revision, p99 latency x%d): %s' % (
        SLOW_FACTOR, 'FAIL, as expected: the slow pods named with their p99, the rollback hook called' if slow_rollout != 0
        else 'PASS, which it should not have'))
    return 0 if failing != 0 and passing == 0 and healthy_rollout == 0 and slow_rollout != 0 else 1


def run_rollouts(sim, workload_id):
    """Two rollouts of the NIM inference workload through the simulator's admin path: a healthy revision, then a slow one."""
    common = {'runai_rollout_workload_id': workload_id, 'runai_rollout_wait_timeout': 30, 'runai_rollout_rollback_tasks': ROLLBACK_HOOK}
    sim.add_revision(workload_id, replicas=3, k8s_phase='Running')
    healthy = run_gate(sim, 'Rollout gate 3: a new revision of inference workload %s, healthy - expected to PASS' % workload_id,
                       common, ROLLOUT_PLAYBOOK)
    sim.add_revision(workload_id, replicas=3, k8s_phase='Running', nim_latency_factor=SLOW_FACTOR)
    slow = run_gate(sim, 'Rollout gate 4: the next revision, slow (its p99 latency x%d) - expected to FAIL and roll back' % SLOW_FACTOR,
                    common, ROLLOUT_PLAYBOOK)
    return healthy, slow


if __name__ == '__main__':
    sys.exit(main())
