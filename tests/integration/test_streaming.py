# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Streamed reads (issue 13) through ansible-playbook against the simulator: a gate that needs no pod afterwards
(return_pods: false, a query on the summary) gives what the same gate holding every pod gives."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from playbook_runner import connection, run_tasks

MODULE = 'runai.platform.runai_pods_info'
GATE = dict(pod_condition="k8sPhase=='Running' || k8sPhase=='Succeeded'", fail_condition="k8sPhase=='Failed'", max_offenders=7,
            page_size=37)


@pytest.mark.client_logic
def test_a_streamed_gate_returns_what_a_gate_holding_every_pod_returns(sim):
    streamed = dict(GATE, return_pods=False, query="{failed: summary.by_phase.Failed || `0`, pods: count}")
    # The same verdict and summary with every pod held: returned, and read by the query too.
    held = dict(GATE, return_pods=True, query="{failed: length(pods[?k8sPhase=='Failed']), pods: length(pods)}")
    results = run_tasks([{'name': name, MODULE: dict(connection(sim), **options)} for name, options in
                         (('streamed', streamed), ('held', held))])
    streamed_result, held_result = results['streamed'], results['held']
    assert streamed_result['pods'] == [] and len(held_result['pods']) == held_result['count'] > 0
    for key in ('count', 'summary', 'query_result', 'gate', 'msg', 'failed'):
        assert streamed_result[key] == held_result[key], key
    assert streamed_result['query_result'] == {'failed': held_result['summary']['by_phase'].get('Failed', 0), 'pods': held_result['count']}
    # The simulator's world has Failed pods: the gate fails on them, naming the first offenders.
    assert streamed_result['gate']['reason'] == 'fail_condition' and len(streamed_result['gate']['offenders']) == 7


def test_the_lookup_streams_a_query_on_the_summary_and_holds_a_query_on_the_pods(sim):
    options = ', '.join("%s='%s'" % item for item in sorted(connection(sim).items()))
    results = run_tasks([
        {'name': 'summary', 'ansible.builtin.set_fact': {'value': "{{ query('runai.platform.runai_pods', %s, query='summary.by_phase') }}" % options}},
        {'name': 'pods', 'ansible.builtin.set_fact': {
            'value': "{{ query('runai.platform.runai_pods', %s, query='pods[*].k8sPhase') }}" % options}},
    ])
    by_phase = results['summary']['ansible_facts']['value'][0]
    phases = results['pods']['ansible_facts']['value']
    assert by_phase == dict((phase, phases.count(phase)) for phase in set(phases)) and sum(by_phase.values()) > 0
