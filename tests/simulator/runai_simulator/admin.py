"""The /_sim/ admin paths: faults, token expiry, the request log, the inventory, reset. No auth, no log, no faults."""

import json
import threading

from .faults import FaultError
from .inventory import build_inventory
from .messages import JSON_TYPE, Response, json_response


def _error(status, message):
    return json_response(status, {'code': status, 'message': message})


class AdminApi:
    def __init__(self, world, faults, request_log, issuer):
        self.world = world
        self.faults = faults
        self.request_log = request_log
        self.issuer = issuer
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
        }

    def handle(self, request):
        handler = self.routes.get((request.method, request.path.rstrip('/')))
        if handler is None:
            known = sorted('%s %s' % route for route in self.routes)
            return _error(404, 'No admin path %s %s; known: %s' % (request.method, request.path, '; '.join(known)))
        return handler(request)

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
        # Built on first use and kept: at 200,000 pods it takes a moment, and the data never changes.
        with self._inventory_lock:
            body = self._inventory_bodies.get(with_workloads)
            if body is None:
                document = build_inventory(self.world, with_workloads)
                body = self._inventory_bodies[with_workloads] = json.dumps(document, separators=(',', ':')).encode()
        return Response(200, body, JSON_TYPE)

    def reset(self, request):
        del request
        self.faults.clear()
        self.request_log.clear()
        return json_response(200, {'faults': [], 'requests': []})

    @staticmethod
    def health(request):
        del request
        return json_response(200, {'status': 'ok'})
