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
    (E(RUNAI_BASE_URL), ...). Variables may hold templates, such as C("{{ vault_runai_client_secret }}");
    they are templated before use, as a module's options are.
  - Keywords win over Ansible variables, and variables over the environment. For the credentials the way
    of authenticating set at the strongest of these levels wins, so O(token) given as a keyword is used
    although an AWX credential put E(RUNAI_CLIENT_ID) and E(RUNAI_CLIENT_SECRET) in the environment; only
    both ways set at the same level fail.
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
  - The lookup is not a gate. An empty scope (a mistyped node pool, a cluster id of another tenant) gives
    an empty list, so a test that the list it returns is empty (C(length == 0)) holds by accident there. Gate with
    M(runai.platform.runai_pods_info) and its O(runai.platform.runai_pods_info#module:pod_condition) or
    O(runai.platform.runai_pods_info#module:fail_condition), which fail on an empty scope.
  - Call it with the C(query) function, or C(lookup) with C(wantlist=true), wherever a list is meant; C(lookup)
    alone joins a list of several items into one comma-separated string.
  - Every O(query) is checked before any request against what it sees (the pods, trimmed to O(fields), C(count)
    and C(summary)). A pod field the pods do not have or that O(fields) removed, a C(summary) key that does not
    exist (C(summary.by_phase.failed)) and a phase that does not exist (C(pods[?k8sPhase=='Faild'])) fail with a
    hint, as a misspelt O(fields) name does.
  - O(query) and O(count_only) together fail; so does a term that is not a valid filter, named by its
    position and text, and so does a keyword that is not an option (a mistyped C(node_pool=) must never
    widen the scope to every pod of the tenant).
  - Lookups run on the controller, once per task (and per loop item), so a large listing costs the
    controller's memory; prefer O(query), O(fields) or O(count_only) for large fleets.
seealso:
  - module: runai.platform.runai_pods_info
'''

EXAMPLES = r'''
# query() (or lookup(..., wantlist=true)) always returns a list. lookup() joins a list of several items
# into one comma-separated string, which is rarely what a loop or a condition wants.
- name: Names of the Failed pods of one node pool, with the connection from (vaulted) variables
  ansible.builtin.debug:
    msg: "{{ query('runai.platform.runai_pods', 'currentNodepool==h100', query=\"pods[?k8sPhase=='Failed'].name\") }}"
  vars:
    runai_base_url: https://mytenant.run.ai
    runai_client_id: "{{ vault_runai_client_id }}"
    runai_client_secret: "{{ vault_runai_client_secret }}"

- name: List the Pending pods of a cluster in a report (for a gate, use runai_pods_info's gate options)
  ansible.builtin.debug:
    msg: "Pending: {{ pending | join(', ') if pending else 'none' }}"
  vars:
    pending: "{{ query('runai.platform.runai_pods', cluster_id=cluster, query=\"pods[?k8sPhase=='Pending'].name\") }}"

- name: Number of pods on one node (count_only returns a one-element list)
  ansible.builtin.debug:
    msg: "{{ query('runai.platform.runai_pods', 'nodeName==dgx-h100-07', count_only=true) | first }} pods"

- name: Names of the pods of an inference revision that were scaled down (deleted)
  ansible.builtin.debug:
    msg: "{{ query('runai.platform.runai_pods', revision_id=revision, deleted=true, query='pods[].name') }}"

- name: One task per running pod of a workload
  ansible.builtin.debug:
    msg: "{{ item.name }} runs on {{ item.nodeName }}"
  loop: "{{ query('runai.platform.runai_pods', workload_id=workload, fields=['name', 'nodeName', 'k8sPhase'])
            | selectattr('k8sPhase', 'equalto', 'Running') }}"
'''

RETURN = r'''
_raw:
  description:
    - The pods (dicts as the API returns them, trimmed to O(fields)); or the items of O(query)'s value;
      or, with O(count_only), the count alone.
  type: list
  elements: raw
'''

from ansible import constants as C
from ansible.errors import AnsibleLookupError
from ansible.module_utils.ansible_release import __version__ as ANSIBLE_CORE_VERSION
from ansible.plugins.lookup import LookupBase

from ansible_collections.runai.platform.plugins.module_utils._client import HAS_REQUESTS
from ansible_collections.runai.platform.plugins.module_utils._connection import (
    CONNECTION_ARGUMENT_SPEC, CONNECTION_BOUNDS, CREDENTIALS, Sources, client_from_options, credential_levels)
from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, shown
from ansible_collections.runai.platform.plugins.module_utils._jmespath import HAS_JMESPATH
from ansible_collections.runai.platform.plugins.module_utils._option_rules import convert_options
from ansible_collections.runai.platform.plugins.module_utils._pod_fields import check_read_options
from ansible_collections.runai.platform.plugins.module_utils._pod_query import POD_QUERY_ARGUMENT_SPEC, POD_QUERY_BOUNDS, read_pod_query
from ansible_collections.runai.platform.plugins.module_utils._pod_reads import fetch_pod_result

LOOKUP_ARGUMENT_SPEC = dict(CONNECTION_ARGUMENT_SPEC, **POD_QUERY_ARGUMENT_SPEC)
LOOKUP_BOUNDS = dict(CONNECTION_BOUNDS, **POD_QUERY_BOUNDS)
OPTION_NAMES = tuple(LOOKUP_ARGUMENT_SPEC)
LOOKUP_SOURCES = Sources(option_word='keyword', variables=True)


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        for present, library in ((HAS_REQUESTS, 'requests'), (HAS_JMESPATH, 'jmespath')):
            if not present:
                raise AnsibleLookupError('The runai_pods lookup needs the Python library %s on the controller' % library)
        _refuse_unknown_keywords(kwargs)
        try:
            # The keywords as written first: the configuration manager would read page_size=true as 1.
            convert_options(dict((name, LOOKUP_ARGUMENT_SPEC[name]) for name in kwargs), kwargs, LOOKUP_BOUNDS)
        except RunaiError as exc:
            raise AnsibleLookupError(str(exc)) from exc
        connection_variables = self._connection_variables(variables or {})
        self.set_options(var_options=connection_variables, direct=kwargs)
        try:
            # Typed already by the configuration manager from the doc fragments; checked against the declared spec too,
            # so that the lookup takes each option as the modules do.
            options = convert_options(LOOKUP_ARGUMENT_SPEC, dict((name, self.get_option(name)) for name in OPTION_NAMES), LOOKUP_BOUNDS)
        except RunaiError as exc:
            raise AnsibleLookupError(str(exc)) from exc
        if options['query'] is not None and options['count_only']:
            raise AnsibleLookupError('query and count_only are mutually exclusive: count_only returns only the count')
        try:
            client = client_from_options(options.get, self._credential_levels(kwargs, connection_variables), LOOKUP_SOURCES,
                                         user_agent_extra='ansible-core/%s' % ANSIBLE_CORE_VERSION)
            pod_query = read_pod_query(options.get, extra_filters=terms, filter_label=_term_label)
            # fields and query checked against what the query sees, before any request (SPEC 3a).
            check_read_options(options.get, count_only=pod_query.count_only)
            # With a query only its value is returned: the pods are held only if the query reads them.
            result = fetch_pod_result(client, pod_query, return_pods=pod_query.query is None)
        except RunaiError as exc:
            raise AnsibleLookupError(str(exc)) from exc
        if pod_query.count_only:
            return [result['count']]
        if pod_query.query is not None:
            return _as_list(result['query_result'])
        return result['pods']

    def _connection_variables(self, variables):
        """The runai_* variables this lookup reads, templated as a module's options would be.

        Ansible hands a lookup its variables untemplated, so `runai_client_secret: "{{ vault_x }}"` would
        otherwise arrive as the literal template (community.hashi_vault#434).
        """
        names = set(name for definition in self.option_definitions.values() for name in _var_names(definition))
        return dict((name, self._templar.template(variables[name])) for name in names if name in variables)

    def _credential_levels(self, keywords, connection_variables):
        """Where token, client_id and client_secret were set: keyword, then Ansible variable, then environment."""
        by_variable, by_environment = {}, {}
        for name in CREDENTIALS:
            variable = next((var for var in _var_names(self.option_definitions[name]) if var in connection_variables), None)
            if variable:
                by_variable[name] = connection_variables[variable]
            # The configuration manager reads the environment as the option's documentation declares it.
            value, origin = C.config.get_config_value_and_origin(name, plugin_type='lookup', plugin_name=self._load_name)
            if str(origin).startswith('env'):
                by_environment[name] = value
        return credential_levels('the lookup keyword %s', keywords, by_environment, by_variable)


def _var_names(definition):
    return [entry['name'] for entry in definition.get('vars') or [] if isinstance(entry, dict) and 'name' in entry]


def _refuse_unknown_keywords(keywords):
    # A mistyped keyword (node_pool=, workload=) must not silently widen the scope to every pod of the tenant.
    unknown = sorted(name for name in keywords if name not in OPTION_NAMES)
    if unknown:
        raise AnsibleLookupError('%s %s not %s of the runai_pods lookup; valid options: %s' % (
            ', '.join(unknown), 'is' if len(unknown) == 1 else 'are', 'an option' if len(unknown) == 1 else 'options',
            ', '.join(sorted(OPTION_NAMES))))


def _term_label(index, text):
    return 'term %d %s' % (index, shown(text))


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
