# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""The connection options, read through whatever adapter a plugin has, turned into one RunaiClient."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
from urllib.parse import urlsplit

from ansible_collections.runai.platform.plugins.module_utils._client import RunaiClient
from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, shown
from ansible_collections.runai.platform.plugins.module_utils._option_rules import Bound, check_bounds


# The environment variable each connection option falls back to, for every plugin.
ENVIRONMENT = {'base_url': 'RUNAI_BASE_URL', 'client_id': 'RUNAI_CLIENT_ID', 'client_secret': 'RUNAI_CLIENT_SECRET',
               'token': 'RUNAI_TOKEN', 'validate_certs': 'RUNAI_VALIDATE_CERTS', 'ca_path': 'RUNAI_CA_PATH',
               'timeout': 'RUNAI_TIMEOUT'}
CREDENTIALS = ('token', 'client_id', 'client_secret')
# The connection options of every plugin, declared once. Each plugin adds where else a value may come from:
# modules a fallback to ENVIRONMENT (_options.argument_spec), the lookup the `env:` and `vars:` of its doc
# fragment, the event source its `environ`. token, client_id and client_secret are read from the environment
# apart: which way of authenticating wins depends on where each value was set (credential_levels).
CONNECTION_ARGUMENT_SPEC = dict(
    base_url=dict(type='str'),
    client_id=dict(type='str'),
    client_secret=dict(type='str', no_log=True),
    token=dict(type='str', no_log=True),
    validate_certs=dict(type='bool', default=True),
    ca_path=dict(type='path'),
    timeout=dict(type='float', default=30.0),
    retries=dict(type='int', default=3),
)
CONNECTION_BOUNDS = {'timeout': Bound(above=0, number=True, wording='a number of seconds greater than 0'),
                     'retries': Bound(low=0, wording='an integer of 0 or more')}
# What a value of the environment that does not convert is said not to be, by option.
ENVIRONMENT_WORDING = {'validate_certs': 'a boolean', 'timeout': 'a number of seconds'}
_PEM_MARKER = b'-----BEGIN CERTIFICATE-----'
# What a URL may carry that a message must not repeat: everything after the first ? or #, and the user-info
# (the last @ before the path: a password may itself hold an @).
_QUERY_OR_FRAGMENT = re.compile(r'([?#]).*', re.DOTALL)
_USER_INFO = re.compile(r'^([^/?#]*//)?[^/?#]*@')


class CredentialLevel:
    """The credentials set at one level of precedence (task, Ansible variable, environment, ...).

    `describe(name)` says where a value of this level came from, in a message ("the task option token").
    """

    def __init__(self, describe, values):
        self.describe = describe
        self.values = dict((name, value) for name, value in values.items() if value)


class Sources:
    """How a plugin's user sets a connection option (its own option, an Ansible variable, the environment), for messages."""

    def __init__(self, option_word='option', variables=False):
        self.option_word = option_word
        self.variables = variables

    def ways(self, name):
        ways = ['the %s %s' % (name, self.option_word)]
        if self.variables:
            ways.append('the runai_%s variable' % name)
        if name in ENVIRONMENT:
            ways.append('the %s environment variable' % ENVIRONMENT[name])
        return ', or '.join(ways)

    def credential_ways(self):
        ways = ['as %ss' % self.option_word]
        if self.variables:
            ways.append('through the runai_client_id and runai_client_secret, or runai_token variables')
        ways.append('through the RUNAI_CLIENT_ID and RUNAI_CLIENT_SECRET, or RUNAI_TOKEN environment variables')
        return ', or '.join(ways)


MODULE_SOURCES = Sources()


def credential_levels(own_word, own_values, environment_values, variable_values=None):
    """Where token, client_id and client_secret were set, strongest first, for resolve_credentials().

    The plugin's own options (`own_word % name` says where: 'the task option %s'), then the lookup's Ansible
    variables, then the environment (`environment_values`, by option name).
    """
    levels = [CredentialLevel(lambda name: own_word % name, dict((name, own_values.get(name)) for name in CREDENTIALS))]
    if variable_values is not None:
        levels.append(CredentialLevel(lambda name: 'the Ansible variable runai_%s' % name, variable_values))
    levels.append(CredentialLevel(lambda name: 'the environment variable %s' % ENVIRONMENT[name], environment_values))
    return levels


def environment_credentials(environ):
    """token, client_id and client_secret as the RUNAI_* variables of `environ` set them."""
    return dict((name, environ.get(ENVIRONMENT[name])) for name in CREDENTIALS)


def client_from_options(get, credential_levels=None, sources=MODULE_SOURCES, **client_arguments):
    """A RunaiClient from the connection options read through `get(name)`; RunaiError if they are wrong.

    `credential_levels` lists where token, client_id and client_secret were set, strongest first (a
    plugin's adapter knows its sources; without them, `get` is the only level). `sources` says how a
    user sets an option, for the messages about a missing one. Every plugin words every mistake alike.
    """
    base_url = check_base_url(get('base_url'), sources)
    if credential_levels is None:
        credential_levels = [CredentialLevel(lambda name: 'the %s option' % name, dict((name, get(name)) for name in CREDENTIALS))]
    credentials = resolve_credentials(credential_levels, sources)
    check_bounds(get, CONNECTION_BOUNDS)
    timeout, retries = (CONNECTION_ARGUMENT_SPEC[name]['default'] if get(name) is None else get(name) for name in ('timeout', 'retries'))
    ca_path = check_ca_path(get('ca_path'))
    validate_certs = get('validate_certs')
    return RunaiClient(base_url, validate_certs=True if validate_certs is None else validate_certs, ca_path=ca_path,
                       timeout=float(timeout), retries=retries, **dict(credentials, **client_arguments))


def resolve_credentials(levels, sources=MODULE_SOURCES):
    """{'token': ...} or {'client_id': ..., 'client_secret': ...} from the strongest level that sets any.

    What a stronger level sets wins over a weaker one, so a token given in the task is used although an
    AWX credential put RUNAI_CLIENT_ID/RUNAI_CLIENT_SECRET in the environment. Both ways at one level is
    an error; a client_id without its secret may take the secret from a weaker level.
    """
    for position, level in enumerate(levels):
        if not level.values:
            continue
        if 'token' in level.values:
            clients = [name for name in ('client_id', 'client_secret') if name in level.values]
            if clients:
                raise RunaiError('token and client_id/client_secret are mutually exclusive; authenticate one way (token from %s; %s)' % (
                    level.describe('token'), '; '.join('%s from %s' % (name, level.describe(name)) for name in clients)))
            return {'token': level.values['token']}
        return _client_credentials(levels[position:], sources)
    raise RunaiError('No credentials: set client_id and client_secret, or token (%s)' % sources.credential_ways())


def _client_credentials(levels, sources):
    found = {}
    for level in levels:
        for name in ('client_id', 'client_secret'):
            if name not in found and name in level.values:
                found[name] = (level.values[name], level.describe(name))
    for missing, present in (('client_secret', 'client_id'), ('client_id', 'client_secret')):
        if missing not in found:
            raise RunaiError('%s is required with %s (%s from %s); set it through %s' % (
                missing, present, present, found[present][1], sources.ways(missing)))
    return dict((name, value) for name, (value, _where) in found.items())


def check_ca_path(ca_path):
    """The CA bundle path, once it is known to be a readable PEM file; None when unset."""
    if not ca_path:
        return None
    what = 'it must be a PEM bundle of the CA that signed the server certificate'
    if not os.path.isfile(ca_path):
        raise RunaiError('ca_path %s is not a file (%s)' % (shown(ca_path), what))
    try:
        with open(ca_path, 'rb') as bundle:
            content = bundle.read()
    except (IOError, OSError) as exc:
        raise RunaiError('ca_path %s cannot be read (%s)' % (shown(ca_path), exc.strerror or exc))
    if _PEM_MARKER not in content:
        raise RunaiError('ca_path %s is not a PEM bundle: it holds no "%s" block (%s)' % (shown(ca_path), _PEM_MARKER.decode(), what))
    return ca_path


def check_base_url(base_url, sources=MODULE_SOURCES):
    """The base URL without a trailing slash; RunaiError unless it is scheme://host[:port].

    A refused base_url is quoted without its user-info, query string and fragment (shown_url): they
    may hold a token (`https://ghp_...@tenant.run.ai`, `?token=...`). One that is accepted has none,
    so every later message that repeats it (connection, TLS) repeats no secret either.
    """
    if not base_url:
        raise RunaiError('base_url is required: set it through %s' % sources.ways('base_url'))
    example = ', such as https://mytenant.run.ai'
    try:
        parts = urlsplit(base_url)
        parts.port  # pylint: disable=pointless-statement  # raises ValueError for a bad port
    except (TypeError, ValueError, AttributeError):
        raise RunaiError('base_url %s is not a URL%s' % (shown(shown_url(base_url)), example))
    if parts.password:
        # Never repeat a password, even one put in the wrong place.
        raise RunaiError('base_url must not hold credentials (user:password@); use client_id and client_secret, or token')
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        raise RunaiError('base_url %s must start with https:// (or http://) and name a host%s' % (shown(shown_url(base_url)), example))
    if parts.path.strip('/') or parts.query or parts.fragment or parts.username:
        raise RunaiError('base_url %s must be the address of the control plane only, without a path, query or user%s' % (
            shown(shown_url(base_url)), example))
    return base_url.rstrip('/')


def shown_url(url):
    """`url` as a message may repeat it: user-info, query string and fragment replaced by `***`, even in text
    that does not parse as a URL."""
    if not isinstance(url, str):
        return url
    url = _QUERY_OR_FRAGMENT.sub(lambda match: match.group(1) + '***', url)
    return _USER_INFO.sub(r'\1***@', url)
