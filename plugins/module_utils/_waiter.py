# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""Health-gate waiting, kept apart from fetching: poll until a predicate holds, a failure is final, or a deadline passes."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time


class WaitOutcome:
    """How a wait ended. `state`/`value` are those of the last poll that succeeded (None if none did);
    `error` is the last poll failure that was let pass, `error_attempt` which poll it was."""

    def __init__(self, succeeded, state, value, elapsed, attempts, error=None, error_attempt=None):
        self.succeeded = succeeded
        self.state = state
        self.value = value
        self.elapsed = elapsed
        self.attempts = attempts
        self.error = error
        self.error_attempt = error_attempt

    @property
    def last_poll_failed(self):
        return self.error is not None and self.error_attempt == self.attempts


def _never(_subject):
    return False


def wait_until(poll, evaluate, timeout, pause, clock=time.monotonic, sleep=time.sleep, final=_never, errors=(), transient=_never):
    """Call poll() until evaluate(state) returns (True, value), at most until `timeout` seconds have passed.

    Polls at least once, and once more at the deadline: a gate gets every chance the timeout allows.
    `final(state)` true ends the wait at once (a failure no later poll can undo, like a Failed pod).
    An exception of poll() among `errors` that `transient(exc)` accepts is remembered and polling goes
    on; any other ends the wait by propagating.
    """
    started = clock()
    deadline = started + timeout
    attempts = 0
    state = value = error = error_attempt = None
    while True:
        attempts += 1
        holds = finished = False
        try:
            state = poll()
        except errors as exc:
            if not transient(exc):
                raise
            error, error_attempt = exc, attempts
        else:
            holds, value = evaluate(state)
            finished = holds or final(state)
        now = clock()
        if finished or now >= deadline:
            return WaitOutcome(holds, state, value, round(now - started, 3), attempts, error, error_attempt)
        sleep(min(pause, deadline - now))
