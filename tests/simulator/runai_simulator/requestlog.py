"""What the API paths received, for tests to assert what a client sent. Never headers, bodies or tokens."""

import collections
import threading

# Long benchmarks send hundreds of thousands of requests; keep the latest ones only.
MAX_ENTRIES = 100000


class RequestLog:
    def __init__(self):
        self._entries = collections.deque(maxlen=MAX_ENTRIES)
        self._lock = threading.Lock()

    def record(self, request, status, bearer, fault):
        entry = {
            'method': request.method,
            'path': request.path,
            'query': request.query,
            'params': {name: list(values) for name, values in request.params.items()},
            'status': status,
            'bearer': bearer,
            'fault': fault,
            'user_agent': request.header('User-Agent'),
        }
        with self._lock:
            self._entries.append(entry)

    def entries(self):
        with self._lock:
            return list(self._entries)

    def clear(self):
        with self._lock:
            self._entries.clear()
