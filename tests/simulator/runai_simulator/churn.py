"""Churn: pods deleted, created and changed while clients read, for the read guarantee (SPEC section 3).

Three ways, combinable, set with `POST /_sim/churn` (see docs/simulator.md):
- a script: "after the Nth list answer, delete the pod at index i of that read's current order / create a
  pod at index j / change a pod's phase", exactly between two pages of one read;
- per answer: after every list answer, k seeded random deletions, creations and changes in that read's
  scope (deterministic: it depends only on the order of the answers);
- a rate: deletions, creations and changes a second, in a chosen scope, from a background thread while
  reads run.

While a script or per-answer churn is on, list answers are served one at a time, so that "after the Nth
answer" is exact even with pages fetched concurrently. Off, it costs a request nothing.
Every change lands in the change history (history.py), with its source, index and list answer.
"""

import random
import re
import threading
import time
import urllib.parse

from .changes import ChangeError
from .errors import ApiError
from .model import PHASES

# The paged list paths: GET /api/v1/workloads/pods and GET /api/v1/workloads/{workloadId}/pods.
LIST_PATH = re.compile(r'^/api/v1/workloads/(?:(pods)|([^/]+)/pods)$')
ACTIONS = ('delete', 'create', 'change')
STEP_KEYS = ('after', 'action', 'index', 'podId', 'k8sPhase', 'nodeName', 'currentNodePool')
CHURN_KEYS = ('script', 'per_answer', 'rate', 'seed', 'path', 'query', 'scope', 'creates_at')
PER_ANSWER_KEYS = ('deletes', 'creates', 'changes')
RATE_KEYS = ('deletes_per_s', 'creates_per_s', 'changes_per_s')
SCOPE_KEYS = ('path', 'query')
CREATE_PLACES = ('position', 'end')
# The rate thread wakes at least this often (seconds), and applies the changes due since it last woke.
MAX_TICK = 0.05
# A typo such as 1e9 fails instead of freezing the simulator.
MAX_PER_ANSWER = 1000
MAX_RATE = 10000


class ChurnError(ValueError):
    """A churn description that cannot be applied (answered with 400 by the admin API)."""


def _number(document, key, maximum, integer=False):
    value = document.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)) or not 0 <= value <= maximum:
        raise ChurnError('%s must be %s from 0 to %d, not %r' % (key, 'an integer' if integer else 'a number', maximum, value))
    return value


def _object(document, key, allowed):
    value = document.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ChurnError('%s must be an object with the keys %s' % (key, ', '.join(allowed)))
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise ChurnError('unknown key %s in %s (known: %s)' % (', '.join(unknown), key, ', '.join(allowed)))
    return value


def _regex(document, key):
    if document.get(key) is None:
        return None
    try:
        return re.compile(document[key])
    except (re.error, TypeError) as exc:
        raise ChurnError('%s is not a valid regular expression: %s' % (key, exc)) from exc


def _step(number, step):
    if not isinstance(step, dict):
        raise ChurnError('script step %d must be an object' % number)
    unknown = sorted(set(step) - set(STEP_KEYS))
    if unknown:
        raise ChurnError('unknown key %s in script step %d (known: %s)' % (', '.join(unknown), number, ', '.join(STEP_KEYS)))
    after = step.get('after')
    if isinstance(after, bool) or not isinstance(after, int) or after < 1:
        raise ChurnError('script step %d: after must be an integer >= 1 (the list answer it follows), not %r' % (number, after))
    if step.get('action') not in ACTIONS:
        raise ChurnError('script step %d: action must be one of %s, not %r' % (number, ', '.join(ACTIONS), step.get('action')))
    index = step.get('index')
    if index is not None and (isinstance(index, bool) or not isinstance(index, int) or index < 0):
        raise ChurnError('script step %d: index must be an integer >= 0, not %r' % (number, index))
    if step['action'] != 'create' and index is None and not isinstance(step.get('podId'), str):
        raise ChurnError('script step %d: %s needs an index or a podId' % (number, step['action']))
    if step['action'] == 'create' and 'podId' in step:
        raise ChurnError('script step %d: create takes an index (none: at the end), not a podId' % number)
    if step.get('k8sPhase') is not None and step['k8sPhase'] not in PHASES:
        raise ChurnError('script step %d: k8sPhase must be one of %s' % (number, ', '.join(PHASES)))
    for key in ('nodeName', 'currentNodePool'):
        if key in step and step[key] is not None and (not isinstance(step[key], str) or not step[key]):
            raise ChurnError('script step %d: %s must be a non-empty string or null' % (number, key))
    return dict(step)


class ChurnPlan:
    """A validated `POST /_sim/churn` body."""

    def __init__(self, document, default_seed):
        if not isinstance(document, dict):
            raise ChurnError('the body must be a JSON object')
        unknown = sorted(set(document) - set(CHURN_KEYS))
        if unknown:
            raise ChurnError('unknown key %s (known: %s)' % (', '.join(unknown), ', '.join(CHURN_KEYS)))
        script = document.get('script', [])
        if not isinstance(script, list):
            raise ChurnError('script must be a list of steps')
        self.script = sorted((_step(number, step) for number, step in enumerate(script, 1)), key=lambda step: step['after'])
        per_answer = _object(document, 'per_answer', PER_ANSWER_KEYS)
        self.per_answer = None if per_answer is None else {key: _number(per_answer, key, MAX_PER_ANSWER, True)
                                                           for key in PER_ANSWER_KEYS}
        rate = _object(document, 'rate', RATE_KEYS)
        self.rate = None if rate is None else {key: _number(rate, key, MAX_RATE) for key in RATE_KEYS}
        scope = _object(document, 'scope', SCOPE_KEYS) or {}
        self.scope_path = scope.get('path', '/api/v1/workloads/pods')
        self.scope_query = scope.get('query', '')
        if not isinstance(self.scope_path, str) or not LIST_PATH.match(self.scope_path):
            raise ChurnError('scope.path must be a list path (/api/v1/workloads/pods or /api/v1/workloads/{id}/pods)')
        if not isinstance(self.scope_query, str):
            raise ChurnError('scope.query must be a query string')
        self.creates_at = document.get('creates_at', 'position')
        if self.creates_at not in CREATE_PLACES:
            raise ChurnError('creates_at must be one of %s' % ', '.join(CREATE_PLACES))
        seed = document.get('seed', default_seed)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ChurnError('seed must be an integer')
        self.seed = seed
        self.path = _regex(document, 'path')
        self.query = _regex(document, 'query')
        self.document = document

    @property
    def serialises(self):
        return bool(self.script) or bool(self.per_answer and any(self.per_answer.values()))

    def counts(self, path, query):
        """Whether a list answer on this path and query counts for the script and per-answer churn."""
        return ((self.path is None or self.path.search(path) is not None)
                and (self.query is None or self.query.search(query) is not None))


class Churn:
    def __init__(self, changes, pods_api, default_seed, clock=time.monotonic):
        self.changes = changes
        self.pods_api = pods_api
        self.default_seed = default_seed
        self.clock = clock
        self._serial = threading.Lock()        # one list answer at a time while a script or per-answer churn runs
        self._state = threading.Lock()
        self._plan = None
        self._pending = []
        self._rng = random.Random(default_seed)
        self.list_answers = 0
        self.skipped = []
        self._rate_thread = None
        self._rate_stop = threading.Event()

    # -- configuration --------------------------------------------------------------------------------
    def start(self, document):
        """Replace the churn in force by the one `document` describes; the list answers count from 0 again."""
        plan = ChurnPlan(document, self.default_seed)
        self.stop()
        with self._serial, self._state:
            self._plan = plan
            self._pending = list(plan.script)
            self._rng = random.Random(plan.seed)
            self.list_answers = 0
            self.skipped = []
        if plan.rate and any(plan.rate.values()):
            self._rate_stop = threading.Event()
            self._rate_thread = threading.Thread(target=self._run_rate, args=(plan, self._rate_stop),
                                                 name='runai-sim-churn', daemon=True)
            self._rate_thread.start()
        return self.state()

    def stop(self):
        """No churn any more (the changes made stay; reset undoes them)."""
        self._rate_stop.set()
        thread, self._rate_thread = self._rate_thread, None
        if thread is not None:
            thread.join()
        with self._serial, self._state:
            self._plan = None
            self._pending = []

    def state(self):
        with self._state:
            plan = self._plan
            return {'active': plan is not None, 'churn': None if plan is None else plan.document,
                    'pending': list(self._pending), 'listAnswers': self.list_answers, 'skipped': list(self.skipped),
                    'latestChange': self.changes.history.latest}

    # -- the hook around every API answer -------------------------------------------------------------
    def serve(self, request, answer):
        """`answer()` is the real answer to `request`; under script or per-answer churn a list answer is
        computed, counted and followed by its changes before the next list answer is computed."""
        plan = self._plan
        if plan is None or not plan.serialises or request.method not in ('GET', 'HEAD'):
            return answer()
        found = LIST_PATH.match(request.path)
        if found is None or not plan.counts(request.path, request.query):
            return answer()
        with self._serial:
            response = answer()
            if response.status == 200 and self._plan is plan:
                self._after_answer(plan, found.group(2), request.params)
            return response

    def _after_answer(self, plan, workload_id, request_params):
        with self._state:
            self.list_answers += 1
            number = self.list_answers
            due = []
            while self._pending and self._pending[0]['after'] <= number:
                due.append(self._pending.pop(0))
        note = {'list_answer': number}
        for step in due:
            self._scripted(step, workload_id, request_params, note)
        if plan.per_answer:
            self._random_changes(plan.per_answer, plan, lambda: self._selection(workload_id, request_params), 'answer', note,
                                 self._rng)

    # -- the changes ----------------------------------------------------------------------------------
    def _selection(self, workload_id, request_params):
        try:
            return self.pods_api.selection_of(workload_id, request_params)
        except ApiError:
            return []

    def _skip(self, why):
        with self._state:
            self.skipped.append(why)
            del self.skipped[:-100]

    def _scripted(self, step, workload_id, request_params, note):
        action, index = step['action'], step.get('index')
        selection = self._selection(workload_id, request_params)
        note = dict(note, index=index)
        try:
            if step.get('podId') is not None:
                pod = self.changes.pod(step['podId'])
            elif action == 'create' and (index is None or index >= len(selection)):
                if not selection:
                    self._skip('after list answer %d: create at the end of an empty read' % note['list_answer'])
                    return
                note['index'] = len(selection)
                self.changes.append_pod(selection[-1], phase=step.get('k8sPhase'), source='script', note=note)
                return
            elif index < len(selection):
                pod = selection[index]
            else:
                self._skip('after list answer %d: no pod at index %d (the read holds %d)'
                           % (note['list_answer'], index, len(selection)))
                return
            if action == 'delete':
                self.changes.delete_pod(pod.id, source='script', note=note)
            elif action == 'create':
                self.changes.insert_pod(pod, selection[index - 1] if index else None, phase=step.get('k8sPhase'),
                                        source='script', note=note)
            else:
                self.changes.set_pod(pod.id, phase=step.get('k8sPhase'), node_name=step.get('nodeName', ()),
                                     node_pool=step.get('currentNodePool', ()), source='script', note=note)
        except ChangeError as exc:
            self._skip('after list answer %d: %s' % (note['list_answer'], exc))

    def _random_changes(self, counts, plan, selection_of, source, note, rng):
        """counts: deletes, creates, changes (ints) to make now, in that order, each in the current selection."""
        for action, key in (('delete', 'deletes'), ('create', 'creates'), ('change', 'changes')):
            for _change in range(counts.get(key, 0)):
                selection = selection_of()
                if not selection:
                    return
                index = rng.randrange(len(selection) + (1 if action == 'create' else 0))
                self._random_change(action, selection, index, plan, source, dict(note, index=index), rng)

    def _random_change(self, action, selection, index, plan, source, note, rng):
        try:
            if action == 'delete':
                self.changes.delete_pod(selection[index].id, source=source, note=note)
            elif action == 'create' and (plan.creates_at == 'end' or index >= len(selection)):
                note['index'] = len(selection)
                self.changes.append_pod(selection[min(index, len(selection) - 1)], source=source, note=note)
            elif action == 'create':
                self.changes.insert_pod(selection[index], selection[index - 1] if index else None, source=source, note=note)
            else:
                pod = selection[index]
                self.changes.set_pod(pod.id, phase=rng.choice([phase for phase in PHASES if phase != pod.phase]),
                                     source=source, note=note)
        except ChangeError as exc:
            self._skip('%s: %s' % (source, exc))

    def _run_rate(self, plan, stop):
        """Changes at plan.rate a second in plan's scope, until `stop` is set."""
        parsed = urllib.parse.parse_qs(plan.scope_query, keep_blank_values=True)
        workload_id = LIST_PATH.match(plan.scope_path).group(2)
        per_second = {'deletes': plan.rate['deletes_per_s'], 'creates': plan.rate['creates_per_s'],
                      'changes': plan.rate['changes_per_s']}
        tick = min(MAX_TICK, 1.0 / sum(per_second.values()))
        credit = dict.fromkeys(per_second, 0.0)
        # Its own generator: the per-answer churn's stays a function of the answers alone.
        rng = random.Random(plan.seed + 1)
        last = self.clock()
        while not stop.wait(tick):
            now = self.clock()
            due = {}
            for key, rate in per_second.items():
                credit[key] += rate * (now - last)
                due[key] = int(credit[key])
                credit[key] -= due[key]
            last = now
            if any(due.values()):
                with self._state:
                    note = {'list_answer': self.list_answers}
                self._random_changes(due, plan, lambda: self._selection(workload_id, parsed), 'rate', note, rng)
