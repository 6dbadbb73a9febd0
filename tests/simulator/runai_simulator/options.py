"""Command-line options of tests/simulator/runai_sim.py."""

import argparse
import math

from .timefmt import now_ms, parse_iso8601_ms

# Data is generated relative to this instant unless --anchor says otherwise: a fixed default keeps
# every timestamp, and so every answer, identical from one run to the next.
DEFAULT_ANCHOR = '2026-11-20T12:00:00Z'
DEFAULT_CLIENT_ID = 'runai-sim-client'
# Server certificates --tls can serve (see tls.py); kept here so that option parsing needs no `cryptography`.
CERT_VARIANTS = ('valid', 'expired', 'wrong-host')


def _anchor(text):
    if text == 'now':
        return now_ms()
    try:
        return parse_iso8601_ms(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("not an ISO 8601 date-time or 'now': %r" % text) from exc


def _bounded_int(minimum, maximum=None):
    def parse(text):
        try:
            value = int(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError('not an integer: %r' % text) from exc
        if value < minimum or (maximum is not None and value > maximum):
            raise argparse.ArgumentTypeError('must be from %d to %s' % (minimum, maximum if maximum is not None else 'any'))
        return value
    return parse


def _positive_number(text):
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError('not a number: %r' % text) from exc
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError('must be a number > 0')
    return value


def build_parser():
    parser = argparse.ArgumentParser(prog='runai_sim.py', description='Run:ai control-plane simulator (pods and token paths).')
    parser.add_argument('--host', default='127.0.0.1', help='address to listen on (default 127.0.0.1)')
    parser.add_argument('--port', type=_bounded_int(0, 65535), default=0, help='port; 0 picks a free one (default)')
    parser.add_argument('--pods', type=_bounded_int(0), default=1000, help='pods in total, deleted ones included (default 1000)')
    parser.add_argument('--seed', type=int, default=42, help='seed of the generated data (default 42)')
    parser.add_argument('--anchor', type=_anchor, default=DEFAULT_ANCHOR,
                        help="ISO 8601 instant every generated timestamp precedes, or 'now' (default %s)" % DEFAULT_ANCHOR)
    parser.add_argument('--tls', action='store_true', help='serve HTTPS with a throw-away CA (its path is ca_path)')
    parser.add_argument('--tls-cert', choices=CERT_VARIANTS, default='valid',
                        help='server certificate with --tls: valid (default), expired, or wrong-host')
    parser.add_argument('--token-ttl', type=_bounded_int(1), default=3600, help='token lifetime in seconds (default 3600)')
    parser.add_argument('--latency-ms', type=_bounded_int(0), default=0, help='delay added to every API answer (default 0)')
    parser.add_argument('--rate-limit', type=_positive_number, default=None,
                        help='requests a second the API paths take (a token bucket); 429 with Retry-After beyond it (default: no limit)')
    parser.add_argument('--rate-burst', type=_positive_number, default=None,
                        help='requests the bucket holds at once (default: one second of --rate-limit, at least 1)')
    parser.add_argument('--page-cap', type=_bounded_int(1, 500), default=None,
                        help='serve at most this many pods per list answer, whatever the limit asked (default: no cap)')
    parser.add_argument('--client-id', default=DEFAULT_CLIENT_ID, help='the accepted client id (default %s)' % DEFAULT_CLIENT_ID)
    parser.add_argument('--verbose', action='store_true', help='log every API request (method, path, status, time) to stderr')
    return parser


def parse_args(argv):
    return build_parser().parse_args(argv)
