"""Comment text: plain text in, safe HTML out.

Framework-free on purpose (tested on strings alone). Members type plain text; it is
stored raw and rendered here, once per save, into a small HTML fragment:

* every character is escaped; nothing the member typed is ever taken as markup;
* blank lines separate paragraphs (``<p>``), single line breaks become ``<br>``;
* ``http://`` and ``https://`` URLs (and ``www.`` addresses) become links with
  ``rel="nofollow ugc noopener"``; any other scheme (``javascript:``, ``data:`` ...)
  stays text;
* ``@username`` becomes a link to the member's profile, for existing members only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

# Django's usernames: letters, digits and @ . + - _ ; a mention never ends in "." or "-".
_MENTION = r"(?<![\w@./+-])@(?P<mention>[\w.+-]*[\w+])"
_URL = r"(?P<url>\b(?:https?://|www\.)[^\s<>\"'`]+)"
TOKEN = re.compile(f"{_URL}|{_MENTION}", re.IGNORECASE | re.UNICODE)
PARAGRAPH_BREAK = re.compile(r"\n[ \t\f\v]*\n\s*")
# Characters a URL in prose usually ends on but that belong to the sentence.
TRAILING = ".,;:!?*'\"»”’"
OPENING = {")": "(", "]": "["}
LINK_REL = "nofollow ugc noopener"
MAX_URL_TEXT = 80


def normalise(text: str) -> str:
    """What is stored: Unix newlines, no surrounding blank space, no other control
    characters than newline and tab."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or ch >= " " and ch != "\x7f")
    return text.strip()


def mentioned_usernames(text: str) -> list[str]:
    """The ``@names`` in ``text`` (outside URLs), in order, without repeats."""
    names: list[str] = []
    for match in TOKEN.finditer(text):
        name = match.group("mention")
        if name and name.lower() not in (n.lower() for n in names):
            names.append(name)
    return names


def render(text: str, *, profile_url: Callable[[str], str | None]) -> str:
    """Render ``text`` as safe HTML.

    ``profile_url(name)`` returns the profile URL of the member called ``name`` (any
    case), or None when there is no such member: only real members are linked.
    """
    text = normalise(text)
    if not text:
        return ""
    paragraphs = PARAGRAPH_BREAK.split(text)
    return "".join(
        "<p>" + "<br>".join(_render_line(line, profile_url) for line in p.split("\n")) + "</p>"
        for p in paragraphs
        if p.strip()
    )


def _render_line(line: str, profile_url: Callable[[str], str | None]) -> str:
    out: list[str] = []
    position = 0
    for match in TOKEN.finditer(line):
        out.append(escape(line[position : match.start()]))
        if match.group("url"):
            url, rest = _split_url(match.group("url"))
            out.append(_link(url))
            out.append(escape(rest))
        else:
            name = match.group("mention")
            href = profile_url(name)
            if href:
                out.append(f'<a class="mention" href="{escape(href)}">@{escape(name)}</a>')
            else:
                out.append(escape(match.group(0)))
        position = match.end()
    out.append(escape(line[position:]))
    return "".join(out)


def _split_url(candidate: str) -> tuple[str, str]:
    """Split the sentence's punctuation (and unbalanced closing brackets) off a URL."""
    url = candidate
    while url:
        last = url[-1]
        unbalanced = last in ")]" and url.count(OPENING[last]) < url.count(last)
        if last not in TRAILING and not unbalanced:
            break
        url = url[:-1]
    return url, candidate[len(url) :]


def _link(url: str) -> str:
    href = url if url.lower().startswith(("http://", "https://")) else "https://" + url
    shown = url if len(url) <= MAX_URL_TEXT else url[: MAX_URL_TEXT - 1] + "…"
    return f'<a href="{escape(href)}" rel="{LINK_REL}">{escape(shown)}</a>'


def profile_lookup(
    existing: dict[str, str], url_for: Callable[[str], str]
) -> Callable[[str], str | None]:
    """A ``profile_url`` for :func:`render` from ``existing`` (lower-cased name → the
    member's real username)."""

    def lookup(name: str) -> str | None:
        username = existing.get(name.lower())
        return url_for(username) if username else None

    return lookup
