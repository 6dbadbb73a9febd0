"""The gateway in front of the simulated control plane (SPEC section 7): a page-size cap and a rate limit
(a token bucket answering 429 with Retry-After), from the command line or POST /_sim/gateway."""

import pytest

from harness import SimulatorError, start_simulator
from runai_simulator.gateway import TokenBucket, retry_after_seconds

PODS_PATH = '/api/v1/workloads/pods'
# One request per 1,000 seconds once the burst is spent: no test here can see the bucket refill.
NEVER_REFILLS = 0.001


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


@pytest.fixture(autouse=True)
def gateway_back_to_the_command_line(sim):
    yield
    sim.reset()


# -- the token bucket, on an injected clock -------------------------------------------------------
def test_the_bucket_admits_its_burst_then_one_request_per_token():
    clock = FakeClock()
    bucket = TokenBucket(rate=4, clock=clock)
    assert [bucket.take()[0] for _request in range(5)] == [True, True, True, True, False]
    allowed, wait = bucket.take()
    assert not allowed and wait == pytest.approx(0.25)
    clock.now += 0.25
    assert bucket.take() == (True, 0.0)
    assert bucket.take()[0] is False


def test_the_bucket_never_holds_more_than_its_burst():
    clock = FakeClock()
    bucket = TokenBucket(rate=40, burst=10, clock=clock)
    clock.now += 3600
    assert sum(bucket.take()[0] for _request in range(100)) == 10
    clock.now += 0.125                    # 5 tokens (a time binary fractions hold exactly)
    assert sum(bucket.take()[0] for _request in range(100)) == 5


def test_a_refused_request_takes_no_token():
    clock = FakeClock()
    bucket = TokenBucket(rate=2, burst=1, clock=clock)
    assert bucket.take()[0]
    for _request in range(10):
        assert bucket.take()[0] is False
    clock.now += 0.5
    assert bucket.take()[0]


def test_a_slow_rate_waits_longer_and_the_default_burst_is_at_least_one():
    clock = FakeClock()
    bucket = TokenBucket(rate=0.5, clock=clock)
    assert bucket.burst == 1 and bucket.take()[0]
    assert bucket.take() == (False, pytest.approx(2.0))
    clock.now += 1
    assert bucket.take() == (False, pytest.approx(1.0))


@pytest.mark.parametrize('wait, header', [(0.0, '1'), (0.02, '1'), (1.0, '1'), (1.01, '2'), (2.5, '3')])
def test_retry_after_is_whole_seconds_at_least_one(wait, header):
    assert retry_after_seconds(wait) == header


# -- the rate limit over HTTP ---------------------------------------------------------------------
def test_beyond_the_limit_the_api_answers_429_with_retry_after(api, sim):
    token = api.token()
    sim.gateway(rate_limit=NEVER_REFILLS, burst=2)
    statuses = []
    for _request in range(3):
        answer = api.get(PODS_PATH, {'limit': 1}, token=token, validate=False)
        statuses.append(answer.status)
    assert statuses == [200, 200, 429]
    assert answer.header('retry-after') == '1000'
    document = api.validated('GET', PODS_PATH, answer).json()
    assert document['code'] == 429 and 'rate limit is 0.001 requests a second' in document['message']
    assert sim.gateway_state() == {'rate_limit': NEVER_REFILLS, 'burst': 2, 'page_cap': None, 'admitted': 2, 'refused': 1}
    assert [entry['status'] for entry in sim.requests()][-3:] == [200, 200, 429]


def test_the_token_paths_count_and_the_admin_paths_do_not(api, sim):
    sim.gateway(rate_limit=NEVER_REFILLS, burst=1)
    for _call in range(5):
        sim.inventory(workloads=False)
    assert api.token(renew=True)
    with pytest.raises(AssertionError):
        api.token(renew=True)             # the bucket is empty: 429 on POST /api/v1/token
    assert sim.gateway_state()['refused'] == 1


def test_a_refused_request_spends_no_fault(api, sim):
    token = api.token()
    sim.gateway(rate_limit=NEVER_REFILLS, burst=1)
    api.get(PODS_PATH, {'limit': 1}, token=token, validate=False)
    sim.add_fault(status=503)
    assert api.get(PODS_PATH, {'limit': 1}, token=token, validate=False).status == 429
    assert sim.faults()[0]['remaining'] == 1


def test_the_limit_is_switched_off_with_null_and_by_reset(api, sim):
    token = api.token()
    sim.gateway(rate_limit=NEVER_REFILLS, burst=1, page_cap=3)
    assert sim.gateway(rate_limit=None) == {'rate_limit': None, 'burst': None, 'page_cap': 3, 'admitted': 0, 'refused': 0}
    assert all(api.get(PODS_PATH, {'limit': 1}, token=token, validate=False).status == 200 for _request in range(5))
    sim.reset()
    assert sim.gateway_state()['page_cap'] is None


@pytest.mark.parametrize('settings, message', [
    ({'rate_limit': 0}, 'Invalid rate_limit 0'),
    ({'rate_limit': 'fast'}, "Invalid rate_limit 'fast'"),
    ({'burst': 0.5}, 'Invalid burst 0.5'),
    ({'page_cap': 501}, 'Invalid page_cap 501'),
    ({'page_cap': 2.5}, 'Invalid page_cap 2.5'),
    ({'rate': 4}, 'Unknown key rate'),
])
def test_bad_gateway_settings_are_refused(sim, settings, message):
    with pytest.raises(SimulatorError) as raised:
        sim.gateway(**settings)
    assert 'answered 400' in str(raised.value) and message in str(raised.value)


# -- the page cap ---------------------------------------------------------------------------------
def test_a_capped_page_serves_fewer_pods_and_next_steps_by_what_it_served(api, sim, live_pods):
    sim.gateway(page_cap=7)
    first = api.ok(PODS_PATH, {'limit': 10, 'offset': 0})
    assert len(first['pods']) == 7 and first['next'] == 7
    assert [pod['id'] for pod in first['pods']] == [pod['id'] for pod in live_pods[:7]]
    assert len(api.ok(PODS_PATH, {'limit': 5, 'offset': 0})['pods']) == 5
    pods = api.all_pods(limit=500)
    assert [pod['id'] for pod in pods] == [pod['id'] for pod in live_pods]
    assert api.last_pages == -(-len(live_pods) // 7)


def test_the_cap_applies_to_the_pods_of_a_workload(api, sim, inventory):
    sim.gateway(page_cap=30)
    path = '/api/v1/workloads/%s/pods' % inventory['examples']['workloadWith100Pods']
    answer = api.ok(path, {'limit': 500, 'offset': 90})
    assert len(answer['pods']) == 10 and 'next' not in answer
    assert len(api.all_pods(path)) == 100 and api.last_pages == 4


def test_command_line_settings_and_reset_back_to_them(make_client):
    with start_simulator('--pods', '300', '--page-cap', '50', '--rate-limit', '1000', '--rate-burst', '20') as other:
        client = make_client(other)
        assert other.gateway_state() == {'rate_limit': 1000, 'burst': 20, 'page_cap': 50, 'admitted': 0, 'refused': 0}
        assert len(client.ok(PODS_PATH, {'limit': 500})['pods']) == 50
        other.gateway(page_cap=None, rate_limit=None)
        assert len(client.ok(PODS_PATH, {'limit': 500})['pods']) > 50
        other.reset()
        assert other.gateway_state()['page_cap'] == 50 and other.gateway_state()['rate_limit'] == 1000


@pytest.mark.parametrize('option', [['--page-cap', '0'], ['--page-cap', '501'], ['--rate-limit', '0'], ['--rate-limit', 'x']])
def test_bad_options_stop_the_simulator_before_it_starts(option):
    with pytest.raises(SimulatorError):
        start_simulator('--pods', '10', *option, timeout=30)
