# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""Health-gate waiting, kept apart from fetching: poll until a predicate holds or a deadline passes."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time


class WaitOutcome:
    def __init__(self, succeeded, state, value, elapsed, attempts):
        self.succeeded = succeeded
        self.state = state
        self.value = value
        self.elapsed = elapsed
        self.attempts = attempts


def wait_until(poll, evaluate, timeout, pause, clock=time.monotonic, sleep=time.sleep):
    """Call poll() until evaluate(state) returns (True, value), at most until `timeout` seconds have passed.

    Polls at least once, and once more at the deadline: a gate gets every chance the timeout allows.
    """
    started = clock()
    deadline = started + timeout
    attempts = 0
    while True:
        attempts += 1
        state = poll()
        holds, value = evaluate(state)
        now = clock()
        if holds or now >= deadline:
            return WaitOutcome(holds, state, value, round(now - started, 3), attempts)
        sleep(min(pause, deadline - now))
