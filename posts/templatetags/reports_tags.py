"""How many reports wait for a decision, for people who work the queue."""

from django import template
from django.urls import reverse

from posts.models import Report

register = template.Library()


def open_report_count(user) -> int | None:
    """The number of open reports, or None for anyone who cannot see the queue.

    One indexed COUNT, only for staff with the permission (never on a member's page)."""
    if not (user.is_authenticated and user.is_staff and user.has_perm("posts.view_report")):
        return None
    return Report.objects.open().count()


@register.inclusion_tag("admin/posts/report/_queue_link.html", takes_context=True)
def report_queue_link(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    count = open_report_count(user) if user is not None else None
    return {"count": count, "url": reverse("admin:posts_report_changelist")}


@register.inclusion_tag("posts/reports/_staff_link.html", takes_context=True)
def staff_admin_link(context):
    """The header's Admin link for staff, with the open reports waiting for them."""
    user = context["user"]
    return {"count": open_report_count(user), "url": reverse("admin:index")}
