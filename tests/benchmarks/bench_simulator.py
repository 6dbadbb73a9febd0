#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How fast the simulator serves a large tenant (docs/simulator.md, "Performance"): start-up, and a 500-pod page.

Server time is the simulator's own Server-Timing header (request parsed to answer built, no network, no
client); client time is one keep-alive round trip measured here. Medians over pages that are each rendered
for the first time (the worst case: nothing cached). tests/conformance/test_scale.py checks what the
simulator answers at this size; the times are measured here, where a loaded machine makes a figure
slower instead of a test red.
"""

import argparse
import http.client
import json
import os
import re
import statistics
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'simulator'))
from harness import start_simulator  # noqa: E402  pylint: disable=wrong-import-position

NEXT_PATTERN = re.compile(rb'"next":(\d+)}$')
# On an idle 2-core machine: start-up about 2.5 s at 200,000 pods, a page about 15 ms of server time.
# Figures above these point at a full scan per page, not at the machine's load.
TARGETS = {'startup_s': 10.0, 'page_server_median_ms': 60.0, 'page_client_median_ms': 100.0, 'sorted_page_server_median_ms': 60.0}


def token(sim):
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(sim.base_url).netloc, timeout=60)
    body = json.dumps({'grantType': 'client_credentials', 'clientID': sim.client_id, 'clientSecret': sim.client_secret})
    connection.request('POST', '/api/v1/token', body, {'Content-Type': 'application/json'})
    answer = json.loads(connection.getresponse().read())
    connection.close()
    return answer['accessToken']


def walk(sim, pages, extra=''):
    """(server ms, client ms) of `pages` pages of 500, each following the `next` of the page before."""
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(sim.base_url).netloc, timeout=60)
    headers = {'Authorization': 'Bearer ' + token(sim)}
    server_ms, client_ms, offset = [], [], 0
    try:
        for _page in range(pages):
            started = time.perf_counter()
            connection.request('GET', '/api/v1/workloads/pods?limit=500&offset=%d%s' % (offset, extra), headers=headers)
            answer = connection.getresponse()
            body = answer.read()
            client_ms.append((time.perf_counter() - started) * 1000)
            server_ms.append(float(answer.getheader('server-timing').split('=')[1]))
            offset = int(NEXT_PATTERN.search(body).group(1))
    finally:
        connection.close()
    return server_ms, client_ms


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--pods', type=int, default=200000)
    options = parser.parse_args()
    started = time.monotonic()
    with start_simulator('--pods', options.pods, timeout=300) as sim:
        startup_s = time.monotonic() - started
        server_ms, client_ms = walk(sim, 40)
        sorted_server_ms, sorted_client_ms = walk(sim, 20, '&sortBy=nodeName&sortOrder=desc')
    figures = {'startup_s': startup_s,
               'page_server_median_ms': statistics.median(server_ms),
               'page_client_median_ms': statistics.median(client_ms),
               'page_client_max_ms': max(client_ms),
               'sorted_first_page_ms': sorted_client_ms[0],
               'sorted_page_server_median_ms': statistics.median(sorted_server_ms)}
    print('== simulator at %d pods (40 pages of 500, then 20 sorted by nodeName)' % options.pods)
    for name, value in figures.items():
        target = TARGETS.get(name)
        print('  %-30s %8.2f%s' % (name, value, '' if target is None else '  (target < %.0f%s)' % (
            target, '' if value < target else ', MISSED')))


if __name__ == '__main__':
    main()
