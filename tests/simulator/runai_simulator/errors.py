"""The API's error answers: the Error body `{"code", "message", "details"}` and the OAuth2 error body."""

from http import HTTPStatus


class ApiError(Exception):
    """An answer with the Error body; `legacy` drops `details`, as the deprecated path's Error1 has none."""

    def __init__(self, status, message, details=None, legacy=False, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details
        self.legacy = legacy
        self.headers = headers or {}

    def body(self):
        if self.legacy:
            return {'code': self.status, 'message': self.message}
        return {'code': self.status, 'message': self.message, 'details': self.details or _reason(self.status)}


class OAuthError(Exception):
    """An answer of POST /api/v2/token with the OAuth2Error body (RFC 6749, section 5.2)."""

    def __init__(self, status, error, description):
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description

    def body(self):
        return {'error': self.error, 'error_description': self.description}


def _reason(status):
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return 'HTTP %d' % status


def bad_parameter(name, value, why):
    return ApiError(400, "Invalid value %r for query parameter '%s': %s" % (value, name, why),
                    details="parameter '%s'" % name)
