"""A search as the page runs it: match, filter, count facets, sort, highlight one page.

Every step is a fixed number of SQL queries, whatever the number of results or filters:
the full-text index is asked once for the matching posts (best first), filters narrow
them in SQL, and each facet is one aggregate over the result. Hidden posts are never
matched, counted or suggested.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, IntegerField, Min, QuerySet, Sum
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


# The reader's choices, in menu order. One line per option; "Most discussed" is one
# more line when discussion lands (with an index on the field, like "most viewed"):
#     "discussed": Sort("Most discussed", ("-comment_count", "-created_at", "-id")),
SORTS: dict[str, Sort] = {
    "relevance": Sort("Best match", ("search_rank", "-created_at", "-id")),
    "newest": Sort("Newest", ("-created_at", "-id")),
    "views": Sort("Most viewed", ("-view_count", "-created_at", "-id")),
    "discussed": Sort("Most discussed", ("-comment_count", "-created_at", "-id")),
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
                # The posts with that term, found once from the (key, kind) index.
                key = " ".join(value.lower().split())
                posts = posts.filter(
                    pk__in=PostTerm.objects.filter(kind=kind, key=key).values("post_id")
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


def _term_facets(post_ids) -> dict[str, list[Facet]]:
    """Counts per article type and MeSH term among ``post_ids``: one query each.

    A post has each term once (unique constraint), so counting rows counts posts. MeSH
    descriptors and article types are NLM's own names, written one way, so grouping by
    the value lets the covering index (post, kind, value, major) answer alone. Topics the
    articles are about (major topics) come before check tags such as "Humans".
    """
    facets = {}
    for name, kind in (("type", PostTerm.Kind.TYPE), ("mesh", PostTerm.Kind.MESH)):
        rows = (
            PostTerm.objects.filter(kind=kind, post_id__in=post_ids)
            .values_list("value")
            .annotate(n=Count("post_id"), major=Sum(Cast("major", IntegerField())))
            .order_by("-major", "-n", "value")[: FACET_SIZE[name]]
        )
        facets[name] = [Facet(value, n) for value, n, _major in rows]
    return facets


def _journal_facet(rows: list[tuple[int, str]]) -> list[Facet]:
    counts = Counter(journal for _pk, journal in rows if journal)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [Facet(journal, n) for journal, n in ordered[: FACET_SIZE["journal"]]]


def run_search(
    query: ParsedQuery, filters: Filters, *, sort: str, page: str | None, per_page: int
) -> SearchResults:
    """One page of results with facet counts, in seven queries at most, whatever the size.

    The full-text index is asked once for every matching post, best first; one query then
    keeps those that are visible and pass the filters (and gives the journal counts); the
    page (ordered by rank, or by the database for the other sorts), the snippets and the
    two term facets work on that id list.
    """
    if sort not in SORTS or (sort == "relevance" and not query.groups):
        sort = DEFAULT_SORT if query.groups else "newest"
    engine = backend()
    posts = _filtered_posts(query, filters)
    ranked: list[int] | None = None
    if query.groups:
        with connection.cursor() as cursor:
            ranked = engine.ranked_ids(cursor, query)
        posts = posts.filter(pk__in=engine.id_list(ranked))
    rows = list(posts.order_by().values_list("pk", "journal_abbrev"))
    allowed = [pk for pk, _journal in rows]
    allowed_sql = engine.id_list(allowed)  # serialised once, used by three queries

    if sort == "relevance":
        keep = set(allowed)
        paginator = Paginator([pk for pk in ranked if pk in keep], per_page)
    else:
        # Only the page's ids, ordered by the database (an index walk for "most viewed"),
        # so the matching posts are not read again in full just to be sorted.
        ordered = (
            Post.objects.filter(pk__in=allowed_sql)
            .order_by(*SORTS[sort].order_by)
            .values_list("pk", flat=True)
        )
        paginator = Paginator(ordered, per_page)
        paginator.count = len(allowed)
    page_obj = paginator.get_page(page)
    by_pk = Post.objects.select_related("posted_by").in_bulk(list(page_obj.object_list))
    page_obj.object_list = [by_pk[pk] for pk in page_obj.object_list if pk in by_pk]

    results = SearchResults(query=query, filters=filters, sort=sort, page_obj=page_obj)
    if query.groups and page_obj.object_list:
        with connection.cursor() as cursor:
            snippets = engine.snippets(cursor, query, [post.pk for post in page_obj])
        for post in page_obj:
            post.search_snippet = render_snippet(snippets.get(post.pk, ""))
    if allowed:
        results.facets = {"journal": _journal_facet(rows), **_term_facets(allowed_sql)}
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
