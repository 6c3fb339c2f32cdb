"""SQLite: an FTS5 table with Porter stemming, ranked by bm25 with weighted columns."""

from __future__ import annotations

import json

from django.db.models.expressions import RawSQL

from posts.search.documents import COLUMNS, MARK_END, MARK_START, SearchDocument, best_snippet
from posts.search.query import Alternative, ParsedQuery, Term

TABLE = "posts_post_search"
# bm25 weights per column, in COLUMNS order: title and MeSH terms count most.
WEIGHTS = {"title": 10.0, "abstract": 1.0, "authors": 3.0, "terms": 5.0, "journal": 2.0, "ids": 1.0}
SNIPPET_WORDS = 36

CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    + ", ".join(COLUMNS)
    + ", tokenize = 'porter unicode61 remove_diacritics 2')"
]
DROP = [f"DROP TABLE IF EXISTS {TABLE}"]


def _term(term: Term) -> str:
    # Words are \w+ only, so a phrase in double quotes is always valid FTS5 syntax.
    phrase = '"' + " ".join(term.words).replace('"', '""') + '"' + ("*" if term.prefix else "")
    return f"{term.field} : {phrase}" if term.field else phrase


def _alternative(alternative: Alternative) -> str:
    return "(" + " AND ".join(_term(t) for t in alternative) + ")"


def match_expression(query: ParsedQuery) -> str:
    groups = ["(" + " OR ".join(_alternative(a) for a in group) + ")" for group in query.groups]
    expression = "(" + " AND ".join(groups) + ")"
    if query.excluded:
        expression += " NOT (" + " OR ".join(_term(t) for t in query.excluded) + ")"
    return expression


class SqliteBackend:
    vendor = "sqlite"

    def write(self, cursor, rows: list[tuple[int, SearchDocument]]) -> None:
        if rows:
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) VALUES "
                f"(%s, {', '.join(['%s'] * len(COLUMNS))})",
                [(pk, *document.values()) for pk, document in rows],
            )

    def delete(self, cursor, post_ids: list[int]) -> None:
        for start in range(0, len(post_ids), 500):
            chunk = post_ids[start : start + 500]
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})", chunk
            )

    def clear(self, cursor) -> None:
        cursor.execute(f"DELETE FROM {TABLE}")

    def prune(self, cursor) -> None:
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid NOT IN (SELECT id FROM posts_post)")

    def indexed_ids(self, cursor) -> list[int]:
        cursor.execute(f"SELECT rowid FROM {TABLE} ORDER BY rowid")
        return [row[0] for row in cursor.fetchall()]

    def matching(self, queryset, query: ParsedQuery):
        """``queryset`` narrowed to posts matching ``query`` (one self-contained subquery)."""
        expression = match_expression(query)
        return queryset.filter(
            pk__in=RawSQL(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [expression])
        )

    def ranked_ids(self, cursor, query: ParsedQuery) -> list[int]:
        """Every matching post, best first (bm25 with the column weights)."""
        weights = ", ".join(str(WEIGHTS[c]) for c in COLUMNS)
        cursor.execute(
            f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s "
            f"ORDER BY bm25({TABLE}, {weights}), rowid DESC",
            [match_expression(query)],
        )
        return [row[0] for row in cursor.fetchall()]

    @staticmethod
    def id_list(ids: list[int]) -> RawSQL:
        """Ids for ``pk__in=``: one JSON parameter, however many (SQLite caps parameters)."""
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(ids))])

    def snippets(self, cursor, query: ParsedQuery, post_ids: list[int]) -> dict[int, str]:
        """A passage of each post with the matches marked: the abstract, else the MeSH terms."""
        if not post_ids:
            return {}
        abstract, terms = COLUMNS.index("abstract"), COLUMNS.index("terms")
        cursor.execute(
            f"SELECT rowid, snippet({TABLE}, {abstract}, %s, %s, '…', {SNIPPET_WORDS}), "
            f"snippet({TABLE}, {terms}, %s, %s, '…', {SNIPPET_WORDS}) FROM {TABLE} "
            f"WHERE {TABLE} MATCH %s AND rowid IN ({', '.join(['%s'] * len(post_ids))})",
            [MARK_START, MARK_END, MARK_START, MARK_END, match_expression(query), *post_ids],
        )
        return {pk: best_snippet(*snippets) for pk, *snippets in cursor.fetchall()}
