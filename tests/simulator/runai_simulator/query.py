"""Selecting pods: deleted/completed/filters/search, then ordering, with the result cached per query.

Paging through one query asks for the same selection again and again with another offset, so
the ordered list is computed once and kept (a small LRU), until an admin path changes the pods.
"""

import collections

from .filters import sort_key

CACHE_ENTRIES = 32


class PodQuery(collections.namedtuple('PodQuery', 'workload_id deleted completed filters search sort_by sort_order')):
    """A selection of pods; `filters` are filters.Filter items, `search` is lower-case or None."""

    def cache_key(self):
        return (self.workload_id, self.deleted, self.completed,
                tuple((item.field, item.op, item.value) for item in self.filters),
                self.search, self.sort_by, self.sort_order)


def query(workload_id=None, deleted=False, completed='all', filters=(), search=None, sort_by=None, sort_order='asc'):
    return PodQuery(workload_id, deleted, completed, tuple(filters), search.lower() if search else None, sort_by, sort_order)


def matches_search(term):
    """Case-insensitive substring of the pod name, workload name, project name or node name."""
    def predicate(pod):
        workload = pod.workload
        node_name = pod.node_name
        return (term in pod.name or term in workload.name or term in workload.project.name
                or (node_name is not None and term in node_name))
    return predicate


class PodIndex:
    def __init__(self, world):
        self.world = world
        self._cache = collections.OrderedDict()
        self._generation = world.view.generation

    @property
    def live(self):
        return self.world.view.live

    def select(self, pod_query):
        key = pod_query.cache_key()
        # The world's lock: selections are CPU-bound under the GIL anyway, concurrent requests for the
        # same new query then compute it once instead of once each, and no change lands mid-selection.
        with self.world.lock:
            view = self.world.view
            if view.generation != self._generation:
                # The pods changed (an admin path): every cached selection is stale.
                self._cache.clear()
                self._generation = view.generation
            selected = self._cache.get(key)
            if selected is None:
                selected = self._compute(pod_query, view)
                self._cache[key] = selected
                if len(self._cache) > CACHE_ENTRIES:
                    self._cache.popitem(last=False)
            else:
                self._cache.move_to_end(key)
        return selected

    def _base(self, pod_query, view):
        if pod_query.workload_id is None:
            return view.deleted if pod_query.deleted else view.live
        pods = self.world.workloads_by_id[pod_query.workload_id].pods
        return [pod for pod in pods if (pod.deleted_ms is not None) == pod_query.deleted]

    def _compute(self, pod_query, view):
        pods = self._base(pod_query, view)
        if pod_query.completed == 'true':
            pods = [pod for pod in pods if pod.completed_ms is not None]
        elif pod_query.completed == 'false':
            pods = [pod for pod in pods if pod.completed_ms is None]
        for item in pod_query.filters:
            pods = list(filter(item.predicate, pods))
        if pod_query.search:
            pods = list(filter(matches_search(pod_query.search), pods))
        descending = pod_query.sort_order == 'desc'
        if pod_query.sort_by:
            # sorted() is stable with reverse=True too: ties keep the default order.
            return sorted(pods, key=sort_key(pod_query.sort_by), reverse=descending)
        # Cached lists are never changed, so the base list itself can be the answer.
        return pods[::-1] if descending else pods
