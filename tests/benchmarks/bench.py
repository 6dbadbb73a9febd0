# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""make bench: runai.platform side by side with the alternatives, against the simulator, as ratios.

For every size N and simulated network latency, each case reads N pods (or counts them) through
ansible-playbook or a hand-written loop; runs alternate between cases, and the table reports the
median, the spread, the peak memory of the largest process and that of the module process alone.
Ratios compare cases of the same run. Sizes of LARGE_SIZE pods or more (`--sizes 500000`) run only the cases
that keep memory flat, against the raw loop and ping: carrying every pod there is a test of the machine.
"""

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'simulator'))
from harness import start_simulator  # noqa: E402  pylint: disable=wrong-import-position

PYTHON = sys.executable
BIN = os.path.dirname(sys.executable)
PAGE_SIZE = 500
# The gate a user writes for flat memory: a query on the summary, which the module computes page by page.
GATE_QUERY = "summary.by_phase.Failed || `0`"
GATE = 'gate (return_pods: false + summary query)'
# The same verdict from a query over the pods list: every pod is held until the query has run.
PODS_QUERY = "length(pods[?k8sPhase=='Failed'])"
PODS_QUERY_GATE = 'gate, pods query (length(pods[?...]))'
# A per-pod gate condition, evaluated on every pod; it fails on the simulator's pods (some are Pending), as a gate
# that finds offenders does, so the task fails only when no gate judged.
POD_CONDITION = "k8sPhase=='Running' || k8sPhase=='Succeeded'"
POD_CONDITION_GATE = 'gate (return_pods: false + pod_condition)'
# A per-pod gate judges its whole scope (max_pods with a condition is refused before any request), so it is
# compared with the plain gate over the same whole scope: every live pod of the simulator.
WHOLE_SCOPE_GATE = 'gate over the whole scope (no max_pods)'

# The gate as users write it (issue 16): the summary's phases registered, then judged by an assert task.
USER_GATE_QUERY = 'summary.by_phase'
USER_GATE_ASSERT = {'that': ['result.query_result.Failed | default(0) < result.count'], 'quiet': True,
                    'fail_msg': '{{ result.query_result.Failed }} pods failed'}
USER_GATE = 'gate as users write it (summary.by_phase + assert)'

SLOW_CASE_SECONDS = 90  # a case slower than this on its first run is run twice, not --runs times
LARGE_SIZE = 200000
# The cases run at LARGE_SIZE pods or more.
FLAT_CASES = ('ping', GATE, USER_GATE, WHOLE_SCOPE_GATE, POD_CONDITION_GATE, 'lookup count_only', 'lookup query', 'raw requests loop')
MODULE_PYTHON = os.path.join(HERE, 'module_python.py')

# What each case concluded, from one untimed run per size with one more task: the pods it read and the Failed pods
# among them; the whole-scope cases, how many pods the scope holds. The cases compared must agree (check_verdicts).
FAILED = "selectattr('k8sPhase', 'equalto', 'Failed') | list | length"
URI_PODS = "(pages.results | map(attribute='json') | map(attribute='pods') | flatten(levels=1))"
VERDICTS = {
    GATE: "{'pods': result.count, 'failed': result.query_result}",
    USER_GATE: "{'pods': result.count, 'failed': result.query_result.Failed | default(0)}",
    PODS_QUERY_GATE: "{'pods': result.count, 'failed': result.query_result}",
    WHOLE_SCOPE_GATE: "{'scope': result.count}",
    POD_CONDITION_GATE: "{'scope': result.gate.pods_checked}",
    'module, every pod returned': "{'pods': result.pods | length, 'failed': result.pods | %s}" % FAILED,
    'module, fields (3)': "{'pods': result.pods | length, 'failed': result.pods | %s}" % FAILED,
    'floor (trivial module, same pods)': "{'pods': result.pods | length, 'failed': result.pods | %s}" % FAILED,
    'lookup count_only': "{'scope': value | int}",
    'lookup query': "{'failed': value | int}",
    'uri loop': "{'pods': %s | length, 'failed': %s | %s}" % (URI_PODS, URI_PODS, FAILED),
}
VERDICT_LINE = re.compile(r'bench-verdict (\{[^\n]*?\})(?:"|$)', re.MULTILINE)


def play(tasks, name='bench'):
    return [{'name': name, 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}]


def pods_info(**options):
    return {'name': 'runai_pods_info', 'runai.platform.runai_pods_info': options, 'register': 'result'}


def lookup(expression):
    return {'name': 'lookup', 'ansible.builtin.set_fact': {'value': '{{ %s }}' % expression}}


def uri_loop(size):
    token = {'name': 'token', 'ansible.builtin.uri': {
        'url': '{{ runai_base_url }}/api/v1/token', 'method': 'POST', 'body_format': 'json',
        'body': {'grantType': 'client_credentials', 'clientID': '{{ runai_client_id }}', 'clientSecret': '{{ runai_client_secret }}'}},
        'register': 'token', 'no_log': True}
    pages = {'name': 'pages', 'ansible.builtin.uri': {
        'url': '{{ runai_base_url }}/api/v1/workloads/pods?offset={{ item }}&limit={{ [%d, %d - item] | min }}' % (PAGE_SIZE, size),
        'headers': {'Authorization': 'Bearer {{ token.json.accessToken }}'}},
        'loop': '{{ range(0, %d, %d) | list }}' % (size, PAGE_SIZE), 'register': 'pages'}
    return [token, pages]


def pod_cases(size, pods_file):
    """Case name -> playbook (a list of plays) or command, each reading `size` pods."""
    return {
        'ping': play([{'name': 'ping', 'ansible.builtin.ping': {}}]),
        GATE: play([pods_info(max_pods=size, return_pods=False, query=GATE_QUERY)]),
        USER_GATE: play([pods_info(max_pods=size, return_pods=False, query=USER_GATE_QUERY),
                         {'name': 'assert', 'ansible.builtin.assert': USER_GATE_ASSERT}]),
        PODS_QUERY_GATE: play([pods_info(max_pods=size, return_pods=False, query=PODS_QUERY)]),
        WHOLE_SCOPE_GATE: play([pods_info(return_pods=False, query=GATE_QUERY)]),
        # A verdict either way is measured; a refusal (no `gate` in the result) ends the benchmark instead.
        POD_CONDITION_GATE: play([dict(pods_info(return_pods=False, pod_condition=POD_CONDITION), failed_when='result.gate is not defined')]),
        'module, every pod returned': play([pods_info(max_pods=size)]),
        'module, fields (3)': play([pods_info(max_pods=size, fields=['name', 'k8sPhase', 'nodeName'])]),
        'floor (trivial module, same pods)': play([{'name': 'floor', 'bench_floor_pods': {'pods_file': pods_file}, 'register': 'result'}]),
        'lookup count_only': play([lookup("lookup('runai.platform.runai_pods', count_only=true)")]),
        'lookup query': play([lookup("lookup('runai.platform.runai_pods', max_pods=%d, query=\"%s\")" % (size, GATE_QUERY))]),
        'uri loop': play(uri_loop(size)),
        'raw requests loop': 'raw',
    }


def metrics_cases(workload_id, pod_ids):
    single = {'name': 'one pod', 'runai.platform.runai_pod_metrics_info': {
        'workload_id': workload_id, 'pod_id': '{{ item }}', 'metric_types': ['GPU_UTILIZATION']}, 'loop': pod_ids}
    return {
        'metrics, workload mode (100 pods)': play([{'name': 'workload', 'runai.platform.runai_pod_metrics_info': {
            'workload_id': workload_id, 'metric_types': ['GPU_UTILIZATION']}}]),
        'metrics, 100 single-pod tasks': play([single]),
    }


def module_interpreter(workdir):
    """An executable for ansible_python_interpreter (one path, no arguments): modules run as a child of
    module_python.py, which records their peak memory."""
    path = os.path.join(workdir, 'module-python')
    with open(path, 'w') as handle:
        handle.write('#!/bin/sh\nexec "%s" "%s" "$@"\n' % (PYTHON, MODULE_PYTHON))
    os.chmod(path, 0o755)
    return path


class Runner:
    """Runs cases against one simulator; every command in its own measuring process."""

    def __init__(self, sim, workdir, size):
        self.sim = sim
        self.workdir = workdir
        self.size = size
        self.env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(BIN, '..', 'collections'),
                        ANSIBLE_LIBRARY=os.path.join(HERE, 'library'), ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='false',
                        ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
                        RUNAI_CLIENT_SECRET=sim.client_secret)
        self.extra_vars = {'runai_base_url': sim.base_url, 'runai_client_id': sim.client_id, 'runai_client_secret': sim.client_secret,
                           'ansible_python_interpreter': module_interpreter(workdir)}
        self.module_defaults = {'group/runai.platform.runai': {'base_url': sim.base_url, 'client_id': sim.client_id,
                                                               'client_secret': sim.client_secret}}

    def command(self, name, case):
        if case == 'raw':
            return [PYTHON, os.path.join(HERE, 'raw_loop.py'), self.sim.base_url, self.sim.client_id, str(self.size)]
        for each_play in case:
            each_play['module_defaults'] = self.module_defaults
        playbook = os.path.join(self.workdir, '%s.yml' % ''.join(c if c.isalnum() else '_' for c in name))
        with open(playbook, 'w') as handle:
            yaml.safe_dump(case, handle, sort_keys=False)
        variables = os.path.join(self.workdir, 'vars.json')
        with open(variables, 'w') as handle:
            json.dump(self.extra_vars, handle)
        return [os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', '-e', '@' + variables, playbook]

    def verdict(self, name, case):
        """What the case concluded (VERDICTS; the raw loop prints its own), from one untimed run; None for ping."""
        if case != 'raw':
            if name not in VERDICTS:
                return None
            case[-1]['tasks'].append({'name': 'verdict', 'ansible.builtin.debug': {'msg': 'bench-verdict {{ %s | to_json }}' % VERDICTS[name]}})
        completed = subprocess.run(self.command(name, case), env=self.env, capture_output=True, text=True, check=False)
        found = VERDICT_LINE.findall(completed.stdout)
        if completed.returncode != 0 or len(found) != 1:
            raise SystemExit('bench: case %r gave no verdict:\n%s' % (name, completed.stdout[-3000:]))
        # In a debug message the JSON arrives escaped as a JSON string; the raw loop prints it as it is.
        return json.loads(found[0] if case == 'raw' else json.loads('"%s"' % found[0]))

    def measure(self, name, case):
        output = subprocess.run([PYTHON, os.path.join(HERE, 'measure.py')] + self.command(name, case), env=self.env,
                                capture_output=True, text=True, check=True).stdout
        measured = json.loads(output)
        if measured['returncode'] != 0:
            raise SystemExit('bench: case %r failed:\n%s' % (name, measured['output_tail']))
        if case == 'raw':
            # The raw loop is a module of its own: its one process does the module's work.
            measured['module_peak_mib'] = measured['peak_mib']
        return measured


def run_cases(runner, cases, runs, record):
    """Alternate the cases run after run; a case that is slow on its first run is run twice at most."""
    slow = set()
    for run in range(runs):
        for name, case in cases.items():
            if run >= 2 and name in slow:
                continue
            measured = runner.measure(name, json.loads(json.dumps(case)))
            if run == 0 and measured['seconds'] > SLOW_CASE_SECONDS:
                slow.add(name)
            record(name, measured)
            print('  %-48s run %d  %7.2f s  %6.0f MiB  module %s MiB' % (
                name, run + 1, measured['seconds'], measured['peak_mib'], mib(measured['module_peak_mib'])), flush=True)


def check_verdicts(verdicts, size):
    """The cases of one size read the same `size` pods and count the same Failed pods; the whole-scope cases see
    one scope. Otherwise the benchmark compares cases that do different work: it stops, naming what differs."""
    read = dict((name, verdict) for name, verdict in verdicts.items() if verdict and 'scope' not in verdict)
    short = dict((name, verdict['pods']) for name, verdict in read.items() if verdict.get('pods', size) != size)
    failed = set(verdict['failed'] for verdict in read.values() if 'failed' in verdict)
    scopes = set(verdict['scope'] for verdict in verdicts.values() if verdict and 'scope' in verdict)
    if short or len(failed) > 1 or len(scopes) > 1:
        raise SystemExit('bench: at N=%d the cases disagree (pods read other than N: %s; Failed pods counted: %s; '
                         'whole scopes: %s): %s' % (size, short, sorted(failed), sorted(scopes), json.dumps(verdicts, sort_keys=True)))
    return {'pods': size, 'failed': failed.pop() if failed else None, 'scope': scopes.pop() if scopes else None}


def mib(value):
    return '-' if value is None else '%.0f' % value


def simulator_for(size, latency):
    """A simulator with at least `size` live pods (the generator also makes deleted ones)."""
    total = max(1000, int(size * 1.5))
    while True:
        sim = start_simulator('--pods', total, '--seed', '7', '--latency-ms', latency)
        if sim.inventory(workloads=False)['livePods'] >= size:
            return sim
        sim.stop()
        total = int(total * 1.3)


def read_pods(sim, path, size, keep=True):
    """Pods as the API lists them at `path`, up to `size`: for the floor case and the metrics case.
    With keep=False only a walk that warms the simulator's pages (none kept; [] returned)."""
    import requests  # pylint: disable=import-outside-toplevel
    session = requests.Session()
    token = session.post(sim.base_url + '/api/v1/token', json={'grantType': 'client_credentials', 'clientID': sim.client_id,
                                                               'clientSecret': sim.client_secret}, timeout=30).json()['accessToken']
    session.headers['Authorization'] = 'Bearer ' + token
    pods, offset, read = [], 0, 0
    while offset is not None and read < size:
        page = session.get(sim.base_url + path, params={'offset': offset, 'limit': min(PAGE_SIZE, size - read)}, timeout=60).json()
        read += len(page['pods'])
        if keep:
            pods.extend(page['pods'])
        offset = page.get('next')
    return pods


def summarise(samples):
    seconds = [sample['seconds'] for sample in samples]
    module_peaks = [sample['module_peak_mib'] for sample in samples if sample.get('module_peak_mib') is not None]
    return {'median': statistics.median(seconds), 'min': min(seconds), 'max': max(seconds), 'runs': len(seconds),
            'peak_mib': max(sample['peak_mib'] for sample in samples), 'module_peak_mib': max(module_peaks) if module_peaks else None}


def ratio_lines(results, sizes, latencies):
    """The ratios the performance issues target, each computed from medians of the same run."""
    lines = []
    for latency in latencies:
        for size in sizes:
            def median(case, size=size, latency=latency):
                entry = results.get((case, size, latency))
                return entry['median'] if entry else math.nan

            gate, ping, every, raw = median(GATE), median('ping'), median('module, every pod returned'), median('raw requests loop')
            prefix = 'N=%-6d latency=%2d ms' % (size, latency)
            lines += [
                '%s  gate: (module - ping) / raw loop = %.2f (target <= %s)' % (prefix, (gate - ping) / raw, '1.0' if latency == 0 else '0.3'),
                '%s  gate, module process peak = %s MiB (target <= 100 at 50,000 pods); largest process %s MiB' % (
                    prefix, mib(peak(results, GATE, size, latency, 'module_peak_mib')), mib(peak(results, GATE, size, latency, 'peak_mib'))),
                '%s  gate as users write it (summary.by_phase + assert): (gate - ping) / raw loop = %.2f (target <= %s)' % (
                    prefix, (median(USER_GATE) - ping) / raw, '1.0' if latency == 0 else '0.3'),
                '%s  gate with a pods query: (module - ping) / raw loop = %.2f, module process peak %s MiB' % (
                    prefix, (median(PODS_QUERY_GATE) - ping) / raw, mib(peak(results, PODS_QUERY_GATE, size, latency, 'module_peak_mib'))),
                '%s  pod_condition gate / gate, both over the whole scope = %.2f (target <= 1.15)' % (
                    prefix, median(POD_CONDITION_GATE) / median(WHOLE_SCOPE_GATE)),
                '%s  gate: uri loop / module = %.1fx faster' % (prefix, median('uri loop') / gate),
                '%s  every pod: module / floor = %.2f (target <= 1.1)' % (prefix, every / median('floor (trivial module, same pods)')),
                '%s  fields (3) / every field = %.2f (target <= 0.4)' % (prefix, median('module, fields (3)') / every),
                '%s  lookup count_only / ping = %.2f (target <= 1.2)' % (prefix, median('lookup count_only') / ping),
            ]
        # Flat memory: the gate's module process at each size above 50,000 pods against its peak at 50,000.
        base = peak(results, GATE, 50000, latency, 'module_peak_mib')
        for size in sizes:
            large = peak(results, GATE, size, latency, 'module_peak_mib')
            if size > 50000 and base and large:
                lines.append('latency=%2d ms  gate module process peak, %d pods / 50000 pods = %.2f (target <= 1.1)' % (latency, size, large / base))
        workload = results.get(('metrics, workload mode (100 pods)', 100, latency))
        singles = results.get(('metrics, 100 single-pod tasks', 100, latency))
        if workload and singles:
            lines.append('metrics latency=%2d ms  100 single-pod tasks / workload mode = %.1fx' % (latency, singles['median'] / workload['median']))
    return [line for line in lines if ' nan' not in line and '= -' not in line]


def peak(results, case, size, latency, key):
    entry = results.get((case, size, latency))
    return entry[key] if entry else None


def table(results):
    rows = ['| case | N | latency ms | median s | spread s (min-max) | runs | peak MiB, largest process | peak MiB, module process |',
            '|---|---|---|---|---|---|---|---|']
    for (case, size, latency), entry in sorted(results.items(), key=lambda item: (item[0][2], item[0][1], item[0][0])):
        rows.append('| %s | %d | %d | %.2f | %.2f-%.2f | %d | %.0f | %s |' % (
            case, size, latency, entry['median'], entry['min'], entry['max'], entry['runs'], entry['peak_mib'], mib(entry['module_peak_mib'])))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--sizes', default='1000,10000,50000')
    parser.add_argument('--latencies', default='0,50')
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--out', default=os.path.join(HERE, '..', '..', '.build', 'bench'))
    parser.add_argument('--skip', default='', help='case names to leave out, separated by ;')
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(',')]
    latencies = [int(latency) for latency in options.latencies.split(',')]
    skipped = set(filter(None, options.skip.split(';')))
    os.makedirs(options.out, exist_ok=True)
    samples = {}
    verdicts = {}  # (case, size) -> what the case concluded
    agreed = {}  # size -> what every case agreed on
    started = time.time()
    with tempfile.TemporaryDirectory(prefix='runai-bench-') as workdir:
        for latency in latencies:
            for size in sizes:
                print('== N=%d pods, latency %d ms' % (size, latency), flush=True)
                with simulator_for(size, latency) as sim:
                    large = size >= LARGE_SIZE
                    pods_file = os.path.join(workdir, 'pods-%d.json' % size)
                    # The walk warms the simulator's pages; below LARGE_SIZE it also gives the floor case its pods.
                    pods = read_pods(sim, '/api/v1/workloads/pods', size, keep=not large)
                    with open(pods_file, 'w') as handle:
                        json.dump(pods, handle)
                    del pods
                    cases = dict((name, case) for name, case in pod_cases(size, pods_file).items()
                                 if name not in skipped and (name in FLAT_CASES or not large))
                    runner = Runner(sim, workdir, size)
                    if size not in agreed:
                        found = dict((name, runner.verdict(name, json.loads(json.dumps(case)))) for name, case in cases.items())
                        agreed[size] = check_verdicts(found, size)
                        verdicts.update(((name, size), verdict) for name, verdict in found.items())
                    run_cases(runner, cases, options.runs,
                              lambda name, measured, size=size, latency=latency: samples.setdefault((name, size, latency), []).append(measured))
            with simulator_for(1000, latency) as sim:
                examples = sim.inventory()['examples']
                workload = examples.get('workloadWith100Pods')
                if workload and 'metrics' not in skipped:
                    print('== metrics of a 100-pod workload, latency %d ms' % latency, flush=True)
                    pod_ids = [pod['id'] for pod in read_pods(sim, '/api/v1/workloads/%s/pods' % workload, 100)]
                    run_cases(Runner(sim, workdir, 100), metrics_cases(workload, pod_ids), options.runs,
                              lambda name, measured, latency=latency: samples.setdefault((name, 100, latency), []).append(measured))
    results = dict((key, summarise(value)) for key, value in samples.items())
    report = ['# runai.platform benchmark', '',
              'ansible-core %s, Python %s, %d CPUs, %d run(s) per case, %.0f s in all.' % (
                  ansible_version(), sys.version.split()[0], os.cpu_count(), options.runs, time.time() - started), ''] + table(results) + \
        ['', '## Ratios (medians of this run)', ''] + ['- ' + line for line in ratio_lines(results, sizes, latencies)] + \
        ['', '## Verdicts (one untimed run of each case per size)', ''] + ['- ' + verdict_line(agreement) for _size, agreement in sorted(agreed.items())]
    text = '\n'.join(report) + '\n'
    with open(os.path.join(options.out, 'results.md'), 'w') as handle:
        handle.write(text)
    with open(os.path.join(options.out, 'results.json'), 'w') as handle:
        json.dump([dict(case=key[0], pods=key[1], latency_ms=key[2], verdict=verdicts.get(key[:2]), **value) for key, value in results.items()],
                  handle, indent=1)
    print('\n' + text)
    print('written to %s' % os.path.relpath(os.path.join(options.out, 'results.md')))


def verdict_line(agreement):
    return 'N=%d: every case read %d pods and counted %s Failed; the whole-scope cases saw %s pods' % (
        agreement['pods'], agreement['pods'], agreement['failed'], agreement['scope'])


def ansible_version():
    from ansible import __version__  # pylint: disable=import-outside-toplevel
    return __version__


if __name__ == '__main__':
    main()
