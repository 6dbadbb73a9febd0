# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""The collection's one exception: which of its failures are worth asking again, and how a user's value is quoted in its messages."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

# Statuses after which asking again may succeed: the client retries a request on them (within `retries`), and a
# wait polls again after them once the retries are spent. A connection error or timeout has none.
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
# A value longer than this is cut in messages: a 10,000-character option must not become a 10,000-character error.
MAX_SHOWN = 80


class RunaiError(Exception):
    """A failure the user can act on; str() is the message shown to them.

    `protocol` marks an answer that breaks the API's protocol (a list without its items, a `next` that
    does not move forward, a pod that is not an object): asking again will not mend it, so a wait ends
    at once, as it does on 400, 401 and 403.
    """

    def __init__(self, message, status=None, method=None, path=None, server_message=None, protocol=False):
        super(RunaiError, self).__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.path = path
        self.server_message = server_message
        self.protocol = protocol

    def __str__(self):
        return self.message

    def details(self):
        """What a failed result carries beside `msg`, so a playbook can rescue on it without parsing text."""
        fields = (('status', self.status), ('method', self.method), ('path', self.path), ('server_message', self.server_message))
        return dict((name, value) for name, value in fields if value is not None)


def is_transient(exc):
    """A failure after which a wait polls again: a connection error or timeout (no status), 429 or 5xx after the retries.

    400, 401, 403 and every other answer end the wait at once; so does a TLS failure (no method either:
    no poll will fare better), and so does an answer that breaks the protocol (`protocol`).
    """
    if not isinstance(exc, RunaiError) or exc.protocol:
        return False
    if exc.status is None:
        return exc.method is not None
    return exc.status in RETRY_STATUSES


def shown(value):
    """The value as a message quotes it (repr), cut short when very long."""
    return cut(repr(value))


def cut(text, limit=MAX_SHOWN):
    """The text, or its start and its length when it is longer than `limit`."""
    if len(text) <= limit:
        return text
    return '%s... (%d characters)' % (text[:limit - 3], len(text))
