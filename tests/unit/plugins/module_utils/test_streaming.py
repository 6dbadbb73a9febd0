# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Streamed reads (issue 13): a read that needs no pod afterwards summarises, judges and drops each page,
and gives exactly what a read holding every pod gives."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import random
import tracemalloc
import uuid

import pytest

from ansible_collections.runai.platform.plugins.module_utils import _client, _pager
from ansible_collections.runai.platform.plugins.module_utils._gate import read_gate
from ansible_collections.runai.platform.plugins.module_utils._jmespath import compile_expression, evaluate
from ansible_collections.runai.platform.plugins.module_utils._pager import SeenIds
from ansible_collections.runai.platform.plugins.module_utils._pod_query import POD_OPTION_DEFAULTS, read_pod_query
from ansible_collections.runai.platform.plugins.module_utils._pod_reads import fetch_pod_result, trim
from ansible_collections.runai.platform.plugins.module_utils._pod_summary import summarize

from scripted_server import use_decoder

PHASES = ['Running', 'Pending', 'Failed', 'Succeeded', 'Unknown', None]
NODES = ['dgx-01', 'dgx-02', 'a100-7', '', None]
POOLS = ['h100', 'a100', 'default', None]
GPUS = [None, 0, 1, 2, 8, 0.5, 0.1, 0.25, 2.75, -1]  # a gpu that is not a number fails the read (_answers)
FLAT_QUERIES = ['summary.by_phase.Failed || `0`', 'count', '{total: summary.total, gpus: summary.gpu_allocated}',
                'summary.by_node | keys(@) | sort(@)', 'count > `10` && summary.by_nodepool.h100']
POD_QUERIES = ["length(pods[?k8sPhase=='Failed'])", 'pods[*].name', 'sort_by(pods, &name)[0].id', '@', 'max_by(pods, &name).k8sPhase']


class FakeClient:
    """Answers the API's pod listing from `listing` (repeats included), each answer encoded to JSON and decoded
    by the client's own decoder, so that orjson and the standard library are both exercised."""

    def __init__(self, listing, workers=1):
        self.listing = listing
        self.page_workers = workers
        self.requests = 0

    def get(self, path, params=(), not_found=None):
        self.requests += 1
        query = dict(params)
        offset, limit = query['offset'], query['limit']
        pods = self.listing[offset:offset + limit]
        body = {'pods': pods, 'next': offset + len(pods) if offset + len(pods) < len(self.listing) else None}
        return 200, _client.decode_json(json.dumps(body).encode())

    def paginate(self, *args, **kwargs):
        return _pager.paginate(self, *args, **kwargs)

    def iter_pages(self, *args, **kwargs):
        return _pager.iter_pages(self, *args, **kwargs)


def random_pod(rng, number):
    kind = rng.random()
    if kind < 0.8:
        pod_id = str(uuid.UUID(int=rng.getrandbits(128)))
    elif kind < 0.9:
        pod_id = str(uuid.UUID(int=rng.getrandbits(128))).upper()
    else:
        pod_id = rng.randrange(100000)
    pod = {'id': pod_id, 'name': 'pod-%d' % number, 'k8sPhase': rng.choice(PHASES), 'nodeName': rng.choice(NODES),
           'currentNodePool': rng.choice(POOLS), 'requestedNodePools': [rng.choice(POOLS)], 'workloadId': 'w-%d' % (number % 7),
           'createdAt': '2026-11-27T08:%02d:00.000Z' % (number % 60), 'k8sPhaseUpdatedAt': None}
    if rng.random() < 0.9:
        pod['allocatedResources'] = {'gpu': rng.choice(GPUS), 'cpu': 2}
    return pod


def random_listing(rng):
    """Pods with repeats: an id read on an earlier page comes again, as offsets over a changing set make it."""
    listing = []
    for number in range(rng.randrange(0, 400)):
        if listing and rng.random() < 0.1:
            listing.append(dict(rng.choice(listing), name='repeat-%d' % number))
        else:
            listing.append(random_pod(rng, number))
    return listing


def random_options(rng, query):
    options = dict(POD_OPTION_DEFAULTS, page_size=rng.choice([1, 7, 50, 500]), query=query,
                   max_pods=rng.choice([None, None, 1, 30, 250]), fields=rng.choice([None, ['name', 'k8sPhase', 'id']]),
                   pod_condition=rng.choice([None, "k8sPhase=='Running' || k8sPhase=='Succeeded'"]),
                   fail_condition=rng.choice([None, "k8sPhase=='Failed'", 'allocatedResources.gpu > `4`']),
                   min_pods=rng.choice([None, 0, 5, 300]), max_offenders=rng.choice([0, 3, 20]))
    if options['min_pods'] is not None and options['max_pods'] is not None and options['min_pods'] > options['max_pods']:
        options['min_pods'] = None
    if options['pod_condition'] or options['fail_condition']:
        # A per-pod gate judges its whole scope: max_pods with it is refused (SPEC 3a).
        options['max_pods'] = None
    return options


def whole_read(listing, options):
    """The read as it was before streaming: every pod held, then summarised, judged and queried at once."""
    pod_query = read_pod_query(options.get)
    pods = FakeClient(listing).paginate(pod_query.path, pod_query.params, 'pods', page_size=pod_query.page_size, max_items=pod_query.max_pods)
    check = read_gate(options.get).check().add(pods)
    result = {'pods': trim(pods, pod_query.fields), 'count': len(pods), 'summary': summarize(pods)}
    if pod_query.query is not None:
        result['query_result'] = evaluate('query', pod_query.query, dict(result))
    return result, check.verdict(result)


def read(listing, options, return_pods, workers):
    pod_query = read_pod_query(options.get)
    check = read_gate(options.get).check()
    result = fetch_pod_result(FakeClient(listing, workers), pod_query, return_pods=return_pods, gate_check=check)
    return result, check.verdict(result)


@pytest.mark.parametrize('decoder', ['orjson', 'json'])
@pytest.mark.parametrize('seed', range(60))
def test_streamed_and_held_reads_give_the_same_count_summary_query_result_and_gate(monkeypatch, decoder, seed):
    use_decoder(monkeypatch, decoder)
    rng = random.Random(seed)
    listing = random_listing(rng)
    query = rng.choice(FLAT_QUERIES + POD_QUERIES)
    options = random_options(rng, query)
    expected, expected_verdict = whole_read(listing, options)
    for return_pods in (False, True):
        result, verdict = read(listing, options, return_pods, workers=rng.choice([1, 3]))
        for key in ('count', 'summary', 'query_result'):
            assert result[key] == expected[key], (key, return_pods)
        assert verdict.as_result() == expected_verdict.as_result()
        assert verdict.message == expected_verdict.message
        assert result['pods'] == (expected['pods'] if return_pods else [])


def test_a_streamed_read_holds_one_page_at_a_time_not_the_pods():
    listing = [random_pod(random.Random(number), number) for number in range(20000)]
    listing = [dict(pod, id=str(uuid.UUID(int=number + 1))) for number, pod in enumerate(listing)]

    def peak(query, return_pods):
        pod_query = read_pod_query(dict(POD_OPTION_DEFAULTS, query=query).get)
        tracemalloc.start()
        try:
            result = fetch_pod_result(FakeClient(listing), pod_query, return_pods=return_pods)
            return tracemalloc.get_traced_memory()[1], result
        finally:
            tracemalloc.stop()

    streamed, streamed_result = peak('summary.total', False)
    held, held_result = peak("length(pods[?k8sPhase=='Failed'])", False)
    assert streamed_result['query_result'] == 20000 and held_result['query_result'] == sum(pod['k8sPhase'] == 'Failed' for pod in listing)
    assert streamed * 3 < held


def test_wait_for_reading_the_pods_sees_them_even_without_return_pods():
    listing = [random_pod(random.Random(number), number) for number in range(30)]
    pod_query = read_pod_query(dict(POD_OPTION_DEFAULTS).get)
    wait_for = compile_expression('wait_for', 'pods[0].name')
    result = fetch_pod_result(FakeClient(listing), pod_query, return_pods=False, keep_pods_for=(wait_for,))
    assert evaluate('wait_for', wait_for, result) == 'pod-0'
    flat = fetch_pod_result(FakeClient(listing), pod_query, return_pods=False, keep_pods_for=(compile_expression('wait_for', 'count'),))
    assert flat['pods'] == [] and flat['count'] == 30


def test_seen_ids_are_exact_for_every_kind_of_id():
    seen = SeenIds(set_limit=2)
    lower = '9c1d4f2e-0b7a-4e8c-a1d3-5f6e7a8b9c01'
    for item_id in (lower, lower.upper(), lower.replace('-', ''), 12, '12', '00000000-0000-0000-0000-000000000000', 'pod-a'):
        assert seen.add(item_id) is True
        assert seen.add(item_id) is False
    # An id that int() would read as the same number, but is another text, is another id.
    assert seen.add('0x' + lower.replace('-', '')[2:]) is True


@pytest.mark.parametrize('seed', range(5))
def test_seen_ids_agree_with_a_set_across_growth(seed):
    rng = random.Random(seed)
    pool = [str(uuid.UUID(int=rng.getrandbits(128))) for _number in range(3000)] + [str(number) for number in range(50)] + list(range(50))
    seen, reference = SeenIds(set_limit=rng.choice([0, 10, 100000])), set()
    for _draw in range(8000):
        item_id = rng.choice(pool)
        assert seen.add(item_id) is (item_id not in reference)
        reference.add(item_id)
