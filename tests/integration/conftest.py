# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Simulators shared by the integration tests: one plain, one over TLS, started once per session."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from harness import start_simulator

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
