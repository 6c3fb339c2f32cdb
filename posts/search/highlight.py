"""Snippets with the matched words marked, built safely.

The backends return plain text with ``\\x02``/``\\x03`` around each match. The text is
escaped first and only then are the markers turned into ``<mark>``, so nothing from a
post (titles and abstracts may hold ``<`` and inline markup) can become HTML.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from posts.search.documents import MARK_END, MARK_START


def has_match(snippet: str) -> bool:
    return MARK_START in (snippet or "")


def render_snippet(snippet: str) -> SafeString:
    escaped = str(escape(snippet or ""))
    marked = escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    marked += "</mark>" * (marked.count("<mark>") - marked.count("</mark>"))
    return mark_safe(marked)  # noqa: S308 - escaped above; only our own <mark> tags added
