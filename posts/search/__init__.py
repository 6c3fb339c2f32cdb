"""Finding posts: one interface, two engines.

SQLite (the default) uses an FTS5 table (``sqlite.py``); PostgreSQL a weighted
``tsvector`` with a GIN index (``postgres.py``). Both index the same plain-text columns
(``documents.py``), run the same parsed query (``query.py``, with the curated synonyms of
``synonyms.txt``) and are kept in step by ``posts.services.search_index``. An engine
answers three questions: which posts match, best first (``ranked_ids``); a passage of
each with the matches marked (``snippets``); and how to hand a list of ids back to SQL
(``id_list``). Filters, facet counts and sorting (``results.py``) are ordinary ORM
queries on top, so the search page runs a fixed number of queries however many results
or filters it shows.
"""

from django.db import connection

from posts.search.postgres import PostgresBackend
from posts.search.query import ParsedQuery, parse_query
from posts.search.sqlite import SqliteBackend


def backend(using=None) -> SqliteBackend | PostgresBackend:
    """The engine for the database in use (or for the connection ``using``)."""
    vendor = (using or connection).vendor
    return PostgresBackend() if vendor == "postgresql" else SqliteBackend()


__all__ = ["ParsedQuery", "backend", "parse_query"]
