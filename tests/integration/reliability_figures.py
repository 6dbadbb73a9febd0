# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Figures of the reliability suites, printed at the end of the run (docs/reliability.md quotes them)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

# Bearer tokens are JWTs: base64url of '{"' starts every one of them.
JWT = re.compile(r'eyJ[A-Za-z0-9_-]{8,}')
FIGURES = {'hostile inputs refused': 0, 'fault cases passed': 0, 'runs scanned': 0, 'characters scanned': 0, 'secrets found': 0}


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
