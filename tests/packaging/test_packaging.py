# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a user or AWX gets: the built tarball, the execution environment, an AWX-style job, docs and lint."""

import os
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

from harness import start_simulator

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
BIN = os.path.dirname(sys.executable)
PLAYBOOK = os.path.join(ROOT, 'playbooks', 'pod_health_gate.yml')


def clean_env(extra=None):
    """The environment without the test runner's PYTHONPATH, which would shadow an installed collection."""
    env = dict((name, value) for name, value in os.environ.items() if name != 'PYTHONPATH')
    env.update(extra or {})
    return env


def tool(name, *args, cwd=ROOT, env=None, check=True):
    completed = subprocess.run([os.path.join(BIN, name)] + list(args), cwd=cwd, env=clean_env(env), capture_output=True, text=True, check=False)
    if check:
        assert completed.returncode == 0, '%s failed:\n%s\n%s' % (name, completed.stdout[-4000:], completed.stderr[-4000:])
    return completed


@pytest.fixture(scope='module')
def simulator():
    with start_simulator('--pods', '3000', '--seed', '7', '--anchor', 'now') as running:
        yield running


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    """The collection built into a tarball and installed from it into an empty collections path."""
    workdir = tmp_path_factory.mktemp('galaxy')
    tool('ansible-galaxy', 'collection', 'build', '--output-path', str(workdir))
    tarball = next(workdir.glob('runai-platform-*.tar.gz'))
    collections = workdir / 'collections'
    # Only this empty path is searched: the checkout linked into the venv must not count as "already installed".
    tool('ansible-galaxy', 'collection', 'install', '-p', str(collections), str(tarball), env={'ANSIBLE_COLLECTIONS_PATH': str(collections)})
    assert (collections / 'ansible_collections' / 'runai' / 'platform' / 'MANIFEST.json').is_file()
    return tarball, collections


def test_the_tarball_holds_the_collection_and_nothing_else(installed):
    tarball, _collections = installed
    with tarfile.open(str(tarball)) as archive:
        names = archive.getnames()
    assert {'plugins/modules/runai_pods_info.py', 'plugins/modules/runai_pod_metrics_info.py', 'plugins/lookup/runai_pods.py',
            'meta/runtime.yml', 'meta/execution-environment.yml', 'requirements.txt', 'bindep.txt', 'playbooks/pod_health_gate.yml',
            'README.md', 'COPYING', 'docs/scale.md', 'docs/inference.md', 'playbooks/inference_rollout_gate.yml',
            'playbooks/vars/inference_rollout.yml'} <= set(names)
    assert not [name for name in names if name.split('/')[0] in ('tests', 'hack', '.venv', '.build', '.ci', '.hypothesis')]


def test_the_installed_collection_runs_against_the_simulator(installed, simulator, tmp_path):
    _tarball, collections = installed
    playbook = tmp_path / 'play.yml'
    playbook.write_text(yaml.safe_dump([{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'count', 'runai.platform.runai_pods_info': {'count_only': True}, 'register': 'counted'},
        {'name': 'show', 'ansible.builtin.debug': {'msg': 'COUNT={{ counted.count }}'}}]}]))
    env = {'ANSIBLE_COLLECTIONS_PATH': str(collections), 'RUNAI_BASE_URL': simulator.base_url, 'RUNAI_CLIENT_ID': simulator.client_id,
           'RUNAI_CLIENT_SECRET': simulator.client_secret}
    completed = tool('ansible-playbook', '-i', 'localhost,', '-c', 'local', '-e', 'ansible_python_interpreter=' + sys.executable,
                     str(playbook), env=env)
    assert 'COUNT=%d' % simulator.inventory(workloads=False)['livePods'] in completed.stdout
    assert str(collections) in tool('ansible-doc', '-t', 'module', 'runai.platform.runai_pods_info', env=env).stdout


def test_ansible_builder_makes_a_build_context(installed, tmp_path):
    tarball, collections = installed
    definition = yaml.safe_load(open(os.path.join(ROOT, 'docs', 'awx', 'execution-environment.yml')))
    definition['dependencies']['galaxy'] = {'collections': [{'name': str(tarball), 'type': 'file'}]}
    definition_path = tmp_path / 'execution-environment.yml'
    definition_path.write_text(yaml.safe_dump(definition))
    tool('ansible-builder', 'create', '-f', str(definition_path), '--context', str(tmp_path / 'context'))
    assert {'Dockerfile', '_build'} <= set(os.listdir(str(tmp_path / 'context')))
    introspected = tool('ansible-builder', 'introspect', '--sanitize', str(collections)).stdout
    assert 'requests' in introspected and 'jmespath' in introspected and 'runai.platform' in introspected
    assert 'orjson' in introspected  # the optional decoder, installed where the modules run in AWX


def awx_job(private_data_dir, simulator, collections, extravars):
    """Lay out a private data directory as AWX does for a job, and run it with ansible-runner."""
    import ansible_runner  # pylint: disable=import-outside-toplevel
    for folder in ('env', 'project', 'inventory'):
        (private_data_dir / folder).mkdir(parents=True, exist_ok=True)
    # What the "Run:ai" credential type's injectors put in the job's environment (see docs/awx.md).
    envvars = {'RUNAI_BASE_URL': simulator.base_url, 'RUNAI_CLIENT_ID': simulator.client_id, 'RUNAI_CLIENT_SECRET': simulator.client_secret,
               'ANSIBLE_COLLECTIONS_PATH': str(collections), 'PATH': BIN + os.pathsep + os.environ['PATH']}
    (private_data_dir / 'env' / 'envvars').write_text(yaml.safe_dump(envvars))
    (private_data_dir / 'env' / 'extravars').write_text(yaml.safe_dump(extravars))
    shutil.copy(PLAYBOOK, str(private_data_dir / 'project' / 'pod_health_gate.yml'))
    (private_data_dir / 'inventory' / 'hosts').write_text('localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
    return ansible_runner.run(private_data_dir=str(private_data_dir), playbook='pod_health_gate.yml', quiet=True, suppress_env_files=True)


def artifacts_text(private_data_dir):
    """Everything the job produced: output, events, status. Not artifacts/<id>/command, where ansible-runner
    records the environment it launched with (the credential's injected variables, as env/envvars holds them)."""
    texts = []
    for folder, _dirs, files in os.walk(str(private_data_dir / 'artifacts')):
        for name in files:
            if name == 'command':
                continue
            with open(os.path.join(folder, name), encoding='utf-8', errors='replace') as handle:
                texts.append(handle.read())
    return '\n'.join(texts)


@pytest.mark.parametrize('health', ['healthy', 'unhealthy'])
def test_the_gate_as_an_awx_job(installed, simulator, tmp_path, health):
    _tarball, collections = installed
    examples = simulator.inventory(workloads=False)['examples']
    pool = examples['healthyNodePool' if health == 'healthy' else 'unhealthyNodePool']
    workload = examples['busyTrainingWorkload' if health == 'healthy' else 'idleTrainingWorkload']
    survey = {'runai_gate_cluster_id': pool['clusterId'], 'runai_gate_nodepool': pool['name'], 'runai_gate_workload_id': workload,
              'runai_gate_wait_timeout': 5, 'runai_gate_min_gpu_utilization': 30}
    job = awx_job(tmp_path, simulator, collections, survey)
    events = list(job.events)
    assert job.status == ('successful' if health == 'healthy' else 'failed')
    assert job.rc == (0 if health == 'healthy' else 2)
    failed_tasks = [event['event_data'].get('task') for event in events if event['event'] == 'runner_on_failed']
    assert failed_tasks == ([] if health == 'healthy' else ['Fail the gate on any problem'])
    verdict = next(event['event_data']['res']['msg'] for event in events
                   if event['event'] in ('runner_on_ok', 'runner_on_failed') and event['event_data'].get('task') == 'Fail the gate on any problem')
    if health == 'healthy':
        assert verdict == 'Pod health gate passed'
    else:
        assert verdict.startswith('Pod health gate failed: check 1 (node pool pods, none Failed), ') and 'check 4 (workload GPU utilisation)' in verdict
        report = next(event['event_data']['res']['msg'] for event in events
                      if event['event'] == 'runner_on_ok' and event['event_data'].get('task') == 'Report')
        assert any(line.startswith('Check 1, node pool %s has pods, none Failed: FAIL - ' % pool['name']) and 'match fail_condition' in line
                   for line in report)
        assert any(line.startswith('Check 4, ') and line.endswith(', below 30 %') for line in report)
    assert simulator.client_secret not in artifacts_text(tmp_path)
    assert 'eyJ' not in artifacts_text(tmp_path)  # no bearer token (a JWT) either


def test_plugin_docs_lint_and_are_generated_from_the_code(installed, tmp_path):
    _tarball, collections = installed
    tool('antsibull-docs', 'lint-collection-docs', '--plugin-docs', '--skip-rstcheck', '.')
    env = {'ANSIBLE_COLLECTIONS_PATH': str(collections)}
    generated = tmp_path / 'plugins'
    generated.mkdir(mode=0o755)
    tool('antsibull-docs', 'collection', '--use-current', '--squash-hierarchy', '--output-format', 'simplified-rst', '--fail-on-error',
         '--dest-dir', str(generated), 'runai.platform', env=env)
    committed = os.path.join(ROOT, 'docs', 'plugins')
    for name in sorted(os.listdir(str(generated))):
        with open(os.path.join(committed, name)) as handle:
            assert handle.read() == (generated / name).read_text(), 'docs/plugins/%s is stale: run make docs' % name


def test_playbooks_pass_ansible_lint_production(tmp_path):
    env = {'ANSIBLE_HOME': str(tmp_path / 'ansible-home'), 'ANSIBLE_COLLECTIONS_PATH': os.path.join(BIN, '..', 'collections')}
    completed = tool('ansible-lint', '--profile', 'production', '--offline', 'playbooks/', env=env)
    assert 'Passed' in completed.stdout + completed.stderr


def test_changelog_fragments_lint():
    assert tool('antsibull-changelog', 'lint').stdout.strip() == ''
