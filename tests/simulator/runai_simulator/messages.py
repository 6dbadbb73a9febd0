"""The request and response objects passed between the HTTP layer and the handlers."""

import json

JSON_TYPE = 'application/json'


class Request:
    """One HTTP request: `params` maps each query parameter to its decoded values in order."""

    def __init__(self, method, path, query, params, headers, body):
        self.method = method
        self.path = path
        self.query = query
        self.params = params
        self.headers = headers
        self.body = body

    def header(self, name):
        return self.headers.get(name)


class Response:
    def __init__(self, status, body=b'', content_type=JSON_TYPE, headers=None):
        self.status = status
        self.body = body
        self.content_type = content_type if body else None
        self.headers = dict(headers or {})


def json_response(status, document, headers=None):
    return Response(status, json.dumps(document, separators=(',', ':')).encode('utf-8'), JSON_TYPE, headers)


def error_response(error):
    """An errors.ApiError or errors.OAuthError as its answer."""
    return json_response(error.status, error.body(), getattr(error, 'headers', None))
