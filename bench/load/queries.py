"""Queries of one request per scenario, counted in-process before the server starts."""

from bench.load import UA


def query_counts(p, scenario_list) -> dict[str, dict[str, int]]:
    """Queries of one request per page as the bench makes it, and of a full render."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    counts = {}
    for scenario in scenario_list:
        path = scenario["paths"][0]
        headers = {"HTTP_USER_AGENT": UA, "HTTP_HOST": "127.0.0.1"}
        if "Cookie" in scenario.get("headers", {}):
            headers["HTTP_COOKIE"] = scenario["headers"]["Cookie"]
        if scenario.get("new_visitors"):
            headers["REMOTE_ADDR"] = "192.0.2.77"
            path = p["read"].get_absolute_url()  # not one of the counted posts
        client = Client()
        client.get(path, **headers)  # warm: the view is counted, the page cached
        with CaptureQueriesContext(connection) as served:
            client.get(path, **headers)
        with override_settings(PAGE_CACHE_SECONDS=0), CaptureQueriesContext(connection) as full:
            client.get(path, **headers)
        counts[scenario["key"]] = {"served": len(served), "rendered": len(full)}
    return counts
