# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The event source as ansible-rulebook loads it: runpy.run_path on the file of an installed collection."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import runpy

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RELATIVE_PATH = os.path.join('extensions', 'eda', 'plugins', 'event_source', 'runai_pod_events.py')


def installed_source_path():
    """The source inside an ansible_collections tree (hack/bootstrap links the checkout into the venv's)."""
    for folder in (os.environ.get('ANSIBLE_COLLECTIONS_PATH') or '').split(os.pathsep):
        candidate = os.path.join(folder, 'ansible_collections', 'runai', 'platform', RELATIVE_PATH)
        if folder and os.path.isfile(candidate):
            return candidate
    raise RuntimeError('runai.platform is not in ANSIBLE_COLLECTIONS_PATH: run the eda suite through hack/run-tests')


@pytest.fixture(scope='session')
def source_path():
    return installed_source_path()


@pytest.fixture(scope='session')
def source(source_path):
    """The source's globals. Its functions read the module's own namespace: patch through `namespace`."""
    loaded = runpy.run_path(source_path)
    assert loaded['IMPORT_ERROR'] is None
    return loaded


@pytest.fixture
def namespace(source):
    return source['main'].__globals__
