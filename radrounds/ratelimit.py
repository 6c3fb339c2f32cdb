"""Rate limits counted in the shared rate-limit cache, so every server process sees them.

The counters live in the ``default`` cache alias, the rate-limit cache: allauth's
sign-in and sign-up limits count there too, and nothing bulky is stored there, so no
flood of other data can evict a limit. If that cache is unreachable the alias falls
back to a per-process cache (logged; see radrounds.cache): limits keep applying per
process and a request never fails because of them.

Fixed windows: ``Rate(5, 60)`` allows five actions per clock minute per key. Each call
of :func:`rate_limit_hit` counts one attempt against every rate given and says whether
the action may go ahead.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import caches

# The rate-limit cache (shared by every process; allauth counts in it as well).
CACHE_ALIAS = "default"


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    def describe(self) -> str:
        units = {60: "minute", 3600: "hour", 86400: "day"}
        unit = units.get(self.seconds, f"{self.seconds} seconds")
        return f"{self.count} per {unit}"


def rate_limit_hit(*, scope: str, key: str, rates: Sequence[Rate]) -> Rate | None:
    """Count one attempt by ``key`` at ``scope``; return the rate it exceeds, or None.

    ``key`` identifies who acts (``user:42``, a hashed address ...); ``scope`` what they
    do (``comment``, ``report``). The increment is atomic in every shared backend.
    """
    cache = caches[CACHE_ALIAS]
    now = time.time()
    exceeded = None
    for rate in rates:
        window = int(now // rate.seconds)
        cache_key = f"ratelimit:{scope}:{key}:{rate.seconds}:{window}"
        cache.add(cache_key, 0, timeout=rate.seconds + 1)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # the window expired between add() and incr()
            cache.add(cache_key, 1, timeout=rate.seconds + 1)
            count = 1
        if count > rate.count and exceeded is None:
            exceeded = rate
    return exceeded
