"""Notifications: the bell, the list, batched email and one-click unsubscribe."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from posts.models import EmailPreferences, Notification, NotificationEmailWindow, PostFollow
from posts.services.discussion import comment_create
from posts.services.notifications import notification_emails_send_due, unsubscribe_token
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def member(username):
    user = UserFactory(username=username)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ana():
    return member("ana")


@pytest.fixture
def bob():
    return member("bob")


@pytest.fixture
def post():
    return PostFactory(title="Spinal injections for low back pain.")


def say(author, post, body, parent=None):
    comment, _ = comment_create(author=author, post=post, body=body, parent=parent)
    return comment


def test_a_reply_notifies_the_author_of_the_comment(ana, bob, post):
    root = say(ana, post, "What about facet joints?")

    reply = say(bob, post, "They matter.", parent=root)

    notification = Notification.objects.get(recipient=ana)
    assert notification.kind == "reply"
    assert notification.actor == bob
    assert notification.comment == reply


def test_a_mention_notifies_the_member(ana, bob, post):
    say(bob, post, "@ana should see this.")

    assert Notification.objects.get(recipient=ana).kind == "mention"


def test_followers_hear_of_new_comments(ana, bob, post):
    PostFollow.objects.create(user=ana, post=post)

    say(bob, post, "New thought.")

    assert Notification.objects.get(recipient=ana).kind == "comment"


def test_a_reply_that_also_mentions_notifies_once_as_a_reply(ana, bob, post):
    root = say(ana, post, "Question.")  # ana now follows the post too

    say(bob, post, "@ana answer.", parent=root)

    assert list(Notification.objects.filter(recipient=ana).values_list("kind", flat=True)) == [
        "reply"
    ]


def test_nobody_is_notified_of_their_own_comment(ana, post):
    root = say(ana, post, "Talking to myself, @ana.")

    say(ana, post, "Still me.", parent=root)

    assert not Notification.objects.exists()


def test_the_bell_shows_the_unread_count_to_members_only(ana, bob, post):
    root = say(ana, post, "Hi.")
    say(bob, post, "One.", parent=root)
    say(bob, post, "Two.", parent=root)

    page = signed_in(ana).get("/")

    assertContains(page, 'aria-label="Notifications, 2 unread"')
    assertContains(page, '<span class="bell__count" aria-hidden="true">2</span>')
    assertNotContains(Client().get("/"), 'class="bell"')


def test_the_notifications_page_lists_them_and_a_get_marks_nothing_read(ana, bob, post):
    root = say(ana, post, "Hi.")
    say(bob, post, "Answer for you.", parent=root)

    page = signed_in(ana).get(reverse("posts:notifications"))

    assertContains(page, "replied to your comment on")
    assertContains(page, "Answer for you.")
    assert Notification.objects.unread().count() == 1


def test_opening_a_notification_marks_it_read_and_goes_to_the_comment(ana, bob, post):
    root = say(ana, post, "Hi.")
    reply = say(bob, post, "Answer.", parent=root)
    notification = Notification.objects.get(recipient=ana)

    response = signed_in(ana).post(reverse("posts:notification_open", args=[notification.pk]))

    assert response["Location"] == reply.get_absolute_url()
    assert Notification.objects.unread().count() == 0


def test_mark_all_read_clears_the_bell(ana, bob, post):
    root = say(ana, post, "Hi.")
    say(bob, post, "One.", parent=root)
    client = signed_in(ana)

    client.post(reverse("posts:notifications_read"))

    assertNotContains(client.get("/"), "bell__count")


def test_members_cannot_open_others_notifications(ana, bob, post):
    root = say(ana, post, "Hi.")
    say(bob, post, "One.", parent=root)
    notification = Notification.objects.get(recipient=ana)

    response = signed_in(bob).post(reverse("posts:notification_open", args=[notification.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert Notification.objects.unread().count() == 1


# --- Email ----------------------------------------------------------------------------


def test_the_first_notification_is_emailed_at_once_with_absolute_links(ana, bob, post, settings):
    settings.SITE_URL = "https://radrounds.example"
    root = say(ana, post, "Hi.")

    reply = say(bob, post, "Facet joints matter.", parent=root)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.org"]
    assert "bob replied to your comment" in message.subject
    assert f"https://radrounds.example/comments/{reply.pk}/" in message.body
    assert "Facet joints matter." in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<https://radrounds.example/notifications/unsubscribe/"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_more_notifications_within_the_hour_wait_for_one_batched_email(ana, bob, post):
    root = say(ana, post, "Hi.")
    say(bob, post, "First reply.", parent=root)
    say(bob, post, "Second reply.", parent=root)
    say(member("carl"), post, "Third, from Carl.", parent=root)

    to_ana = [m for m in mail.outbox if m.to == ["ana@example.org"]]
    assert len(to_ana) == 1  # only the first went out
    window = NotificationEmailWindow.objects.get(recipient=ana, post=post)
    assert window.scheduled_for == window.last_sent_at + timedelta(hours=1)

    assert notification_emails_send_due(now=timezone.now() + timedelta(minutes=30)) == 0
    assert notification_emails_send_due(now=timezone.now() + timedelta(minutes=61)) == 1

    to_ana = [m for m in mail.outbox if m.to == ["ana@example.org"]]
    assert len(to_ana) == 2
    batch = to_ana[1]
    assert batch.subject == "[radRounds] 2 new comments on “Spinal injections for low back pain.”"
    assert "Second reply." in batch.body and "Third, from Carl." in batch.body
    assert "First reply." not in batch.body


def test_emails_about_different_posts_are_not_held_back_by_each_other(ana, bob):
    first, second = PostFactory(), PostFactory()
    say(bob, first, "@ana look.")

    say(bob, second, "@ana and here.")

    assert len(mail.outbox) == 2


def test_the_command_sends_batches_that_are_due(ana, bob, post):
    root = say(ana, post, "Hi.")
    say(bob, post, "One.", parent=root)
    say(bob, post, "Two.", parent=root)
    NotificationEmailWindow.objects.update(
        last_sent_at=timezone.now() - timedelta(hours=2),
        scheduled_for=timezone.now() - timedelta(hours=1),
    )

    call_command("send_notification_emails", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert len(mail.outbox) == 2


def test_members_choose_email_per_kind_and_the_bell_still_shows(ana, bob, post):
    EmailPreferences.objects.create(user=ana, email_mention=False)

    say(bob, post, "@ana no email for this.")

    assert mail.outbox == []
    assert Notification.objects.filter(recipient=ana).count() == 1


def test_unverified_addresses_get_no_email(bob, post):
    stranger = UserFactory(username="unverified")

    say(bob, post, "@unverified hello.")

    assert mail.outbox == []
    assert Notification.objects.filter(recipient=stranger).exists()


def test_settings_page_shows_and_saves_email_choices(ana):
    client = signed_in(ana)
    page = client.get(reverse("accounts:settings"))
    assertContains(page, "New comments on posts I follow")

    response = client.post(
        reverse("posts:email_settings"), {"email_reply": "on", "email_mention": "on"}
    )

    assert response["Location"].endswith("#email-notifications")
    preferences = EmailPreferences.objects.get(user=ana)
    assert (preferences.email_reply, preferences.email_mention, preferences.email_comment) == (
        True,
        True,
        False,
    )


# --- Unsubscribing --------------------------------------------------------------------


def unsubscribe_link(message) -> str:
    return re.search(r"<https?://[^/]+(/notifications/unsubscribe/[^>]+)>", message)[1]


def test_the_unsubscribe_page_asks_first_and_a_get_changes_nothing(ana, bob, post):
    say(bob, post, "@ana hi.")
    link = unsubscribe_link(mail.outbox[0].extra_headers["List-Unsubscribe"])

    page = Client().get(link)

    assertContains(page, "Stop emails about <strong>mentions of you</strong>")
    assert not EmailPreferences.objects.filter(user=ana).exists()


def test_one_click_unsubscribe_works_signed_out_without_a_csrf_token(ana, bob, post):
    say(bob, post, "@ana hi.")
    link = unsubscribe_link(mail.outbox[0].extra_headers["List-Unsubscribe"])
    mail_client = Client(enforce_csrf_checks=True)  # a mail provider: no cookies, no token

    response = mail_client.post(link, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == HTTPStatus.OK
    preferences = EmailPreferences.objects.get(user=ana)
    assert not preferences.email_mention
    assert preferences.email_reply  # only what the email was about
    say(bob, post, "@ana again.")
    assert len(mail.outbox) == 1


def test_a_tampered_unsubscribe_token_changes_nothing(ana):
    token = unsubscribe_token(user_id=ana.pk, kinds=["reply"])
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")

    response = Client().post(reverse("posts:unsubscribe", args=[forged]))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not EmailPreferences.objects.exists()


def test_email_choices_save_with_the_csrf_token_the_settings_page_renders(ana):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ana)
    page = client.get(reverse("accounts:settings")).content.decode()
    form = page[page.index('action="/notifications/email/"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]

    response = client.post(
        reverse("posts:email_settings"), {"csrfmiddlewaretoken": token, "email_reply": "on"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert not EmailPreferences.objects.get(user=ana).email_comment
