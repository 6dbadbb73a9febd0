# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""Running a PodQuery: its pages (checked, streamed), its count, and the result object users see.

fetch_pod_result() summarises and judges each page as it comes and keeps the pods only when they are
returned or an expression reads them, so that memory stays flat however many pods the scope holds.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import gc

from ansible_collections.runai.platform.plugins.module_utils._answers import check_pods, protocol_error
from ansible_collections.runai.platform.plugins.module_utils._jmespath import evaluate, reads_key
from ansible_collections.runai.platform.plugins.module_utils._pod_summary import Summary, empty_summary


def fetch_pod_list(client, pod_query):
    """The pods a PodQuery selects, in the API's order, at most max_pods, none twice, each checked."""
    pods = []
    for page in fetch_pod_pages(client, pod_query):
        pods.extend(page)
    return pods


def fetch_pod_pages(client, pod_query):
    """The pods a PodQuery selects, page by page in the API's order (at most max_pods, none twice), so that a
    caller can summarise each page and drop it. The legacy path answers every pod at once: one page.
    Every page is checked (_answers.check_pods) before it is handed on."""
    if pod_query.legacy:
        body = client.get(pod_query.path, not_found=pod_query.scope_label)[1]
        if not isinstance(body, list):
            raise protocol_error('GET', pod_query.path, 'without a list of pods')
        return iter([check_pods(body[:pod_query.max_pods] if pod_query.max_pods else body, pod_query.path, legacy=True)])
    if pod_query.unpaged:
        return iter([_unpaged_pods(client, pod_query)])
    pages = client.iter_pages(pod_query.path, pod_query.params, 'pods', offset=pod_query.offset, page_size=pod_query.page_size,
                              max_items=pod_query.max_pods, not_found=pod_query.scope_label)
    return _checked_pages(pages, pod_query.path)


def _unpaged_pods(client, pod_query):
    # The answer is the pager's `{pods}` without `next`; asked once, without offset and limit, which the path does not take.
    body = client.get(pod_query.path, pod_query.params, not_found=pod_query.scope_label)[1]
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


def fetch_pod_count(client, pod_query):
    """The server's count of the pods a count_only PodQuery selects (one request to the count path)."""
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


def fetch_pod_result(client, pod_query, return_pods=True, gate_check=None, keep_pods_for=()):
    """One read: the result object users see (pods, count, summary, and query_result if asked).

    A `gate_check` (a _gate.GateCheck) is given the pods as read, before `fields` trims them, or the count.
    `keep_pods_for` are the compiled expressions the caller evaluates on the result afterwards (wait_for):
    when one reads the pods, they stay in the result whatever return_pods says, for the caller to drop.
    The pods are held only when they are returned or an expression reads them; otherwise each page is
    summarised, judged and dropped, and memory stays flat however many pods the scope holds.
    """
    needed_later = needs_pods(keep_pods_for)
    keep_pods = return_pods or needed_later or needs_pods((pod_query.query,))
    with _without_cyclic_gc():
        result = _pages_into_result(client, pod_query, keep_pods, gate_check)
    if pod_query.query is not None:
        result['query_result'] = query_result(pod_query, result)
    if not (return_pods or needed_later):
        result['pods'] = []
    return result


def _pages_into_result(client, pod_query, keep_pods, gate_check):
    """The result's pods (only if `keep_pods`), count and summary; each page summarised and judged as it comes."""
    if pod_query.count_only:
        count = fetch_pod_count(client, pod_query)
        if gate_check is not None:
            gate_check.add_count(count)
        return {'pods': [], 'count': count, 'summary': empty_summary(count)}
    summary, pods, count = Summary(pod_query.legacy), [], 0
    for page in fetch_pod_pages(client, pod_query):
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
