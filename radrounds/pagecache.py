"""Rendered pages for anonymous readers, kept in the ``pages`` cache until anything changes.

A view opts in by marking its response (:func:`cache_for_visitors`). The middleware
then keeps the HTML under the request's host and full path, tagged with the current
*generation*: one token in the same cache that :func:`pages_changed` replaces after
every write that can show on a page (posts/signals.py connects it to the models; the
services that write with ``QuerySet.update`` call it themselves). An entry whose
generation is not the current one is never served, so the next reader after a change
gets a fresh page. A token is random, never a counter, so a generation lost to cache
eviction cannot come back and revive old entries.

Only requests without a session or messages cookie are looked up or stored, and only
responses that are 200, set no cookie and used no CSRF token are stored, so a member
never gets a visitor's page and a visitor never gets a member's. A page that holds
per-request figures declares a *fill*: a marker in the stored HTML that a function
replaces on every hit (the post page's view count is counted and filled in this way,
see posts.views.reading). Entries also expire after ``PAGE_CACHE_SECONDS`` (sponsors
starting and "popular today" follow the clock, not a write).

The middleware sits inside the security and CSP middleware, so a page from the cache
gets the same headers as a fresh one; the headers the inner middleware added
(``Vary``, ``X-Frame-Options``, ``Content-Type``) are stored with the HTML.
"""

from __future__ import annotations

import contextlib
import logging
import re
import uuid
import zlib

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils.module_loading import import_string

from radrounds.cache import CacheUnavailable

logger = logging.getLogger(__name__)

PAGES_CACHE_ALIAS = "pages"
GENERATION_KEY = "pages:generation"
_STORED_HEADERS = ("Content-Type", "Vary", "X-Frame-Options", "Content-Language")


def pages_changed() -> None:
    """Make every cached page stale, now and again once the current transaction commits.

    The second time matters: between now and the commit another process may render
    the old rows under the new generation. The first makes the change visible to the
    transaction itself (and to a test, whose transaction never commits).
    """
    _new_generation()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_new_generation, robust=True)


def _new_generation() -> None:
    try:
        caches[PAGES_CACHE_ALIAS].set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except CacheUnavailable:
        logger.warning("The pages cache is unavailable: cached pages expire by age only.")


def pages_changed_after_migrate(sender, using="default", **kwargs) -> None:
    cache = caches[PAGES_CACHE_ALIAS]
    if hasattr(cache, "reset_outage"):
        cache.reset_outage()  # its table may have been created just now
    try:
        _new_generation()
    except Exception:  # noqa: BLE001 - e.g. a cache table not created yet; pages expire anyway
        logger.warning("Could not start a new page generation after migrate.", exc_info=True)


def cache_for_visitors(response, *, fill: str = "", marker: str = "", **fill_args):
    """Mark ``response`` as the same for every anonymous reader of this URL.

    With ``fill`` (a dotted path to ``fn(request, html_part_marker, **fill_args) -> str``)
    the stored copy has ``marker`` (a substring of the HTML, present once) cut out, and
    every hit asks ``fill`` for what goes there.
    """
    response.cache_for_visitors = {"fill": fill, "marker": marker, "args": fill_args}
    return response


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = re.compile(settings.PAGE_CACHE_PATHS)
        self.cookies = (settings.SESSION_COOKIE_NAME, "messages")

    def __call__(self, request):
        if not self._may_use_cache(request):
            return self.get_response(request)
        cache = caches[PAGES_CACHE_ALIAS]
        key = f"page:{request.get_host()}{request.get_full_path()}"
        try:
            found = cache.get_many([GENERATION_KEY, key])
        except CacheUnavailable:
            return self.get_response(request)
        generation = found.get(GENERATION_KEY)
        entry = found.get(key)
        if generation is not None and entry is not None and entry["generation"] == generation:
            return self._serve(request, entry)
        if generation is None:
            # The first page since the cache was emptied starts a generation; if another
            # process started one at the same instant, this page is not stored.
            token = uuid.uuid4().hex
            try:
                started = cache.add(GENERATION_KEY, token, timeout=None)
            except CacheUnavailable:
                started = False
            if not started:
                return self.get_response(request)
            generation = token
        response = self.get_response(request)
        if self._may_store(request, response):
            with contextlib.suppress(CacheUnavailable):
                cache.set(key, self._entry(response, generation), settings.PAGE_CACHE_SECONDS)
        return response

    def _may_use_cache(self, request) -> bool:
        return (
            request.method == "GET"
            and settings.PAGE_CACHE_SECONDS > 0
            and not any(name in request.COOKIES for name in self.cookies)
            and self.paths.match(request.path_info) is not None
        )

    def _may_store(self, request, response) -> bool:
        user = getattr(request, "user", None)
        return (
            getattr(response, "cache_for_visitors", None) is not None
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not request.META.get("CSRF_COOKIE_USED")
            and (user is None or not user.is_authenticated)
        )

    def _entry(self, response, generation: str) -> dict:
        spec = response.cache_for_visitors
        html = response.content.decode(response.charset)
        parts = [html]
        if spec["fill"]:
            parts = html.split(spec["marker"])
            if len(parts) != 2:
                raise ValueError(f"Page-cache marker {spec['marker']!r} must occur once.")
        return {
            "generation": generation,
            # Compressed: a page is ~100 kB of HTML, and the cache may hold many.
            "parts": [zlib.compress(part.encode(), 1) for part in parts],
            "fill": spec["fill"],
            "args": spec["args"],
            "headers": {h: response[h] for h in _STORED_HEADERS if h in response},
        }

    def _serve(self, request, entry: dict) -> HttpResponse:
        parts = [zlib.decompress(part) for part in entry["parts"]]
        if entry["fill"]:
            filler = import_string(entry["fill"])
            parts.insert(1, filler(request, **entry["args"]).encode())
        response = HttpResponse(b"".join(parts))
        for header, value in entry["headers"].items():
            response[header] = value
        response["X-Page-Cache"] = "hit"
        return response


# Models whose rows never show on a cached page: writing them changes no page.
UNSEEN_MODELS = {
    "posts.postread",
    "posts.notification",
    "posts.notificationemailwindow",
    "posts.emailpreferences",
    "posts.report",
    # Views change with every reader: the post page fills its count in per request, and
    # cards and "Popular" follow with each flush of buffered views or the entries' age.
    "posts.postdailyviews",
    "posts.reportevent",
    "accounts.outgoingemail",
    "accounts.retiredusername",
}
WATCHED_APPS = ("posts", "accounts", "account")  # account: allauth's email addresses


def _model_changed(sender, **kwargs) -> None:
    meta = sender._meta
    if meta.app_label not in WATCHED_APPS or meta.label_lower in UNSEEN_MODELS:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # signing in changes nothing anyone else sees
    pages_changed()


def connect_model_signals() -> None:
    """Every save and delete of a model that can show on a page makes cached pages stale.

    Writes that bypass signals (``QuerySet.update``, ``bulk_create``) call
    :func:`pages_changed` in their service.
    """
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model in apps.get_models():
        if model._meta.app_label not in WATCHED_APPS:
            continue
        if model._meta.label_lower in UNSEEN_MODELS:
            continue
        uid = f"pagecache:{model._meta.label_lower}"
        post_save.connect(_model_changed, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_model_changed, sender=model, dispatch_uid=f"{uid}:delete")
    m2m_changed.connect(_model_changed, dispatch_uid="pagecache:m2m")
