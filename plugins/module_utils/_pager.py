# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""The one pager of the API's list answers, `{"pods": [...], "next": <offset>}`.

Paging starts at `offset` and follows each answer's `next` until an answer has none. After the first
page, pages are fetched concurrently when the client has page workers: on a real network each page
is mostly waiting. Both paths ask for the same pages and give the same items, in order:
- an item whose id was already seen is dropped (offsets over a changing set repeat items);
- no request asks for `limit` 0, nor for an offset at or beyond `offset + max_items`: with repeats,
  fewer than `max_items` items come back rather than reading past the window the user set;
- a `next` that does not move past the offset just read fails, instead of paging forever.

iter_pages() hands on each page's new items as soon as it is in order, so that a caller can
summarise a page and drop it; paginate() collects them.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import re
from array import array
from collections import deque
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, shown
from ansible_collections.runai.platform.plugins.module_utils._pods import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE


def paginate(client, path, params, item_key, offset=0, page_size=DEFAULT_PAGE_SIZE, max_items=None, not_found=None, workers=None):
    """Every item of a paged list from `offset`, at most `max_items`, none twice, in the API's order."""
    items = []
    for page_items in iter_pages(client, path, params, item_key, offset, page_size, max_items, not_found, workers):
        items.extend(page_items)
    return items


def iter_pages(client, path, params, item_key, offset=0, page_size=DEFAULT_PAGE_SIZE, max_items=None, not_found=None, workers=None):
    """Yield each page's items not seen before, page after page in order, at most `max_items` in all.

    `client` needs get(path, params, not_found=) -> (status, body) and, unless `workers` is given,
    page_workers. Closing the generator early cancels the pages still in flight.
    """
    listing = _Listing(client, path, params, item_key, offset, page_size, max_items, not_found)
    workers = client.page_workers if workers is None else workers
    seen_ids = SeenIds()
    remaining = max_items
    with contextlib.closing(_pages(listing, workers)) as pages:
        for page in pages:
            fresh = []
            for item in page[item_key]:
                if remaining is not None and len(fresh) >= remaining:
                    break
                item_id = item.get('id') if isinstance(item, dict) else None
                if isinstance(item_id, (str, int)) and not seen_ids.add(item_id):
                    continue
                fresh.append(item)
            if remaining is not None:
                remaining -= len(fresh)
            yield fresh
            if remaining is not None and remaining <= 0:
                return


_CANONICAL_UUID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z')
_LOW_64_BITS = (1 << 64) - 1


class SeenIds:
    """The ids a read has handed on, exactly, in little memory: a streamed read of 500,000 pods keeps nothing else.

    Up to `set_limit` ids sit in a set, the fastest check. A pod id is a UUID, and as a str in a set it costs
    about 110 bytes: 55 MB at 500,000 pods. Past the limit, the ids that are UUIDs in canonical form
    (lowercase, dashes where they belong: one text per number, so that no two ids meet) move to an
    open-addressed table of their 128 bits as 64-bit halves, 16-32 bytes an id; any other id (an int,
    an upper-case UUID, a name) stays in the set.
    """

    def __init__(self, set_limit=65536):
        self._others = set()
        self._set_limit = set_limit
        self._slots = None
        self._count = 0

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

    def _insert(self, high, low):
        slots, mask = self._slots, self._mask
        index = low & mask  # the low bits of a UUID are random
        while True:
            at = 2 * index
            if slots[at] == high and slots[at + 1] == low:
                return False
            if not (slots[at] or slots[at + 1]):
                slots[at], slots[at + 1] = high, low
                return True
            index = (index + 1) & mask

    def _grow(self, capacity):
        """A table of `capacity` slots (a power of two), at most three quarters full, holding what the old one held."""
        old = self._slots or array('Q')
        self._slots = array('Q', bytes(16 * capacity))
        self._mask = capacity - 1
        self._limit = capacity * 3 // 4
        for at in range(0, len(old), 2):
            if old[at] or old[at + 1]:
                self._insert(old[at], old[at + 1])


class _Listing:
    """One paged read: what each page request sends, and the window of offsets it may ask for."""

    def __init__(self, client, path, params, item_key, offset, page_size, max_items, not_found):
        self.client = client
        self.path = path
        self.params = list(params)
        self.item_key = item_key
        self.start = offset
        # Validated options never fall outside 1..MAX_PAGE_SIZE; a caller's slip must still not become a 400.
        self.page_size = max(1, min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE))
        self.not_found = not_found
        self.end = None if max_items is None else offset + max_items  # the first offset never asked for

    def within(self, page_offset):
        return page_offset is not None and (self.end is None or page_offset < self.end)

    def limit(self, page_offset):
        return self.page_size if self.end is None else min(self.page_size, self.end - page_offset)

    def fetch(self, page_offset):
        query = self.params + [('offset', page_offset), ('limit', self.limit(page_offset))]
        return self.client.get(self.path, query, not_found=self.not_found)[1]

    def next_offset(self, page, page_offset):
        """The answer's `next`: None at the end; RunaiError for an answer that cannot be paged on."""
        if not isinstance(page, dict) or not isinstance(page.get(self.item_key), list):
            raise self._error('without a %r list' % self.item_key)
        next_offset = page.get('next')
        if next_offset is None:
            return None
        if isinstance(next_offset, bool) or not isinstance(next_offset, int):
            raise self._error('at offset %d with next %s, which is not an offset' % (page_offset, shown(next_offset)))
        if next_offset <= page_offset:
            raise self._error('at offset %d with next %d, which does not move past that offset; paging stopped rather than '
                              'loop forever' % (page_offset, next_offset))
        return next_offset

    def planned_offsets(self, start, last_pages):
        """start, start + page_size, ... within the window, and none past a page that answered without `next`."""
        page_offset = start
        while self.within(page_offset) and not (last_pages and page_offset > min(last_pages)):
            yield page_offset
            page_offset += self.page_size

    def _error(self, what):
        return RunaiError('Run:ai answered GET %s %s' % (self.path, what), method='GET', path=self.path, protocol=True)


def _pages(listing, workers):
    """The pages of a listing in the order their `next` chains them, each checked before it is handed on."""
    if not listing.within(listing.start):
        return
    page = listing.fetch(listing.start)
    next_offset = listing.next_offset(page, listing.start)
    yield page
    if workers > 1 and listing.within(next_offset):
        with ThreadPoolExecutor(max_workers=workers) as pool:
            while listing.within(next_offset):
                next_offset = yield from _pages_ahead(listing, pool, workers, next_offset)
        return
    while listing.within(next_offset):
        page_offset = next_offset
        page = listing.fetch(page_offset)
        next_offset = listing.next_offset(page, page_offset)
        yield page


def _pages_ahead(listing, pool, workers, start):
    """Pages start, start + page_size, ... fetched `workers` at a time and handed on in order.

    The plan assumes each `next` is the offset right after its page. When an answer's `next` says
    otherwise (a jump, or a short page), the pages fetched ahead are dropped and this returns that
    `next` for a new plan; it also returns the `next` after the last page of the window.
    """
    last_pages = []  # offsets of pages that answered without `next`: none after them is asked for

    def fetch(page_offset):
        page = listing.fetch(page_offset)
        if isinstance(page, dict) and page.get('next') is None:
            last_pages.append(page_offset)
        return page

    planned = listing.planned_offsets(start, last_pages)
    in_flight = deque()

    def top_up():
        for page_offset in planned:
            in_flight.append((page_offset, pool.submit(fetch, page_offset)))
            if len(in_flight) >= workers:
                return

    next_offset = start
    try:
        top_up()
        while in_flight:
            page_offset, future = in_flight.popleft()
            page = future.result()
            next_offset = listing.next_offset(page, page_offset)
            yield page
            if next_offset != page_offset + listing.limit(page_offset):
                return next_offset
            top_up()
        return next_offset
    finally:
        for _page_offset, future in in_flight:
            future.cancel()
