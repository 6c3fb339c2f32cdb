"""RSS and Atom feeds of the newest visible posts: all, matching a search, or one MeSH term.

``/feed/rss/``, ``/feed/atom/``; add ``?q=words`` (same rules as the search page) or
``?mesh=Low Back Pain`` (posts indexed with that MeSH descriptor).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from posts.models import Post
from posts.search import SearchQuery, search_posts

ITEMS = 30
# How many newest candidates a MeSH feed looks through (a text pre-filter narrows them).
MESH_CANDIDATES = 500


@dataclass(frozen=True)
class FeedFilter:
    query: SearchQuery
    mesh: str

    @property
    def querystring(self) -> str:
        params = {}
        if self.query.terms:
            params["q"] = self.query.text
        if self.mesh:
            params["mesh"] = self.mesh
        return urlencode(params)


class LatestPostsRss(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, *args, **kwargs):
        return FeedFilter(
            query=SearchQuery.parse(request.GET.get("q", "")),
            mesh=" ".join(request.GET.get("mesh", "").split())[:200],
        )

    def title(self, obj):
        if obj.mesh:
            return f"{settings.SITE_NAME}: posts on {obj.mesh}"
        if obj.query.terms:
            return f"{settings.SITE_NAME}: posts matching “{obj.query.text}”"
        return f"{settings.SITE_NAME}: latest posts"

    def link(self, obj):
        if obj.query.terms:
            return reverse("posts:search") + "?" + urlencode({"q": obj.query.text})
        return reverse("posts:home")

    def description(self, obj):
        return "Research abstracts from PubMed, posted for radiologists to read and discuss."

    def subtitle(self, obj):
        return self.description(obj)

    def items(self, obj):
        if obj.query.terms:
            posts = search_posts(obj.query, user=AnonymousUser()).order_by("-created_at", "-id")
        else:
            posts = Post.objects.visible()
        if not obj.mesh:
            return list(posts[:ITEMS])
        wanted = obj.mesh.casefold()
        # search_document holds every descriptor lower-cased: a cheap pre-filter, then
        # an exact match on the descriptor itself.
        candidates = posts.filter(search_document__contains=wanted.lower())[:MESH_CANDIDATES]
        matching = [
            post
            for post in candidates
            if any(m.get("descriptor", "").casefold() == wanted for m in post.mesh_terms)
        ]
        return matching[:ITEMS]

    def item_title(self, item):
        return item.title_text

    def item_description(self, item):
        parts = [item.author_line, item.citation, item.abstract_text]
        return "\n\n".join(p for p in parts if p)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        names = item.author_names
        if len(names) > 6:
            return ", ".join(names[:6]) + ", et al."
        return ", ".join(names) or None

    def item_categories(self, item):
        return [m["descriptor"] for m in item.mesh_terms if m.get("descriptor")]


class LatestPostsAtom(LatestPostsRss):
    feed_type = Atom1Feed
