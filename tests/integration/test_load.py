# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Many gates at once under a rate limit (SPEC section 10), scaled down: 6 gate playbooks against a control
plane that takes 4 requests a second, a playbook with forks over 3 tenants, and the event source beside
them. Every verdict must be right and nothing may fail because of 429. The full run is in make bench
(tests/benchmarks/bench_load.py); the times are reported here, never asserted."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'load'))

from reliability_figures import REPORT_LINES  # noqa: E402  pylint: disable=wrong-import-position
from scenario import LoadRun, summary_line  # noqa: E402  pylint: disable=wrong-import-position

# The client's rate-limit handling (README.md, "Develop": what runs on every ansible-core).
pytestmark = pytest.mark.client_logic

GATES = 6
RATE = 4
TENANTS = 3


@pytest.fixture(scope='module')
def report():
    outcome = LoadRun(gates=GATES, rate=RATE, tenants=TENANTS, pods=2000, tenant_pods=300, interval=2).run()
    REPORT_LINES.append('load: ' + summary_line(outcome))     # shown at the end of the run, by conftest.py
    return outcome


def describe(outcomes):
    return json.dumps(outcomes, indent=1)[-6000:]


def test_every_gate_reaches_its_verdict_under_the_rate_limit(report):
    assert report['verdicts'] == GATES + TENANTS
    assert report['wrong'] == [], describe(report['wrong'])
    assert report['failed_on_429'] == 0


def test_every_playbook_ends_normally(report):
    # Each gate task may fail (one kind of gate must): ignore_errors keeps the play going to write its verdict.
    assert report['playbook_exit_codes'] == dict({'gate-%d' % number: 0 for number in range(GATES)}, tenants=0)


def test_the_event_source_polls_beside_them_without_an_error(report):
    source = report['event_source']
    assert source['failure'] is None
    assert source['init_done'] == 1
    assert source['errors'] == 0, source['error_messages']


def test_each_tenant_is_gated_on_its_own_control_plane(report):
    for number in range(1, TENANTS + 1):
        assert report['gateways']['tenant-%d' % number]['admitted'] >= 2      # a token and at least one page each
