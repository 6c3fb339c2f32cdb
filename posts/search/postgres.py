"""PostgreSQL: a generated, weighted ``tsvector`` with a GIN index, ranked by ``ts_rank_cd``.

Weights: title and PMID/DOI ``A``, MeSH terms and keywords ``B``, authors and journal
``C``, abstract ``D``. Every piece of the query goes through ``websearch_to_tsquery`` as a
bound parameter (stemmed with the ``english`` configuration), so no input can break it.

The vector is written with each row from accent-folded text (``Nägele`` is found by
"nagele", as on SQLite; ``unaccent()`` cannot be used in an index expression). The text
columns beside it only feed ``ts_headline`` and hold the text HTML-escaped, because
``ts_headline`` drops anything that looks like a tag ("a <b> b" in an abstract).
"""

from __future__ import annotations

from html import escape, unescape

from django.db.models.expressions import RawSQL

from posts.search.documents import COLUMNS, MARK_END, MARK_START, SearchDocument, best_snippet
from posts.search.query import Alternative, ParsedQuery, Term, fold

TABLE = "posts_post_search"
CONFIG = "english"

CREATE = [
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        post_id bigint PRIMARY KEY,
        {", ".join(f"{column} text NOT NULL DEFAULT ''" for column in COLUMNS)},
        document tsvector NOT NULL
    )""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_document ON {TABLE} USING GIN (document)",
]
DROP = [f"DROP TABLE IF EXISTS {TABLE}"]
# The weighted vector, from the folded text of each column (parameters in COLUMNS order).
DOCUMENT = (
    f"setweight(to_tsvector('{CONFIG}', %s), 'A')"  # title
    f" || setweight(to_tsvector('{CONFIG}', %s), 'D')"  # abstract
    f" || setweight(to_tsvector('{CONFIG}', %s), 'C')"  # authors
    f" || setweight(to_tsvector('{CONFIG}', %s), 'B')"  # terms
    f" || setweight(to_tsvector('{CONFIG}', %s), 'C')"  # journal
    " || setweight(to_tsvector('simple', %s), 'A')"  # ids
)
HEADLINE_OPTIONS = (
    f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=36, MinWords=18, '
    'MaxFragments=2, FragmentDelimiter=" … "'
)


def _term(term: Term) -> tuple[str, list[str]]:
    if term.prefix:
        return "to_tsquery('simple', %s)", [f"{term.words[0]}:*"]
    text = " ".join(term.words)
    return f"websearch_to_tsquery('{CONFIG}', %s)", [f'"{text}"' if len(term.words) > 1 else text]


def _join(parts: list[tuple[str, list[str]]], operator: str) -> tuple[str, list[str]]:
    sql = "(" + f" {operator} ".join(p[0] for p in parts) + ")"
    return sql, [param for p in parts for param in p[1]]


def _alternative(alternative: Alternative) -> tuple[str, list[str]]:
    return _join([_term(t) for t in alternative], "&&")


def tsquery(query: ParsedQuery) -> tuple[str, list[str]]:
    """SQL for the query's ``tsquery`` and its parameters."""
    groups = [_join([_alternative(a) for a in group], "||") for group in query.groups]
    sql, params = _join(groups, "&&")
    if query.excluded:
        excluded_sql, excluded_params = _join([_term(t) for t in query.excluded], "||")
        sql, params = f"({sql} && !!{excluded_sql})", params + excluded_params
    return sql, params


class PostgresBackend:
    vendor = "postgresql"

    def write(self, cursor, rows: list[tuple[int, SearchDocument]]) -> None:
        if rows:
            cursor.executemany(
                f"INSERT INTO {TABLE} (post_id, {', '.join(COLUMNS)}, document) VALUES "
                f"(%s, {', '.join(['%s'] * len(COLUMNS))}, {DOCUMENT}) "
                "ON CONFLICT (post_id) DO UPDATE SET "
                + ", ".join(f"{c} = EXCLUDED.{c}" for c in (*COLUMNS, "document")),
                [
                    (
                        pk,
                        *(escape(value, quote=False) for value in document.values()),
                        *(fold(value) for value in document.values()),
                    )
                    for pk, document in rows
                ],
            )

    def delete(self, cursor, post_ids: list[int]) -> None:
        if post_ids:
            cursor.execute(f"DELETE FROM {TABLE} WHERE post_id = ANY(%s)", [list(post_ids)])

    def clear(self, cursor) -> None:
        cursor.execute(f"DELETE FROM {TABLE}")

    def prune(self, cursor) -> None:
        cursor.execute(f"DELETE FROM {TABLE} WHERE post_id NOT IN (SELECT id FROM posts_post)")

    def indexed_ids(self, cursor) -> list[int]:
        cursor.execute(f"SELECT post_id FROM {TABLE} ORDER BY post_id")
        return [row[0] for row in cursor.fetchall()]

    def matching(self, queryset, query: ParsedQuery):
        """``queryset`` narrowed to posts matching ``query`` (the GIN index answers it)."""
        sql, params = tsquery(query)
        return queryset.filter(
            pk__in=RawSQL(f"SELECT post_id FROM {TABLE} WHERE document @@ {sql}", params)
        )

    def ranked_ids(self, cursor, query: ParsedQuery) -> list[int]:
        """Every matching post, best first (``ts_rank_cd`` with the column weights)."""
        sql, params = tsquery(query)
        cursor.execute(
            f"SELECT post_id FROM {TABLE}, (SELECT {sql} AS q) AS query WHERE document @@ q "
            "ORDER BY ts_rank_cd(document, q, 1) DESC, post_id DESC",
            params,
        )
        return [row[0] for row in cursor.fetchall()]

    @staticmethod
    def id_list(ids: list[int]) -> RawSQL:
        """Ids for ``pk__in=``: one array parameter, however many."""
        return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])

    def snippets(self, cursor, query: ParsedQuery, post_ids: list[int]) -> dict[int, str]:
        if not post_ids:
            return {}
        sql, params = tsquery(query)
        cursor.execute(
            f"SELECT post_id, ts_headline('{CONFIG}', abstract, q, %s), "
            f"ts_headline('{CONFIG}', terms, q, %s) "
            f"FROM {TABLE}, (SELECT {sql} AS q) AS query WHERE post_id = ANY(%s)",
            [HEADLINE_OPTIONS, HEADLINE_OPTIONS, *params, list(post_ids)],
        )
        return {
            pk: best_snippet(*(unescape(snippet) for snippet in snippets))
            for pk, *snippets in cursor.fetchall()
        }
