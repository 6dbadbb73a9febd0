# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Gates that would pass by accident: a condition no pod can meet is refused before any request."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from playbook_runner import connection, run_tasks

MODULE = 'runai.platform.runai_pods_info'
CLUSTER = '00000000-0000-4000-8000-000000000001'


def test_misspelt_fields_and_phases_in_gate_conditions_fail_before_any_request(sim):
    conn = connection(sim)
    run = run_tasks([
        {'name': 'field typo', MODULE: dict(conn, fail_condition="k8sPhse=='Failed'", return_pods=False)},
        {'name': 'status', MODULE: dict(conn, fail_condition="status=='Failed'", return_pods=False)},
        {'name': 'phase case', MODULE: dict(conn, fail_condition="k8sPhase=='failed'", return_pods=False)},
        {'name': 'legacy field', MODULE: dict(conn, cluster_id=CLUSTER, legacy_endpoint=True, pod_condition="k8sPhase=='Running'")},
        {'name': 'forward compatible', MODULE: dict(conn, fail_condition="@.brandNewField=='x'", return_pods=False)},
    ])
    assert run['field typo']['msg'] == (
        "fail_condition \"k8sPhse=='Failed'\" reads k8sPhse, which Run:ai pods do not have, so it would be null for every pod "
        "(did you mean k8sPhase?); write @.k8sPhse to read a field this collection does not know yet")
    assert run['status']['msg'].startswith("fail_condition \"status=='Failed'\" reads status, which Run:ai pods do not have")
    assert run['phase case']['msg'] == (
        "fail_condition \"k8sPhase=='failed'\" compares the phase with 'failed', which it never is: "
        "phases are Pending, Running, Succeeded, Failed, Unknown (did you mean 'Failed'?)")
    assert run['legacy field']['msg'].startswith("pod_condition \"k8sPhase=='Running'\" reads k8sPhase, which legacy pods do not have")
    assert all(run[name]['requests'] == 0 for name in ('field typo', 'status', 'phase case', 'legacy field'))
    assert run['forward compatible']['gate']['held'] is True
    assert len([request for request in sim.requests() if request['path'] != '/api/v1/token']) >= 1
