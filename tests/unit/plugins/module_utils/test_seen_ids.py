# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The id table past 65,536 ids: version-1 UUIDs of one host must not all land in one run of slots (issue 16 item 8).

Work is counted in probes (slots looked at), never in seconds.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import uuid

import pytest

from ansible_collections.runai.platform.plugins.module_utils._seen_ids import SeenIds


def version_1_uuids(count, node=0x0242ac110002, clock_seq=0x1234, start=0x1EF0000000000000):
    """Time-based UUIDs of one host, 100 ns apart: the high half counts up, the low half never changes."""
    for tick in range(count):
        timestamp = start + tick * 1000
        fields = (timestamp & 0xFFFFFFFF, (timestamp >> 32) & 0xFFFF, ((timestamp >> 48) & 0x0FFF) | 0x1000,
                  0x80 | (clock_seq >> 8), clock_seq & 0xFF, node)
        yield str(uuid.UUID(fields=fields))


@pytest.mark.parametrize('ids', [
    pytest.param(version_1_uuids, id='version-1-one-host'),
    pytest.param(lambda count: (str(uuid.UUID(int=(number << 64) | 7)) for number in range(1, count + 1)), id='high-half-only'),
    pytest.param(lambda count: (str(uuid.UUID(int=number)) for number in range(1, count + 1)), id='low-half-only'),
])
def test_100000_ids_that_differ_in_one_half_take_few_probes_each(ids):
    seen = SeenIds(set_limit=1024)
    chunk_ids = list(ids(100000))
    # Checked every 2,000 ids, so that the quadratic table of old fails at once instead of running for minutes.
    for start in range(0, 100000, 2000):
        for item_id in chunk_ids[start:start + 2000]:
            assert seen.add(item_id) is True
        # Linear probing in a table at most three quarters full: about 3 probes an id, growth included (random ids too).
        assert getattr(seen, 'probes', None) is not None and seen.probes <= 6 * (start + 2000), (start, seen.probes)
    assert all(seen.add(item_id) is False for item_id in chunk_ids[::97])
    assert all(item_id in seen for item_id in chunk_ids[::89])
    assert str(uuid.UUID(int=12345 << 80)) not in seen
