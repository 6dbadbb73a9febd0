"""Start the Run:ai simulator in a subprocess and drive its /_sim/ admin API (standard library only).

    from harness import start_simulator
    with start_simulator('--pods', '2000', '--seed', '7') as sim:
        sim.base_url, sim.client_id, sim.client_secret, sim.ca_path
        sim.add_fault(status=503, count=2, retry_after='1')
        ...
        sim.requests()      # what the API paths received, in arrival order
        sim.churn(script=[{'after': 1, 'action': 'delete', 'index': 10}])   # between the pages of a read
        sim.changes()       # every pod change since the start (or reset), in order
        sim.gateway(rate_limit=4, page_cap=50)

The simulator's stderr goes to a log file (`sim.log_path`), never to a pipe nobody reads: a full
pipe would block the server.
"""

import json
import os
import queue
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ENTRY_POINT = os.path.join(HERE, 'runai_sim.py')
# The OpenAPI document the simulator is checked against: a copy kept in the repository (see openapi/README.md).
OPENAPI_SPEC = os.path.join(HERE, 'openapi', 'openapi-pods.json')
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


def openapi_spec_path():
    """The spec to validate against: RUNAI_OPENAPI_SPEC when set (another revision), else the copy in the repository."""
    return os.environ.get('RUNAI_OPENAPI_SPEC') or OPENAPI_SPEC


class SimulatorError(RuntimeError):
    pass


class Simulator:
    """A running simulator: its connection details, its process, and its admin API."""

    def __init__(self, process, ready, log_path):
        self.process = process
        self.base_url = ready['base_url']
        self.client_id = ready['client_id']
        self.client_secret = ready['client_secret']
        self.ca_path = ready.get('ca_path')
        self.log_path = log_path
        self._ssl_context = ssl.create_default_context(cafile=self.ca_path) if self.ca_path else None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def admin(self, method, path, payload=None, timeout=60):
        """One admin call (`path` under /_sim/); returns the decoded JSON answer."""
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(self.base_url + '/_sim/' + path.lstrip('/'), data=data, method=method,
                                         headers={'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(request, timeout=timeout, context=self._ssl_context) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as error:
            raise SimulatorError('%s /_sim/%s answered %d: %s' % (method, path, error.code, error.read().decode(errors='replace'))) from error

    def requests(self):
        return self.admin('GET', 'requests')['requests']

    def clear_requests(self):
        self.admin('DELETE', 'requests')

    def add_fault(self, **fault):
        return self.admin('POST', 'faults', fault)['faults']

    def faults(self):
        return self.admin('GET', 'faults')['faults']

    def clear_faults(self):
        self.admin('DELETE', 'faults')

    def expire_tokens(self):
        return self.admin('POST', 'tokens/expire')['expired']

    def inventory(self, workloads=True):
        """What was generated; workloads=False leaves out the (long) workload list."""
        return self.admin('GET', 'inventory' if workloads else 'inventory?workloads=false')

    def reset(self):
        """Clear faults and the request log, and undo every pod change: the generated world again."""
        self.admin('POST', 'reset')

    # -- pod lifecycle (docs/simulator.md, "Pod lifecycle") -------------------------------------------
    def set_pod(self, pod_id, **fields):
        """Change a pod: any of k8sPhase, nodeName, currentNodePool (None for null), nimLatencyFactor; returns the pod as rendered."""
        return self.admin('POST', 'pods/' + pod_id, fields)['pod']

    def add_workload(self, pods=1, k8s_phase='Pending', workload_id=None, cluster_id=None, node_pool=None, name=None):
        """A new workload with `pods` pods; returns {"workload": {"id", "name", "clusterId"}, "pods": [...]}."""
        body = {'pods': pods, 'k8sPhase': k8s_phase}
        for key, value in (('id', workload_id), ('clusterId', cluster_id), ('nodePool', node_pool), ('name', name)):
            if value is not None:
                body[key] = value
        return self.admin('POST', 'workloads', body)

    def add_pods(self, workload_id, count=1, k8s_phase='Pending'):
        """`count` new pods in an existing workload; returns them as rendered."""
        return self.admin('POST', 'workloads/%s/pods' % workload_id, {'count': count, 'k8sPhase': k8s_phase})['pods']

    def add_revision(self, workload_id, replicas=1, k8s_phase='Pending', nim_latency_factor=None):
        """A new revision of an inference workload (a rollout); returns {"revisionId", "pods": [...]}."""
        body = {'replicas': replicas, 'k8sPhase': k8s_phase}
        if nim_latency_factor is not None:
            body['nimLatencyFactor'] = nim_latency_factor
        return self.admin('POST', 'workloads/%s/revisions' % workload_id, body)

    def delete_pod(self, pod_id):
        """Delete a pod (deletedAt and updatedAt become now); returns it as rendered."""
        return self.admin('DELETE', 'pods/' + pod_id)['pod']

    # -- churn, the change history and the gateway (docs/simulator.md) -------------------------------
    def churn(self, **churn):
        """Start churn (replacing any): script=[steps], per_answer={deletes, creates, changes},
        rate={deletes_per_s, creates_per_s, changes_per_s}, seed, path, query, scope={path, query}, creates_at."""
        return self.admin('POST', 'churn', churn)

    def churn_state(self):
        """{"active", "churn", "pending", "listAnswers", "skipped", "latestChange"}."""
        return self.admin('GET', 'churn')

    def stop_churn(self):
        """No more churn; the changes made stay until reset()."""
        return self.admin('DELETE', 'churn')

    def changes(self, since=0):
        """The pod changes after sequence number `since`, oldest first (each: seq, time, kind, podId, podName,
        workloadId, source[, listAnswer, index, fields])."""
        return self.admin('GET', 'changes?since=%d' % since)['changes']

    def latest_change(self):
        """The sequence number of the latest change (0: none since start or reset): note it before a read."""
        return self.admin('GET', 'changes?since=%d' % (2 ** 62))['latest']

    def gateway(self, **settings):
        """Set rate_limit (requests a second), burst and page_cap (None: off); the others keep their value."""
        return self.admin('POST', 'gateway', settings)

    def gateway_state(self):
        """{"rate_limit", "burst", "page_cap", "admitted", "refused"}."""
        return self.admin('GET', 'gateway')

    def stop(self):
        """SIGTERM, then wait; returns the exit code (0 on a clean stop)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        return self.process.returncode


def pods_that_stayed(pod_ids_before, changes):
    """The ids of `pod_ids_before` (the scope when a read began) that no change in `changes` (the history of
    the read's span) deleted: the pods a read must return exactly once, whatever churn did meanwhile.
    Changed pods stay (a test whose scope depends on a changed field drops them itself)."""
    deleted = {change['podId'] for change in changes if change['kind'] == 'deleted'}
    return [pod_id for pod_id in pod_ids_before if pod_id not in deleted]


def pods_created(changes):
    """The ids of the pods `changes` created: a read may or may not return them."""
    return {change['podId'] for change in changes if change['kind'] == 'created'}


def _read_ready_line(process, timeout):
    lines = queue.Queue()
    reader = threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True)
    reader.start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return None


def _log_tail(log_path, characters=2000):
    with open(log_path, encoding='utf-8', errors='replace') as handle:
        return handle.read()[-characters:]


def start_simulator(*args, python=sys.executable, timeout=READY_TIMEOUT, log_path=None):
    """Launch runai_sim.py with `args` (strings), wait for its ready line, return a Simulator."""
    if log_path is None:
        handle, log_path = tempfile.mkstemp(prefix='runai-sim-', suffix='.log')
        os.close(handle)
    with open(log_path, 'wb') as log_file:
        process = subprocess.Popen([python, ENTRY_POINT] + [str(arg) for arg in args],  # pylint: disable=consider-using-with
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log_file)
    line = _read_ready_line(process, timeout)
    if not line:
        if process.poll() is None:
            process.kill()
        process.wait()
        raise SimulatorError('the simulator did not become ready within %.0f s; its log ends with:\n%s' % (timeout, _log_tail(log_path)))
    return Simulator(process, json.loads(line), log_path)
