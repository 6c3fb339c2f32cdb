from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from posts.comment_forms import CommentForm
from posts.models import Post
from posts.selectors import discussed_posts, discussion_page, following_posts, with_member_state
from posts.services.view_buffer import buffering, pending_views
from posts.services.viewing import post_id_view_record, post_view_record
from posts.views.badges import post_badge_snippet
from posts.visitors import visitor_from_request
from radrounds.pagecache import cache_for_visitors


def _page(request, queryset):
    paginator = Paginator(queryset, settings.POSTS_PER_PAGE)
    # get_page() turns junk, zero and out-of-range numbers into a real page.
    return paginator.get_page(request.GET.get("page"))


def _feed(request, posts, view: str):
    response = render(request, "posts/home.html", {"page_obj": _page(request, posts), "view": view})
    return cache_for_visitors(response) if view != "following" else response


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
        counted = visitor is not None and post_view_record(post=post, visitor=visitor)
        if counted and not buffering():
            post.view_count += 1  # what the page shows; the database was updated with F()
    if buffering():
        # Views counted in Redis and not yet flushed are shown too (the reader's own
        # included); waiting first, then stored: a flush in between is counted twice
        # for an instant, never missed.
        waiting = pending_views([post.pk]).get(post.pk, 0)
        post.view_count = _stored_views(post.pk) + waiting
    context = {
        "post": post,
        "discussion": discussion_page(post=post, user=request.user, page=request.GET.get("page")),
        "badge_snippet": "" if post.is_hidden else post_badge_snippet(request, post),
        "related": list(Post.objects.related_to(post, limit=settings.RELATED_POSTS)),
        "is_poster": request.user.is_authenticated and post.posted_by_id == request.user.pk,
    }
    if context["discussion"].open:
        context["comment_form"] = CommentForm()
    response = render(request, "posts/detail.html", context)
    if post.is_hidden:
        return response
    # Every visitor gets this HTML from the cache but the view count, which is counted
    # and filled in for each of them (visitor_view_count).
    return cache_for_visitors(
        response,
        fill="posts.views.reading.visitor_view_count",
        marker=_views_html(post.view_count),
        post_id=post.pk,
        posted_by_id=post.posted_by_id,
    )


def _views_html(count: int) -> str:
    return f'id="view-count">Views: {intcomma(count)}</p>'


def visitor_view_count(request, *, post_id: int, posted_by_id: int | None) -> str:
    """For a post page served from the cache: count this visitor's view, show the count."""
    request.user = AnonymousUser()  # no session cookie (radrounds.pagecache)
    visitor = visitor_from_request(request)
    if visitor is not None:
        post_id_view_record(post_id=post_id, posted_by_id=posted_by_id, visitor=visitor)
    waiting = pending_views([post_id]).get(post_id, 0)  # first, as in detail()
    return _views_html(_stored_views(post_id) + waiting)


def _stored_views(post_id: int) -> int:
    stored = Post.objects.filter(pk=post_id).order_by().values_list("view_count", flat=True)
    return next(iter(stored), 0)


@require_safe
def by_pmid(request, pmid: int):
    post = get_object_or_404(Post.objects.visible_to(request.user).only("pk", "slug"), pmid=pmid)
    return redirect(post)
