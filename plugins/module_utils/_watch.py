# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""The logic of the runai_pod_events event source: the state it keeps per pod, and the poll loop (its arguments
are read by _watch_arguments.py).

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
import re
import sys
import threading
from array import array

from ansible_collections.runai.platform.plugins.module_utils._client import RunaiClient, parse_retry_after
from ansible_collections.runai.platform.plugins.module_utils._dates import format_api_datetime
from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError
from ansible_collections.runai.platform.plugins.module_utils._pager import iter_pages
from ansible_collections.runai.platform.plugins.module_utils._pod_query import read_pod_query
from ansible_collections.runai.platform.plugins.module_utils._pod_reads import fetch_pod_pages, scope_not_created
from ansible_collections.runai.platform.plugins.module_utils._watch_arguments import SOURCE

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


# -- the state kept between polls, and the diff ---------------------------------------------------

_CANONICAL_UUID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z')
_LOW_64_BITS = (1 << 64) - 1
# Odd 64-bit constants (from splitmix64): multiplying by one spreads every input bit over the high bits.
_MIX_HIGH = 0x9E3779B97F4A7C15
_MIX_LOW = 0xBF58476D1CE4E5B9
# What a slot of PodTable holds: nothing; a pod known from before, not listed (yet) by the current poll; a pod the
# current poll listed (its profile is the new one); a pod that left (a tombstone, so that probing goes on past it);
# a pod the pager handed on in the current poll and the watch has not listed yet, known from before (its profile
# is the old one) or new (no profile yet).
_FREE, _KNOWN, _LISTED, _GONE, _HANDED_KNOWN, _HANDED_NEW = 0, 1, 2, 3, 4, 5
_OCCUPIED = (_KNOWN, _LISTED, _HANDED_KNOWN, _HANDED_NEW)
_SEEN_THIS_POLL = (_LISTED, _HANDED_KNOWN, _HANDED_NEW)
# A new poll: what the last one listed or handed on is known; a pod handed on by a poll given up before the
# watch listed it was never reported, so it is forgotten (the next poll that lists it reports it ADDED).
_A_NEW_POLL = bytes.maketrans(bytes([_LISTED, _HANDED_KNOWN, _HANDED_NEW]), bytes([_KNOWN, _KNOWN, _GONE]))
# The table's 2**_SEGMENT_BITS segments, each of at least _MIN_SLOTS slots.
_SEGMENT_BITS = 6
_MIN_SLOTS = 64
# PodTable.list() of an id the current poll listed already.
DUPLICATE = -1


def _halves(pod_id):
    """The 128 bits of a canonical UUID, as its high and low 64-bit halves."""
    value = int(pod_id.replace('-', ''), 16)
    return value >> 64, value & _LOW_64_BITS


def _is_canonical_uuid(item_id):
    return isinstance(item_id, str) and _CANONICAL_UUID.match(item_id) is not None


class _Slots:
    """One segment of a PodTable: open-addressed slots of 128-bit ids, their profile numbers and marks."""

    def __init__(self, slots):
        self.mask = slots - 1
        self.shift = 64 - (slots.bit_length() - 1)  # the slot is taken from the well-mixed bits after the segment's
        # Repeating a one-item array allocates the result at once (array('Q', bytes(n)) held n bytes twice).
        self.high = array('Q', [0]) * slots
        self.low = array('Q', [0]) * slots
        self.profile = array('I', [0]) * slots
        self.marks = bytearray(slots)
        self.used = 0  # slots not free: live pods and tombstones
        self.live = 0

    def locate(self, mixed, high, low):
        """(the slot of the id, True), or (the slot it would take, False)."""
        marks, highs, lows, mask = self.marks, self.high, self.low, self.mask
        index = ((mixed << _SEGMENT_BITS) & _LOW_64_BITS) >> self.shift
        tombstone = None
        while True:
            mark = marks[index]
            if mark == _FREE:
                return (index if tombstone is None else tombstone), False
            if mark == _GONE:
                if tombstone is None:
                    tombstone = index
            elif highs[index] == high and lows[index] == low:
                return index, True
            index = (index + 1) & mask

    def place(self, index, high, low, number, mark):
        if self.marks[index] == _FREE:
            self.used += 1
        self.marks[index], self.high[index], self.low[index], self.profile[index] = mark, high, low, number
        self.live += 1

    def full(self):
        return self.used * 4 > (self.mask + 1) * 3

    def rebuilt(self):
        """This segment twice as large when it is half full of live pods, else the same size without its tombstones."""
        slots = self.mask + 1
        new = _Slots(slots * 2 if self.live * 2 > slots else slots)
        for index, mark in enumerate(self.marks):
            if mark in _OCCUPIED:
                high, low = self.high[index], self.low[index]
                new.place(new.locate(_mix(high, low), high, low)[0], high, low, self.profile[index], mark)
        return new


def _mix(high, low):
    """64 well-mixed bits of an id: the top ones choose its segment, the next ones its slot."""
    return ((high * _MIX_HIGH) ^ (low * _MIX_LOW)) & _LOW_64_BITS


class PodTable:
    """Pod id -> profile number, in about 21 bytes a slot and no Python object per pod; also the pager's record of
    the ids a poll handed on (HandedIds), so that a poll holds each id once.

    A pod id is a UUID: in canonical form (lowercase, dashes in place: one text per number) it is kept as
    its 128 bits in two arrays of 64-bit halves, open-addressed, with an array of profile numbers and a
    byte of state per slot. Ids in any other form sit in a dict. No object per pod means nothing of a
    poll's decoded pages stays pinned in memory by the state, and 50,000 pods take about 2-3 MiB.
    The slots are split in 64 segments that grow one at a time: growing never holds a second copy of the
    whole table, only of one segment.
    A poll marks the pods it lists; those still only known when it ends are the ones that left.
    """

    def __init__(self):
        self._others = {}  # ids that are not canonical UUIDs -> profile number
        self._others_listed = set()
        self._others_handed = set()  # ids that are not canonical UUIDs (ints too) the pager handed on in this poll
        self._segments = [_Slots(_MIN_SLOTS) for _segment in range(1 << _SEGMENT_BITS)]
        self.poll = 0  # the number of the current poll: a HandedIds of an earlier one stops its reader
        self.lock = threading.Lock()  # begin() against a reader of a poll given up that is still marking ids

    def __len__(self):
        return sum(segment.live for segment in self._segments) + len(self._others)

    def begin(self):
        """A new poll: no pod is listed or handed on yet."""
        with self.lock:
            self.poll += 1
            for segment in self._segments:
                segment.live -= segment.marks.count(_HANDED_NEW)
                segment.marks = segment.marks.translate(_A_NEW_POLL)
            self._others_listed = set()
            self._others_handed = set()

    def _find(self, pod_id):
        """(segment, slot, whether the id is there) of a canonical UUID."""
        high, low = _halves(pod_id)
        mixed = _mix(high, low)
        segment_number = mixed >> (64 - _SEGMENT_BITS)
        segment = self._segments[segment_number]
        index, found = segment.locate(mixed, high, low)
        return segment_number, segment, index, found, high, low

    def _insert(self, segment_number, segment, index, high, low, number, mark):
        segment.place(index, high, low, number, mark)
        if segment.full():
            self._segments[segment_number] = segment.rebuilt()

    def list(self, pod_id, number):
        """Record that the current poll lists `pod_id` with profile `number`; the number it had, None if new, DUPLICATE."""
        if not _CANONICAL_UUID.match(pod_id):
            if pod_id in self._others_listed:
                return DUPLICATE
            self._others_listed.add(pod_id)
            before = self._others.get(pod_id)
            self._others[pod_id] = number
            return before
        segment_number, segment, index, found, high, low = self._find(pod_id)
        if not found:
            self._insert(segment_number, segment, index, high, low, number, _LISTED)
            return None
        mark = segment.marks[index]
        if mark == _LISTED:
            return DUPLICATE
        before = None if mark == _HANDED_NEW else segment.profile[index]
        segment.marks[index] = _LISTED
        segment.profile[index] = number
        return before

    def hand_on(self, item_id):
        """Record that the pager hands on `item_id` in the current poll; False if it did so before."""
        if not _is_canonical_uuid(item_id):
            if item_id in self._others_handed:
                return False
            self._others_handed.add(item_id)
            return True
        segment_number, segment, index, found, high, low = self._find(item_id)
        if not found:
            self._insert(segment_number, segment, index, high, low, 0, _HANDED_NEW)
            return True
        if segment.marks[index] != _KNOWN:
            return False
        segment.marks[index] = _HANDED_KNOWN
        return True

    def handed_on(self, item_id):
        """Whether the current poll handed on (or listed) `item_id`."""
        if not _is_canonical_uuid(item_id):
            return item_id in self._others_handed or item_id in self._others_listed
        _number, segment, index, found, _high, _low = self._find(item_id)
        return found and segment.marks[index] in _SEEN_THIS_POLL

    def unlisted(self):
        """(pod id, profile number) of each pod known before the current poll and not listed by it, one at a time
        (a scope that emptied may have left tens of thousands); each is forgotten as it is handed on."""
        for segment in self._segments:
            index = segment.marks.find(_KNOWN)
            while index >= 0:
                segment.marks[index] = _GONE
                segment.live -= 1
                yield _uuid_text(segment.high[index], segment.low[index]), segment.profile[index]
                index = segment.marks.find(_KNOWN, index + 1)
        for pod_id in [pod_id for pod_id in self._others if pod_id not in self._others_listed]:
            yield pod_id, self._others.pop(pod_id)

    def ids(self):
        return set(pod_id for pod_id, _number in self.numbers())

    def numbers(self):
        """(pod id, profile number) of every pod in the table that has a profile."""
        for segment in self._segments:
            for index, mark in enumerate(segment.marks):
                if mark in (_KNOWN, _LISTED, _HANDED_KNOWN):
                    yield _uuid_text(segment.high[index], segment.low[index]), segment.profile[index]
        for pod_id, number in self._others.items():
            yield pod_id, number

    def renumber(self, new_numbers):
        """Profile numbers replaced through `new_numbers` (old -> new), for every pod."""
        for segment in self._segments:
            segment.profile = array('I', (new_numbers.get(number, 0) for number in segment.profile))
        self._others = dict((pod_id, new_numbers[number]) for pod_id, number in self._others.items())

    def footprint(self):
        """Bytes the table holds (the arrays, and the dict of other ids with its keys)."""
        arrays = sum(sum(part.buffer_info()[1] * part.itemsize for part in (segment.high, segment.low, segment.profile))
                     + sys.getsizeof(segment.marks) for segment in self._segments)
        others = sys.getsizeof(self._others) + sum(sys.getsizeof(pod_id) for pod_id in self._others)
        return arrays + others


def _uuid_text(high, low):
    text = '%032x' % ((high << 64) | low)
    return '%s-%s-%s-%s-%s' % (text[:8], text[8:12], text[12:16], text[16:20], text[20:])


class HandedIds:
    """The pager's record of the ids one poll handed on (iter_pages' `seen_ids`: add() and `in`), kept in the
    watch's own PodTable, so that a poll holds each id once instead of twice.

    Bound to its poll: a reader of a poll that was given up and is still running stops (PollCancelled) at
    its next id once a later poll began, instead of marking pods in it.
    """

    def __init__(self, table):
        self._table = table
        self._poll = table.poll

    def add(self, item_id):
        with self._table.lock:
            self._check()
            return self._table.hand_on(item_id)

    def __contains__(self, item_id):
        with self._table.lock:
            self._check()
            return self._table.handed_on(item_id)

    def _check(self):
        if self._table.poll != self._poll:
            raise PollCancelled()


def _frozen(value):
    """A hashable stand-in for a watched value (a list or an object becomes a tuple), equal when the values are."""
    if isinstance(value, list):
        return ('list',) + tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return ('dict',) + tuple(sorted((str(key), _frozen(item)) for key, item in value.items()))
    return value


class PodState:
    """What the watch remembers of each pod (its profile: the tuple of its watched values), and the diff of a poll.

    A poll is begin(), add_page() for each page (its ADDED and MODIFIED events at once), then end() (the
    DELETED events, and INIT_DONE after the first complete poll) or abandon() (a failed poll: no deletion).
    Pods in the same state share one profile, kept once and known by its number.
    """

    def __init__(self, watch_fields, emit_existing=True):
        self.watch_fields = watch_fields
        self.emit_existing = emit_existing
        self.baseline_done = False  # until a poll completed, pods listed are the baseline (ADDED only with emit_existing)
        self.polling = False
        self.last_poll_started = None  # when the last complete poll began (UTC): pods that left did so after it
        self._table = PodTable()
        self._profiles = []  # profile number -> values
        self._numbers = {}  # frozen values -> profile number
        self._profiles_kept = 0

    def __len__(self):
        return len(self._table)

    def ids(self):
        return self._table.ids()

    def handed_ids(self):
        """The record of the ids the current poll's pager hands on, kept in this state's table (see HandedIds)."""
        return HandedIds(self._table)

    def footprint(self):
        """Bytes of the per-pod state (the table), and of the shared profiles."""
        profiles = sys.getsizeof(self._profiles) + sum(sys.getsizeof(values) for values in self._profiles)
        return self._table.footprint(), profiles

    def begin(self):
        self._table.begin()
        self.polling = True

    def add_page(self, listed_pods, observed_at):
        """The events of one page of the current poll; the state remembers them at once."""
        events = []
        for pod in listed_pods:
            pod_id = pod.get('id') if isinstance(pod, dict) else None
            if not isinstance(pod_id, str):
                continue
            values = tuple(pod.get(field) for field in self.watch_fields)
            number = self._number(values)
            before = self._table.list(pod_id, number)
            if before == DUPLICATE:
                continue
            if before is None:
                if self.emit_existing or self.baseline_done:
                    events.append({'type': 'ADDED', 'pod': pod, 'observed_at': observed_at})
            elif before != number:
                events.append({'type': 'MODIFIED', 'pod': pod, 'changes': self._changes(self._profiles[before], values),
                               'observed_at': observed_at})
        return events

    def unlisted(self):
        """The listing ended: the ids of the pods it did not list, which left the scope (forgotten from here on), with
        their profile numbers."""
        return self._table.unlisted()

    def end(self, observed_at, left=None, completed=None):
        """The events of the end of a poll, one at a time: DELETED for each pod that `left` (unlisted() if not given),
        then INIT_DONE after the first complete poll. `completed` maps the id of a pod that left because it completed
        to the pod as listed now: its DELETED says `reason: completed` and shows it so, with the `changes` of its
        watched fields. The poll has ended once they have all been taken."""
        for pod_id, number in self.unlisted() if left is None else left:
            event = {'type': 'DELETED', 'pod': self.last_known(pod_id, self._profiles[number])}
            pod = (completed or {}).get(pod_id)
            if pod is not None:
                values = tuple(pod.get(field) for field in self.watch_fields)
                event = dict(event, pod=pod, reason='completed')
                changes = self._changes(self._profiles[number], values)
                if changes:
                    event['changes'] = changes
            event['observed_at'] = observed_at
            yield event
        self.polling = False
        if len(self._profiles) > 2 * self._profiles_kept + 64:
            self._forget_unused_profiles()
        if not self.baseline_done:
            self.baseline_done = True
            yield {'type': 'INIT_DONE', 'count': len(self._table), 'observed_at': observed_at}

    def abandon(self):
        """The poll failed part way: what it listed is remembered (its events went out), and nothing is deleted."""
        self.polling = False

    def last_known(self, pod_id, values):
        """A pod that left, as the events show it: its id and its watched fields as last seen."""
        pod = {'id': pod_id}
        pod.update(zip(self.watch_fields, values))
        return pod

    def _number(self, values):
        key = tuple(_frozen(value) for value in values)
        number = self._numbers.get(key)
        if number is None:
            number = self._numbers[key] = len(self._profiles)
            self._profiles.append(values)
        return number

    def _forget_unused_profiles(self):
        used = sorted(set(number for _pod_id, number in self._table.numbers()))
        new_numbers = dict((old, new) for new, old in enumerate(used))
        self._profiles = [self._profiles[old] for old in used]
        self._numbers = dict((tuple(_frozen(value) for value in values), number) for number, values in enumerate(self._profiles))
        self._table.renumber(new_numbers)
        self._profiles_kept = len(self._profiles)

    def _changes(self, old_values, new_values):
        return dict((field, {'old': old, 'new': new})
                    for field, old, new in zip(self.watch_fields, old_values, new_values) if old != new)


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


class PollCancelled(Exception):
    """The poll was given up (hung, or the source was cancelled): its worker threads stop asking."""


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
