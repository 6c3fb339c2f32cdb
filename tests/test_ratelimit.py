import pytest

from radrounds.ratelimit import Rate, rate_limit_hit

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
