# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The simulator for the rulebook demo of docs/eda.md, run in the background of a shell.

    eval "$(.venv/bin/python tests/eda/demo_simulator.py start)"   # starts it; prints the exports
    .venv/bin/python tests/eda/demo_simulator.py fail               # turns a Running pod Failed
    .venv/bin/python tests/eda/demo_simulator.py stop

`start` prints shell exports: RUNAI_BASE_URL, RUNAI_CLIENT_ID, RUNAI_CLIENT_SECRET (a random secret of
this local simulator), and PATH and ANSIBLE_COLLECTIONS_PATH for .venv-eda's ansible-rulebook.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STATE = os.path.join(ROOT, '.build', 'eda-demo', 'simulator.json')
LOG = os.path.join(ROOT, '.build', 'eda-demo', 'simulator.log')


def start():
    os.makedirs(os.path.dirname(STATE), exist_ok=True)
    with open(LOG, 'wb') as log:
        command = [sys.executable, os.path.join(ROOT, 'tests', 'simulator', 'runai_sim.py'), '--pods', '2000']
        # A session of its own: the simulator outlives this command, and Ctrl-C in the shell does not reach it.
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,  # pylint: disable=consider-using-with
                                   start_new_session=True)
    ready = json.loads(process.stdout.readline())
    with open(STATE, 'w') as state:
        json.dump(dict(ready, pid=process.pid), state)
    os.chmod(STATE, 0o600)
    venv = os.path.join(ROOT, '.venv-eda')
    exports = {'RUNAI_BASE_URL': ready['base_url'], 'RUNAI_CLIENT_ID': ready['client_id'], 'RUNAI_CLIENT_SECRET': ready['client_secret'],
               'PATH': os.path.join(venv, 'bin') + os.pathsep + os.environ.get('PATH', ''),
               'ANSIBLE_COLLECTIONS_PATH': os.path.join(venv, 'collections')}
    for name, value in exports.items():
        print('export %s=%s' % (name, shlex.quote(value)))


def admin(state, method, path, payload=None):
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(state['base_url'] + '/_sim/' + path, data=data, method=method, headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def fail(state):
    pod = admin(state, 'GET', 'inventory?workloads=false')['examples']['podWithAdvancedMetrics']
    failed = admin(state, 'POST', 'pods/' + pod['podId'], {'k8sPhase': 'Failed'})['pod']
    print('pod %s (%s) is now %s' % (failed['name'], failed['id'], failed['k8sPhase']))


def stop(state):
    os.kill(state['pid'], signal.SIGTERM)
    for _attempt in range(50):
        try:
            os.kill(state['pid'], 0)
        except OSError:
            break
        time.sleep(0.1)
    os.remove(STATE)
    print('simulator stopped')


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else ''
    if command == 'start':
        return start()
    if command not in ('fail', 'stop'):
        raise SystemExit('usage: demo_simulator.py start|fail|stop')
    if not os.path.exists(STATE):
        raise SystemExit('demo_simulator.py: no simulator started by "start" is running')
    with open(STATE) as handle:
        state = json.load(handle)
    return fail(state) if command == 'fail' else stop(state)


if __name__ == '__main__':
    main()
