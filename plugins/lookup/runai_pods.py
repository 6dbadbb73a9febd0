# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: runai_pods
short_description: Pods of the NVIDIA Run:ai control plane, for templates and conditions
version_added: 0.1.0
description:
  - Returns the pods that the Run:ai control plane lists, as a list, for use in templates, loops and
    conditions. Terms are filter expressions, exactly as O(filter_by), and are AND-ed with it.
  - With O(query) it returns the query's value instead (a list's items as the list, V(null) as an empty
    list, anything else as a one-element list); with O(count_only), a one-element list holding the count.
  - Connection options can also come from Ansible variables (C(runai_base_url), ...) and the environment
    (E(RUNAI_BASE_URL), ...).
author:
  - runai.platform maintainers (@runai-platform)
extends_documentation_fragment:
  - runai.platform.connection
  - runai.platform.connection.plugins
  - runai.platform.pods
options:
  _terms:
    description: Filter expressions C(<field><operator><value>), as O(filter_by).
    type: list
    elements: str
    required: false
notes:
  - O(query) and O(count_only) together fail; so does a term that is not a valid filter, named by its
    position and text.
  - Lookups run on the controller, once per task (and per loop item), so a large listing costs the
    controller's memory; prefer O(query), O(fields) or O(count_only) for large fleets.
seealso:
  - module: runai.platform.runai_pods_info
'''

EXAMPLES = r'''
- name: Names of the Failed pods of one node pool
  ansible.builtin.debug:
    msg: "{{ lookup('runai.platform.runai_pods', 'currentNodepool==h100', query=\"pods[?k8sPhase=='Failed'].name\") }}"
  vars:
    runai_base_url: https://mytenant.run.ai
    runai_client_id: "{{ vault_runai_client_id }}"
    runai_client_secret: "{{ vault_runai_client_secret }}"

- name: Fail when any pod of the cluster is still Pending
  ansible.builtin.assert:
    that: pending | length == 0
    fail_msg: "Pending pods: {{ pending | join(', ') }}"
  vars:
    pending: "{{ query('runai.platform.runai_pods', cluster_id=cluster, query=\"pods[?k8sPhase=='Pending'].name\") }}"

- name: Number of pods on one node
  ansible.builtin.debug:
    msg: "{{ lookup('runai.platform.runai_pods', 'nodeName==dgx-h100-07', count_only=true) }}"
'''

RETURN = r'''
_raw:
  description:
    - The pods (dicts as the API returns them, trimmed to O(fields)); or the items of O(query)'s value;
      or, with O(count_only), the count alone.
  type: list
  elements: raw
'''

from ansible.errors import AnsibleLookupError
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.lookup import LookupBase

from ansible_collections.runai.platform.plugins.module_utils._client import HAS_REQUESTS
from ansible_collections.runai.platform.plugins.module_utils._connection import client_from_options
from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, shown
from ansible_collections.runai.platform.plugins.module_utils._jmespath import HAS_JMESPATH
from ansible_collections.runai.platform.plugins.module_utils._options import CONNECTION_ARGUMENT_SPEC
from ansible_collections.runai.platform.plugins.module_utils._pods import POD_QUERY_ARGUMENT_SPEC, fetch_pod_result, read_pod_query

OPTION_NAMES = tuple(CONNECTION_ARGUMENT_SPEC) + tuple(POD_QUERY_ARGUMENT_SPEC)


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        for present, library in ((HAS_REQUESTS, 'requests'), (HAS_JMESPATH, 'jmespath')):
            if not present:
                raise AnsibleLookupError('The runai_pods lookup needs the Python library %s on the controller' % library)
        self.set_options(var_options=variables, direct=kwargs)
        options = dict((name, self.get_option(name)) for name in OPTION_NAMES)
        if options['query'] is not None and options['count_only']:
            raise AnsibleLookupError('query and count_only are mutually exclusive: count_only returns only the count')
        try:
            client = client_from_options(options.get)
            pod_query = read_pod_query(options.get, extra_filters=terms, filter_label=_term_label)
            result = fetch_pod_result(client, pod_query)
        except RunaiError as exc:
            raise AnsibleLookupError(to_native(exc))
        if pod_query.count_only:
            return [result['count']]
        if pod_query.query is not None:
            return _as_list(result['query_result'])
        return result['pods']


def _term_label(index, text):
    return 'term %d %s' % (index, shown(text))


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
