# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""The connection options, read through whatever adapter a plugin has, turned into one RunaiClient."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
from urllib.parse import urlsplit

from ansible_collections.runai.platform.plugins.module_utils._client import RunaiClient
from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, shown


def client_from_options(get, **client_arguments):
    """A RunaiClient from the connection options read through `get(name)`; RunaiError if they are wrong.

    Modules pass module.params.get, the lookup its get_option: both word every mistake the same way.
    """
    base_url = check_base_url(get('base_url'))
    client_id, client_secret, token = (get(name) or None for name in ('client_id', 'client_secret', 'token'))
    if token and (client_id or client_secret):
        raise RunaiError('token and client_id/client_secret are mutually exclusive; authenticate one way')
    if not token and not (client_id and client_secret):
        if client_id or client_secret:
            missing = 'client_secret' if client_id else 'client_id'
            raise RunaiError('%s is required with %s' % (missing, 'client_id' if client_id else 'client_secret'))
        raise RunaiError('No credentials: set client_id and client_secret, or token '
                         '(or the RUNAI_CLIENT_ID and RUNAI_CLIENT_SECRET, or RUNAI_TOKEN environment variables)')
    timeout = get('timeout')
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise RunaiError('timeout must be a number of seconds greater than 0, got %s' % shown(timeout))
    retries = get('retries')
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise RunaiError('retries must be an integer of 0 or more, got %s' % shown(retries))
    ca_path = get('ca_path')
    if ca_path and not os.path.isfile(ca_path):
        raise RunaiError('ca_path %s is not a file (it must be a PEM bundle of the CA that signed the server certificate)' % shown(ca_path))
    validate_certs = get('validate_certs')
    return RunaiClient(base_url, client_id=client_id, client_secret=client_secret, token=token,
                       validate_certs=True if validate_certs is None else validate_certs, ca_path=ca_path,
                       timeout=float(timeout), retries=retries, **client_arguments)


def check_base_url(base_url):
    """The base URL without a trailing slash; RunaiError unless it is scheme://host[:port]."""
    if not base_url:
        raise RunaiError('base_url is required: set it, or the RUNAI_BASE_URL environment variable')
    example = ', such as https://mytenant.run.ai'
    try:
        parts = urlsplit(base_url)
        parts.port  # pylint: disable=pointless-statement  # raises ValueError for a bad port
    except (TypeError, ValueError, AttributeError):
        raise RunaiError('base_url %s is not a URL%s' % (shown(base_url), example))
    if parts.password:
        # Never repeat a password, even one put in the wrong place.
        raise RunaiError('base_url must not hold credentials (user:password@); use client_id and client_secret, or token')
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        raise RunaiError('base_url %s must start with https:// (or http://) and name a host%s' % (shown(base_url), example))
    if parts.path.strip('/') or parts.query or parts.fragment or parts.username:
        raise RunaiError('base_url %s must be the address of the control plane only, without a path, query or user%s' % (shown(base_url), example))
    return base_url.rstrip('/')
