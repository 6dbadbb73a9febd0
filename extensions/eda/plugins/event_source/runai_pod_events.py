# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""runai_pod_events: an Event-Driven Ansible source that watches the pods of a Run:ai control plane.

It polls the same pod listing as runai_pods_info, through the collection's own client, and emits one
event per change it sees. ansible-rulebook loads this file with runpy.run_path, outside any package,
so it finds the collection's module_utils through the ansible_collections folder it was found in.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
---
short_description: Watch the pods of an NVIDIA Run:ai control plane and emit an event for each change.
description:
  - Polls the Run:ai pod listing (the same request as runai.platform.runai_pods_info) every O(interval)
    seconds and compares it with what the previous poll saw. State is kept per pod id, watched fields only.
  - "Events, one dict each, C(type) first, each with C(observed_at) (ISO 8601 UTC):
    C(ADDED) (C(pod)) for every pod in scope at start when O(emit_existing), then one C(INIT_DONE) (C(count),
    the number of pods in scope at start), and C(ADDED) for each pod that appears later;
    C(MODIFIED) (C(pod), C(changes) as C({field: {old, new}}) over O(watch_fields) only) when a watched field changed;
    C(DELETED) (C(pod): its C(id) and its watched fields as last seen) when a pod left the scope or was deleted;
    C(ERROR) (C(message), and C(status) when the server answered) once when a poll fails after the retries,
    and C(RECOVERED) (C(outage_seconds)) when a poll succeeds again. Polling goes on at O(interval)."
  - Each change is reported once. A change that is undone between two polls is not seen.
  - Bad arguments, and credentials rejected at start (HTTP 400, 401 or 403), end the source with one sentence
    before or at the first request. Later failures, 401 and 403 included, are outages (C(ERROR), then C(RECOVERED)).
  - With O(workload_id), a workload that does not exist (HTTP 404) is an empty scope, since it may not be created yet;
    its pods are C(ADDED) when it appears.
  - The HTTP client runs in a worker thread, so the rulebook's event loop stays responsive; when the rulebook
    shuts down, the source stops at once, abandoning a request in flight.
  - The connection arguments fall back to the same C(RUNAI_*) environment variables as the modules; a value given
    as an argument wins over the environment, and credentials given as arguments (C(token), or C(client_id) and
    C(client_secret)) win over the other way of authenticating set in the environment.
  - No secret (C(client_secret), C(token), the bearer token obtained) appears in any event or log line.
options:
  base_url:
    description:
      - The Run:ai control plane, C(https://<tenant>.run.ai) or a self-hosted URL. A trailing C(/) is ignored.
      - Falls back to the E(RUNAI_BASE_URL) environment variable.
    type: str
    required: true
  client_id:
    description:
      - Service account or access key id; with O(client_secret). Falls back to E(RUNAI_CLIENT_ID).
    type: str
  client_secret:
    description:
      - The secret of O(client_id). Falls back to E(RUNAI_CLIENT_SECRET).
    type: str
  token:
    description:
      - A bearer token obtained elsewhere, instead of O(client_id) and O(client_secret). Falls back to E(RUNAI_TOKEN).
    type: str
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate. Falls back to E(RUNAI_VALIDATE_CERTS).
    type: bool
    default: true
  ca_path:
    description:
      - PEM bundle used to verify the server. Falls back to E(RUNAI_CA_PATH).
    type: path
  timeout:
    description:
      - Seconds per HTTP request. Falls back to E(RUNAI_TIMEOUT).
    type: float
    default: 30
  retries:
    description:
      - Extra attempts of one request on connection errors, timeouts, 429, 500, 502, 503 and 504, with
        exponential backoff; a poll that still fails is an C(ERROR) event.
    type: int
    default: 3
  cluster_id:
    description:
      - Watch the pods of one cluster (UUID). Mutually exclusive with O(workload_id).
    type: str
  workload_id:
    description:
      - Watch the pods of one workload (UUID). O(filter_by) and O(completed) do not apply to it.
    type: str
  filter_by:
    description:
      - Run:ai filter expressions C(<field><operator><value>), as runai.platform.runai_pods_info's O(filter_by),
        validated before any request.
    type: list
    elements: str
  search:
    description:
      - Free-text search (control plane 2.21+).
    type: str
  completed:
    description:
      - C(true) watches only completed pods, C(false) only pods not completed (so a pod that completes
        leaves the scope, a C(DELETED) event). Unset watches both.
    type: bool
  interval:
    description:
      - Seconds from the start of one poll to the start of the next (a poll that takes longer is followed at once).
    type: float
    default: 30
  watch_fields:
    description:
      - Top-level pod fields whose change makes a C(MODIFIED) event; C(changes) holds these fields only.
      - They are all the source remembers of a pod, so they are all a C(DELETED) event can tell besides its C(id). To
        see the C(name) or C(workloadId) of a pod that left, watch them too; they never change, so they add no event.
    type: list
    elements: str
    default: [k8sPhase, nodeName, currentNodePool]
  emit_existing:
    description:
      - Emit C(ADDED) for every pod in scope at start, before C(INIT_DONE). C(INIT_DONE) is emitted either way.
    type: bool
    default: true
notes:
  - Deleted pods are not listed (the listing's C(deleted=false)): a deleted pod is C(DELETED).
  - The listing is read page by page with offsets, as runai.platform.runai_pods_info reads it; a pod deleted while
    a poll reads the pages can hide another pod from that one poll.
"""

EXAMPLES = r"""
- name: React to Run:ai pods that fail
  hosts: localhost
  sources:
    - runai.platform.runai_pod_events:
        # base_url and credentials from RUNAI_BASE_URL, RUNAI_CLIENT_ID, RUNAI_CLIENT_SECRET
        cluster_id: 71f69d83-ba66-4822-adf5-55ce55efd210
        filter_by:
          - currentNodepool==h100
        interval: 30
        emit_existing: false
  rules:
    - name: A pod turned Failed
      condition: event.type == "MODIFIED" and event.changes.k8sPhase.new == "Failed"
      action:
        debug:
          msg: "{{ event.pod.name }} failed on {{ event.pod.nodeName }}"

- name: Follow one workload, whether or not it exists yet
  hosts: localhost
  sources:
    - runai.platform.runai_pod_events:
        base_url: https://mytenant.run.ai
        token: "{{ runai_token }}"
        workload_id: 6b7ec1b5-8e1d-4ab8-9c5e-2c29e8f1a0d4
        watch_fields: [k8sPhase, nodeName]
        interval: 10
  rules:
    - name: Scheduled on a node
      condition: event.type == "MODIFIED" and event.changes.nodeName is defined
      action:
        print_event:
"""

import asyncio
import datetime
import logging
import math
import os
import sys
import threading

SOURCE = 'runai_pod_events'
# The options of runai_pods_info that select or shape pods but mean nothing to a watch.
POD_INFO_OPTIONS = ('sort_by', 'sort_order', 'verbosity', 'deleted', 'offset', 'page_size', 'max_pods', 'fields', 'query',
                    'count_only', 'legacy_endpoint', 'return_pods', 'wait', 'wait_for', 'wait_timeout', 'wait_sleep',
                    'min_pods', 'pod_condition', 'fail_condition', 'max_offenders')
CONNECTION_OPTIONS = ('base_url', 'client_id', 'client_secret', 'token', 'validate_certs', 'ca_path', 'timeout', 'retries')
SCOPE_OPTIONS = ('cluster_id', 'workload_id', 'filter_by', 'search', 'completed')
WATCH_OPTIONS = ('interval', 'watch_fields', 'emit_existing')
# What ansible-rulebook itself adds to a source's arguments.
ENGINE_ARGUMENTS = ('eda_feedback_queue',)
DEFAULT_WATCH_FIELDS = ('k8sPhase', 'nodeName', 'currentNodePool')
DEFAULT_INTERVAL = 30.0
MIN_INTERVAL = 1.0
# HTTP statuses that, on the first poll, mean the arguments or credentials are wrong rather than an outage.
FATAL_AT_START = (400, 401, 403)
_TRUE = ('true', 'yes', 'on', '1')
_FALSE = ('false', 'no', 'off', '0')

logger = logging.getLogger('runai.platform.' + SOURCE)


def _collections_folder(source_file):
    """The folder holding ansible_collections/runai/platform, when this file lies in such a tree; else None.

    ansible-rulebook finds the collection with ansible-galaxy and runs this file by path: the folder is
    not on sys.path, so the collection's module_utils would not be importable without it. The path is
    taken as given, not resolved, so a collection linked into place (as make's virtualenvs do) works too.
    """
    collection_root = os.path.abspath(os.path.join(os.path.dirname(source_file), '..', '..', '..', '..'))
    namespace_folder = os.path.dirname(collection_root)
    collections_folder = os.path.dirname(namespace_folder)
    if (os.path.basename(collection_root), os.path.basename(namespace_folder), os.path.basename(collections_folder)) != (
            'platform', 'runai', 'ansible_collections'):
        return None
    return os.path.dirname(collections_folder)


def _make_collection_importable():
    folder = _collections_folder(__file__)
    # First on sys.path: the shared code must be this very collection's, not another installed copy.
    if folder is not None and folder not in sys.path:
        sys.path.insert(0, folder)


_make_collection_importable()
try:
    # Only these entry points of the shared code: its insides change from release to release.
    from ansible_collections.runai.platform.plugins.module_utils._connection import (
        CREDENTIALS, ENVIRONMENT, CredentialLevel, Sources, client_from_options)
    from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, shown
    from ansible_collections.runai.platform.plugins.module_utils._pods import fetch_pods, read_pod_query
    IMPORT_ERROR = None
except ImportError as exc:  # reported by main() in one sentence, where the rulebook shows it
    IMPORT_ERROR = exc

    class RunaiError(Exception):  # pylint: disable=function-redefined
        status = None

    shown = repr

try:
    import requests  # noqa: F401  pylint: disable=unused-import  # the client's transport
    HAS_REQUESTS = True
except ImportError:
    HAS_REQUESTS = False


# -- arguments ------------------------------------------------------------------------------------

class Watch:
    """The validated arguments of one source: how to build the client, what to list, how to compare."""

    def __init__(self, connection, pod_query, interval, watch_fields, emit_existing, scope):
        self.connection = connection
        self.pod_query = pod_query
        self.interval = interval
        self.watch_fields = watch_fields
        self.emit_existing = emit_existing
        self.scope = scope

    def client(self):
        """A RunaiClient (no request is made yet); RunaiError for a wrong connection argument."""
        if not HAS_REQUESTS:
            raise RunaiError('%s needs the Python library requests on the host that runs ansible-rulebook (pip install requests)' % SOURCE)
        return client_from_options(self.connection.get, self.connection.credential_levels, Sources(option_word='argument'))


def read_arguments(args, environ):
    """A Watch from the rulebook's arguments and the environment; RunaiError naming a wrong one."""
    _refuse_unknown(args)
    connection = _connection_options(args, environ)
    # None, '' and [] are unset: what a rulebook's `{{ var | default(None) }}` gives for a variable left out.
    scope = dict((name, args[name]) for name in SCOPE_OPTIONS if args.get(name) not in (None, '', []))
    if 'completed' in scope:
        scope['completed'] = _boolean('completed', scope['completed'])
    _check_text_scope(scope)
    pod_query = read_pod_query(scope.get)
    interval = _number('interval', args.get('interval', DEFAULT_INTERVAL))
    if interval is None or not math.isfinite(interval) or interval < MIN_INTERVAL:
        raise RunaiError('interval must be a number of seconds of %g or more, got %s' % (MIN_INTERVAL, shown(args.get('interval'))))
    emit_existing = _boolean('emit_existing', args.get('emit_existing', True))
    return Watch(connection, pod_query, interval, _watch_fields(args.get('watch_fields')), emit_existing, scope)


def _check_text_scope(scope):
    """filter_by and search as the module's argument spec would have them, before read_pod_query sees them."""
    filter_by = scope.get('filter_by')
    if filter_by is not None and not isinstance(filter_by, (str, list)):
        raise RunaiError('filter_by must be a list of filter expressions <field><operator><value>, got %s' % shown(filter_by))
    search = scope.get('search')
    if search is not None and not isinstance(search, str):
        raise RunaiError('search must be a string, got %s' % shown(search))


def _refuse_unknown(args):
    if not isinstance(args, dict):
        raise RunaiError('%s takes a mapping of arguments, got %s' % (SOURCE, shown(args)))
    known = CONNECTION_OPTIONS + SCOPE_OPTIONS + WATCH_OPTIONS
    for name in sorted(args, key=str):
        if name in known or name in ENGINE_ARGUMENTS:
            continue
        # A typo must never widen the scope to every pod of the tenant, so nothing unknown is ignored.
        if name in POD_INFO_OPTIONS:
            raise RunaiError('%s is an option of runai_pods_info that %s does not take; its scope arguments are %s' % (
                name, SOURCE, ', '.join(SCOPE_OPTIONS)))
        raise RunaiError('%s does not take the argument %s; valid arguments: %s' % (SOURCE, shown(name), ', '.join(known)))


class _Options:
    """Connection options: the argument, else its RUNAI_* environment variable, in the types the client wants."""

    def __init__(self, values, credential_levels):
        self.values = values
        self.credential_levels = credential_levels

    def get(self, name):
        return self.values.get(name)


def _connection_options(args, environ):
    values = {}
    for name in CONNECTION_OPTIONS:
        value = args.get(name)
        if value is None and name in ENVIRONMENT and name not in CREDENTIALS:
            value = environ.get(ENVIRONMENT[name]) or None
        values[name] = value
    values['validate_certs'] = True if values['validate_certs'] is None else _boolean('validate_certs', values['validate_certs'])
    values['timeout'] = 30.0 if values['timeout'] is None else _number('timeout', values['timeout'], keep_invalid=True)
    values['retries'] = 3 if values['retries'] is None else _integer(values['retries'])
    if isinstance(values['ca_path'], str):
        values['ca_path'] = os.path.expanduser(values['ca_path'])
    return _Options(values, _credential_levels(args, environ))


def _credential_levels(args, environ):
    """Where token, client_id and client_secret were set: the rulebook's arguments, then the environment.

    The shared resolution makes the arguments' way of authenticating win over the environment's, so a
    token given in the rulebook is used although a controller credential injected RUNAI_CLIENT_ID and
    RUNAI_CLIENT_SECRET, as with the modules.
    """
    return [CredentialLevel(lambda name: 'the %s argument' % name, dict((name, args.get(name)) for name in CREDENTIALS)),
            CredentialLevel(lambda name: 'the environment variable %s' % ENVIRONMENT[name],
                            dict((name, environ.get(ENVIRONMENT[name])) for name in CREDENTIALS))]


def _boolean(name, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise RunaiError('%s must be a boolean (true or false), got %s' % (name, shown(value)))


def _number(name, value, keep_invalid=False):
    """A float from a number or a numeric string (environment variables and templated values are strings)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    # The shared check words the mistake for the connection options, as the modules do.
    return value if keep_invalid else None


def _integer(value):
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value


def _watch_fields(value):
    if value is None:
        return DEFAULT_WATCH_FIELDS
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(field, str) and field for field in value):
        raise RunaiError('watch_fields must be a non-empty list of pod field names, got %s' % shown(value))
    return tuple(dict.fromkeys(value))


# -- comparing polls ------------------------------------------------------------------------------

class PodMemory:
    """What the watch remembers between polls: pod id -> profile, the tuple of its watched values.

    Pods in the same state (phase, node, node pool) share one profile object, so the state of a
    50,000-pod scope is the dict of ids and little else: a few MiB, not a copy of the listing
    (docs/eda.md has the measurement).
    """

    def __init__(self, watch_fields):
        self.watch_fields = watch_fields
        self.pods = None  # None until a poll succeeded: the first one is the baseline
        self._profiles = {}

    def profile(self, pod):
        values = tuple(pod.get(field) for field in self.watch_fields)
        try:
            return self._profiles.setdefault(values, values)
        except TypeError:  # a watched field holding a list or dict: compared by value, not shared
            return values

    def forget_unused_profiles(self):
        used = set(id(profile) for profile in self.pods.values())
        self._profiles = dict((values, profile) for values, profile in self._profiles.items() if id(profile) in used)

    def last_known(self, pod_id, profile):
        """A pod that left, as the events show it: its id and its watched fields as last seen."""
        pod = {'id': pod_id}
        pod.update(zip(self.watch_fields, profile))
        return pod

    def compare(self, listed_pods, observed_at, emit_existing=True):
        """The events that turn the previous poll into this one, and remember this one."""
        baseline = self.pods is None
        previous = self.pods or {}
        current = {}
        events = []
        for pod in listed_pods:
            pod_id = pod.get('id') if isinstance(pod, dict) else None
            if not isinstance(pod_id, str) or pod_id in current:
                continue
            profile = self.profile(pod)
            current[pod_id] = profile
            before = previous.get(pod_id)
            if before is None:
                if emit_existing or not baseline:
                    events.append({'type': 'ADDED', 'pod': pod, 'observed_at': observed_at})
            elif before != profile:
                changes = self._changes(before, profile)
                if changes:
                    events.append({'type': 'MODIFIED', 'pod': pod, 'changes': changes, 'observed_at': observed_at})
        for pod_id, profile in previous.items():
            if pod_id not in current:
                events.append({'type': 'DELETED', 'pod': self.last_known(pod_id, profile), 'observed_at': observed_at})
        if baseline:
            events.append({'type': 'INIT_DONE', 'count': len(current), 'observed_at': observed_at})
        self.pods = current
        self.forget_unused_profiles()
        return events

    def _changes(self, old_profile, new_profile):
        return dict((field, {'old': old, 'new': new})
                    for field, old, new in zip(self.watch_fields, old_profile, new_profile) if old != new)


def now_iso():
    """Now, as the API writes dates: ISO 8601 UTC with milliseconds and Z."""
    moment = datetime.datetime.now(datetime.timezone.utc)
    return moment.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (moment.microsecond // 1000)


# -- polling --------------------------------------------------------------------------------------

def read_scope(client, pod_query, one_workload):
    """The pods in scope now. A workload that does not exist (yet) has none."""
    try:
        return fetch_pods(client, pod_query)
    except RunaiError as exc:
        if exc.status == 404 and one_workload:
            return []
        raise


async def in_thread(function, *arguments):
    """function(*arguments) in a daemon thread, awaited without blocking the event loop.

    Not asyncio.to_thread: its executor is joined when the loop closes, so a rulebook shutting down
    would wait for a request in flight (timeout x attempts, minutes). A daemon thread is abandoned.
    """
    loop = asyncio.get_running_loop()
    outcome = loop.create_future()

    def settle(result, error):
        if not outcome.done():
            if error is not None:
                outcome.set_exception(error)
            else:
                outcome.set_result(result)

    def run():
        try:
            result, error = function(*arguments), None
        except BaseException as exc:  # pylint: disable=broad-except  # handed to the awaiting coroutine
            result, error = None, exc
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    threading.Thread(target=run, name=SOURCE, daemon=True).start()
    return await outcome


class Outage:
    """ERROR once when polls start failing, RECOVERED once when one succeeds again."""

    def __init__(self):
        self.since = None

    def failed(self, error, observed_at, clock):
        if self.since is not None:
            return []
        self.since = clock
        event = {'type': 'ERROR', 'message': str(error)}
        if getattr(error, 'status', None) is not None:
            event['status'] = error.status
        event['observed_at'] = observed_at
        logger.warning('%s: %s', SOURCE, error)
        return [event]

    def succeeded(self, observed_at, clock):
        if self.since is None:
            return []
        outage_seconds = round(clock - self.since, 3)
        self.since = None
        logger.info('%s: Run:ai answers again after %s s', SOURCE, outage_seconds)
        return [{'type': 'RECOVERED', 'outage_seconds': outage_seconds, 'observed_at': observed_at}]


async def watch_pods(queue, watch, client, clock=None, sleep=None):
    """Poll forever, putting each event on the queue; RunaiError when the first poll is refused."""
    loop = asyncio.get_running_loop()
    clock = clock or loop.time
    sleep = sleep or asyncio.sleep
    memory = PodMemory(watch.watch_fields)
    outage = Outage()
    next_poll = clock()
    while True:
        try:
            pods = await in_thread(read_scope, client, watch.pod_query, 'workload_id' in watch.scope)
        except RunaiError as exc:
            if memory.pods is None and exc.status in FATAL_AT_START:
                raise
            events = outage.failed(exc, now_iso(), clock())
        else:
            observed_at = now_iso()
            events = outage.succeeded(observed_at, clock()) + memory.compare(pods, observed_at, watch.emit_existing)
            del pods
        for event in events:
            await queue.put(event)
        del events
        next_poll = max(next_poll + watch.interval, clock())
        await sleep(next_poll - clock())


async def main(queue, args):
    """The entry point ansible-rulebook calls; it returns only when the source fails to start."""
    if IMPORT_ERROR is not None:
        raise RuntimeError('%s cannot import the shared code of the runai.platform collection (%s); install the collection '
                           'with ansible-galaxy and run ansible-rulebook with the Python that has requests' % (SOURCE, IMPORT_ERROR))
    try:
        watch = read_arguments(args or {}, os.environ)
        client = watch.client()
    except RunaiError as exc:
        raise SourceFailed(exc) from None
    logger.info('%s: watching the pods of %s every %g s', SOURCE, describe_scope(watch.scope), watch.interval)
    try:
        await watch_pods(queue, watch, client)
    except RunaiError as exc:
        raise SourceFailed(exc) from None


class SourceFailed(Exception):
    """The one sentence ansible-rulebook shows when the source cannot start.

    Raised `from None`: the sentence says it all, and the frames of a chained traceback say nothing more to a user.
    """

    def __init__(self, error):
        super(SourceFailed, self).__init__('%s: %s' % (SOURCE, error))
        self.status = getattr(error, 'status', None)


def describe_scope(scope):
    if not scope:
        return 'the tenant'
    return ', '.join('%s=%s' % (name, shown(value)) for name, value in sorted(scope.items()))


if __name__ == '__main__':
    # Try it without a rulebook: RUNAI_BASE_URL=... RUNAI_CLIENT_ID=... RUNAI_CLIENT_SECRET=... python runai_pod_events.py
    class _PrintQueue:
        async def put(self, event):
            print(event)

    asyncio.run(main(_PrintQueue(), {'interval': 5, 'emit_existing': False}))
