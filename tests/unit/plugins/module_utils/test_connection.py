# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which credentials win when a task, Ansible variables and the environment each set some (SPEC section 2)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.runai.platform.plugins.module_utils._connection import (
    ENVIRONMENT, CredentialLevel, Sources, check_ca_path, resolve_credentials)
from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError

LOOKUP = Sources(option_word='keyword', variables=True)


def task(**values):
    return CredentialLevel(lambda name: 'the task option %s' % name, values)


def variables(**values):
    return CredentialLevel(lambda name: 'the Ansible variable runai_%s' % name, values)


def environment(**values):
    return CredentialLevel(lambda name: 'the environment variable %s' % ENVIRONMENT[name], values)


AWX_CREDENTIAL = environment(client_id='awx-id', client_secret='awx-secret')


@pytest.mark.parametrize('levels, expected', [
    ([task(token='task-token'), AWX_CREDENTIAL], {'token': 'task-token'}),
    ([task(client_id='id', client_secret='secret'), environment(token='env-token')], {'client_id': 'id', 'client_secret': 'secret'}),
    ([task(), AWX_CREDENTIAL], {'client_id': 'awx-id', 'client_secret': 'awx-secret'}),
    ([task(), variables(token='var-token'), AWX_CREDENTIAL], {'token': 'var-token'}),
    ([task(token='kw-token'), variables(client_id='id', client_secret='secret')], {'token': 'kw-token'}),
    # A client_id in the task may take its secret from the environment, never the environment's token.
    ([task(client_id='id'), environment(client_secret='env-secret', token='env-token')], {'client_id': 'id', 'client_secret': 'env-secret'}),
    ([task(client_id='', token=None), environment(token='env-token')], {'token': 'env-token'}),
])
def test_the_strongest_level_that_sets_a_credential_wins(levels, expected):
    assert resolve_credentials(levels) == expected


@pytest.mark.parametrize('levels, sources, expected', [
    ([task(token='t', client_id='id', client_secret='s'), AWX_CREDENTIAL], None,
     'token and client_id/client_secret are mutually exclusive; authenticate one way (token from the task option token; '
     'client_id from the task option client_id; client_secret from the task option client_secret)'),
    ([task(), environment(token='t', client_secret='s')], None,
     'token and client_id/client_secret are mutually exclusive; authenticate one way (token from the environment variable RUNAI_TOKEN; '
     'client_secret from the environment variable RUNAI_CLIENT_SECRET)'),
    ([task(), environment(client_id='id')], None,
     'client_secret is required with client_id (client_id from the environment variable RUNAI_CLIENT_ID); '
     'set it through the client_secret option, or the RUNAI_CLIENT_SECRET environment variable'),
    ([task(), variables(client_secret='s'), environment()], LOOKUP,
     'client_id is required with client_secret (client_secret from the Ansible variable runai_client_secret); '
     'set it through the client_id keyword, or the runai_client_id variable, or the RUNAI_CLIENT_ID environment variable'),
    ([task(), environment()], None,
     'No credentials: set client_id and client_secret, or token (as options, '
     'or through the RUNAI_CLIENT_ID and RUNAI_CLIENT_SECRET, or RUNAI_TOKEN environment variables)'),
    ([task(), variables(), environment()], LOOKUP,
     'No credentials: set client_id and client_secret, or token (as keywords, or through the runai_client_id and runai_client_secret, '
     'or runai_token variables, or through the RUNAI_CLIENT_ID and RUNAI_CLIENT_SECRET, or RUNAI_TOKEN environment variables)'),
])
def test_conflicting_or_missing_credentials_say_where_each_value_came_from(levels, sources, expected):
    with pytest.raises(RunaiError) as failure:
        resolve_credentials(levels, sources) if sources else resolve_credentials(levels)
    assert str(failure.value) == expected


def test_a_ca_path_that_is_not_pem_is_named_as_such(tmp_path, monkeypatch):
    # A relative path, quoted whole: a message cuts a value longer than 80 characters, as tmp_path may be.
    monkeypatch.chdir(tmp_path)
    der = tmp_path / 'ca.der'
    der.write_bytes(b'0\x82\x03\x00not a PEM file')
    with pytest.raises(RunaiError) as failure:
        check_ca_path('ca.der')
    assert str(failure.value) == ("ca_path 'ca.der' is not a PEM bundle: it holds no \"-----BEGIN CERTIFICATE-----\" block "
                                  "(it must be a PEM bundle of the CA that signed the server certificate)")
    pem = tmp_path / 'ca.pem'
    pem.write_text('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')
    assert check_ca_path(str(pem)) == str(pem)
    assert check_ca_path(None) is None
