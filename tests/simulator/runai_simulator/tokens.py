"""Bearer tokens: JWT-shaped (HS256 with a per-process random key), valid until `exp` unless expired by an admin call."""

import base64
import hashlib
import hmac
import json
import math
import secrets
import threading
import time

ISSUER = 'runai-simulator'


def _b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b'=').decode('ascii')


def _b64url_decode(text):
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


def _json_segment(document):
    # The payload is plain ASCII without '>', '?' or '~', so its base64url text holds no '-' or '_'
    # either: readers that decode it with the standard alphabet (the official Python SDK does) still work.
    return _b64url(json.dumps(document, separators=(',', ':'), sort_keys=True).encode('ascii'))


def bearer_token(authorization):
    """The token of an `Authorization: Bearer <token>` header value, else None (the scheme is case-insensitive)."""
    if not authorization:
        return None
    scheme, _separator, token = authorization.strip().partition(' ')
    if scheme.lower() != 'bearer' or not token.strip():
        return None
    return token.strip()


class TokenIssuer:
    def __init__(self, client_id, client_secret, ttl_seconds, tenant_id):
        self.client_id = client_id
        self._client_secret = client_secret
        self.ttl_seconds = ttl_seconds
        self.tenant_id = tenant_id
        self._key = secrets.token_bytes(32)
        self._expiry_by_jti = {}
        self._lock = threading.Lock()

    def credentials_match(self, client_id, client_secret):
        # Both compared in constant time, and both always compared.
        id_ok = hmac.compare_digest(str(client_id).encode(), self.client_id.encode())
        secret_ok = hmac.compare_digest(str(client_secret).encode(), self._client_secret.encode())
        return id_ok and secret_ok

    def _sign(self, payload):
        header = _json_segment({'alg': 'HS256', 'typ': 'JWT'})
        body = _json_segment(payload)
        signature = hmac.new(self._key, ('%s.%s' % (header, body)).encode('ascii'), hashlib.sha256).digest()
        return '%s.%s.%s' % (header, body, _b64url(signature))

    def issue(self):
        """A new access token and an id token; returns (access_token, id_token, lifetime in seconds)."""
        issued_at = time.time()
        # Rounded up: the token lives at least the whole TTL, and the `exp` claim is exactly when it stops working.
        expires_at = math.ceil(issued_at + self.ttl_seconds)
        jti = secrets.token_hex(16)
        claims = {'iss': ISSUER, 'sub': self.client_id, 'aud': 'runai', 'iat': int(issued_at), 'exp': expires_at,
                  'jti': jti, 'tenant_id': self.tenant_id, 'client_id': self.client_id}
        with self._lock:
            self._expiry_by_jti[jti] = expires_at
        id_claims = dict(claims, jti=secrets.token_hex(16), token_use='id')
        return self._sign(claims), self._sign(id_claims), self.ttl_seconds

    def is_valid(self, token):
        parts = token.split('.')
        if len(parts) != 3:
            return False
        expected = hmac.new(self._key, ('%s.%s' % (parts[0], parts[1])).encode('ascii', 'replace'), hashlib.sha256).digest()
        try:
            if not hmac.compare_digest(_b64url_decode(parts[2]), expected):
                return False
            claims = json.loads(_b64url_decode(parts[1]))
        except ValueError:
            return False
        if not isinstance(claims, dict):
            return False
        with self._lock:
            expires_at = self._expiry_by_jti.get(claims.get('jti'))
        return expires_at is not None and time.time() < expires_at

    def expire_all(self):
        """Every token issued so far stops working; returns how many were still valid."""
        now = time.time()
        with self._lock:
            still_valid = sum(1 for expires_at in self._expiry_by_jti.values() if now < expires_at)
            self._expiry_by_jti.clear()
        return still_valid
