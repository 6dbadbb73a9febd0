# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The pager on the wire: the sequential and the concurrent path on the same scripted pages, with both decoders.

Each case runs with one page worker (the sequential path) and with eight (the concurrent one) and
checks the same expected pods, so the two paths cannot drift apart.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading

import pytest

from ansible_collections.runai.platform.plugins.module_utils._client import RunaiClient, RunaiError
from ansible_collections.runai.platform.plugins.module_utils._pager import iter_pages, overlap_for

from scripted_server import Reply, use_decoder

PODS_PATH = '/api/v1/workloads/pods'
COUNT_PATH = '/api/v1/workloads/pods/count'
SEQUENTIAL, CONCURRENT = 1, 8


@pytest.fixture(params=['orjson', 'json'])
def decoder(request, monkeypatch):
    return use_decoder(monkeypatch, request.param)


@pytest.fixture(params=[SEQUENTIAL, CONCURRENT], ids=['sequential', 'concurrent'])
def workers(request):
    return request.param


def make_client(server, workers):
    return RunaiClient(server.base_url, token='tok', retries=0, sleep=lambda seconds: None, page_workers=workers)


def pods(count):
    return [{'id': 'pod-%05d' % index, 'name': 'pod-%d' % index} for index in range(count)]


def ids(items):
    return [item['id'] for item in items]


def scripted_list(listing, next_of=None, page_cap=None):
    """A list endpoint over `listing` honouring offset and limit, answering at most `page_cap` pods.

    `next` is offset + limit while pods remain, unless next_of(offset, limit, answered) says otherwise
    (None ends the list).
    """
    def respond(request):
        if request['path'] == COUNT_PATH:
            return Reply(200, {'count': len(listing)})
        offset = int(request['params']['offset'][0])
        limit = int(request['params']['limit'][0])
        answered = listing[offset:offset + min(limit, page_cap or limit)]
        following = next_of(offset, limit, len(answered)) if next_of else (offset + limit if offset + limit < len(listing) else None)
        body = {'pods': answered}
        if following is not None:
            body['next'] = following
        return Reply(200, body)
    return respond


def asked(server):
    """(offset, limit) of every page request, in the order they were sent."""
    return [(int(request['params']['offset'][0]), int(request['params']['limit'][0])) for request in page_requests(server)]


def page_requests(server):
    return [request for request in server.api_requests() if request['path'] != COUNT_PATH]


def chained_offsets(total, page_size, start=0):
    """The offsets a churn-free read asks for: each page starts overlap_for(page_size) pods before the end of the last."""
    offsets = [start]
    while offsets[-1] + page_size < total:
        offsets.append(offsets[-1] + page_size - overlap_for(page_size))
    return offsets


def assert_window(server, start, end):
    """No request asked for limit 0, nor for an offset at or beyond the end of the window."""
    for offset, limit in asked(server):
        assert limit >= 1 and start <= offset < end and offset + limit <= end, (offset, limit)


def repeating(listing, page_size):
    """The listing as a server over a growing set answers it: each page starts with the last pod of the page before."""
    answered = []
    remaining = iter(listing)
    for pod in remaining:
        if answered and len(answered) % page_size == 0:
            answered.append(answered[-1])
        answered.append(pod)
    return answered


# -- the whole list -------------------------------------------------------------------------------

def test_many_pages_in_order(server, decoder, workers):
    server.responder = scripted_list(pods(1234))
    client = make_client(server, workers)
    assert ids(client.paginate(PODS_PATH, [('deleted', True)], 'pods', page_size=100)) == ids(pods(1234))
    offsets = sorted(offset for offset, _limit in asked(server))
    # 13 pages hold the pods, each starting 2 pods before the end of the one before it; the concurrent
    # path asks the count path once and plans no page past the count.
    assert offsets == chained_offsets(1234, 100) == list(range(0, 1234, 98))
    assert all(request['params']['deleted'] == ['true'] for request in server.api_requests())
    counts = [request for request in server.api_requests() if request['path'] == COUNT_PATH]
    assert len(counts) == (0 if workers == SEQUENTIAL else 1)
    assert counts == [] or counts[0]['params'] == {'deleted': ['true']}
    assert client.request_count == len(offsets) + len(counts)


def test_a_pod_repeated_across_pages_is_returned_once(server, decoder, workers):
    server.responder = scripted_list(repeating(pods(300), 100))
    assert ids(make_client(server, workers).paginate(PODS_PATH, [], 'pods', page_size=100)) == ids(pods(300))


# -- max_pods and repeats: the window of offsets is the limit ---------------------------------------

def test_max_pods_never_asks_past_offset_plus_max(server, decoder, workers):
    server.responder = scripted_list(pods(5000))
    items = make_client(server, workers).paginate(PODS_PATH, [], 'pods', offset=10, page_size=500, max_items=1200)
    assert ids(items) == ids(pods(5000)[10:1210])
    assert_window(server, 10, 1210)
    assert sorted(asked(server)) == [(10, 500), (500, 500), (990, 220)]


def test_repeats_with_max_pods_never_ask_for_limit_0_nor_past_the_window(server, decoder, workers):
    # Pages 0, 98 and 196 (limit 54) hold 248 distinct pods: the 250th offset is never asked for, on
    # either path, even though fewer than max_pods pods came back.
    listing = repeating(pods(1000), 100)
    server.responder = scripted_list(listing)
    items = make_client(server, workers).paginate(PODS_PATH, [], 'pods', page_size=100, max_items=250)
    assert ids(items) == ids(pods(248))
    assert_window(server, 0, 250)
    assert sorted(asked(server)) == [(0, 100), (98, 100), (196, 54)]


def test_a_server_answering_more_than_the_limit_is_cut_at_max_pods(server, decoder, workers):
    server.responder = lambda request: Reply(200, {'pods': pods(50), 'next': int(request['params']['offset'][0]) + 50})
    items = make_client(server, workers).paginate(PODS_PATH, [], 'pods', page_size=10, max_items=25)
    assert ids(items) == ids(pods(25))
    assert_window(server, 0, 25)


def test_no_request_when_the_window_is_empty(server, decoder, workers):
    assert make_client(server, workers).paginate(PODS_PATH, [], 'pods', max_items=0) == []
    assert server.requests == []


# -- answers that do not follow the plan ------------------------------------------------------------

def test_short_pages_with_next_after_what_was_answered(server, decoder, workers):
    # A gateway that caps answers at 70 pods and says so through next: every pod, once, in order.
    listing = pods(1000)
    server.responder = scripted_list(listing, page_cap=70,
                                     next_of=lambda offset, limit, answered: offset + answered if offset + answered < len(listing) else None)
    assert ids(make_client(server, workers).paginate(PODS_PATH, [], 'pods', page_size=100)) == ids(listing)


def test_short_pages_with_next_after_the_limit_step_by_what_was_served(server, decoder, workers):
    # The gateway serves 70 of the 100 asked and still says next = offset + limit: the read steps by
    # the 70 served (69 new pods a request), so no pod is skipped.
    listing = pods(1000)
    server.responder = scripted_list(listing, page_cap=70)
    assert ids(make_client(server, workers).paginate(PODS_PATH, [], 'pods', page_size=100)) == ids(listing)
    assert [offset for offset, _limit in sorted(asked(server))] == chained_offsets(1000, 70)


@pytest.mark.parametrize('cap, total, page_size, pages', [(50, 530, 500, 11), (100, 2000, 500, 20), (50, 550, 500, 12)])
def test_a_gateway_cap_costs_a_few_requests_more_than_the_served_page_size_needs(server, decoder, workers, cap, total, page_size, pages):
    # Issue 16 item 5: with a cap of 50, 80 list requests were made where 11 pages hold every pod.
    listing = pods(total)
    server.responder = scripted_list(listing, page_cap=cap)
    assert ids(make_client(server, workers).paginate(PODS_PATH, [], 'pods', page_size=page_size)) == ids(listing)
    assert pages <= len(page_requests(server)) <= pages + 2


def test_a_next_that_jumps_does_not_skip_pods(server, decoder, workers):
    # next says 200 after a page of 100: the read steps by what was served, so no pod is lost.
    listing = pods(1000)
    server.responder = scripted_list(listing, next_of=lambda offset, limit, answered: offset + 200 if offset + 200 < len(listing) else None)
    assert ids(make_client(server, workers).paginate(PODS_PATH, [], 'pods', page_size=100))[:900] == ids(listing)[:900]


def test_a_next_past_the_window_does_not_end_it_early(server, decoder, workers):
    server.responder = scripted_list(pods(1000), next_of=lambda offset, limit, answered: offset + 400)
    items = make_client(server, workers).paginate(PODS_PATH, [], 'pods', page_size=100, max_items=500)
    assert ids(items) == ids(pods(500))
    assert_window(server, 0, 500)


@pytest.mark.parametrize('next_of, where', [
    (lambda offset, limit, answered: 0 if offset >= 200 else offset + limit, 'at offset 294 with next 0'),
    (lambda offset, limit, answered: offset, 'at offset 0 with next 0'),
    (lambda offset, limit, answered: offset + limit if offset < 300 else offset - 50, 'at offset 392 with next 342'),
])
def test_a_next_that_does_not_move_forward_fails_in_one_sentence(server, decoder, workers, next_of, where):
    server.responder = scripted_list(pods(1000), next_of=next_of)
    with pytest.raises(RunaiError) as failure:
        make_client(server, workers).paginate(PODS_PATH, [], 'pods', page_size=100)
    assert str(failure.value) == ('Run:ai answered GET /api/v1/workloads/pods %s, which does not move past that offset; '
                                  'paging stopped rather than loop forever' % where)
    assert (failure.value.method, failure.value.path, failure.value.status) == ('GET', PODS_PATH, None)
    assert len(server.api_requests()) <= 4 + CONCURRENT


@pytest.mark.parametrize('next_value, shown', [('100', "'100'"), (100.0, '100.0'), (True, 'True'), ({'offset': 100}, "{'offset': 100}")])
def test_a_next_that_is_not_an_offset_fails_in_one_sentence(server, decoder, workers, next_value, shown):
    server.responder = lambda request: Reply(200, {'pods': pods(3), 'next': next_value})
    with pytest.raises(RunaiError) as failure:
        make_client(server, workers).paginate(PODS_PATH, [], 'pods', page_size=3)
    assert str(failure.value) == 'Run:ai answered GET /api/v1/workloads/pods at offset 0 with next %s, which is not an offset' % shown


@pytest.mark.parametrize('body', [{'items': []}, {'pods': {'id': 'x'}}, ['pod'], None])
def test_a_list_answer_without_pods_fails_clearly(server, decoder, workers, body):
    server.responder = lambda request: Reply(200, body) if body is not None else Reply(200, raw=b'null')
    with pytest.raises(RunaiError) as failure:
        make_client(server, workers).paginate(PODS_PATH, [], 'pods')
    assert str(failure.value) == "Run:ai answered GET /api/v1/workloads/pods without a 'pods' list"


def test_pods_without_ids_are_all_kept(server, decoder, workers):
    listing = [{'name': 'a'}, {'name': 'a'}, {'id': ['not', 'hashable']}, {'id': ['not', 'hashable']}, 'odd']
    server.responder = scripted_list(listing)
    assert make_client(server, workers).paginate(PODS_PATH, [], 'pods', page_size=2) == listing


def test_a_failed_page_fails_the_read(server, decoder, workers):
    listing = pods(1000)
    good = scripted_list(listing)
    server.responder = lambda request: (Reply(400, {'code': 400, 'message': 'bad offset'}) if request['params'].get('offset') == ['294']
                                        else good(request))
    with pytest.raises(RunaiError) as failure:
        make_client(server, workers).paginate(PODS_PATH, [], 'pods', page_size=100)
    assert str(failure.value) == 'Run:ai API request failed: HTTP 400 from GET /api/v1/workloads/pods: bad offset'


# -- pages handed on one by one (for callers that summarise a page and drop it) ------------------------

def test_iter_pages_hands_on_each_pages_new_pods_in_order(server, decoder, workers):
    server.responder = scripted_list(repeating(pods(300), 100))
    client = make_client(server, workers)
    pages = [ids(page) for page in iter_pages(client, PODS_PATH, [], 'pods', page_size=100)]
    # Each page after the first starts 2 places before the end of the one before it, on a listing that
    # repeats one pod a page.
    assert sum(pages, []) == ids(pods(300)) and pages[0] == ids(pods(100))
    # max_pods bounds the offsets asked for: the repeated pod leaves 149 pods in the window of 150.
    assert [ids(page) for page in client.iter_pages(PODS_PATH, [], 'pods', page_size=100, max_items=150)] == [
        ids(pods(100)), ids(pods(300)[100:149])]


class CountingClient:
    """The client's get(), counting the requests under way (started, not yet returned); no count path."""

    def __init__(self, client):
        self.client = client
        self.page_workers = client.page_workers
        self.under_way = 0
        self._lock = threading.Lock()

    def get(self, *args, **kwargs):
        with self._lock:
            self.under_way += 1
        try:
            return self.client.get(*args, **kwargs)
        finally:
            with self._lock:
                self.under_way -= 1


def test_closing_iter_pages_early_stops_asking(server, decoder, workers):
    # Pages from offset 18 on are held by the server until the caller closes: on the concurrent path they are
    # in flight then. Once close() returns, no request may still be under way (a pool left running would ask on).
    listing = scripted_list(pods(100000))
    held, closing = threading.Event(), threading.Event()

    def respond(request):
        if int(request['params']['offset'][0]) >= 18:
            held.set()
            closing.wait(60)
        return listing(request)
    server.responder = respond
    client = CountingClient(make_client(server, workers))
    pages = iter_pages(client, PODS_PATH, [], 'pods', page_size=10)
    assert ids(next(pages)) == ids(pods(10))
    assert ids(next(pages)) == ids(pods(19)[10:])  # the second page starts at 9: one pod of overlap
    if workers == CONCURRENT:
        assert held.wait(60)  # pages past the second are in flight, held by the server
    closing.set()
    pages.close()
    # close() returns once the pages in flight are answered or cancelled: nothing runs on behind the caller.
    assert client.under_way == 0
    assert len(server.api_requests()) <= 2 + CONCURRENT
