"""PostgreSQL: a generated, weighted ``tsvector`` with a GIN index, ranked by ``ts_rank_cd``.

Weights: title and PMID/DOI ``A``, MeSH terms and keywords ``B``, authors and journal
``C``, abstract ``D``. Every piece of the query goes through ``websearch_to_tsquery`` as a
bound parameter (stemmed with the ``english`` configuration), so no input can break it.
"""

from __future__ import annotations

from posts.search.documents import COLUMNS, MARK_END, MARK_START, SearchDocument, best_snippet
from posts.search.query import Alternative, ParsedQuery, Term

TABLE = "posts_post_search"
CONFIG = "english"

CREATE = [
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        post_id bigint PRIMARY KEY REFERENCES posts_post (id) ON DELETE CASCADE
            DEFERRABLE INITIALLY DEFERRED,
        {", ".join(f"{column} text NOT NULL DEFAULT ''" for column in COLUMNS)},
        document tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('{CONFIG}', title), 'A')
            || setweight(to_tsvector('simple', ids), 'A')
            || setweight(to_tsvector('{CONFIG}', terms), 'B')
            || setweight(to_tsvector('{CONFIG}', authors), 'C')
            || setweight(to_tsvector('{CONFIG}', journal), 'C')
            || setweight(to_tsvector('{CONFIG}', abstract), 'D')
        ) STORED
    )""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_document ON {TABLE} USING GIN (document)",
]
DROP = [f"DROP TABLE IF EXISTS {TABLE}"]
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
                f"INSERT INTO {TABLE} (post_id, {', '.join(COLUMNS)}) VALUES "
                f"(%s, {', '.join(['%s'] * len(COLUMNS))}) ON CONFLICT (post_id) DO UPDATE SET "
                + ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS),
                [(pk, *document.values()) for pk, document in rows],
            )

    def delete(self, cursor, post_ids: list[int]) -> None:
        if post_ids:
            cursor.execute(f"DELETE FROM {TABLE} WHERE post_id = ANY(%s)", [list(post_ids)])

    def clear(self, cursor) -> None:
        cursor.execute(f"DELETE FROM {TABLE}")

    def indexed_ids(self, cursor) -> list[int]:
        cursor.execute(f"SELECT post_id FROM {TABLE} ORDER BY post_id")
        return [row[0] for row in cursor.fetchall()]

    def matching(self, queryset, query: ParsedQuery):
        """``queryset`` narrowed to posts matching ``query``, with ``search_rank`` (lower first)."""
        sql, params = tsquery(query)
        return queryset.extra(  # noqa: S610 - fixed SQL; the query's words are bound parameters
            select={"search_rank": f"-ts_rank_cd({TABLE}.document, {sql}, 1)"},
            select_params=params,
            tables=[TABLE],
            where=[f"{TABLE}.post_id = posts_post.id", f"{TABLE}.document @@ {sql}"],
            params=params,
        )

    def snippets(self, cursor, query: ParsedQuery, post_ids: list[int]) -> dict[int, str]:
        if not post_ids:
            return {}
        sql, params = tsquery(query)
        cursor.execute(
            f"SELECT post_id, ts_headline('{CONFIG}', abstract, q, %s), "
            f"ts_headline('{CONFIG}', terms, q, %s) "
            f"FROM {TABLE}, {sql} AS q WHERE post_id = ANY(%s)",
            [HEADLINE_OPTIONS, HEADLINE_OPTIONS, *params, list(post_ids)],
        )
        return {pk: best_snippet(*snippets) for pk, *snippets in cursor.fetchall()}
