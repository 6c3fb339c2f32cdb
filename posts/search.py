"""Finding posts by words. Portable across SQLite and PostgreSQL.

Every word must appear somewhere in the post (title, abstract, authors, journal,
MeSH terms, keywords, DOI or PMID). Posts whose title holds more of the words
rank first; ties go to the newest.
"""

import re
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When

from posts.models import Post

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
WORD = re.compile(r"\w[\w'-]*", re.UNICODE)


@dataclass(frozen=True)
class SearchQuery:
    text: str
    terms: tuple[str, ...]
    truncated: bool = False

    @classmethod
    def parse(cls, raw: str) -> "SearchQuery":
        raw = raw.replace("\x00", " ").strip()
        truncated = len(raw) > MAX_QUERY_LENGTH
        text = raw[:MAX_QUERY_LENGTH]
        terms: list[str] = []
        for word in WORD.findall(text.lower()):
            word = word.strip("'-")
            if word and word not in terms:
                terms.append(word)
        truncated = truncated or len(terms) > MAX_TERMS
        return cls(text=text, terms=tuple(terms[:MAX_TERMS]), truncated=truncated)


def search_posts(query: SearchQuery, *, user):
    posts = Post.objects.visible_to(user).select_related("posted_by")
    score = Value(0, output_field=IntegerField())
    for term in query.terms:
        # search_document is lower-cased in Python, so a case-sensitive match on
        # the lower-cased term is Unicode-aware on every database.
        posts = posts.filter(search_document__contains=term)
        score = score + Case(
            When(title__icontains=term, then=Value(3)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return posts.annotate(rank=score).order_by("-rank", "-created_at", "-id")
