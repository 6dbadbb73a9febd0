# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""runai_pod_events without a network: comparing polls, outages, arguments, loading, cancellation."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import asyncio
import os
import re
import shutil
import subprocess
import sys
import time

import pytest

WORKLOAD = '0c2a5f4e-8a5e-4d7e-9f1a-3b4c5d6e7f80'
CLUSTER = '71f69d83-ba66-4822-adf5-55ce55efd210'
ISO_UTC = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$')
CONNECTION = {'base_url': 'https://tenant.example', 'client_id': 'sa', 'client_secret': 'hunter2-secret'}


def pod(number, phase='Running', node='node-1', pool='h100', **other):
    described = {'id': '00000000-0000-4000-8000-%012d' % number, 'name': 'train-%d' % number, 'workloadId': WORKLOAD,
                 'k8sPhase': phase, 'nodeName': node, 'currentNodePool': pool, 'updatedAt': '2026-12-01T10:00:00.000Z'}
    described.update(other)
    return described


def kinds(events):
    return [event['type'] for event in events]


# -- comparing polls ------------------------------------------------------------------------------

def test_the_first_poll_emits_every_pod_then_init_done(source):
    memory = source['PodMemory'](source['DEFAULT_WATCH_FIELDS'])
    events = memory.compare([pod(1), pod(2)], '2026-12-01T10:00:00.000Z')
    assert kinds(events) == ['ADDED', 'ADDED', 'INIT_DONE']
    assert [list(event)[0] for event in events] == ['type'] * 3
    assert events[0] == {'type': 'ADDED', 'pod': pod(1), 'observed_at': '2026-12-01T10:00:00.000Z'}
    assert events[2] == {'type': 'INIT_DONE', 'count': 2, 'observed_at': '2026-12-01T10:00:00.000Z'}


def test_without_emit_existing_the_first_poll_is_only_init_done_and_later_pods_are_added(source):
    memory = source['PodMemory'](source['DEFAULT_WATCH_FIELDS'])
    assert memory.compare([pod(1), pod(2)], 't1', emit_existing=False) == [{'type': 'INIT_DONE', 'count': 2, 'observed_at': 't1'}]
    assert memory.compare([pod(1), pod(2), pod(3)], 't2', emit_existing=False) == [{'type': 'ADDED', 'pod': pod(3), 'observed_at': 't2'}]


def test_a_watched_change_is_modified_with_that_field_only_and_never_twice(source):
    memory = source['PodMemory'](source['DEFAULT_WATCH_FIELDS'])
    memory.compare([pod(1), pod(2)], 't1')
    failed = pod(2, phase='Failed', updatedAt='2026-12-01T10:05:00.000Z')
    events = memory.compare([pod(1), failed], 't2')
    assert events == [{'type': 'MODIFIED', 'pod': failed, 'changes': {'k8sPhase': {'old': 'Running', 'new': 'Failed'}}, 'observed_at': 't2'}]
    assert memory.compare([pod(1), failed], 't3') == []


def test_a_change_of_a_field_not_watched_is_no_event(source):
    memory = source['PodMemory'](source['DEFAULT_WATCH_FIELDS'])
    memory.compare([pod(1)], 't1')
    assert memory.compare([pod(1, updatedAt='2026-12-01T11:00:00.000Z', requestedNodePools=['a100'])], 't2') == []


def test_several_fields_change_at_once(source):
    memory = source['PodMemory'](source['DEFAULT_WATCH_FIELDS'])
    memory.compare([pod(1, phase='Pending', node=None, pool=None)], 't1')
    events = memory.compare([pod(1)], 't2')
    assert events[0]['changes'] == {'k8sPhase': {'old': 'Pending', 'new': 'Running'}, 'nodeName': {'old': None, 'new': 'node-1'},
                                    'currentNodePool': {'old': None, 'new': 'h100'}}


def test_a_pod_that_flips_and_flips_back_is_reported_each_time(source):
    memory = source['PodMemory'](source['DEFAULT_WATCH_FIELDS'])
    memory.compare([pod(1)], 't1')
    first = memory.compare([pod(1, phase='Failed')], 't2')
    second = memory.compare([pod(1)], 't3')
    assert [event['changes'] for event in first + second] == [{'k8sPhase': {'old': 'Running', 'new': 'Failed'}},
                                                              {'k8sPhase': {'old': 'Failed', 'new': 'Running'}}]


def test_a_pod_that_left_is_deleted_with_its_last_known_state(source):
    memory = source['PodMemory'](source['DEFAULT_WATCH_FIELDS'])
    memory.compare([pod(1), pod(2, phase='Failed', node='node-7')], 't1')
    events = memory.compare([pod(1)], 't2')
    assert events == [{'type': 'DELETED', 'observed_at': 't2', 'pod': {
        'id': pod(2)['id'], 'k8sPhase': 'Failed', 'nodeName': 'node-7', 'currentNodePool': 'h100'}}]
    assert memory.compare([pod(1)], 't3') == []


def test_fields_that_never_change_can_be_watched_to_name_a_deleted_pod(source):
    memory = source['PodMemory'](('k8sPhase', 'name', 'workloadId'))
    memory.compare([pod(1), pod(2)], 't1')
    assert memory.compare([pod(1)], 't2')[0]['pod'] == {'id': pod(2)['id'], 'k8sPhase': 'Running', 'name': 'train-2', 'workloadId': WORKLOAD}


def test_a_pod_listed_twice_in_one_poll_counts_once(source):
    memory = source['PodMemory'](source['DEFAULT_WATCH_FIELDS'])
    assert kinds(memory.compare([pod(1), pod(1), pod(2), {'id': None}, {'id': {'x': 1}}, 'junk'], 't1')) == ['ADDED', 'ADDED', 'INIT_DONE']
    assert memory.pods.keys() == {pod(1)['id'], pod(2)['id']}


def test_watch_fields_choose_what_makes_an_event_even_lists(source):
    memory = source['PodMemory'](('k8sPhase', 'requestedNodePools'))
    memory.compare([pod(1, requestedNodePools=['h100'])], 't1')
    assert memory.compare([pod(1, node='node-9', requestedNodePools=['h100'])], 't2') == []
    events = memory.compare([pod(1, requestedNodePools=['h100', 'a100'])], 't3')
    assert events[0]['changes'] == {'requestedNodePools': {'old': ['h100'], 'new': ['h100', 'a100']}}


def test_pods_in_the_same_state_share_what_is_remembered(source):
    memory = source['PodMemory'](source['DEFAULT_WATCH_FIELDS'])
    memory.compare([pod(number) for number in range(100)] + [pod(100, phase='Failed')], 't1')
    profiles = set(id(profile) for profile in memory.pods.values())
    assert len(profiles) == 2
    memory.compare([pod(number) for number in range(100)], 't2')
    assert len(memory._profiles) == 1  # pylint: disable=protected-access  # the Failed profile is forgotten with its pod


def test_observed_at_is_iso_8601_utc(source):
    assert ISO_UTC.match(source['now_iso']())


# -- polling: outages, first poll, workload not found ---------------------------------------------

class ScriptedScope:
    """read_scope replaced by a script: each poll takes the next outcome (a pod list, or an error to raise)."""

    def __init__(self, outcomes):
        self.outcomes = list(outcomes)
        self.polls = 0

    def __call__(self, client, pod_query, one_workload):
        self.polls += 1
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


class ListQueue:
    def __init__(self):
        self.events = []

    async def put(self, event):
        self.events.append(event)


def run_watch(source, namespace, monkeypatch, outcomes, **arguments):
    """Poll through the script (no pause between polls); returns the events, or raises what the watch raised."""
    scripted = ScriptedScope(outcomes)
    monkeypatch.setitem(namespace, 'read_scope', scripted)
    watch = source['read_arguments'](dict(CONNECTION, **arguments), {})
    queue = ListQueue()

    async def no_pause(seconds):
        if not scripted.outcomes:
            raise EOFError('script done')

    async def run():
        try:
            await source['watch_pods'](queue, watch, client=None, sleep=no_pause)
        except EOFError:
            pass
    asyncio.run(run())
    return queue.events


def error(source, status, message='Run:ai API request failed: HTTP %d from GET /api/v1/workloads/pods: boom'):
    return source['RunaiError'](message % status if '%d' in message else message, status=status)


def test_an_outage_is_one_error_then_recovered_and_what_changed_meanwhile_once(source, namespace, monkeypatch):
    outage = error(source, 503)
    events = run_watch(source, namespace, monkeypatch, [[pod(1), pod(2)], outage, outage, outage, [pod(1, phase='Failed')], [pod(1, phase='Failed')]])
    assert kinds(events) == ['ADDED', 'ADDED', 'INIT_DONE', 'ERROR', 'RECOVERED', 'MODIFIED', 'DELETED']
    error_event = events[3]
    assert error_event == {'type': 'ERROR', 'message': str(outage) + '', 'status': 503, 'observed_at': error_event['observed_at']}
    assert list(events[4]) == ['type', 'outage_seconds', 'observed_at'] and events[4]['outage_seconds'] >= 0
    assert all(ISO_UTC.match(event['observed_at']) for event in events)


def test_a_second_outage_is_a_second_error(source, namespace, monkeypatch):
    outage = error(source, 502)
    events = run_watch(source, namespace, monkeypatch, [[pod(1)], outage, [pod(1)], outage, outage, [pod(1)]])
    assert kinds(events) == ['ADDED', 'INIT_DONE', 'ERROR', 'RECOVERED', 'ERROR', 'RECOVERED']


def test_a_first_poll_that_fails_for_a_while_is_an_outage_then_the_baseline(source, namespace, monkeypatch):
    unreachable = source['RunaiError']('Cannot connect to Run:ai at https://tenant.example: connection refused (after 4 attempts)')
    events = run_watch(source, namespace, monkeypatch, [unreachable, unreachable, [pod(1)]])
    assert kinds(events) == ['ERROR', 'RECOVERED', 'ADDED', 'INIT_DONE']
    assert events[0]['message'] == 'Cannot connect to Run:ai at https://tenant.example: connection refused (after 4 attempts)'
    assert 'status' not in events[0]


@pytest.mark.parametrize('status', [400, 401, 403])
def test_credentials_refused_at_start_end_the_watch(source, namespace, monkeypatch, status):
    refused = error(source, status)
    with pytest.raises(source['RunaiError']) as raised:
        run_watch(source, namespace, monkeypatch, [refused, [pod(1)]])
    assert raised.value is refused


def test_credentials_refused_later_are_an_outage(source, namespace, monkeypatch):
    events = run_watch(source, namespace, monkeypatch, [[pod(1)], error(source, 401), [pod(1)]])
    assert kinds(events) == ['ADDED', 'INIT_DONE', 'ERROR', 'RECOVERED']


def test_a_workload_not_found_is_an_empty_scope(source, namespace, monkeypatch):
    def not_found(client, pod_query):
        raise source['RunaiError']("Workload 'x' was not found: HTTP 404 from GET /api/v1/workloads/x/pods: not found", status=404)
    monkeypatch.setitem(namespace, 'fetch_pods', not_found)
    assert source['read_scope'](None, None, one_workload=True) == []
    with pytest.raises(source['RunaiError']):
        source['read_scope'](None, None, one_workload=False)


def test_the_event_loop_keeps_running_while_a_poll_waits(source):
    ticks = []

    async def ticker():
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.05)

    async def run():
        ticking = asyncio.ensure_future(ticker())
        result = await source['in_thread'](time.sleep, 0.6)
        ticking.cancel()
        return result
    asyncio.run(run())
    assert len(ticks) >= 8


CANCEL_PROBE = """
import asyncio, runpy, sys, threading, time
source = runpy.run_path(sys.argv[1])
started = threading.Event()

def hanging_read(client, pod_query, one_workload):
    started.set()
    time.sleep(60)  # a request that would go on until its timeout
    return []

source['main'].__globals__['read_scope'] = hanging_read

class Queue:
    async def put(self, event):
        pass

async def run():
    task = asyncio.ensure_future(source['main'](Queue(), {'base_url': 'https://tenant.example', 'token': 't'}))
    while not started.is_set():
        await asyncio.sleep(0.01)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print('cancelled')

asyncio.run(run())
"""


def test_cancelling_ends_the_source_and_the_process_at_once_even_with_a_request_in_flight(source_path):
    """The rulebook shutting down must not wait for a poll: the loop closes and the interpreter exits."""
    began = time.monotonic()
    answer = subprocess.run([sys.executable, '-c', CANCEL_PROBE, source_path], capture_output=True, text=True, timeout=120, check=True)
    assert answer.stdout.strip() == 'cancelled'
    assert time.monotonic() - began < 10


# -- arguments ------------------------------------------------------------------------------------

def failure(source, args, environ=None):
    with pytest.raises(source['RunaiError']) as raised:
        source['read_arguments'](args, environ or {})
    return str(raised.value)


def test_an_unknown_argument_is_refused_with_the_valid_ones(source):
    assert failure(source, dict(CONNECTION, node_pool='h100')) == (
        "runai_pod_events does not take the argument 'node_pool'; valid arguments: base_url, client_id, client_secret, token, "
        "validate_certs, ca_path, timeout, retries, cluster_id, workload_id, filter_by, search, completed, interval, watch_fields, emit_existing")


@pytest.mark.parametrize('option', ['sort_by', 'max_pods', 'fields', 'deleted', 'wait', 'legacy_endpoint'])
def test_an_option_of_the_info_module_is_refused_by_name(source, option):
    assert failure(source, dict(CONNECTION, **{option: 'x'})) == (
        '%s is an option of runai_pods_info that runai_pod_events does not take; its scope arguments are '
        'cluster_id, workload_id, filter_by, search, completed' % option)


def test_the_scope_is_validated_as_the_module_validates_it(source):
    assert failure(source, dict(CONNECTION, cluster_id='abc')).startswith("cluster_id 'abc' is not a UUID")
    assert 'mutually exclusive' in failure(source, dict(CONNECTION, cluster_id=CLUSTER, workload_id=WORKLOAD))
    assert failure(source, dict(CONNECTION, workload_id=WORKLOAD, completed=True)).startswith('completed does not apply to workload_id')
    assert failure(source, dict(CONNECTION, filter_by=['nodName==x'])).startswith("filter_by item 'nodName==x': unknown field 'nodName'")


def test_scope_values_of_the_wrong_type_are_named(source):
    assert failure(source, dict(CONNECTION, filter_by=5)) == 'filter_by must be a list of filter expressions <field><operator><value>, got 5'
    assert failure(source, dict(CONNECTION, search=['a'])) == "search must be a string, got ['a']"
    assert failure(source, dict(CONNECTION, cluster_id=7)).startswith('cluster_id 7 is not a UUID')


def test_the_scope_becomes_the_listing_request(source):
    watch = source['read_arguments'](dict(CONNECTION, cluster_id=CLUSTER, filter_by='currentNodepool==h100', completed='false'), {})
    assert watch.pod_query.path == '/api/v1/workloads/pods'
    assert ('filterBy', ['currentNodepool==h100', 'clusterId==' + CLUSTER]) in watch.pod_query.params
    assert ('completed', False) in watch.pod_query.params
    assert source['read_arguments'](dict(CONNECTION, workload_id=WORKLOAD), {}).pod_query.path == '/api/v1/workloads/%s/pods' % WORKLOAD


def test_variables_left_out_of_a_rulebook_leave_the_scope_unset(source):
    watch = source['read_arguments'](dict(CONNECTION, cluster_id=None, workload_id='', filter_by=[]), {})
    assert watch.scope == {}
    assert source['describe_scope'](watch.scope) == 'the tenant'


@pytest.mark.parametrize('interval, message', [
    (0.5, 'interval must be a number of seconds of 1 or more, got 0.5'),
    ('soon', "interval must be a number of seconds of 1 or more, got 'soon'"),
    (True, 'interval must be a number of seconds of 1 or more, got True'),
    ('nan', "interval must be a number of seconds of 1 or more, got 'nan'"),
])
def test_interval_is_a_number_of_seconds_of_one_or_more(source, interval, message):
    assert failure(source, dict(CONNECTION, interval=interval)) == message


def test_watch_options_and_their_defaults(source):
    watch = source['read_arguments'](dict(CONNECTION), {})
    assert (watch.interval, watch.watch_fields, watch.emit_existing) == (30.0, ('k8sPhase', 'nodeName', 'currentNodePool'), True)
    watch = source['read_arguments'](dict(CONNECTION, interval='5', watch_fields='k8sPhase', emit_existing='no'), {})
    assert (watch.interval, watch.watch_fields, watch.emit_existing) == (5.0, ('k8sPhase',), False)


def test_bad_watch_options_are_named(source):
    assert failure(source, dict(CONNECTION, watch_fields=[])) == 'watch_fields must be a non-empty list of pod field names, got []'
    assert failure(source, dict(CONNECTION, watch_fields=['k8sPhase', 3])) == "watch_fields must be a non-empty list of pod field names, got ['k8sPhase', 3]"
    assert failure(source, dict(CONNECTION, emit_existing='maybe')) == "emit_existing must be a boolean (true or false), got 'maybe'"
    assert failure(source, dict(CONNECTION, completed='sometimes')) == "completed must be a boolean (true or false), got 'sometimes'"


def test_a_long_value_is_cut_in_the_message(source):
    message = failure(source, dict(CONNECTION, interval='x' * 10000))
    assert len(message) < 200 and message.endswith('(10002 characters)')


def test_arguments_must_be_a_mapping(source):
    assert failure(source, ['base_url']) == "runai_pod_events takes a mapping of arguments, got ['base_url']"


def client_of(source, args, environ):
    return source['read_arguments'](args, environ).client()


def test_connection_falls_back_to_the_runai_environment(source):
    environ = {'RUNAI_BASE_URL': 'https://env.example/', 'RUNAI_CLIENT_ID': 'env-id', 'RUNAI_CLIENT_SECRET': 'env-secret',
               'RUNAI_TIMEOUT': '12.5', 'RUNAI_VALIDATE_CERTS': 'false'}
    client = client_of(source, {}, environ)
    assert (client.base_url, client.client_id, client.timeout, client.verify) == ('https://env.example', 'env-id', 12.5, False)


def test_arguments_win_over_the_environment(source):
    environ = {'RUNAI_BASE_URL': 'https://env.example', 'RUNAI_TIMEOUT': '12'}
    client = client_of(source, dict(CONNECTION, timeout=3, retries='1'), environ)
    assert (client.base_url, client.timeout, client.retries) == ('https://tenant.example', 3.0, 1)


def test_a_token_argument_wins_over_client_credentials_in_the_environment(source):
    environ = {'RUNAI_CLIENT_ID': 'env-id', 'RUNAI_CLIENT_SECRET': 'env-secret'}
    client = client_of(source, {'base_url': 'https://tenant.example', 'token': 'a-token'}, environ)
    assert client.client_id is None


def test_client_credentials_as_arguments_win_over_a_token_in_the_environment(source):
    client = client_of(source, dict(CONNECTION), {'RUNAI_TOKEN': 'env-token'})
    assert client.client_id == 'sa'


def test_missing_connection_settings_are_named_and_no_secret_is_repeated(source):
    read = source['read_arguments']
    with pytest.raises(source['RunaiError']) as raised:
        read({'client_id': 'sa', 'client_secret': 'hunter2-secret'}, {}).client()
    assert str(raised.value) == 'base_url is required: set it through the base_url argument, or the RUNAI_BASE_URL environment variable'
    with pytest.raises(source['RunaiError']) as raised:
        read({'base_url': 'https://tenant.example'}, {}).client()
    assert str(raised.value) == ('No credentials: set client_id and client_secret, or token (as arguments, '
                                 'or through the RUNAI_CLIENT_ID and RUNAI_CLIENT_SECRET, or RUNAI_TOKEN environment variables)')
    with pytest.raises(source['RunaiError']) as raised:
        read({'base_url': 'https://tenant.example', 'token': 't', 'client_id': 'sa'}, {'RUNAI_CLIENT_SECRET': 'x'}).client()
    assert str(raised.value) == ('token and client_id/client_secret are mutually exclusive; authenticate one way '
                                 '(token from the token argument; client_id from the client_id argument)')
    with pytest.raises(source['RunaiError']) as raised:
        read(dict(CONNECTION, validate_certs='perhaps'), {}).client()
    assert str(raised.value) == "validate_certs must be a boolean (true or false), got 'perhaps'"
    with pytest.raises(source['RunaiError']) as raised:
        read(dict(CONNECTION, base_url='https://sa:hunter2-secret@tenant.example'), {}).client()
    assert 'hunter2-secret' not in str(raised.value)


def test_main_ends_with_one_sentence_on_a_bad_argument(source):
    with pytest.raises(Exception) as raised:
        asyncio.run(source['main'](ListQueue(), dict(CONNECTION, cluster_id='abc')))
    assert type(raised.value).__name__ == 'SourceFailed'
    assert str(raised.value) == "runai_pod_events: cluster_id 'abc' is not a UUID (expected the form 8-4-4-4-12 hexadecimal digits)"
    assert raised.value.__suppress_context__ and raised.value.__cause__ is None


# -- loading, as ansible-rulebook loads it --------------------------------------------------------

def test_the_source_imports_the_collection_from_where_it_lies_with_nothing_on_sys_path(source_path):
    """ansible-rulebook runs the file by path (runpy.run_path) in a Python that knows nothing of the collection."""
    probe = ('import runpy, sys; loaded = runpy.run_path(sys.argv[1]); '
             'print(loaded["IMPORT_ERROR"], loaded["client_from_options"].__module__)')
    env = dict((name, value) for name, value in os.environ.items() if name not in ('PYTHONPATH', 'ANSIBLE_COLLECTIONS_PATH'))
    answer = subprocess.run([sys.executable, '-I', '-c', probe, source_path], capture_output=True, text=True, env=env, check=True, timeout=60)
    assert answer.stdout.split() == ['None', 'ansible_collections.runai.platform.plugins.module_utils._connection']


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
