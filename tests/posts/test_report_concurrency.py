"""Reports under real concurrency: a real SQLite file (PostgreSQL in the scale run) and
real threads, each with its own connection."""

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from posts.models import Comment, Report, ReportEvent
from posts.services.reports import ReportTarget, report_submit
from tests.concurrency import in_parallel
from tests.factories import CommentFactory, UserFactory, moderator, verified_member
from tests.posts.test_discussion_concurrency import client_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_moderators_claiming_one_report_at_once_give_it_to_exactly_one():
    assert connection.vendor != "sqlite" or not connection.is_in_memory_db()
    report, _ = report_submit(
        target=ReportTarget(kind="comment", comment=CommentFactory()),
        reason="spam",
        reporter=UserFactory(),
    )
    first, second = moderator(username="first"), moderator(username="second")
    act = reverse("admin:posts_report_act", args=[report.pk])
    clients = [client_for(first), client_for(second)]

    in_parallel([lambda c=c: c.post(act, {"action": "claim", "note": ""}) for c in clients])

    report.refresh_from_db()
    assert report.status == "in_review"
    assert report.claimed_by in (first, second)
    claims = ReportEvent.objects.filter(report=report, action="claimed")
    assert list(claims.values_list("actor_name", flat=True)) == [report.claimed_by.username]


def test_moderators_resolving_one_report_at_once_decide_it_once_and_email_once():
    reporter = verified_member(username="ana")
    report, _ = report_submit(
        target=ReportTarget(kind="comment", comment=CommentFactory()),
        reason="spam",
        reporter=reporter,
    )
    mail.outbox.clear()
    mods = [moderator(username=f"mod{n}") for n in range(6)]
    act = reverse("admin:posts_report_act", args=[report.pk])

    in_parallel(
        [
            lambda m=m: client_for(m).post(act, {"action": "resolve", "note": f"By {m.username}."})
            for m in mods
        ]
    )

    report.refresh_from_db()
    assert report.status == "resolved"
    assert report.decision_note == f"By {report.decided_by.username}."
    assert ReportEvent.objects.filter(report=report, action="resolved").count() == 1
    assert [m.to for m in mail.outbox if "Your report" in m.subject] == [[reporter.email]]


def test_a_report_sent_several_times_at_once_is_one_report():
    comment = CommentFactory()
    member = UserFactory()
    clients = [client_for(member) for _ in range(5)]
    url = reverse("reports:comment", args=[comment.pk])

    responses = in_parallel([lambda c=c: c.post(url, {"reason": "abuse"}) for c in clients])

    assert {r.status_code for r in responses} == {302}
    assert Report.objects.count() == 1
    assert ReportEvent.objects.filter(action="created").count() == 1


def test_three_members_reporting_at_once_hide_the_item_once():
    author = verified_member(username="author")
    comment = CommentFactory(author=author)
    url = reverse("reports:comment", args=[comment.pk])
    clients = [client_for(UserFactory()) for _ in range(3)]
    mail.outbox.clear()

    in_parallel([lambda c=c: c.post(url, {"reason": "spam"}) for c in clients])

    comment = Comment.objects.get(pk=comment.pk)
    assert comment.is_hidden and comment.hidden_pending_review
    assert Report.objects.count() == 3
    statements = [m for m in mail.outbox if m.to == [author.email]]
    assert len(statements) == 1
