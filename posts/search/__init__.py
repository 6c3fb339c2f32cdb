"""Finding posts: one interface, two engines.

SQLite (the default) uses an FTS5 table (``sqlite.py``); PostgreSQL a weighted
``tsvector`` with a GIN index (``postgres.py``). Both index the same plain-text columns
(``documents.py``), run the same parsed query (``query.py``, with the curated synonyms of
``synonyms.txt``) and are kept in step by ``posts.services.search_index``. An engine
answers four questions: which posts match (``matching``, as a queryset filter), and
best first (``ranked_ids``); a passage of
each with the matches marked (``snippets``); and how to hand a list of ids back to SQL
(``id_list``). Filters, facet counts and sorting (``results.py``) are ordinary ORM
queries on top, so the search page runs a fixed number of queries however many results
or filters it shows.
"""

from django.db import connection

from posts.search.postgres import PostgresBackend
from posts.search.query import ParsedQuery, parse_query
from posts.search.sqlite import SqliteBackend

# The names the first search module had, for callers that only need matching posts
# (feeds): ``SearchQuery.parse(text)`` and ``search_posts(query, user=...)``.
SearchQuery = ParsedQuery


def search_posts(query: ParsedQuery, *, user=None):
    """Visible posts matching ``query`` (words, or a PMID/DOI), as an unordered queryset.

    For callers that need the posts and not the search page (feeds, exports). Hidden
    posts are never included, for staff either, as on the search page.
    """
    from posts.models import Post

    posts = Post.objects.visible()
    if query.pmid:
        return posts.filter(pmid=query.pmid)
    if query.doi:
        return posts.filter(doi__iexact=query.doi)
    if not query.groups:
        return posts.none()
    return backend().matching(posts, query)


def backend(using=None) -> SqliteBackend | PostgresBackend:
    """The engine for the database in use (or for the connection ``using``)."""
    vendor = (using or connection).vendor
    return PostgresBackend() if vendor == "postgresql" else SqliteBackend()


__all__ = ["ParsedQuery", "SearchQuery", "backend", "parse_query", "search_posts"]
