# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""The modules' side of the option layer: their argument spec (the declared options, the connection options
falling back to their RUNAI_* variables), their client, and the libraries they need.

The options are declared once, as pure data the lookup and the event source read too: the connection options
in _connection.py, the pod selection options in _pod_query.py, the gate options in _gate.py. The rules they are
checked by (types, ranges, environment values) are in _option_rules.py. The doc fragments connection and pods
document them.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_CORE_VERSION
from ansible.module_utils.basic import AnsibleFallbackNotFound, missing_required_lib

from ansible_collections.runai.platform.plugins.module_utils._client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.runai.platform.plugins.module_utils._connection import (
    CONNECTION_ARGUMENT_SPEC, CREDENTIALS, ENVIRONMENT, ENVIRONMENT_WORDING, client_from_options, credential_levels, environment_credentials)
from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError
from ansible_collections.runai.platform.plugins.module_utils._jmespath import HAS_JMESPATH, JMESPATH_IMPORT_ERROR
from ansible_collections.runai.platform.plugins.module_utils._option_rules import environment_value


# A value from the environment that its option's type refuses, by option, for client_for_module() to report:
# AnsibleModule would fail naming only the option ("argument 'validate_certs' is of type <class 'str'>"), while
# the user set the variable (SPEC 2: `RUNAI_VALIDATE_CERTS='nope' is not a boolean`). One module run, one process.
REFUSED_ENVIRONMENT = {}


def _from_environment(name):
    """The option's value from its environment variable, in the option's type; one that does not convert is
    recorded in REFUSED_ENVIRONMENT and left out, so that the module can say which variable held it."""
    try:
        value = environment_value(name, ENVIRONMENT[name], os.environ, CONNECTION_ARGUMENT_SPEC, ENVIRONMENT_WORDING.get(name))
    except RunaiError as exc:
        REFUSED_ENVIRONMENT[name] = str(exc)
        raise AnsibleFallbackNotFound
    if value is None:
        raise AnsibleFallbackNotFound
    return value


def client_for_module(module):
    """The RunaiClient of a module run: task options (module_defaults included) win over the environment."""
    if REFUSED_ENVIRONMENT:
        raise RunaiError('; '.join(REFUSED_ENVIRONMENT[name] for name in sorted(REFUSED_ENVIRONMENT)))
    from_environment = environment_credentials(os.environ)
    for name in ('token', 'client_secret'):
        if from_environment[name]:
            module.no_log_values.add(from_environment[name])
    levels = credential_levels('the task option %s', module.params, from_environment)
    return client_from_options(module.params.get, levels, user_agent_extra='ansible-core/%s' % ANSIBLE_CORE_VERSION)


def argument_spec(*specs):
    """The connection options, each falling back to its RUNAI_* environment variable, plus the given option dicts, as one
    argument spec. The credentials have no fallback: client_for_module() reads them from the environment apart."""
    merged = dict((name, dict(option, fallback=(_from_environment, [name])) if name in ENVIRONMENT and name not in CREDENTIALS else option)
                  for name, option in CONNECTION_ARGUMENT_SPEC.items())
    for spec in specs:
        merged.update(spec)
    return merged


def require_libraries(module, libraries=('requests', 'jmespath')):
    """Fail the module, as Ansible users expect, when a Python library it needs is missing."""
    availability = {'requests': (HAS_REQUESTS, REQUESTS_IMPORT_ERROR), 'jmespath': (HAS_JMESPATH, JMESPATH_IMPORT_ERROR)}
    for library in libraries:
        present, error = availability[library]
        if not present:
            module.fail_json(msg=missing_required_lib(library), exception=str(error))
