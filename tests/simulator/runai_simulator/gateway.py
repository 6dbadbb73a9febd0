"""What a gateway in front of the control plane does to clients: a rate limit and a cap on the page size.

The rate limit is a token bucket shared by every client of the simulator (one tenant's limit): it holds
up to `burst` tokens, gains `rate` tokens a second, and each API request (the token paths included) takes
one. A request that finds no token is answered 429 with `Retry-After`, the time until the next token in
whole seconds (at least 1, as gateways send it), and the API's Error body.
"""

import math
import threading
import time

from .errors import ApiError
from .messages import error_response


class TokenBucket:
    """A token bucket on an injectable clock (seconds, monotonic): tests drive it without waiting."""

    def __init__(self, rate, burst=None, clock=time.monotonic):
        if rate <= 0:
            raise ValueError('rate must be > 0')
        self.rate = float(rate)
        self.burst = float(burst if burst is not None else max(1.0, rate))
        if self.burst < 1:
            raise ValueError('burst must be >= 1')
        self.clock = clock
        self._tokens = self.burst
        self._updated = clock()
        self._lock = threading.Lock()

    def take(self):
        """(True, 0) when a token was taken; (False, seconds until the next token) otherwise."""
        with self._lock:
            now = self.clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            if self._tokens >= 1:
                self._tokens -= 1
                return True, 0.0
            return False, (1 - self._tokens) / self.rate


def retry_after_seconds(wait):
    """The Retry-After header value for a wait in seconds: whole seconds, at least 1."""
    return str(max(1, math.ceil(wait)))


class Gateway:
    """The rate limit and page cap in force, and what the limit did (admitted and refused requests)."""

    def __init__(self, pods_api, rate_limit=None, burst=None, page_cap=None, clock=time.monotonic):
        self.pods_api = pods_api
        self.clock = clock
        self._startup = {'rate_limit': rate_limit, 'burst': burst, 'page_cap': page_cap}
        self._lock = threading.Lock()
        self.configure(**self._startup)

    def configure(self, rate_limit=None, burst=None, page_cap=None):
        """Put these settings in force (None: off) and start counting again."""
        bucket = None if rate_limit is None else TokenBucket(rate_limit, burst, self.clock)
        with self._lock:
            self.bucket = bucket
            self.settings = {'rate_limit': rate_limit, 'burst': None if bucket is None else bucket.burst,
                             'page_cap': page_cap}
            self.admitted = 0
            self.refused = 0
        self.pods_api.page_cap = page_cap

    def reset(self):
        """Back to the settings of the command line."""
        self.configure(**self._startup)

    def state(self):
        with self._lock:
            return dict(self.settings, admitted=self.admitted, refused=self.refused)

    def admit(self):
        """None when the request may go on; the 429 answer when the rate limit refuses it."""
        bucket = self.bucket
        if bucket is None:
            return None
        allowed, wait = bucket.take()
        with self._lock:
            if allowed:
                self.admitted += 1
                return None
            self.refused += 1
        retry_after = retry_after_seconds(wait)
        error = ApiError(429, 'Too many requests: the rate limit is %g requests a second' % bucket.rate,
                         details='retry after %s s' % retry_after, headers={'Retry-After': retry_after})
        return error_response(error)
