# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What EDA users get besides the source: the rulebook and playbook pass ansible-lint, the decision
environment definition builds a context, and the source documents every argument it takes."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import subprocess
import sys
import tarfile

import yaml

from rulebook_engine import ROOT

from ansible_collections.runai.platform.plugins.module_utils import _watch_arguments

BIN = os.path.dirname(sys.executable)  # the suite's venv: ansible-lint, ansible-builder, ansible-galaxy


def tool(*command, **kwargs):
    completed = subprocess.run([os.path.join(BIN, command[0])] + list(command[1:]), cwd=ROOT, capture_output=True, text=True,
                               timeout=600, check=False, **kwargs)
    assert completed.returncode == 0, '%s exited %d:\n%s%s' % (command[0], completed.returncode, completed.stdout[-3000:], completed.stderr[-3000:])
    return completed


def test_the_rulebook_and_its_playbook_pass_ansible_lint_production(tmp_path):
    env = dict(os.environ, HOME=str(tmp_path), ANSIBLE_LOCAL_TEMP=str(tmp_path / 'tmp'))
    tool('ansible-lint', '--profile', 'production', '--offline', 'extensions/eda/rulebooks/', 'playbooks/pod_failed_report.yml', env=env)


def test_the_decision_environment_definition_makes_a_build_context(tmp_path):
    tool('ansible-galaxy', 'collection', 'build', '--output-path', str(tmp_path))
    tarball = next(tmp_path.glob('runai-platform-*.tar.gz'))
    with open(os.path.join(ROOT, 'extensions', 'eda', 'decision-environment.yml')) as handle:
        definition = yaml.safe_load(handle)
    definition['dependencies']['galaxy'] = {'collections': [{'name': str(tarball), 'type': 'file'}]}
    definition_path = tmp_path / 'decision-environment.yml'
    definition_path.write_text(yaml.safe_dump(definition))
    tool('ansible-builder', 'create', '-f', str(definition_path), '--context', str(tmp_path / 'context'))
    assert {'Dockerfile', '_build'} <= set(os.listdir(str(tmp_path / 'context')))


def test_the_tarball_carries_the_source_and_the_rulebook(tmp_path):
    tool('ansible-galaxy', 'collection', 'build', '--output-path', str(tmp_path))
    with tarfile.open(str(next(tmp_path.glob('runai-platform-*.tar.gz')))) as archive:
        listing = archive.getnames()
    assert {'extensions/eda/plugins/event_source/runai_pod_events.py', 'extensions/eda/rulebooks/pod_failed.yml',
            'playbooks/pod_failed_report.yml', 'extensions/eda/decision-environment.yml'} <= set(listing)
    assert 'requirements-eda.txt' not in listing


def test_every_argument_is_documented_and_every_documented_option_is_taken(source):
    documentation = yaml.safe_load(source['DOCUMENTATION'])
    taken = set(_watch_arguments.SOURCE_ARGUMENT_SPEC)
    assert set(documentation['options']) == taken
    assert documentation['options']['watch_fields']['default'] == list(_watch_arguments.DEFAULT_WATCH_FIELDS)
    assert documentation['options']['whole_tenant']['default'] is False
    assert yaml.safe_load(source['EXAMPLES'])[0]['sources'][0]['runai.platform.runai_pod_events']


def test_the_event_source_benchmark_runs(tmp_path):
    """make bench's event source part, on a small scope: it must not rot between full runs."""
    out = tmp_path / 'eda.json'
    env = dict(os.environ)
    env.pop('PYTHONPATH', None)
    command = [sys.executable, os.path.join('tests', 'benchmarks', 'bench_eda.py'), '--scope', '500', '--polls', '1', '--repeat', '1',
               '--soak-polls', '3', '--soak-scope', '1000', '--out', str(out)]
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert 'runai_pod_events, one poll of a' in completed.stdout and 'soak: 4 polls' in completed.stdout
    with open(str(out)) as handle:
        figures = yaml.safe_load(handle)
    assert figures['pods'] >= 500 and figures['polls'][0]['events']['ADDED'] == figures['pods'] and figures['polls'][1]['events'] == {}
    assert 0 < figures['state_bytes'] / figures['pods'] < 400
