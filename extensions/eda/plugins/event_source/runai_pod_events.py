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
  - A poll is streamed page by page, never held whole. Each page's C(ADDED) and C(MODIFIED) events go onto the
    rulebook's queue before the next page is taken; C(DELETED) events come when the listing has ended. A poll that
    fails part way reports no C(DELETED).
  - "Events, one dict each, C(type) first, each with C(observed_at) (ISO 8601 UTC):
    C(ADDED) (C(pod)) for every pod in scope at start when O(emit_existing), then one C(INIT_DONE) (C(count),
    the number of pods in scope at start), and C(ADDED) for each pod that appears later;
    C(MODIFIED) (C(pod), C(changes) as C({field: {old, new}}) over O(watch_fields) only) when a watched field changed;
    C(DELETED) (C(pod): its C(id) and its watched fields as last seen) when a pod left the scope or was deleted
    (with O(completed=false), C(reason=completed) when it completed: see O(completed));
    C(ERROR) (C(message), and C(status) when the server answered) once when a poll fails after the retries,
    and C(RECOVERED) (C(outage_seconds), counted from the end of the last poll that succeeded) when Run:ai answers
    a poll again, before that poll's events. Polling goes on at O(interval)."
  - Each change is reported once. A change that is undone between two polls is not seen. A pod that stays in scope
    is never reported C(DELETED), however many pods are created or deleted while a poll reads the pages.
  - A control plane that accepts connections and never answers is an C(ERROR) within about O(interval) + O(timeout)
    (the poll is given up after O(timeout) and 2 seconds without an answer), not after every retry of every page.
    A C(Retry-After) longer than O(interval) delays the next poll.
  - Bad arguments, and credentials rejected at start (HTTP 400, 401 or 403), end the source with one sentence
    before or at the first request. Later failures, 401 and 403 included, are outages (C(ERROR), then C(RECOVERED)).
  - With O(workload_id), a workload that does not exist (HTTP 404) is an empty scope, since it may not be created yet;
    its pods are C(ADDED) when it appears.
  - The HTTP client runs in worker threads, so the rulebook's event loop stays responsive; when the rulebook
    shuts down, the source stops at once, abandoning the page requests in flight.
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
      - Watch the pods of one cluster (UUID). Mutually exclusive with O(workload_id) and O(revision_id).
    type: str
  workload_id:
    description:
      - Watch the pods of one workload (UUID). O(filter_by) and O(completed) do not apply to it.
    type: str
  revision_id:
    description:
      - Watch the pods of one inference revision (UUID; control planes 2.21 and later). O(filter_by), O(search) and
        O(completed) do not apply to it.
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
      - C(true) watches only completed pods, C(false) only pods not completed. Unset watches both.
      - "With C(false), a pod that ends, Failed as well as Succeeded, leaves the scope. That is never a C(MODIFIED) to
        C(Failed), but a C(DELETED) event. The source then reads the pods of the scope completed since the last poll (one
        request, when pods left), and the C(DELETED) of a pod found there has C(reason=completed), C(pod) as it is listed
        now (its C(k8sPhase) C(Failed) or C(Succeeded)) and the C(changes) of its watched fields. A rulebook that reacts to
        failures either leaves O(completed) unset, or matches C(event.reason == 'completed' and event.pod.k8sPhase == 'Failed')."
    type: bool
  whole_tenant:
    description:
      - Watch every pod of the tenant. Without it, at least one of O(cluster_id), O(workload_id), O(revision_id),
        O(filter_by) and O(search) must be set, so that a rulebook variable left out or misspelt cannot widen the watch
        to the whole tenant. It cannot be combined with them.
    type: bool
    default: false
  interval:
    description:
      - Seconds from the start of one poll to the start of the next (a poll that takes longer is followed at once).
    type: float
    default: 30
  watch_fields:
    description:
      - Top-level pod fields whose change makes a C(MODIFIED) event; C(changes) holds these fields only.
      - Each must be a field of Run:ai pods (spelled as the API spells it, C(k8sPhase)); a misspelt one is refused with a
        hint, since it would never change.
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
  - Deleted pods are not listed (the listing's C(deleted=false)), so a deleted pod is C(DELETED). Except for a pod that
    completed under O(completed=false) (C(reason=completed)), the source does not tell a pod deleted from a pod that
    left the scope (it no longer matches O(filter_by) or O(search)); that would take a request per pod. A C(DELETED)
    without C(reason) means either.
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
import logging
import os
import sys

SOURCE = 'runai_pod_events'
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
    # The source's logic lives in the collection's module_utils (_watch.py), where it is unit-tested as a module.
    from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError
    from ansible_collections.runai.platform.plugins.module_utils._watch import watch_pods
    from ansible_collections.runai.platform.plugins.module_utils._watch_arguments import describe_watch, read_arguments
    IMPORT_ERROR = None
except ImportError as exc:  # reported by main() in one sentence, where the rulebook shows it
    IMPORT_ERROR = exc

    class RunaiError(Exception):  # pylint: disable=function-redefined
        status = None


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
    logger.info('%s: watching the pods of %s every %g s', SOURCE, describe_watch(watch), watch.interval)
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


if __name__ == '__main__':
    # Try it without a rulebook: RUNAI_BASE_URL=... RUNAI_CLIENT_ID=... RUNAI_CLIENT_SECRET=... python runai_pod_events.py
    class _PrintQueue:
        async def put(self, event):
            print(event)

    asyncio.run(main(_PrintQueue(), {'interval': 5, 'emit_existing': False, 'whole_tenant': True}))
