"""Comment pages and actions. Every change is a POST that redirects back (or answers
the page's script with JSON); every GET only shows."""

from http import HTTPStatus

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from posts.comment_forms import CommentForm, CommentHideForm
from posts.models import Comment, Post
from posts.selectors import annotate_for_viewer, comment_page_number
from posts.services.discussion import (
    RateLimited,
    comment_create,
    comment_delete,
    comment_edit,
    comment_hide,
    comments_unhide,
)
from posts.views.common import back, wants_json


def comment_location(comment: Comment) -> str:
    """The post page that shows ``comment``, scrolled to it."""
    page = comment_page_number(comment)
    query = f"?page={page}" if page > 1 else ""
    return f"{comment.post.get_absolute_url()}{query}#{comment.anchor}"


def _comment_for(request, pk: int) -> Comment:
    comments = Comment.objects.select_related("post", "parent", "author")
    comment = get_object_or_404(comments, pk=pk)
    if comment.post.is_hidden and not request.user.is_staff:
        raise Http404("No such comment.")
    return comment


@require_safe
def permalink(request, pk: int):
    """``/comments/<id>/``: the right page of the discussion, at the comment."""
    return redirect(comment_location(_comment_for(request, pk)))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def create(request, pk: int):
    post = get_object_or_404(Post.objects.visible_to(request.user), pk=pk)
    form = CommentForm(request.POST or None)
    return _submit(request, form, post=post, parent=None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reply(request, pk: int):
    parent = _comment_for(request, pk)
    author = parent.author.username if parent.author and parent.parent_id else ""
    initial = {"body": f"@{author} "} if author and author != request.user.username else {}
    form = CommentForm(request.POST or None, initial=initial, label="Your reply")
    return _submit(request, form, post=parent.post, parent=parent)


def _submit(request, form, *, post, parent):
    status = HTTPStatus.OK
    if request.method == "POST":
        status = HTTPStatus.BAD_REQUEST
        if form.is_valid():
            try:
                comment, _ = comment_create(
                    author=request.user,
                    post=post,
                    body=form.cleaned_data["body"],
                    parent=parent,
                    client_token=form.cleaned_data["client_token"],
                )
            except RateLimited as limit:
                form.add_error(None, limit.message)
                status = HTTPStatus.TOO_MANY_REQUESTS
            else:
                if wants_json(request):
                    return _comment_json(request, comment)
                return redirect(comment_location(comment))
    if wants_json(request):
        errors = [str(e) for errors in form.errors.values() for e in errors]
        return JsonResponse({"errors": errors}, status=status)
    return render(
        request,
        "posts/discussion/comment_form.html",
        {"form": form, "post": post, "parent": parent},
        status=status,
    )


def _comment_json(request, comment: Comment):
    comment.refresh_from_db()
    annotate_for_viewer(comment, request.user, liked=set(), taking_part=True)
    post = comment.post
    if comment.parent_id is None:
        html = render_to_string(
            "posts/discussion/_thread.html",
            {"thread": {"comment": comment, "replies": []}, "post": post},
            request=request,
        )
    else:
        html = render_to_string(
            "posts/discussion/_reply.html", {"comment": comment, "post": post}, request=request
        )
    count = Post.objects.values_list("comment_count", flat=True).get(pk=post.pk)
    return JsonResponse(
        {
            "id": comment.pk,
            "thread": comment.thread_id,
            "html": html,
            "count": count,
            "count_text": f"{count} comment{'' if count == 1 else 's'}",
            "token": str(CommentForm().initial["client_token"]),
        },
        status=HTTPStatus.CREATED,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, pk: int):
    comment = _comment_for(request, pk)
    if not comment.can_edit(request.user):
        raise PermissionDenied("You can edit your own comments for 15 minutes after posting.")
    form = CommentForm(request.POST or None, initial={"body": comment.body}, label="Your comment")
    if request.method == "POST" and form.is_valid():
        comment_edit(comment=comment, user=request.user, body=form.cleaned_data["body"])
        return redirect(comment_location(comment))
    status = HTTPStatus.BAD_REQUEST if request.method == "POST" else HTTPStatus.OK
    return render(
        request,
        "posts/discussion/comment_edit.html",
        {"form": form, "comment": comment, "post": comment.post},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request, pk: int):
    comment = _comment_for(request, pk)
    if not comment.can_delete(request.user):
        raise PermissionDenied("Only its author can delete a comment.")
    if request.method == "POST":
        post = comment.post
        gone = comment_delete(comment=comment, user=request.user)
        if gone:
            return redirect(post.get_absolute_url() + "#comments")
        return redirect(comment_location(comment))
    return render(
        request, "posts/discussion/comment_delete.html", {"comment": comment, "post": comment.post}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def hide(request, pk: int):
    if not request.user.has_perm("posts.hide_comment"):
        raise PermissionDenied("Only moderators can hide comments.")
    comment = _comment_for(request, pk)
    form = CommentHideForm(request.POST or None, initial={"reason": comment.hidden_reason})
    if request.method == "POST" and form.is_valid():
        comment_hide(comment=comment, by=request.user, reason=form.cleaned_data["reason"])
        return redirect(comment_location(comment))
    status = HTTPStatus.BAD_REQUEST if request.method == "POST" else HTTPStatus.OK
    return render(
        request,
        "posts/discussion/comment_hide.html",
        {"form": form, "comment": comment, "post": comment.post},
        status=status,
    )


@login_required
@require_POST
def unhide(request, pk: int):
    if not request.user.has_perm("posts.hide_comment"):
        raise PermissionDenied("Only moderators can unhide comments.")
    comment = _comment_for(request, pk)
    comments_unhide(comments=Comment.objects.filter(pk=comment.pk))
    return back(request, comment_location(comment), hidden=False)
