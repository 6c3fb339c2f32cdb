"""Report an Issue: the report forms, the confirmation page and a member's own reports.

The forms are pages of their own (never embedded in the shared, cacheable pages), so
they carry a CSRF token and are never cached. Nobody sees anyone else's report here:
the confirmation page shows the report its own browser just sent, ``/reports/mine/``
the signed-in member's; everything else is in the admin's queue.
"""

from http import HTTPStatus

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from posts.models import Report, ReportEvent, ReportEventAction, ReportKind
from posts.report_forms import ReportForm, same_site_path
from posts.services.reports import (
    ReportRateLimited,
    ReportTarget,
    ReportUnavailable,
    address_key,
    report_submit,
    report_target,
)

SENT_SESSION_KEY = "radrounds.report_sent"
REPORTS_PER_PAGE = 20


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_site(request):
    """About the site as a whole, or one of its pages (``?page=/path/``: the footer link)."""
    return _report(request, kind=ReportKind.PAGE)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_post(request, pk: int):
    return _report(request, kind=ReportKind.POST, pk=pk)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_comment(request, pk: int):
    return _report(request, kind=ReportKind.COMMENT, pk=pk)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_member(request, username: str):
    return _report(request, kind=ReportKind.MEMBER, username=username)


def _report(request, *, kind: str, pk: int | None = None, username: str = ""):
    about_page = kind == ReportKind.PAGE
    try:
        target = None if about_page else report_target(kind=kind, pk=pk, username=username)
    except ReportUnavailable:
        return _unavailable(request, kind)
    visitor = not request.user.is_authenticated
    host = request.get_host()
    initial = {}
    if about_page:
        initial["page"] = same_site_path(request.GET.get("page", ""), host=host) or ""
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        visitor=visitor,
        about_page=about_page,
        host=host,
        initial=initial,
    )
    status = HTTPStatus.OK
    if request.method == "POST":
        status = HTTPStatus.BAD_REQUEST
        if form.is_valid():
            if visitor and form.is_trap:
                # A bot: it sees the usual confirmation, nothing is stored or sent.
                request.session[SENT_SESSION_KEY] = {}
                return redirect("reports:sent")
            if about_page:
                target = ReportTarget(kind=kind, page_path=form.cleaned_data["page"])
            try:
                report, created = report_submit(
                    target=target,
                    reason=form.cleaned_data["reason"],
                    description=form.cleaned_data["description"],
                    reporter=None if visitor else request.user,
                    email=form.cleaned_data.get("email", ""),
                    client_key=address_key(request.META.get("REMOTE_ADDR", "")),
                )
            except ReportRateLimited as limit:
                form.add_error(None, limit.message)
                status = HTTPStatus.TOO_MANY_REQUESTS
            except ReportUnavailable:
                return _unavailable(request, kind)
            else:
                request.session[SENT_SESSION_KEY] = {"id": report.pk, "created": created}
                return redirect("reports:sent")
    return render(
        request,
        "posts/reports/new.html",
        {"form": form, "target": target, "kind": kind, "visitor": visitor},
        status=status,
    )


def _unavailable(request, kind: str):
    return render(
        request,
        "posts/reports/unavailable.html",
        {"what": ReportKind(kind).label.lower()},
        status=HTTPStatus.NOT_FOUND,
    )


@never_cache
@require_safe
def sent(request):
    """The confirmation: the report this browser just sent (and nobody else's)."""
    data = request.session.get(SENT_SESSION_KEY) or {}
    report = None
    if data.get("id"):
        reports = Report.objects.filter(pk=data["id"])
        if request.user.is_authenticated:
            reports = reports.filter(reporter=request.user)
        else:
            reports = reports.filter(reporter__isnull=True)
        report = reports.first()
    return render(
        request,
        "posts/reports/sent.html",
        {"report": report, "updated": report is not None and not data.get("created", True)},
    )


@login_required
@require_safe
def mine(request):
    """The signed-in member's reports with their status and outcome, newest first."""
    updated = ReportEvent.objects.filter(
        report=OuterRef("pk"), action=ReportEventAction.UPDATED
    ).order_by("-created_at")
    reports = (
        Report.objects.filter(reporter=request.user)
        .select_related("post", "comment__post", "member")
        .annotate(updated_by_reporter=Subquery(updated.values("created_at")[:1]))
        .order_by("-created_at", "-pk")
    )
    page_obj = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "posts/reports/mine.html", {"page_obj": page_obj})
