from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from posts.search import parse_query
from posts.search.forms import SearchForm
from posts.search.results import SORTS, run_search, suggestions
from radrounds.pagecache import cache_for_visitors

FILTER_PARAMS = ("journal", "year_from", "year_to", "type", "mesh", "keyword")


def _link(params: dict, **changes) -> str:
    """``?q=...`` for the current search with ``changes`` (None drops a parameter)."""
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return "?" + urlencode(merged)


@require_safe
def search(request):
    form = SearchForm(request.GET)
    form.is_valid()  # errors are shown beside the search; the rest still applies
    query = parse_query(form.raw_query())
    filters = form.filters()
    # What the reader asked for, minus anything invalid: the base of every link below.
    params = {
        name: request.GET.get(name, "").strip()
        for name in ("q", *FILTER_PARAMS, "sort")
        if name not in form.errors and request.GET.get(name, "").strip()
    }
    context = {"form": form, "query": query, "filters": filters, "params": params}
    if query.is_empty and not filters.any:
        context["suggestions"] = suggestions()
        return cache_for_visitors(render(request, "posts/search.html", context))

    results = run_search(
        query,
        filters,
        sort=form.sort_key(),
        page=request.GET.get("page"),
        per_page=settings.POSTS_PER_PAGE,
    )
    facet_param = {"mesh": "mesh", "journal": "journal", "type": "type"}
    current = {"mesh": filters.mesh, "journal": filters.journal, "type": filters.article_type}
    context.update(
        results=results,
        page_obj=results.page_obj,
        page_querystring=_link(params, page=None)[1:],
        sort_links=[
            (key, sort.label, _link(params, sort=key, page=None), key == results.sort)
            for key, sort in SORTS.items()
            if key != "relevance" or query.groups
        ],
        facet_links={
            name: [
                (
                    item,
                    _link(params, **{facet_param[name]: item.value}, page=None),
                    item.value.lower() == current[name].lower(),
                )
                for item in items
            ]
            for name, items in results.facets.items()
        },
        remove_links={
            name: _link(params, **{name: None}, page=None)
            for name in FILTER_PARAMS
            if name in params
        },
    )
    if not results.count:
        context["suggestions"] = suggestions()
    return cache_for_visitors(render(request, "posts/search.html", context))
