"""EutilsClient against a real local HTTP server serving recorded PubMed answers.

No mocks of our code: pytest-httpserver answers over real sockets; only the sleep
function (for back-off) and, in unit tests of RateLimiter, the clock are injected.
"""

import json
import socket
import threading
import time
from pathlib import Path

import pytest
from werkzeug import Request, Response

from posts.pubmed.client import EutilsClient, RateLimiter, shared_rate_limiter
from posts.pubmed.records import PubmedError, PubmedUnavailable, RecordFailure

FIXTURES = Path(__file__).resolve().parents[2] / "posts" / "fixtures" / "pubmed"
EFETCH = "/eutils/efetch.fcgi"
ESEARCH = "/eutils/esearch.fcgi"
XML = "text/xml; charset=UTF-8"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class SleepRecorder:
    """Stands in for time.sleep: records the requested delays, does not wait."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def make_client(httpserver, **kwargs) -> EutilsClient:
    kwargs.setdefault("rate_limiter", RateLimiter(1000))
    kwargs.setdefault("sleep", SleepRecorder())
    return EutilsClient(httpserver.url_for("/eutils/"), **kwargs)


def params_of(request: Request) -> dict[str, str]:
    """The E-utilities parameters of a logged request, wherever they were sent."""
    source = request.form if request.method == "POST" else request.args
    return source.to_dict()


def ids_of(request: Request) -> list[int]:
    return [int(pmid) for pmid in params_of(request)["id"].split(",")]


def serve_fixture(httpserver, name: str, uri: str = EFETCH) -> None:
    httpserver.expect_request(uri).respond_with_data(fixture_bytes(name), content_type=XML)


def esearch_json(idlist: list[str], **extra) -> dict:
    result = {"count": str(len(idlist)), "retmax": str(len(idlist)), "retstart": "0"}
    result.update(idlist=idlist, translationset=[], querytranslation="", **extra)
    return {"header": {"type": "esearch", "version": "0.3"}, "esearchresult": result}


# ----------------------------------------------------------------- efetch: happy paths


def test_fetch_returns_parsed_records_and_nothing_missing(httpserver):
    serve_fixture(httpserver, "biopython/pubmed1.xml")
    result = make_client(httpserver).fetch([12091962, 9997])
    assert [r.pmid for r in result.records] == [12091962, 9997]
    assert result.records[0].pub_date == "1990 Spring"
    assert (result.failures, result.missing) == ((), ())


def test_fetch_sends_efetch_pubmed_xml_parameters(httpserver):
    serve_fixture(httpserver, "biopython/pubmed1.xml")
    make_client(httpserver).fetch([12091962, 9997])
    (request, _response) = httpserver.log[0]
    assert request.method == "GET"
    assert request.path == EFETCH
    params = params_of(request)
    assert (params["db"], params["retmode"], params["id"]) == ("pubmed", "xml", "12091962,9997")


def test_fetch_returns_records_in_the_order_asked(httpserver):
    serve_fixture(httpserver, "biopython/pubmed1.xml")
    result = make_client(httpserver).fetch([9997, 12091962])
    assert [r.pmid for r in result.records] == [9997, 12091962]


def test_fetch_asks_for_duplicate_pmids_once(httpserver):
    serve_fixture(httpserver, "biopython/pubmed1.xml")
    result = make_client(httpserver).fetch([9997, 9997, 12091962, 9997])
    assert ids_of(httpserver.log[0][0]) == [9997, 12091962]
    assert [r.pmid for r in result.records] == [9997, 12091962]


def test_fetch_of_nothing_makes_no_request(httpserver):
    result = make_client(httpserver).fetch([])
    assert (result.records, result.failures, result.missing) == ((), (), ())
    assert httpserver.log == []


def test_fetch_splits_450_pmids_into_three_batches(httpserver):
    serve_fixture(httpserver, "metapub/37909814.xml")
    pmids = list(range(1_000_001, 1_000_451))
    make_client(httpserver).fetch(pmids)
    sent = [ids_of(request) for request, _ in httpserver.log]
    assert [len(ids) for ids in sent] == [200, 200, 50]
    assert sent[0] + sent[1] + sent[2] == pmids


def test_fetch_posts_form_encoded_ids_for_long_lists(httpserver):
    serve_fixture(httpserver, "metapub/37909814.xml")
    make_client(httpserver, email="dev@example.org").fetch(list(range(1, 121)))
    (request, _response) = httpserver.log[0]
    assert request.method == "POST"
    assert request.mimetype == "application/x-www-form-urlencoded"
    assert request.args.to_dict() == {}
    params = request.form.to_dict()
    assert (params["db"], params["retmode"], params["tool"]) == ("pubmed", "xml", "radrounds")
    assert params["email"] == "dev@example.org"
    assert ids_of(request) == list(range(1, 121))


def test_fetch_uses_get_for_up_to_fifty_ids(httpserver):
    serve_fixture(httpserver, "metapub/37909814.xml")
    make_client(httpserver).fetch(list(range(10_000_000, 10_000_050)))
    assert httpserver.log[0][0].method == "GET"


def test_fetch_respects_a_smaller_batch_size(httpserver):
    serve_fixture(httpserver, "metapub/37909814.xml")
    make_client(httpserver).fetch([1, 2, 3, 4, 5], batch_size=2)
    assert [ids_of(request) for request, _ in httpserver.log] == [[1, 2], [3, 4], [5]]


def test_fetch_reports_progress_after_each_batch(httpserver):
    serve_fixture(httpserver, "metapub/37909814.xml")
    progress: list[tuple[int, int]] = []
    make_client(httpserver).fetch(
        list(range(1, 451)), on_batch=lambda done, total: progress.append((done, total))
    )
    assert progress == [(200, 450), (400, 450), (450, 450)]


def test_every_request_sends_tool_email_and_api_key(httpserver):
    serve_fixture(httpserver, "biopython/pubmed1.xml")
    client = make_client(httpserver, tool="radrounds-test", email="a@b.org", api_key="k123")
    client.fetch([9997])
    params = params_of(httpserver.log[0][0])
    assert (params["tool"], params["email"], params["api_key"]) == (
        "radrounds-test",
        "a@b.org",
        "k123",
    )


def test_email_and_api_key_are_not_sent_when_unset(httpserver):
    serve_fixture(httpserver, "biopython/pubmed1.xml")
    make_client(httpserver).fetch([9997])
    params = params_of(httpserver.log[0][0])
    assert params["tool"] == "radrounds"
    assert "email" not in params
    assert "api_key" not in params


# ----------------------------------------------------------------- efetch: odd answers


def test_empty_article_set_means_the_pmids_are_missing(httpserver):
    serve_fixture(httpserver, "metapub/37909814.xml")
    result = make_client(httpserver).fetch([37909814, 99999999])
    assert result.records == ()
    assert result.failures == ()
    assert result.missing == (37909814, 99999999)


def test_pmid_absent_from_a_partial_answer_is_missing(httpserver):
    serve_fixture(httpserver, "biopython/pubmed1.xml")
    result = make_client(httpserver).fetch([9997, 555, 12091962])
    assert [r.pmid for r in result.records] == [9997, 12091962]
    assert result.missing == (555,)


def test_record_for_a_pmid_not_requested_is_a_failure_not_a_record(httpserver):
    serve_fixture(httpserver, "biopython/pubmed1.xml")
    result = make_client(httpserver).fetch([9997, 42])
    assert [r.pmid for r in result.records] == [9997]
    assert result.failures == (
        RecordFailure(
            pmid=12091962, reason="PubMed returned PMID 12091962, which was not requested."
        ),
    )
    assert result.missing == (42,)


def test_book_chapter_is_a_failure_and_not_missing(httpserver):
    serve_fixture(httpserver, "metapub/sample_article_20301577.xml")
    result = make_client(httpserver).fetch([20301577])
    assert [f.pmid for f in result.failures] == [20301577]
    assert "PubmedBookArticle" in result.failures[0].reason
    assert result.missing == ()


def test_error_envelope_with_http_200_is_a_pubmed_error(httpserver):
    serve_fixture(httpserver, "biopython/esummary8.xml")
    with pytest.raises(PubmedError, match="Neither query_key nor id specified"):
        make_client(httpserver).fetch([1])


def test_html_answer_is_a_pubmed_error(httpserver):
    page = b"<!DOCTYPE html><html><body><h1>NCBI is down for maintenance</h1></body></html>"
    httpserver.expect_request(EFETCH).respond_with_data(page, content_type="text/html")
    with pytest.raises(PubmedError, match="HTML page"):
        make_client(httpserver).fetch([1])


def test_truncated_xml_answer_is_a_pubmed_error(httpserver):
    truncated = fixture_bytes("ncbiutils/pubmed.xml")[:20_000]
    httpserver.expect_request(EFETCH).respond_with_data(truncated, content_type=XML)
    with pytest.raises(PubmedError, match="truncated"):
        make_client(httpserver).fetch([35196497])


def test_fetch_rejects_values_that_are_not_pmids(httpserver):
    with pytest.raises(ValueError, match="not a PMID"):
        make_client(httpserver).fetch([1, 0])
    assert httpserver.log == []


def test_fetch_rejects_batches_larger_than_200(httpserver):
    with pytest.raises(ValueError, match="batch_size"):
        make_client(httpserver).fetch([1], batch_size=201)


# ----------------------------------------------------------------- retries


def test_429_is_retried_after_the_retry_after_delay(httpserver):
    httpserver.expect_ordered_request(EFETCH).respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_ordered_request(EFETCH).respond_with_data(
        fixture_bytes("biopython/pubmed1.xml"), content_type=XML
    )
    sleep = SleepRecorder()
    result = make_client(httpserver, sleep=sleep).fetch([9997])
    assert [r.pmid for r in result.records] == [9997]
    assert sleep.calls == [7.0]
    assert len(httpserver.log) == 2


def test_503_is_retried_after_the_retry_after_delay(httpserver):
    httpserver.expect_ordered_request(EFETCH).respond_with_data(
        "busy", status=503, headers={"Retry-After": "2"}
    )
    httpserver.expect_ordered_request(EFETCH).respond_with_data(
        fixture_bytes("biopython/pubmed1.xml"), content_type=XML
    )
    sleep = SleepRecorder()
    result = make_client(httpserver, sleep=sleep).fetch([12091962])
    assert [r.pmid for r in result.records] == [12091962]
    assert sleep.calls == [2.0]


def test_retries_without_retry_after_back_off_exponentially(httpserver):
    for _ in range(3):
        httpserver.expect_ordered_request(EFETCH).respond_with_data("oops", status=500)
    httpserver.expect_ordered_request(EFETCH).respond_with_data(
        fixture_bytes("biopython/pubmed1.xml"), content_type=XML
    )
    sleep = SleepRecorder()
    result = make_client(httpserver, sleep=sleep).fetch([9997])
    assert len(result.records) == 1
    assert sleep.calls == [1.0, 2.0, 4.0]


def test_a_huge_retry_after_is_capped_at_sixty_seconds(httpserver):
    httpserver.expect_ordered_request(EFETCH).respond_with_data(
        "", status=429, headers={"Retry-After": "3600"}
    )
    httpserver.expect_ordered_request(EFETCH).respond_with_data(
        fixture_bytes("metapub/37909814.xml"), content_type=XML
    )
    sleep = SleepRecorder()
    make_client(httpserver, sleep=sleep).fetch([1])
    assert sleep.calls == [60.0]


def test_exhausted_retries_raise_unavailable_naming_the_last_status(httpserver):
    httpserver.expect_request(EFETCH).respond_with_data("busy", status=503)
    sleep = SleepRecorder()
    client = make_client(httpserver, sleep=sleep, max_retries=2)
    with pytest.raises(PubmedUnavailable, match=r"HTTP 503 .*after 3 attempts"):
        client.fetch([1])
    assert len(httpserver.log) == 3
    assert sleep.calls == [1.0, 2.0]


def test_other_4xx_is_a_pubmed_error_at_once_with_ncbis_reason(httpserver):
    body = json.dumps({"error": "API key invalid", "api-key": "bad", "type": "invalid"})
    httpserver.expect_request(EFETCH).respond_with_data(
        body, status=400, content_type="application/json"
    )
    sleep = SleepRecorder()
    with pytest.raises(PubmedError, match="HTTP 400.*API key invalid") as excinfo:
        make_client(httpserver, sleep=sleep, api_key="bad").fetch([1])
    assert not isinstance(excinfo.value, PubmedUnavailable)
    assert len(httpserver.log) == 1
    assert sleep.calls == []


# ----------------------------------------------------------------- network failures


def test_slow_server_raises_unavailable_after_the_timeout(httpserver):
    handler_done = threading.Event()

    def too_slow(request: Request) -> Response:
        time.sleep(0.8)
        handler_done.set()
        return Response(fixture_bytes("metapub/37909814.xml"), content_type=XML)

    httpserver.expect_request(EFETCH).respond_with_handler(too_slow)
    client = make_client(httpserver, timeout=0.5)
    with pytest.raises(PubmedUnavailable, match=r"did not answer within 0\.5 s"):
        client.fetch([1])
    # The test server handles one request at a time: let it finish before the next test.
    handler_done.wait(5)


def test_closed_port_raises_unavailable_connection_refused():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = EutilsClient(
        f"http://127.0.0.1:{port}/eutils/", rate_limiter=RateLimiter(1000), sleep=SleepRecorder()
    )
    with pytest.raises(PubmedUnavailable, match="Could not reach PubMed .*connection refused"):
        client.fetch([1])


def test_client_refuses_a_non_http_base_url():
    with pytest.raises(ValueError, match="http"):
        EutilsClient("file:///etc/")


# ----------------------------------------------------------------- rate limiting


def test_requests_are_spaced_by_the_rate_limit(httpserver):
    arrivals: list[float] = []

    def record_arrival(request: Request) -> Response:
        arrivals.append(time.monotonic())
        return Response(json.dumps(esearch_json(["1"])), content_type="application/json")

    httpserver.expect_request(ESEARCH).respond_with_handler(record_arrival)
    client = make_client(httpserver, rate_limiter=RateLimiter(20))
    for _ in range(4):
        client.search("spine", max_results=1)
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
    assert len(gaps) == 3
    assert all(gap >= 0.05 - 0.01 for gap in gaps), gaps


def test_rate_limiter_waits_out_the_rest_of_the_interval():
    now = [100.0]
    sleeps: list[float] = []

    def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(4, clock=lambda: now[0], sleep=fake_sleep)
    limiter.wait()  # first call: no wait
    now[0] += 0.1
    limiter.wait()  # 0.25 s interval, 0.1 s passed
    now[0] += 1.0
    limiter.wait()  # long idle: no wait
    assert sleeps == [pytest.approx(0.15)]


def test_rate_limiter_spaces_concurrent_threads():
    limiter = RateLimiter(50)
    starts: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        limiter.wait()
        with lock:
            starts.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    starts.sort()
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    assert all(gap >= 0.02 - 0.005 for gap in gaps), gaps


def test_rate_limiter_rejects_a_non_positive_rate():
    with pytest.raises(ValueError):
        RateLimiter(0)


def test_shared_rate_limiter_is_one_per_rate():
    assert shared_rate_limiter(3) is shared_rate_limiter(3.0)
    assert shared_rate_limiter(3) is not shared_rate_limiter(10)
    assert shared_rate_limiter(10).interval == pytest.approx(0.1)


def test_client_uses_the_shared_three_per_second_limiter_without_api_key():
    assert EutilsClient().rate_limiter is shared_rate_limiter(3)


def test_client_uses_the_shared_ten_per_second_limiter_with_api_key():
    assert EutilsClient(api_key="k").rate_limiter is shared_rate_limiter(10)


# ----------------------------------------------------------------- esearch


def test_search_returns_pmids_in_pubmeds_order(httpserver):
    httpserver.expect_request(ESEARCH).respond_with_json(
        esearch_json(["18025516", "27797938", "151222"])
    )
    assert make_client(httpserver).search("spinal injection", max_results=3) == (
        18025516,
        27797938,
        151222,
    )


def test_search_sends_term_retmax_and_identification(httpserver):
    httpserver.expect_request(ESEARCH).respond_with_json(esearch_json([]))
    make_client(httpserver, email="a@b.org").search("  low back pain[ti] ", max_results=25)
    params = params_of(httpserver.log[0][0])
    assert params["db"] == "pubmed"
    assert params["term"] == "low back pain[ti]"
    assert params["retmax"] == "25"
    assert params["retmode"] == "json"
    assert (params["tool"], params["email"]) == ("radrounds", "a@b.org")


def test_search_with_no_hits_is_empty(httpserver):
    httpserver.expect_request(ESEARCH).respond_with_json(esearch_json([]))
    assert make_client(httpserver).search("nothing matches", max_results=10) == ()


def test_search_error_becomes_pubmed_error_with_its_text(httpserver):
    httpserver.expect_request(ESEARCH).respond_with_json(
        {"header": {"type": "esearch"}, "esearchresult": {"ERROR": "Invalid query syntax"}}
    )
    with pytest.raises(PubmedError, match="Invalid query syntax"):
        make_client(httpserver).search("((", max_results=10)


def test_search_errorlist_becomes_pubmed_error_naming_the_phrase(httpserver):
    errorlist = {"phrasesnotfound": ["qwertyuiopasdf"], "fieldsnotfound": []}
    httpserver.expect_request(ESEARCH).respond_with_json(esearch_json([], errorlist=errorlist))
    with pytest.raises(PubmedError, match="phrase not found: qwertyuiopasdf"):
        make_client(httpserver).search("qwertyuiopasdf", max_results=10)


def test_search_that_still_found_records_ignores_an_unknown_phrase(httpserver):
    errorlist = {"phrasesnotfound": ["qwertyuiopasdf"], "fieldsnotfound": []}
    httpserver.expect_request(ESEARCH).respond_with_json(
        esearch_json(["29963580"], errorlist=errorlist)
    )

    assert make_client(httpserver).search("spine qwertyuiopasdf", max_results=10) == (29963580,)


def test_search_html_answer_is_a_pubmed_error(httpserver):
    httpserver.expect_request(ESEARCH).respond_with_data(
        b"<html><body>Bad gateway</body></html>", content_type="text/html"
    )
    with pytest.raises(PubmedError, match="HTML page"):
        make_client(httpserver).search("spine", max_results=10)


@pytest.mark.parametrize("max_results", [0, 10_001, -1])
def test_search_max_results_out_of_range_is_a_value_error(httpserver, max_results):
    with pytest.raises(ValueError, match="max_results"):
        make_client(httpserver).search("spine", max_results=max_results)
    assert httpserver.log == []
