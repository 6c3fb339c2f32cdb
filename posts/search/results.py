"""A search as the page runs it: match, filter, count facets, sort, highlight one page.

Every step is a fixed number of SQL queries: the matching posts are one queryset (a join
with the full-text index), filters narrow it in SQL, and each facet is one aggregate
over it. Hidden posts are never matched, counted or suggested.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet

from posts.models import Post, PostTerm
from posts.search import backend
from posts.search.highlight import render_snippet
from posts.search.query import ParsedQuery

FACET_SIZE = {"journal": 8, "type": 8, "mesh": 12}


@dataclass(frozen=True)
class Sort:
    label: str
    order_by: tuple[str, ...]  # ("search_rank", ...) only when there are words to rank by


# The reader's choices, in menu order. One line per option: "Most discussed" is added
# here (order by "-comment_count") when discussion lands.
SORTS: dict[str, Sort] = {
    "relevance": Sort("Best match", ("search_rank", "-created_at", "-id")),
    "newest": Sort("Newest", ("-created_at", "-id")),
    "views": Sort("Most viewed", ("-view_count", "-created_at", "-id")),
}
DEFAULT_SORT = "relevance"


@dataclass(frozen=True)
class Filters:
    journal: str = ""
    year_from: int | None = None
    year_to: int | None = None
    article_type: str = ""
    mesh: str = ""
    keyword: str = ""

    @property
    def any(self) -> bool:
        return bool(
            self.journal
            or self.year_from
            or self.year_to
            or self.article_type
            or self.mesh
            or self.keyword
        )

    def apply(self, posts: QuerySet) -> QuerySet:
        if self.journal:
            posts = posts.filter(journal_abbrev=self.journal)
        if self.year_from:
            posts = posts.filter(pub_year__gte=self.year_from)
        if self.year_to:
            posts = posts.filter(pub_year__lte=self.year_to)
        for kind, value in (
            (PostTerm.Kind.TYPE, self.article_type),
            (PostTerm.Kind.MESH, self.mesh),
            (PostTerm.Kind.KEYWORD, self.keyword),
        ):
            if value:
                posts = posts.filter(
                    Exists(
                        PostTerm.objects.filter(
                            post=OuterRef("pk"), kind=kind, key=" ".join(value.lower().split())
                        )
                    )
                )
        return posts


@dataclass(frozen=True)
class Facet:
    value: str
    count: int


@dataclass
class SearchResults:
    query: ParsedQuery
    filters: Filters
    sort: str
    page_obj: Page
    facets: dict[str, list[Facet]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return self.page_obj.paginator.count


def matching_posts(query: ParsedQuery, filters: Filters) -> QuerySet:
    """Visible posts that match the words (if any) and the filters; unordered."""
    posts = Post.objects.visible()
    if query.pmid:
        posts = posts.filter(pmid=query.pmid)
    elif query.doi:
        posts = posts.filter(doi__iexact=query.doi)
    elif query.groups:
        posts = backend().matching(posts, query)
    return filters.apply(posts)


def _facets(posts: QuerySet) -> dict[str, list[Facet]]:
    """Counts per journal, article type and MeSH term among ``posts``: one query each.

    Aggregated on ``posts`` itself (joins, not ``pk IN (subquery)``), because the
    full-text match is raw SQL that names the ``posts_post`` table.
    """
    journals = (
        posts.exclude(journal_abbrev="")
        .values_list("journal_abbrev")
        .annotate(n=Count("pk"))
        .order_by("-n", "journal_abbrev")[: FACET_SIZE["journal"]]
    )
    facets = {"journal": [Facet(value, n) for value, n in journals]}
    for name, kind in (("type", PostTerm.Kind.TYPE), ("mesh", PostTerm.Kind.MESH)):
        # Topics the articles are about (MeSH major topics) before check tags such as
        # "Humans" or "Male" that nearly every record carries.
        rows = (
            posts.filter(terms__kind=kind)
            .values_list("terms__key")
            .annotate(
                n=Count("pk", distinct=True),
                label=Min("terms__value"),
                major=Count("pk", filter=Q(terms__major=True), distinct=True),
            )
            .order_by("-major", "-n", "terms__key")[: FACET_SIZE[name]]
        )
        facets[name] = [Facet(label, n) for _key, n, label, _major in rows]
    return facets


def run_search(
    query: ParsedQuery, filters: Filters, *, sort: str, page: str | None, per_page: int
) -> SearchResults:
    posts = matching_posts(query, filters)
    if sort not in SORTS or (sort == "relevance" and not query.groups):
        sort = DEFAULT_SORT if query.groups else "newest"
    ordered = posts.select_related("posted_by").order_by(*SORTS[sort].order_by)
    page_obj = Paginator(ordered, per_page).get_page(page)
    results = SearchResults(query=query, filters=filters, sort=sort, page_obj=page_obj)
    if query.groups and page_obj.object_list:
        with connection.cursor() as cursor:
            snippets = backend().snippets(cursor, query, [post.pk for post in page_obj])
        for post in page_obj:
            post.search_snippet = render_snippet(snippets.get(post.pk, ""))
    if results.count:
        results.facets = _facets(posts)
    return results


def suggestions(limit: int = 8) -> list[Facet]:
    """The MeSH major topics most visible posts share: searches that always find posts."""
    rows = (
        PostTerm.objects.filter(kind=PostTerm.Kind.MESH, major=True, post__is_hidden=False)
        .values_list("key")
        .annotate(n=Count("post", distinct=True), label=Min("value"))
        .order_by("-n", "key")[:limit]
    )
    return [Facet(label, n) for _key, n, label in rows]
