# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run one command; print its wall time, exit code and the peak memory of its largest process as JSON.

A process of its own per measurement, so that RUSAGE_CHILDREN covers exactly that command's tree.
"""

import json
import resource
import subprocess
import sys
import time

started = time.perf_counter()
completed = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
seconds = time.perf_counter() - started
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({'seconds': seconds, 'peak_mib': peak_kib / 1024.0, 'returncode': completed.returncode,
                  'output_tail': completed.stdout.decode(errors='replace')[-3000:]}))
