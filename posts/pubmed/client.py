"""NCBI E-utilities client for PubMed (efetch, esearch) with ``urllib`` only. Framework-free.

Batching, POST for long id lists, a process-wide :class:`RateLimiter` (3 requests/s,
10 with an API key), retries with back-off on 429/5xx, and clear
:class:`~posts.pubmed.records.PubmedError` messages.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence

from posts.pubmed.parser import parse_pubmed_xml
from posts.pubmed.records import (
    MAX_PMID,
    FetchResult,
    PubmedError,
    PubmedRecord,
    PubmedRetryLater,
    PubmedTimeout,
    PubmedUnavailable,
    RecordFailure,
    describe_bytes,
    looks_like_html,
    norm_space,
    parse_pmid,
)

# --------------------------------------------------------------------------- rate limit


class RateLimiter:
    """Spaces calls to :meth:`wait` at least ``1 / rate_per_second`` apart (start-to-start).

    Thread-safe: each caller reserves the next free slot under a lock, then sleeps
    outside it, so concurrent callers queue up in order.
    """

    def __init__(
        self,
        rate_per_second: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not rate_per_second > 0:
            raise ValueError("rate_per_second must be positive")
        self.rate_per_second = float(rate_per_second)
        self.interval = 1.0 / self.rate_per_second
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot: float | None = None

    def wait(self) -> None:
        """Block until the caller may start its request."""
        with self._lock:
            now = self._clock()
            slot = now if self._next_slot is None else max(now, self._next_slot)
            self._next_slot = slot + self.interval
        delay = slot - now
        if delay > 0:
            self._sleep(delay)


_shared_limiters: dict[float, RateLimiter] = {}
_shared_limiters_lock = threading.Lock()


def shared_rate_limiter(rate_per_second: float) -> RateLimiter:
    """The one process-wide :class:`RateLimiter` for this rate (created on first use)."""
    key = float(rate_per_second)
    with _shared_limiters_lock:
        limiter = _shared_limiters.get(key)
        if limiter is None:
            limiter = _shared_limiters[key] = RateLimiter(key)
        return limiter


# --------------------------------------------------------------------------- client

_SERVICE = "PubMed (E-utilities)"
_MAX_BATCH = 200
_POST_ABOVE_IDS = 50
_MAX_GET_URL = 2000
_BACKOFF_BASE = 1.0
_BACKOFF_CAP = 30.0
_RETRY_AFTER_CAP = 60.0
_MAX_SEARCH_RESULTS = 10_000


def _retry_after_requested(value: str | None) -> float | None:
    """The seconds form of Retry-After as sent; ``None`` if absent or a date."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    if seconds != seconds or seconds < 0 or seconds == float("inf"):  # NaN, negative, inf
        return None
    return seconds


def _retry_after_seconds(value: str | None) -> float | None:
    """The seconds form of Retry-After, capped; ``None`` if absent or a date."""
    seconds = _retry_after_requested(value)
    return None if seconds is None else min(seconds, _RETRY_AFTER_CAP)


def _seconds(value: float) -> str:
    return f"{value:g} s"


class EutilsClient:
    """A small NCBI E-utilities client for PubMed (efetch, esearch), stdlib only.

    HTTP 429 and 5xx are retried ``max_retries`` times (Retry-After honoured, else
    1 s, 2 s, 4 s ... capped at 30 s). Timeouts and connection/DNS failures are not
    retried: they raise :class:`PubmedUnavailable` at once, so a caller never hangs
    longer than about ``timeout``. ``wait_budget`` caps the seconds spent waiting
    between retries in all: a retry that would need more (a long Retry-After) raises
    :class:`PubmedRetryLater` at once instead, so a web request can hand the work to
    a background task rather than sleep.
    """

    def __init__(
        self,
        base_url: str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/",
        *,
        tool: str = "radrounds",
        email: str = "",
        api_key: str = "",
        timeout: float = 20.0,
        max_retries: int = 3,
        wait_budget: float | None = None,
        rate_limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
            raise ValueError("base_url must be an http(s) URL")
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.tool = tool
        self.email = email
        self.api_key = api_key
        self.timeout = timeout
        self.max_retries = max_retries
        self.wait_budget = wait_budget
        self.rate_limiter = rate_limiter or shared_rate_limiter(10.0 if api_key else 3.0)
        self._sleep = sleep

    # ------------------------------------------------------------------ public

    def fetch(
        self,
        pmids: Sequence[int],
        *,
        batch_size: int = _MAX_BATCH,
        on_batch: Callable[[int, int], None] | None = None,
    ) -> FetchResult:
        """efetch the PubMed records for ``pmids`` (duplicates fetched once).

        ``on_batch(done, total)`` is called after each batch with the number of PMIDs
        handled so far and the total number of distinct PMIDs.
        """
        if not 1 <= batch_size <= _MAX_BATCH:
            raise ValueError(f"batch_size must be between 1 and {_MAX_BATCH}")
        wanted: list[int] = []
        for pmid in dict.fromkeys(pmids):
            if isinstance(pmid, bool) or not isinstance(pmid, int) or not 0 < pmid <= MAX_PMID:
                raise ValueError(f"not a PMID: {pmid!r}")
            wanted.append(pmid)

        found: dict[int, PubmedRecord] = {}
        failures: list[RecordFailure] = []
        answered: set[int] = set()
        for start in range(0, len(wanted), batch_size):
            batch = wanted[start : start + batch_size]
            requested = set(batch)
            body = self._request(
                "efetch.fcgi",
                [("db", "pubmed"), ("retmode", "xml"), ("id", ",".join(map(str, batch)))],
                force_post=len(batch) > _POST_ABOVE_IDS,
            )
            parsed = parse_pubmed_xml(body)
            for record in parsed.records:
                if record.pmid not in requested:
                    failures.append(
                        RecordFailure(
                            pmid=record.pmid,
                            reason=f"PubMed returned PMID {record.pmid}, which was not requested.",
                        )
                    )
                elif record.pmid not in found:
                    found[record.pmid] = record
                    answered.add(record.pmid)
            for failure in parsed.failures:
                failures.append(failure)
                if failure.pmid is not None:
                    answered.add(failure.pmid)
            if on_batch is not None:
                on_batch(min(start + batch_size, len(wanted)), len(wanted))

        return FetchResult(
            records=tuple(found[p] for p in wanted if p in found),
            failures=tuple(failures),
            missing=tuple(p for p in wanted if p not in answered),
        )

    def search(self, term: str, *, max_results: int) -> tuple[int, ...]:
        """esearch PubMed for ``term``; the PMIDs in PubMed's order (at most max_results)."""
        if isinstance(max_results, bool) or not 1 <= max_results <= _MAX_SEARCH_RESULTS:
            raise ValueError(f"max_results must be between 1 and {_MAX_SEARCH_RESULTS}")
        if not term or not term.strip():
            raise ValueError("search term is empty")
        body = self._request(
            "esearch.fcgi",
            [
                ("db", "pubmed"),
                ("retmode", "json"),
                ("retmax", str(max_results)),
                ("term", term.strip()),
            ],
        )
        return _parse_esearch_json(body)

    # ------------------------------------------------------------------ HTTP

    def _params(self, params: list[tuple[str, str]]) -> list[tuple[str, str]]:
        extra = [("tool", self.tool)] if self.tool else []
        if self.email:
            extra.append(("email", self.email))
        if self.api_key:
            extra.append(("api_key", self.api_key))
        return params + extra

    def _build_request(
        self, endpoint: str, params: list[tuple[str, str]], force_post: bool
    ) -> urllib.request.Request:
        url = self.base_url + endpoint
        query = urllib.parse.urlencode(self._params(params))
        headers = {"User-Agent": f"{self.tool or 'radrounds'} (python urllib)"}
        if force_post or len(url) + 1 + len(query) > _MAX_GET_URL:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # S310: the scheme of base_url is checked in __init__ (http/https only).
            return urllib.request.Request(  # noqa: S310
                url, data=query.encode("ascii"), headers=headers, method="POST"
            )
        return urllib.request.Request(f"{url}?{query}", headers=headers, method="GET")  # noqa: S310

    def _request(
        self, endpoint: str, params: list[tuple[str, str]], *, force_post: bool = False
    ) -> bytes:
        request = self._build_request(endpoint, params, force_post)
        attempts = self.max_retries + 1
        waited = 0.0
        for attempt in range(attempts):
            self.rate_limiter.wait()
            try:
                # S310: only http(s) URLs are built (base_url is checked in __init__).
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    return response.read()
            except urllib.error.HTTPError as exc:
                status, reason = exc.code, norm_space(str(exc.reason))
                requested = _retry_after_requested(exc.headers.get("Retry-After"))
                retry_after = None if requested is None else min(requested, _RETRY_AFTER_CAP)
                detail = _error_detail(exc)
                exc.close()
                if status != 429 and status < 500:
                    raise PubmedError(
                        f"{_SERVICE} refused the request: HTTP {status} {reason}{detail}"
                    ) from None
                if attempt + 1 >= attempts:
                    tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
                    if self.wait_budget is not None:  # the caller would rather retry later
                        raise PubmedRetryLater(
                            f"{_SERVICE} is unavailable: HTTP {status} {reason} after {tries}",
                            retry_after=requested or _BACKOFF_CAP,
                        ) from None
                    raise PubmedUnavailable(
                        f"{_SERVICE} is unavailable: HTTP {status} {reason} after {tries}"
                    ) from None
                delay = retry_after
                if delay is None:
                    delay = min(_BACKOFF_BASE * 2**attempt, _BACKOFF_CAP)
                if self.wait_budget is not None:
                    wanted = requested if requested is not None else delay
                    if waited + wanted > self.wait_budget:
                        raise PubmedRetryLater(
                            f"{_SERVICE} is busy (HTTP {status} {reason}) and asked to be "
                            f"retried in {_seconds(wanted)}",
                            retry_after=wanted,
                        ) from None
                self._sleep(delay)
                waited += delay
            except TimeoutError:
                raise self._timeout_error() from None
            except urllib.error.URLError as exc:
                raise self._network_error(exc.reason) from None
            except http.client.IncompleteRead:
                raise PubmedUnavailable(
                    f"{_SERVICE} closed the connection before its answer was complete"
                ) from None
            except (http.client.HTTPException, OSError) as exc:
                raise self._network_error(exc) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _timeout_error(self) -> PubmedTimeout:
        return PubmedTimeout(f"{_SERVICE} did not answer within {_seconds(self.timeout)}")

    def _network_error(self, reason: object) -> PubmedUnavailable:
        if isinstance(reason, TimeoutError):
            return self._timeout_error()
        if isinstance(reason, ConnectionRefusedError):
            text = "connection refused"
        elif isinstance(reason, socket.gaierror):
            text = f"could not resolve the host name ({norm_space(str(reason.strerror or reason))})"
        elif isinstance(reason, ConnectionResetError):
            text = "connection reset"
        elif isinstance(reason, OSError) and reason.strerror:
            text = norm_space(reason.strerror).lower()
        else:
            text = norm_space(str(reason)) or type(reason).__name__
        return PubmedUnavailable(f"Could not reach {_SERVICE}: {text}")


def _error_detail(exc: urllib.error.HTTPError) -> str:
    """A short extract of an HTTP error body (NCBI puts the reason there)."""
    body = b""
    with contextlib.suppress(Exception):
        body = exc.read(2000) or b""
    if not body:
        return ""
    text = body.decode("utf-8", "replace")
    with contextlib.suppress(ValueError):
        data = json.loads(text)
        if isinstance(data, dict):
            message = data.get("error") or data.get("ERROR")
            if isinstance(message, str) and message.strip():
                return f" ({norm_space(message)[:200]})"
    match = re.search(r"<ERROR>(.*?)</ERROR>", text, re.DOTALL | re.IGNORECASE)
    if match and norm_space(match.group(1)):
        return f" ({norm_space(match.group(1))[:200]})"
    return ""


def _parse_esearch_json(body: bytes) -> tuple[int, ...]:
    if looks_like_html(body):
        raise PubmedError(
            f"{_SERVICE} answered the search with an HTML page instead of JSON "
            "(probably an error or maintenance page)."
        )
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise PubmedError(
            f"{_SERVICE} search answer is not valid JSON (it may be truncated); "
            f"it starts with {describe_bytes(body)}."
        ) from None
    if not isinstance(data, dict):
        raise PubmedError(f"{_SERVICE} search answer is not the JSON object esearch returns.")
    if isinstance(data.get("error"), str):
        raise PubmedError(f"{_SERVICE} answered the search with an error: {data['error']}")
    result = data.get("esearchresult")
    if not isinstance(result, dict):
        raise PubmedError(f"{_SERVICE} search answer has no 'esearchresult'.")
    error = result.get("ERROR") or result.get("error")
    if error:
        raise PubmedError(f"{_SERVICE} answered the search with an error: {norm_space(str(error))}")
    id_list = result.get("idlist")
    if not isinstance(id_list, list):
        raise PubmedError(f"{_SERVICE} search answer has no id list.")
    # PubMed drops a phrase it does not know and still searches with the rest, as
    # its website does; only a search that found nothing is worth explaining.
    problems = _errorlist_text(result.get("errorlist"))
    if problems and not id_list:
        raise PubmedError(f"{_SERVICE} could not run the search: {problems}")
    pmids: list[int] = []
    for value in id_list:
        pmid = parse_pmid(str(value))
        if pmid is None:
            raise PubmedError(f"{_SERVICE} search answer contains an invalid PMID {value!r}.")
        pmids.append(pmid)
    return tuple(dict.fromkeys(pmids))


def _errorlist_text(errorlist: object) -> str:
    if not isinstance(errorlist, dict):
        return ""
    parts = []
    for key, values in errorlist.items():
        if isinstance(values, list):
            values = [str(v) for v in values if str(v).strip()]
        elif values:
            values = [str(values)]
        if values:
            label = {
                "phrasesnotfound": "phrase not found",
                "fieldsnotfound": "field not found",
            }.get(key, key)
            parts.append(f"{label}: {', '.join(values)}")
    return "; ".join(parts)
