# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Simulators shared by the integration tests: one plain, one over TLS, started once per session."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from harness import start_simulator
from reliability_figures import FIGURES, scan_for_secrets

SEED = '7'
PODS = '3000'


@pytest.fixture(scope='session')
def simulator():
    with start_simulator('--pods', PODS, '--seed', SEED) as running:
        yield running


@pytest.fixture(scope='session')
def tls_simulator():
    with start_simulator('--pods', '200', '--seed', SEED, '--tls') as running:
        yield running


@pytest.fixture
def sim(simulator):
    """The shared simulator with an empty request log and no pending faults."""
    simulator.clear_requests()
    simulator.clear_faults()
    return simulator


@pytest.fixture(scope='session')
def inventory(simulator):
    return simulator.inventory()


@pytest.fixture
def secret_scan():
    """Scan a run's output, registered results and written files for the client secret and any bearer token."""
    def scan(run, *simulators):
        assert scan_for_secrets(run, simulators) == [], 'secrets in the output or files of a run'
    return scan


def pytest_terminal_summary(terminalreporter):
    if FIGURES['runs scanned'] or FIGURES['fault cases passed']:
        terminalreporter.write_line(
            'reliability: %(fault cases passed)d fault cases passed, %(hostile inputs refused)d hostile inputs refused before any request; '
            'secret scan: %(runs scanned)d runs at -vvvv, %(characters scanned)d characters, %(secrets found)d secrets found' % FIGURES)
