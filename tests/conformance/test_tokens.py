"""Both token paths, the bearer check of the API paths, and token expiry."""

import base64
import json
import time

import pytest

from harness import start_simulator

PODS_PATH = '/api/v1/workloads/pods'


def jwt_claims(token):
    header, payload, signature = token.split('.')
    assert header and signature
    return json.loads(base64.urlsafe_b64decode(payload + '=' * (-len(payload) % 4)))


@pytest.mark.parametrize('keys', [
    ('grantType', 'clientID', 'clientSecret'),
    ('grantType', 'clientId', 'clientSecret'),
    ('granttype', 'CLIENTID', 'ClientSecret'),
], ids=['documented', 'docs-spelling', 'any-case'])
def test_v1_client_credentials_with_keys_in_any_case(api, keys):
    grant_key, id_key, secret_key = keys
    answer = api.post_json('/api/v1/token', {grant_key: 'client_credentials', id_key: api.sim.client_id, secret_key: api.sim.client_secret})
    assert answer.status == 200
    document = answer.json()
    assert set(document) == {'accessToken', 'idToken', 'refreshToken', 'expiresIn'}
    assert document['expiresIn'] == 3600
    assert api.get(PODS_PATH, token=document['accessToken']).status == 200


@pytest.mark.parametrize('keys', [('appID', 'appSecret'), ('AppId', 'AppSecret')], ids=['documented', 'python-sdk'])
def test_v1_deprecated_app_token(api, keys):
    answer = api.post_json('/api/v1/token', {'grantType': 'app_token', keys[0]: api.sim.client_id, keys[1]: api.sim.client_secret})
    assert answer.status == 200
    assert api.get(PODS_PATH, token=answer.json()['accessToken']).status == 200


def test_tokens_are_jwts_with_exp_iat_and_unique_jti(api):
    tokens = [api.token(renew=True) for _attempt in range(3)]
    claims = [jwt_claims(token) for token in tokens]
    now = time.time()
    for claim in claims:
        assert claim['iat'] <= now + 1 and claim['exp'] - claim['iat'] in (3600, 3601)
    assert len({claim['jti'] for claim in claims}) == 3


def test_token_payload_also_decodes_with_the_standard_alphabet(api):
    """The official Python SDK reads `exp` with base64.b64decode (standard alphabet, '==' appended)."""
    payload = api.token(renew=True).split('.')[1]
    assert '-' not in payload and '_' not in payload
    assert 'exp' in json.loads(base64.b64decode(payload + '=='))


@pytest.mark.parametrize('document', [
    {'grantType': 'client_credentials', 'clientID': 'runai-sim-client', 'clientSecret': 'wrong'},
    {'grantType': 'client_credentials', 'clientID': 'someone-else', 'clientSecret': 'wrong'},
    {'grantType': 'app_token', 'appID': 'runai-sim-client', 'appSecret': 'wrong'},
], ids=['wrong secret', 'wrong id', 'app_token wrong secret'])
def test_v1_wrong_credentials_are_401(api, document):
    answer = api.post_json('/api/v1/token', document)
    assert answer.status == 401
    assert answer.json()['code'] == 401


@pytest.mark.parametrize('body', [
    b'', b'{not json', b'[1, 2]', b'"text"',
    json.dumps({'clientID': 'a', 'clientSecret': 'b'}).encode(),
    json.dumps({'grantType': 'client_credentials', 'clientID': 'runai-sim-client'}).encode(),
    json.dumps({'grantType': 'client_credentials', 'clientID': 'runai-sim-client', 'clientSecret': 7}).encode(),
    json.dumps({'grantType': 'magic', 'clientID': 'a', 'clientSecret': 'b'}).encode(),
    json.dumps({'grantType': 'password', 'username': 'a', 'password': 'b'}).encode(),
], ids=['empty', 'not json', 'array', 'string', 'no grantType', 'no secret', 'secret not a string', 'unknown grant', 'unsupported grant'])
def test_v1_malformed_requests_are_400(api, body):
    answer = api.post_json('/api/v1/token', body)
    assert answer.status == 400
    assert answer.json()['code'] == 400


def test_v2_client_credentials(api):
    answer = api.post_form('/api/v2/token', {'grant_type': 'client_credentials', 'client_id': api.sim.client_id,
                                             'client_secret': api.sim.client_secret})
    assert answer.status == 200
    document = answer.json()
    assert document['token_type'] == 'Bearer' and document['expires_in'] == 3600
    assert answer.header('cache-control') == 'no-store'
    assert jwt_claims(document['access_token'])['exp']
    assert api.get(PODS_PATH, token=document['access_token']).status == 200


def test_v2_client_secret_basic(api):
    credentials = base64.b64encode(('%s:%s' % (api.sim.client_id, api.sim.client_secret)).encode()).decode()
    answer = api.post_form('/api/v2/token', {'grant_type': 'client_credentials'}, headers={'Authorization': 'Basic ' + credentials})
    assert answer.status == 200


@pytest.mark.parametrize('fields, status, error', [
    ({'grant_type': 'client_credentials', 'client_id': 'runai-sim-client', 'client_secret': 'wrong'}, 401, 'invalid_client'),
    ({'client_id': 'runai-sim-client', 'client_secret': 'x'}, 400, 'invalid_request'),
    ({'grant_type': 'client_credentials'}, 400, 'invalid_request'),
    ({'grant_type': 'password', 'username': 'u', 'password': 'p'}, 400, 'unsupported_grant_type'),
    ({'grant_type': 'jwt-bearer'}, 400, 'unsupported_grant_type'),
], ids=['wrong secret', 'no grant', 'no credentials', 'password grant', 'unknown grant'])
def test_v2_errors_use_the_oauth2_body(api, fields, status, error):
    answer = api.post_form('/api/v2/token', fields)
    assert answer.status == status
    assert answer.json()['error'] == error


def test_v2_refuses_a_json_body(api):
    answer = api.post_json('/api/v2/token', {'grant_type': 'client_credentials', 'client_id': api.sim.client_id,
                                             'client_secret': api.sim.client_secret})
    assert answer.status == 400 and answer.json()['error'] == 'invalid_request'


@pytest.mark.parametrize('authorization', [None, 'Bearer', 'Bearer ', 'Basic abc', 'Bearer not-a-jwt', 'Bearer a.b.c'])
def test_api_paths_require_a_valid_bearer_token(api, authorization):
    headers = {'Authorization': authorization} if authorization is not None else {}
    answer = api.get(PODS_PATH, token=False, headers=headers)
    assert answer.status == 401
    assert answer.json()['code'] == 401


def test_a_token_signed_by_another_process_is_refused(api, make_client):
    with start_simulator('--pods', '10') as other:
        foreign = make_client(other).token()
    assert api.get(PODS_PATH, token=foreign).status == 401


def test_bearer_scheme_is_case_insensitive(api):
    assert api.get(PODS_PATH, token=False, headers={'Authorization': 'bearer ' + api.token()}).status == 200


def test_admin_expiry_revokes_every_token_issued_so_far(api, sim):
    token = api.token(renew=True)
    assert api.get(PODS_PATH, token=token).status == 200
    assert sim.expire_tokens() >= 1
    assert api.get(PODS_PATH, token=token).status == 401
    assert api.get(PODS_PATH, token=api.token(renew=True)).status == 200


def test_tokens_expire_after_the_ttl(make_client):
    with start_simulator('--pods', '10', '--token-ttl', '1') as short:
        client = make_client(short)
        answer = client.post_json('/api/v1/token', {'grantType': 'client_credentials', 'clientID': short.client_id,
                                                    'clientSecret': short.client_secret})
        token, lifetime = answer.json()['accessToken'], answer.json()['expiresIn']
        assert lifetime == 1
        assert client.get(PODS_PATH, token=token).status == 200
        # The token works until its `exp` claim (the TTL rounded up to a whole second), not a moment longer.
        time.sleep(max(0.0, jwt_claims(token)['exp'] - time.time()) + 0.05)
        assert client.get(PODS_PATH, token=token).status == 401
