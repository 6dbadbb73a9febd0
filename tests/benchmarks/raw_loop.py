# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The practical lower bound: a minimal hand-written loop, one requests session, pages one after another.

Usage: raw_loop.py BASE_URL CLIENT_ID MAX_PODS  (the client secret comes from RUNAI_CLIENT_SECRET)
"""

import json
import os
import sys

import requests

base_url, client_id, max_pods = sys.argv[1], sys.argv[2], int(sys.argv[3])
session = requests.Session()
token = session.post(base_url + '/api/v1/token', json={'grantType': 'client_credentials', 'clientID': client_id,
                                                       'clientSecret': os.environ['RUNAI_CLIENT_SECRET']}, timeout=30).json()['accessToken']
session.headers['Authorization'] = 'Bearer ' + token
pods = []
offset = 0
while offset is not None and len(pods) < max_pods:
    page = session.get(base_url + '/api/v1/workloads/pods', params={'offset': offset, 'limit': min(500, max_pods - len(pods))}, timeout=30).json()
    pods.extend(page['pods'])
    offset = page.get('next')
# What bench.py compares with the other cases' verdicts.
print('bench-verdict ' + json.dumps({'pods': len(pods), 'failed': sum(1 for pod in pods if pod.get('k8sPhase') == 'Failed')}))
