# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""Pod listings shared by the runai_pods_info module and the runai_pods lookup.

read_pod_query() turns options (read through a `get(name)` callable, so modules and lookups share
it) into a validated PodQuery before any request; fetch_pod_result() runs it and shapes the result.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import gc
from collections import Counter

from ansible_collections.runai.platform.plugins.module_utils._answers import check_pods, protocol_error
from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, shown
from ansible_collections.runai.platform.plugins.module_utils._filters import SORT_FIELDS, parse_filter, uuid_option
from ansible_collections.runai.platform.plugins.module_utils._jmespath import compile_expression, evaluate, reads_key
from ansible_collections.runai.platform.plugins.module_utils._pod_fields import PHASES

LIST_PATH = '/api/v1/workloads/pods'
COUNT_PATH = '/api/v1/workloads/pods/count'
WORKLOAD_PODS_PATH = '/api/v1/workloads/%s/pods'
# Clusters 2.21+, in the 2.22-2.24 documents: one answer `{pods}`, no paging, `deleted` its only parameter.
REVISION_PODS_PATH = '/api/v1/workloads/inferences/revisions/%s/pods'
LEGACY_PATH = '/v1/k8s/clusters/%s/pods'
DEFAULT_PAGE_SIZE = 500
MAX_PAGE_SIZE = 500

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
UNSET = dict((name, spec.get('default')) for name, spec in list(POD_QUERY_ARGUMENT_SPEC.items()) + list(POD_MODULE_ARGUMENT_SPEC.items()))


class PodQuery:
    """A validated pod request: which path, which query parameters, and what to do client-side."""

    def __init__(self, path, params, offset, page_size, max_pods, count_only, legacy, fields, query, not_found, workload_id=None,
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
        self.not_found = not_found
        # Set when the pods of one workload are read from its own path (where a 404 means it does not exist yet).
        self.workload_id = workload_id
        # The revision path answers every pod at once, without paging parameters.
        self.unpaged = unpaged


def is_set(get, name):
    value = get(name)
    return value is not None and value != UNSET.get(name, None)


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
    _check_ranges(get)
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
        path, params = COUNT_PATH, _api_params(get, filters, ('deleted', 'filterBy', 'search'))
    elif workload_id:
        path, params = WORKLOAD_PODS_PATH % workload_id, _api_params(get, filters, ('deleted', 'search'))
    else:
        path, params = LIST_PATH, _api_params(get, filters, API_PARAMETERS)
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
        path, params = COUNT_PATH, _api_params(get, ['revisionId==' + revision_id], ('deleted', 'filterBy'))
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


def _check_ranges(get):
    bounds = {'page_size': (1, MAX_PAGE_SIZE), 'offset': (0, None), 'max_pods': (1, None)}
    for name, (low, high) in bounds.items():
        value = get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
            allowed = 'from %d to %d' % (low, high) if high is not None else '%d or more' % low
            raise RunaiError('%s must be an integer %s, got %s' % (name, allowed, shown(value)))
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
        if is_set(get, name):
            raise RunaiError('%s %s' % (name, reason))


def _compiled(get, name):
    expression = get(name)
    return compile_expression(name, expression) if expression is not None else None


# -- running a query ------------------------------------------------------------------------------

def fetch_pods(client, pod_query):
    """The pods a PodQuery selects, in the API's order, at most max_pods, none twice, each checked."""
    pods = []
    for page in pod_pages(client, pod_query):
        pods.extend(page)
    return pods


def pod_pages(client, pod_query):
    """The pods a PodQuery selects, page by page in the API's order (at most max_pods, none twice), so that a
    caller can summarise each page and drop it. The legacy path answers every pod at once: one page.
    Every page is checked (_answers.check_pods) before it is handed on."""
    if pod_query.legacy:
        body = client.get(pod_query.path, not_found=pod_query.not_found)[1]
        if not isinstance(body, list):
            raise protocol_error('GET', pod_query.path, 'without a list of pods')
        return iter([check_pods(body[:pod_query.max_pods] if pod_query.max_pods else body, pod_query.path, legacy=True)])
    if pod_query.unpaged:
        return iter([_unpaged_pods(client, pod_query)])
    pages = client.iter_pages(pod_query.path, pod_query.params, 'pods', offset=pod_query.offset, page_size=pod_query.page_size,
                              max_items=pod_query.max_pods, not_found=pod_query.not_found)
    return _checked_pages(pages, pod_query.path)


def _unpaged_pods(client, pod_query):
    # The answer is the pager's `{pods}` without `next`; asked once, without offset and limit, which the path does not take.
    body = client.get(pod_query.path, pod_query.params, not_found=pod_query.not_found)[1]
    pods = body.get('pods') if isinstance(body, dict) else None
    if not isinstance(pods, list):
        raise protocol_error('GET', pod_query.path, "without a 'pods' list")
    return check_pods(pods[:pod_query.max_pods] if pod_query.max_pods else pods, pod_query.path)


def _checked_pages(pages, path):
    first_item = 1
    with contextlib.closing(pages):
        for page in pages:
            yield check_pods(page, path, first_item)
            first_item += len(page)


def count_pods(client, pod_query):
    body = client.get(pod_query.path, pod_query.params)[1]
    count = body.get('count') if isinstance(body, dict) else None
    if not isinstance(count, int) or isinstance(count, bool):
        raise protocol_error('GET', pod_query.path, 'without a count')
    return count


@contextlib.contextmanager
def _without_cyclic_gc():
    """Decoded JSON holds no reference cycles, so the cyclic collector's passes over a heap growing by
    tens of thousands of pods find nothing; they cost 10-20 % of a 50,000-pod read (docs/performance.md)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def needs_pods(expressions):
    """Whether one of the compiled expressions (query, wait_for; None for unset) reads the result's `pods`."""
    return any(reads_key(compiled, 'pods') for compiled in expressions if compiled is not None)


def fetch_pod_result(client, pod_query, return_pods=True, gate_check=None, evaluated_later=()):
    """One read: the result object users see (pods, count, summary, and query_result if asked).

    A `gate_check` (a _gate.GateCheck) is given the pods as read, before `fields` trims them, or the count.
    `evaluated_later` are the compiled expressions the caller evaluates on the result afterwards (wait_for):
    when one reads the pods, they stay in the result whatever return_pods says, for the caller to drop.
    The pods are held only when they are returned or an expression reads them; otherwise each page is
    summarised, judged and dropped, and memory stays flat however many pods the scope holds.
    """
    needed_later = needs_pods(evaluated_later)
    keep_pods = return_pods or needed_later or needs_pods((pod_query.query,))
    with _without_cyclic_gc():
        result = _pod_result(client, pod_query, keep_pods, gate_check)
    if pod_query.query is not None:
        result['query_result'] = query_result(pod_query, result)
    if not (return_pods or needed_later):
        result['pods'] = []
    return result


def _pod_result(client, pod_query, keep_pods, gate_check):
    if pod_query.count_only:
        count = count_pods(client, pod_query)
        if gate_check is not None:
            gate_check.add_count(count)
        return {'pods': [], 'count': count, 'summary': empty_summary(count)}
    summary, pods, count = Summary(pod_query.legacy), [], 0
    for page in pod_pages(client, pod_query):
        summary.add(page)
        if gate_check is not None:
            gate_check.add(page)
        count += len(page)
        if keep_pods:
            pods.extend(trim(page, pod_query.fields))
    return {'pods': pods, 'count': count, 'summary': summary.result()}


def scope_not_created(pod_query, error):
    """Whether a read's RunaiError says its workload does not exist (yet): HTTP 404 from the path of one workload.

    A wait (runai_pods_info) and a watch (runai_pod_events) take that as an empty scope, since the workload may be
    created later; a read that must answer now fails with the error.
    """
    return error.status == 404 and pod_query.workload_id is not None


def empty_pod_result(pod_query):
    """The result of a read that found no pod (a workload not created yet, while waiting for it)."""
    result = {'pods': [], 'count': 0, 'summary': Summary(pod_query.legacy).result()}
    if pod_query.query is not None:
        result['query_result'] = query_result(pod_query, result)
    return result


def query_result(pod_query, result):
    # On a copy: `@` gives the result itself, which would otherwise come to hold itself as its query_result.
    return evaluate('query', pod_query.query, dict(result))


def trim(pods, fields):
    if fields is None:
        return pods
    return [dict((field, pod[field]) for field in fields if field in pod) for pod in pods]


# Where the legacy shape keeps what the summary counts.
_SUMMARY_KEYS = {False: ('k8sPhase', 'nodeName', 'currentNodePool', 'allocatedResources'),
                 True: ('phase', 'nodeId', 'nodePool', 'resourceAllocation')}


class Summary:
    """The result's `summary`, built page by page (`add`), holding only counts."""

    def __init__(self, legacy=False):
        self.keys = _SUMMARY_KEYS[legacy]
        self.total = 0
        self.by_phase = Counter()
        self.by_node = Counter()
        self.by_nodepool = Counter()
        self.gpu_allocated = 0.0

    def add(self, pods):
        phase_key, node_key, pool_key, allocation_key = self.keys
        self.total += len(pods)
        # Counted with collections.Counter over generators: at 50,000 pods this is several times faster
        # than a Python loop updating three dicts, and the summary is computed on every read and poll.
        self.by_phase.update(pod.get(phase_key) or '' for pod in pods)
        self.by_node.update(pod.get(node_key) or '' for pod in pods)
        self.by_nodepool.update(pod.get(pool_key) or '' for pod in pods)
        for pod in pods:
            allocation = pod.get(allocation_key)
            if allocation:
                gpu = allocation.get('gpu')
                if gpu and isinstance(gpu, (int, float)) and not isinstance(gpu, bool):
                    self.gpu_allocated += gpu
        return self

    def result(self):
        # Fractional GPUs add up with float noise (866.8999999999999); no allocation is finer than a thousandth.
        # Every phase is named, 0 where none, so that `summary.by_phase.Pending == `0`` can be true.
        by_phase = dict.fromkeys(PHASES, 0)
        by_phase.update(self.by_phase)
        return {'total': self.total, 'by_phase': by_phase, 'by_node': dict(self.by_node),
                'by_nodepool': dict(self.by_nodepool), 'gpu_allocated': round(float(self.gpu_allocated), 3)}


def summarize(pods, legacy=False):
    return Summary(legacy).add(pods).result()


def empty_summary(count):
    return {'total': count, 'by_phase': {}, 'by_node': {}, 'by_nodepool': {}, 'gpu_allocated': 0.0}
