# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Where the eda suite finds ansible-rulebook, and whether it can run on this machine.

ansible-rulebook drives the Drools engine in a JVM and needs Java 17 or newer. Run as a script, this
prints why the rulebook test will be skipped (exit status 1), or nothing (exit status 0).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIN_JAVA = 17


def eda_venv():
    """The virtualenv holding ansible-rulebook (make venv-eda), RUNAI_EDA_VENV when set."""
    return os.environ.get('RUNAI_EDA_VENV') or os.path.join(ROOT, '.venv-eda')


def java_command():
    """The java that ansible-rulebook will start: JAVA_HOME's if set, else the first on PATH."""
    java_home = os.environ.get('JAVA_HOME')
    if java_home:
        return os.path.join(java_home, 'bin', 'java')
    return shutil.which('java')


def java_major(java):
    """The major version of that java ("17.0.15" -> 17, "1.8.0_392" -> 8), or None if it does not run."""
    try:
        answer = subprocess.run([java, '-version'], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    version = re.search(r'version "(\d+)(?:\.(\d+))?', answer.stderr + answer.stdout)
    if not version:
        return None
    major = int(version.group(1))
    return int(version.group(2) or 0) if major == 1 else major


def engine_problem():
    """Why ansible-rulebook cannot run here, in one line; None when it can."""
    java = java_command()
    if not java or not os.path.exists(java):
        return 'no Java on this machine (ansible-rulebook needs Java %d or newer): the ansible-rulebook test is skipped' % MIN_JAVA
    major = java_major(java)
    if major is None or major < MIN_JAVA:
        found = 'Java %d' % major if major else 'a java that does not answer -version'
        return '%s at %s, and ansible-rulebook needs Java %d or newer: the ansible-rulebook test is skipped' % (found, java, MIN_JAVA)
    return None


if __name__ == '__main__':
    problem = engine_problem()
    if problem:
        print(problem)
        sys.exit(1)
