import pytest
from django.core.cache import caches

from radrounds.ratelimit import Rate, rate_limit_hit
from tests.cache_ttl import seconds_left

pytestmark = pytest.mark.django_db


def test_actions_within_the_rate_are_allowed():
    results = [rate_limit_hit(scope="t", key="a", rates=[Rate(3, 60)]) for _ in range(3)]

    assert results == [None, None, None]


def test_the_action_after_the_rate_names_the_rate_it_exceeds():
    for _ in range(3):
        rate_limit_hit(scope="t", key="a", rates=[Rate(3, 60)])

    assert rate_limit_hit(scope="t", key="a", rates=[Rate(3, 60)]) == Rate(3, 60)


def test_keys_and_scopes_are_counted_apart():
    for _ in range(3):
        rate_limit_hit(scope="t", key="a", rates=[Rate(3, 60)])

    assert rate_limit_hit(scope="t", key="b", rates=[Rate(3, 60)]) is None
    assert rate_limit_hit(scope="u", key="a", rates=[Rate(3, 60)]) is None


def test_the_longer_window_limits_too():
    rates = [Rate(5, 60), Rate(2, 86400)]
    assert rate_limit_hit(scope="t", key="a", rates=rates) is None
    assert rate_limit_hit(scope="t", key="a", rates=rates) is None

    assert rate_limit_hit(scope="t", key="a", rates=rates) == Rate(2, 86400)


def test_rates_describe_themselves():
    assert Rate(5, 60).describe() == "5 per minute"
    assert Rate(50, 86400).describe() == "50 per day"


def test_rates_by_the_hour_and_odd_windows_describe_themselves():
    assert Rate(10, 3600).describe() == "10 per hour"
    assert Rate(4, 30).describe() == "4 per 30 seconds"


def test_windows_follow_the_clock_so_a_new_minute_starts_afresh(monkeypatch):
    import time

    # Two seconds before the next clock minute (the cache's expiry reads the clock too).
    now = [(time.time() // 60 + 1) * 60 - 2]
    monkeypatch.setattr(time, "time", lambda: now[0])
    for _ in range(3):
        assert rate_limit_hit(scope="t", key="a", rates=[Rate(3, 60)]) is None
    assert rate_limit_hit(scope="t", key="a", rates=[Rate(3, 60)]) == Rate(3, 60)

    now[0] += 2  # the next clock minute

    assert rate_limit_hit(scope="t", key="a", rates=[Rate(3, 60)]) is None


def test_when_several_rates_are_exceeded_the_first_listed_is_named():
    rates = [Rate(1, 60), Rate(1, 3600)]
    rate_limit_hit(scope="t", key="a", rates=rates)

    assert rate_limit_hit(scope="t", key="a", rates=rates) == Rate(1, 60)


def test_every_attempt_counts_against_every_rate_even_when_refused():
    rates = [Rate(1, 60), Rate(3, 3600)]
    for _ in range(3):
        rate_limit_hit(scope="t", key="a", rates=rates)

    # The hourly count went on while the minute refused: 4 attempts exceed 3 an hour.
    assert rate_limit_hit(scope="t", key="a", rates=[Rate(3, 3600)]) == Rate(3, 3600)


@pytest.fixture
def first_count_lost(monkeypatch):
    """The window's counter vanishes between add() and incr() (it expired, or was
    evicted) once. Django's cache backend is wrapped to lose the first add, not our code.
    """
    backend = type(caches["default"])
    original_add = backend.add
    lost = []

    def add(self, key, *args, **kwargs):
        if not lost:
            lost.append(key)
            return True  # as if stored, then gone before incr()
        return original_add(self, key, *args, **kwargs)

    monkeypatch.setattr(backend, "add", add)


@pytest.mark.usefixtures("first_count_lost")
def test_a_window_that_expires_between_counting_steps_starts_again_at_one():
    # The attempt counts as the first of a new count.

    assert rate_limit_hit(scope="t", key="a", rates=[Rate(1, 60)]) is None  # the first
    assert rate_limit_hit(scope="t", key="a", rates=[Rate(1, 60)]) == Rate(1, 60)


def test_a_windows_count_is_kept_a_window_and_a_second_from_the_first_attempt():
    # Longer than the window, so the count cannot vanish (and start again) inside it;
    # not much longer, so a rate limit's entries do not pile up in the shared cache.
    rate_limit_hit(scope="t", key="a", rates=[Rate(3, 60)])

    assert 59.5 < seconds_left(caches["default"], "ratelimit:t:a:60:") <= 61


@pytest.mark.usefixtures("first_count_lost")
def test_a_count_started_again_after_it_vanished_is_kept_a_window_and_a_second():
    rate_limit_hit(scope="t", key="a", rates=[Rate(3, 60)])

    assert 59.5 < seconds_left(caches["default"], "ratelimit:t:a:60:") <= 61


@pytest.mark.usefixtures("first_count_lost")
def test_a_count_started_again_after_it_vanished_goes_on_from_one():
    rates = [Rate(2, 60)]

    assert [rate_limit_hit(scope="t", key="a", rates=rates) for _ in range(3)] == [
        None,
        None,
        Rate(2, 60),
    ]
