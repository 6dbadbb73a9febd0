# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The event source's main() run in-process, as ansible-rulebook runs it: for the eda tests and the load test."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import asyncio
import threading
import time


class RunningSource:
    """main() of the source on its own event loop in a thread, collecting every event it puts."""

    def __init__(self, source, args):
        self.events = []
        self.failure = None
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._task = None
        self._source = source
        self._args = args
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        asyncio.set_event_loop(self._loop)
        outer = self

        class Queue:
            async def put(self, event):
                with outer._lock:  # pylint: disable=protected-access
                    outer.events.append(event)
        self._task = self._loop.create_task(self._source['main'](Queue(), self._args))
        try:
            self._loop.run_until_complete(self._task)
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # pylint: disable=broad-except  # what ended the source, for the test to see
            self.failure = exc
        finally:
            self._loop.close()

    def wait_for(self, predicate, timeout=30, what='events'):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                snapshot = list(self.events)
            if predicate(snapshot) or self.failure is not None:
                return snapshot
            time.sleep(0.1)
        raise AssertionError('no %s within %s s; events so far: %s' % (what, timeout, [event['type'] for event in self.events]))

    def count(self, kind):
        return len(self.of_type(kind))

    def of_type(self, kind):
        with self._lock:
            return [event for event in self.events if event['type'] == kind]

    def stop(self):
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._task.cancel)
            self._thread.join(30)
        return self
