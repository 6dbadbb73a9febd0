# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters as sent: date values normalised through _dates, and every date a filter cannot carry refused in words."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.runai.platform.plugins.module_utils._filters import parse_filter

BEFORE = 'is out of range: it falls before 0001-01-01T00:00:00.000Z, the earliest date that can be sent'
AFTER = 'is out of range: it falls after 9999-12-31T23:59:59.999Z, the latest date that can be sent'


@pytest.mark.parametrize('expression, expected', [
    ('createdAt>=2026-11-27', 'createdAt>=2026-11-27T00:00:00.000Z'),
    ('completedAt<=2026-11-27T12:00:00+01:00', 'completedAt<=2026-11-27T11:00:00.000Z'),
    ('deletedAt!=2026-11-27 07:00:00-0500', 'deletedAt!=2026-11-27T12:00:00.000Z'),
    ('createdAt==2026-11-27T12:00:00.5', 'createdAt==2026-11-27T12:00:00.500Z'),
    ('createdAt>=0001-01-01T00:00:00Z', 'createdAt>=0001-01-01T00:00:00.000Z'),
    ('createdAt>=0001-01-01T00:00:00-01:00', 'createdAt>=0001-01-01T01:00:00.000Z'),
    ('createdAt<=9999-12-31T23:59:59+01:00', 'createdAt<=9999-12-31T22:59:59.000Z'),
    ('createdAt<=9999-12-31T23:59:59.999Z', 'createdAt<=9999-12-31T23:59:59.999Z'),
])
def test_date_filters_are_sent_in_utc_with_milliseconds(expression, expected):
    assert parse_filter(expression) == expected


@pytest.mark.parametrize('expression, reason', [
    ('createdAt>=0001-01-01T00:00:00+01:00', "createdAt '0001-01-01T00:00:00+01:00' " + BEFORE),
    ('completedAt>=0001-01-01+05:00', "completedAt '0001-01-01+05:00' " + BEFORE),
    ('deletedAt==0000-01-01', "deletedAt '0000-01-01' " + BEFORE),
    ('createdAt<=9999-12-31T23:59:59-01:00', "createdAt '9999-12-31T23:59:59-01:00' " + AFTER),
    ('completedAt!=9999-12-31T23:30-00:45', "completedAt '9999-12-31T23:30-00:45' " + AFTER),
])
def test_date_filters_outside_years_1_to_9999_say_so(expression, reason):
    with pytest.raises(ValueError) as failure:
        parse_filter(expression)
    assert str(failure.value) == reason


@pytest.mark.parametrize('expression, value', [
    ('createdAt>=yesterday', "'yesterday'"),
    ('createdAt>=2026-02-30', "'2026-02-30'"),
    ('createdAt>=2026-11-27T12:00:00+24:00', "'2026-11-27T12:00:00+24:00'"),
    ('createdAt>=10000-01-01', "'10000-01-01'"),
    ('createdAt>=' + '9' * 200, "'%s... (202 characters)" % ('9' * 76)),
])
def test_date_filters_that_are_not_iso_8601_say_so(expression, value):
    with pytest.raises(ValueError) as failure:
        parse_filter(expression)
    assert str(failure.value) == 'createdAt needs an ISO 8601 date-time, got %s' % value


def test_other_filters_are_sent_as_written():
    assert parse_filter('nodeName==0001-01-01T00:00:00+01:00') == 'nodeName==0001-01-01T00:00:00+01:00'
