# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""Dates: the one parse of what users and the API write, and the one format the API is sent.

Pure functions, no I/O. Failures are ValueError with the reason only; the caller names the option
(`start`, a filter item), so every plugin words the same mistake the same way. Python's datetime
covers the years 1 to 9999 in UTC: a value outside them (`-99999999w`, year 1 with a positive
offset, year 9999 with a negative one) is refused as out of range, never left to an OverflowError.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import re

UTC = datetime.timezone.utc
EARLIEST = datetime.datetime.min.replace(tzinfo=UTC)
LATEST = datetime.datetime.max.replace(tzinfo=UTC)

_ISO_8601 = re.compile(
    r'^(\d{4})-(\d{2})-(\d{2})'
    r'(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?'
    r'(Z|z|[+-]\d{2}(?::?\d{2})?)?$')
# More digits than this before a unit is beyond year 9999 whatever the unit, and int() of thousands
# of digits is refused by Python itself (sys.set_int_max_str_digits): decide before converting.
_MAX_RELATIVE_DIGITS = 15
_RELATIVE = re.compile(r'^-(\d+)([smhdw])$')
_UNIT_SECONDS = {'s': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 604800}
RELATIVE_FORMS = 'an ISO 8601 date-time, now, or -<n><unit> with one unit of s, m, h, d, w (as in -30s, -15m, -2h, -1d, -1w)'


class DateOutOfRange(ValueError):
    """A well-formed date that falls outside the years 1 to 9999 in UTC."""


def parse_datetime(text):
    """ISO 8601 (a date, or a date-time in any zone; zone-less is UTC) -> an aware UTC datetime.

    ValueError when `text` is not ISO 8601 (or no such day or time exists), DateOutOfRange when it is
    but falls outside what can be represented.
    """
    match = _ISO_8601.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError('not an ISO 8601 date-time')
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if int(year) == 0:
        raise _out_of_range(before=True)
    microseconds = int((fraction or '0').ljust(6, '0')[:6])
    try:
        local = datetime.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), microseconds)
    except ValueError:  # no such day or time: 2026-02-30, 25:00
        raise ValueError('not an ISO 8601 date-time')
    offset = _zone_offset(zone)
    # Shift by hand: astimezone() of 0001-01-01T00:00+01:00 raises OverflowError from deep inside datetime.
    try:
        return (local - offset).replace(tzinfo=UTC)
    except OverflowError:
        raise _out_of_range(before=offset > datetime.timedelta(0))


def parse_time(text, now):
    """`now`, `-<n><unit>` (before `now`) or ISO 8601 -> an aware UTC datetime; ValueError otherwise."""
    if text == 'now':
        return now
    relative = _RELATIVE.match(text) if isinstance(text, str) else None
    if relative:
        digits, unit = relative.groups()
        try:
            if len(digits) > _MAX_RELATIVE_DIGITS:
                raise OverflowError(digits)
            return now - datetime.timedelta(seconds=int(digits) * _UNIT_SECONDS[unit])
        except OverflowError:
            raise _out_of_range(before=True)
    try:
        return parse_datetime(text)
    except DateOutOfRange:
        raise
    except ValueError:
        raise ValueError('not ' + RELATIVE_FORMS)


def format_api_datetime(moment):
    """An aware datetime -> the API's form, UTC with milliseconds and Z: 2026-11-27T12:00:00.000Z."""
    utc = moment.astimezone(UTC) if moment.utcoffset() else moment
    # Not strftime('%Y'): it writes year 1 as '1' on glibc, which no ISO 8601 reader accepts.
    return '%04d-%02d-%02dT%02d:%02d:%02d.%03dZ' % (utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, utc.microsecond // 1000)


def to_api_datetime(text):
    """ISO 8601 as a user writes it -> the API's form (see parse_datetime for the errors)."""
    return format_api_datetime(parse_datetime(text))


def _zone_offset(zone):
    if not zone or zone in ('Z', 'z'):
        return datetime.timedelta(0)
    digits = zone[1:].replace(':', '')
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError('not an ISO 8601 date-time')
    offset = datetime.timedelta(hours=hours, minutes=minutes)
    return -offset if zone[0] == '-' else offset


def _out_of_range(before):
    if before:
        return DateOutOfRange('out of range: it falls before %s, the earliest date that can be sent' % format_api_datetime(EARLIEST))
    return DateOutOfRange('out of range: it falls after %s, the latest date that can be sent' % format_api_datetime(LATEST))
