"""Inline markup that PubMed titles and abstracts carry (``<i>``, ``<sup>`` ...).

Framework-free on purpose: the PubMed parser and the templates share it. Text is
stored as a small HTML fragment; ``sanitize_inline`` keeps only allow-listed tags,
with no attributes, and escapes everything else, so a fragment that went through it
is safe to render whatever wrote it (a PubMed record or an admin by hand).
"""

from html import escape
from html.parser import HTMLParser

ALLOWED_TAGS = frozenset({"i", "b", "u", "sup", "sub", "em", "strong"})


class _InlineSanitiser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ALLOWED_TAGS:
            self.out.append(f"<{tag}>")
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass  # <br/>, <img/> ...: nothing inline we keep is self-closing

    def handle_endtag(self, tag):
        if tag in self.open:
            # Close anything left open inside it, so the fragment stays balanced.
            while self.open:
                inner = self.open.pop()
                self.out.append(f"</{inner}>")
                if inner == tag:
                    break

    def handle_data(self, data):
        self.out.append(escape(data, quote=False))

    def result(self) -> str:
        self.close()
        while self.open:
            self.out.append(f"</{self.open.pop()}>")
        return "".join(self.out)


def sanitize_inline(fragment: str) -> str:
    """Return ``fragment`` with only allow-listed inline tags kept and all text escaped."""
    if not fragment:
        return ""
    parser = _InlineSanitiser()
    parser.feed(fragment)
    return parser.result()


class _TextOnly(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(fragment: str) -> str:
    """The fragment's text with every tag removed and entities decoded."""
    if not fragment:
        return ""
    if "<" not in fragment and "&" not in fragment:
        return fragment
    parser = _TextOnly()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.parts)
