"""Many gates at once against a rate-limited control plane (SPEC section 10, issue 21).

One run starts, all at the same moment:
- N gate playbooks (`ansible-playbook`, one process each) against one rate-limited simulator, three kinds
  of gate whose verdicts the simulator's inventory tells in advance (a healthy node pool that holds, an
  unhealthy one whose fail_condition fails, a 100-pod workload whose pod_condition and min_pods hold);
- one playbook with `forks` over an inventory of tenants, each tenant a host with its own base_url and
  credentials (its own simulator, with the same rate limit), run on the controller with `connection: local`,
  as users write it;
- the event source `runai_pod_events`, polling a workload's pods beside them (in this process, loaded as
  ansible-rulebook loads it).

It reports every verdict, the tasks that failed because of 429, the event source's ERROR events, the
requests the simulators admitted and refused, and the total time next to the bound the rate limit allows
((requests admitted - burst) / rate). tests/integration/test_load.py runs it scaled down;
tests/benchmarks/bench_load.py runs it in full. Standard library and PyYAML only; no pytest.
"""

import json
import os
import runpy
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'simulator'))

from harness import start_simulator  # noqa: E402  pylint: disable=wrong-import-position
from running_source import RunningSource  # noqa: E402  pylint: disable=wrong-import-position

MODULE = 'runai.platform.runai_pods_info'
PAGE_SIZE = 50
HEALTHY = "k8sPhase=='Running' || k8sPhase=='Succeeded'"
FAILED = "k8sPhase=='Failed'"
RUNNING = "k8sPhase=='Running'"
GATE_KINDS = ('healthy_pool', 'unhealthy_pool', 'workload')
EVENT_SOURCE = os.path.join('extensions', 'eda', 'plugins', 'event_source', 'runai_pod_events.py')
# A playbook that takes longer than this is stuck, not slow: the run fails rather than hang.
PLAYBOOK_TIMEOUT = 900


def playbook_env(extra=None):
    """The environment of a playbook: no RUNAI_* of the caller, no retry files, no colour."""
    env = {name: value for name, value in os.environ.items() if not name.startswith('RUNAI_')}
    env.update(ANSIBLE_RETRY_FILES_ENABLED='false', ANSIBLE_NOCOLOR='1', ANSIBLE_LOCALHOST_WARNING='false',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ANSIBLE_HOST_KEY_CHECKING='false')
    env.update(extra or {})
    return env


def _pool(inventory, cluster_id, name):
    return next(pool for pool in inventory['nodePools'] if pool['clusterId'] == cluster_id and pool['name'] == name)


def gate_options(kind, inventory):
    """(module options, expected verdict) of a gate of this kind; the verdict is (held, reason)."""
    examples = inventory['examples']
    if kind == 'healthy_pool':
        pool = examples['healthyNodePool']
        options = {'cluster_id': pool['clusterId'], 'filter_by': ['currentNodepool==' + pool['name']],
                   'fail_condition': "k8sPhase=='Failed' || k8sPhase=='Unknown'", 'pod_condition': HEALTHY}
        expected = (True, 'held') if _pool(inventory, pool['clusterId'], pool['name'])['healthy'] else (False, 'fail_condition')
    elif kind == 'unhealthy_pool':
        pool = examples['unhealthyNodePool']
        options = {'cluster_id': pool['clusterId'], 'filter_by': ['currentNodepool==' + pool['name']], 'fail_condition': FAILED}
        failed_pods = _pool(inventory, pool['clusterId'], pool['name'])['phases']['Failed']
        expected = (False, 'fail_condition') if failed_pods else (True, 'held')
    elif kind == 'workload':
        options = {'workload_id': examples['workloadWith100Pods'], 'pod_condition': RUNNING, 'min_pods': 100}
        expected = (True, 'held')
    else:
        raise ValueError('unknown gate kind %r' % kind)
    return dict(options, page_size=PAGE_SIZE, return_pods=False), expected


def verdict_of(result):
    """What a registered gate result shows: ('held' | 'failed' | '429' | 'error', reason or message)."""
    if result is None:
        return 'error', 'no result'
    message = str(result.get('msg', ''))
    if result.get('status') == 429 or 'HTTP 429' in message:
        return '429', message
    gate = result.get('gate')
    if not isinstance(gate, dict):
        return 'error', message or 'no gate in the result'
    if result.get('failed'):
        return ('failed', gate.get('reason')) if gate.get('held') is False else ('error', message)
    return ('held', gate.get('reason')) if gate.get('held') else ('error', 'not failed, not held')


def _connection_vars(sim):
    return {'runai_base_url': sim.base_url, 'runai_client_id': sim.client_id, 'runai_client_secret': sim.client_secret}


CONNECTION_OPTIONS = {'base_url': '{{ runai_base_url }}', 'client_id': '{{ runai_client_id }}',
                      'client_secret': '{{ runai_client_secret }}'}


def gate_playbook(results_path, options):
    """One gate, as a pipeline writes it: the connection from variables (a vaulted secret in real life)."""
    task = {'name': 'Gate', MODULE: dict(CONNECTION_OPTIONS, **options), 'register': 'gate', 'ignore_errors': True}
    return [{'name': 'One gate', 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
             'tasks': [task, {'name': 'Keep the verdict', 'ansible.builtin.copy': {
                 'content': '{{ gate | to_json }}', 'dest': results_path, 'mode': '0600'}}]}]


def tenants_playbook(results_dir):
    """One gate per tenant host, forks in parallel, each host's own base_url and credentials."""
    gate = dict(CONNECTION_OPTIONS, cluster_id='{{ runai_cluster_id }}', filter_by=['currentNodepool=={{ runai_node_pool }}'],
                fail_condition=FAILED, page_size=PAGE_SIZE, return_pods=False)
    return [{'name': 'Gate every tenant', 'hosts': 'runai_tenants', 'connection': 'local', 'gather_facts': False,
             'tasks': [{'name': 'No Failed pod in the node pool', MODULE: gate, 'register': 'gate', 'ignore_errors': True},
                       {'name': 'Keep the verdict', 'ansible.builtin.copy': {
                           'content': '{{ gate | to_json }}', 'dest': results_dir + '/{{ inventory_hostname }}.json',
                           'mode': '0600'}}]}]


def installed_event_source():
    """The event source inside an ansible_collections tree of ANSIBLE_COLLECTIONS_PATH (as ansible-rulebook finds it)."""
    for folder in (os.environ.get('ANSIBLE_COLLECTIONS_PATH') or '').split(os.pathsep):
        candidate = os.path.join(folder, 'ansible_collections', 'runai', 'platform', EVENT_SOURCE)
        if folder and os.path.isfile(candidate):
            return candidate
    return os.path.join(ROOT, EVENT_SOURCE)


class LoadRun:
    """The settings of one run; run() returns its report (a dict)."""

    def __init__(self, gates=6, rate=4.0, burst=None, tenants=3, pods=2000, tenant_pods=300, interval=2,
                 python=sys.executable, seed=7, event_source=True):
        self.gates = gates
        self.rate = rate
        self.burst = burst
        self.tenants = tenants
        self.pods = pods
        self.tenant_pods = tenant_pods
        self.interval = interval
        self.python = python
        self.seed = seed
        self.event_source = event_source

    def _sim_args(self, pods, seed):
        args = ['--pods', pods, '--seed', seed]
        if self.rate:
            args += ['--rate-limit', self.rate]
            if self.burst:
                args += ['--rate-burst', self.burst]
        return args

    def run(self):
        with tempfile.TemporaryDirectory(prefix='runai-load-') as workdir:
            main = start_simulator(*self._sim_args(self.pods, self.seed), python=self.python)
            tenants = []
            try:
                for number in range(self.tenants):
                    tenants.append(start_simulator(*self._sim_args(self.tenant_pods, self.seed + 1 + number), python=self.python))
                return self._run(workdir, main, tenants)
            finally:
                for sim in [main] + tenants:
                    sim.stop()

    def _ansible(self, workdir, name, playbook, inventory, extra_args=()):
        playbook_path = os.path.join(workdir, name + '-playbook.yml')
        with open(playbook_path, 'w', encoding='utf-8') as handle:
            yaml.safe_dump(playbook, handle, sort_keys=False)
        command = [os.path.join(os.path.dirname(self.python), 'ansible-playbook'), '-i', inventory, playbook_path] + list(extra_args)
        env = playbook_env({'ANSIBLE_LOCAL_TEMP': os.path.join(workdir, 'tmp-' + name)})
        log = open(os.path.join(workdir, name + '.log'), 'w', encoding='utf-8')  # pylint: disable=consider-using-with
        return subprocess.Popen(command, env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT), log  # pylint: disable=consider-using-with

    def _gate_inventory(self, workdir, main, number):
        host_vars = dict(_connection_vars(main), ansible_python_interpreter=self.python)
        path = os.path.join(workdir, 'gate-%d-inventory.yml' % number)
        with open(path, 'w', encoding='utf-8') as handle:
            yaml.safe_dump({'all': {'hosts': {'localhost': host_vars}}}, handle)
        return path

    def _tenant_inventory(self, workdir, tenants):
        hosts, expected = {}, {}
        for number, sim in enumerate(tenants, 1):
            inventory = sim.inventory(workloads=False)
            # Every other tenant gates a pool with Failed pods: a fork's verdict must be its own tenant's.
            example = inventory['examples']['healthyNodePool' if number % 2 else 'unhealthyNodePool']
            pool = _pool(inventory, example['clusterId'], example['name'])
            name = 'tenant-%d' % number
            hosts[name] = dict(_connection_vars(sim), runai_cluster_id=example['clusterId'], runai_node_pool=example['name'],
                               ansible_python_interpreter=self.python)
            expected[name] = (False, 'fail_condition') if pool['phases']['Failed'] else (True, 'held')
        path = os.path.join(workdir, 'tenants.yml')
        with open(path, 'w', encoding='utf-8') as handle:
            yaml.safe_dump({'all': {'children': {'runai_tenants': {'hosts': hosts}}}}, handle)
        return path, expected

    def _run(self, workdir, main, tenants):
        inventory = main.inventory(workloads=False)
        plans = [gate_options(GATE_KINDS[number % len(GATE_KINDS)], inventory) for number in range(self.gates)]
        tenant_inventory, tenant_expected = self._tenant_inventory(workdir, tenants)
        results_dir = os.path.join(workdir, 'tenants')
        os.mkdir(results_dir)
        for sim in [main] + tenants:
            sim.reset()       # counters from 0, every bucket full
        source = None
        started = time.monotonic()
        if self.event_source:
            arguments = dict(_connection_vars_args(main), interval=self.interval, workload_id=inventory['examples']['workloadWith100Pods'])
            source = RunningSource(runpy.run_path(installed_event_source()), arguments)
        processes = []
        for number, plan in enumerate(plans):
            results_path = os.path.join(workdir, 'gate-%d.json' % number)
            processes.append(('gate-%d' % number,) + self._ansible(
                workdir, 'gate-%d' % number, gate_playbook(results_path, plan[0]), self._gate_inventory(workdir, main, number)))
        if tenants:
            processes.append(('tenants',) + self._ansible(workdir, 'tenants', tenants_playbook(results_dir), tenant_inventory,
                                                          ['--forks', str(len(tenants))]))
        exit_codes = {}
        for name, process, log in processes:
            exit_codes[name] = process.wait(timeout=PLAYBOOK_TIMEOUT)
            log.close()
        elapsed = time.monotonic() - started
        if source is not None:
            source.stop()
        return self._report(workdir, plans, tenant_expected, results_dir, exit_codes, elapsed, main, tenants, source)

    def _report(self, workdir, plans, tenant_expected, results_dir, exit_codes, elapsed, main, tenants, source):
        outcomes = []
        for number, (_options, expected) in enumerate(plans):
            outcomes.append(self._outcome('gate-%d' % number, GATE_KINDS[number % len(GATE_KINDS)], expected,
                                          os.path.join(workdir, 'gate-%d.json' % number), workdir))
        for name, expected in sorted(tenant_expected.items()):
            outcomes.append(self._outcome(name, 'tenant', expected, os.path.join(results_dir, name + '.json'), workdir, log='tenants'))
        gateways = {'main': main.gateway_state()}
        for number, sim in enumerate(tenants, 1):
            gateways['tenant-%d' % number] = sim.gateway_state()
        admitted = gateways['main']['admitted']
        burst = gateways['main']['burst'] or 0
        rate_bound = max(0.0, (admitted - burst) / self.rate) if self.rate else 0.0
        return {
            'gates': self.gates, 'tenants': len(tenants), 'rate_limit': self.rate, 'burst': burst, 'page_size': PAGE_SIZE,
            'pods': self.pods, 'elapsed_s': round(elapsed, 2), 'rate_bound_s': round(rate_bound, 2),
            'verdicts_right': sum(1 for outcome in outcomes if outcome['right']), 'verdicts': len(outcomes),
            'failed_on_429': sum(1 for outcome in outcomes if outcome['got'][0] == '429'),
            'wrong': [outcome for outcome in outcomes if not outcome['right']],
            'requests_admitted': sum(state['admitted'] for state in gateways.values()),
            'requests_refused': sum(state['refused'] for state in gateways.values()),
            'main_admitted': admitted, 'main_refused': gateways['main']['refused'],
            'gateways': gateways, 'playbook_exit_codes': exit_codes,
            'event_source': None if source is None else {
                'events': len(source.events), 'init_done': source.count('INIT_DONE'), 'errors': source.count('ERROR'),
                'recovered': source.count('RECOVERED'), 'failure': None if source.failure is None else str(source.failure),
                'error_messages': [event.get('message') for event in source.events if event['type'] == 'ERROR'][:5]},
        }

    @staticmethod
    def _outcome(name, kind, expected, path, workdir, log=None):
        try:
            with open(path, encoding='utf-8') as handle:
                result = json.load(handle)
        except (OSError, ValueError):
            result = None
        got = verdict_of(result)
        right = got == ('held' if expected[0] else 'failed', expected[1])
        outcome = {'name': name, 'kind': kind, 'expected': expected, 'got': got, 'right': right}
        if not right:
            with open(os.path.join(workdir, (log or name) + '.log'), encoding='utf-8', errors='replace') as handle:
                outcome['log_tail'] = handle.read()[-1500:]
        return outcome


def _connection_vars_args(sim):
    return {'base_url': sim.base_url, 'client_id': sim.client_id, 'client_secret': sim.client_secret}


def summary_line(report):
    """One line of figures: what the issue asks a load test to report."""
    source = report['event_source'] or {}
    return ('%(gates)d gates + %(tenants)d tenants at %(rate_limit)s req/s: %(verdicts_right)d/%(verdicts)d verdicts right, '
            '%(failed_on_429)d failed on 429; %(main_admitted)d requests served and %(main_refused)d refused by the limited '
            'control plane; %(elapsed_s).1f s against a rate bound of %(rate_bound_s).1f s' % report
            + ('; event source: %d ERROR events' % source.get('errors', 0) if source else ''))
