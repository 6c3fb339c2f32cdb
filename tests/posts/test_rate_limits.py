"""The report, comment and sign-in rate limits, checked where they are decided."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.adapters import AccountAdapter
from posts.services import reports
from posts.services.discussion import RateLimited, _check_rate
from posts.services.reports import ReportRateLimited, _check_rates, address_key
from radrounds.ratelimit import Rate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _refused(check, times: int):
    """Call ``check`` until it raises; return (allowed calls, the exception)."""
    for n in range(times):
        try:
            check()
        except (ReportRateLimited, RateLimited) as error:
            return n, error
    return times, None


# --- Reports ---------------------------------------------------------------------------------


def test_a_member_may_send_ten_reports_an_hour():
    member = UserFactory()

    allowed, error = _refused(lambda: _check_rates(reporter=member, email="", client_key="k"), 20)

    assert allowed == 10
    assert (error.rate, error.visitor) == (Rate(10, 3600), False)
    assert error.message == (
        "Too many reports: radRounds accepts 10 per hour per member. "
        "Please try again later; your text is still here."
    )
    assert str(error) == error.message


def test_members_are_limited_apart_whatever_address_they_share():
    first, second = UserFactory(), UserFactory()
    _refused(lambda: _check_rates(reporter=first, email="", client_key="same"), 20)

    _check_rates(reporter=second, email="", client_key="same")  # not refused


def test_a_visitor_address_may_send_three_reports_an_hour():
    def check():
        _check_rates(reporter=None, email=f"v{next(emails)}@example.org", client_key="addr")

    emails = iter(range(100))
    allowed, error = _refused(check, 10)

    assert allowed == 3
    assert (error.rate, error.visitor) == (Rate(3, 3600), True)
    assert "radRounds accepts 3 per hour from one address." in error.message


def test_one_email_address_gets_three_receipts_a_day_whatever_address_sends_them():
    keys = iter(range(100))

    def check():
        _check_rates(reporter=None, email="Stranger@Example.org", client_key=f"a{next(keys)}")

    allowed, error = _refused(check, 10)
    assert (allowed, error.rate) == (3, Rate(3, 86400))

    with pytest.raises(ReportRateLimited):  # the same address in other letters
        _check_rates(reporter=None, email="stranger@example.org", client_key="fresh")
    _check_rates(reporter=None, email="other@example.org", client_key="fresh2")


def test_a_reporters_address_is_kept_only_as_a_keyed_hash():
    key = address_key("203.0.113.7")

    assert re.fullmatch(r"[0-9a-f]{32}", key)
    assert key == address_key("203.0.113.7")
    assert key != address_key("203.0.113.8")
    assert "203" not in key


def test_report_rates_are_as_documented():
    assert (Rate(10, 3600), Rate(30, 86400)) == reports.MEMBER_RATES
    assert (Rate(3, 3600), Rate(10, 86400)) == reports.VISITOR_RATES
    assert (Rate(3, 86400),) == reports.VISITOR_EMAIL_RATES


# --- Comments --------------------------------------------------------------------------------


def test_an_established_member_may_comment_five_times_a_minute():
    member = UserFactory(date_joined=timezone.now() - timedelta(days=2))

    allowed, error = _refused(lambda: _check_rate(member), 10)

    assert (allowed, error.rate) == (5, Rate(5, 60))
    assert error.message == (
        "You are commenting quickly: radRounds allows 5 per minute. "
        "Please wait a moment and send it again; your text is still here."
    )


def test_a_new_account_is_capped_at_fifty_comments_a_day(monkeypatch):
    member = UserFactory(date_joined=timezone.now() - timedelta(hours=23))
    # The burst limit is another test's; here only the daily cap may refuse.
    monkeypatch.setattr(
        "posts.services.discussion.NEW_ACCOUNT_RATES", (Rate(1000, 60), Rate(50, 86400))
    )

    allowed, error = _refused(lambda: _check_rate(member), 60)

    assert (allowed, error.rate) == (50, Rate(50, 86400))
    assert error.message == (
        "New accounts can post 50 per day. You have reached that; "
        "you can comment again tomorrow. Your text is still here."
    )


def test_a_member_is_new_for_one_day():
    from posts.services import discussion

    assert timedelta(days=1) == discussion.NEW_ACCOUNT_AGE
    assert (Rate(5, 60), Rate(50, 86400)) == discussion.NEW_ACCOUNT_RATES
    assert (Rate(5, 60),) == discussion.COMMENT_RATES


# --- Sign-in lockout key ----------------------------------------------------------------------


def _lock_key(**credentials) -> str:
    return AccountAdapter()._get_login_attempts_cache_key(None, **credentials)


def test_the_sign_in_lock_is_per_account_whichever_identifier_is_typed():
    member = UserFactory(username="AnaOrtiz", email="ana@example.org")
    EmailAddress.objects.create(user=member, email="ana.work@example.org", verified=False)
    expected = f"account:{member.pk}"

    assert _lock_key(username="anaortiz") == expected
    assert _lock_key(username="  AnaOrtiz ") == expected
    assert _lock_key(email="ANA@example.org") == expected
    assert _lock_key(email="Ana.Work@example.org") == expected


def test_an_unknown_identifier_keeps_its_own_lock():
    UserFactory(username="ana")

    assert _lock_key(username="Nobody") == "login:nobody"
    assert _lock_key(email="Nobody@Example.org") == "login:nobody@example.org"
    assert _lock_key() == "login:"


def test_an_address_two_accounts_share_locks_under_its_own_key():
    first = UserFactory(email="shared@example.org")
    second = UserFactory(email="other@example.org")
    EmailAddress.objects.create(user=second, email="shared@example.org", verified=False)

    assert _lock_key(email="shared@example.org") == "login:shared@example.org"
    assert _lock_key(username=first.username) == f"account:{first.pk}"


def test_a_username_that_looks_like_no_email_is_not_matched_by_email():
    member = UserFactory(username="ana", email="ana@example.org")

    assert _lock_key(username="ana@example.org") == f"account:{member.pk}"
    assert _lock_key(username="ana") == f"account:{member.pk}"


def test_comment_limits_are_per_member():
    first = UserFactory(date_joined=timezone.now() - timedelta(days=2))
    second = UserFactory(date_joined=timezone.now() - timedelta(days=2))
    _refused(lambda: _check_rate(first), 10)

    _check_rate(second)  # not refused


def test_an_established_member_has_no_daily_cap(monkeypatch):
    member = UserFactory(date_joined=timezone.now() - timedelta(days=2))
    monkeypatch.setattr("posts.services.discussion.COMMENT_RATES", (Rate(1000, 60),))
    monkeypatch.setattr(
        "posts.services.discussion.NEW_ACCOUNT_RATES", (Rate(1000, 60), Rate(50, 86400))
    )

    allowed, error = _refused(lambda: _check_rate(member), 60)

    assert (allowed, error) == (60, None)


@pytest.mark.parametrize(
    ("age", "daily_cap"),
    [(timedelta(days=1) - timedelta(microseconds=1), True), (timedelta(days=1), False)],
    ids=["a moment under a day", "exactly a day"],
)
def test_an_account_is_new_until_it_is_exactly_a_day_old(monkeypatch, age, daily_cap):
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)  # the clock stands still
    member = UserFactory(date_joined=now - age)
    monkeypatch.setattr("posts.services.discussion.COMMENT_RATES", (Rate(1000, 60),))
    monkeypatch.setattr(
        "posts.services.discussion.NEW_ACCOUNT_RATES", (Rate(1000, 60), Rate(50, 86400))
    )

    allowed, _error = _refused(lambda: _check_rate(member), 60)

    assert allowed == (50 if daily_cap else 60)
