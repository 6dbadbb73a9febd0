# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Dates: every form users and the API write, the API's one form, and the edges of what can be represented."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime

import pytest

from ansible_collections.runai.platform.plugins.module_utils._dates import (
    DateOutOfRange, format_api_datetime, parse_datetime, parse_time, to_api_datetime)

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)
BEFORE = 'out of range: it falls before 0001-01-01T00:00:00.000Z, the earliest date that can be sent'
AFTER = 'out of range: it falls after 9999-12-31T23:59:59.999Z, the latest date that can be sent'


@pytest.mark.parametrize('text, expected', [
    ('2026-11-27', '2026-11-27T00:00:00.000Z'),
    ('2026-11-27T12:30', '2026-11-27T12:30:00.000Z'),
    ('2026-11-27t12:30:15z', '2026-11-27T12:30:15.000Z'),
    ('2026-11-27 07:00:00-0500', '2026-11-27T12:00:00.000Z'),
    ('2026-11-27T14:30:15+02:00', '2026-11-27T12:30:15.000Z'),
    ('2026-11-27T14:30:15+02', '2026-11-27T12:30:15.000Z'),
    ('2026-11-27T12:30:15,5Z', '2026-11-27T12:30:15.500Z'),
    ('2026-11-27T12:30:15.123456789', '2026-11-27T12:30:15.123Z'),
    ('  2026-11-27T12:30:15Z  ', '2026-11-27T12:30:15.000Z'),
    ('2026-11-27T12:30:15Z', '2026-11-27T12:30:15.000Z'),
    ('2026-01-01T00:30:00+01:00', '2025-12-31T23:30:00.000Z'),
    # The edges: year 1 and year 9999 are sent as four digits, whatever the zone they were written in.
    ('0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'),
    ('0001-01-01T00:00:00-01:00', '0001-01-01T01:00:00.000Z'),
    ('0001-01-01', '0001-01-01T00:00:00.000Z'),
    ('9999-12-31T23:59:59.999999Z', '9999-12-31T23:59:59.999Z'),
    ('9999-12-31T23:59:59+01:00', '9999-12-31T22:59:59.000Z'),
])
def test_iso_8601_forms_are_sent_in_utc_with_milliseconds(text, expected):
    assert to_api_datetime(text) == expected


@pytest.mark.parametrize('text, reason', [
    ('0001-01-01T00:00:00+01:00', BEFORE),
    ('0001-01-01T00:59:59.999+01:00', BEFORE),
    ('0001-01-01+00:01', BEFORE),
    ('0000-06-15T00:00:00Z', BEFORE),
    ('9999-12-31T23:59:59-01:00', AFTER),
    ('9999-12-31T23:00:00-01:00', AFTER),
    ('9999-12-31T23:59:59.999999-00:01', AFTER),
])
def test_dates_outside_years_1_to_9999_in_utc_are_out_of_range(text, reason):
    with pytest.raises(DateOutOfRange) as failure:
        parse_datetime(text)
    assert str(failure.value) == reason


@pytest.mark.parametrize('text', ['yesterday', '27/11/2026', '2026-02-30', '2026-13-01', '2026-11-27T25:00:00Z', '2026-11-27T12:60',
                                  '2026-11-27T23:59:60Z', '2026-11-27T12:00:00+24:00', '2026-11-27T12:00:00+05:60', '12026-01-01',
                                  '2026-1-1', '2026-11-27T12:00:00.1234567890Z', '', None, 20261127, '-1h', 'now'])
def test_anything_else_is_not_iso_8601(text):
    with pytest.raises(ValueError) as failure:
        parse_datetime(text)
    assert str(failure.value) == 'not an ISO 8601 date-time'
    assert not isinstance(failure.value, DateOutOfRange)


def test_parse_gives_aware_utc_datetimes_that_compare_across_zones():
    assert parse_datetime('2026-11-27T14:00:00+02:00') == parse_datetime('2026-11-27T12:00:00Z') == datetime.datetime(2026, 11, 27, 12, tzinfo=UTC)
    assert parse_datetime('2026-11-27T12:00:00Z').tzinfo is UTC


def test_format_writes_the_apis_form_for_any_zone():
    assert format_api_datetime(datetime.datetime(1, 1, 1, tzinfo=UTC)) == '0001-01-01T00:00:00.000Z'
    assert format_api_datetime(datetime.datetime(2026, 11, 27, 14, 0, 0, 999999, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))) == \
        '2026-11-27T12:00:00.999Z'


@pytest.mark.parametrize('text, expected', [
    ('now', NOW),
    ('-0s', NOW),
    ('-30s', NOW - datetime.timedelta(seconds=30)),
    ('-15m', NOW - datetime.timedelta(minutes=15)),
    ('-2h', NOW - datetime.timedelta(hours=2)),
    ('-1d', NOW - datetime.timedelta(days=1)),
    ('-1w', NOW - datetime.timedelta(weeks=1)),
    ('-105000w', datetime.datetime(14, 7, 18, 12, 0, 0, tzinfo=UTC)),
    ('2026-11-27T10:00:00', datetime.datetime(2026, 11, 27, 10, tzinfo=UTC)),
    ('2026-11-27T10:00:00Z', datetime.datetime(2026, 11, 27, 10, tzinfo=UTC)),
    ('2026-11-27T12:00:00+02:00', datetime.datetime(2026, 11, 27, 10, tzinfo=UTC)),
    ('2026-11-27T10:00:00.250Z', datetime.datetime(2026, 11, 27, 10, 0, 0, 250000, tzinfo=UTC)),
])
def test_times_users_write(text, expected):
    assert parse_time(text, NOW) == expected


@pytest.mark.parametrize('text', ['-99999999w', '-999999999999d', '-106000w', '-9999999999999999999999s', '-' + '9' * 5000 + 's',
                                  '0001-01-01T00:00:00+01:00'])
def test_times_before_year_1_are_out_of_range(text):
    with pytest.raises(DateOutOfRange) as failure:
        parse_time(text, NOW)
    assert str(failure.value) == BEFORE


@pytest.mark.parametrize('text', ['1h', '+1h', '-1.5h', '-1y', '-h', '-1 h', 'Now', 'yesterday', '', None, 5, '2026-13-01'])
def test_other_times_name_the_forms(text):
    with pytest.raises(ValueError) as failure:
        parse_time(text, NOW)
    assert str(failure.value) == ('not an ISO 8601 date-time, now, or -<n><unit> with one unit of s, m, h, d, w '
                                  '(as in -30s, -15m, -2h, -1d, -1w)')
