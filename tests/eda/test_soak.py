# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The event source's soak test, scaled down for make test: a few hundred polls of a several-page scope while the
simulator creates, deletes and changes pods at a steady rate. Every event is checked against the simulator's own
record of what changed (GET /_sim/changes): nothing missed, nothing invented, nothing twice. The source's memory
is sampled between polls and reported; bench_eda.py --soak measures it at scale (docs/performance.md).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import asyncio
import collections
import os

import pytest

from harness import start_simulator

from ansible_collections.runai.platform.plugins.module_utils import _watch, _watch_arguments
from ansible_collections.runai.platform.plugins.module_utils._pod_reads import fetch_pod_list

POLLS = 200
# Short on purpose: the diff's exactness, not the interval, is under test (the argument's minimum is 1 s).
INTERVAL = 0.05
CHURN = {'deletes_per_s': 4, 'creates_per_s': 4, 'changes_per_s': 8}
# And one deletion, creation and change right after every list answer: between the pages of every poll, where a
# deletion shifts the pods of the later pages one place left (the read guarantee of SPEC section 3 at work).
BETWEEN_PAGES = {'deletes': 1, 'creates': 1, 'changes': 1}
WATCHED = _watch_arguments.DEFAULT_WATCH_FIELDS


@pytest.fixture(scope='module')
def sim():
    # About 2,200 live pods: five pages of 500, so that pages shift under the read while it runs.
    with start_simulator('--pods', '3000', '--seed', '23') as running:
        yield running


def rss_mib():
    with open('/proc/self/statm') as statm:
        return int(statm.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 1048576.0


class Soak:
    """The watch's loop with a pause that counts polls, samples memory, and starts and stops the churn."""

    def __init__(self, sim):
        self.sim = sim
        self.events = []
        self.polls = 0
        self.rss = []
        self.first_change = None

    async def put(self, event):
        # What the checks need, not the whole pod: a record of thousands of full pods would grow this process's memory,
        # sampled between polls, by itself.
        kept = dict((key, event[key]) for key in ('type', 'changes', 'message') if key in event)
        if 'pod' in event:
            kept['pod'] = dict((field, event['pod'].get(field)) for field in ('id',) + tuple(WATCHED))
        self.events.append(kept)

    async def pause(self, seconds):
        self.polls += 1
        self.rss.append(rss_mib())
        if self.polls == 1:  # the baseline is taken: from now on the tenant never stops changing
            self.first_change = self.sim.latest_change()
            self.sim.churn(rate=CHURN, per_answer=BETWEEN_PAGES, seed=5)
        elif self.polls == POLLS:
            self.sim.stop_churn()
        elif self.polls == POLLS + 2:  # two quiet polls: everything the churn did has been seen
            raise EOFError()
        await asyncio.sleep(max(seconds, 0))


def test_a_soak_under_churn_reports_every_change_once_and_nothing_else(sim, capsys):
    arguments = dict(base_url=sim.base_url, client_id=sim.client_id, client_secret=sim.client_secret, whole_tenant=True)
    watch = _watch_arguments.read_arguments(arguments, {})
    watch.interval = INTERVAL
    client = watch.client()
    soak = Soak(sim)

    async def run():
        with pytest.raises(EOFError):
            await _watch.watch_pods(soak, watch, client, sleep=soak.pause)
    try:
        asyncio.run(run())
    finally:
        sim.stop_churn()
    changes = sim.changes(soak.first_change)
    final = dict((pod['id'], tuple(pod.get(field) for field in WATCHED)) for pod in fetch_pod_list(watch.client(), watch.pod_query))

    kinds = collections.Counter(event['type'] for event in soak.events)
    assert kinds['ERROR'] == 0, [event for event in soak.events if event['type'] == 'ERROR'][:3]
    baseline_end = [event['type'] for event in soak.events].index('INIT_DONE')
    baseline, later = soak.events[:baseline_end], soak.events[baseline_end + 1:]
    deleted = set(change['podId'] for change in changes if change['kind'] == 'deleted')
    created = set(change['podId'] for change in changes if change['kind'] == 'created')
    changed = set(change['podId'] for change in changes if change['kind'] == 'changed')

    # Nothing invented, nothing twice: each event stands for a change in the record, once.
    later_of = collections.defaultdict(list)
    for event in later:
        later_of[event['type']].append(event['pod']['id'])
    assert set(later_of['DELETED']) <= deleted, 'pods reported DELETED that were never deleted (they stayed in scope)'
    assert set(later_of['ADDED']) <= created, 'pods reported ADDED that were not created'
    assert set(later_of['MODIFIED']) <= changed, 'pods reported MODIFIED that did not change'
    for kind in ('ADDED', 'DELETED'):
        assert len(later_of[kind]) == len(set(later_of[kind])), '%s twice for one pod' % kind

    # Nothing missed: the baseline with every later event applied is exactly the tenant as it is now.
    state = dict((event['pod']['id'], tuple(event['pod'].get(field) for field in WATCHED)) for event in baseline)
    for event in later:
        pod_id = event['pod']['id']
        if event['type'] == 'DELETED':
            del state[pod_id]
        else:
            if event['type'] == 'MODIFIED':
                old = tuple(event['changes'][field]['old'] if field in event['changes'] else value
                            for field, value in zip(WATCHED, state[pod_id]))
                assert old == state[pod_id], 'a MODIFIED event whose old values are not what was reported before'
            state[pod_id] = tuple(event['pod'].get(field) for field in WATCHED)
    assert state == final

    settled = soak.rss[50:] or soak.rss
    with capsys.disabled():
        print('\nsoak: %d polls, %d changes recorded (%d deleted, %d created, %d changed), events %s; RSS between polls '
              '%.1f MiB at poll 50, %.1f MiB at the last (%+.1f %%; min %.1f, max %.1f)' % (
                  soak.polls, len(changes), len(deleted), len(created), len(changed), dict(kinds), settled[0], settled[-1],
                  (settled[-1] - settled[0]) / settled[0] * 100.0, min(settled), max(settled)))
    assert len(changes) > 100, 'the churn hardly changed anything: the test proves little'
