"""Injected faults: each applies to the next `count` API requests matching its optional regexes, first added first."""

import json
import re
import threading

from .messages import JSON_TYPE, Response

BODY_KINDS = ('json', 'html', 'empty', 'truncated', 'not_json')
DROP_KINDS = ('before', 'mid_body')
FAULT_KEYS = ('status', 'count', 'retry_after', 'body', 'delay_ms', 'drop', 'expire_tokens', 'path', 'query', 'method')
NOT_JSON_BODY = b'upstream said: this is not JSON'
HTML_PAGE = ('<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1></center>'
             '\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n')


class FaultError(ValueError):
    """A fault description that cannot be applied (answered with 400 by the admin API)."""


def _check_choice(spec, key, allowed):
    if key in spec and spec[key] not in allowed:
        raise FaultError('%s must be one of %s' % (key, ', '.join(allowed)))


def _check_int(spec, key, minimum, maximum):
    value = spec.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum):
        raise FaultError('%s must be an integer from %d to %d' % (key, minimum, maximum))


def _compile(spec, key):
    if spec.get(key) is None:
        return None
    try:
        return re.compile(spec[key], re.IGNORECASE if key == 'method' else 0)
    except (re.error, TypeError) as exc:
        raise FaultError('%s is not a valid regular expression: %s' % (key, exc)) from exc


class Fault:
    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise FaultError('a fault is a JSON object')
        unknown = sorted(set(spec) - set(FAULT_KEYS))
        if unknown:
            raise FaultError('unknown fault keys: %s (known: %s)' % (', '.join(unknown), ', '.join(FAULT_KEYS)))
        _check_int(spec, 'status', 100, 599)
        _check_int(spec, 'count', 1, 10 ** 9)
        _check_choice(spec, 'body', BODY_KINDS)
        _check_choice(spec, 'drop', DROP_KINDS)
        delay = spec.get('delay_ms', 0)
        if isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay < 0:
            raise FaultError('delay_ms must be a number >= 0')
        if not isinstance(spec.get('expire_tokens', False), bool):
            raise FaultError('expire_tokens must be true or false')
        if spec.get('retry_after') is not None and not isinstance(spec['retry_after'], (str, int)):
            raise FaultError('retry_after must be a number of seconds or an HTTP date')
        self.spec = dict(spec)
        self.remaining = spec.get('count', 1)
        self.patterns = {key: _compile(spec, key) for key in ('path', 'query', 'method')}

    def matches(self, method, path, query):
        for key, text in (('method', method), ('path', path), ('query', query)):
            pattern = self.patterns[key]
            if pattern is not None and not pattern.search(text):
                return False
        return True

    @property
    def delay_seconds(self):
        return self.spec.get('delay_ms', 0) / 1000.0

    @property
    def drop(self):
        return self.spec.get('drop')

    @property
    def expires_tokens(self):
        return self.spec.get('expire_tokens', False)

    @property
    def overrides_answer(self):
        """Whether the fault replaces the real answer (a status); otherwise the real answer is computed."""
        return self.spec.get('status') is not None

    def describe(self):
        return dict(self.spec, remaining=self.remaining)

    def answer(self, reason):
        """The replacement answer of a fault with a `status`, before its body kind is applied."""
        status = self.spec['status']
        body = {'code': status, 'message': 'Simulated fault: HTTP %d %s' % (status, reason), 'details': 'injected through /_sim/faults'}
        return Response(status, json.dumps(body).encode(), JSON_TYPE)

    def reshape(self, response, reason):
        """Apply the body kind and the Retry-After header to an answer (the real one or the replacement)."""
        kind = self.spec.get('body', 'json')
        if kind == 'html':
            page = HTML_PAGE.format(status=response.status, reason=reason).encode()
            response = Response(response.status, page, 'text/html', response.headers)
        elif kind == 'empty':
            response = Response(response.status, b'', None, response.headers)
        elif kind == 'truncated':
            # Complete at the HTTP level (Content-Length matches), but the JSON is cut in half.
            response = Response(response.status, response.body[:max(1, len(response.body) // 2)] or b'{', JSON_TYPE, response.headers)
        elif kind == 'not_json':
            response = Response(response.status, NOT_JSON_BODY, JSON_TYPE, response.headers)
        if self.spec.get('retry_after') is not None:
            response.headers['Retry-After'] = str(self.spec['retry_after'])
        return response


class FaultQueue:
    def __init__(self):
        self._faults = []
        self._lock = threading.Lock()

    def add(self, specs):
        """Validate every spec before adding any: a bad list adds nothing."""
        faults = [Fault(spec) for spec in specs]
        with self._lock:
            self._faults.extend(faults)
            return [fault.describe() for fault in self._faults]

    def take(self, method, path, query):
        """The first pending fault matching this request, its count used up by one; None if none matches."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path, query):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def pending(self):
        with self._lock:
            return [fault.describe() for fault in self._faults]

    def clear(self):
        with self._lock:
            self._faults.clear()
