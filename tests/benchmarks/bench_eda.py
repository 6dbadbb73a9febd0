# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""make bench, event source part: what one poll of runai_pod_events costs on a 50,000-pod scope.

The simulator serves a scope of at least --scope live pods. A process of its own, the "source process",
loads the source as ansible-rulebook does (runpy.run_path of the installed file) and polls it as the
watch does (read_scope in a worker thread, then PodMemory.compare): the first poll (baseline, every pod
ADDED), then --polls unchanged polls. It reports the wall time of each poll, split into reading and
comparing, the peak RSS of the process, its RSS between polls, and the size of the per-pod state.
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

SOURCE_PROCESS = r'''
import asyncio, gc, json, os, resource, runpy, sys, time

source = runpy.run_path(sys.argv[1])
polls = int(sys.argv[2])
watch = source['read_arguments']({'interval': 30}, os.environ)
client = watch.client()
memory = source['PodMemory'](watch.watch_fields)


def rss_mib():
    with open('/proc/self/statm') as statm:
        return int(statm.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 1048576.0


def state_bytes(memory):
    """The per-pod state: the id -> profile dict and its keys; each shared profile once, with its values."""
    total = sys.getsizeof(memory.pods)
    profiles = {}
    for pod_id, profile in memory.pods.items():
        total += sys.getsizeof(pod_id)
        profiles[id(profile)] = profile
    for profile in profiles.values():
        total += sys.getsizeof(profile) + sum(sys.getsizeof(value) for value in profile if value is not None)
    return total, len(profiles)


async def poll():
    started = time.perf_counter()
    pods = await source['in_thread'](source['read_scope'], client, watch.pod_query, False)
    read = time.perf_counter()
    events = memory.compare(pods, source['now_iso'](), emit_existing=True)
    compared = time.perf_counter()
    counts = {}
    for event in events:
        counts[event['type']] = counts.get(event['type'], 0) + 1
    del pods, events
    gc.collect()
    return {'read_s': read - started, 'compare_s': compared - read, 'total_s': time.perf_counter() - started, 'events': counts}


async def run():
    results = []
    for _ in range(polls + 1):
        results.append(await poll())
    return results

rss_before = rss_mib()
results = asyncio.run(run())
size, profiles = state_bytes(memory)
print(json.dumps({'polls': results, 'pods': len(memory.pods), 'profiles': profiles, 'state_bytes': size,
                  'rss_before_mib': rss_before, 'rss_between_polls_mib': rss_mib(),
                  'peak_rss_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 'requests': client.request_count}))
'''


def installed_source(venv):
    return os.path.join(ROOT, venv, 'collections', 'ansible_collections', 'runai', 'platform',
                        'extensions', 'eda', 'plugins', 'event_source', 'runai_pod_events.py')


def measure(sim, python, source_path, polls):
    env = dict(os.environ, RUNAI_BASE_URL=sim.base_url, RUNAI_CLIENT_ID=sim.client_id, RUNAI_CLIENT_SECRET=sim.client_secret)
    env.pop('PYTHONPATH', None)  # the source finds the collection itself, as under ansible-rulebook
    answer = subprocess.run([python, '-c', SOURCE_PROCESS, source_path, str(polls)], env=env, capture_output=True, text=True,
                            check=False, timeout=1800)
    if answer.returncode != 0:
        raise SystemExit('bench_eda: the source process failed:\n' + answer.stderr[-3000:])
    return json.loads(answer.stdout)


def report(figures, latency_ms):
    pods = figures['pods']
    baseline, steady = figures['polls'][0], figures['polls'][1:]
    print('runai_pod_events, one poll of a %d-pod scope (simulated latency %d ms):' % (pods, latency_ms))
    print('  first poll (baseline, %d ADDED): %.2f s (read %.2f s, compare %.2f s)' % (
        baseline['events'].get('ADDED', 0), baseline['total_s'], baseline['read_s'], baseline['compare_s']))
    for number, result in enumerate(steady, start=2):
        print('  poll %d (no change, %d events): %.2f s (read %.2f s, compare %.2f s)' % (
            number, sum(result['events'].values()), result['total_s'], result['read_s'], result['compare_s']))
    print('  source process: peak RSS %.0f MiB; %.0f MiB before the first poll, %.0f MiB between polls' % (
        figures['peak_rss_mib'], figures['rss_before_mib'], figures['rss_between_polls_mib']))
    print('  per-pod state: %.1f MiB (%.0f bytes a pod, %d shared profiles); %d requests' % (
        figures['state_bytes'] / 1048576.0, figures['state_bytes'] / float(pods), figures['profiles'], figures['requests']))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--scope', type=int, default=50000, help='live pods in scope (at least)')
    parser.add_argument('--polls', type=int, default=2, help='unchanged polls after the baseline')
    parser.add_argument('--latency-ms', type=int, default=0)
    parser.add_argument('--venv', default='.venv')
    parser.add_argument('--out', default=os.path.join(ROOT, '.build', 'bench', 'eda.json'))
    options = parser.parse_args()
    generated = int(options.scope / LIVE_SHARE) + 1
    with start_simulator('--pods', generated, '--seed', '7', '--latency-ms', options.latency_ms, timeout=600) as sim:
        live = sim.inventory(workloads=False)['livePods']
        if live < options.scope:
            raise SystemExit('bench_eda: the simulator has %d live pods, fewer than the scope of %d' % (live, options.scope))
        figures = measure(sim, os.path.join(ROOT, options.venv, 'bin', 'python'), installed_source(options.venv), options.polls)
    figures['latency_ms'] = options.latency_ms
    figures['measured_at'] = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())
    report(figures, options.latency_ms)
    os.makedirs(os.path.dirname(options.out), exist_ok=True)
    with open(options.out, 'w') as handle:
        json.dump(figures, handle, indent=1)


if __name__ == '__main__':
    main()
