"""Plain text with a little structure, for the admin-editable site pages.

Blank lines separate paragraphs, ``## `` starts a heading, ``- `` a list item, and
web addresses become links. Everything is escaped first: staff write text, not HTML.
"""

from django.utils.html import format_html, urlize
from django.utils.safestring import SafeString, mark_safe


def _inline(text: str) -> str:
    # urlize escapes what it does not turn into a link (autoescape=True).
    return urlize(text, nofollow=True, autoescape=True)


def render_page_text(body: str) -> SafeString:
    html: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            html.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            html.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for raw in body.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            html.append(str(format_html("<h2>{}</h2>", line[3:].strip())))
        elif line.startswith("- "):
            if paragraph:
                flush()
            items.append(line[2:].strip())
        elif items and raw.startswith("  "):
            items[-1] += " " + line  # a wrapped list item
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return mark_safe("\n".join(html))  # noqa: S308 - every piece is escaped above
