"""The /_sim/ admin paths: faults, token expiry, the request log, the inventory, pod lifecycle changes, churn and
its change history, the gateway (rate limit, page cap), reset.

No auth, no log, no faults.
"""

import json
import re
import threading

from .changes import ChangeError
from .churn import ChurnError
from .faults import FaultError
from .inventory import build_inventory
from .messages import JSON_TYPE, Response, json_response
from .model import PHASES
from .params import UUID_PATTERN

# Pods one admin call may create: plenty for a test, and a typo such as 1e9 fails instead of eating memory.
MAX_NEW_PODS = 100000
GATEWAY_KEYS = ('rate_limit', 'burst', 'page_cap')
MAX_PAGE_CAP = 500


def _error(status, message):
    return json_response(status, {'code': status, 'message': message})


def _json_object(request, allowed):
    """The request body as a dict with only `allowed` keys; an empty body is an empty object."""
    try:
        document = json.loads(request.body.decode('utf-8') or '{}')
    except (UnicodeDecodeError, ValueError) as exc:
        raise ChangeError(400, 'The body must be a JSON object: %s' % exc) from exc
    if not isinstance(document, dict):
        raise ChangeError(400, 'The body must be a JSON object, not %s' % type(document).__name__)
    unknown = sorted(set(document) - set(allowed))
    if unknown:
        raise ChangeError(400, 'Unknown key %s in the body; the keys are %s' % (', '.join(unknown), ', '.join(allowed)))
    return document


def _phase(document, default=None):
    phase = document.get('k8sPhase', default)
    if phase is not None and phase not in PHASES:
        raise ChangeError(400, 'Invalid k8sPhase %r: must be one of %s' % (phase, ', '.join(PHASES)))
    return phase


def _name_or_null(document, key):
    """A non-empty string or null; `()` when the key is absent (nothing to change)."""
    if key not in document:
        return ()
    value = document[key]
    if value is not None and (not isinstance(value, str) or not value):
        raise ChangeError(400, 'Invalid %s %r: must be a non-empty string or null' % (key, value))
    return value


def _optional_text(document, key):
    value = document.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise ChangeError(400, 'Invalid %s %r: must be a non-empty string' % (key, value))
    return value


def _latency_factor(document):
    """nimLatencyFactor: a number from 0.01 to 100 multiplying the pod's NIM latencies; None when absent."""
    value = document.get('nimLatencyFactor')
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.01 <= value <= 100:
        raise ChangeError(400, 'Invalid nimLatencyFactor %r: must be a number from 0.01 to 100' % (value,))
    return float(value)


def _pod_count(document, key):
    value = document.get(key, 1)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_NEW_PODS:
        raise ChangeError(400, 'Invalid %s %r: must be an integer from 0 to %d' % (key, value, MAX_NEW_PODS))
    return value


def _gateway_settings(document, current):
    """The gateway settings `document` asks for: keys it gives replace the current ones (null: off)."""
    settings = {key: current[key] for key in GATEWAY_KEYS}
    for key in GATEWAY_KEYS:
        if key not in document or document[key] is None:
            settings[key] = None if key in document else settings[key]
            continue
        value = document[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ChangeError(400, 'Invalid %s %r: must be a number > 0, or null for none' % (key, value))
        if key == 'page_cap' and (not isinstance(value, int) or value > MAX_PAGE_CAP):
            raise ChangeError(400, 'Invalid page_cap %r: must be an integer from 1 to %d, or null' % (value, MAX_PAGE_CAP))
        if key == 'burst' and value < 1:
            raise ChangeError(400, 'Invalid burst %r: must be at least 1' % value)
        settings[key] = value
    if 'rate_limit' in document and 'burst' not in document:
        settings['burst'] = None        # a new rate gets the default burst, one second of it
    return settings


class AdminApi:
    def __init__(self, world, faults, request_log, issuer, changes, renderer, gateway=None, churn=None):
        self.world = world
        self.faults = faults
        self.request_log = request_log
        self.issuer = issuer
        self.changes = changes
        self.renderer = renderer
        self.gateway = gateway
        self.churn = churn
        self._inventory_bodies = {}
        self._inventory_lock = threading.Lock()
        self.routes = {
            ('GET', '/_sim/faults'): self.list_faults,
            ('POST', '/_sim/faults'): self.add_faults,
            ('DELETE', '/_sim/faults'): self.clear_faults,
            ('POST', '/_sim/tokens/expire'): self.expire_tokens,
            ('GET', '/_sim/requests'): self.list_requests,
            ('DELETE', '/_sim/requests'): self.clear_requests,
            ('GET', '/_sim/inventory'): self.inventory,
            ('POST', '/_sim/reset'): self.reset,
            ('GET', '/_sim/health'): self.health,
            ('GET', '/_sim/churn'): self.churn_state,
            ('POST', '/_sim/churn'): self.start_churn,
            ('DELETE', '/_sim/churn'): self.stop_churn,
            ('GET', '/_sim/changes'): self.change_history,
            ('GET', '/_sim/gateway'): self.gateway_state,
            ('POST', '/_sim/gateway'): self.set_gateway,
            ('DELETE', '/_sim/gateway'): self.reset_gateway,
        }
        # Paths with an id in them: (method, pattern, readable form, handler(request, id)).
        self.id_routes = [
            ('POST', re.compile('^/_sim/pods/([^/]+)$'), '/_sim/pods/{podId}', self.set_pod),
            ('DELETE', re.compile('^/_sim/pods/([^/]+)$'), '/_sim/pods/{podId}', self.delete_pod),
            ('POST', re.compile('^/_sim/workloads/([^/]+)/pods$'), '/_sim/workloads/{workloadId}/pods', self.add_pods),
            ('POST', re.compile('^/_sim/workloads/([^/]+)/revisions$'), '/_sim/workloads/{workloadId}/revisions', self.add_revision),
        ]
        self.routes[('POST', '/_sim/workloads')] = self.add_workload

    def handle(self, request):
        handler, arguments = self._route(request.method, request.path.rstrip('/'))
        if handler is None:
            known = ['%s %s' % route for route in self.routes]
            known += ['%s %s' % (method, template) for method, _pattern, template, _handler in self.id_routes]
            return _error(404, 'No admin path %s %s; known: %s' % (request.method, request.path, '; '.join(sorted(known))))
        try:
            return handler(request, *arguments)
        except ChangeError as exc:
            return _error(exc.status, str(exc))

    def _route(self, method, path):
        """(handler, path arguments) of an admin request; (None, ()) for an unknown one."""
        handler = self.routes.get((method, path))
        if handler is not None:
            return handler, ()
        for route_method, pattern, _template, id_handler in self.id_routes:
            found = pattern.match(path)
            if found is not None and route_method == method:
                return id_handler, found.groups()
        return None, ()

    def list_faults(self, request):
        del request
        return json_response(200, {'faults': self.faults.pending()})

    def add_faults(self, request):
        try:
            document = json.loads(request.body.decode('utf-8') or 'null')
        except (UnicodeDecodeError, ValueError) as exc:
            return _error(400, 'The body must be a fault object or a list of them: %s' % exc)
        specs = document if isinstance(document, list) else [document]
        try:
            pending = self.faults.add(specs)
        except FaultError as exc:
            return _error(400, 'Invalid fault: %s' % exc)
        return json_response(200, {'faults': pending})

    def clear_faults(self, request):
        del request
        self.faults.clear()
        return json_response(200, {'faults': []})

    def expire_tokens(self, request):
        del request
        return json_response(200, {'expired': self.issuer.expire_all()})

    def list_requests(self, request):
        del request
        return json_response(200, {'requests': self.request_log.entries()})

    def clear_requests(self, request):
        del request
        self.request_log.clear()
        return json_response(200, {'requests': []})

    def inventory(self, request):
        """The inventory; `?workloads=false` leaves out the workload list (tens of MB at 200,000 pods)."""
        with_workloads = (request.params.get('workloads') or ['true'])[0].lower() != 'false'
        # Built on first use and kept until the pods change: at 200,000 pods it takes a moment.
        with self._inventory_lock, self.world.lock:
            key = (self.world.view.generation, with_workloads)
            body = self._inventory_bodies.get(key)
            if body is None:
                document = build_inventory(self.world, with_workloads)
                body = json.dumps(document, separators=(',', ':')).encode()
                self._inventory_bodies = {cached: text for cached, text in self._inventory_bodies.items() if cached[0] == key[0]}
                self._inventory_bodies[key] = body
        return Response(200, body, JSON_TYPE)

    def reset(self, request):
        del request
        self.churn.stop()
        self.faults.clear()
        self.request_log.clear()
        self.changes.reset()
        self.gateway.reset()
        return json_response(200, {'faults': [], 'requests': []})

    # -- churn and the change history -----------------------------------------------------------------
    def churn_state(self, request):
        del request
        return json_response(200, self.churn.state())

    def start_churn(self, request):
        try:
            document = json.loads(request.body.decode('utf-8') or '{}')
        except (UnicodeDecodeError, ValueError) as exc:
            return _error(400, 'The body must be a JSON object: %s' % exc)
        try:
            return json_response(200, self.churn.start(document))
        except ChurnError as exc:
            return _error(400, 'Invalid churn: %s' % exc)

    def stop_churn(self, request):
        del request
        self.churn.stop()
        return json_response(200, self.churn.state())

    def change_history(self, request):
        """`?since=N`: the changes after sequence number N (default 0: all that are kept), and the latest number."""
        text = (request.params.get('since') or ['0'])[0]
        if not text.isdigit():
            return _error(400, 'Invalid since %r: must be an integer >= 0' % text)
        changes, latest = self.changes.history.since(int(text))
        return json_response(200, {'latest': latest, 'changes': changes})

    # -- the gateway: rate limit and page cap ----------------------------------------------------------
    def gateway_state(self, request):
        del request
        return json_response(200, self.gateway.state())

    def set_gateway(self, request):
        document = _json_object(request, GATEWAY_KEYS)
        self.gateway.configure(**_gateway_settings(document, self.gateway.state()))
        return json_response(200, self.gateway.state())

    def reset_gateway(self, request):
        del request
        self.gateway.reset()
        return json_response(200, self.gateway.state())

    # -- pod lifecycle ------------------------------------------------------------------------------
    def _pods_text(self, pods):
        return '[' + ','.join(self.renderer.brief(pod) for pod in pods) + ']'

    def _pod_answer(self, pod):
        return Response(200, ('{"pod":%s}' % self.renderer.brief(pod)).encode('utf-8'), JSON_TYPE)

    def set_pod(self, request, pod_id):
        document = _json_object(request, ('k8sPhase', 'nodeName', 'currentNodePool', 'nimLatencyFactor'))
        factor = _latency_factor(document)
        pod = None
        if factor is None or len(document) > 1:
            pod = self.changes.set_pod(pod_id, phase=_phase(document), node_name=_name_or_null(document, 'nodeName'),
                                       node_pool=_name_or_null(document, 'currentNodePool'))
        if factor is not None:
            pod = self.changes.set_nim_latency(pod_id, factor)
        return self._pod_answer(pod)

    def delete_pod(self, request, pod_id):
        del request
        return self._pod_answer(self.changes.delete_pod(pod_id))

    def add_workload(self, request):
        document = _json_object(request, ('id', 'pods', 'k8sPhase', 'clusterId', 'nodePool', 'name'))
        workload_id = _optional_text(document, 'id')
        if workload_id is not None and not UUID_PATTERN.match(workload_id):
            raise ChangeError(400, 'Invalid id %r: must be a UUID' % workload_id)
        workload, pods = self.changes.add_workload(
            _pod_count(document, 'pods'), _phase(document, 'Pending'), workload_id=workload_id,
            cluster_id=_optional_text(document, 'clusterId'), node_pool=_optional_text(document, 'nodePool'),
            name=_optional_text(document, 'name'))
        summary = json.dumps({'id': workload.id, 'name': workload.name, 'clusterId': workload.cluster.id}, separators=(',', ':'))
        return Response(200, ('{"workload":%s,"pods":%s}' % (summary, self._pods_text(pods))).encode('utf-8'), JSON_TYPE)

    def add_pods(self, request, workload_id):
        document = _json_object(request, ('count', 'k8sPhase'))
        pods = self.changes.add_pods(workload_id, _pod_count(document, 'count'), _phase(document, 'Pending'))
        return Response(200, ('{"pods":%s}' % self._pods_text(pods)).encode('utf-8'), JSON_TYPE)

    def add_revision(self, request, workload_id):
        document = _json_object(request, ('replicas', 'k8sPhase', 'nimLatencyFactor'))
        factor = _latency_factor(document)
        revision_id, pods = self.changes.add_revision(workload_id, _pod_count(document, 'replicas'), _phase(document, 'Pending'),
                                                      1.0 if factor is None else factor)
        return Response(200, ('{"revisionId":"%s","pods":%s}' % (revision_id, self._pods_text(pods))).encode('utf-8'), JSON_TYPE)

    @staticmethod
    def health(request):
        del request
        return json_response(200, {'status': 'ok'})
