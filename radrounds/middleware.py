"""Site-wide middleware: request log, trusted proxies, security headers."""

from __future__ import annotations

import functools
import ipaddress
import logging
import re
import time

from django.conf import settings

request_logger = logging.getLogger("radrounds.request")

# Where the address the request really came from is kept when a proxy's is replaced.
PEER_ADDR_KEY = "radrounds.peer_addr"
# Secrets that travel in URL paths (password-reset and email-confirmation keys) are
# not written to the logs.
_SECRET_IN_PATH = re.compile(r"(/password/reset/key/|/confirm-email/)[^/]+")


def loggable_path(path: str) -> str:
    return _SECRET_IN_PATH.sub(r"\1[redacted]", path)


class RequestLogMiddleware:
    """One log line per request: method, path, status, duration and user id.

    The user id is logged only when something already looked at ``request.user``, so
    the log line itself never costs a session lookup (``/healthz`` stays free of I/O).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        user = getattr(request, "_cached_user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        path = loggable_path(request.path)
        request_logger.info(
            "%s %s %s %sms",
            request.method,
            path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user_id,
            },
        )
        return response


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _is_trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


class TrustedProxyMiddleware:
    """Believe X-Forwarded-For/-Proto only from the proxies the operator named.

    With ``TRUSTED_PROXIES`` (addresses or networks): if the connection comes from one
    of them, the client is the right-most X-Forwarded-For hop that is not itself a
    trusted proxy, and X-Forwarded-Proto says the scheme. With ``TRUSTED_PROXY_COUNT``
    = N: the client is the N-th hop from the right. Either way ``REMOTE_ADDR`` becomes
    the client's address and ``wsgi.url_scheme`` the scheme the client used, so
    ``request.is_secure()``, absolute links, allauth's rate limits and the view counter
    all see the same, real client. Forwarding headers are then removed, so a spoofed
    header from anyone else changes nothing anywhere.
    """

    FORWARDING_HEADERS = (
        "HTTP_X_FORWARDED_FOR",
        "HTTP_X_FORWARDED_PROTO",
        "HTTP_X_FORWARDED_HOST",
        "HTTP_X_FORWARDED_PORT",
        "HTTP_X_REAL_IP",
        "HTTP_FORWARDED",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self.apply(request.META)
        return self.get_response(request)

    @classmethod
    def apply(cls, meta: dict) -> None:
        peer = meta.get("REMOTE_ADDR", "")
        meta[PEER_ADDR_KEY] = peer
        hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        proto = meta.get("HTTP_X_FORWARDED_PROTO", "").split(",")[0].strip().lower()
        networks = _networks(tuple(settings.TRUSTED_PROXIES))
        client = None
        if settings.TRUSTED_PROXY_COUNT:
            if len(hops) >= settings.TRUSTED_PROXY_COUNT:
                client = hops[-settings.TRUSTED_PROXY_COUNT]
        elif networks and _is_trusted(_address(peer), networks):
            client = peer
            for hop in reversed(hops):
                client = hop
                if not _is_trusted(_address(hop), networks):
                    break
        if client is not None and _address(client) is not None:
            meta["REMOTE_ADDR"] = str(_address(client))
            if proto in ("http", "https"):
                meta["wsgi.url_scheme"] = proto
                # Only used when a request has no Host header (HTTP/1.0).
                meta["SERVER_PORT"] = "443" if proto == "https" else "80"
        for header in cls.FORWARDING_HEADERS:
            meta.pop(header, None)


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not send.

    ``Cross-Origin-Resource-Policy: same-origin`` keeps other sites from embedding our
    responses, except images under ``CROSS_ORIGIN_EMBEDDABLE_PREFIXES`` (badges), which
    are meant to be shown on other sites. ``Permissions-Policy`` turns off browser
    features the site never uses.
    """

    PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        embeddable = response.get("Content-Type", "").startswith("image/") and any(
            request.path.startswith(prefix) for prefix in settings.CROSS_ORIGIN_EMBEDDABLE_PREFIXES
        )
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", "cross-origin" if embeddable else "same-origin"
        )
        response.headers.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        return response
