# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""The poll loop of the runai_pod_events event source (its arguments are read by _watch_arguments.py, the state it
keeps per pod and the diff are _watch_state.py).

A poll is streamed: the pager's pages are read in a daemon thread and handed to the event loop one at a
time; each page's ADDED and MODIFIED events go onto the rulebook's queue before the next page is taken,
so ansible-rulebook's back-pressure bounds memory. Only when the listing ended do the pods not listed
become DELETED; a poll that fails half way reports no deletion.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import asyncio
import ctypes
import datetime
import itertools
import logging
import os
import queue
import threading

from ansible_collections.runai.platform.plugins.module_utils._client import RunaiClient, parse_retry_after
from ansible_collections.runai.platform.plugins.module_utils._dates import format_api_datetime
from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError
from ansible_collections.runai.platform.plugins.module_utils._pager import iter_pages
from ansible_collections.runai.platform.plugins.module_utils._pod_query import read_pod_query
from ansible_collections.runai.platform.plugins.module_utils._pod_reads import fetch_pod_pages, scope_not_created
from ansible_collections.runai.platform.plugins.module_utils._watch_arguments import SOURCE
from ansible_collections.runai.platform.plugins.module_utils._watch_state import PodState, PollCancelled

# HTTP statuses that, on the first poll, mean the arguments or credentials are wrong rather than an outage.
FATAL_AT_START = (400, 401, 403)
# A poll that hears no answer for `timeout` plus this is hung: one request's timeout, not timeout x attempts x pages.
HANG_GRACE = 2.0
# Pods that left a scope of pods not completed are looked up among those completed since the last complete poll
# began, less these seconds: the control plane's clock and ours may differ a little.
COMPLETION_MARGIN = 300
# How often a waiting poll looks at its deadline, and a worker at the cancel flag (seconds of real time).
CHECK_EVERY = 0.25
# What the source asks of glibc's malloc (see tune_malloc): at most 2 arenas, and blocks of 256 KiB or more (a page's
# answer) always mapped on their own, so that they go back to the system when freed; with mallopt's names.
MALLOC_SETTINGS = (('MALLOC_ARENA_MAX', -8, 2), ('MALLOC_MMAP_THRESHOLD_', -3, 256 * 1024))
# The same logger name as the source file's, so that a rulebook's log shows one name.
logger = logging.getLogger('runai.platform.' + SOURCE)


def now_iso():
    """Now, as the API writes dates: ISO 8601 UTC with milliseconds and Z."""
    return format_api_datetime(datetime.datetime.now(datetime.timezone.utc))


# -- outages --------------------------------------------------------------------------------------

class Outage:
    """ERROR once when polls start failing; RECOVERED once when Run:ai answers a poll again, timed from the last good poll."""

    def __init__(self, clock):
        self.clock = clock
        self.last_good = clock()  # when the last poll that succeeded ended (at first: when the watch started)
        self.failing = False

    def failed(self, error, observed_at):
        if self.failing:
            return []
        self.failing = True
        event = {'type': 'ERROR', 'message': str(error)}
        if getattr(error, 'status', None) is not None:
            event['status'] = error.status
        event['observed_at'] = observed_at
        logger.warning('%s: %s', SOURCE, error)
        return [event]

    def answered(self, observed_at):
        """The first page (or the end) of a poll after an ERROR: RECOVERED, before that page's events."""
        if not self.failing:
            return []
        self.failing = False
        outage_seconds = round(self.clock() - self.last_good, 3)
        logger.info('%s: Run:ai answers again, %s s after the last poll that succeeded', SOURCE, outage_seconds)
        return [{'type': 'RECOVERED', 'outage_seconds': outage_seconds, 'observed_at': observed_at}]

    def poll_succeeded(self):
        self.last_good = self.clock()


class PollHung(RunaiError):
    """No answer for longer than the timeout allows: the poll is given up."""


class PollDeadline:
    """When a poll that hears nothing counts as hung: `timeout` + HANG_GRACE of silence since its last answer.

    A pause the client makes on purpose (a backoff, a Retry-After it honours) is not silence, and is left
    out of the count; the attempts after a timeout are, so a hung control plane is given up after about one
    timeout, not after timeout x attempts.
    """

    def __init__(self, clock, timeout):
        self.clock = clock
        self.timeout = timeout
        self.quiet_since = clock()

    def answered(self):
        self.quiet_since = max(self.quiet_since, self.clock())

    def pausing(self, seconds):
        self.quiet_since += seconds

    def expired(self):
        return self.clock() - self.quiet_since > self.timeout + HANG_GRACE


class WatchedClient:
    """The source's RunaiClient, with what the watch needs to see and to stop.

    - Each request runs in a daemon worker thread (_DaemonWorkers), and the thread that asked (the poll's,
      or a page worker of the pager's pool) waits for it or for the poll to be given up. A page in flight
      therefore never holds up the end of the process: the pool's workers return at once, and a daemon
      thread is not waited for at exit.
    - Every answer (a session response hook) is progress for the poll's deadline; the client's pauses
      between attempts are not silence; a Retry-After is remembered so that the next poll honours it.
    """

    def __init__(self, client, clock):
        self.client = client
        self.clock = clock
        self.deadline = None
        self.cancelled = threading.Event()
        self.retry_after_until = None
        # The poll a request belongs to, in the thread that runs it: a request of a poll given up must
        # neither feed the next poll's deadline nor go on retrying.
        self._request_of = threading.local()
        # The ids a poll's pager hands on, in the thread that reads the poll: the watch's own table, lent by read_with().
        self._reading = threading.local()
        client.request = self._request  # every get() goes through it, and a token is obtained inside it
        client.iter_pages = self._iter_pages
        client.sleep = self._pause
        client.session.hooks['response'].append(self._answered)

    def start_poll(self, deadline):
        self.deadline = deadline
        self.cancelled = threading.Event()
        return self.cancelled

    def read_with(self, seen_ids, read_pages, *arguments):
        """The pages of read_pages(*arguments), the pager keeping its record of the ids handed on in `seen_ids`:
        a poll's pager and its diff then hold each id once. Only the listing read in this thread borrows it (the
        listing of the pods that completed, read elsewhere, keeps its own)."""
        self._reading.seen_ids = seen_ids
        try:
            yield from read_pages(*arguments)
        finally:
            self._reading.seen_ids = None

    def _iter_pages(self, path, params, item_key, **options):
        return iter_pages(self.client, path, params, item_key, seen_ids=getattr(self._reading, 'seen_ids', None), **options)

    def _request(self, *args, **kwargs):
        return run_abandonable(self.cancelled, self._request_for, self.deadline, self.cancelled, args, kwargs)

    def _request_for(self, deadline, cancelled, args, kwargs):
        self._request_of.deadline, self._request_of.cancelled = deadline, cancelled
        return RunaiClient.request(self.client, *args, **kwargs)

    def _pause(self, seconds):
        deadline = getattr(self._request_of, 'deadline', None)
        if deadline is not None:
            deadline.pausing(seconds)
        if getattr(self._request_of, 'cancelled', self.cancelled).wait(seconds):
            raise PollCancelled()

    def _answered(self, response, *args, **kwargs):
        deadline = getattr(self._request_of, 'deadline', None)
        if deadline is not None:
            deadline.answered()
        if response.status_code in (429, 503):
            wait = parse_retry_after(response.headers.get('Retry-After'))
            if wait is not None:
                self.retry_after_until = self.clock() + wait
        return response


class _DaemonWorkers:
    """Long-lived daemon threads that run requests: never waited for at exit, and few, since each thread's
    memory allocator arena keeps what the thread's pages once took (a thread per request used up to twice the memory)."""

    def __init__(self):
        self._jobs = queue.Queue()
        self._lock = threading.Lock()
        self._idle = 0

    def submit(self, job):
        with self._lock:
            if self._idle:
                self._idle -= 1  # that idle worker takes this job
            else:
                threading.Thread(target=self._work, name=SOURCE + '-request', daemon=True).start()
        self._jobs.put(job)

    def _work(self):
        while True:
            self._jobs.get()()
            with self._lock:
                self._idle += 1


_WORKERS = _DaemonWorkers()


def run_abandonable(cancelled, function, *args, **kwargs):
    """function(*args, **kwargs) in a daemon worker thread; its result, or PollCancelled as soon as `cancelled` is set."""
    if cancelled.is_set():
        raise PollCancelled()
    done = threading.Event()
    outcome = {}

    def run():
        try:
            outcome['result'] = function(*args, **kwargs)
        except BaseException as exc:  # pylint: disable=broad-except  # handed to the waiting thread
            outcome['error'] = exc
        done.set()

    _WORKERS.submit(run)
    while not done.wait(CHECK_EVERY):
        if cancelled.is_set():
            raise PollCancelled()
    if 'error' in outcome:
        raise outcome['error']
    return outcome['result']


def tune_malloc(environ=None):
    """Ask glibc's malloc for MALLOC_SETTINGS, each unless its environment variable chose already; the names of
    those asked. Nothing happens elsewhere (musl, macOS, Windows).

    Why (docs/performance.md has the figures): glibc gives each thread that allocates an arena of its own, up
    to 8 a core, and an arena keeps, fragmented, what its thread's decoded answers once took; the pages of a poll
    are fetched and decoded by up to 8 worker threads, so the source's memory crept up poll after poll while the
    objects it held stayed the same. Python runs one thread at a time (the GIL): fewer arenas cost no speed.
    And once a block of a page's size was freed, glibc raises the size above which it maps blocks on their own,
    so the next pages' blocks stay in the heap, which keeps them. Settings of the whole process (ansible-
    rulebook's), for what is allocated after them.
    """
    environ = os.environ if environ is None else environ
    try:
        if not (os.confstr('CS_GNU_LIBC_VERSION') or '').startswith('glibc'):
            return []
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError, ValueError):  # no confstr, no such name, no libc to load, no mallopt
        return []
    return [variable for variable, option, value in MALLOC_SETTINGS if variable not in environ and mallopt(option, value) == 1]


# -- one poll -------------------------------------------------------------------------------------

def scope_pages(client, pod_query):
    """The pages of the scope; none when the scope's workload does not exist (yet)."""
    try:
        yield from fetch_pod_pages(client, pod_query)
    except RunaiError as exc:
        if not scope_not_created(pod_query, exc):
            raise


class PageStream:
    """One poll's pages, read in a daemon thread and handed to the event loop one at a time.

    The thread takes the next page from the pager only once the loop has put the events of the previous
    one on the rulebook's queue (taken()), so a slow rulebook slows the read instead of filling memory.
    """

    def __init__(self, loop, cancelled):
        self._loop = loop
        self._cancelled = cancelled
        self._inbox = asyncio.Queue()
        self._taken = threading.Event()
        self._getter = None

    def start(self, read_pages, *arguments):
        threading.Thread(target=self._read, args=(read_pages,) + arguments, name=SOURCE, daemon=True).start()

    def _read(self, read_pages, *arguments):
        pages = None
        try:
            pages = iter(read_pages(*arguments))
            for page in pages:
                self._taken.clear()
                if not self._hand(('page', page)):
                    return
                del page
                while not self._taken.wait(CHECK_EVERY):
                    if self._cancelled.is_set():
                        return
            self._hand(('end', None))
        except BaseException as exc:  # pylint: disable=broad-except  # handed to the event loop
            self._hand(('error', exc))
        finally:
            close = getattr(pages, 'close', None)
            if close is not None:
                close()  # the pager cancels what it fetches ahead

    def _hand(self, message):
        if self._cancelled.is_set():
            return False
        try:
            self._loop.call_soon_threadsafe(self._inbox.put_nowait, message)
        except RuntimeError:  # the loop is closed: nobody reads any more
            return False
        return True

    async def next(self, deadline):
        """('page', pods), ('end', None) or ('error', exception); PollHung when the deadline passes first."""
        if self._getter is None:
            self._getter = asyncio.ensure_future(self._inbox.get())
        while not self._getter.done():
            await asyncio.wait({self._getter}, timeout=CHECK_EVERY)
            if not self._getter.done() and deadline.expired():
                raise PollHung('Run:ai answered nothing for %s (the timeout of %s, and %s more) during a poll of the pods; '
                               'the poll was given up' % (_seconds(deadline.timeout + HANG_GRACE), _seconds(deadline.timeout),
                                                          '%g' % HANG_GRACE))
        message, self._getter = self._getter.result(), None
        return message

    def taken(self):
        self._taken.set()

    def stop(self):
        self._cancelled.set()
        self._taken.set()
        if self._getter is not None:
            self._getter.cancel()


def completed_since_query(scope, since):
    """The pods of `scope` (a scope of pods not completed) that completed at `since` or later."""
    filters = scope.get('filter_by') or []
    filters = [filters] if isinstance(filters, str) else list(filters)
    completed_scope = dict(scope, completed=True, filter_by=filters + ['completedAt>=' + format_api_datetime(since)])
    return read_pod_query(completed_scope.get)


def completed_pods(client, pod_query, wanted_ids):
    """id -> pod of the pods among `wanted_ids` that the listing of `pod_query` holds."""
    found = {}
    for page in scope_pages(client, pod_query):
        for pod in page:
            pod_id = pod.get('id') if isinstance(pod, dict) else None
            if pod_id in wanted_ids:
                found[pod_id] = pod
    return found


async def in_worker(function, *arguments):
    """function(*arguments) in a daemon worker thread, awaited without blocking the event loop."""
    loop = asyncio.get_running_loop()
    outcome = loop.create_future()

    def settle(result, error):
        if not outcome.done():
            if error is not None:
                outcome.set_exception(error)
            else:
                outcome.set_result(result)

    def run():
        try:
            result, error = function(*arguments), None
        except BaseException as exc:  # pylint: disable=broad-except  # handed to the awaiting coroutine
            result, error = None, exc
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    _WORKERS.submit(run)
    return await outcome


async def why_pods_left(watch, client_hooks, left, since):
    """Which of the pods that `left` a scope of pods not completed did so by completing: one listing of the pods of the
    scope completed since the last complete poll. Empty when the scope is not such, or when that listing fails (then
    the DELETED events simply carry no reason)."""
    if not left or client_hooks is None:
        return {}
    pod_query = completed_since_query(watch.scope, since - datetime.timedelta(seconds=COMPLETION_MARGIN))
    try:
        return await in_worker(completed_pods, client_hooks.client, pod_query, set(pod_id for pod_id, _number in left))
    except RunaiError as exc:
        logger.info('%s: could not tell why %d pods left the scope: %s', SOURCE, len(left), exc)
        return {}


async def poll_once(queue, watch, client_hooks, state, outage, clock, read_pages):
    """One poll, its events put on the queue page by page; raises RunaiError (PollHung included) when it fails."""
    loop = asyncio.get_running_loop()
    started = datetime.datetime.now(datetime.timezone.utc)
    deadline = PollDeadline(clock, watch.timeout)
    cancelled = client_hooks.start_poll(deadline) if client_hooks is not None else threading.Event()
    stream = PageStream(loop, cancelled)
    state.begin()
    if client_hooks is not None:
        stream.start(client_hooks.read_with, state.handed_ids(), read_pages, client_hooks.client, watch.pod_query)
    else:
        stream.start(read_pages, None, watch.pod_query)
    try:
        while True:
            kind, value = await stream.next(deadline)
            if kind == 'error':
                raise value
            deadline.answered()
            observed_at = now_iso()
            events = outage.answered(observed_at)
            if kind == 'end':
                left, completed = None, {}
                if watch.scope.get('completed') is False and state.last_poll_started is not None:
                    left = list(state.unlisted())
                    completed = await why_pods_left(watch, client_hooks, left, state.last_poll_started)
                for event in itertools.chain(events, state.end(observed_at, left, completed)):
                    await queue.put(event)
                state.last_poll_started = started
                outage.poll_succeeded()
                return
            events += state.add_page(value, observed_at)
            del value
            for event in events:
                await queue.put(event)
            del events
            stream.taken()
    finally:
        stream.stop()
        state.abandon()


async def watch_pods(queue, watch, client, clock=None, sleep=None, read_pages=scope_pages, state=None):
    """Poll forever, putting each event on the queue; RunaiError when the first poll is refused.

    `state` (a PodState) may be given by a caller that measures it (make bench).
    """
    loop = asyncio.get_running_loop()
    clock = clock or loop.time
    sleep = sleep or asyncio.sleep
    client_hooks = WatchedClient(client, clock) if client is not None else None
    if client_hooks is not None:
        tune_malloc()
    state = state if state is not None else PodState(watch.watch_fields, watch.emit_existing)
    outage = Outage(clock)
    next_poll = clock()
    while True:
        try:
            await poll_once(queue, watch, client_hooks, state, outage, clock, read_pages)
        except RunaiError as exc:
            if not state.baseline_done and not len(state) and exc.status in FATAL_AT_START:
                raise
            for event in outage.failed(exc, now_iso()):
                await queue.put(event)
        next_poll = max(next_poll + watch.interval, clock())
        if client_hooks is not None and client_hooks.retry_after_until is not None:
            # The server asked for a pause longer than the interval: the next poll waits for it.
            next_poll = max(next_poll, client_hooks.retry_after_until)
        await sleep(next_poll - clock())


def _seconds(value):
    return '%g second%s' % (value, '' if value == 1 else 's')
