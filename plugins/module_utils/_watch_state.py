# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""What the runai_pod_events event source remembers of each pod between polls, and the diff of a poll against it
(PodState over a PodTable, which is also the pager's record of the ids a poll handed on: HandedIds).

Free of threads and of the network, so that it is tested on its own; the poll loop is _watch.py.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import mmap
import re
import sys
import threading
from array import array


class PollCancelled(Exception):
    """The poll was given up (hung, or the source was cancelled): its worker threads stop asking."""


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
# What a slot takes: the id's two 64-bit halves, a 32-bit profile number, a mark byte.
_SLOT_BYTES = 8 + 8 + 4 + 1
# A segment's arrays from this size on lie in a memory map of their own (1,024 slots and more; see _Slots).
_MAPPED_FROM = 16 * 1024
# Profile numbers renumbered at a time (PodTable.renumber).
_RENUMBER_SLICE = 128
# PodTable.list() of an id the current poll listed already.
DUPLICATE = -1


def _halves(pod_id):
    """The 128 bits of a canonical UUID, as its high and low 64-bit halves."""
    value = int(pod_id.replace('-', ''), 16)
    return value >> 64, value & _LOW_64_BITS


def _is_canonical_uuid(item_id):
    return isinstance(item_id, str) and _CANONICAL_UUID.match(item_id) is not None


class _Slots:
    """One segment of a PodTable: open-addressed slots of 128-bit ids, their profile numbers and marks.

    The four arrays lie in one block of zeroed memory. From _MAPPED_FROM bytes on it is an anonymous memory map of
    the segment's own, not in the allocator's heap: a segment that grows maps a larger one and the old map goes
    back to the system at once. Arrays from the heap left the old segments' space there as holes, kept by the
    process (about 2 MiB at 200,000 pods: docs/performance.md). A smaller segment stays in the heap: a map takes
    whole pages, 256 KiB for the 64 segments of an empty table.
    """

    def __init__(self, slots):
        self.mask = slots - 1
        self.shift = 64 - (slots.bit_length() - 1)  # the slot is taken from the well-mixed bits after the segment's
        self._block = _zeroed(slots * _SLOT_BYTES)  # every slot free
        whole = memoryview(self._block)
        self.high = whole[:8 * slots].cast('Q')
        self.low = whole[8 * slots:16 * slots].cast('Q')
        self.profile = whole[16 * slots:20 * slots].cast('I')
        self.marks = whole[20 * slots:]
        self._marks_at = 20 * slots
        self.used = 0  # slots not free: live pods and tombstones
        self.live = 0

    def find(self, mark, start=0):
        """The first slot from `start` on with this mark, or -1."""
        found = self._block.find(bytes((mark,)), self._marks_at + start)
        return found - self._marks_at if found >= 0 else -1

    def count(self, mark):
        return self.marks.tobytes().count(bytes((mark,)))

    def translate(self, table):
        """Every mark replaced through `table` (bytes.maketrans), in place."""
        self.marks[:] = self.marks.tobytes().translate(table)

    def footprint(self):
        """Bytes of memory the segment's arrays take (a map's rounded up to whole pages)."""
        if isinstance(self._block, mmap.mmap):
            return -(-len(self._block) // mmap.PAGESIZE) * mmap.PAGESIZE
        return sys.getsizeof(self._block)

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


def _zeroed(size):
    """`size` bytes of zeroed memory: from _MAPPED_FROM on, a map of this process's own (anonymous, and private: not
    shared with a child process the rulebook forks, as a shared map would be)."""
    if size < _MAPPED_FROM:
        return bytearray(size)
    private = getattr(mmap, 'MAP_PRIVATE', None)
    if private is None:  # Windows: every anonymous map is the process's own
        return mmap.mmap(-1, size)
    return mmap.mmap(-1, size, flags=private)


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
    whole table, only of one segment, and a segment of 1,024 slots or more lies in a memory map of its own (_Slots).
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
                segment.live -= segment.count(_HANDED_NEW)
                segment.translate(_A_NEW_POLL)
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
            index = segment.find(_KNOWN)
            while index >= 0:
                segment.marks[index] = _GONE
                segment.live -= 1
                yield _uuid_text(segment.high[index], segment.low[index]), segment.profile[index]
                index = segment.find(_KNOWN, index + 1)
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

    def used_numbers(self):
        """The profile numbers some pod in the table has."""
        used = set(self._others.values())
        for segment in self._segments:
            used.update(number for mark, number in zip(segment.marks, segment.profile) if mark in (_KNOWN, _LISTED, _HANDED_KNOWN))
        return used

    def renumber(self, new_numbers):
        """Profile numbers replaced through `new_numbers` (old -> new), for every pod."""
        for segment in self._segments:
            profile = segment.profile
            # A slice at a time: a whole segment's array at once (32 KiB at 200,000 pods, 64 of them) made the heap
            # grow by 2 MiB that something allocated meanwhile could keep from going back.
            for start in range(0, len(profile), _RENUMBER_SLICE):
                part = profile[start:start + _RENUMBER_SLICE]
                part[:] = array('I', (new_numbers.get(number, 0) for number in part))
        self._others = dict((pod_id, new_numbers[number]) for pod_id, number in self._others.items())

    def footprint(self):
        """Bytes the table holds (the segments' maps, and the dict of other ids with its keys)."""
        arrays = sum(segment.footprint() for segment in self._segments)
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


def _deep_size(value, counted):
    """Bytes of `value` and of what it holds (lists, tuples and dicts), leaving out the objects in `counted`."""
    if id(value) in counted:
        return 0
    counted.add(id(value))
    size = sys.getsizeof(value)
    if isinstance(value, dict):
        return size + sum(_deep_size(key, counted) + _deep_size(item, counted) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return size + sum(_deep_size(item, counted) for item in value)
    return size


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
        self._values = {}  # (type, value) -> the one object of that value the profiles share
        self._profiles_kept = 0

    def __len__(self):
        return len(self._table)

    def ids(self):
        return self._table.ids()

    def handed_ids(self):
        """The record of the ids the current poll's pager hands on, kept in this state's table (see HandedIds)."""
        return HandedIds(self._table)

    def footprint(self):
        """Bytes of the per-pod state (the table), and of the shared profiles: the values, the list and the index by
        values, each object counted once."""
        counted = set()
        profiles = sum(_deep_size(part, counted) for part in (self._profiles, self._numbers, self._values))
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
        number = self._numbers.get(tuple(_frozen(value) for value in values))
        if number is None:
            number = self._keep(values)
        return number

    def _keep(self, values):
        """The number of a new profile. Its values are the ones the state holds already where equal (the same phase,
        node and node pool texts recur in many profiles): each profile would otherwise keep its own copies, decoded
        from its page. The profile is its own key unless a value is a list or an object."""
        profile = tuple(self._shared(value) for value in values)
        key = tuple(_frozen(value) for value in profile)
        number = len(self._profiles)
        self._numbers[profile if key == profile else key] = number
        self._profiles.append(profile)
        return number

    def _shared(self, value):
        try:
            return self._values.setdefault((type(value), value), value)
        except TypeError:  # a list or an object: not shared
            return value

    def _forget_unused_profiles(self):
        used = sorted(self._table.used_numbers())
        kept, self._profiles, self._numbers, self._values = self._profiles, [], {}, {}
        for values in (kept[old] for old in used):
            self._keep(values)
        self._table.renumber(dict((old, new) for new, old in enumerate(used)))
        self._profiles_kept = len(self._profiles)

    def _changes(self, old_values, new_values):
        return dict((field, {'old': old, 'new': new})
                    for field, old, new in zip(self.watch_fields, old_values, new_values) if old != new)
