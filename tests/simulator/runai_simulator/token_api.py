"""POST /api/v1/token (JSON, keys matched without regard to case) and POST /api/v2/token (OAuth2 form)."""

import base64
import binascii
import json
import secrets
import urllib.parse

from .errors import ApiError, OAuthError
from .messages import json_response

# grantType -> (id key, secret key), lower-cased: the control plane matches JSON keys without regard to case.
V1_GRANTS = {'client_credentials': ('clientid', 'clientsecret'), 'app_token': ('appid', 'appsecret')}
V1_OTHER_GRANTS = ('refresh_token', 'exchange_token', 'password', 'external_token_exchange')
V2_GRANTS = ('authorization_code', 'client_credentials', 'password', 'refresh_token')
NO_STORE = {'Cache-Control': 'no-store', 'Pragma': 'no-cache'}


def _json_object(body):
    try:
        document = json.loads(body.decode('utf-8')) if body else None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(400, 'The request body is not valid JSON', details=str(exc)) from exc
    if not isinstance(document, dict):
        raise ApiError(400, 'The request body must be a JSON object with grantType and credentials')
    return {str(key).lower(): value for key, value in document.items()}


def token_v1(request, issuer):
    fields = _json_object(request.body)
    grant_type = fields.get('granttype')
    if not grant_type:
        raise ApiError(400, 'grantType is required')
    if not isinstance(grant_type, str):
        raise ApiError(400, 'grantType must be a string')
    if grant_type in V1_OTHER_GRANTS:
        raise ApiError(400, 'grantType %r is not supported by the simulator; use client_credentials' % grant_type)
    if grant_type not in V1_GRANTS:
        raise ApiError(400, 'Unknown grantType %r' % (grant_type,))
    id_key, secret_key = V1_GRANTS[grant_type]
    client_id, client_secret = fields.get(id_key), fields.get(secret_key)
    if not isinstance(client_id, str) or not isinstance(client_secret, str) or not client_id or not client_secret:
        names = ('clientID', 'clientSecret') if grant_type == 'client_credentials' else ('appID', 'appSecret')
        raise ApiError(400, '%s and %s are required for grantType %s' % (names[0], names[1], grant_type))
    if not issuer.credentials_match(client_id, client_secret):
        raise ApiError(401, 'Invalid client credentials', details='the client id or secret is wrong')
    access_token, id_token, lifetime = issuer.issue()
    return json_response(200, {'accessToken': access_token, 'idToken': id_token,
                               'refreshToken': secrets.token_urlsafe(32), 'expiresIn': lifetime}, NO_STORE)


def _basic_credentials(authorization):
    """client_secret_basic (RFC 6749, 2.3.1): `Authorization: Basic base64(id:secret)`."""
    scheme, _separator, encoded = (authorization or '').partition(' ')
    if scheme.lower() != 'basic':
        return None, None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode('utf-8')
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    client_id, _separator, client_secret = decoded.partition(':')
    return urllib.parse.unquote_plus(client_id), urllib.parse.unquote_plus(client_secret)


def token_v2(request, issuer):
    content_type = (request.header('Content-Type') or '').split(';')[0].strip().lower()
    if content_type != 'application/x-www-form-urlencoded':
        raise OAuthError(400, 'invalid_request', 'the body must be application/x-www-form-urlencoded')
    try:
        form = urllib.parse.parse_qs(request.body.decode('utf-8'), keep_blank_values=True)
    except UnicodeDecodeError as exc:
        raise OAuthError(400, 'invalid_request', 'the body is not UTF-8') from exc
    grant_type = (form.get('grant_type') or [''])[0]
    if not grant_type:
        raise OAuthError(400, 'invalid_request', 'grant_type is required')
    if grant_type != 'client_credentials':
        reason = 'is not supported by the simulator' if grant_type in V2_GRANTS else 'is unknown'
        raise OAuthError(400, 'unsupported_grant_type', 'grant_type %r %s' % (grant_type, reason))
    client_id = (form.get('client_id') or [''])[0]
    client_secret = (form.get('client_secret') or [''])[0]
    if not client_id and not client_secret:
        client_id, client_secret = _basic_credentials(request.header('Authorization'))
    if not client_id or not client_secret:
        raise OAuthError(400, 'invalid_request', 'client_id and client_secret are required')
    if not issuer.credentials_match(client_id, client_secret):
        raise OAuthError(401, 'invalid_client', 'Client authentication failed')
    access_token, _id_token, lifetime = issuer.issue()
    return json_response(200, {'access_token': access_token, 'token_type': 'Bearer', 'expires_in': lifetime}, NO_STORE)
