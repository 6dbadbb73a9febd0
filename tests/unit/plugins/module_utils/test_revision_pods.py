# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""revision_id: one request to the revision pods path (deleted only, no paging), and its answers checked."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError
from ansible_collections.runai.platform.plugins.module_utils._pod_query import read_pod_query
from ansible_collections.runai.platform.plugins.module_utils._pod_reads import fetch_pod_list, fetch_pod_result

REVISION = '0f5b2a1c-7d3e-4c8b-9a6f-2e1d0c9b8a71'
PATH = '/api/v1/workloads/inferences/revisions/%s/pods' % REVISION
DEFAULTS = dict(filter_by=[], deleted=False, offset=0, page_size=500, count_only=False, legacy_endpoint=False)


class OneAnswer:
    """A client answering every GET with the same body, recording what was asked."""

    page_workers = 1

    def __init__(self, body):
        self.body = body
        self.asked = []

    def get(self, path, params=(), not_found=None):
        self.asked.append((path, list(params), not_found))
        return 200, self.body

    def iter_pages(self, *args, **kwargs):
        raise AssertionError('the revision path is never paged')


def query_from(**options):
    return read_pod_query(dict(DEFAULTS, revision_id=REVISION, **options).get)


def pod(number, phase='Running'):
    return {'id': 'pod-%d' % number, 'name': 'llama-%d' % number, 'k8sPhase': phase, 'revisionId': REVISION}


def test_one_request_with_deleted_only_and_max_pods_applied_here():
    client = OneAnswer({'pods': [pod(1), pod(2), pod(3)]})
    pods = fetch_pod_list(client, query_from(deleted=True, max_pods=2))
    assert [each['id'] for each in pods] == ['pod-1', 'pod-2']
    assert client.asked == [(PATH, [('deleted', True)], "Revision '%s'" % REVISION)]


def test_the_result_summarises_the_revision():
    client = OneAnswer({'pods': [pod(1), pod(2, 'Pending')]})
    result = fetch_pod_result(client, query_from(fields=['name']))
    assert result['count'] == 2 and result['summary']['by_phase']['Pending'] == 1
    assert result['pods'] == [{'name': 'llama-1'}, {'name': 'llama-2'}]
    assert client.asked[0][1] == []


def test_count_only_filters_the_count_path_on_the_revision():
    pod_query = query_from(count_only=True, deleted=True)
    assert (pod_query.path, pod_query.params) == ('/api/v1/workloads/pods/count', [('deleted', True), ('filterBy', ['revisionId==' + REVISION])])


@pytest.mark.parametrize('body, what', [
    ({'items': []}, "without a 'pods' list"),
    ([pod(1)], "without a 'pods' list"),
    ({'pods': [pod(1), 'llama-2']}, 'with a pod that is not an object (item 2 of the listing'),
])
def test_answers_that_break_the_protocol_fail_in_one_sentence(body, what):
    with pytest.raises(RunaiError) as failure:
        fetch_pod_list(OneAnswer(body), query_from())
    assert str(failure.value).startswith('Run:ai answered GET %s %s' % (PATH, what))
    assert failure.value.protocol


@pytest.mark.parametrize('options, message', [
    (dict(workload_id='5d2e6c7e-8a52-4b4f-9c39-1c2f0c1e8a11'), 'workload_id and revision_id are mutually exclusive; give one of them'),
    (dict(sort_by='createdAt'), 'sort_by does not apply to revision_id (the API path of one revision takes only deleted)'),
    (dict(offset=5), 'offset does not apply to revision_id (the API path of one revision takes only deleted)'),
    (dict(completed=False), 'completed does not apply to revision_id (the API path of one revision takes only deleted)'),
])
def test_options_the_revision_path_cannot_honour_are_refused(options, message):
    with pytest.raises(RunaiError) as failure:
        query_from(**options)
    assert str(failure.value) == message


def test_filter_terms_of_the_lookup_are_refused():
    with pytest.raises(RunaiError) as failure:
        read_pod_query(dict(DEFAULTS, revision_id=REVISION).get, extra_filters=['nodeName==x'], filter_label=lambda index, text: text)
    assert str(failure.value) == 'filter terms do not apply to revision_id (the API path of one revision takes no filter)'
