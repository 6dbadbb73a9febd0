# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""The one HTTP client of the collection: session, authentication, retries, decoding, error mapping.

It never imports Ansible. Every failure leaves it as a RunaiError whose text is one sentence in the
user's terms; modules turn it into fail_json, the lookup into AnsibleLookupError.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import email.utils
import json
import random
import re
import threading
import time
from urllib.parse import quote

from ansible_collections.runai.platform.plugins.module_utils import _pager
from ansible_collections.runai.platform.plugins.module_utils._errors import RETRY_STATUSES, RunaiError, cut, shown
from ansible_collections.runai.platform.plugins.module_utils._pager import DEFAULT_PAGE_SIZE

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - reported by the plugins through missing_required_lib
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

try:
    import orjson
    HAS_ORJSON = True
except ImportError:  # an optional accelerator (SPEC section 1): the standard library decodes the same answers
    orjson = None
    HAS_ORJSON = False

# The collection's version, sent in the User-Agent; a unit test holds it equal to galaxy.yml's `version`.
COLLECTION_VERSION = '0.1.0'
USER_AGENT = 'runai.platform/' + COLLECTION_VERSION
TOKEN_PATH = '/api/v1/token'
MAX_RETRY_AFTER = 120.0
MAX_BACKOFF = 30.0
# A 429 that says when to come back (Retry-After) is a rate limit doing its job, not a failure: one request
# waits on such answers for up to this many seconds in all before they count against `retries`.
RATE_LIMIT_PATIENCE = 120.0
PAGE_WORKERS = 8
# A server (or a proxy) may explain an error in kilobytes; a message keeps the start of it.
MAX_SERVER_MESSAGE = 300
PLAIN_HTTP_TO_HTTPS = b'The plain HTTP request was sent to HTTPS port'


class _Retryable(Exception):
    """One attempt failed in a way worth another attempt; carries the final error if none is left."""

    def __init__(self, error, wait=None):
        super(_Retryable, self).__init__(error.message)
        self.error = error
        self.wait = wait  # the server's Retry-After, in seconds

    @property
    def rate_limited(self):
        return self.error.status == 429


def encode_query(params):
    """Build a query string from (name, value) pairs, value being a str, int, bool or list of str.

    Lists are the API's `explode: false` arrays: one parameter with literal commas between the
    percent-encoded items, unless an item contains a comma; then one parameter per item.
    """
    parts = []
    for name, value in params:
        if value is None:
            continue
        if isinstance(value, bool):
            value = 'true' if value else 'false'
        if isinstance(value, (list, tuple)):
            if not value:
                continue
            items = [quote(str(item), safe='') for item in value]
            if any(',' in str(item) for item in value):
                parts.extend('%s=%s' % (name, item) for item in items)
            else:
                parts.append('%s=%s' % (name, ','.join(items)))
        else:
            parts.append('%s=%s' % (name, quote(str(value), safe='')))
    return '&'.join(parts)


def parse_retry_after(header_value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None if absent or unreadable."""
    if not header_value:
        return None
    header_value = header_value.strip()
    if header_value.isdigit():
        return float(header_value)
    try:
        when = email.utils.parsedate_to_datetime(header_value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def decode_json(content):
    """An answer's body (bytes) decoded from JSON; ValueError when it is not JSON.

    The one place answers are decoded. orjson, where it is installed, is several times faster. What it
    refuses but the standard library reads (integers beyond 64 bits, NaN, UTF-16) is read by the
    standard library, so that both give the same values and the same errors.
    """
    if orjson is not None:
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError:
            pass
    try:
        return json.loads(content)
    except RecursionError:  # the standard library recurses once per nesting level
        raise ValueError('nested too deeply')


def describe_body(response):
    """The server's explanation of an error, on one line: the API's `message`, or what kind of body came instead."""
    content = response.content or b''
    if not content.strip():
        return 'the answer had an empty body'
    try:
        body = decode_json(content)
    except ValueError:
        start = content[:500].lower()
        if b'<html' in start or b'<!doctype' in start:
            return 'the answer was an HTML page, not an API error (a proxy or gateway in front of Run:ai may have answered)'
        return 'the answer was not JSON'
    if isinstance(body, dict):
        message = body.get('message') or body.get('error_description') or body.get('error')
        if message:
            details = body.get('details')
            text = '%s (%s)' % (message, details) if details and details != message else str(message)
            return ' '.join(text.split())
    return 'the answer had no error message'


def user_agent(extra=None):
    """runai.platform/<version>, then what the caller adds (ansible-core/<version>), as one printable ASCII line."""
    if not extra:
        return USER_AGENT
    printable = ''.join(character if ' ' <= character <= '~' else ' ' for character in str(extra))
    return ' '.join([USER_AGENT] + printable.split())


class RunaiClient:
    """Talks to one Run:ai control plane for the length of one module run or lookup call."""

    def __init__(self, base_url, client_id=None, client_secret=None, token=None, validate_certs=True,
                 ca_path=None, timeout=30.0, retries=3, backoff_base=0.5, sleep=time.sleep,
                 page_workers=PAGE_WORKERS, user_agent_extra=None, jitter=random.random):
        self.base_url = base_url.rstrip('/')
        self.client_id = client_id
        self._client_secret = client_secret
        self._token = token
        self._token_given = token is not None
        self._token_generation = 0
        self._token_lock = threading.Lock()
        self._count_lock = threading.Lock()
        self.timeout = timeout
        self.retries = retries
        self.backoff_base = backoff_base
        self.sleep = sleep
        # A fraction in [0, 1) per pause: processes refused together spread their retries over the pause.
        self.jitter = jitter
        self.page_workers = page_workers
        self.request_count = 0
        # 429 answers received: the pager has fewer pages in flight while this grows.
        self.rate_limited_count = 0
        # Passed with every request: a session-level verify loses to REQUESTS_CA_BUNDLE in the environment.
        self.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        self.session = requests.Session()
        self.session.headers['Accept'] = 'application/json'
        self.session.headers['User-Agent'] = user_agent(user_agent_extra)
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(page_workers, 1), max_retries=0)
        self.session.mount('https://', adapter)
        self.session.mount('http://', adapter)

    # -- requests ---------------------------------------------------------------------------

    def get(self, path, params=(), not_found=None):
        """GET an API path with (name, value) query pairs; returns (status, decoded JSON body)."""
        return self.request('GET', path, query=encode_query(params), not_found=not_found)

    def request(self, method, path, query='', json_body=None, not_found=None):
        """The one request function: auth, retries, one re-token on 401, and every error mapped."""
        authenticated = path != TOKEN_PATH
        for token_attempt in (1, 2):
            generation = self._ensure_token() if authenticated else None
            response = self._send_with_retries(method, path, query, json_body, authenticated)
            if response.status_code == 401 and authenticated and not self._token_given and token_attempt == 1:
                self._renew_token(generation)
                continue
            return self._decode(response, method, path, not_found)
        raise AssertionError('unreachable')  # pragma: no cover

    def _send_with_retries(self, method, path, query, json_body, authenticated):
        """One request until it is answered, or its retries are spent.

        Every failure worth another attempt counts against `retries`, except a 429 with Retry-After while
        this request has waited less than RATE_LIMIT_PATIENCE seconds on such answers (retries 0: no retry).
        """
        failures = 0
        sent = 0
        waited_on_rate_limit = 0.0
        while True:
            sent += 1
            try:
                return self._send_once(method, path, query, json_body, authenticated)
            except _Retryable as retryable:
                pause = self._pause(sent, retryable.wait)
                if self.retries and retryable.rate_limited and retryable.wait is not None \
                        and waited_on_rate_limit + pause <= RATE_LIMIT_PATIENCE:
                    waited_on_rate_limit += pause
                else:
                    failures += 1
                    if failures > self.retries:
                        error = retryable.error
                        if sent > 1:
                            error.message += ' (after %d attempts)' % sent
                        raise error
                self.sleep(pause)

    def _pause(self, attempt, retry_after):
        """Seconds to wait after failed attempt number `attempt`, with full jitter.

        Without Retry-After: anywhere up to an exponential ceiling. With it: what the server asked, in full,
        plus up to as much again (at most the ceiling), so that processes refused together come back apart.
        """
        ceiling = min(MAX_BACKOFF, self.backoff_base * (2 ** (attempt - 1)))
        if retry_after is None:
            return ceiling * self.jitter()
        return retry_after + min(ceiling, max(retry_after, 1.0)) * self.jitter()

    def _send_once(self, method, path, query, json_body, authenticated):
        url = self.base_url + path + ('?' + query if query else '')
        headers = {'Authorization': 'Bearer ' + self._token} if authenticated else {}
        with self._count_lock:
            self.request_count += 1
        try:
            response = self.session.request(method, url, json=json_body, headers=headers, timeout=self.timeout, verify=self.verify)
        except requests.exceptions.SSLError as exc:
            raise self._tls_error(exc)
        except requests.exceptions.Timeout:
            raise _Retryable(RunaiError('Run:ai did not answer %s %s within the timeout of %s' % (
                method, path, _seconds(self.timeout)), method=method, path=path))
        except requests.exceptions.ConnectionError as exc:
            raise _Retryable(RunaiError(self._connection_message(exc, method, path), method=method, path=path))
        except requests.exceptions.RequestException:
            # A body cut short (ChunkedEncodingError, ContentDecodingError): the same to the user as a dropped connection.
            raise _Retryable(RunaiError('The connection to Run:ai at %s broke during %s %s' % (self.base_url, method, path), method=method, path=path))
        if response.status_code == 429:
            with self._count_lock:
                self.rate_limited_count += 1
        if response.status_code in RETRY_STATUSES:
            wait = parse_retry_after(response.headers.get('Retry-After'))
            if wait is not None and wait > MAX_RETRY_AFTER:
                raise RunaiError(
                    'Run:ai answered HTTP %d to %s %s and asked to retry after %s, longer than the %d seconds '
                    'this collection waits; try again later' % (response.status_code, method, path, _seconds(wait), MAX_RETRY_AFTER),
                    status=response.status_code, method=method, path=path)
            raise _Retryable(self._http_error(response, method, path, None), wait=wait)
        return response

    def _decode(self, response, method, path, not_found):
        if response.status_code >= 400:
            raise self._http_error(response, method, path, not_found)
        try:
            return response.status_code, decode_json(response.content)
        except ValueError:
            raise RunaiError('Run:ai answered %s %s with HTTP %d but the body is not valid JSON (%d bytes)' % (
                method, path, response.status_code, len(response.content)), status=response.status_code, method=method, path=path)

    # -- authentication -----------------------------------------------------------------------

    def _ensure_token(self):
        with self._token_lock:
            if self._token is None:
                self._token = self._obtain_token()
                self._token_generation += 1
            return self._token_generation

    def _renew_token(self, seen_generation):
        # Concurrent page fetches may all see the same expired token: only the first renews it.
        with self._token_lock:
            if self._token_generation == seen_generation:
                self._token = self._obtain_token()
                self._token_generation += 1

    def _obtain_token(self):
        body = {'grantType': 'client_credentials', 'clientID': self.client_id, 'clientSecret': self._client_secret}
        response = self._send_with_retries('POST', TOKEN_PATH, '', body, authenticated=False)
        if response.status_code in (400, 401):
            raise RunaiError('Run:ai rejected the credentials of client_id %s: HTTP %d from POST %s: %s' % (
                shown(self.client_id), response.status_code, TOKEN_PATH, self._server_message(response)),
                status=response.status_code, method='POST', path=TOKEN_PATH)
        token = self._decode(response, 'POST', TOKEN_PATH, None)[1]
        access_token = token.get('accessToken') if isinstance(token, dict) else None
        if not access_token:
            raise RunaiError('Run:ai answered POST %s without an accessToken' % TOKEN_PATH, method='POST', path=TOKEN_PATH)
        return access_token

    # -- error mapping ------------------------------------------------------------------------

    def _http_error(self, response, method, path, not_found):
        status = response.status_code
        server_message = self._server_message(response)
        if status == 401:
            what = 'Run:ai rejected the token' if self._token_given else 'Run:ai rejected the credentials'
        elif status == 403:
            what = 'The credentials lack permission for this resource'
        elif status == 404 and not_found:
            what = '%s was not found' % not_found
        else:
            what = 'Run:ai API request failed'
        message = '%s: HTTP %d from %s %s: %s' % (what, status, method, path, server_message)
        return RunaiError(message, status=status, method=method, path=path, server_message=server_message)

    def _connection_message(self, exc, method, path):
        reason = str(exc).lower()
        if any(marker in reason for marker in ('name or service not known', 'nodename nor servname', 'failed to resolve',
                                               'temporary failure in name resolution', 'no address associated')):
            return 'Cannot resolve the host name of base_url %s' % self.base_url
        if 'refused' in reason:
            return 'Cannot connect to Run:ai at %s: connection refused' % self.base_url
        # An HTTPS server asked in plain HTTP resets the connection, closes it, or answers with TLS bytes that are no
        # HTTP status line: which one depends on timing, so any broken plain-HTTP connection gets the hint.
        hint = ' (base_url starts with http://: if the server speaks HTTPS, use https://)' if self.base_url.startswith('http://') else ''
        return 'The connection to Run:ai at %s broke during %s %s%s' % (self.base_url, method, path, hint)

    def _tls_error(self, exc):
        verify_failure = re.search(r'certificate verify failed: (.*?)\s*\(_ssl', str(exc))
        if verify_failure:
            return RunaiError('TLS certificate verification of %s failed (%s); set ca_path to the CA bundle that signed '
                              "the server's certificate, or validate_certs to false to skip verification" % (
                                  self.base_url, verify_failure.group(1).rstrip('.')))
        return RunaiError('The TLS handshake with %s failed; check base_url, ca_path and validate_certs' % self.base_url)

    def _server_message(self, response):
        if self.base_url.startswith('http://') and PLAIN_HTTP_TO_HTTPS in (response.content or b'')[:2000]:
            # nginx (an ingress in front of Run:ai) answers a plain-HTTP request on its HTTPS port with a 400 page.
            return 'the server answered that a plain HTTP request was sent to its HTTPS port (base_url starts with http://: use https://)'
        # Redacted before it is cut, so that no part of a secret is left at the cut.
        return cut(self._redact(describe_body(response)), MAX_SERVER_MESSAGE)

    def _redact(self, text):
        # A server or proxy could echo what it was sent; no secret may reach a message.
        for secret in (self._client_secret, self._token):
            if secret:
                text = text.replace(secret, '********')
        return text

    # -- paging -------------------------------------------------------------------------------

    def paginate(self, path, params, item_key, offset=0, page_size=DEFAULT_PAGE_SIZE, max_items=None, not_found=None):
        """Every item of a paged list: see _pager.paginate."""
        return _pager.paginate(self, path, params, item_key, offset=offset, page_size=page_size, max_items=max_items, not_found=not_found)

    def iter_pages(self, path, params, item_key, offset=0, page_size=DEFAULT_PAGE_SIZE, max_items=None, not_found=None):
        """Each page's new items in order, for callers that summarise a page and drop it: see _pager.iter_pages."""
        return _pager.iter_pages(self, path, params, item_key, offset=offset, page_size=page_size, max_items=max_items, not_found=not_found)

    def scope_count(self, path, params):
        """How many items the list at `path` holds, from the API's count path; None when it has none or it failed.

        The concurrent pager plans its pages ahead up to this count (_pager.count_query says when it is exact).
        """
        count_request = _pager.count_query(path, params)
        if count_request is None:
            return None
        try:
            body = self.get(*count_request)[1]
        except RunaiError:
            return None  # the read goes on without it, planning fewer pages ahead
        count = body.get('count') if isinstance(body, dict) else None
        return count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else None


def _seconds(value):
    return '%g second%s' % (value, '' if value == 1 else 's')
