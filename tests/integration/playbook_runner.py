# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run tasks through ansible-playbook, as a user would, and hand back what each task registered."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import subprocess
import sys
import tempfile

import yaml

# Each task registers its result under this prefix; a last task writes them all to a JSON file.
RESULT_PREFIX = 'runai_test_'


class PlaybookRun:
    """What a run showed (output), registered (results) and wrote (every file but the playbook, log included)."""

    def __init__(self, returncode, output, results, written):
        self.returncode = returncode
        self.output = output
        self.results = results
        self.written = written

    @property
    def everything(self):
        return '\n'.join([self.output, json.dumps(self.results)] + list(self.written.values()))

    def __getitem__(self, name):
        return self.results[name]


def run_tasks(tasks, env=None, play_vars=None, module_defaults=None, verbosity=0, expect_rc=0, timeout=600, interpreter=None):
    """Run `tasks` (each a dict with a unique `name`) on localhost; every task may fail without ending the play.

    Modules run with `interpreter` (this Python by default). Returns the output and each task's
    registered result by task name.
    """
    with tempfile.TemporaryDirectory(prefix='runai-it-') as workdir:
        results_path = os.path.join(workdir, 'results.json')
        registered = []
        play_tasks = []
        for index, task in enumerate(tasks):
            variable = '%s%d' % (RESULT_PREFIX, index)
            registered.append((task['name'], variable))
            play_tasks.append(dict(task, register=variable, ignore_errors=True))
        collected = ', '.join("%s: %s | default({'skipped_by_test': true})" % (json.dumps(name), variable) for name, variable in registered)
        play_tasks.append({'name': 'Write what every task registered',
                           'ansible.builtin.copy': {'dest': results_path, 'content': '{{ {%s} | to_json }}' % collected, 'mode': '0600'}})
        play = {'name': 'runai.platform integration', 'hosts': 'localhost', 'gather_facts': False,
                'vars': dict(play_vars or {}, ansible_python_interpreter=interpreter or sys.executable), 'tasks': play_tasks}
        if module_defaults:
            play['module_defaults'] = module_defaults
        playbook = os.path.join(workdir, 'playbook.yml')
        with open(playbook, 'w') as handle:
            yaml.safe_dump([play], handle, sort_keys=False)
        command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', playbook]
        if verbosity:
            command.append('-' + 'v' * verbosity)
        # The log, Ansible's temporary files and the results all land in workdir, where secret scans look.
        run_env = dict(env or {}, ANSIBLE_LOG_PATH=os.path.join(workdir, 'ansible.log'), ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'local-tmp'),
                       ANSIBLE_REMOTE_TEMP=os.path.join(workdir, 'remote-tmp'))
        completed = subprocess.run(command, env=playbook_env(run_env), cwd=workdir, capture_output=True, text=True, timeout=timeout, check=False)
        output = completed.stdout + completed.stderr
        assert completed.returncode == expect_rc, 'ansible-playbook exited %d:\n%s' % (completed.returncode, output[-6000:])
        with open(results_path) as handle:
            results = json.load(handle)
        return PlaybookRun(completed.returncode, output, results, files_written(workdir, exclude=playbook))


def files_written(folder, exclude):
    """Path -> text of every file under folder (the run's own input, `exclude`, left out)."""
    written = {}
    for parent, _dirs, names in os.walk(folder):
        for name in names:
            path = os.path.join(parent, name)
            if path != exclude:
                with open(path, encoding='utf-8', errors='replace') as handle:
                    written[path] = handle.read()
    return written


def playbook_env(extra=None):
    """The environment of a playbook run: no RUNAI_* from the caller unless given, no retry files, no colour."""
    env = dict((name, value) for name, value in os.environ.items() if not name.startswith('RUNAI_'))
    env.update(ANSIBLE_RETRY_FILES_ENABLED='false', ANSIBLE_NOCOLOR='1', ANSIBLE_DEPRECATION_WARNINGS='true',
               ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false')
    env.update(extra or {})
    return env


def connection(simulator, **overrides):
    """Connection options for a module task or a lookup call against `simulator` (None drops one)."""
    options = dict(base_url=simulator.base_url, client_id=simulator.client_id, client_secret=simulator.client_secret)
    if simulator.ca_path:
        options['ca_path'] = simulator.ca_path
    options.update(overrides)
    return dict((name, value) for name, value in options.items() if value is not None)
