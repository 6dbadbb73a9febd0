# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""The runai_pod_events event source's arguments -> a validated Watch, before any request.

The arguments are the connection options (_connection), the scope options of runai_pods_info (_pod_query) and
the watch's own (WATCH_ARGUMENT_SPEC), converted and checked by the rules every plugin shares (_option_rules).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import difflib

from ansible_collections.runai.platform.plugins.module_utils._client import HAS_REQUESTS
from ansible_collections.runai.platform.plugins.module_utils._connection import (
    CONNECTION_ARGUMENT_SPEC, CONNECTION_BOUNDS, CREDENTIALS, ENVIRONMENT, ENVIRONMENT_WORDING, Sources, client_from_options,
    credential_levels, environment_credentials)
from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, shown
from ansible_collections.runai.platform.plugins.module_utils._option_rules import Bound, convert_options, environment_value
from ansible_collections.runai.platform.plugins.module_utils._pod_fields import POD_FIELDS
from ansible_collections.runai.platform.plugins.module_utils._pod_query import POD_QUERY_ARGUMENT_SPEC, describe_scope, read_pod_query

SOURCE = 'runai_pod_events'
DEFAULT_WATCH_FIELDS = ('k8sPhase', 'nodeName', 'currentNodePool')
# The scope options of runai_pods_info a watch takes, in the order its messages list them.
WATCH_SCOPE_OPTIONS = ('cluster_id', 'workload_id', 'revision_id', 'filter_by', 'search', 'completed')
# The scope options that narrow the watch to a part of the tenant (completed alone still spans every cluster).
NARROWING_OPTIONS = ('cluster_id', 'workload_id', 'revision_id', 'filter_by', 'search')
WATCH_ARGUMENT_SPEC = dict(
    interval=dict(type='float', default=30.0),
    watch_fields=dict(type='list', elements='str', default=list(DEFAULT_WATCH_FIELDS)),
    emit_existing=dict(type='bool', default=True),
    whole_tenant=dict(type='bool', default=False),
)
WATCH_BOUNDS = {'interval': Bound(low=1, number=True, wording='a number of seconds of 1 or more')}
# Every argument of the source, declared once: its documentation lists these.
SOURCE_ARGUMENT_SPEC = dict(CONNECTION_ARGUMENT_SPEC, **dict(
    [(name, POD_QUERY_ARGUMENT_SPEC[name]) for name in WATCH_SCOPE_OPTIONS] + list(WATCH_ARGUMENT_SPEC.items())))
# The options of runai_pods_info that select or shape pods but mean nothing to a watch.
POD_INFO_OPTIONS = ('sort_by', 'sort_order', 'verbosity', 'deleted', 'offset', 'page_size', 'max_pods', 'fields', 'query',
                    'count_only', 'legacy_endpoint', 'return_pods', 'wait', 'wait_for', 'wait_timeout', 'wait_sleep',
                    'min_pods', 'pod_condition', 'fail_condition', 'max_offenders')
# What ansible-rulebook itself adds to a source's arguments.
ENGINE_ARGUMENTS = ('eda_feedback_queue',)


class Watch:
    """The validated arguments of one source: how to build the client, what to list, how to compare."""

    def __init__(self, connection, pod_query, interval, watch_fields, emit_existing, scope):
        self.connection = connection
        self.pod_query = pod_query
        self.interval = interval
        self.watch_fields = watch_fields
        self.emit_existing = emit_existing
        self.scope = scope

    def client(self):
        """A RunaiClient (no request is made yet); RunaiError for a wrong connection argument."""
        if not HAS_REQUESTS:
            raise RunaiError('%s needs the Python library requests on the host that runs ansible-rulebook (pip install requests)' % SOURCE)
        return client_from_options(self.connection.get, self.connection.credential_levels, Sources(option_word='argument'))

    @property
    def timeout(self):
        return self.connection.get('timeout')


class _Connection:
    """The connection options (the argument, else its RUNAI_* environment variable), and where the credentials were set."""

    def __init__(self, values, levels):
        self.values = values
        self.credential_levels = levels

    def get(self, name):
        return self.values.get(name)


def read_arguments(args, environ):
    """A Watch from the rulebook's arguments and the environment; RunaiError naming a wrong one, before any request."""
    _refuse_unknown(args)
    # None is unset; so are '' and [] for a scope option: what a rulebook's `{{ var | default(None) }}` gives for a
    # variable left out.
    given = dict((name, value) for name, value in args.items()
                 if value is not None and name in SOURCE_ARGUMENT_SPEC and not (name in WATCH_SCOPE_OPTIONS and value in ('', [])))
    for name in CONNECTION_ARGUMENT_SPEC:
        if name not in given and name in ENVIRONMENT and name not in CREDENTIALS:
            given[name] = environment_value(name, ENVIRONMENT[name], environ, CONNECTION_ARGUMENT_SPEC, ENVIRONMENT_WORDING.get(name))
    options = convert_options(SOURCE_ARGUMENT_SPEC, given, dict(CONNECTION_BOUNDS, **WATCH_BOUNDS))
    connection = _Connection(dict((name, options.get(name)) for name in CONNECTION_ARGUMENT_SPEC),
                             credential_levels('the %s argument', args, environment_credentials(environ)))
    scope = dict((name, options[name]) for name in WATCH_SCOPE_OPTIONS if name in given)
    _check_text_scope(scope)
    _check_whole_tenant(scope, options['whole_tenant'])
    pod_query = read_pod_query(scope.get)
    return Watch(connection, pod_query, options['interval'], read_watch_fields(args.get('watch_fields')), options['emit_existing'], scope)


def _check_whole_tenant(scope, whole_tenant):
    """A watch of every pod of the tenant only when asked for: a misspelt rulebook variable must not widen the scope."""
    narrowing = [name for name in NARROWING_OPTIONS if name in scope]
    if whole_tenant and narrowing:
        raise RunaiError('whole_tenant is true but %s narrows the watch to part of the tenant; set whole_tenant to false, or drop %s' % (
            narrowing[0], narrowing[0]))
    if not whole_tenant and not narrowing:
        raise RunaiError('%s would watch every pod of the tenant: none of %s is set (a variable left out or misspelt gives none); '
                         'set one of them, or whole_tenant: true to watch the whole tenant' % (SOURCE, ', '.join(NARROWING_OPTIONS)))


def _check_text_scope(scope):
    """filter_by and search as the module's argument spec would have them, before read_pod_query sees them."""
    filter_by = scope.get('filter_by')
    if filter_by is not None and not isinstance(filter_by, (str, list)):
        raise RunaiError('filter_by must be a list of filter expressions <field><operator><value>, got %s' % shown(filter_by))
    search = scope.get('search')
    if search is not None and not isinstance(search, str):
        raise RunaiError('search must be a string, got %s' % shown(search))


def _refuse_unknown(args):
    if not isinstance(args, dict):
        raise RunaiError('%s takes a mapping of arguments, got %s' % (SOURCE, shown(args)))
    for name in sorted(args, key=str):
        if name in SOURCE_ARGUMENT_SPEC or name in ENGINE_ARGUMENTS:
            continue
        # A typo must never widen the scope to every pod of the tenant, so nothing unknown is ignored.
        if name in POD_INFO_OPTIONS:
            raise RunaiError('%s is an option of runai_pods_info that %s does not take; its scope arguments are %s' % (
                name, SOURCE, ', '.join(WATCH_SCOPE_OPTIONS)))
        raise RunaiError('%s does not take the argument %s; valid arguments: %s' % (SOURCE, shown(name), ', '.join(SOURCE_ARGUMENT_SPEC)))


def read_watch_fields(value):
    """The watched fields, each a field Run:ai pods have: a misspelt one would make the watch deaf to what it meant."""
    if value is None:
        return DEFAULT_WATCH_FIELDS
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(field, str) and field for field in value):
        raise RunaiError('watch_fields must be a non-empty list of pod field names, got %s' % shown(value))
    for field in value:
        if field not in POD_FIELDS:
            raise RunaiError('watch_fields item %s is not a field of Run:ai pods, so it would never change and never make an event '
                             '(%s)' % (shown(field), _field_hint(field)))
    return tuple(dict.fromkeys(value))


def _field_hint(field):
    same_letters = [known for known in sorted(POD_FIELDS) if known.lower() == field.lower()]
    close = same_letters or difflib.get_close_matches(field, sorted(POD_FIELDS), n=1, cutoff=0.6)
    if close:
        return 'did you mean %s?' % close[0]
    return 'pod fields: %s' % ', '.join(sorted(POD_FIELDS))


def describe_watch(watch):
    """What the start-up log line says is watched: `cluster_id=..., filter_by=[...]`, or the whole tenant."""
    return describe_scope(watch.scope.get, WATCH_SCOPE_OPTIONS, unset='the whole tenant')
