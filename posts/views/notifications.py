"""The notifications page, email choices and the one-click unsubscribe."""

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from posts.comment_forms import EmailPreferencesForm
from posts.models import Notification, NotificationKind
from posts.services.notifications import (
    KIND_PHRASES,
    email_preferences_for,
    email_preferences_set,
    notifications_mark_read,
    unsubscribe_read,
)

NOTIFICATIONS_PER_PAGE = 30


@login_required
@require_safe
def index(request):
    """Lists notifications, unread ones marked; reading them is a POST (open or "mark all
    read"), because a GET never changes anything."""
    notifications = Notification.objects.filter(recipient=request.user).select_related(
        "actor", "post", "comment"
    )
    page_obj = Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "posts/notifications.html", {"page_obj": page_obj})


@login_required
@require_POST
def open_one(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications_mark_read(user=request.user, notification_ids=[notification.pk])
    if notification.comment_id:
        return redirect(notification.comment.get_absolute_url())
    return redirect(notification.post)


@login_required
@require_POST
def read_all(request):
    count = notifications_mark_read(user=request.user)
    messages.success(request, f"{count} notification{'' if count == 1 else 's'} marked read.")
    return redirect("posts:notifications")


@login_required
@require_POST
def email_settings(request):
    form = EmailPreferencesForm(request.POST, instance=email_preferences_for(user=request.user))
    if form.is_valid():
        email_preferences_set(
            user=request.user,
            choices={kind: form.cleaned_data[f"email_{kind}"] for kind in NotificationKind.values},
        )
        messages.success(request, "Your email choices were saved.")
    return redirect(reverse("accounts:settings") + "#email-notifications")


# RFC 8058: mail clients send the one-click POST without cookies or a CSRF token; the
# signed token is the authorisation. A GET only shows a confirmation button.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    found = unsubscribe_read(token)
    if found is None:
        return render(
            request, "posts/unsubscribe.html", {"invalid": True}, status=HTTPStatus.BAD_REQUEST
        )
    user_id, kinds = found
    member = get_user_model().objects.filter(pk=user_id).first()
    labels = [KIND_PHRASES[kind] for kind in kinds]
    context = {"member": member, "labels": labels, "token": token, "done": False}
    if member is None:
        context["gone"] = True
        return render(request, "posts/unsubscribe.html", context)
    if request.method == "POST":
        email_preferences_set(user=member, choices=dict.fromkeys(kinds, False))
        context["done"] = True
    return render(request, "posts/unsubscribe.html", context)
