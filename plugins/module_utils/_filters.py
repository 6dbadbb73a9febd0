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

import re

from ansible_collections.runai.platform.plugins.module_utils._dates import DateOutOfRange, to_api_datetime
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
        except DateOutOfRange as exc:
            raise ValueError('%s %s is %s' % (field, shown(value), exc))
        except ValueError:
            raise ValueError('%s needs an ISO 8601 date-time, got %s' % (field, shown(value)))
    return field + operator + value
