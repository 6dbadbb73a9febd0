# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""Argument specs shared by the modules; the doc fragments connection and pods document them.

The pod selection options are declared in _pods.py (pure data, also read by the lookup and the event source).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.runai.platform.plugins.module_utils._client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.runai.platform.plugins.module_utils._jmespath import HAS_JMESPATH, JMESPATH_IMPORT_ERROR


def _env(name):
    return (env_fallback, [name])


CONNECTION_ARGUMENT_SPEC = dict(
    base_url=dict(type='str', fallback=_env('RUNAI_BASE_URL')),
    client_id=dict(type='str', fallback=_env('RUNAI_CLIENT_ID')),
    client_secret=dict(type='str', no_log=True, fallback=_env('RUNAI_CLIENT_SECRET')),
    token=dict(type='str', no_log=True, fallback=_env('RUNAI_TOKEN')),
    validate_certs=dict(type='bool', default=True, fallback=_env('RUNAI_VALIDATE_CERTS')),
    ca_path=dict(type='path', fallback=_env('RUNAI_CA_PATH')),
    timeout=dict(type='float', default=30.0, fallback=_env('RUNAI_TIMEOUT')),
    retries=dict(type='int', default=3),
)

def argument_spec(*specs):
    """The connection options plus the given option dicts, as one argument spec."""
    merged = dict(CONNECTION_ARGUMENT_SPEC)
    for spec in specs:
        merged.update(spec)
    return merged


def require_libraries(module):
    """Fail the module, as Ansible users expect, when a Python library it needs is missing."""
    for present, library, error in ((HAS_REQUESTS, 'requests', REQUESTS_IMPORT_ERROR), (HAS_JMESPATH, 'jmespath', JMESPATH_IMPORT_ERROR)):
        if not present:
            module.fail_json(msg=missing_required_lib(library), exception=str(error))
