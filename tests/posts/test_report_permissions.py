"""Report queue permissions, decided in the services and the admin classes themselves."""

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from posts.admin_reports import ReportAdmin, ReportEventInline
from posts.models import Report, ReportEvent
from posts.services.report_queue import ReportConflict, report_claim, report_hide_item
from posts.services.reports import ReportTarget, report_submit
from tests.factories import CommentFactory, UserFactory, moderator

pytestmark = pytest.mark.django_db


def _report(kind="comment", **target):
    if kind == "comment":
        target = {"comment": CommentFactory()}
    report, _ = report_submit(
        target=ReportTarget(kind=kind, **target),
        reason="spam" if kind != "page" else "broken",
        reporter=UserFactory(),
        client_key="test",
    )
    return report


def test_permission_to_claim_a_report_is_refused_to_staff_outside_the_queue():
    report = _report()

    with pytest.raises(PermissionDenied, match=r"^You do not have permission to do that\.$"):
        report_claim(report=report, by=UserFactory(is_staff=True))

    assert Report.objects.get(pk=report.pk).claimed_by is None


def test_permission_to_hide_needs_the_items_hide_permission():
    report = _report()

    with pytest.raises(PermissionDenied, match=r"^You do not have permission to do that\.$"):
        report_hide_item(report=report, by=UserFactory(is_staff=True), note="No.")


def test_permission_never_lets_a_page_be_hidden_and_says_why():
    report = _report("page", page_path="/terms/")

    with pytest.raises(
        ReportConflict,
        match=r"^A page cannot be hidden or restored; resolve or dismiss the report\.$",
    ):
        report_hide_item(report=report, by=moderator(), note="No.")


def test_permission_to_hide_a_deleted_item_is_moot_and_the_message_names_it():
    report = _report()
    Report.objects.get(pk=report.pk).comment.delete()
    report.refresh_from_db()

    with pytest.raises(ReportConflict) as refused:
        report_hide_item(report=report, by=moderator(), note="Gone.")

    assert str(refused.value) == f"The comment of report #{report.pk} no longer exists."


def test_permission_in_the_admin_reports_and_their_log_are_never_added_changed_or_deleted():
    request = RequestFactory().get("/admin/posts/report/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    report = _report()
    reports = ReportAdmin(Report, admin.site)
    log = ReportEventInline(Report, admin.site)

    assert reports.has_add_permission(request) is False
    assert reports.has_change_permission(request, report) is False
    assert reports.has_delete_permission(request, report) is False
    assert log.has_add_permission(request, report) is False
    assert log.has_change_permission(request, report) is False
    assert log.has_delete_permission(request, report) is False
    assert ReportEvent.objects.filter(report=report).exists()


def test_permission_to_work_the_queue_is_the_change_report_permission():
    request = RequestFactory().get("/admin/posts/report/")
    reports = ReportAdmin(Report, admin.site)

    request.user = moderator()
    assert reports.has_moderate_permission(request) is True
    request.user = UserFactory(is_staff=True)
    assert reports.has_moderate_permission(request) is False
