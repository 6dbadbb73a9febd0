# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""make bench at a tiny size, so that the benchmark code cannot rot between benchmark runs."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import subprocess
import sys

BENCH = os.path.join(os.path.dirname(__file__), '..', 'benchmarks', 'bench.py')


def test_the_benchmark_runs_every_case_and_writes_its_table(tmp_path):
    completed = subprocess.run([sys.executable, BENCH, '--sizes', '200', '--latencies', '0', '--runs', '1', '--skip', 'metrics',
                                '--out', str(tmp_path)], capture_output=True, text=True, timeout=600, check=False)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    results = json.loads((tmp_path / 'results.json').read_text())
    assert sorted(entry['case'] for entry in results) == sorted([
        'ping', 'gate (return_pods: false + query)', 'gate (return_pods: false + pod_condition)',
        'module, every pod returned', 'module, fields (3)', 'floor (trivial module, same pods)',
        'lookup count_only', 'lookup query', 'uri loop', 'raw requests loop'])
    assert all(entry['pods'] == 200 and entry['median'] > 0 and entry['peak_mib'] > 0 for entry in results)
    table = (tmp_path / 'results.md').read_text()
    assert 'gate: (module - ping) / raw loop = ' in table and 'every pod: module / floor = ' in table
    assert 'pod_condition gate / gate = ' in table
