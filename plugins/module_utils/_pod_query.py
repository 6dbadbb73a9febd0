# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""Pod selection options -> a validated PodQuery (which path, which parameters, what to do client-side).

read_pod_query() reads the options through a `get(name)` callable, so that the module, the lookup and the
event source share it, and raises RunaiError naming the option and value before any request.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, cut, shown
from ansible_collections.runai.platform.plugins.module_utils._filters import SORT_FIELDS, parse_filter, uuid_option
from ansible_collections.runai.platform.plugins.module_utils._jmespath import compile_expression
from ansible_collections.runai.platform.plugins.module_utils._option_rules import Bound, check_bounds
from ansible_collections.runai.platform.plugins.module_utils._pager import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, POD_COUNT_PATH, POD_LIST_PATH

# The list and count paths are the pager's (it counts a scope to plan its pages ahead); the others are asked from here only.
WORKLOAD_PODS_PATH = '/api/v1/workloads/%s/pods'
# Clusters 2.21+, in the 2.22-2.24 documents: one answer `{pods}`, no paging, `deleted` its only parameter.
REVISION_PODS_PATH = '/api/v1/workloads/inferences/revisions/%s/pods'
LEGACY_PATH = '/v1/k8s/clusters/%s/pods'

# Options the API's workload pods path does not take, and those the legacy path cannot honour.
NOT_FOR_WORKLOAD = ('filter_by', 'sort_by', 'sort_order', 'verbosity', 'completed')
NOT_FOR_REVISION = ('filter_by', 'search', 'sort_by', 'sort_order', 'verbosity', 'completed', 'offset', 'page_size')
NOT_FOR_LEGACY = ('filter_by', 'search', 'sort_by', 'sort_order', 'verbosity', 'completed', 'deleted', 'offset', 'page_size', 'count_only')
# count_only reads no pod: every option about which pods, how many per page, or what each pod holds cannot be honoured.
NOT_FOR_COUNT = ('completed', 'offset', 'max_pods', 'page_size', 'sort_by', 'sort_order', 'verbosity', 'fields')
API_PARAMETERS = ('deleted', 'sortOrder', 'sortBy', 'filterBy', 'verbosity', 'completed', 'search')
# The pod selection options that the runai_pods lookup shares with runai_pods_info, declared once:
# _options.py hands them to AnsibleModule, and what they hold when unset comes from here too.
POD_QUERY_ARGUMENT_SPEC = dict(
    workload_id=dict(type='str'),
    revision_id=dict(type='str'),
    cluster_id=dict(type='str'),
    filter_by=dict(type='list', elements='str', default=[]),
    search=dict(type='str'),
    sort_by=dict(type='str', choices=list(SORT_FIELDS)),
    sort_order=dict(type='str', choices=['asc', 'desc']),
    verbosity=dict(type='str', choices=['brief', 'full']),
    completed=dict(type='bool'),
    deleted=dict(type='bool', default=False),
    max_pods=dict(type='int'),
    page_size=dict(type='int', default=DEFAULT_PAGE_SIZE),
    fields=dict(type='list', elements='str'),
    query=dict(type='str'),
    count_only=dict(type='bool', default=False),
)
# Selection options of the module alone (the lookup has neither).
POD_MODULE_ARGUMENT_SPEC = dict(
    offset=dict(type='int', default=0),
    legacy_endpoint=dict(type='bool', default=False),
)
POD_QUERY_BOUNDS = {'page_size': Bound(1, MAX_PAGE_SIZE), 'offset': Bound(0), 'max_pods': Bound(1)}
# What each selection option holds when the user did not set it.
POD_OPTION_DEFAULTS = dict((name, spec.get('default')) for name, spec in list(POD_QUERY_ARGUMENT_SPEC.items()) + list(POD_MODULE_ARGUMENT_SPEC.items()))
# The options that delimit the scope, in the order messages name them.
SCOPE_OPTIONS = ('workload_id', 'revision_id', 'cluster_id', 'legacy_endpoint', 'filter_by', 'search', 'completed', 'deleted', 'offset', 'max_pods')


class PodQuery:
    """A validated pod request: which path, which query parameters, and what to do client-side."""

    def __init__(self, path, params, offset, page_size, max_pods, count_only, legacy, fields, query, scope_label, workload_id=None,
                 unpaged=False):
        self.path = path
        self.params = params
        self.offset = offset
        self.page_size = page_size
        self.max_pods = max_pods
        self.count_only = count_only
        self.legacy = legacy
        self.fields = fields
        self.query = query
        # The scope as a 404 message names it ("Workload '<id>' was not found"); None for the list of every pod.
        self.scope_label = scope_label
        # Set when the pods of one workload are read from its own path (where a 404 means it does not exist yet).
        self.workload_id = workload_id
        # The revision path answers every pod at once, without paging parameters.
        self.unpaged = unpaged


def differs_from_default(get, name):
    value = get(name)
    return value is not None and value != POD_OPTION_DEFAULTS.get(name, None)


def describe_scope(get, names=SCOPE_OPTIONS, unset='all pods'):
    """The scope options that differ from their default, as a message or a log line names them:
    `cluster_id=..., filter_by=[...], completed=false`; `unset` when none does."""
    parts = []
    for name in names:
        if not differs_from_default(get, name):
            continue
        value = get(name)
        if isinstance(value, list):
            shown_value = '[%s]' % ', '.join(str(item) for item in value)
        elif isinstance(value, bool):
            shown_value = 'true' if value else 'false'
        else:
            shown_value = str(value)
        parts.append('%s=%s' % (name, cut(shown_value)))
    return ', '.join(parts) or unset


def read_pod_query(get, extra_filters=(), filter_label=None):
    """Validate pod options into a PodQuery; raise RunaiError naming the option and value.

    `extra_filters` are filter expressions from elsewhere (the lookup's terms), validated with
    `filter_label(index, text)` naming each in messages.
    """
    workload_id = uuid_option('workload_id', get('workload_id'))
    revision_id = uuid_option('revision_id', get('revision_id'))
    cluster_id = uuid_option('cluster_id', get('cluster_id'))
    scopes = [name for name, value in (('workload_id', workload_id), ('revision_id', revision_id), ('cluster_id', cluster_id)) if value]
    if len(scopes) > 1:
        raise RunaiError('%s are mutually exclusive; give one of them' % ' and '.join(scopes))
    check_bounds(get, POD_QUERY_BOUNDS)
    _check_fields(get)
    filters = _read_filters(get('filter_by') or [], lambda index, text: 'filter_by item %s' % shown(text))
    filters += _read_filters(extra_filters, filter_label)
    count_only = bool(get('count_only'))
    if get('legacy_endpoint'):
        return _legacy_query(get, cluster_id, extra_filters)
    if revision_id:
        return _revision_query(get, revision_id, count_only, extra_filters)
    if workload_id:
        _refuse(get, NOT_FOR_WORKLOAD, 'does not apply to workload_id (the API path of one workload takes no sort, filter, verbosity or completed)')
        if extra_filters:
            raise RunaiError('filter terms do not apply to workload_id (the API path of one workload takes no filter)')
    if count_only:
        _refuse(get, NOT_FOR_COUNT, 'does not apply to count_only (the count path does not take it)')
    if cluster_id:
        filters.append('clusterId==' + cluster_id)
    if workload_id and count_only:
        filters.append('workloadId==' + workload_id)
    if count_only:
        path, params = POD_COUNT_PATH, _api_params(get, filters, ('deleted', 'filterBy', 'search'))
    elif workload_id:
        path, params = WORKLOAD_PODS_PATH % workload_id, _api_params(get, filters, ('deleted', 'search'))
    else:
        path, params = POD_LIST_PATH, _api_params(get, filters, API_PARAMETERS)
    return PodQuery(path, params, get('offset') or 0, get('page_size') or DEFAULT_PAGE_SIZE, get('max_pods'), count_only,
                    False, get('fields'), _compiled(get, 'query'), "Workload '%s'" % workload_id if workload_id else None,
                    workload_id if workload_id and not count_only else None)


def _legacy_query(get, cluster_id, extra_filters):
    if not cluster_id:
        raise RunaiError('legacy_endpoint requires cluster_id (the deprecated path lists the pods of one cluster)')
    _refuse(get, NOT_FOR_LEGACY, 'cannot be honoured by legacy_endpoint (the deprecated path takes no parameters)')
    if extra_filters:
        raise RunaiError('filter terms cannot be honoured by legacy_endpoint (the deprecated path takes no parameters)')
    return PodQuery(LEGACY_PATH % cluster_id, [], 0, None, get('max_pods'), False, True, get('fields'), _compiled(get, 'query'),
                    "Cluster '%s'" % cluster_id)


def _revision_query(get, revision_id, count_only, extra_filters):
    _refuse(get, NOT_FOR_REVISION, 'does not apply to revision_id (the API path of one revision takes only deleted)')
    if extra_filters:
        raise RunaiError('filter terms do not apply to revision_id (the API path of one revision takes no filter)')
    if count_only:
        _refuse(get, NOT_FOR_COUNT, 'does not apply to count_only (the count path does not take it)')
        path, params = POD_COUNT_PATH, _api_params(get, ['revisionId==' + revision_id], ('deleted', 'filterBy'))
    else:
        path, params = REVISION_PODS_PATH % revision_id, _api_params(get, [], ('deleted',))
    return PodQuery(path, params, 0, None, get('max_pods'), count_only, False, get('fields'), _compiled(get, 'query'),
                    "Revision '%s'" % revision_id, unpaged=not count_only)


def _api_params(get, filters, names):
    """The query parameters among `names` that the options set, in the API's spelling."""
    completed = get('completed')
    values = {'deleted': True if get('deleted') else None, 'sortOrder': get('sort_order'), 'sortBy': get('sort_by'),
              'filterBy': filters or None, 'verbosity': get('verbosity'), 'completed': None if completed is None else bool(completed),
              'search': get('search')}
    return [(name, values[name]) for name in names if values[name] is not None]


def _check_fields(get):
    fields = get('fields')
    if fields is not None and (not isinstance(fields, list) or not all(isinstance(field, str) and field for field in fields)):
        raise RunaiError('fields must be a list of pod field names, got %s' % shown(fields))


def _read_filters(expressions, label):
    if isinstance(expressions, str):
        expressions = [expressions]
    filters = []
    for index, expression in enumerate(expressions, start=1):
        try:
            filters.append(parse_filter(expression))
        except ValueError as exc:
            raise RunaiError('%s: %s' % (label(index, expression), exc))
    return filters


def _refuse(get, names, reason):
    for name in names:
        if differs_from_default(get, name):
            raise RunaiError('%s %s' % (name, reason))


def _compiled(get, name):
    expression = get(name)
    return compile_expression(name, expression) if expression is not None else None
