# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The modules on the oldest Python we promise for managed nodes (3.9), with its own requests and jmespath."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest

from playbook_runner import connection, run_tasks

# make test points this at .venv-target (Python 3.9 with requirements-target-oldest.txt) when the machine has one.
TARGET_PYTHON = os.environ.get('RUNAI_TEST_TARGET_PYTHON')

pytestmark = pytest.mark.skipif(not TARGET_PYTHON, reason='RUNAI_TEST_TARGET_PYTHON is not set (no Python 3.9 found)')


def test_both_modules_run_on_the_oldest_module_python(sim, inventory):
    pod = inventory['examples']['multiGpuPod']
    run = run_tasks([
        {'name': 'version', 'ansible.builtin.command': {'argv': [TARGET_PYTHON, '-c', 'import sys; print(sys.version_info[:2])']}},
        {'name': 'pods', 'runai.platform.runai_pods_info': dict(connection(sim), page_size=200, return_pods=False, wait=True,
                                                                wait_for='count', query="length(pods[?k8sPhase=='Failed'])",
                                                                filter_by=['createdAt>=2020-01-01'])},
        {'name': 'metrics', 'runai.platform.runai_pod_metrics_info': dict(connection(sim), workload_id=pod['workloadId'],
                                                                          metric_types=['GPU_UTILIZATION_PER_GPU'], start='-10m')},
        {'name': 'error', 'runai.platform.runai_pods_info': dict(connection(sim), workload_id='00000000-0000-4000-8000-000000000000')},
    ], interpreter=TARGET_PYTHON)
    assert run['version']['stdout'] == '(3, 9)'
    assert run['pods']['count'] > 1000 and run['pods']['query_result'] > 0 and run['pods']['attempts'] == 1
    assert run['metrics']['stats']['GPU_UTILIZATION_PER_GPU']['samples'] > 0
    assert run['error']['msg'].startswith("Workload '00000000-0000-4000-8000-000000000000' was not found: HTTP 404")
