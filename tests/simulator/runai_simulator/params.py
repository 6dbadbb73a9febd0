"""Query parameters checked against the spec's schemas; every bad value is a 400 naming the parameter.

`params` maps a name to the list of its decoded values in arrival order. A scalar parameter given
twice takes its first value (as Go's url.Values.Get, and most servers, do).
"""

import re

from .errors import ApiError, bad_parameter
from .timefmt import parse_iso8601_ms

INT32_MAX = 2 ** 31 - 1
UUID_PATTERN = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')
INTEGER_PATTERN = re.compile(r'^[+-]?[0-9]+$')


def first(params, name):
    values = params.get(name)
    return values[0] if values else None


def integer(params, name, default, minimum=0, maximum=INT32_MAX):
    text = first(params, name)
    if text is None:
        return default
    if not INTEGER_PATTERN.match(text):
        raise bad_parameter(name, text, 'not an integer')
    value = int(text)
    if not minimum <= value <= maximum:
        raise bad_parameter(name, text, 'must be between %d and %d' % (minimum, maximum))
    return value


def boolean(params, name, default=False):
    text = first(params, name)
    if text is None:
        return default
    lowered = text.lower()
    if lowered not in ('true', 'false'):
        raise bad_parameter(name, text, "must be 'true' or 'false'")
    return lowered == 'true'


def choice(params, name, allowed, default=None):
    text = first(params, name)
    if text is None:
        return default
    if text not in allowed:
        raise bad_parameter(name, text, 'must be one of %s' % ', '.join(allowed))
    return text


def required_date_time(params, name):
    text = first(params, name)
    if text is None or text == '':
        raise ApiError(400, "Missing required query parameter '%s'" % name, details="parameter '%s'" % name)
    try:
        return parse_iso8601_ms(text)
    except ValueError as exc:
        raise bad_parameter(name, text, 'not an ISO 8601 date-time') from exc


def uuid_in_path(value, name):
    if not UUID_PATTERN.match(value):
        raise ApiError(400, "Invalid path parameter '%s': %r is not a UUID" % (name, value), details="parameter '%s'" % name)
    return value.lower()
