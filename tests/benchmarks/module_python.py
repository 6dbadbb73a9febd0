# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the benchmark's ansible_python_interpreter runs (through a small sh script that bench.py writes):
the module under the real Python as a child, whose peak resident memory (KiB) it appends to the file
named by BENCH_MODULE_PEAK_FILE.

Usage (as Ansible calls an interpreter): python module_python.py MODULE_ARGS...
The module process is measured alone, apart from ansible-playbook and its workers, which a process
tree's largest-process figure cannot tell apart from it.
"""

import os
import resource
import subprocess
import sys

completed = subprocess.run([sys.executable] + sys.argv[1:], check=False)
peak_file = os.environ.get('BENCH_MODULE_PEAK_FILE')
if peak_file:
    with open(peak_file, 'a') as handle:
        handle.write('%d\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(completed.returncode)
