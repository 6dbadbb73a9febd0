"""Routing of the API paths, and the bearer-token check every path but the two token paths requires."""

import re

from . import token_api
from .errors import ApiError, OAuthError
from .messages import error_response
from .tokens import bearer_token

SEGMENT = '([^/]+)'


class Route:
    def __init__(self, method, template, handler, needs_token=True):
        self.method = method
        self.template = template
        self.pattern = re.compile('^' + re.sub(r'\{[^}]+\}', SEGMENT, template) + '$')
        self.handler = handler
        self.needs_token = needs_token


class ControlPlaneApi:
    def __init__(self, pods_api, issuer):
        self.issuer = issuer
        self.routes = [
            Route('POST', '/api/v1/token', lambda request: token_api.token_v1(request, issuer), needs_token=False),
            Route('POST', '/api/v2/token', lambda request: token_api.token_v2(request, issuer), needs_token=False),
            Route('GET', '/api/v1/workloads/pods', pods_api.list_pods),
            Route('GET', '/api/v1/workloads/pods/count', pods_api.count_pods),
            Route('GET', '/api/v1/workloads/{workloadId}/pods', pods_api.workload_pods),
            Route('GET', '/api/v1/workloads/{workloadId}/pods/{podId}/metrics', pods_api.pod_metrics),
            Route('GET', '/api/v1/workloads/inferences/revisions/{revisionId}/pods', pods_api.revision_pods),
            Route('GET', '/v1/k8s/clusters/{uuid}/pods', pods_api.legacy_pods),
        ]

    def match(self, method, path):
        """(route, path arguments) of the request, or an ApiError: 404 for an unknown path, 405 for a wrong method."""
        allowed = []
        if method == 'HEAD':
            method = 'GET'      # answered as the GET it mirrors; the HTTP layer leaves the body out
        for route in self.routes:
            found = route.pattern.match(path)
            if found is None:
                continue
            if route.method == method:
                return route, found.groups()
            allowed.append(route.method)
        if allowed:
            raise ApiError(405, 'Method %s is not allowed on %s' % (method, path), headers={'Allow': ', '.join(allowed)})
        raise ApiError(404, 'No such path: %s' % path, details='not a path of the Run:ai API')

    def authenticated(self, request):
        """Whether the request carries a bearer token this process issued and that is still valid."""
        token = bearer_token(request.header('Authorization'))
        return token is not None and self.issuer.is_valid(token)

    def handle(self, request):
        """The answer to one API request, errors included."""
        try:
            route, arguments = self.match(request.method, request.path)
            if route.needs_token and not self.authenticated(request):
                has_bearer = bearer_token(request.header('Authorization')) is not None
                message = 'Token is invalid or expired' if has_bearer else 'Missing bearer token'
                raise ApiError(401, message, details='Authorization: Bearer <token> from POST /api/v1/token',
                               headers={'WWW-Authenticate': 'Bearer'})
            return route.handler(request, *arguments)
        except (ApiError, OAuthError) as error:
            return error_response(error)
