"""The simulator's own record of every pod change (admin paths and churn), for tests to compare with what a
client read: which pods were deleted, created or changed, in what order, and when.

Each entry has a sequence number that is never reused until reset, so a test notes the latest one before a
read (`GET /_sim/changes`) and asks for everything after it once the read is over.
"""

import collections
import threading

from .timefmt import format_ms

# A soak test changes tens of thousands of pods; keep the latest ones only (sequence numbers say what was lost).
MAX_ENTRIES = 200000


class ChangeHistory:
    def __init__(self):
        self._entries = collections.deque(maxlen=MAX_ENTRIES)
        self._lock = threading.Lock()
        self._sequence = 0

    def record(self, kind, pod, when_ms, source, list_answer=None, index=None, fields=None):
        """One change: `kind` is deleted, created or changed; `fields` maps a changed field to {old, new}."""
        with self._lock:
            self._sequence += 1
            entry = {'seq': self._sequence, 'time': format_ms(when_ms), 'kind': kind, 'podId': pod.id,
                     'podName': pod.name, 'workloadId': pod.workload_id, 'source': source}
            if list_answer is not None:
                entry['listAnswer'] = list_answer
            if index is not None:
                entry['index'] = index
            if fields:
                entry['fields'] = fields
            self._entries.append(entry)

    @property
    def latest(self):
        with self._lock:
            return self._sequence

    def since(self, sequence):
        """The entries after `sequence`, oldest first, and the latest sequence number."""
        with self._lock:
            return [entry for entry in self._entries if entry['seq'] > sequence], self._sequence

    def clear(self):
        with self._lock:
            self._entries.clear()
            self._sequence = 0
