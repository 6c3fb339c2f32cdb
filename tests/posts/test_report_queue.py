"""The report queue: the status workflow, claims, the audit log, decisions and their
emails, grouping by item, the admin's list and pages, permissions and moderator alerts."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.models import ProtectedError
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from posts.models import Comment, MemberBadge, Post, Report, ReportEvent
from posts.services.report_queue import (
    ReportConflict,
    report_claim,
    report_dismiss,
    report_hide_item,
    report_resolve,
)
from posts.services.reports import ReportTarget, report_submit, reports_alert_moderators
from tests.factories import (
    MODERATOR_PERMISSIONS,
    CommentFactory,
    PostFactory,
    UserFactory,
    moderator,
    verified_member,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/posts/report/"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


MEMBER = object()


def open_report(item=None, *, by=MEMBER, reason="spam", email="", description=""):
    """A report of ``item`` by a new member (``by=None`` and ``email``: a visitor)."""
    item = item or CommentFactory()
    kind = {Post: "post", Comment: "comment"}.get(type(item), "member")
    created, _ = report_submit(
        target=ReportTarget(kind=kind, **{kind: item}),
        reason=reason,
        description=description,
        reporter=UserFactory() if by is MEMBER else by,
        email=email,
        client_key="test",
    )
    return created


def actions_of(report):
    return list(report.events.order_by("pk").values_list("action", "actor_name", "note"))


# --- The status workflow --------------------------------------------------------------
def test_claiming_puts_a_report_in_review_for_that_moderator():
    report = open_report()
    mod = moderator(username="mod")

    report_claim(report=report, by=mod)

    report.refresh_from_db()
    assert (report.status, report.claimed_by) == ("in_review", mod)
    assert actions_of(report)[-1] == ("claimed", "mod", "")


def test_resolving_records_the_decision_and_emails_the_reporter_the_note():
    reporter = verified_member(username="ana")
    report = open_report(by=reporter)
    mail.outbox.clear()
    mod = moderator(username="mod")

    report_resolve(report=report, by=mod, note="Removed the duplicate post.")

    report.refresh_from_db()
    assert (report.status, report.decided_by, report.decision_note) == (
        "resolved",
        mod,
        "Removed the duplicate post.",
    )
    assert report.decided_at is not None
    assert [a for a, _, _ in actions_of(report)] == ["created", "claimed", "resolved"]
    [decision] = mail.outbox
    assert decision.to == [reporter.email]
    assert decision.subject == f"[radRounds] Your report #{report.pk}: resolved (action taken)"
    assert "Moderator's note: Removed the duplicate post." in decision.body


def test_dismissing_emails_a_visitor_the_decision():
    report = open_report(PostFactory(), by=None, email="reader@example.net")
    mail.outbox.clear()

    report_dismiss(report=report, by=moderator(), note="The year is right.")

    [decision] = mail.outbox
    assert decision.to == ["reader@example.net"]
    assert "dismissed" in decision.body
    assert "The year is right." in decision.body


def test_a_note_is_required_to_resolve_dismiss_or_hide():
    report = open_report()
    mod = moderator()

    for act in (report_resolve, report_dismiss, report_hide_item):
        with pytest.raises(ValueError, match="Write a note"):
            act(report=report, by=mod, note="   ")

    assert Report.objects.get(pk=report.pk).status == "open"


def test_a_decided_report_cannot_be_decided_again():
    report = open_report()
    report_resolve(report=report, by=moderator(username="first"), note="Done.")

    with pytest.raises(ReportConflict, match="already resolved"):
        report_dismiss(report=report, by=moderator(), note="No.")


def test_hiding_the_item_tells_its_author_why_and_logs_it_on_every_open_report():
    author = verified_member(username="ana")
    comment = CommentFactory(author=author)
    first = open_report(comment)
    second = open_report(comment)
    mail.outbox.clear()

    report_hide_item(report=first, by=moderator(username="mod"), note="Personal attack")

    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == "Personal attack"
    [statement] = mail.outbox
    assert statement.to == [author.email]
    assert "Why: Personal attack" in statement.body
    assert ("hidden", "mod", "Personal attack") in actions_of(first)
    assert ("hidden", "mod", "Personal attack") in actions_of(second)


def test_a_page_cannot_be_hidden():
    report, _ = report_submit(
        target=ReportTarget(kind="page", page_path="/terms/"),
        reason="broken",
        reporter=UserFactory(),
    )

    with pytest.raises(ReportConflict, match="A page cannot be hidden"):
        report_hide_item(report=report, by=moderator(), note="No.")


def test_a_deleted_item_cannot_be_hidden_but_its_report_can_be_decided():
    comment = CommentFactory()
    report = open_report(comment)
    comment.delete()
    report.refresh_from_db()

    with pytest.raises(ReportConflict, match="no longer exists"):
        report_hide_item(report=report, by=moderator(), note="Gone.")
    report_resolve(report=report, by=moderator(), note="The author deleted it.")

    assert Report.objects.get(pk=report.pk).status == "resolved"


# --- Claims under two moderators -----------------------------------------------------------
def test_a_report_claimed_by_one_moderator_cannot_be_claimed_or_decided_by_another():
    report = open_report()
    first, second = moderator(username="first"), moderator(username="second")
    report_claim(report=report, by=first)

    for act in (
        lambda: report_claim(report=report, by=second),
        lambda: report_resolve(report=report, by=second, note="Mine now."),
        lambda: report_hide_item(report=report, by=second, note="Mine now."),
    ):
        with pytest.raises(ReportConflict, match="being reviewed by first"):
            act()

    report.refresh_from_db()
    assert (report.status, report.claimed_by) == ("in_review", first)


def test_a_stale_claim_can_be_taken_over(settings):
    settings.REPORT_CLAIM_STALE_SECONDS = 600
    report = open_report()
    first, second = moderator(username="first"), moderator(username="second")
    report_claim(report=report, by=first, now=timezone.now() - timedelta(minutes=11))

    report_claim(report=report, by=second)

    report.refresh_from_db()
    assert report.claimed_by == second
    action, who, note = actions_of(report)[-1]
    assert (action, who) == ("taken_over", "second")
    assert "first" in note


def test_a_claim_younger_than_the_timeout_is_kept(settings):
    settings.REPORT_CLAIM_STALE_SECONDS = 600
    report = open_report()
    report_claim(report=report, by=moderator(), now=timezone.now() - timedelta(minutes=9))

    with pytest.raises(ReportConflict):
        report_claim(report=report, by=moderator())


def test_claiming_ones_own_report_again_renews_the_claim_without_a_log_entry():
    report = open_report()
    mod = moderator()
    report_claim(report=report, by=mod, now=timezone.now() - timedelta(minutes=5))

    report_claim(report=report, by=mod)

    report.refresh_from_db()
    assert timezone.now() - report.claimed_at < timedelta(minutes=1)
    assert [a for a, _, _ in actions_of(report)] == ["created", "claimed"]


# --- Grouping by item --------------------------------------------------------------------------
def test_deciding_one_report_can_decide_every_open_report_of_the_same_item():
    comment = CommentFactory()
    reporters = [verified_member() for _ in range(3)]
    reports = [open_report(comment, by=r) for r in reporters]
    other_item = open_report()
    mail.outbox.clear()

    outcome = report_resolve(report=reports[0], by=moderator(), note="Hidden.", whole_item=True)

    assert {r.pk for r in outcome.done} == {r.pk for r in reports}
    assert set(
        Report.objects.filter(pk__in=[r.pk for r in reports]).values_list("status", flat=True)
    ) == {"resolved"}
    assert Report.objects.get(pk=other_item.pk).status == "open"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in reporters)


def test_grouped_decisions_leave_reports_another_moderator_holds():
    comment = CommentFactory()
    mine, theirs = open_report(comment), open_report(comment)
    report_claim(report=theirs, by=moderator(username="other"))

    outcome = report_dismiss(report=mine, by=moderator(), note="Fine.", whole_item=True)

    assert [r.pk for r in outcome.done] == [mine.pk]
    assert [r.pk for r, _ in outcome.skipped] == [theirs.pk]
    assert Report.objects.get(pk=theirs.pk).status == "in_review"


# --- The audit log nobody can edit ----------------------------------------------------------------
def test_an_audit_log_entry_cannot_be_changed_or_deleted():
    event = open_report().events.get()

    event.note = "rewritten"
    with pytest.raises(ValueError, match="cannot be changed"):
        event.save()
    with pytest.raises(ValueError, match="cannot be deleted"):
        event.delete()
    assert ReportEvent.objects.get(pk=event.pk).note == ""


def test_a_report_with_an_audit_log_cannot_be_deleted():
    report = open_report()

    with pytest.raises(ProtectedError):
        report.delete()


def test_not_even_a_superuser_can_edit_or_delete_a_report_or_its_log_in_the_admin(staff_user):
    report = open_report(description="Original words.")
    client = signed_in(staff_user)

    page = client.get(reverse("admin:posts_report_change", args=[report.pk]))
    client.post(reverse("admin:posts_report_change", args=[report.pk]), {"description": "Changed."})
    delete = client.get(reverse("admin:posts_report_delete", args=[report.pk]))

    assertNotContains(page, 'name="_save"')
    assertNotContains(page, 'name="events-0-note"')
    assert delete.status_code == HTTPStatus.FORBIDDEN
    assert Report.objects.get(pk=report.pk).description == "Original words."
    assert client.get(CHANGELIST).context["action_form"].fields["action"].choices[1:] == [
        ("claim_reports", "Claim selected reports"),
        ("hide_items", "Hide the items of selected reports"),
        ("restore_items", "Restore the items of selected reports"),
        ("resolve_reports", "Resolve selected reports (action taken)"),
        ("dismiss_reports", "Dismiss selected reports"),
    ]


# --- The admin: list, page and actions ------------------------------------------------------------
def test_the_queue_lists_what_waits_for_a_decision_oldest_first_with_its_columns():
    mod = moderator()
    post = PostFactory(title="Spinal injections.")
    older = open_report(post, by=UserFactory(username="ana"), reason="inaccurate")
    newer = open_report(post, by=UserFactory(username="bob"))
    decided = open_report()
    report_dismiss(report=decided, by=mod, note="No.")
    Report.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=2))

    response = signed_in(mod).get(CHANGELIST)

    assert [r.pk for r in response.context["cl"].result_list] == [older.pk, newer.pk]
    for text in ("Inaccurate or misleading", "Spinal injections.", "ana", "2\xa0days", "Open"):
        assertContains(response, text)
    assertContains(response, f'href="{post.get_absolute_url()}"')
    assertContains(response, f'href="{reverse("admin:posts_post_change", args=[post.pk])}"')
    assert [r.open_on_item for r in response.context["cl"].result_list] == [2, 2]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "all"}, {"open", "resolved"}),
        ({"status": "resolved"}, {"resolved"}),
        ({"reason": "patient"}, {"patient"}),
        ({"kind": "post"}, {"post"}),
    ],
)
def test_the_queue_filters_by_status_reason_and_item_type(query, expected):
    mod = moderator()
    open_report(PostFactory(), reason="spam")
    open_report(CommentFactory(), reason="patient")
    report_resolve(report=open_report(PostFactory()), by=mod, note="Done.")
    field = next(iter(query))
    attribute = {"status": "status", "reason": "reason", "kind": "kind"}[field]

    response = signed_in(mod).get(CHANGELIST, query)

    assert {getattr(r, attribute) for r in response.context["cl"].result_list} == expected


def test_the_open_count_links_to_every_open_report_of_that_item():
    mod = moderator()
    post = PostFactory()
    same = [open_report(post), open_report(post)]
    open_report(PostFactory())
    listed = signed_in(mod).get(CHANGELIST)
    assertContains(listed, f"item_key=post%3A{post.pk}")

    response = signed_in(mod).get(CHANGELIST, {"item_key": f"post:{post.pk}", "status": "waiting"})

    assert [r.pk for r in response.context["cl"].result_list] == [r.pk for r in same]


def test_the_queue_searches_reporters_items_and_details():
    mod = moderator()
    open_report(PostFactory(title="Facet joints."), description="wrong dosage table")
    open_report(PostFactory(title="Something else."))

    response = signed_in(mod).get(CHANGELIST, {"q": "dosage"})

    assert [r.item_label for r in response.context["cl"].result_list] == ["Post “Facet joints.”"]


def test_the_queue_runs_a_fixed_number_of_queries(django_assert_num_queries):
    mod = moderator()
    client = signed_in(mod)

    def add(n):
        for _ in range(n):
            comment = CommentFactory()
            open_report(comment)
            open_report(comment.post)
            open_report(comment.author)

    add(1)
    client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as baseline:
        client.get(CHANGELIST)
    add(5)

    with django_assert_num_queries(len(baseline.captured_queries)):
        response = client.get(CHANGELIST)

    assert len(response.context["cl"].result_list) == 18


def test_the_reports_page_shows_the_item_the_other_reports_and_the_audit_log():
    comment = CommentFactory()
    second = open_report(comment, by=UserFactory(username="bob"))
    first = open_report(comment, by=UserFactory(username="ana"), reason="patient")
    mod = moderator(username="mod")
    report_claim(report=first, by=mod)

    page = signed_in(mod).get(reverse("admin:posts_report_change", args=[first.pk]))

    assertContains(page, "Audit log")
    assertContains(page, "Item hidden automatically until a decision")
    assertContains(page, "Hidden automatically until a decision")
    assertContains(page, f"#{second.pk}</a>")
    assertContains(page, "Work this report")
    assertContains(page, 'value="restore"')
    assertContains(page, 'value="resolve"')
    assertContains(page, "decide all 2 open reports of this item")


def test_the_reports_page_escapes_what_the_reporter_wrote():
    report = open_report(description="<script>alert(1)</script>\nSecond line")

    page = signed_in(moderator()).get(reverse("admin:posts_report_change", args=[report.pk]))

    assertContains(page, "&lt;script&gt;alert(1)&lt;/script&gt;<br>Second line")
    assertNotContains(page, "<script>alert(1)")


def test_a_moderator_claims_hides_and_resolves_from_the_reports_page():
    author = verified_member(username="author")
    comment = CommentFactory(author=author)
    report = open_report(comment, by=verified_member(username="ana"))
    mod = moderator(username="mod")
    client = signed_in(mod)
    act = reverse("admin:posts_report_act", args=[report.pk])

    client.post(act, {"action": "claim", "note": ""})
    client.post(act, {"action": "hide", "note": "Insults a colleague"})
    response = client.post(act, {"action": "resolve", "note": "Hidden. Thank you."}, follow=True)

    report.refresh_from_db()
    comment.refresh_from_db()
    assert report.status == "resolved" and comment.is_hidden
    assert [a for a, _, _ in actions_of(report)] == ["created", "claimed", "hidden", "resolved"]
    assertContains(response, f"Resolved report #{report.pk}.")
    assert MemberBadge.objects.filter(user__username="ana", badge="report-upheld").exists()


def test_an_action_without_its_note_shows_the_page_again_with_the_error():
    report = open_report()
    client = signed_in(moderator())

    response = client.post(
        reverse("admin:posts_report_act", args=[report.pk]), {"action": "hide", "note": ""}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assertContains(response, "Write a note", status_code=400)
    assert Report.objects.get(pk=report.pk).status == "open"


def test_a_hide_note_over_300_characters_is_kept_and_refused():
    report = open_report()

    response = signed_in(moderator()).post(
        reverse("admin:posts_report_act", args=[report.pk]), {"action": "hide", "note": "x" * 301}
    )

    assertContains(response, "at most 300 characters", status_code=400)
    assertContains(response, "x" * 301, status_code=400)
    assert not Comment.objects.get(pk=report.comment_id).is_hidden


def test_the_reports_page_tells_a_second_moderator_who_holds_the_report():
    report = open_report()
    report_claim(report=report, by=moderator(username="first"))

    response = signed_in(moderator(username="second")).post(
        reverse("admin:posts_report_act", args=[report.pk]),
        {"action": "resolve", "note": "Mine."},
        follow=True,
    )

    assertContains(response, "being reviewed by first")
    assert Report.objects.get(pk=report.pk).status == "in_review"


def test_list_actions_ask_for_a_note_then_apply_it_to_every_selected_report():
    reports = [open_report() for _ in range(2)]
    client = signed_in(moderator())
    data = {"action": "dismiss_reports", ACTION_CHECKBOX_NAME: [r.pk for r in reports]}

    asked = client.post(CHANGELIST, data)
    done = client.post(CHANGELIST, {**data, "apply": "1", "note": "Not a problem."}, follow=True)

    assertContains(asked, "Dismiss: add a note")
    assertContains(done, "Dismissed reports")
    assert set(Report.objects.values_list("status", "decision_note")) == {
        ("dismissed", "Not a problem.")
    }


def test_the_claim_list_action_reports_conflicts_and_claims_the_rest():
    free, held = open_report(), open_report()
    report_claim(report=held, by=moderator(username="first"))
    mod = moderator(username="second")

    response = signed_in(mod).post(
        CHANGELIST,
        {"action": "claim_reports", ACTION_CHECKBOX_NAME: [free.pk, held.pk], "apply": "1"},
        follow=True,
    )

    assertContains(response, f"Claimed report #{free.pk}.")
    assertContains(response, "being reviewed by first")
    assert Report.objects.get(pk=free.pk).claimed_by == mod


# --- Permissions ----------------------------------------------------------------------------------
def test_the_moderators_group_holds_exactly_the_queues_permissions():
    group = Group.objects.get(name="Moderators")  # made by the data migration

    held = set(group.permissions.values_list("content_type__app_label", "codename"))

    assert held == MODERATOR_PERMISSIONS
    assert not any(
        codename.split("_", 1)[0] in {"add", "delete"}
        or codename.endswith(("_group", "_permission"))
        for _, codename in held
    )


def test_a_moderator_who_is_not_a_superuser_works_every_action_of_the_queue():
    mod = moderator(username="mod")
    assert not mod.is_superuser
    client = signed_in(mod)
    post, comment, member = PostFactory(), CommentFactory(), UserFactory()
    reports = [open_report(post), open_report(comment), open_report(member)]

    assert client.get(CHANGELIST).status_code == HTTPStatus.OK
    for report in reports:
        act = reverse("admin:posts_report_act", args=[report.pk])
        client.post(act, {"action": "claim", "note": ""})
        client.post(act, {"action": "hide", "note": "Hidden for the test"})
        client.post(act, {"action": "restore", "note": "Back"})
        client.post(act, {"action": "hide", "note": "Hidden again"})
        client.post(act, {"action": "resolve", "note": "Decided."})

    for report in reports:
        report.refresh_from_db()
        assert report.status == "resolved"
        assert [a for a, _, _ in actions_of(report)] == [
            "created",
            "claimed",
            "hidden",
            "restored",
            "hidden",
            "resolved",
        ]
    assert Post.objects.get(pk=post.pk).is_hidden
    assert Comment.objects.get(pk=comment.pk).is_hidden
    assert type(member).objects.get(pk=member.pk).profile_hidden
    dismissed = open_report()
    client.post(
        reverse("admin:posts_report_act", args=[dismissed.pk]),
        {"action": "dismiss", "note": "Fine."},
    )
    assert Report.objects.get(pk=dismissed.pk).status == "dismissed"


def test_a_moderator_views_members_posts_and_comments_but_cannot_manage_users():
    mod = moderator()
    member = UserFactory()
    comment = CommentFactory()
    client = signed_in(mod)

    assert client.get(reverse("admin:accounts_user_change", args=[member.pk])).status_code == 200
    assert client.get(reverse("admin:posts_post_change", args=[comment.post_id])).status_code == 200
    assert client.get(reverse("admin:posts_comment_change", args=[comment.pk])).status_code == 200
    for url in (
        reverse("admin:accounts_user_add"),
        reverse("admin:auth_group_changelist"),
        reverse("admin:auth_group_add"),
        reverse("admin:accounts_user_delete", args=[member.pk]),
        reverse("admin:auth_user_password_change", args=[member.pk]),
    ):
        assert client.get(url).status_code == HTTPStatus.FORBIDDEN, url
    client.post(
        reverse("admin:accounts_user_change", args=[member.pk]),
        {"username": member.username, "is_superuser": "on", "is_staff": "on"},
    )
    member.refresh_from_db()
    assert not member.is_superuser and not member.is_staff
    assert not mod.has_perm("auth.change_permission")
    assert not mod.has_perm("accounts.change_user")


def test_a_plain_member_cannot_reach_the_queue():
    member = UserFactory()
    report = open_report()
    client = signed_in(member)

    for url in (CHANGELIST, reverse("admin:posts_report_change", args=[report.pk])):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert "/login/" in response["Location"]
    client.post(reverse("admin:posts_report_act", args=[report.pk]), {"action": "claim"})
    assert Report.objects.get(pk=report.pk).status == "open"


def test_staff_without_the_queues_permissions_cannot_work_it():
    report = open_report()
    client = signed_in(UserFactory(is_staff=True))

    assert client.get(CHANGELIST).status_code == HTTPStatus.FORBIDDEN
    response = client.post(reverse("admin:posts_report_act", args=[report.pk]), {"action": "claim"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Report.objects.get(pk=report.pk).status == "open"
    with pytest.raises(Exception, match="permission"):
        report_claim(report=report, by=UserFactory(is_staff=True))


def test_a_moderator_hides_comments_on_the_site_and_plain_staff_cannot():
    comment = CommentFactory()

    refused = signed_in(UserFactory(is_staff=True)).post(
        reverse("posts:comment_hide", args=[comment.pk]), {"reason": "Rude"}
    )
    signed_in(moderator()).post(
        reverse("posts:comment_hide", args=[comment.pk]), {"reason": "Rude"}
    )

    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert Comment.objects.get(pk=comment.pk).is_hidden


# --- The open count -------------------------------------------------------------------------------
def test_the_admin_shows_how_many_reports_are_open():
    for _ in range(3):
        open_report()
    report_dismiss(report=open_report(), by=moderator(), note="No.")

    page = signed_in(moderator()).get("/admin/")

    assertContains(page, "Report queue: 3 open reports")


def test_the_site_header_shows_staff_the_open_reports(client):
    open_report()
    mod = moderator()

    staff_page = signed_in(mod).get("/")
    member_page = signed_in(UserFactory()).get("/")

    assertContains(staff_page, "· 1 report")
    assertNotContains(member_page, "report<span")
    assertNotContains(member_page, 'href="/admin/"')


# --- Telling the moderators -----------------------------------------------------------------------
def test_the_first_report_after_a_quiet_spell_is_emailed_to_moderators_at_once():
    mod = moderator(username="mod")
    superuser = verified_member(username="boss", is_staff=True, is_superuser=True)
    verified_member(username="bystander", is_staff=True)  # staff, not a moderator

    report = open_report(reason="patient")

    alerts = [m for m in mail.outbox if "to review" in m.subject]
    assert sorted(m.to[0] for m in alerts) == sorted([mod.email, superuser.email])
    assert alerts[0].subject == "[radRounds] 1 new report to review"
    assert f"#{report.pk} Patient-identifiable information" in alerts[0].body
    assert f"/admin/posts/report/{report.pk}/change/" in alerts[0].body


def test_a_burst_of_reports_becomes_one_alert_when_the_interval_is_up(settings):
    settings.REPORT_ALERT_INTERVAL_SECONDS = 900
    moderator()
    open_report()
    mail.outbox.clear()

    for _ in range(30):
        open_report()

    assert [m for m in mail.outbox if "to review" in m.subject] == []
    assert reports_alert_moderators(now=timezone.now() + timedelta(minutes=5)) == 0
    announced = reports_alert_moderators(now=timezone.now() + timedelta(minutes=16))
    [alert] = [m for m in mail.outbox if "to review" in m.subject]
    assert announced == 30
    assert alert.subject == "[radRounds] 30 new reports to review"
    assert "Open reports waiting for a decision: 31" in alert.body
    assert reports_alert_moderators(now=timezone.now() + timedelta(hours=1)) == 0


def test_the_alert_never_quotes_what_the_reporter_wrote():
    moderator()

    open_report(reason="patient", description="Patient Jane Doe, MRN 555.")

    [alert] = [m for m in mail.outbox if "to review" in m.subject]
    assert "Jane Doe" not in alert.body


def test_the_command_sends_alerts_that_are_due(settings):
    settings.REPORT_ALERT_INTERVAL_SECONDS = 0
    moderator()
    Report.objects.update(moderators_alerted_at=timezone.now())
    report = open_report()
    Report.objects.filter(pk=report.pk).update(moderators_alerted_at=None)
    mail.outbox.clear()

    call_command("send_report_alerts")

    assert len([m for m in mail.outbox if "to review" in m.subject]) == 1
    assert Report.objects.get(pk=report.pk).moderators_alerted_at is not None
