"""Who is looking at a page (posts.visitors): members by account, anonymous readers by a
keyed hash of address and browser, robots not at all. Request objects only, no views."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from posts.visitors import Visitor, is_bot, visitor_from_request
from tests.factories import UserFactory

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


def _request(user_agent=BROWSER, address="203.0.113.7", user=None):
    request = RequestFactory().get("/", HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    request.user = user or AnonymousUser()
    return request


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "   ",
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "Mozilla/5.0 (compatible; YandexBot/3.0)",
        "SomeCrawler/1.0",
        "Baiduspider+(+http://www.baidu.com/search/spider.htm)",
        "Mozilla/5.0 (compatible; Yahoo! Slurp)",
        "Mediapartners-Google",
        "facebookexternalhit/1.1",
        "Mozilla/5.0 (compatible; BingPreview/1.0b)",
        "Mozilla/5.0 (compatible; Embedly/0.2)",
        "Quora Link Preview/1.0",
        "Outbrain",
        "Pinterest/0.2",
        "Mozilla/5.0 (compatible; vkShare)",
        "W3C_Validator/1.3",
        "WhatsApp/2.23",
        "curl/8.5.0",
        "Wget/1.21",
        "python-requests/2.32",
        "Python-urllib/3.11",
        "python-httpx/0.27",
        "Python/3.11 aiohttp/3.9",
        "Go-http-client/2.0",
        "okhttp/4.12",
        "Java/17.0.2",
        "libwww-perl/6.72",
        "Scrapy/2.11",
        "Mozilla/5.0 HeadlessChrome/120.0 Safari/537.36 Chrome-Lighthouse",
        "Mozilla/5.0 (compatible; Google-PageSpeed-Insights)",
        "UptimeRobot/2.0",
        "Site24x7 monitor",
    ],
)
def test_robots_and_scripts_are_not_visitors(user_agent):
    assert is_bot(user_agent)
    assert visitor_from_request(_request(user_agent=user_agent)) is None


@pytest.mark.parametrize(
    "user_agent",
    [
        BROWSER,
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1",
        "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0",
        "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/120.0 Safari/537.36",
        "Mozilla/5.0 Robotics Journal Reader",  # "bot" inside a word
    ],
)
def test_browsers_are_visitors(user_agent):
    assert not is_bot(user_agent)
    assert visitor_from_request(_request(user_agent=user_agent)) is not None


@pytest.mark.django_db
def test_a_member_is_known_by_account_whatever_address_or_browser():
    member = UserFactory()

    on_phone = visitor_from_request(_request(user=member, address="198.51.100.1"))
    on_desk = visitor_from_request(_request(user=member, user_agent="Firefox/130.0"))

    assert on_phone == on_desk == Visitor(key=f"member:{member.pk}", user_id=member.pk)
    assert on_phone.address_key == ""


def test_an_anonymous_reader_is_a_keyed_hash_of_address_and_browser():
    visitor = visitor_from_request(_request())

    assert re.fullmatch(r"anon:[0-9a-f]{32}", visitor.key)
    assert re.fullmatch(r"[0-9a-f]{32}", visitor.address_key)
    assert visitor.user_id is None
    assert "203.0.113.7" not in visitor.key + visitor.address_key
    assert visitor == visitor_from_request(_request())


def test_another_browser_or_address_is_another_reader_but_the_address_is_the_same():
    visitor = visitor_from_request(_request())
    other_browser = visitor_from_request(_request(user_agent=BROWSER + " Edg/130"))
    other_address = visitor_from_request(_request(address="203.0.113.8"))

    assert len({visitor.key, other_browser.key, other_address.key}) == 3
    assert visitor.address_key == other_browser.address_key != other_address.address_key


def test_the_hash_is_keyed_with_the_sites_secret(settings):
    before = visitor_from_request(_request())
    settings.SECRET_KEY = "another secret key for this test only, long enough to be real"

    after = visitor_from_request(_request())

    assert (before.key, before.address_key) != (after.key, after.address_key)
    assert before.key[5:] != before.address_key  # two hashes, not one reused


def test_an_ipv6_subscriber_is_one_address_across_its_64():
    first = visitor_from_request(_request(address="2001:db8:1:2::1"))
    same_64 = visitor_from_request(_request(address="2001:db8:1:2:ffff:ffff:ffff:ffff"))
    next_64 = visitor_from_request(_request(address="2001:db8:1:3::1"))

    assert first.key != same_64.key  # each address is its own reader ...
    assert first.address_key == same_64.address_key  # ... but one subscriber for the cap
    assert first.address_key != next_64.address_key


def test_ipv4_addresses_are_not_grouped():
    first = visitor_from_request(_request(address="203.0.113.7"))
    neighbour = visitor_from_request(_request(address="203.0.113.6"))

    assert first.address_key != neighbour.address_key


def test_an_address_that_is_not_an_ip_still_gets_a_reader_of_its_own():
    first = visitor_from_request(_request(address="unix-socket"))
    second = visitor_from_request(_request(address="other-socket"))

    assert first.address_key != second.address_key


def test_a_request_without_a_user_agent_is_a_script():
    request = _request()
    del request.META["HTTP_USER_AGENT"]

    assert visitor_from_request(request) is None
