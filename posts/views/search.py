from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from posts.search import parse_query
from posts.search.forms import SearchForm
from posts.search.results import SORTS, run_search, suggestions

FILTER_PARAMS = ("journal", "year_from", "year_to", "type", "mesh", "keyword")


def _query_string(params: dict, **changes) -> str:
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return urlencode(merged)


@require_safe
def search(request):
    form = SearchForm(request.GET)
    form.is_valid()  # errors are shown beside their field; the rest still applies
    query = parse_query(form.raw_query())
    filters = form.filters()
    params = {
        name: request.GET.get(name, "")
        for name in ("q", *FILTER_PARAMS, "sort")
        if name not in form.errors
    }
    context = {
        "form": form,
        "query": query,
        "filters": filters,
        "sorts": SORTS,
        "params": params,
        "filter_querystring": _query_string(params, page=None),
    }
    if query.is_empty and not filters.any:
        context["suggestions"] = suggestions()
        return render(request, "posts/search.html", context)

    results = run_search(
        query,
        filters,
        sort=form.sort_key(),
        page=request.GET.get("page"),
        per_page=settings.POSTS_PER_PAGE,
    )
    context.update(
        results=results,
        page_obj=results.page_obj,
        # Links that drop one filter, for the "remove" chips.
        remove_links={
            name: "?" + _query_string(params, **{name: None}, page=None)
            for name in FILTER_PARAMS
            if params.get(name)
        },
        page_querystring=_query_string(params, page=None),
    )
    if not results.count:
        context["suggestions"] = suggestions()
    return render(request, "posts/search.html", context)
