# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Figures of the integration suites, printed at the end of the run (docs/reliability.md quotes them).

Under pytest-xdist each worker counts its own tests; conftest.py adds the workers' counts up in the
controller (`add_worker_output`), so the summary line shows the totals of the whole run.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

# Bearer tokens are JWTs: base64url of '{"' starts every one of them.
JWT = re.compile(r'eyJ[A-Za-z0-9_-]{8,}')
FIGURES = {'hostile inputs refused': 0, 'fault cases passed': 0, 'runs scanned': 0, 'characters scanned': 0, 'secrets found': 0}
# Lines a test reports for the end of the run (the load scenario's figures): a worker's own output is not shown.
REPORT_LINES = []


def scan_for_secrets(run, simulators):
    """What of a secret the run showed or wrote: client secrets, bearer tokens, an Authorization header."""
    everything = run.everything
    hits = [sim.client_secret for sim in simulators if sim.client_secret in everything] + JWT.findall(everything)
    if 'Bearer ' in everything:
        hits.append('an Authorization header')
    FIGURES['runs scanned'] += 1
    FIGURES['characters scanned'] += len(everything)
    FIGURES['secrets found'] += len(hits)
    return hits


def worker_output():
    """What a worker hands to the controller when it ends (JSON-safe, as execnet requires)."""
    return {'figures': dict(FIGURES), 'lines': list(REPORT_LINES)}


def add_worker_output(output):
    """In the controller: add what one worker counted and reported."""
    for name, value in output.get('figures', {}).items():
        FIGURES[name] += value
    REPORT_LINES.extend(output.get('lines', []))


def summary_lines():
    lines = list(REPORT_LINES)
    if FIGURES['runs scanned'] or FIGURES['fault cases passed']:
        lines.append(
            'reliability: %(fault cases passed)d fault cases passed, %(hostile inputs refused)d hostile inputs refused before any request; '
            'secret scan: %(runs scanned)d runs at -vvvv, %(characters scanned)d characters, %(secrets found)d secrets found' % FIGURES)
    return lines
