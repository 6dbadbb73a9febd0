"""Inference revisions: which workload holds a revision, and the pods of one revision.

A revision is known from its workload's generated `revisions` and from the pods that carry its id,
so a revision added through the admin paths (its pods carry the new id) disappears with them on reset.
"""


class RevisionIndex:
    """revision id -> workload, rebuilt when the pods change (the view's generation)."""

    def __init__(self, world):
        self.world = world
        self._generation = None
        self._workloads = {}

    def workload_of(self, revision_id):
        with self.world.lock:
            view = self.world.view
            if view.generation != self._generation:
                workloads = {}
                for workload in self.world.workloads:
                    for known in workload.revisions:
                        workloads[known] = workload
                for pod in view.pods:
                    if pod.revision_id is not None:
                        workloads.setdefault(pod.revision_id, pod.workload)
                self._workloads, self._generation = workloads, view.generation
            return self._workloads.get(revision_id)

    def pods(self, revision_id, deleted):
        """The revision's pods (deleted ones, or those that are not), in the API's default order; None if unknown."""
        workload = self.workload_of(revision_id)
        if workload is None:
            return None
        return [pod for pod in workload.pods if pod.revision_id == revision_id and (pod.deleted_ms is not None) == deleted]
