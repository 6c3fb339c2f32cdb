"""A search as the page runs it: match, filter, count facets, sort, highlight one page.

Every step is a fixed number of SQL queries: the matching posts are one queryset (a join
with the full-text index), filters narrow it in SQL, and each facet is one aggregate
over it. Hidden posts are never matched, counted or suggested.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, IntegerField, Min, OuterRef, QuerySet, Sum
from django.db.models.functions import Cast

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


def _filtered_posts(query: ParsedQuery, filters: Filters) -> QuerySet:
    """Visible posts passing the filters (and the PMID/DOI of a lookup); no words yet."""
    posts = Post.objects.visible()
    if query.pmid:
        posts = posts.filter(pmid=query.pmid)
    elif query.doi:
        posts = posts.filter(doi__iexact=query.doi)
    return filters.apply(posts)


def matching_posts(query: ParsedQuery, filters: Filters) -> QuerySet:
    """Visible posts that match the words (if any) and the filters; unordered."""
    posts = _filtered_posts(query, filters)
    return backend().matching(posts, query) if query.groups else posts


def _journal_counts(posts: QuerySet) -> tuple[int, list[Facet]]:
    """How many posts match, and the journal facet: one GROUP BY gives both."""
    rows = list(
        posts.order_by().values_list("journal_abbrev").annotate(n=Count("pk")).order_by("-n")
    )
    total = sum(n for _journal, n in rows)
    journals = sorted(((j, n) for j, n in rows if j), key=lambda row: (-row[1], row[0]))
    return total, [Facet(j, n) for j, n in journals[: FACET_SIZE["journal"]]]


def _term_facets(posts: QuerySet) -> dict[str, list[Facet]]:
    """Counts per article type and MeSH term among ``posts``: one query each.

    A post has each term once (unique constraint), so COUNT(*) counts posts.
    """
    ids = posts.order_by().values("pk")
    facets = {}
    for name, kind in (("type", PostTerm.Kind.TYPE), ("mesh", PostTerm.Kind.MESH)):
        # Topics the articles are about (MeSH major topics) before check tags such as
        # "Humans" or "Male" that nearly every record carries.
        # MeSH descriptors and article types are NLM's own names, written one way, so
        # grouping by the value itself lets the covering index answer alone.
        rows = (
            PostTerm.objects.filter(kind=kind, post__in=ids)
            .values_list("value")
            .annotate(n=Count("post_id"), major=Sum(Cast("major", IntegerField())))
            .order_by("-major", "-n", "value")[: FACET_SIZE[name]]
        )
        facets[name] = [Facet(value, n) for value, n, _major in rows]
    return facets


def run_search(
    query: ParsedQuery, filters: Filters, *, sort: str, page: str | None, per_page: int
) -> SearchResults:
    if sort not in SORTS or (sort == "relevance" and not query.groups):
        sort = DEFAULT_SORT if query.groups else "newest"
    engine = backend()
    filtered = _filtered_posts(query, filters)
    posts = engine.matching(filtered, query) if query.groups else filtered
    total, journals = _journal_counts(posts)
    # The page: ranked by a join with the index (the words are matched by that join).
    ordered = filtered.select_related("posted_by")
    ordered = (
        engine.ranked(ordered, query) if sort == "relevance" else posts.select_related("posted_by")
    )
    paginator = Paginator(ordered.order_by(*SORTS[sort].order_by), per_page)
    paginator.count = total
    page_obj = paginator.get_page(page)
    results = SearchResults(query=query, filters=filters, sort=sort, page_obj=page_obj)
    if query.groups and page_obj.object_list:
        with connection.cursor() as cursor:
            snippets = engine.snippets(cursor, query, [post.pk for post in page_obj])
        for post in page_obj:
            post.search_snippet = render_snippet(snippets.get(post.pk, ""))
    if total:
        results.facets = {"journal": journals, **_term_facets(posts)}
    return results


SUGGESTIONS_CACHE_KEY = "search:suggestions"


def suggestions(limit: int = 8) -> list[Facet]:
    """The MeSH major topics most visible posts share: searches that always find posts.

    Cached in the shared cache; every write to the index clears it
    (``posts.services.search_index``), so a suggestion never outlives its posts.
    """
    cached = cache.get(SUGGESTIONS_CACHE_KEY)
    if cached is not None:
        return cached[:limit]
    rows = (
        PostTerm.objects.filter(kind=PostTerm.Kind.MESH, major=True, post__is_hidden=False)
        .values_list("key")
        .annotate(n=Count("pk"), label=Min("value"))
        .order_by("-n", "key")[:SUGGESTIONS_CACHED]
    )
    found = [Facet(label, n) for _key, n, label in rows]
    cache.set(SUGGESTIONS_CACHE_KEY, found, timeout=SUGGESTIONS_TTL)
    return found[:limit]


SUGGESTIONS_CACHED = 20
SUGGESTIONS_TTL = 60 * 60
