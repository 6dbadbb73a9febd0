# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""runai_pod_events without a network: the streamed diff, the poll loop (outages, hangs, partial polls), arguments,
loading as ansible-rulebook loads it. The logic lives in module_utils/_watch.py (the poll loop) and _watch_state.py
(the state kept per pod, and the diff), imported as modules."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import asyncio
import os
import re
import shutil
import subprocess
import sys
import threading

import pytest

from ansible_collections.runai.platform.plugins.module_utils import _watch, _watch_state
from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError
from ansible_collections.runai.platform.plugins.module_utils._watch_state import PodState, PollCancelled
from ansible_collections.runai.platform.plugins.module_utils._watch_arguments import DEFAULT_WATCH_FIELDS, describe_watch, read_arguments

WORKLOAD = '0c2a5f4e-8a5e-4d7e-9f1a-3b4c5d6e7f80'
CLUSTER = '71f69d83-ba66-4822-adf5-55ce55efd210'
ISO_UTC = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$')
CONNECTION = {'base_url': 'https://tenant.example', 'client_id': 'sa', 'client_secret': 'hunter2-secret'}
SCOPED = dict(CONNECTION, cluster_id=CLUSTER)


def pod(number, phase='Running', node='node-1', pool='h100', **other):
    described = {'id': '00000000-0000-4000-8000-%012d' % number, 'name': 'train-%d' % number, 'workloadId': WORKLOAD,
                 'k8sPhase': phase, 'nodeName': node, 'currentNodePool': pool, 'updatedAt': '2026-12-01T10:00:00.000Z'}
    described.update(other)
    return described


def kinds(events):
    return [event['type'] for event in events]


def one_poll(state, pages, observed_at='t'):
    """A complete poll of these pages: the events of each page, then those of the end."""
    state.begin()
    events = []
    for page in pages:
        events += state.add_page(page, observed_at)
    return events + list(state.end(observed_at))


# -- the diff -------------------------------------------------------------------------------------

def test_the_first_poll_emits_every_pod_then_init_done():
    state = PodState(DEFAULT_WATCH_FIELDS)
    events = one_poll(state, [[pod(1)], [pod(2)]], '2026-12-01T10:00:00.000Z')
    assert kinds(events) == ['ADDED', 'ADDED', 'INIT_DONE']
    assert [list(event)[0] for event in events] == ['type'] * 3
    assert events[0] == {'type': 'ADDED', 'pod': pod(1), 'observed_at': '2026-12-01T10:00:00.000Z'}
    assert events[2] == {'type': 'INIT_DONE', 'count': 2, 'observed_at': '2026-12-01T10:00:00.000Z'}


def test_each_page_gives_its_events_at_once_and_deletions_wait_for_the_end_of_the_listing():
    state = PodState(DEFAULT_WATCH_FIELDS)
    one_poll(state, [[pod(1), pod(2)], [pod(3)]])
    state.begin()
    assert state.add_page([pod(1, phase='Failed'), pod(4)], 't2') == [
        {'type': 'MODIFIED', 'pod': pod(1, phase='Failed'), 'changes': {'k8sPhase': {'old': 'Running', 'new': 'Failed'}}, 'observed_at': 't2'},
        {'type': 'ADDED', 'pod': pod(4), 'observed_at': 't2'}]
    assert state.add_page([pod(3)], 't2') == []
    left = {'id': pod(2)['id'], 'k8sPhase': 'Running', 'nodeName': 'node-1', 'currentNodePool': 'h100'}
    assert list(state.end('t3')) == [{'type': 'DELETED', 'pod': left, 'observed_at': 't3'}]


def test_without_emit_existing_the_first_poll_is_only_init_done_and_later_pods_are_added():
    state = PodState(DEFAULT_WATCH_FIELDS, emit_existing=False)
    assert one_poll(state, [[pod(1), pod(2)]], 't1') == [{'type': 'INIT_DONE', 'count': 2, 'observed_at': 't1'}]
    assert one_poll(state, [[pod(1), pod(2), pod(3)]], 't2') == [{'type': 'ADDED', 'pod': pod(3), 'observed_at': 't2'}]


def test_a_watched_change_is_modified_with_that_field_only_and_never_twice():
    state = PodState(DEFAULT_WATCH_FIELDS)
    one_poll(state, [[pod(1), pod(2)]])
    failed = pod(2, phase='Failed', updatedAt='2026-12-01T10:05:00.000Z')
    events = one_poll(state, [[pod(1), failed]], 't2')
    assert events == [{'type': 'MODIFIED', 'pod': failed, 'changes': {'k8sPhase': {'old': 'Running', 'new': 'Failed'}}, 'observed_at': 't2'}]
    assert one_poll(state, [[pod(1), failed]]) == []


def test_a_change_of_a_field_not_watched_is_no_event():
    state = PodState(DEFAULT_WATCH_FIELDS)
    one_poll(state, [[pod(1)]])
    assert one_poll(state, [[pod(1, updatedAt='2026-12-01T11:00:00.000Z', requestedNodePools=['a100'])]]) == []


def test_several_fields_change_at_once():
    state = PodState(DEFAULT_WATCH_FIELDS)
    one_poll(state, [[pod(1, phase='Pending', node=None, pool=None)]])
    events = one_poll(state, [[pod(1)]])
    assert events[0]['changes'] == {'k8sPhase': {'old': 'Pending', 'new': 'Running'}, 'nodeName': {'old': None, 'new': 'node-1'},
                                    'currentNodePool': {'old': None, 'new': 'h100'}}


def test_a_pod_that_flips_and_flips_back_is_reported_each_time():
    state = PodState(DEFAULT_WATCH_FIELDS)
    one_poll(state, [[pod(1)]])
    first = one_poll(state, [[pod(1, phase='Failed')]])
    second = one_poll(state, [[pod(1)]])
    assert [event['changes'] for event in first + second] == [{'k8sPhase': {'old': 'Running', 'new': 'Failed'}},
                                                              {'k8sPhase': {'old': 'Failed', 'new': 'Running'}}]


def test_a_pod_that_left_is_deleted_once_with_its_last_known_state():
    state = PodState(DEFAULT_WATCH_FIELDS)
    one_poll(state, [[pod(1), pod(2, phase='Failed', node='node-7')]])
    assert one_poll(state, [[pod(1)]], 't2') == [{'type': 'DELETED', 'observed_at': 't2', 'pod': {
        'id': pod(2)['id'], 'k8sPhase': 'Failed', 'nodeName': 'node-7', 'currentNodePool': 'h100'}}]
    assert one_poll(state, [[pod(1)]]) == []


def test_a_pod_that_left_by_completing_is_deleted_with_the_reason_and_how_it_ended():
    state = PodState(DEFAULT_WATCH_FIELDS)
    one_poll(state, [[pod(1), pod(2)]])
    state.begin()
    state.add_page([], 't2')
    left = list(state.unlisted())
    failed = pod(1, phase='Failed', completedAt='2026-12-01T10:06:00.000Z')
    events = sorted(state.end('t2', left, {failed['id']: failed}), key=lambda event: event['pod']['id'])
    assert events == [
        {'type': 'DELETED', 'pod': failed, 'reason': 'completed', 'changes': {'k8sPhase': {'old': 'Running', 'new': 'Failed'}},
         'observed_at': 't2'},
        {'type': 'DELETED', 'pod': {'id': pod(2)['id'], 'k8sPhase': 'Running', 'nodeName': 'node-1', 'currentNodePool': 'h100'},
         'observed_at': 't2'}]


def test_pods_that_completed_are_looked_up_in_the_scope_with_a_completion_filter():
    since = _watch.datetime.datetime(2026, 12, 1, 10, 0, tzinfo=_watch.datetime.timezone.utc)
    pod_query = _watch.completed_since_query({'cluster_id': CLUSTER, 'filter_by': 'nodeName==dgx-1', 'completed': False}, since)
    assert ('completed', True) in pod_query.params
    assert ('filterBy', ['nodeName==dgx-1', 'completedAt>=2026-12-01T10:00:00.000Z', 'clusterId==' + CLUSTER]) in pod_query.params


def test_a_poll_that_fails_part_way_deletes_nothing_and_repeats_nothing():
    state = PodState(DEFAULT_WATCH_FIELDS)
    one_poll(state, [[pod(1), pod(2)], [pod(3)]])
    state.begin()
    partial = state.add_page([pod(1, phase='Failed'), pod(4)], 't2')
    state.abandon()  # the second page never came
    assert kinds(partial) == ['MODIFIED', 'ADDED']
    assert state.ids() == {pod(number)['id'] for number in (1, 2, 3, 4)}
    # The next complete poll reports only what is new since: pod 2 left; pod 1's change and pod 4 are not repeated.
    assert [(event['type'], event['pod']['id']) for event in one_poll(state, [[pod(1, phase='Failed'), pod(4)], [pod(3)]])] == [
        ('DELETED', pod(2)['id'])]


def test_a_first_poll_that_fails_part_way_is_finished_by_the_next_one():
    state = PodState(DEFAULT_WATCH_FIELDS)
    state.begin()
    assert kinds(state.add_page([pod(1)], 't1')) == ['ADDED']
    state.abandon()
    assert kinds(one_poll(state, [[pod(1)], [pod(2)]])) == ['ADDED', 'INIT_DONE']


def test_fields_that_never_change_can_be_watched_to_name_a_deleted_pod():
    state = PodState(('k8sPhase', 'name', 'workloadId'))
    one_poll(state, [[pod(1), pod(2)]])
    assert one_poll(state, [[pod(1)]])[0]['pod'] == {'id': pod(2)['id'], 'k8sPhase': 'Running', 'name': 'train-2', 'workloadId': WORKLOAD}


def test_a_pod_listed_twice_in_one_poll_counts_once():
    state = PodState(DEFAULT_WATCH_FIELDS)
    assert kinds(one_poll(state, [[pod(1), pod(1), pod(2)], [{'id': None}, {'id': {'x': 1}}, 'junk', pod(2)]])) == ['ADDED', 'ADDED', 'INIT_DONE']
    assert state.ids() == {pod(1)['id'], pod(2)['id']}


def test_profiles_keep_one_copy_of_equal_values_and_report_each_value_as_it_was():
    """Pods decoded from different pages hold equal texts in objects of their own; the state keeps one. A value keeps
    its type in what an event reports (1 is not shown as True, nor 1.0 as 1)."""
    state = PodState(('k8sPhase', 'nodeName', 'gpu'))
    node = 'node-%d' % 1
    one_poll(state, [[pod(1, node=node, gpu=True)], [pod(2, phase='Pending', node=''.join(['node-', '1']), gpu=1.5)],
                     [pod(3, node='node-1', gpu=[1])]])
    profiles = state._profiles  # pylint: disable=protected-access
    assert len(profiles) == 3 and profiles[0][1] is profiles[1][1] is profiles[2][1]
    events = one_poll(state, [[pod(1, node=node, gpu=1), pod(2, phase='Pending', node='node-1', gpu=2),
                               pod(3, node='node-1', gpu=[1, 2])]])
    assert [event['changes'] for event in events] == [{'gpu': {'old': 1.5, 'new': 2}}, {'gpu': {'old': [1], 'new': [1, 2]}}]
    assert state.last_known(pod(1)['id'], profiles[0])['gpu'] is True


def test_watch_fields_choose_what_makes_an_event_even_lists():
    state = PodState(('k8sPhase', 'requestedNodePools'))
    one_poll(state, [[pod(1, requestedNodePools=['h100'])]])
    assert one_poll(state, [[pod(1, node='node-9', requestedNodePools=['h100'])]]) == []
    events = one_poll(state, [[pod(1, requestedNodePools=['h100', 'a100'])]])
    assert events[0]['changes'] == {'requestedNodePools': {'old': ['h100'], 'new': ['h100', 'a100']}}


def test_pods_in_the_same_state_share_what_is_remembered(segments):
    state = PodState(DEFAULT_WATCH_FIELDS)
    one_poll(state, [[pod(number) for number in range(100)] + [pod(100, phase='Failed')]])
    assert len(state._profiles) == 2  # pylint: disable=protected-access
    for number in range(101, 200):  # polls that forget the Failed pod, and a profile per poll that is used once
        listed = [pod(other) for other in range(100)]
        listed[number % 100] = pod(number % 100, node='node-%d' % number)
        one_poll(state, [listed])
    assert len(state._profiles) < 80  # pylint: disable=protected-access  # profiles no pod has any more are forgotten
    assert len(state) == 100
    # Every pod still knows its own profile after the numbers were compacted: the last poll's state, unchanged, is quiet.
    listed = [pod(other) for other in range(100)]
    listed[199 % 100] = pod(99, node='node-199')
    assert one_poll(state, [listed]) == []
    listed[5] = pod(5, phase='Failed')
    assert [(event['type'], event['changes']) for event in one_poll(state, [listed])] == [
        ('MODIFIED', {'k8sPhase': {'old': 'Running', 'new': 'Failed'}})]


def test_ids_that_are_not_uuids_are_watched_too():
    state = PodState(DEFAULT_WATCH_FIELDS)
    others = [dict(pod(1), id='pod-a'), dict(pod(2), id='0000000A-0000-4000-8000-000000000002'), pod(3)]
    assert kinds(one_poll(state, [others, others])) == ['ADDED'] * 3 + ['INIT_DONE']
    events = one_poll(state, [[dict(pod(1, phase='Failed'), id='pod-a'), pod(3)]], 't2')
    assert [(event['type'], event['pod']['id']) for event in events] == [
        ('MODIFIED', 'pod-a'), ('DELETED', '0000000A-0000-4000-8000-000000000002')]


@pytest.fixture(params=['heap', 'mapped'])
def segments(request, monkeypatch):
    """The table's segments as a small table keeps them (in the heap), or as a large one does (each in a memory map of its
    own) from the smallest size on."""
    if request.param == 'mapped':
        monkeypatch.setattr(_watch_state, '_MAPPED_FROM', 0)
    return request.param


def test_the_table_of_ids_grows_and_keeps_every_pod_exactly(segments):
    """Enough pods to grow the table several times, with pods leaving in between (tombstones)."""
    import uuid
    ids = [str(uuid.UUID(int=(number * 0x9E3779B97F4A7C15) & ((1 << 128) - 1), version=4)) for number in range(1, 6001)]
    state = PodState(('k8sPhase',))
    assert kinds(one_poll(state, [[{'id': pod_id, 'k8sPhase': 'Running'} for pod_id in ids[:3000]]])).count('ADDED') == 3000
    events = one_poll(state, [[{'id': pod_id, 'k8sPhase': 'Running'} for pod_id in ids[1000:6000]]])
    assert sorted(event['pod']['id'] for event in events if event['type'] == 'DELETED') == sorted(ids[:1000])
    assert sorted(event['pod']['id'] for event in events if event['type'] == 'ADDED') == sorted(ids[3000:])
    assert state.ids() == set(ids[1000:]) and len(state) == 5000
    assert one_poll(state, [[{'id': pod_id, 'k8sPhase': 'Running'} for pod_id in ids[1000:6000]]]) == []


class ListedPods:
    """A paged list of pods as the API answers it (offset and limit), for the pager; `deleted_after_first_page` pods
    are gone once the first page was answered, so that the later pages shift left under the read."""

    page_workers = 1

    def __init__(self, pods, deleted_after_first_page=()):
        self.pods = list(pods)
        self.deleted_after_first_page = list(deleted_after_first_page)
        self.answered = 0

    def get(self, path, params, not_found=None):
        asked = dict(params)
        offset, limit = asked['offset'], asked['limit']
        body = {'pods': self.pods[offset:offset + limit]}
        if offset + limit < len(self.pods):
            body['next'] = offset + limit
        self.answered += 1
        if self.answered == 1:
            self.pods = [listed for listed in self.pods if listed['id'] not in self.deleted_after_first_page]
        return 200, body


def lent_poll(state, client, page_size=10):
    """A complete poll whose pager keeps its record of the ids handed on in the state's own table, as the source reads."""
    from ansible_collections.runai.platform.plugins.module_utils._pager import iter_pages
    state.begin()
    events = []
    for page in iter_pages(client, '/api/v1/workloads/pods', [], 'pods', page_size=page_size, seen_ids=state.handed_ids()):
        events += state.add_page(page, 't')
    return events + list(state.end('t'))


def test_the_pager_keeps_the_ids_it_handed_on_in_the_watch_s_table_and_the_read_stays_exact(monkeypatch):
    """The ids are held once: the pager builds no table of its own. Under a read that shifts (two pods of the second
    page deleted once the first was answered) every pod that stayed is listed once and no pod that stayed is DELETED."""
    from ansible_collections.runai.platform.plugins.module_utils import _pager

    def no_second_table():
        raise AssertionError('the pager built a table of ids of its own')
    monkeypatch.setattr(_pager, 'SeenIds', no_second_table)
    pods = [pod(number) for number in range(1, 36)]
    state = PodState(DEFAULT_WATCH_FIELDS)
    assert kinds(lent_poll(state, ListedPods(pods))) == ['ADDED'] * 35 + ['INIT_DONE']
    gone = [pods[12]['id'], pods[15]['id']]
    events = lent_poll(state, ListedPods([dict(pods[0], k8sPhase='Failed')] + pods[1:], deleted_after_first_page=gone))
    assert sorted((event['type'], event['pod']['id']) for event in events) == [
        ('DELETED', gone[0]), ('DELETED', gone[1]), ('MODIFIED', pods[0]['id'])]
    assert len(state) == 33
    assert lent_poll(state, ListedPods([dict(pods[0], k8sPhase='Failed')] + pods[1:12] + pods[13:15] + pods[16:])) == []


def test_pods_the_pager_handed_on_in_a_poll_given_up_before_the_watch_listed_them_are_added_by_the_next_poll():
    state = PodState(DEFAULT_WATCH_FIELDS)
    one_poll(state, [[pod(1)]])
    state.begin()
    handed = state.handed_ids()
    assert handed.add(pod(1)['id']) and handed.add(pod(2)['id']) and handed.add('pod-a') and handed.add(7)
    assert not handed.add(pod(2)['id']) and pod(2)['id'] in handed and 7 in handed and pod(3)['id'] not in handed
    state.abandon()  # the poll failed before the watch saw that page: pod 2 was never reported
    events = one_poll(state, [[pod(1, phase='Failed'), pod(2), dict(pod(3), id='pod-a')]])
    assert [(event['type'], event['pod']['id']) for event in events] == [
        ('MODIFIED', pod(1)['id']), ('ADDED', pod(2)['id']), ('ADDED', 'pod-a')]
    assert len(state) == 3


def test_a_reader_of_a_poll_given_up_stops_once_the_next_poll_began_instead_of_marking_its_pods():
    state = PodState(DEFAULT_WATCH_FIELDS)
    one_poll(state, [[pod(1)]])
    state.begin()
    straggler = state.handed_ids()
    state.abandon()
    state.begin()
    with pytest.raises(PollCancelled):
        straggler.add(pod(1)['id'])
    with pytest.raises(PollCancelled):
        assert pod(1)['id'] in straggler
    assert list(state.end('t')) == [{'type': 'DELETED', 'pod': PodState(DEFAULT_WATCH_FIELDS).last_known(
        pod(1)['id'], ('Running', 'node-1', 'h100')), 'observed_at': 't'}]


def test_the_table_grows_while_the_pager_hands_on_and_keeps_what_each_pod_was(segments):
    """Pods known before and new ones handed on, enough to grow the table twice: each keeps its old profile or none."""
    import uuid
    ids = [str(uuid.UUID(int=(number * 0x9E3779B97F4A7C15) & ((1 << 128) - 1), version=4)) for number in range(1, 4001)]
    state = PodState(('k8sPhase',))
    one_poll(state, [[{'id': pod_id, 'k8sPhase': 'Running'} for pod_id in ids[:1000]]])
    state.begin()
    handed = state.handed_ids()
    assert all(handed.add(pod_id) for pod_id in ids)
    assert not any(handed.add(pod_id) for pod_id in ids)
    events = state.add_page([{'id': pod_id, 'k8sPhase': 'Running' if number % 2 else 'Failed'} for number, pod_id in enumerate(ids)], 't')
    assert [event['type'] for event in events] == ['MODIFIED'] * 500 + ['ADDED'] * 3000
    assert list(state.end('t')) == [] and len(state) == 4000


def test_malloc_is_tuned_only_where_the_environment_did_not_choose_and_the_c_library_is_glibc(monkeypatch):
    asked = []

    class Glibc:
        def mallopt(self, option, value):
            asked.append((option, value))
            return 1
    monkeypatch.setattr(_watch.os, 'confstr', lambda name: 'glibc 2.36')
    monkeypatch.setattr(_watch.ctypes, 'CDLL', lambda name: Glibc())
    assert _watch.tune_malloc({'MALLOC_ARENA_MAX': '8'}) == ['MALLOC_MMAP_THRESHOLD_']
    assert asked == [(-3, 262144)]
    assert _watch.tune_malloc({}) == ['MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_']

    def not_glibc(name):
        raise ValueError('unrecognized configuration name')
    monkeypatch.setattr(_watch.os, 'confstr', not_glibc)
    assert _watch.tune_malloc({}) == []


def test_observed_at_is_iso_8601_utc():
    assert ISO_UTC.match(_watch.now_iso())


# -- the poll loop --------------------------------------------------------------------------------

class ScriptedReads:
    """The pager replaced by a script: each poll takes the next outcome, a list of pages or of pages then an error.

    `events_before_page` records, each time a page is asked for, how many events the queue held by then.
    """

    def __init__(self, outcomes, queue=None):
        self.outcomes = list(outcomes)
        self.queue = queue
        self.events_before_page = []

    def __call__(self, client, pod_query):
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        for page in outcome:
            if isinstance(page, Exception):
                raise page
            if self.queue is not None:
                self.events_before_page.append(len(self.queue.events))
            yield page


class ListQueue:
    def __init__(self):
        self.events = []

    async def put(self, event):
        self.events.append(event)


class FakeClock:
    """Time as the loop sees it: advanced by the pauses between polls, and by `tick` at every look."""

    def __init__(self, tick=0.0):
        self.now = 1000.0
        self.tick = tick

    def __call__(self):
        self.now += self.tick
        return self.now


def run_watch(outcomes, clock=None, pauses=None, **arguments):
    """Poll through the script; returns the events, or raises what the watch raised."""
    queue = ListQueue()
    scripted = ScriptedReads(outcomes, queue)
    watch = read_arguments(dict(SCOPED, **arguments), {})
    clock = clock or FakeClock()

    async def pause(seconds):
        if pauses is not None:
            pauses.append(seconds)
        clock.now += seconds
        if not scripted.outcomes:
            raise EOFError('script done')

    async def run():
        try:
            await _watch.watch_pods(queue, watch, client=None, clock=clock, sleep=pause, read_pages=scripted)
        except EOFError:
            pass
    asyncio.run(run())
    return queue.events


def error(status, message='Run:ai API request failed: HTTP %d from GET /api/v1/workloads/pods: boom'):
    return RunaiError(message % status if '%d' in message else message, status=status)


def test_each_page_goes_onto_the_queue_before_the_next_page_is_read():
    queue = ListQueue()
    scripted = ScriptedReads([[[pod(1), pod(2)], [pod(3)], [pod(4)]]], queue)
    watch = read_arguments(dict(SCOPED), {})

    async def stop(seconds):
        raise EOFError()

    async def run():
        with pytest.raises(EOFError):
            await _watch.watch_pods(queue, watch, client=None, clock=FakeClock(), sleep=stop, read_pages=scripted)
    asyncio.run(run())
    assert scripted.events_before_page == [0, 2, 3]
    assert kinds(queue.events) == ['ADDED'] * 4 + ['INIT_DONE']


def test_an_outage_is_one_error_then_recovered_and_what_changed_meanwhile_once():
    outage = error(503)
    events = run_watch([[[pod(1), pod(2)]], outage, outage, outage, [[pod(1, phase='Failed')]], [[pod(1, phase='Failed')]]])
    assert kinds(events) == ['ADDED', 'ADDED', 'INIT_DONE', 'ERROR', 'RECOVERED', 'MODIFIED', 'DELETED']
    error_event = events[3]
    assert error_event == {'type': 'ERROR', 'message': str(outage), 'status': 503, 'observed_at': error_event['observed_at']}
    assert list(events[4]) == ['type', 'outage_seconds', 'observed_at']
    assert all(ISO_UTC.match(event['observed_at']) for event in events)


def test_outage_seconds_count_from_the_last_poll_that_succeeded():
    clock = FakeClock()
    outage = error(502)
    events = run_watch([[[pod(1)]], outage, outage, [[pod(1)]]], clock=clock, interval=30)
    # The last good poll ended at 1000; three pauses of 30 s later Run:ai answers again, at 1090.
    assert [event.get('outage_seconds') for event in events if event['type'] == 'RECOVERED'] == [90.0]


def test_a_poll_that_fails_part_way_reports_no_deletion():
    events = run_watch([[[pod(1), pod(2)], [pod(3)]], [[pod(1)], error(503)], [[pod(1)], [pod(3)]]])
    assert kinds(events) == ['ADDED', 'ADDED', 'ADDED', 'INIT_DONE', 'ERROR', 'RECOVERED', 'DELETED']
    assert events[-1]['pod']['id'] == pod(2)['id']


def test_a_second_outage_is_a_second_error():
    outage = error(502)
    events = run_watch([[[pod(1)]], outage, [[pod(1)]], outage, outage, [[pod(1)]]])
    assert kinds(events) == ['ADDED', 'INIT_DONE', 'ERROR', 'RECOVERED', 'ERROR', 'RECOVERED']


def test_a_first_poll_that_fails_for_a_while_is_an_outage_then_the_baseline():
    unreachable = RunaiError('Cannot connect to Run:ai at https://tenant.example: connection refused (after 4 attempts)')
    events = run_watch([unreachable, unreachable, [[pod(1)]]])
    assert kinds(events) == ['ERROR', 'RECOVERED', 'ADDED', 'INIT_DONE']
    assert events[0]['message'] == 'Cannot connect to Run:ai at https://tenant.example: connection refused (after 4 attempts)'
    assert 'status' not in events[0]


@pytest.mark.parametrize('status', [400, 401, 403])
def test_credentials_refused_at_start_end_the_watch(status):
    refused = error(status)
    with pytest.raises(RunaiError) as raised:
        run_watch([refused, [[pod(1)]]])
    assert raised.value is refused


def test_credentials_refused_later_are_an_outage():
    events = run_watch([[[pod(1)]], error(401), [[pod(1)]]])
    assert kinds(events) == ['ADDED', 'INIT_DONE', 'ERROR', 'RECOVERED']


def test_polls_start_every_interval_from_the_start_of_the_last_one():
    pauses = []
    run_watch([[[pod(1)]], [[pod(1)]], [[pod(1)]]], pauses=pauses, interval=20)
    assert pauses == [20.0, 20.0, 20.0]


def test_a_hung_control_plane_is_an_error_after_the_timeout_not_after_every_retry(monkeypatch):
    """A read that never answers: the poll is given up once the clock passes timeout + grace, then polling goes on."""
    monkeypatch.setattr(_watch, 'CHECK_EVERY', 0.01)
    never = threading.Event()
    clock = FakeClock(tick=0.5)
    seen_at = []

    def hanging(client, pod_query):
        never.wait(60)
        yield []

    queue = ListQueue()
    watch = read_arguments(dict(SCOPED, timeout=10, interval=5), {})

    async def pause(seconds):
        seen_at.append(clock.now)
        raise EOFError()

    async def run():
        with pytest.raises(EOFError):
            await _watch.watch_pods(queue, watch, client=None, clock=clock, sleep=pause, read_pages=hanging)
    try:
        asyncio.run(run())
    finally:
        never.set()
    assert queue.events == [{'type': 'ERROR', 'observed_at': queue.events[0]['observed_at'], 'message':
                             'Run:ai answered nothing for 12 seconds (the timeout of 10 seconds, and 2 more) during a poll of the pods; '
                             'the poll was given up'}]
    # Given up once 12 s of silence had passed on the watch's clock: a few ticks of 0.5 s past 1012, far from timeout x attempts (40 s).
    assert 1012 < seen_at[0] < 1020


def test_the_poll_deadline_counts_silence_not_the_client_s_own_pauses():
    clock = FakeClock()
    deadline = _watch.PollDeadline(clock, 30)
    clock.now += 31
    deadline.answered()  # a 429 that asks for 60 s, which the client honours
    deadline.pausing(60)
    clock.now += 60 + 32
    assert not deadline.expired()
    clock.now += 1
    assert deadline.expired()


def test_the_attempts_after_a_timeout_do_not_hold_off_the_deadline():
    """A request times out (30 s of silence), the client backs off and tries again: still silence."""
    clock = FakeClock()
    deadline = _watch.PollDeadline(clock, 30)
    clock.now += 30
    deadline.pausing(0.5)
    clock.now += 0.5 + 2
    assert not deadline.expired()
    clock.now += 0.1
    assert deadline.expired()


def test_a_workload_not_found_is_an_empty_scope(monkeypatch):
    def not_found(client, pod_query):
        raise RunaiError("Workload 'x' was not found: HTTP 404 from GET /api/v1/workloads/x/pods: not found", status=404)
    monkeypatch.setattr(_watch, 'fetch_pod_pages', not_found)
    assert list(_watch.scope_pages(None, read_arguments(dict(CONNECTION, workload_id=WORKLOAD), {}).pod_query)) == []
    with pytest.raises(RunaiError):
        list(_watch.scope_pages(None, read_arguments(dict(SCOPED), {}).pod_query))


def test_the_event_loop_keeps_running_while_a_page_is_read():
    """The read blocks its thread until a coroutine on the loop releases it: a blocked loop would never get there."""
    released = threading.Event()

    def blocking(client, pod_query):
        assert released.wait(60), 'the event loop never ran while the page was read'
        yield [pod(1)]

    async def release():
        released.set()

    queue = ListQueue()
    watch = read_arguments(dict(SCOPED), {})

    async def stop(seconds):
        raise EOFError()

    async def run():
        asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(release()))
        with pytest.raises(EOFError):
            await _watch.watch_pods(queue, watch, client=None, clock=FakeClock(), sleep=stop, read_pages=blocking)
    asyncio.run(run())
    assert kinds(queue.events) == ['ADDED', 'INIT_DONE']


# -- arguments ------------------------------------------------------------------------------------

def failure(args, environ=None):
    with pytest.raises(RunaiError) as raised:
        read_arguments(args, environ or {})
    return str(raised.value)


def test_an_unknown_argument_is_refused_with_the_valid_ones():
    assert failure(dict(CONNECTION, node_pool='h100')) == (
        "runai_pod_events does not take the argument 'node_pool'; valid arguments: base_url, client_id, client_secret, token, "
        "validate_certs, ca_path, timeout, retries, cluster_id, workload_id, revision_id, filter_by, search, completed, interval, "
        "watch_fields, emit_existing, whole_tenant")


@pytest.mark.parametrize('option', ['sort_by', 'max_pods', 'fields', 'deleted', 'wait', 'legacy_endpoint'])
def test_an_option_of_the_info_module_is_refused_by_name(option):
    assert failure(dict(CONNECTION, **{option: 'x'})) == (
        '%s is an option of runai_pods_info that runai_pod_events does not take; its scope arguments are '
        'cluster_id, workload_id, revision_id, filter_by, search, completed' % option)


def test_the_scope_is_validated_as_the_module_validates_it():
    assert failure(dict(CONNECTION, cluster_id='abc')).startswith("cluster_id 'abc' is not a UUID")
    assert 'mutually exclusive' in failure(dict(CONNECTION, cluster_id=CLUSTER, workload_id=WORKLOAD))
    assert failure(dict(CONNECTION, workload_id=WORKLOAD, completed=True)).startswith('completed does not apply to workload_id')
    assert failure(dict(CONNECTION, filter_by=['nodName==x'])).startswith("filter_by item 'nodName==x': unknown field 'nodName'")


def test_scope_values_of_the_wrong_type_are_named():
    assert failure(dict(CONNECTION, filter_by=5)) == 'filter_by must be a list of filter expressions <field><operator><value>, got 5'
    assert failure(dict(CONNECTION, search=['a'])) == "search must be a string, got ['a']"
    assert failure(dict(CONNECTION, cluster_id=7)).startswith('cluster_id 7 is not a UUID')


def test_the_scope_becomes_the_listing_request():
    watch = read_arguments(dict(CONNECTION, cluster_id=CLUSTER, filter_by='currentNodepool==h100', completed='false'), {})
    assert watch.pod_query.path == '/api/v1/workloads/pods'
    assert ('filterBy', ['currentNodepool==h100', 'clusterId==' + CLUSTER]) in watch.pod_query.params
    assert ('completed', False) in watch.pod_query.params
    assert read_arguments(dict(CONNECTION, workload_id=WORKLOAD), {}).pod_query.path == '/api/v1/workloads/%s/pods' % WORKLOAD


def test_a_revision_is_a_scope_of_its_own():
    watch = read_arguments(dict(CONNECTION, revision_id=WORKLOAD), {})
    assert watch.pod_query.path == '/api/v1/workloads/inferences/revisions/%s/pods' % WORKLOAD
    assert failure(dict(CONNECTION, revision_id=WORKLOAD, search='x')).startswith('search does not apply to revision_id')


WHOLE_TENANT_REFUSED = ('runai_pod_events would watch every pod of the tenant: none of cluster_id, workload_id, revision_id, filter_by, '
                        'search is set (a variable left out or misspelt gives none); set one of them, or whole_tenant: true to watch '
                        'the whole tenant')


def test_the_whole_tenant_is_watched_only_when_asked_for():
    """A rulebook variable left out or misspelt gives None, '' or []: that must not widen the watch to every pod."""
    assert failure(dict(CONNECTION, cluster_id=None, workload_id='', filter_by=[])) == WHOLE_TENANT_REFUSED
    assert failure(dict(CONNECTION, completed=False)) == WHOLE_TENANT_REFUSED
    watch = read_arguments(dict(CONNECTION, cluster_id=None, whole_tenant='true'), {})
    assert watch.scope == {} and describe_watch(watch) == 'the whole tenant'
    assert failure(dict(SCOPED, whole_tenant=True)) == (
        'whole_tenant is true but cluster_id narrows the watch to part of the tenant; set whole_tenant to false, or drop cluster_id')


@pytest.mark.parametrize('interval, message', [
    (0.5, 'interval must be a number of seconds of 1 or more, got 0.5'),
    ('soon', "interval must be a number of seconds of 1 or more, got 'soon'"),
    (True, 'interval must be a number of seconds of 1 or more, got True'),
    ('nan', "interval must be a number of seconds of 1 or more, got 'nan'"),
])
def test_interval_is_a_number_of_seconds_of_one_or_more(interval, message):
    assert failure(dict(SCOPED, interval=interval)) == message


def test_watch_options_and_their_defaults():
    watch = read_arguments(dict(SCOPED), {})
    assert (watch.interval, watch.watch_fields, watch.emit_existing) == (30.0, ('k8sPhase', 'nodeName', 'currentNodePool'), True)
    watch = read_arguments(dict(SCOPED, interval='5', watch_fields='k8sPhase', emit_existing='no'), {})
    assert (watch.interval, watch.watch_fields, watch.emit_existing) == (5.0, ('k8sPhase',), False)


def test_bad_watch_options_are_named():
    assert failure(dict(SCOPED, watch_fields=[])) == 'watch_fields must be a non-empty list of pod field names, got []'
    assert failure(dict(SCOPED, watch_fields=['k8sPhase', 3])) == "watch_fields must be a non-empty list of pod field names, got ['k8sPhase', 3]"
    assert failure(dict(SCOPED, emit_existing='maybe')) == "emit_existing must be a boolean (true or false), got 'maybe'"
    assert failure(dict(SCOPED, completed='sometimes')) == "completed must be a boolean (true or false), got 'sometimes'"
    assert failure(dict(SCOPED, whole_tenant='all')) == "whole_tenant must be a boolean (true or false), got 'all'"


@pytest.mark.parametrize('field, hint', [
    ('k8sphase', 'did you mean k8sPhase?'),
    ('nodename', 'did you mean nodeName?'),
    ('currentNodepool', 'did you mean currentNodePool?'),
    ('k8sPhse', 'did you mean k8sPhase?'),
    ('colour', 'pod fields: allocatedResources, clusterId, completedAt, containers, createdAt, currentNodePool, deletedAt, id, ip, '
               'k8sPhase, k8sPhaseUpdatedAt, name, nodeAffinity, nodeName, priorityClassName, projectId, projectName, '
               'requestedNodePools, requestedResources, revisionId, tenantId, tolerations, updatedAt, workloadId, workloadName'),
])
def test_a_misspelt_watch_field_is_refused_with_a_hint(field, hint):
    """Issue 17 item 9: watch_fields: [k8sphase] made the watch deaf to every phase change."""
    assert failure(dict(SCOPED, watch_fields=['k8sPhase', field])) == (
        "watch_fields item %r is not a field of Run:ai pods, so it would never change and never make an event (%s)" % (field, hint))


def test_a_long_value_is_cut_in_the_message():
    message = failure(dict(SCOPED, interval='x' * 10000))
    assert len(message) < 200 and message.endswith('(10002 characters)')


def test_arguments_must_be_a_mapping():
    assert failure(['base_url']) == "runai_pod_events takes a mapping of arguments, got ['base_url']"


def client_of(args, environ):
    return read_arguments(dict(args, whole_tenant=True), environ).client()


def test_connection_falls_back_to_the_runai_environment():
    environ = {'RUNAI_BASE_URL': 'https://env.example/', 'RUNAI_CLIENT_ID': 'env-id', 'RUNAI_CLIENT_SECRET': 'env-secret',
               'RUNAI_TIMEOUT': '12.5', 'RUNAI_VALIDATE_CERTS': 'false'}
    client = client_of({}, environ)
    assert (client.base_url, client.client_id, client.timeout, client.verify) == ('https://env.example', 'env-id', 12.5, False)


@pytest.mark.parametrize('variable, value, message', [
    ('RUNAI_VALIDATE_CERTS', 'nope', "RUNAI_VALIDATE_CERTS='nope' is not a boolean"),
    ('RUNAI_TIMEOUT', 'soon', "RUNAI_TIMEOUT='soon' is not a number of seconds"),
])
def test_a_bad_value_from_the_environment_is_named_by_its_variable(variable, value, message):
    """Issue 17 item 10: the message named the argument the user never wrote, not the variable they set."""
    with pytest.raises(RunaiError) as raised:
        client_of(dict(CONNECTION), {variable: value})
    assert str(raised.value) == message
    assert client_of(dict(CONNECTION, validate_certs=True, timeout=5), {variable: value}).timeout == 5.0  # the argument wins


def test_arguments_win_over_the_environment():
    environ = {'RUNAI_BASE_URL': 'https://env.example', 'RUNAI_TIMEOUT': '12'}
    client = client_of(dict(CONNECTION, timeout=3, retries='1'), environ)
    assert (client.base_url, client.timeout, client.retries) == ('https://tenant.example', 3.0, 1)


def test_a_token_argument_wins_over_client_credentials_in_the_environment():
    environ = {'RUNAI_CLIENT_ID': 'env-id', 'RUNAI_CLIENT_SECRET': 'env-secret'}
    assert client_of({'base_url': 'https://tenant.example', 'token': 'a-token'}, environ).client_id is None


def test_client_credentials_as_arguments_win_over_a_token_in_the_environment():
    assert client_of(dict(CONNECTION), {'RUNAI_TOKEN': 'env-token'}).client_id == 'sa'


def test_missing_connection_settings_are_named_and_no_secret_is_repeated():
    def refused(args, environ=None):
        with pytest.raises(RunaiError) as raised:
            client_of(args, environ or {})
        return str(raised.value)
    assert refused({'client_id': 'sa', 'client_secret': 'hunter2-secret'}) == (
        'base_url is required: set it through the base_url argument, or the RUNAI_BASE_URL environment variable')
    assert refused({'base_url': 'https://tenant.example'}) == (
        'No credentials: set client_id and client_secret, or token (as arguments, '
        'or through the RUNAI_CLIENT_ID and RUNAI_CLIENT_SECRET, or RUNAI_TOKEN environment variables)')
    assert refused({'base_url': 'https://tenant.example', 'token': 't', 'client_id': 'sa'}, {'RUNAI_CLIENT_SECRET': 'x'}) == (
        'token and client_id/client_secret are mutually exclusive; authenticate one way '
        '(token from the token argument; client_id from the client_id argument)')
    assert refused(dict(CONNECTION, validate_certs='perhaps')) == "validate_certs must be a boolean (true or false), got 'perhaps'"
    assert 'hunter2-secret' not in refused(dict(CONNECTION, base_url='https://sa:hunter2-secret@tenant.example'))


# -- main(), as ansible-rulebook calls it ---------------------------------------------------------

def main_failure(source, args):
    with pytest.raises(Exception) as raised:
        asyncio.run(source['main'](ListQueue(), args))
    assert type(raised.value).__name__ == 'SourceFailed'
    assert raised.value.__suppress_context__ and raised.value.__cause__ is None
    return str(raised.value)


def test_main_ends_with_one_sentence_on_a_bad_argument(source):
    assert main_failure(source, dict(CONNECTION, cluster_id='abc')) == (
        "runai_pod_events: cluster_id 'abc' is not a UUID (expected the form 8-4-4-4-12 hexadecimal digits)")


def test_main_refuses_a_misspelt_watch_field_before_any_request(source):
    assert main_failure(source, dict(SCOPED, watch_fields=['k8sphase', 'nodeName'])) == (
        "runai_pod_events: watch_fields item 'k8sphase' is not a field of Run:ai pods, so it would never change and never make an "
        "event (did you mean k8sPhase?)")


def test_main_refuses_to_watch_the_whole_tenant_unless_told_to(source):
    assert main_failure(source, dict(CONNECTION, cluster_id=None)) == 'runai_pod_events: ' + WHOLE_TENANT_REFUSED


# -- loading, as ansible-rulebook loads it --------------------------------------------------------

def test_the_source_imports_the_collection_from_where_it_lies_with_nothing_on_sys_path(source_path):
    """ansible-rulebook runs the file by path (runpy.run_path) in a Python that knows nothing of the collection."""
    probe = ('import runpy, sys; loaded = runpy.run_path(sys.argv[1]); '
             'print(loaded["IMPORT_ERROR"], loaded["watch_pods"].__module__)')
    env = dict((name, value) for name, value in os.environ.items() if name not in ('PYTHONPATH', 'ANSIBLE_COLLECTIONS_PATH'))
    answer = subprocess.run([sys.executable, '-I', '-c', probe, source_path], capture_output=True, text=True, env=env, check=True, timeout=60)
    assert answer.stdout.split() == ['None', 'ansible_collections.runai.platform.plugins.module_utils._watch']


def test_outside_an_installed_collection_main_says_what_to_do(source_path, tmp_path):
    stray = tmp_path / 'runai_pod_events.py'
    shutil.copy(source_path, str(stray))
    probe = ('import asyncio, runpy, sys\n'
             'loaded = runpy.run_path(sys.argv[1])\n'
             'try:\n    asyncio.run(loaded["main"](None, {}))\n'
             'except RuntimeError as exc:\n    print(exc)\n')
    answer = subprocess.run([sys.executable, '-I', '-c', probe, str(stray)], capture_output=True, text=True, check=True, timeout=60)
    assert answer.stdout.startswith('runai_pod_events cannot import the shared code of the runai.platform collection (No module named')
    assert answer.stdout.rstrip().endswith('install the collection with ansible-galaxy and run ansible-rulebook with the Python that has requests')
