# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""The ids a read has handed on, exactly, in little memory (SeenIds)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
from array import array

_CANONICAL_UUID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z')
_LOW_64_BITS = (1 << 64) - 1
# Odd 64-bit constants (from splitmix64): multiplying by one spreads every input bit over the high bits.
_MIX_HIGH = 0x9E3779B97F4A7C15
_MIX_LOW = 0xBF58476D1CE4E5B9


class SeenIds:
    """The ids a read has handed on, exactly, in little memory: a streamed read of 500,000 pods keeps nothing else.

    Up to `set_limit` ids sit in a set, the fastest check. A pod id is a UUID, and as a str in a set it costs
    about 110 bytes: 55 MB at 500,000 pods. Past the limit, the ids that are UUIDs in canonical form
    (lowercase, dashes where they belong: one text per number, so that no two ids meet) move to an
    open-addressed table of their 128 bits as 64-bit halves, 16-32 bytes an id; any other id (an int,
    an upper-case UUID, a name) stays in the set.

    The slot of an id mixes both halves: random (version 4) UUIDs differ everywhere, but the version 1
    UUIDs of one host share their low half (clock sequence and node) and differ in the high half (the time),
    so a slot taken from one half alone would put them all in one run of the table (quadratic).
    `probes` counts the slots looked at, for tests.
    """

    def __init__(self, set_limit=65536):
        self._others = set()
        self._set_limit = set_limit
        self._slots = None
        self._count = 0
        self.probes = 0

    def add(self, item_id):
        """Record `item_id`; False if it was recorded before."""
        if self._slots is not None and isinstance(item_id, str) and _CANONICAL_UUID.match(item_id):
            value = int(item_id.replace('-', ''), 16)
            # 0 marks a free slot: the nil UUID stays in the set.
            if value:
                return self._add_number(value)
        if item_id in self._others:
            return False
        self._others.add(item_id)
        if self._slots is None and len(self._others) > self._set_limit:
            self._move_to_table()
        return True

    def _add_number(self, value):
        if not self._insert(value >> 64, value & _LOW_64_BITS):
            return False
        self._count += 1
        if self._count > self._limit:
            self._grow(4 * (self._mask + 1))
        return True

    def _move_to_table(self):
        self._grow(max(4 * self._set_limit, 1024))
        for item_id in [item_id for item_id in self._others if isinstance(item_id, str) and _CANONICAL_UUID.match(item_id)]:
            value = int(item_id.replace('-', ''), 16)
            if value:
                self._others.discard(item_id)
                self._add_number(value)

    def _slot(self, high, low):
        """The first slot to try: the top bits of a 64-bit mix of both halves."""
        mixed = ((high * _MIX_HIGH) ^ (low * _MIX_LOW)) & _LOW_64_BITS
        mixed ^= mixed >> 31
        return ((mixed * _MIX_HIGH) & _LOW_64_BITS) >> self._shift

    def __contains__(self, item_id):
        """Whether `item_id` was recorded."""
        if self._slots is not None and isinstance(item_id, str) and _CANONICAL_UUID.match(item_id):
            value = int(item_id.replace('-', ''), 16)
            if value:
                return self._probe(value >> 64, value & _LOW_64_BITS)[1]
        return item_id in self._others

    def _insert(self, high, low):
        at, found = self._probe(high, low)
        if found:
            return False
        self._slots[at], self._slots[at + 1] = high, low
        return True

    def _probe(self, high, low):
        """(where the id is or would go, in the array of halves; whether it is there)."""
        slots, mask = self._slots, self._mask
        index = self._slot(high, low)
        while True:
            self.probes += 1
            at = 2 * index
            if slots[at] == high and slots[at + 1] == low:
                return at, True
            if not (slots[at] or slots[at + 1]):
                return at, False
            index = (index + 1) & mask

    def _grow(self, capacity):
        """A table of at least `capacity` slots (rounded up to a power of two), at most three quarters full, holding
        what the old one held."""
        capacity = 1 << (capacity - 1).bit_length()
        old = self._slots or array('Q')
        self._slots = array('Q', bytes(16 * capacity))
        self._mask = capacity - 1
        self._shift = 64 - (capacity.bit_length() - 1)
        self._limit = capacity * 3 // 4
        for at in range(0, len(old), 2):
            if old[at] or old[at + 1]:
                self._insert(old[at], old[at + 1])
