# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run one command; print as JSON its wall time, exit code, the peak memory of its largest process, and the
peak memory of the largest module process (recorded by module_python.py; null when no module ran).

A process of its own per measurement, so that RUSAGE_CHILDREN covers exactly that command's tree.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time

with tempfile.NamedTemporaryFile(prefix='bench-module-peak-', suffix='.txt') as peaks:
    env = dict(os.environ, BENCH_MODULE_PEAK_FILE=peaks.name)
    started = time.perf_counter()
    completed = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False, env=env)
    seconds = time.perf_counter() - started
    module_peaks = [int(line) for line in open(peaks.name) if line.strip()]
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({'seconds': seconds, 'peak_mib': peak_kib / 1024.0, 'returncode': completed.returncode,
                  'module_peak_mib': max(module_peaks) / 1024.0 if module_peaks else None,
                  'output_tail': completed.stdout.decode(errors='replace')[-3000:]}))
