# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""make bench, event source part: what runai_pod_events costs, in memory and time, at 50,000 and 200,000 pods.

For each --scopes size the simulator serves at least that many live pods. A process of its own, the "source
process", loads the source as ansible-rulebook does (runpy.run_path of the installed file) and runs its watch
loop (watch_pods) with a queue that, like ansible-rulebook's, holds one event at a time: the first poll
(baseline, every pod ADDED), then unchanged polls back to back (--polls for the largest scope, more for a
smaller one, so that each reads about as many pages); --repeat such processes a scope. It reports each poll's
wall time, the peak RSS of the process (the run with the median peak), its RSS between polls and the per-pod
state. Then a soak (--soak-polls polls of a --soak-scope scope while the simulator churns at a steady rate)
reports the RSS between polls, from poll 50 to the last. Figures in .build/bench/eda.json; docs/performance.md
says what they mean.
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'simulator'))
from harness import start_simulator  # noqa: E402  pylint: disable=wrong-import-position

# Of the pods the simulator generates, about two thirds are live (the rest deleted): the listing's scope.
LIVE_SHARE = 0.66
SOAK_CHURN = {'deletes_per_s': 5, 'creates_per_s': 5, 'changes_per_s': 10}

SOURCE_PROCESS = r'''
import asyncio, importlib, json, os, resource, runpy, sys, time

runpy.run_path(sys.argv[1])  # as ansible-rulebook loads it: the collection becomes importable from where the file lies
polls = int(sys.argv[2])
watch_module = importlib.import_module('ansible_collections.runai.platform.plugins.module_utils._watch')
try:
    arguments_module = importlib.import_module('ansible_collections.runai.platform.plugins.module_utils._watch_arguments')
except ImportError:  # before the arguments had a module of their own
    arguments_module = watch_module
watch = arguments_module.read_arguments({'interval': 1, 'whole_tenant': True}, os.environ)
client = watch.client()
state = watch_module.PodState(watch.watch_fields, watch.emit_existing)


def rss_mib():
    with open('/proc/self/statm') as statm:
        return int(statm.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 1048576.0


def state_bytes(state):
    """The per-pod state (its table) and the shared profiles, in bytes."""
    table, profiles = state.footprint()
    return table, profiles


class Run:
    def __init__(self):
        self.polls = []
        self.started = time.perf_counter()
        self.cpu_started = time.process_time()
        self.counts = {}
        self.rss_between = []

    async def pause(self, seconds):
        await queue.join()  # the poll's last events have left the queue: they count for this poll
        now = time.perf_counter()
        # Wall time, and the CPU time of the whole process (every thread): the cost, less blurred by other load.
        self.polls.append({'total_s': now - self.started, 'cpu_s': time.process_time() - self.cpu_started, 'events': self.counts})
        self.rss_between.append(rss_mib())
        if len(self.polls) == polls + 1:
            raise EOFError()
        self.counts = {}
        self.started = time.perf_counter()
        self.cpu_started = time.process_time()


run = Run()


async def drain():
    while True:
        event = await queue.get()
        run.counts[event['type']] = run.counts.get(event['type'], 0) + 1
        queue.task_done()


async def main():
    global queue
    queue = asyncio.Queue(1)  # ansible-rulebook's source queue holds one event
    draining = asyncio.ensure_future(drain())
    try:
        await watch_module.watch_pods(queue, watch, client, sleep=run.pause, state=state)
    except EOFError:
        pass
    draining.cancel()

rss_before = rss_mib()
asyncio.run(main())
size, profiles_bytes = state_bytes(state)
print(json.dumps({'polls': run.polls, 'pods': len(state), 'profiles': len(state._profiles), 'profiles_bytes': profiles_bytes, 'state_bytes': size,
                  'rss_before_mib': rss_before, 'rss_between_polls_mib': run.rss_between,
                  'peak_rss_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 'requests': client.request_count}))
'''


def installed_source(venv):
    return os.path.join(ROOT, venv, 'collections', 'ansible_collections', 'runai', 'platform',
                        'extensions', 'eda', 'plugins', 'event_source', 'runai_pod_events.py')


def measure(sim, python, source_path, polls):
    env = dict(os.environ, RUNAI_BASE_URL=sim.base_url, RUNAI_CLIENT_ID=sim.client_id, RUNAI_CLIENT_SECRET=sim.client_secret)
    env.pop('PYTHONPATH', None)  # the source finds the collection itself, as under ansible-rulebook
    answer = subprocess.run([python, '-c', SOURCE_PROCESS, source_path, str(polls)], env=env, capture_output=True, text=True,
                            check=False, timeout=3600)
    if answer.returncode != 0:
        raise SystemExit('bench_eda: the source process failed:\n' + answer.stderr[-3000:])
    return json.loads(answer.stdout)


def simulator_for(scope, latency_ms):
    return start_simulator('--pods', int(scope / LIVE_SHARE) + 1, '--seed', '7', '--latency-ms', latency_ms, timeout=900)


def polls_for(options, scope, scopes):
    """Unchanged polls of a scope: --polls for the largest; a smaller one, as many more as make it read about as many
    pages in all. The peak creeps up with the pages a process has read (what the allocators keep of the pages in
    flight), so scopes compared after the same number of polls would also compare different numbers of pages read
    (4 times as many at the larger of the default scopes)."""
    if options.same_polls:
        return options.polls
    return max(options.polls, int(round((options.polls + 1) * max(scopes) / float(scope))) - 1)


def measure_scope(options, scope, polls):
    """The figures of the run with the median peak of --repeat source processes (a run's peak RSS varies by a MiB or
    two with how many pages happened to be in flight at once), with every run's peak and RSS after the last poll."""
    with simulator_for(scope, options.latency_ms) as sim:
        live = sim.inventory(workloads=False)['livePods']
        if live < scope:
            raise SystemExit('bench_eda: the simulator has %d live pods, fewer than the scope of %d' % (live, scope))
        runs = [measure(sim, os.path.join(ROOT, options.venv, 'bin', 'python'), installed_source(options.venv), polls)
                for _run in range(max(1, options.repeat))]
    runs.sort(key=lambda figures: figures['peak_rss_mib'])
    return dict(runs[len(runs) // 2], peaks_mib=[figures['peak_rss_mib'] for figures in runs],
                rss_after_last_poll_mib=sorted(figures['rss_between_polls_mib'][-1] for figures in runs))


def measure_soak(options):
    with simulator_for(options.soak_scope, options.latency_ms) as sim:
        sim.churn(rate=SOAK_CHURN)
        try:
            figures = measure(sim, os.path.join(ROOT, options.venv, 'bin', 'python'), installed_source(options.venv), options.soak_polls)
        finally:
            sim.stop_churn()
        figures['changes'] = sim.latest_change()
        return figures


def report(figures, latency_ms):
    pods = figures['pods']
    baseline, steady = figures['polls'][0], figures['polls'][1:]
    print('runai_pod_events, one poll of a %d-pod scope (simulated latency %d ms):' % (pods, latency_ms))
    print('  first poll (baseline, %d ADDED through a one-event queue): %.2f s' % (baseline['events'].get('ADDED', 0), baseline['total_s']))
    for number, result in enumerate(steady, start=2):
        print('  poll %d (no change, %d events): %.2f s, %.2f s of CPU' % (
            number, sum(result['events'].values()), result['total_s'], result.get('cpu_s', 0)))
    print('  source process: peak RSS %.1f MiB (median of %s); %.0f MiB before the first poll, %.1f MiB after the last' % (
        figures['peak_rss_mib'], ', '.join('%.1f' % peak for peak in figures.get('peaks_mib', [figures['peak_rss_mib']])),
        figures['rss_before_mib'], figures['rss_between_polls_mib'][-1]))
    print('  per-pod state: %.1f MiB (%.0f bytes a pod), and %d shared profiles in %.2f MiB; %d requests' % (
        figures['state_bytes'] / 1048576.0, figures['state_bytes'] / float(pods), figures['profiles'],
        figures['profiles_bytes'] / 1048576.0, figures['requests']))


def report_growth(small, large):
    """Peak RSS growth against the growth of what the watch keeps: its table and the shared profiles."""
    pods = large['pods'] - small['pods']
    grown = (large['peak_rss_mib'] - small['peak_rss_mib']) * 1048576.0
    table_grown = large['state_bytes'] - small['state_bytes']
    state_grown = table_grown + large['profiles_bytes'] - small['profiles_bytes']
    print('  from %d to %d pods: peak RSS (medians) +%.1f MiB (%.0f bytes a pod); the state +%.1f MiB (%.0f bytes a pod: '
          'the table %.0f, the profiles %.0f); %s' % (
              small['pods'], large['pods'], grown / 1048576.0, grown / pods, state_grown / 1048576.0, state_grown / float(pods),
              table_grown / float(pods), (state_grown - table_grown) / float(pods),
              'within it' if grown <= state_grown else '%.0f bytes a pod above it' % ((grown - state_grown) / pods)))
    return {'pods': pods, 'peak_growth_bytes_a_pod': grown / pods, 'state_growth_bytes_a_pod': state_grown / float(pods)}


def report_soak(soak):
    between = soak['rss_between_polls_mib']
    settled = between[50:] if len(between) > 50 else between
    growth = (settled[-1] - settled[0]) / settled[0] * 100.0
    seconds = [poll['total_s'] for poll in soak['polls'][1:]]
    print('soak: %d polls of about %d pods while the simulator made %d changes; RSS between polls %.1f MiB at poll %d, '
          '%.1f MiB at the last (%+.1f %%), max %.1f MiB; peak %.0f MiB; polls %.2f-%.2f s' % (
              len(soak['polls']), soak['pods'], soak['changes'], settled[0], 51 if len(between) > 50 else 1, settled[-1], growth,
              max(settled), soak['peak_rss_mib'], min(seconds or [0]), max(seconds or [0])))
    return growth


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--scopes', type=int, nargs='+', default=[50000, 200000], help='live pods in scope (at least), one run each')
    parser.add_argument('--scope', type=int, help='one scope only (same as --scopes N)')
    parser.add_argument('--polls', type=int, default=2, help='unchanged polls after the baseline (of the largest scope)')
    parser.add_argument('--same-polls', action='store_true', help='every scope --polls polls, not about as many pages read')
    parser.add_argument('--repeat', type=int, default=5, help='source processes a scope, the median peak is reported')
    parser.add_argument('--soak-polls', type=int, default=120, help='polls of the soak under churn (0: no soak)')
    parser.add_argument('--soak-scope', type=int, default=20000)
    parser.add_argument('--latency-ms', type=int, default=0)
    parser.add_argument('--venv', default='.venv')
    parser.add_argument('--out', default=os.path.join(ROOT, '.build', 'bench', 'eda.json'))
    options = parser.parse_args()
    scopes = [options.scope] if options.scope else options.scopes
    runs = []
    for scope in scopes:
        figures = measure_scope(options, scope, polls_for(options, scope, scopes))
        report(figures, options.latency_ms)
        runs.append(figures)
    growth = [report_growth(small, large) for small, large in zip(runs, runs[1:])]
    results = dict(runs[0], runs=runs, growth=growth, latency_ms=options.latency_ms, measured_at=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
                   load_average=os.getloadavg())
    if options.soak_polls:
        soak = measure_soak(options)
        results['soak'] = dict(soak, rss_growth_percent=report_soak(soak))
    print('load average at the end: %.2f %.2f %.2f (the machine is shared; compare runs on a quiet one)' % os.getloadavg())
    os.makedirs(os.path.dirname(options.out), exist_ok=True)
    with open(options.out, 'w') as handle:
        json.dump(results, handle, indent=1)


if __name__ == '__main__':
    main()
