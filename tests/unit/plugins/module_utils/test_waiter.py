# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Waiting on a fake clock: as soon as the condition holds, at once on a final failure, through transient errors."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError
from ansible_collections.runai.platform.plugins.module_utils._waiter import wait_until


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def scripted(*steps):
    """A poll() that returns each step in turn, or raises it when it is an exception."""
    remaining = list(steps)

    def poll():
        step = remaining.pop(0) if len(remaining) > 1 else remaining[0]
        if isinstance(step, Exception):
            raise step
        return step
    return poll


def transient(exc):
    return isinstance(exc, RunaiError) and exc.status == 503


def test_wait_returns_as_soon_as_the_condition_holds():
    clock = FakeClock()
    outcome = wait_until(scripted(1, 2, 3), lambda state: (state >= 2, state), timeout=60, pause=5, clock=clock, sleep=clock.sleep)
    assert (outcome.succeeded, outcome.value, outcome.attempts, outcome.elapsed, clock.sleeps) == (True, 2, 2, 5.0, [5])


def test_wait_polls_once_more_at_the_deadline_then_gives_up():
    clock = FakeClock()
    outcome = wait_until(lambda: 'Pending', lambda state: (False, state), timeout=12, pause=5, clock=clock, sleep=clock.sleep)
    assert (outcome.succeeded, outcome.value, outcome.attempts, outcome.elapsed, clock.sleeps) == (False, 'Pending', 4, 12.0, [5, 5, 2])


def test_wait_with_zero_timeout_polls_once():
    clock = FakeClock()
    outcome = wait_until(lambda: 'x', lambda state: (False, state), timeout=0, pause=5, clock=clock, sleep=clock.sleep)
    assert (outcome.attempts, clock.sleeps) == (1, [])


def test_a_final_state_ends_the_wait_at_once():
    clock = FakeClock()
    outcome = wait_until(scripted('Pending', 'Failed', 'Running'), lambda state: (state == 'Running', state), timeout=60, pause=5,
                         clock=clock, sleep=clock.sleep, final=lambda state: state == 'Failed')
    assert (outcome.succeeded, outcome.state, outcome.attempts, clock.now) == (False, 'Failed', 2, 5.0)


def test_transient_errors_let_polling_go_on_and_are_remembered():
    clock = FakeClock()
    unavailable = RunaiError('HTTP 503', status=503)
    outcome = wait_until(scripted('Pending', unavailable, 'Running'), lambda state: (state == 'Running', state), timeout=60, pause=5,
                         clock=clock, sleep=clock.sleep, errors=(RunaiError,), transient=transient)
    assert (outcome.succeeded, outcome.state, outcome.attempts) == (True, 'Running', 3)
    assert (outcome.error, outcome.error_attempt, outcome.last_poll_failed) == (unavailable, 2, False)


def test_a_wait_ending_on_a_transient_error_keeps_the_last_good_state():
    clock = FakeClock()
    unavailable = RunaiError('HTTP 503', status=503)
    outcome = wait_until(scripted('Pending', unavailable), lambda state: (False, state), timeout=10, pause=5,
                         clock=clock, sleep=clock.sleep, errors=(RunaiError,), transient=transient)
    assert (outcome.succeeded, outcome.state, outcome.value, outcome.attempts, outcome.last_poll_failed) == (False, 'Pending', 'Pending', 3, True)


def test_when_every_poll_fails_transiently_there_is_no_state():
    clock = FakeClock()
    outcome = wait_until(scripted(RunaiError('HTTP 503', status=503)), lambda state: (True, state), timeout=10, pause=5,
                         clock=clock, sleep=clock.sleep, errors=(RunaiError,), transient=transient)
    assert (outcome.succeeded, outcome.state, outcome.attempts, outcome.last_poll_failed) == (False, None, 3, True)


def test_other_errors_end_the_wait_at_once():
    clock = FakeClock()
    with pytest.raises(RunaiError) as failure:
        wait_until(scripted('Pending', RunaiError('HTTP 401', status=401), 'Running'), lambda state: (state == 'Running', state),
                   timeout=60, pause=5, clock=clock, sleep=clock.sleep, errors=(RunaiError,), transient=transient)
    assert failure.value.status == 401 and clock.now == 5.0


def test_errors_not_listed_are_never_caught():
    clock = FakeClock()
    with pytest.raises(RunaiError):
        wait_until(scripted(RunaiError('HTTP 503', status=503)), lambda state: (True, state), timeout=10, pause=5,
                   clock=clock, sleep=clock.sleep, transient=transient)
