"""make bench, many-at-once part (SPEC section 10, issue 21): gate playbooks started together against one
rate-limited control plane, a forks playbook over several tenants, and the event source beside them.

Scenarios (each also run once without a rate limit first: that run's time is the CPU's bound, what 2 cores
need to run the playbooks at all):
- 40 gates at 50 requests a second;
- 20 gates at 4 requests a second (the case of issue 21: only 8 of 20 reached a verdict before).
Reported per scenario: verdicts right, tasks failed because of 429, event-source ERROR events, requests
served and refused, the total time, the rate limit's bound ((requests served - burst) / rate) and the
CPU's bound, and the time over the larger bound (the goal: 1.5 at most). The run itself lives in
tests/load/scenario.py (tests/integration/test_load.py runs it scaled down).

    ANSIBLE_COLLECTIONS_PATH=.venv/collections .venv/bin/python tests/benchmarks/bench_load.py [--json out.json]
"""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'load'))

from scenario import LoadRun, summary_line  # noqa: E402  pylint: disable=wrong-import-position

SCENARIOS = {'40x50': (40, 50.0), '20x4': (20, 4.0)}
GOAL = 1.5


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--scenarios', default=','.join(SCENARIOS), help='comma-separated, of %s' % ', '.join(SCENARIOS))
    parser.add_argument('--tenants', type=int, default=4, help='tenant hosts of the forks playbook (default 4)')
    parser.add_argument('--pods', type=int, default=2000, help='pods of the rate-limited simulator (default 2000)')
    parser.add_argument('--no-cpu-bound', action='store_true', help='skip the run without a rate limit')
    parser.add_argument('--json', help='write every report to this file')
    return parser.parse_args(argv)


def run_scenario(name, gates, rate, options):
    cpu = None
    if not options.no_cpu_bound:
        cpu = LoadRun(gates=gates, rate=None, tenants=options.tenants, pods=options.pods).run()
        print('  %s without a rate limit (the CPU bound): %.1f s, %d/%d verdicts right' % (
            name, cpu['elapsed_s'], cpu['verdicts_right'], cpu['verdicts']), flush=True)
    limited = LoadRun(gates=gates, rate=rate, tenants=options.tenants, pods=options.pods).run()
    print('  ' + summary_line(limited), flush=True)
    cpu_bound = cpu['elapsed_s'] if cpu else 0.0
    bound = max(limited['rate_bound_s'], cpu_bound)
    ratio = limited['elapsed_s'] / bound if bound else None
    return {'scenario': name, 'gates': gates, 'rate': rate, 'limited': limited, 'unlimited': cpu, 'cpu_bound_s': cpu_bound,
            'bound_s': bound, 'bound_by': 'rate' if limited['rate_bound_s'] >= cpu_bound else 'cpu', 'ratio': ratio}


def table(results):
    lines = ['| scenario | verdicts right | failed on 429 | source ERRORs | served / refused | time | rate bound | CPU bound | time / bound |',
             '|---|---|---|---|---|---|---|---|---|']
    for result in results:
        limited = result['limited']
        source = limited['event_source'] or {}
        lines.append('| %d gates + %d tenants at %g req/s | %d/%d | %d | %s | %d / %d | %.1f s | %.1f s | %s | %s (%s) |' % (
            result['gates'], limited['tenants'], result['rate'], limited['verdicts_right'], limited['verdicts'],
            limited['failed_on_429'], source.get('errors', '-'), limited['main_admitted'], limited['main_refused'],
            limited['elapsed_s'], limited['rate_bound_s'], '%.1f s' % result['cpu_bound_s'] if result['unlimited'] else '-',
            '%.2f' % result['ratio'] if result['ratio'] else '-', result['bound_by']))
    return '\n'.join(lines)


def main(argv=None):
    options = parse_args(sys.argv[1:] if argv is None else argv)
    names = [name.strip() for name in options.scenarios.split(',') if name.strip()]
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown:
        sys.exit('bench_load: unknown scenario %s (known: %s)' % (', '.join(unknown), ', '.join(SCENARIOS)))
    print('== many gates at once against a rate-limited simulator (tests/benchmarks/bench_load.py)', flush=True)
    results = [run_scenario(name, SCENARIOS[name][0], SCENARIOS[name][1], options) for name in names]
    print(table(results))
    failures = [result['scenario'] for result in results
                if result['limited']['wrong'] or result['limited']['failed_on_429']]
    slow = [result['scenario'] for result in results if result['ratio'] and result['ratio'] > GOAL]
    print('goal: every verdict right and none failed on 429: %s; time within %.1fx of the larger bound: %s' % (
        'met' if not failures else 'NOT met in ' + ', '.join(failures), GOAL, 'met' if not slow else 'NOT met in ' + ', '.join(slow)))
    if options.json:
        with open(options.json, 'w', encoding='utf-8') as handle:
            json.dump(results, handle, indent=1)
    # Figures, not a gate: tests/integration/test_load.py asserts the verdicts (scaled down) in make test.
    return 0


if __name__ == '__main__':
    sys.exit(main())
