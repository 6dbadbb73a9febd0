# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The option rules the lookup and the event source share with the modules: one sentence naming the option and the value."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ast
import os

import pytest
import yaml

from ansible_collections.runai.platform.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC, CONNECTION_BOUNDS
from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError
from ansible_collections.runai.platform.plugins.module_utils._option_rules import Bound, check_bounds, convert_options, environment_value
from ansible_collections.runai.platform.plugins.module_utils._pod_query import POD_OPTION_DEFAULTS, describe_scope
from ansible_collections.runai.platform.plugins.module_utils._watch_arguments import SOURCE_ARGUMENT_SPEC, read_arguments

CLUSTER = '71f69d83-ba66-4822-adf5-55ce55efd210'

SPEC = dict(CONNECTION_ARGUMENT_SPEC, emit=dict(type='bool', default=True), interval=dict(type='float', default=30.0),
            name=dict(type='str'))
BOUNDS = dict(CONNECTION_BOUNDS, interval=Bound(low=1, number=True, wording='a number of seconds of 1 or more'))


def refusal(values):
    with pytest.raises(RunaiError) as raised:
        convert_options(SPEC, values, BOUNDS)
    return str(raised.value)


def test_templated_strings_convert_as_a_module_converts_them_and_unset_options_take_their_default():
    options = convert_options(SPEC, {'validate_certs': 'no', 'timeout': '12.5', 'retries': '1', 'emit': 'yes'}, BOUNDS)
    assert (options['validate_certs'], options['timeout'], options['retries'], options['emit']) == (False, 12.5, 1, True)
    assert options['interval'] == 30.0


def test_strings_are_left_as_given_for_the_function_that_reads_them():
    assert convert_options(SPEC, {'name': 7, 'base_url': 'a,b'})['name'] == 7


@pytest.mark.parametrize('values, message', [
    ({'emit': 'maybe'}, "emit must be a boolean (true or false), got 'maybe'"),
    ({'timeout': 'soon'}, "timeout must be a number of seconds greater than 0, got 'soon'"),
    ({'timeout': '0'}, "timeout must be a number of seconds greater than 0, got '0'"),
    ({'retries': '1.5'}, "retries must be an integer of 0 or more, got '1.5'"),
    ({'retries': True}, 'retries must be an integer of 0 or more, got True'),
    ({'interval': True}, 'interval must be a number of seconds of 1 or more, got True'),
    ({'interval': 'nan'}, "interval must be a number of seconds of 1 or more, got 'nan'"),
    ({'interval': 'inf'}, "interval must be a number of seconds of 1 or more, got 'inf'"),
])
def test_a_value_that_does_not_convert_or_lies_out_of_bounds_is_one_sentence_with_the_value_as_given(values, message):
    assert refusal(values) == message


def test_bounds_of_typed_values():
    bounds = {'page_size': Bound(1, 500), 'offset': Bound(0)}
    check_bounds({'page_size': 500, 'offset': None}.get, bounds)
    with pytest.raises(RunaiError, match=r'^page_size must be an integer from 1 to 500, got 501$'):
        check_bounds({'page_size': 501}.get, bounds)
    with pytest.raises(RunaiError, match=r'^offset must be an integer 0 or more, got -1$'):
        check_bounds({'offset': -1}.get, bounds)


def test_a_bad_environment_value_is_named_by_its_variable():
    environ = {'RUNAI_TIMEOUT': 'soon', 'RUNAI_CA_PATH': '~/ca.pem', 'RUNAI_VALIDATE_CERTS': ''}
    with pytest.raises(RunaiError, match=r"^RUNAI_TIMEOUT='soon' is not a number of seconds$"):
        environment_value('timeout', 'RUNAI_TIMEOUT', environ, SPEC, 'a number of seconds')
    assert environment_value('validate_certs', 'RUNAI_VALIDATE_CERTS', environ, SPEC, 'a boolean') is None
    assert environment_value('ca_path', 'RUNAI_CA_PATH', environ, SPEC, 'a path').endswith('/ca.pem')


def test_the_event_source_takes_its_arguments_as_a_module_takes_its_options(monkeypatch):
    monkeypatch.setenv('RUNAI_TEST_HOME', '/srv/runai')
    watch = read_arguments({'base_url': 'https://tenant.example', 'token': 't', 'cluster_id': CLUSTER, 'emit_existing': 'n',
                            'completed': 'y', 'ca_path': '$RUNAI_TEST_HOME/ca.pem'}, {})
    assert (watch.emit_existing, watch.scope['completed'], watch.connection.get('ca_path')) == (False, True, '/srv/runai/ca.pem')


def test_the_scope_names_the_options_that_differ_from_their_default():
    options = dict(POD_OPTION_DEFAULTS, cluster_id=CLUSTER, completed=False, filter_by=['k8sPhase==Running'])
    assert describe_scope(options.get) == 'cluster_id=%s, filter_by=[k8sPhase==Running], completed=false' % CLUSTER
    assert describe_scope(POD_OPTION_DEFAULTS.get) == 'all pods'


def test_the_event_source_documents_each_argument_with_the_type_and_default_it_is_read_with():
    """What validate-modules checks for a module: the documentation and the declared spec cannot drift apart."""
    source = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'extensions', 'eda', 'plugins', 'event_source', 'runai_pod_events.py')
    with open(source) as handle:
        tree = ast.parse(handle.read())
    documentation = next(node.value.value for node in tree.body if isinstance(node, ast.Assign) and node.targets[0].id == 'DOCUMENTATION')
    documented = yaml.safe_load(documentation)['options']
    assert sorted(documented) == sorted(SOURCE_ARGUMENT_SPEC)
    for name, option in SOURCE_ARGUMENT_SPEC.items():
        # An empty list is no default (filter_by's [] is the module's way of saying none).
        declared = option.get('default') if option.get('default') != [] else None
        assert (documented[name].get('type', 'str'), documented[name].get('default')) == (option.get('type', 'str'), declared), name
