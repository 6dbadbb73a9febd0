# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""The one pager of the API's list answers, `{"pods": [...], "next": <offset>}`, and its read guarantee.

Guarantee: every item in scope for the whole read is handed on exactly once, on the sequential and the
concurrent path, while items are created and deleted meanwhile (Run:ai pages by offset: a deletion
shifts every later item one place left). Items created or deleted during the read may or may not come.

How (docs/gates.md, "Reads on a living tenant", has the proof and the limits):
- each request after the first starts `overlap` items before the end of what the page before it served,
  and its answer must hold at least one item already handed on. The order of two items that both exist
  never changes, so every item that stayed and comes after that shared item, up to the end of the new
  page, lies in the new page; those before it were handed on already, whenever either page was fetched;
- a page that holds no item read before (the shift was larger than the overlap) is read again from further back,
  a bounded number of times; then the read fails in one sentence;
- the read steps by what the server served (a gateway may serve fewer than asked), and ends at a page
  without `next`, an empty page, or a page shorter than both what was asked and what pages served;
- an item whose id was already handed on is dropped;
- no request asks for `limit` 0, nor for an offset at or beyond `offset + max_items`;
- a `next` that does not move past the offset just read fails, instead of paging forever.

Pages after the first are fetched concurrently when the client has page workers: up to the scope's count
(the API's count path) when it is exact, otherwise at most two pages past what is known to exist; fewer
pages are in flight after a 429, more again as answers succeed.

iter_pages() hands on each page's new items as soon as it is in order, so that a caller can summarise a
page and drop it; paginate() collects them.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import re
from collections import deque
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, shown
from ansible_collections.runai.platform.plugins.module_utils._seen_ids import SeenIds

# Page sizes of the API's paged lists, here so that the client and the pod options depend on the pager and not
# the other way round: `limit` goes up to 500, and a read asks for the most unless told otherwise.
DEFAULT_PAGE_SIZE = 500
MAX_PAGE_SIZE = 500
# A page that holds no item read before is read again from further back at most this many
# times in a row; and a read re-reads at most this many pages more than it accepts.
MAX_REREADS_IN_A_ROW = 5
SPARE_REREADS = 5
# Without an exact count of the scope, pages fetched ahead go at most this far past what is known to exist.
PAGES_AHEAD_UNCOUNTED = 2

POD_LIST_PATH = '/api/v1/workloads/pods'
POD_COUNT_PATH = '/api/v1/workloads/pods/count'
_WORKLOAD_PODS_PATH = re.compile(r'/api/v1/workloads/([^/]+)/pods\Z')
_COUNTED_PARAMS = ('filterBy', 'search', 'deleted')


def paginate(client, path, params, item_key, offset=0, page_size=DEFAULT_PAGE_SIZE, max_items=None, not_found=None, workers=None):
    """Every item of a paged list from `offset`, at most `max_items`, none twice, in the API's order."""
    items = []
    for page_items in iter_pages(client, path, params, item_key, offset, page_size, max_items, not_found, workers):
        items.extend(page_items)
    return items


def iter_pages(client, path, params, item_key, offset=0, page_size=DEFAULT_PAGE_SIZE, max_items=None, not_found=None, workers=None,
               seen_ids=None):
    """Yield each page's items not seen before, page after page in order, at most `max_items` in all.

    `client` needs get(path, params, not_found=) -> (status, body) and, unless `workers` is given,
    page_workers; scope_count(path, params) and rate_limited_count are used where it has them.
    Closing the generator early cancels the pages still in flight.
    `seen_ids` is the record of the ids handed on (add(id) -> whether it is new, `id in`): a caller that keeps
    every id anyway (the event source) lends its own, so that the ids are held once; by default a SeenIds.
    """
    listing = _Listing(client, path, params, item_key, offset, page_size, max_items, not_found)
    workers = client.page_workers if workers is None else workers
    seen_ids = SeenIds() if seen_ids is None else seen_ids
    remaining = max_items
    with contextlib.closing(_pages(listing, max(1, workers), seen_ids)) as pages:
        for page in pages:
            fresh = []
            for position, item in enumerate(page.items):
                if remaining is not None and len(fresh) >= remaining:
                    break
                item_id = _item_id(item)
                if item_id is None:
                    # Nothing to match it by: its position decides (the overlap was handed on with the page before).
                    if position < page.overlap:
                        continue
                elif not seen_ids.add(item_id):
                    continue
                fresh.append(item)
            if remaining is not None:
                remaining -= len(fresh)
            yield fresh
            if remaining is not None and remaining <= 0:
                return


def count_query(path, params):
    """(count path, params) that count exactly the items of the pod list at `path` with `params`.

    The count path takes filterBy, search and deleted (a workload's pods: filterBy workloadId). None for
    a path it does not count, and with `completed`, which it does not take (its count would only be an
    upper bound).
    """
    names = set(name for name, value in params if value is not None)
    counted = [(name, value) for name, value in params if name in _COUNTED_PARAMS]
    workload = _WORKLOAD_PODS_PATH.match(path)
    if workload:
        counted = [(name, value) for name, value in counted if name != 'filterBy'] + [('filterBy', ['workloadId==' + workload.group(1)])]
    elif path != POD_LIST_PATH:
        return None
    if 'completed' in names:
        return None
    return POD_COUNT_PATH, counted


def overlap_for(served):
    """How many items of a page of `served` items the next request asks for again: about 2 %, at least 1."""
    return max(1, min(served // 50, served - 1))


def _item_id(item):
    item_id = item.get('id') if isinstance(item, dict) else None
    return item_id if isinstance(item_id, (str, int)) and not isinstance(item_id, bool) else None


class _Page:
    """One answer: the request it answers, its items, whether it has a `next`, and how many of its first
    items the page before it had served too (the overlap asked for)."""

    def __init__(self, offset, limit, items, has_next):
        self.offset = offset
        self.limit = limit
        self.items = items
        self.has_next = has_next
        self.overlap = 0

    @property
    def served(self):
        return len(self.items)

    @property
    def end(self):
        return self.offset + len(self.items)


class _Listing:
    """One paged read: what each page request sends, the window of offsets it may ask for, and its answers checked."""

    def __init__(self, client, path, params, item_key, offset, page_size, max_items, not_found):
        self.client = client
        self.path = path
        self.params = list(params)
        self.item_key = item_key
        self.start = offset
        # Validated options never fall outside 1..MAX_PAGE_SIZE; a caller's slip must still not become a 400.
        # Two is the least that can overlap: page size 1 asks for 2 and moves on by 1.
        self.page_size = max(2, min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE))
        self.not_found = not_found
        self.end = None if max_items is None else offset + max_items  # the first offset never asked for

    def within(self, page_offset):
        return self.end is None or page_offset < self.end

    def limit(self, page_offset):
        return self.page_size if self.end is None else min(self.page_size, self.end - page_offset)

    def fetch(self, page_offset):
        limit = self.limit(page_offset)
        body = self.client.get(self.path, self.params + [('offset', page_offset), ('limit', limit)], not_found=self.not_found)[1]
        if not isinstance(body, dict) or not isinstance(body.get(self.item_key), list):
            raise self.error('without a %r list' % self.item_key)
        return _Page(page_offset, limit, body[self.item_key], self._has_next(body.get('next'), page_offset))

    def _has_next(self, next_offset, page_offset):
        """Whether the answer's `next` says more follow; RunaiError for a `next` that cannot be paged on."""
        if next_offset is None:
            return False
        if isinstance(next_offset, bool) or not isinstance(next_offset, int):
            raise self.error('at offset %d with next %s, which is not an offset' % (page_offset, shown(next_offset)))
        if next_offset <= page_offset:
            raise self.error('at offset %d with next %d, which does not move past that offset; paging stopped rather than '
                             'loop forever' % (page_offset, next_offset))
        return True

    def error(self, what, protocol=True):
        """A RunaiError about an answer; `protocol` (asking again will not mend it) unless the list merely changed."""
        return RunaiError('Run:ai answered GET %s %s' % (self.path, what), method='GET', path=self.path, protocol=protocol)


class _Chain:
    """The pages accepted so far, in order, and what the next one must do to follow them.

    A page follows the chain when it serves an item already handed on (`seen_ids`, filled by iter_pages
    as each page is handed on), or starts at the read's start (a fresh base). `previous` is the last
    accepted page; `served_size` the most a page served, the step of the plan. Consecutive misses step
    back further each time.
    """

    def __init__(self, listing, seen_ids):
        self.listing = listing
        self.seen_ids = seen_ids
        self.previous = None
        self.ids_seen = False  # whether any page served an item with an id: without one nothing can be matched
        self.served_size = listing.page_size
        self.accepted = 0  # pages accepted as planned (re-reads not counted)
        self.rereads = 0
        self.misses_in_a_row = 0
        self.reread_offset_asked = None

    def follows(self, page):
        if self.previous is None or page.offset <= self.listing.start or not self.ids_seen:
            return True
        seen_ids = self.seen_ids
        return any(item_id in seen_ids for item_id in map(_item_id, page.items) if item_id is not None)

    def accept(self, page):
        """Record a page that follows the chain; whether the listing goes on after it."""
        if self.previous is not None:
            page.overlap = max(0, self.previous.end - page.offset)
        # The first page cannot tell a gateway's cap from the end of the list: its `next` decides. Later, a
        # page shorter than the cap is the end; a page served at the cap without `next` is checked by one more
        # request (a gateway that cuts answers may keep the `next` of the limit asked, or drop it).
        short = self.previous is not None and page.served < min(page.limit, self.served_size)
        at_gateway_cap = self.previous is not None and page.served == self.served_size < self.listing.page_size
        self.served_size = page.served if self.previous is None else max(self.served_size, page.served)
        self.previous = page
        self.ids_seen = self.ids_seen or any(_item_id(item) is not None for item in page.items)
        if page.offset == self.reread_offset_asked:
            # A re-read does not end a run of misses: one that lands on the start always follows, and the
            # page after it may miss again; only a planned page that follows does.
            self.reread_offset_asked = None
        else:
            self.accepted += 1
            self.misses_in_a_row = 0
        goes_on = (page.has_next or at_gateway_cap) and page.served > 0 and not short and self.listing.within(page.end)
        if goes_on and page.served == 1:
            raise self.listing.error('at offset %d with one item and a next: pages of one item cannot overlap, so no '
                                     'consistent read is possible' % page.offset)
        return goes_on

    def next_offset(self):
        """Where the page after the last accepted one starts: `overlap` items before the end of what it served."""
        return self.previous.end - overlap_for(self.previous.served)

    def offset_after(self, page_offset):
        """Where a page planned after one at `page_offset` starts, if every page serves `served_size` items."""
        return page_offset + self.served_size - overlap_for(self.served_size)

    def reread_offset(self, missed):
        """Where to read again after the page at `missed` held no item read before; RunaiError past the bounds."""
        self.misses_in_a_row += 1
        self.rereads += 1
        if self.misses_in_a_row > MAX_REREADS_IN_A_ROW or self.rereads > self.accepted + SPARE_REREADS:
            raise self.listing.error(
                'with pages that kept shifting (the page at offset %d held no item read before, after %d '
                're-reads): the list changed too fast to read consistently; try again, or narrow the scope' % (missed, self.rereads - 1),
                protocol=False)
        step_back = self.served_size * 2 ** (self.misses_in_a_row - 1)
        self.reread_offset_asked = max(self.listing.start, self.next_offset() - step_back)
        return self.reread_offset_asked


class _Plan:
    """How far ahead the concurrent path may ask: a window that halves after a 429 and grows by one as pages
    come back (AIMD); up to the scope's count when the count path gave an exact one (none past it while it
    is awaited), otherwise at most two pages past what is known to exist (the end of the last full page)."""

    def __init__(self, listing, workers):
        self.listing = listing
        self.workers = workers
        self.window = workers
        self.known_end = None
        self.pages_past_known_end = PAGES_AHEAD_UNCOUNTED
        self._rate_limited_seen = self._rate_limited()

    def _rate_limited(self):
        return getattr(self.listing.client, 'rate_limited_count', 0)

    def after_page(self, page):
        """Adjust the window and what is known to exist after a page was handed on."""
        rate_limited = self._rate_limited()
        if rate_limited > self._rate_limited_seen:
            self.window = max(1, self.window // 2)
        else:
            self.window = min(self.workers, self.window + 1)
        self._rate_limited_seen = rate_limited
        # A page with `next` shows that its items exist, even one a gateway cut short of the limit asked.
        if page.has_next and page.served:
            self.known_end = max(self.known_end or 0, page.end)

    def count_awaited(self):
        self.pages_past_known_end = 0

    def count_known(self, count):
        """The count path's answer (None: no count, so pages go ahead a little past the known end)."""
        if count is None:
            self.pages_past_known_end = PAGES_AHEAD_UNCOUNTED
        else:
            self.pages_past_known_end = 0
            self.known_end = max(self.known_end or 0, self.listing.start + count)

    def may_ask(self, page_offset, in_flight_offsets):
        if not self.listing.within(page_offset) or len(in_flight_offsets) >= self.window:
            return False
        if self.known_end is None or page_offset < self.known_end:
            return True
        return sum(1 for offset in in_flight_offsets if offset >= self.known_end) < self.pages_past_known_end


def _worth_counting(listing, chain):
    """Whether to ask the count path: it has one, and `max_items` leaves more than two pages to read."""
    if count_query(listing.path, listing.params) is None or not hasattr(listing.client, 'scope_count'):
        return False
    return listing.end is None or listing.end > chain.offset_after(chain.offset_after(chain.next_offset()))


def _pages(listing, workers, seen_ids):
    """The pages of a listing in the order they chain, each checked to follow the pages before it."""
    if not listing.within(listing.start):
        return
    chain = _Chain(listing, seen_ids)
    if workers == 1:
        yield from _pages_in_turn(listing, chain)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield from _pages_ahead(listing, chain, _Plan(listing, workers), pool)


def _pages_in_turn(listing, chain):
    page_offset = listing.start
    while True:
        page = listing.fetch(page_offset)
        if not chain.follows(page):
            page_offset = chain.reread_offset(page.offset)
            continue
        goes_on = chain.accept(page)
        yield page
        if not goes_on:
            return
        page_offset = chain.next_offset()


def _pages_ahead(listing, chain, plan, pool):
    """Pages fetched up to the plan's window at a time and handed on in order.

    A page that does not follow the page before it drops the pages fetched ahead: when it was planned
    past where the chain now wants it (a page served fewer than planned) the plan restarts from there;
    otherwise the list shifted, and it is read again from further back.
    """
    in_flight = deque()
    count = None  # the count path's answer, a future while awaited; False once used

    def ask(page_offset):
        in_flight.append((page_offset, pool.submit(listing.fetch, page_offset)))

    def top_up(page_offset):
        while plan.may_ask(page_offset, [offset for offset, _future in in_flight]):
            ask(page_offset)
            page_offset = chain.offset_after(page_offset)

    def drop_in_flight():
        for _offset, future in in_flight:
            future.cancel()
        in_flight.clear()

    try:
        ask(listing.start)
        while in_flight:
            page_offset, future = in_flight.popleft()
            page = future.result()
            if chain.previous is not None and page_offset > chain.next_offset():
                drop_in_flight()
                ask(chain.next_offset())
                continue
            if not chain.follows(page):
                drop_in_flight()
                ask(chain.reread_offset(page_offset))
                continue
            goes_on = chain.accept(page)
            yield page
            if not goes_on:
                return
            plan.after_page(page)
            if count is None and chain.accepted == 1 and _worth_counting(listing, chain):
                # Asked beside the second page: it tells how far the third and later ones may be planned.
                count = pool.submit(listing.client.scope_count, listing.path, listing.params)
                plan.count_awaited()
            if count and count.done():
                plan.count_known(count.result())
                count = False
            if not in_flight:
                ask(chain.next_offset())
            top_up(chain.offset_after(in_flight[-1][0]))
    finally:
        drop_in_flight()
