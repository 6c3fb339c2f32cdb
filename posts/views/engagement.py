"""Like, save and follow switches, and the lists they make (saved posts, feeds).

Each switch form posts the state the member wants (``state=on`` / ``off``), so a
double submit cannot undo itself.
"""

from http import HTTPStatus

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST, require_safe

from posts.models import Comment, Post
from posts.selectors import saved_posts
from posts.services.engagement import (
    comment_like_set,
    member_follow_set,
    post_follow_set,
    post_like_set,
    post_save_set,
)
from posts.templatetags.posts_tags import likes_label
from posts.views.common import back, json_error


def _wanted_state(request) -> bool:
    return request.POST.get("state", "on") != "off"


def _likes(count: int) -> str:
    return likes_label(count)


def _visible_post(request, pk: int) -> Post:
    return get_object_or_404(Post.objects.visible_to(request.user), pk=pk)


@login_required
@require_POST
def post_like(request, pk: int):
    post = _visible_post(request, pk)
    liked = _wanted_state(request)
    count = post_like_set(user=request.user, post=post, liked=liked)
    return back(
        request,
        post.get_absolute_url() + "#post-actions",
        active=liked,
        count=count,
        count_text=_likes(count),
    )


@login_required
@require_POST
def post_save(request, pk: int):
    post = _visible_post(request, pk)
    saved = post_save_set(user=request.user, post=post, saved=_wanted_state(request))
    return back(request, post.get_absolute_url() + "#post-actions", active=saved)


@login_required
@require_POST
def post_follow(request, pk: int):
    post = _visible_post(request, pk)
    following = post_follow_set(user=request.user, post=post, following=_wanted_state(request))
    return back(request, post.get_absolute_url() + "#post-actions", active=following)


@login_required
@require_POST
def comment_like(request, pk: int):
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    if comment.post.is_hidden and not request.user.is_staff:
        return json_error("No such comment.", HTTPStatus.NOT_FOUND)
    liked = _wanted_state(request)
    try:
        count = comment_like_set(user=request.user, comment=comment, liked=liked)
    except PermissionDenied as refused:
        if "application/json" in request.headers.get("Accept", ""):
            return json_error(str(refused), HTTPStatus.FORBIDDEN)
        raise
    from posts.views.discussion import comment_location

    return back(
        request, comment_location(comment), active=liked, count=count, count_text=_likes(count)
    )


@login_required
@require_POST
def member_follow(request, username: str):
    member = get_object_or_404(get_user_model().objects.members(), username=username)
    following = member_follow_set(
        follower=request.user, followed=member, following=_wanted_state(request)
    )
    return back(request, member.get_absolute_url(), active=following)


@login_required
@require_safe
def saved(request):
    page_obj = Paginator(saved_posts(request.user), settings.POSTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "posts/saved.html", {"page_obj": page_obj})
