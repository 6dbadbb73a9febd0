# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""Argument specs shared by the modules; the doc fragments connection and pods document them.

The pod selection options are declared in _pods.py (pure data, also read by the lookup and the event source).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_CORE_VERSION
from ansible.module_utils.basic import AnsibleFallbackNotFound, missing_required_lib
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.runai.platform.plugins.module_utils._client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.runai.platform.plugins.module_utils._connection import CREDENTIALS, ENVIRONMENT, CredentialLevel, client_from_options
from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, shown
from ansible_collections.runai.platform.plugins.module_utils._jmespath import HAS_JMESPATH, JMESPATH_IMPORT_ERROR


# A value from the environment that its option's type refuses, by option, for client_for_module() to report:
# AnsibleModule would fail naming only the option ("argument 'validate_certs' is of type <class 'str'>"), while
# the user set the variable (SPEC 2: `RUNAI_VALIDATE_CERTS='nope' is not a boolean`). One module run, one process.
REFUSED_ENVIRONMENT = {}


def _env(name):
    return (_from_environment, [name])


def _from_environment(name):
    """The option's value from its environment variable, converted to the option's type where that can fail
    (CONVERTED); a value that does not convert is recorded in REFUSED_ENVIRONMENT and left out, so that the
    module can say which variable held it."""
    variable = ENVIRONMENT[name]
    if variable not in os.environ:
        raise AnsibleFallbackNotFound
    text = os.environ[variable]
    if name not in CONVERTED:
        return text
    convert, what = CONVERTED[name]
    try:
        return convert(text)
    except (TypeError, ValueError):
        REFUSED_ENVIRONMENT[name] = '%s=%s is not %s' % (variable, shown(text), what)
        raise AnsibleFallbackNotFound


def _boolean(text):
    return boolean(text, strict=True)


# The options whose environment value is converted here (argument specs allow only names as a fallback's arguments).
CONVERTED = {'validate_certs': (_boolean, 'a boolean'), 'timeout': (float, 'a number of seconds')}

# token, client_id and client_secret have no env_fallback: which way of authenticating wins depends on
# where each value was set (the task over the environment), which client_for_module() works out.
CONNECTION_ARGUMENT_SPEC = dict(
    base_url=dict(type='str', fallback=_env('base_url')),
    client_id=dict(type='str'),
    client_secret=dict(type='str', no_log=True),
    token=dict(type='str', no_log=True),
    validate_certs=dict(type='bool', default=True, fallback=_env('validate_certs')),
    ca_path=dict(type='path', fallback=_env('ca_path')),
    timeout=dict(type='float', default=30.0, fallback=_env('timeout')),
    retries=dict(type='int', default=3),
)


def client_for_module(module):
    """The RunaiClient of a module run: task options (module_defaults included) win over the environment."""
    if REFUSED_ENVIRONMENT:
        raise RunaiError('; '.join(REFUSED_ENVIRONMENT[name] for name in sorted(REFUSED_ENVIRONMENT)))
    from_environment = dict((name, os.environ.get(ENVIRONMENT[name])) for name in CREDENTIALS)
    for name in ('token', 'client_secret'):
        if from_environment[name]:
            module.no_log_values.add(from_environment[name])
    levels = [CredentialLevel(lambda name: 'the task option %s' % name, dict((name, module.params[name]) for name in CREDENTIALS)),
              CredentialLevel(lambda name: 'the environment variable %s' % ENVIRONMENT[name], from_environment)]
    return client_from_options(module.params.get, levels, user_agent_extra='ansible-core/%s' % ANSIBLE_CORE_VERSION)


def argument_spec(*specs):
    """The connection options plus the given option dicts, as one argument spec."""
    merged = dict(CONNECTION_ARGUMENT_SPEC)
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
