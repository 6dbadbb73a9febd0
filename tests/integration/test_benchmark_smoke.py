# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""make bench at a tiny size, so that the benchmark code cannot rot between benchmark runs."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import re
import subprocess
import sys

import pytest

# make bench runs with the newest ansible-core only.
pytestmark = pytest.mark.client_logic

BENCH = os.path.join(os.path.dirname(__file__), '..', 'benchmarks', 'bench.py')


def test_the_benchmark_runs_every_case_and_writes_its_table(tmp_path):
    completed = subprocess.run([sys.executable, BENCH, '--sizes', '200', '--latencies', '0', '--runs', '1', '--skip', 'metrics',
                                '--out', str(tmp_path)], capture_output=True, text=True, timeout=600, check=False)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    results = json.loads((tmp_path / 'results.json').read_text())
    assert sorted(entry['case'] for entry in results) == sorted([
        'ping', 'gate (return_pods: false + summary query)', 'gate, pods query (length(pods[?...]))',
        'gate (return_pods: false + pod_condition)', 'gate over the whole scope (no max_pods)',
        'gate as users write it (summary.by_phase + assert)',
        'module, every pod returned', 'module, fields (3)', 'floor (trivial module, same pods)',
        'lookup count_only', 'lookup query', 'uri loop', 'raw requests loop'])
    assert all(entry['pods'] == 200 and entry['median'] > 0 and entry['peak_mib'] > 0 for entry in results)
    # The cases compared read the same 200 pods and count the same Failed pods among them; the whole-scope
    # cases see one scope, larger than 200 pods. Only ping concludes nothing.
    verdicts = dict((entry['case'], entry['verdict']) for entry in results)
    assert [case for case, verdict in verdicts.items() if verdict is None] == ['ping']
    whole_scope = ('gate over the whole scope (no max_pods)', 'gate (return_pods: false + pod_condition)', 'lookup count_only')
    assert len(set(verdicts[case]['scope'] for case in whole_scope)) == 1 and verdicts['lookup count_only']['scope'] > 200
    read = dict((case, verdict) for case, verdict in verdicts.items() if verdict is not None and case not in whole_scope)
    assert all(verdict.get('pods', 200) == 200 for verdict in read.values()), read
    failed = set(verdict['failed'] for verdict in read.values())
    assert len(failed) == 1 and min(failed) > 0 and len(read) == 9, read
    # Each ratio is computed from the medians of both sides.
    medians = dict((entry['case'], entry['median']) for entry in results)
    table = (tmp_path / 'results.md').read_text()
    shows_ratio(table, 'gate: (module - ping) / raw loop',
                (medians['gate (return_pods: false + summary query)'] - medians['ping']) / medians['raw requests loop'])
    shows_ratio(table, 'every pod: module / floor', medians['module, every pod returned'] / medians['floor (trivial module, same pods)'])
    shows_ratio(table, 'pod_condition gate / gate, both over the whole scope',
                medians['gate (return_pods: false + pod_condition)'] / medians['gate over the whole scope (no max_pods)'])
    shows_ratio(table, 'lookup count_only / ping', medians['lookup count_only'] / medians['ping'])
    assert 'N=200: every case read 200 pods and counted %d Failed' % failed.pop() in table
    # Every module case records its module process apart (the lookups run in ansible-playbook itself).
    module_peaks = dict((entry['case'], entry['module_peak_mib']) for entry in results)
    assert module_peaks['lookup count_only'] is None
    assert all(module_peaks[case] > 0 for case in module_peaks if not case.startswith('lookup'))
    assert 'gate, module process peak = ' in table and '| peak MiB, module process |' in table


def shows_ratio(table, name, expected):
    """The table gives `name = <expected, two decimals>`; a negative difference (one run on a busy machine can
    time the module faster than ping) is noise, and the table leaves that line out rather than print it."""
    found = re.search(re.escape(name) + r' = (-?[0-9.]+)', table)
    if expected < 0:
        assert found is None, found.group(0)
    else:
        assert found is not None, '%r is missing from the table:\n%s' % (name, table)
        assert found.group(1) == '%.2f' % expected
