"""Fixtures of the simulator conformance suite: a session simulator, an API client that checks every
answer against the public OpenAPI spec, and the spec validator itself.

The spec is the copy in tests/simulator/openapi/openapi-pods.json; RUNAI_OPENAPI_SPEC overrides the path.
"""

import http.client
import json
import os
import re
import ssl
import sys
import urllib.parse

import pytest
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS30Validator, oas30_format_checker

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO_ROOT, 'tests', 'simulator'))

from harness import openapi_spec_path, start_simulator  # noqa: E402  pylint: disable=wrong-import-position

SPEC_PATH = openapi_spec_path()
SPEC_SERVER = 'https://app.run.ai'
SESSION_PODS = 2000
LIST_TEMPLATES = ('/api/v1/workloads/pods', '/api/v1/workloads/{workloadId}/pods')
SESSION_SEED = 42


class SpecValidator:
    """Validates an answer against the spec: openapi-core for every status the spec declares for the
    operation, and the spec's own Error (or OAuth2Error) schema for the statuses it leaves out
    (e.g. 400 on the list path, 401 on the v1 token path, 429 from a fault)."""

    def __init__(self, spec_path):
        with open(spec_path, encoding='utf-8') as handle:
            self.spec = json.load(handle)
        self.openapi = OpenAPI.from_file_path(spec_path)
        self.templates = [(template, _template_pattern(template)) for template in self.spec['paths']]
        self.checked = []
        self._validated_pods = set()

    def schema_validator(self, schema_name):
        schema = {'$ref': '#/components/schemas/%s' % schema_name, 'components': self.spec['components']}
        return OAS30Validator(schema, format_checker=oas30_format_checker)

    def template_of(self, path):
        for template, pattern in self.templates:
            if pattern.match(path):
                return template
        raise AssertionError('path %s is not in the spec' % path)

    def _without_validated_pods(self, body):
        """The list answer with only the pods not validated before (by exact content).

        Paging through many filters returns the same pods again and again; openapi-core takes about
        a millisecond per pod, so each distinct pod is validated once, and the envelope every time.
        """
        try:
            document = json.loads(body)
            pods = document['pods']
            keys = [json.dumps(pod, sort_keys=True) for pod in pods]
        except (ValueError, KeyError, TypeError):
            return body, ()      # malformed: validate it whole, and let it fail
        fresh = [(key, pod) for key, pod in zip(keys, pods) if key not in self._validated_pods]
        return json.dumps(dict(document, pods=[pod for _key, pod in fresh])).encode(), [key for key, _pod in fresh]

    def check(self, method, path, status, body, content_type='application/json'):
        """Raise if the answer does not validate; return 'declared' or 'undeclared' (which schema was used)."""
        template = self.template_of(path)
        responses = self.spec['paths'][template][method.lower()]['responses']
        if str(status) in responses or 'default' in responses:
            fresh_keys = ()
            if status == 200 and template in LIST_TEMPLATES:
                body, fresh_keys = self._without_validated_pods(body)
            self.openapi.validate_response(MockRequest(SPEC_SERVER, method, path),
                                           MockResponse(body, status_code=status, content_type=content_type))
            self._validated_pods.update(fresh_keys)
            verdict = 'declared'
        else:
            schema_name = 'OAuth2Error' if template == '/api/v2/token' else 'Error'
            self.schema_validator(schema_name).validate(json.loads(body))
            verdict = 'undeclared'
        self.checked.append((method, template, status, verdict))
        return verdict


def _template_pattern(template):
    return re.compile('^' + re.sub(r'\{[^}]+\}', '[^/]+', template) + '$')


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        return self.headers.get(name.lower())


class ApiClient:
    """A plain HTTP client for the simulator; every JSON answer is validated against the spec unless told not to."""

    def __init__(self, sim, validator):
        self.sim = sim
        self.validator = validator
        parsed = urllib.parse.urlsplit(sim.base_url)
        self.host, self.port, self.scheme = parsed.hostname, parsed.port, parsed.scheme
        self._connection = None
        self._token = None
        self.last_pages = 0

    def connect(self, timeout=30):
        if self.scheme == 'https':
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout,
                                               context=ssl.create_default_context(cafile=self.sim.ca_path))
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def raw(self, method, path, params=None, headers=None, body=None, connection=None):
        """One request on a given (or the shared keep-alive) connection; returns an Answer, no validation."""
        query = urllib.parse.urlencode(params or [], doseq=True)
        target = path + ('?' + query if query else '')
        own = connection is None
        if own:
            if self._connection is None:
                self._connection = self.connect()
            connection = self._connection
        try:
            connection.request(method, target, body=body, headers=headers or {})
            response = connection.getresponse()
            answer = Answer(response.status, {name.lower(): value for name, value in response.getheaders()}, response.read())
        except (http.client.HTTPException, OSError):
            if own:
                self._connection.close()
                self._connection = None
            raise
        if own and answer.header('connection') == 'close':
            self._connection.close()
            self._connection = None
        return answer

    def validated(self, method, path, answer):
        content_type = (answer.header('content-type') or 'application/json').split(';')[0]
        self.validator.check(method, path, answer.status, answer.body, content_type)
        return answer

    def token(self, renew=False):
        if self._token is None or renew:
            answer = self.post_json('/api/v1/token', {'grantType': 'client_credentials', 'clientID': self.sim.client_id,
                                                      'clientSecret': self.sim.client_secret})
            assert answer.status == 200, answer.body
            self._token = answer.json()['accessToken']
        return self._token

    def post_json(self, path, document, headers=None):
        body = document if isinstance(document, bytes) else json.dumps(document).encode()
        answer = self.raw('POST', path, headers=dict({'Content-Type': 'application/json'}, **(headers or {})), body=body)
        return self.validated('POST', path, answer)

    def post_form(self, path, fields, headers=None):
        body = urllib.parse.urlencode(fields).encode()
        answer = self.raw('POST', path, headers=dict({'Content-Type': 'application/x-www-form-urlencoded'}, **(headers or {})), body=body)
        return self.validated('POST', path, answer)

    def get(self, path, params=None, token=True, headers=None, validate=True):
        """GET with the session token (or `token` when a string, none when False); `params` a dict or pairs."""
        all_headers = dict(headers or {})
        if token is True:
            token = self.token()
        if token:
            all_headers['Authorization'] = 'Bearer ' + token
        answer = self.raw('GET', path, params=params, headers=all_headers)
        return self.validated('GET', path, answer) if validate else answer

    def ok(self, path, params=None):
        answer = self.get(path, params)
        assert answer.status == 200, (path, params, answer.status, answer.body[:500])
        return answer.json()

    def all_pods(self, path='/api/v1/workloads/pods', params=None, limit=500):
        """Every pod of a query, following `next` from offset 0; `last_pages` then holds the number of pages."""
        pairs = _pairs(params)
        pods, offset, self.last_pages = [], 0, 0
        while offset is not None:
            page = self.ok(path, pairs + [('limit', limit), ('offset', offset)])
            pods.extend(page['pods'])
            self.last_pages += 1
            offset = page.get('next')
        return pods

    def close(self):
        if self._connection is not None:
            self._connection.close()


def _pairs(params):
    if params is None:
        return []
    if isinstance(params, dict):
        return [(name, value) for name, values in params.items() for value in (values if isinstance(values, list) else [values])]
    return list(params)


@pytest.fixture(scope='session')
def validator():
    if not os.path.exists(SPEC_PATH):
        pytest.fail('the OpenAPI spec is missing: %s (set RUNAI_OPENAPI_SPEC)' % SPEC_PATH)
    return SpecValidator(SPEC_PATH)


@pytest.fixture(scope='session')
def sim():
    with start_simulator('--pods', SESSION_PODS, '--seed', SESSION_SEED) as simulator:
        yield simulator


@pytest.fixture(scope='session')
def api(sim, validator):
    client = ApiClient(sim, validator)
    yield client
    client.close()


@pytest.fixture(scope='session')
def inventory(sim):
    return sim.inventory()


@pytest.fixture(scope='session')
def live_pods(api):
    """Every non-deleted pod in the default order (full verbosity: workload and project names too)."""
    return api.all_pods(params={'verbosity': 'full'})


@pytest.fixture(scope='session')
def deleted_pods(api):
    return api.all_pods(params={'verbosity': 'full', 'deleted': 'true'})


@pytest.fixture(autouse=True)
def clean_simulator_state(request):
    """Each test starts with no pending fault and an empty request log on the session simulator."""
    if 'sim' in request.fixturenames:
        request.getfixturevalue('sim').reset()
    yield


@pytest.fixture
def make_client(validator):
    """An ApiClient for another simulator started by a test."""
    clients = []

    def make(simulator):
        client = ApiClient(simulator, validator)
        clients.append(client)
        return client
    yield make
    for client in clients:
        client.close()
