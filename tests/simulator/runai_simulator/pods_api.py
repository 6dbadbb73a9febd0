"""The pods paths: list, count, pods of a workload, metrics of a pod, and the deprecated legacy list."""

from . import params
from .errors import ApiError
from .filters import FIELD_ATTRIBUTES, parse_filters
from .messages import JSON_TYPE, Response, json_response
from .metric_types import METRIC_TYPES
from .metrics import pod_metrics
from .query import query
from .render import legacy_document, to_json
from .revisions import RevisionIndex

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
MAX_SAMPLES = 1000
DEFAULT_SAMPLES = 20
COMPLETED_VALUES = ('true', 'false', 'all', '')


class PodsApi:
    def __init__(self, world, index, renderer):
        self.world = world
        self.index = index
        self.renderer = renderer
        self._legacy_bodies = {}
        # A gateway's cap on the pods of one list answer (None: none); set from --page-cap or /_sim/gateway.
        self.page_cap = None
        self.revisions = RevisionIndex(world)

    # -- helpers -----------------------------------------------------------------------------------
    def _workload(self, workload_id):
        workload = self.world.workloads_by_id.get(params.uuid_in_path(workload_id, 'workloadId'))
        if workload is None:
            raise ApiError(404, 'Workload %s not found' % workload_id, details='no workload has this id')
        return workload

    @staticmethod
    def _paging(request_params):
        offset = params.integer(request_params, 'offset', 0)
        limit = params.integer(request_params, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT)
        return offset, limit

    @staticmethod
    def _completed(request_params):
        value = params.first(request_params, 'completed')
        if value is not None and value not in COMPLETED_VALUES:
            raise ApiError(400, "Invalid value %r for query parameter 'completed': must be 'true', 'false' or 'all'" % value,
                           details="parameter 'completed'")
        return value or 'all'

    def _page(self, selected, offset, limit, render):
        """The list answer, pre-serialised pods joined: `next` only while pods remain after this page.

        Under a page cap the answer holds fewer pods than asked, and `next` is the offset plus what it served.
        """
        page_cap = self.page_cap
        end = offset + (limit if page_cap is None else min(limit, page_cap))
        text = '{"pods":[' + ','.join(render(pod) for pod in selected[offset:end]) + ']'
        if end < len(selected):
            text += ',"next":%d' % end
        return Response(200, (text + '}').encode('utf-8'), JSON_TYPE)

    # -- GET /api/v1/workloads/pods ------------------------------------------------------------------
    def _list_query(self, request_params):
        """(query, offset, limit, verbosity) of a list request; parameters checked in a fixed order."""
        deleted = params.boolean(request_params, 'deleted')
        offset, limit = self._paging(request_params)
        sort_order = params.choice(request_params, 'sortOrder', ('asc', 'desc'), 'asc')
        sort_by = params.choice(request_params, 'sortBy', tuple(FIELD_ATTRIBUTES), None)
        filters = parse_filters(request_params.get('filterBy', ()))
        verbosity = params.choice(request_params, 'verbosity', ('brief', 'full'), 'brief')
        completed = self._completed(request_params)
        search = params.first(request_params, 'search')
        pod_query = query(deleted=deleted, completed=completed, filters=filters, search=search, sort_by=sort_by,
                          sort_order=sort_order)
        return pod_query, offset, limit, verbosity

    def list_pods(self, request):
        pod_query, offset, limit, verbosity = self._list_query(request.params)
        selected = self.index.select(pod_query)
        render = self.renderer.full if verbosity == 'full' else self.renderer.brief
        return self._page(selected, offset, limit, render)

    def selection_of(self, workload_id, request_params):
        """The ordered pods a list request pages through (`workload_id` None: the list path), for churn to
        pick positions in; an ApiError when the request's parameters are not valid."""
        if workload_id is None:
            return self.index.select(self._list_query(request_params)[0])
        workload = self._workload(workload_id)
        return self.index.select(query(workload_id=workload.id, deleted=params.boolean(request_params, 'deleted'),
                                       search=params.first(request_params, 'search')))

    # -- GET /api/v1/workloads/pods/count ------------------------------------------------------------
    def count_pods(self, request):
        request_params = request.params
        deleted = params.boolean(request_params, 'deleted')
        filters = parse_filters(request_params.get('filterBy', ()))
        search = params.first(request_params, 'search')
        selected = self.index.select(query(deleted=deleted, filters=filters, search=search))
        return json_response(200, {'count': len(selected)})

    # -- GET /api/v1/workloads/{workloadId}/pods -----------------------------------------------------
    def workload_pods(self, request, workload_id):
        # Only deleted, offset, limit and search apply here; the API ignores the list path's other parameters.
        request_params = request.params
        deleted = params.boolean(request_params, 'deleted')
        offset, limit = self._paging(request_params)
        search = params.first(request_params, 'search')
        workload = self._workload(workload_id)
        selected = self.index.select(query(workload_id=workload.id, deleted=deleted, search=search))
        return self._page(selected, offset, limit, self.renderer.brief)

    # -- GET /api/v1/workloads/inferences/revisions/{revisionId}/pods (clusters 2.21+) ---------------
    def revision_pods(self, request, revision_id):
        # Only `deleted` applies; one answer holds every pod of the revision, with no `next` (no paging).
        deleted = params.boolean(request.params, 'deleted')
        revision_id = params.uuid_in_path(revision_id, 'revisionId')
        pods = self.revisions.pods(revision_id, deleted)
        if pods is None:
            raise ApiError(404, 'Revision %s not found' % revision_id, details='no inference revision has this id')
        render = self.renderer.brief
        return Response(200, ('{"pods":[' + ','.join(render(pod) for pod in pods) + ']}').encode('utf-8'), JSON_TYPE)

    # -- GET /api/v1/workloads/{workloadId}/pods/{podId}/metrics -------------------------------------
    @staticmethod
    def _metric_types(request_params):
        items = split_metric_types(request_params.get('metricType', ()))
        if not items:
            raise ApiError(400, "Missing required query parameter 'metricType'", details="parameter 'metricType'")
        unknown = [item for item in items if item not in METRIC_TYPES]
        if unknown:
            raise ApiError(400, "Invalid value %r for query parameter 'metricType': not a PodMetricType" % unknown[0],
                           details="parameter 'metricType'")
        # A type asked twice is answered once, in the order first asked.
        return list(dict.fromkeys(items))

    def pod_metrics(self, request, workload_id, pod_id):
        request_params = request.params
        params.uuid_in_path(pod_id, 'podId')
        metric_types = self._metric_types(request_params)
        start_ms = params.required_date_time(request_params, 'start')
        end_ms = params.required_date_time(request_params, 'end')
        if start_ms >= end_ms:
            raise ApiError(400, "Invalid time range: 'start' must be before 'end'", details="parameters 'start', 'end'")
        samples = params.integer(request_params, 'numberOfSamples', DEFAULT_SAMPLES, 0, MAX_SAMPLES)
        workload = self._workload(workload_id)
        pod = self.world.pods_by_id.get(pod_id.lower())
        if pod is None or pod.workload is not workload:
            raise ApiError(404, 'Pod %s not found in workload %s' % (pod_id, workload_id), details='no such pod in this workload')
        body, missing = pod_metrics(pod, self.world.seed, metric_types, start_ms, end_ms, samples)
        # 207 "Partial success": some requested types came back without data (left out of measurements).
        return json_response(207 if missing else 200, body)

    # -- GET /v1/k8s/clusters/{uuid}/pods (deprecated) -----------------------------------------------
    def legacy_pods(self, request, cluster_uuid):
        del request  # the legacy path takes no parameters
        cluster = self.world.clusters_by_id.get(cluster_uuid.lower())
        if cluster is None:
            raise ApiError(404, 'Cluster %s not found' % cluster_uuid, legacy=True)
        view = self.world.view
        # Kept per generation of the pods: an admin change makes a new one.
        key = (view.generation, cluster.id)
        body = self._legacy_bodies.get(key)
        if body is None:
            pods = [pod for pod in view.live if pod.cluster_id == cluster.id]
            body = ('[' + ','.join(to_json(legacy_document(pod)) for pod in pods) + ']').encode()
            self._legacy_bodies = {cached: text for cached, text in self._legacy_bodies.items() if cached[0] == view.generation}
            self._legacy_bodies[key] = body
        return Response(200, body, JSON_TYPE)


def split_metric_types(raw_values):
    """Both encodings: `metricType=A,B` and `metricType=A&metricType=B`, and their mix."""
    return [item for raw in raw_values for item in raw.split(',') if item]
