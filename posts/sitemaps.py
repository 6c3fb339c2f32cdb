from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from posts.models import Post


class PostSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Post.objects.visible().only("pk", "slug", "title", "updated_at").order_by("-pk")

    def lastmod(self, post):
        return post.updated_at


class PageSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return ["posts:home", "accounts:directory", "badges:index", "terms", "privacy"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"posts": PostSitemap, "pages": PageSitemap}
