from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from posts.models import Post
from posts.services.viewing import post_view_record
from posts.visitors import visitor_from_request


def _page(request, queryset):
    paginator = Paginator(queryset, settings.POSTS_PER_PAGE)
    # get_page() turns junk, zero and out-of-range numbers into a real page.
    return paginator.get_page(request.GET.get("page"))


@require_safe
def home(request):
    posts = Post.objects.visible_to(request.user).select_related("posted_by")
    return render(request, "posts/home.html", {"page_obj": _page(request, posts)})


@require_safe
def detail(request, pk: int, slug: str | None = None):
    post = get_object_or_404(
        Post.objects.visible_to(request.user).select_related("posted_by"), pk=pk
    )
    if slug != post.slug:
        return redirect(post, permanent=True)
    if request.method == "GET":
        visitor = visitor_from_request(request)
        if visitor is not None and post_view_record(post=post, visitor=visitor):
            post.view_count += 1  # what the page shows; the database was updated with F()
    related = list(Post.objects.related_to(post, limit=settings.RELATED_POSTS))
    return render(request, "posts/detail.html", {"post": post, "related": related})


@require_safe
def by_pmid(request, pmid: int):
    post = get_object_or_404(Post.objects.visible_to(request.user).only("pk", "slug"), pmid=pmid)
    return redirect(post)
