from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from posts.comment_forms import CommentForm
from posts.models import Post
from posts.selectors import discussed_posts, discussion_page, following_posts, with_member_state
from posts.services.viewing import post_view_record
from posts.views.badges import post_badge_snippet
from posts.visitors import visitor_from_request


def _page(request, queryset):
    paginator = Paginator(queryset, settings.POSTS_PER_PAGE)
    # get_page() turns junk, zero and out-of-range numbers into a real page.
    return paginator.get_page(request.GET.get("page"))


def _feed(request, posts, view: str):
    return render(request, "posts/home.html", {"page_obj": _page(request, posts), "view": view})


@require_safe
def home(request):
    posts = Post.objects.visible_to(request.user).select_related("posted_by")
    return _feed(request, posts, "latest")


@require_safe
def discussed(request):
    """Posts with the most recent discussion first."""
    return _feed(request, discussed_posts(request.user), "discussed")


@login_required
@require_safe
def following(request):
    """Posts that members you follow posted, commented on or liked."""
    return _feed(request, following_posts(request.user), "following")


@require_safe
def detail(request, pk: int, slug: str | None = None):
    """A post and one page of its discussion.

    Visitors get the same HTML whoever they are (no form, no token, no per-visitor
    state), so it can be cached; members get their likes, saves, follows and forms.
    """
    posts = (
        Post.objects.readable_by(request.user)
        .select_related("posted_by")
        .prefetch_related("posted_by__member_badges")
    )
    post = get_object_or_404(with_member_state(posts, request.user), pk=pk)
    if slug != post.slug:
        return redirect(post, permanent=True)
    if request.method == "GET":
        visitor = visitor_from_request(request)
        if visitor is not None and post_view_record(post=post, visitor=visitor):
            post.view_count += 1  # what the page shows; the database was updated with F()
    context = {
        "post": post,
        "discussion": discussion_page(post=post, user=request.user, page=request.GET.get("page")),
        "badge_snippet": "" if post.is_hidden else post_badge_snippet(request, post),
        "related": list(Post.objects.related_to(post, limit=settings.RELATED_POSTS)),
        "is_poster": request.user.is_authenticated and post.posted_by_id == request.user.pk,
    }
    if request.user.is_authenticated:
        context["comment_form"] = CommentForm()
    return render(request, "posts/detail.html", context)


@require_safe
def by_pmid(request, pmid: int):
    post = get_object_or_404(Post.objects.visible_to(request.user).only("pk", "slug"), pmid=pmid)
    return redirect(post)
