"""Assembly of the simulator from its options, and its life: serve until SIGTERM or SIGINT, then clean up."""

import logging
import secrets
import shutil
import signal
import tempfile
import threading
import time

from .admin import AdminApi
from .api import ControlPlaneApi
from .changes import WorldChanges
from .churn import Churn
from .faults import FaultQueue
from .gateway import Gateway
from .pods_api import PodsApi
from .query import PodIndex
from .render import PodRenderer
from .requestlog import RequestLog
from .server import SimulatorHTTPServer
from .tokens import TokenIssuer
from .world import build_world

LOG = logging.getLogger('runai_simulator')


class Simulator:
    def __init__(self, options):
        started = time.perf_counter()
        self.world = build_world(options.seed, options.pods, options.anchor)
        # Never logged nor stored anywhere but here and in the ready line: secret-leak scans look for it.
        self.client_secret = secrets.token_urlsafe(32)
        self.issuer = TokenIssuer(options.client_id, self.client_secret, options.token_ttl, self.world.tenant_id)
        renderer = PodRenderer(self.world)
        pods_api = PodsApi(self.world, PodIndex(self.world), renderer)
        self.api = ControlPlaneApi(pods_api, self.issuer)
        self.faults = FaultQueue()
        self.request_log = RequestLog()
        changes = WorldChanges(self.world)
        self.gateway = Gateway(pods_api, rate_limit=options.rate_limit, burst=options.rate_burst, page_cap=options.page_cap)
        self.churn = Churn(changes, pods_api, options.seed)
        self.admin = AdminApi(self.world, self.faults, self.request_log, self.issuer, changes, renderer,
                              gateway=self.gateway, churn=self.churn)
        self.latency_seconds = options.latency_ms / 1000.0
        self._stop = threading.Event()
        self.ca_path = None
        self._tls_directory = None
        ssl_context = None
        if options.tls:
            # Imported only here: without --tls the simulator needs nothing outside the standard library.
            from .tls import create_server_context  # pylint: disable=import-outside-toplevel
            self._tls_directory = tempfile.mkdtemp(prefix='runai-sim-tls-')
            ssl_context, self.ca_path = create_server_context(self._tls_directory, options.tls_cert)
        self.server = SimulatorHTTPServer((options.host, options.port), self, ssl_context)
        LOG.info('%d pods in %d workloads (seed %d) ready in %.2f s at %s', len(self.world.pods), len(self.world.workloads),
                 options.seed, time.perf_counter() - started, self.base_url)

    @property
    def base_url(self):
        host, port = self.server.server_address[:2]
        if host in ('0.0.0.0', '::'):
            host = '127.0.0.1'
        if ':' in host:
            host = '[%s]' % host
        return '%s://%s:%d' % ('https' if self.ca_path else 'http', host, port)

    def ready_info(self):
        info = {'base_url': self.base_url, 'client_id': self.issuer.client_id, 'client_secret': self.client_secret}
        if self.ca_path:
            info['ca_path'] = self.ca_path
        return info

    def start(self):
        thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.2},
                                  name='runai-sim-accept', daemon=True)
        thread.start()

    def catch_stop_signals(self):
        """SIGTERM and SIGINT stop the simulator cleanly; set before the ready line, so that a launcher
        signalling right after reading it never meets the default handlers (exit -15 or -2)."""
        def request_stop(signal_number, frame):
            del frame
            LOG.info('signal %d: stopping', signal_number)
            self._stop.set()
        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)

    def wait_for_signal(self):
        # Short waits keep the main thread responsive to signals on every platform.
        while not self._stop.wait(0.5):
            pass

    def close(self):
        self.churn.stop()
        self.server.shutdown()
        self.server.server_close()
        if self._tls_directory:
            shutil.rmtree(self._tls_directory, ignore_errors=True)
