# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""What the Run:ai API accepts as input, checked before any request. Pure functions, no I/O.

Each check raises ValueError with the reason only; the caller prefixes the option (or lookup term)
and the value, so every plugin words the same mistake the same way.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import re

from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, shown

# The spec's filterBy pattern: ^(clusterId|...|deletedAt)(==|!=|<=|>=|=@|!@|=\^|=\$).+$
FILTER_FIELDS = ('clusterId', 'workloadId', 'revisionId', 'nodeName', 'currentNodepool', 'createdAt', 'completedAt', 'deletedAt')
FILTER_OPERATORS = ('==', '!=', '<=', '>=', '=@', '!@', '=^', '=$')
DATE_FIELDS = ('createdAt', 'completedAt', 'deletedAt')
DATE_OPERATORS = ('==', '!=', '<=', '>=')
SORT_FIELDS = FILTER_FIELDS

# The field is whatever stands before the first operator, so that a wrong field is named as such.
_FILTER_SHAPE = re.compile(r'^(.*?)(==|!=|<=|>=|=@|!@|=\^|=\$)(.*)$', re.DOTALL)
_UUID = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')
_ISO_8601 = re.compile(
    r'^(\d{4})-(\d{2})-(\d{2})'
    r'(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?'
    r'(Z|z|[+-]\d{2}(?::?\d{2})?)?$')


def uuid_option(name, value, required=False):
    """The option's UUID as given, or None when unset and optional; RunaiError naming the option otherwise."""
    if value is None and not required:
        return None
    if not isinstance(value, str) or not _UUID.match(value):
        raise RunaiError('%s %s is not a UUID (expected the form 8-4-4-4-12 hexadecimal digits)' % (name, shown(value)))
    return value


def parse_filter(expression):
    """Return the filter as it is sent: date values normalised to UTC with milliseconds."""
    if not isinstance(expression, str):
        raise ValueError('is not a string of the form <field><operator><value>')
    shape = _FILTER_SHAPE.match(expression)
    if not shape:
        raise ValueError('has no operator; valid operators: %s' % ', '.join(FILTER_OPERATORS))
    field, operator, value = shape.groups()
    if field not in FILTER_FIELDS:
        hint = " (the filter key is 'currentNodepool', with a lower-case p)" if field.lower() == 'currentnodepool' else ''
        raise ValueError('unknown field %s%s; valid fields: %s' % (shown(field), hint, ', '.join(FILTER_FIELDS)))
    if value == '':
        raise ValueError('has an empty value')
    if field in DATE_FIELDS:
        if operator not in DATE_OPERATORS:
            raise ValueError('operator %r does not apply to the date field %s; valid operators for dates: %s' % (
                operator, field, ', '.join(DATE_OPERATORS)))
        try:
            value = to_api_datetime(value)
        except ValueError:
            raise ValueError('%s needs an ISO 8601 date-time, got %s' % (field, shown(value)))
    return field + operator + value


def to_api_datetime(text):
    """ISO 8601 (date, date-time, any zone; zone-less is UTC) -> '2026-11-27T12:00:00.000Z'."""
    match = _ISO_8601.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError('not an ISO 8601 date-time: %r' % (text,))
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    microseconds = int((fraction or '0').ljust(6, '0')[:6])
    moment = datetime.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                               microseconds, tzinfo=_zone(zone))
    return format_api_datetime(moment)


def format_api_datetime(moment):
    """An aware datetime -> the API's form, UTC with milliseconds and Z."""
    utc = moment.astimezone(datetime.timezone.utc)
    return utc.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (utc.microsecond // 1000)


def _zone(zone):
    if not zone or zone in ('Z', 'z'):
        return datetime.timezone.utc
    sign = -1 if zone[0] == '-' else 1
    digits = zone[1:].replace(':', '')
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError('bad zone offset %r' % zone)
    return datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))
