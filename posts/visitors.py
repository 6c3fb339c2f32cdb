"""Who is looking at a page, for counting distinct views.

A member is identified by their id. An anonymous visitor by a keyed hash of IP
address and user agent: the raw values are never stored, and the key (derived from
SECRET_KEY) keeps the hash from being reversed by trying every IPv4 address. The
address is the client's, as radrounds.middleware.TrustedProxyMiddleware established
it (never a spoofable forwarding header). Crawlers are not visitors.
"""

import ipaddress
import re
from dataclasses import dataclass

from django.utils.crypto import salted_hmac

# Substrings of user agents that announce an automated client. Headless browsers
# are deliberately absent: people use them too, and they do not announce themselves
# consistently enough to be worth the false positives.
BOT_PATTERN = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|mediapartners|facebookexternalhit|bingpreview|"
    r"embedly|quora link preview|outbrain|pinterest|vkshare|w3c_validator|whatsapp|"
    r"curl/|wget/|python-requests|python-urllib|httpx|aiohttp|go-http-client|okhttp|"
    r"java/|libwww-perl|scrapy|headlesschrome.*lighthouse|pagespeed|uptime|monitor",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Visitor:
    key: str
    user_id: int | None = None
    # Anonymous visitors only: a keyed hash of the address alone (an IPv6 address by
    # its /64, which one subscriber usually holds whole), to cap views per address.
    address_key: str = ""


def _address_group(address: str) -> str:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def is_bot(user_agent: str) -> bool:
    # A request with no user agent at all is a script, not a reader.
    return not user_agent.strip() or bool(BOT_PATTERN.search(user_agent))


def visitor_from_request(request) -> Visitor | None:
    """The visitor behind ``request``, or None for crawlers and other robots."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    if is_bot(user_agent):
        return None
    if request.user.is_authenticated:
        return Visitor(key=f"member:{request.user.pk}", user_id=request.user.pk)
    address = request.META.get("REMOTE_ADDR", "")
    digest = salted_hmac("radrounds.visitor", f"{address}\n{user_agent}").hexdigest()
    address_digest = salted_hmac("radrounds.visitor.address", _address_group(address)).hexdigest()
    return Visitor(key=f"anon:{digest[:32]}", address_key=address_digest[:32])
