#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the read guarantee costs in requests and pods, from the simulator's request log (docs/performance.md,
"Reads on a living tenant").

Each case reads a scope through the collection's client (concurrent and sequential paging) and counts the
list requests, the pods they asked for (the sum of `limit`) and the pods the simulator served, against a
churn-free read without overlap at page size 500 (ceil(N / 500) requests of 500). Request counts, not
times: they do not depend on how loaded the machine is.
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'simulator'))
from harness import pods_that_stayed, start_simulator  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.runai.platform.plugins.module_utils._client import RunaiClient  # noqa: E402  pylint: disable=wrong-import-position

LIST_PATH = '/api/v1/workloads/pods'
COUNT_PATH = '/api/v1/workloads/pods/count'


def read(sim, workers, page_size=500, params=()):
    client = RunaiClient(sim.base_url, client_id=sim.client_id, client_secret=sim.client_secret, page_workers=workers)
    sim.clear_requests()
    pods = client.paginate(LIST_PATH, list(params), 'pods', page_size=page_size)
    requests = [request for request in sim.requests() if request['path'] in (LIST_PATH, COUNT_PATH)]
    pages = [request for request in requests if request['path'] == LIST_PATH]
    ids = [pod['id'] for pod in pods]
    return {'pods': len(pods), 'ids': ids, 'twice': len(ids) - len(set(ids)), 'pages': len(pages), 'lost': 0,
            'counts': len(requests) - len(pages), 'asked': sum(int(request['params']['limit'][0]) for request in pages)}


def line(name, figures, total=None):
    versus = ''
    if total:
        churn_free = -(-total // 500) * 500
        versus = '%+.1f %% (%d)' % (100.0 * (figures['asked'] - churn_free) / churn_free, churn_free)
    return '| %s | %d | %d | %d | %d | %s | %d | %d |' % (
        name, figures['pods'], figures['pages'], figures['counts'], figures['asked'], versus, figures['twice'], figures['lost'])


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    # 70,000 generated pods hold about 50,000 live ones (the others are generated deleted).
    parser.add_argument('--pods', type=int, default=70000)
    options = parser.parse_args()
    print('| case | pods read | list requests | count requests | pods asked (sum of limit) | asked vs a churn-free read '
          'at page size 500 | read twice | stayed but lost |')
    print('|---|---|---|---|---|---|---|---|')
    with start_simulator('--pods', str(options.pods), '--seed', '7') as sim:
        before = read(sim, 1)
        total = before['pods']
        for workers, path in ((8, 'concurrent'), (1, 'sequential')):
            print(line('%d live pods, page size 500, %s' % (total, path), read(sim, workers), total))
        for workers, path in ((8, 'concurrent'), (1, 'sequential')):
            sim.reset()
            mark = sim.latest_change()
            sim.churn(seed=3, per_answer={'deletes': 5, 'creates': 5, 'changes': 5})
            figures = read(sim, workers)
            sim.stop_churn()
            figures['lost'] = len(set(pods_that_stayed(before['ids'], sim.changes(since=mark))) - set(figures['ids']))
            print(line('the same, 5 deletions and 5 creations after every page, %s' % path, figures, total))
        sim.reset()
    for pods, cap in ((800, 50), (2800, 100)):
        with start_simulator('--pods', str(pods), '--seed', '7', '--page-cap', str(cap)) as sim:
            figures = read(sim, 8)
            print(line('%d live pods, gateway cap %d, page size 500, concurrent (%d pages of %d hold them)' % (
                figures['pods'], cap, -(-figures['pods'] // cap), cap), figures))
    with start_simulator('--pods', '870', '--seed', '7') as sim:
        for workers, path in ((8, 'concurrent'), (1, 'sequential')):
            figures = read(sim, workers)
            print(line('%d live pods (two pages hold them), page size 500, %s' % (figures['pods'], path), figures))
        figures = read(sim, 8, params=[('completed', False)])
        print(line('%d pods not completed (no count path with completed), page size 500, concurrent' % figures['pods'], figures))


if __name__ == '__main__':
    main()
