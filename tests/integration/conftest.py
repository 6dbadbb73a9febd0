# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Simulators shared by the integration tests: one plain, one over TLS, started once per session (once per
pytest-xdist worker: each worker has its own, so no test sees another's requests, faults or pod changes)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from harness import start_simulator
from reliability_figures import add_worker_output, scan_for_secrets, summary_lines, worker_output

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


@pytest.fixture(scope='module')
def settled_simulator(simulator):
    """The shared simulator for a module's fixture: no fault a test before it left behind (tests run in any
    order, and under pytest-xdist each worker runs its own share of them)."""
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


class _WorkerFigures:
    """pytest-xdist's hooks, registered only where it is installed: each worker hands its figures over as it ends."""

    @staticmethod
    def pytest_testnodedown(node, error):  # pylint: disable=unused-argument
        add_worker_output(getattr(node, 'workeroutput', {}).get('runai_figures', {}))


def pytest_configure(config):
    if config.pluginmanager.hasplugin('xdist'):
        config.pluginmanager.register(_WorkerFigures(), 'runai_worker_figures')


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, 'workeroutput', None)
    if workeroutput is not None:     # this process is an xdist worker
        workeroutput['runai_figures'] = worker_output()


def pytest_terminal_summary(terminalreporter):
    for line in summary_lines():
        terminalreporter.write_line(line)
