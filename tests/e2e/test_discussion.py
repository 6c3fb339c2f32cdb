"""Members discuss a post: comment, reply with a mention, like, and hear of it.

The same journey runs with JavaScript (no page reloads) and without it (plain forms,
POST and redirect back to the same place)."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from playwright.sync_api import expect

from posts.models import Comment, Post
from posts.services.discussion import comment_create, comment_edit, comment_hide
from posts.services.engagement import comment_like_set, post_like_set, post_save_set
from tests.factories import UserFactory, moderator

PASSWORD = "correct horse battery staple"


@pytest.fixture
def demo_post(live_site):
    call_command("seed_demo")
    return Post.objects.get(pmid=None)  # the hand-written Radiographics review


@pytest.fixture
def open_browser(browser):
    contexts = []

    def make(*, javascript=True, width=1280, height=900, dark=False):
        context = browser.new_context(
            java_script_enabled=javascript,
            viewport={"width": width, "height": height},
            color_scheme="dark" if dark else "light",
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


def member(username, name, **extra):
    user = UserFactory(username=username, display_name=name, **extra)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_in(page, site, username, next_path):
    page.goto(f"{site.url}/accounts/login/?next={next_path}")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site.url}{next_path}*")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_members_comment_reply_mention_like_and_get_notified(
    live_site, demo_post, open_browser, screenshot, javascript
):
    member("ana", "Dr. Ana Ortiz")
    member("bob", "Dr. Bob Lee")
    path = demo_post.get_absolute_url()
    label = "js" if javascript else "nojs"

    # A visitor reads the discussion and is offered to join it.
    visitor = open_browser(javascript=javascript)
    visitor.goto(live_site.url + path)
    expect(visitor.get_by_role("link", name="Sign in to join the discussion")).to_be_visible()

    # Member A comments.
    a = open_browser(javascript=javascript)
    sign_in(a, live_site, "ana", path)
    if javascript:
        a.evaluate("window.samePage = true")
    a.get_by_label("Add a comment").fill(
        "Facet injections helped most of my patients.\n\nSee https://pubmed.ncbi.nlm.nih.gov/18024454/"
    )
    a.get_by_role("button", name="Post comment").click()
    first = a.locator("article.comment").filter(has_text="Facet injections helped")
    expect(first).to_be_visible()
    expect(
        first.get_by_role("link", name="https://pubmed.ncbi.nlm.nih.gov/18024454/")
    ).to_have_attribute("rel", "nofollow ugc noopener")
    comment = Comment.objects.get()
    if javascript:
        assert a.evaluate("window.samePage") is True  # no reload
        expect(a.get_by_label("Add a comment")).to_have_value("")
    else:
        assert a.url.endswith(f"#comment-{comment.pk}")  # back at the comment
    expect(a.locator("#comments [data-comment-count]").first).to_have_text("1 comment")

    # Member B replies, mentions A, and likes A's comment.
    b = open_browser(javascript=javascript)
    sign_in(b, live_site, "bob", path)
    thread = b.locator(f"#thread-{comment.pk}")
    thread.get_by_text("Reply to this thread").click()
    thread.get_by_label("Your reply").fill("@ana agreed, and the effect lasted months.")
    thread.get_by_role("button", name="Post reply").click()
    reply = b.locator("li.reply article.comment").filter(has_text="agreed, and the effect")
    expect(reply).to_be_visible()
    expect(reply.get_by_role("link", name="@ana")).to_have_attribute("href", "/members/ana/")
    like = b.locator(f"#comment-{comment.pk}").get_by_role("button", name="Like")
    like.click()
    expect(
        b.locator(f"#comment-{comment.pk}").get_by_role("button", name="Like")
    ).to_have_attribute("aria-pressed", "true")
    expect(b.locator(f"#comment-{comment.pk} [data-count]")).to_have_text("1 like")
    if javascript:
        expect(
            b.locator(f"#comment-{comment.pk}").get_by_role("button", name="Like")
        ).to_be_focused()
    screenshot(b, f"discussion-journey-{label}-member-b")

    # Member A sees the bell count, the reply and the like.
    a.goto(live_site.url + path)
    bell = a.get_by_role("link", name="Notifications, 1 unread")
    expect(bell).to_be_visible()
    expect(a.get_by_text("@ana agreed, and the effect lasted months.")).to_be_visible()
    expect(a.locator(f"#comment-{comment.pk} .comment__likes")).to_have_text("1 like")
    bell.click()
    expect(a.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(a.get_by_text("replied to your comment on")).to_be_visible()
    screenshot(a, f"discussion-journey-{label}-notifications")
    a.get_by_role("button", name="Open reply from Dr. Bob Lee").click()
    reply_comment = Comment.objects.get(parent=comment)
    expect(a).to_have_url(f"{live_site.url}{path}#comment-{reply_comment.pk}")
    expect(a.get_by_role("link", name="Notifications", exact=True)).to_be_visible()  # 0 unread
    screenshot(a, f"discussion-journey-{label}-member-a")


def _real_discussion(post):
    ana = member("ana", "Dr. Ana Ortiz", verified=True)
    bob = member("bob", "Dr. Bob Lee")
    carl = member("carl", "Carl Jensen, RT")
    dana = member("dana", "Dr. Dana Whitfield")
    root, _ = comment_create(
        author=ana,
        post=post,
        body=(
            "A clear review. In our practice facet joint injections under CT helped about "
            "two thirds of patients for at least three months.\n\n"
            "Has anyone compared this with medial branch radiofrequency ablation?"
        ),
    )
    reply, _ = comment_create(
        author=bob,
        post=post,
        parent=root,
        body="@ana we did, in 2019: ablation lasted longer. Our audit: https://example.org/rfa-audit",
    )
    comment_create(
        author=carl,
        post=post,
        parent=reply,
        body="@bob did you use fluoroscopy or CT for the ablations?",
    )
    second, _ = comment_create(
        author=dana,
        post=post,
        body="The table comparing the SI joint approaches is worth printing for the reading room.",
    )
    comment_edit(comment=second, user=dana, body=second.body + " (Table 2.)")
    rude, _ = comment_create(author=carl, post=post, body="Off-topic advertising.")
    comment_hide(comment=rude, by=moderator(), reason="Advertising")
    for who in (bob, carl, dana):
        comment_like_set(user=who, comment=root, liked=True)
    comment_like_set(user=ana, comment=reply, liked=True)
    for who in (ana, bob, carl):
        post_like_set(user=who, post=post, liked=True)
    post_save_set(user=ana, post=post, saved=True)
    return ana


@pytest.mark.parametrize(
    ("width", "dark"),
    [(1280, False), (1280, True), (360, False), (360, True)],
    ids=["desktop-light", "desktop-dark", "phone-light", "phone-dark"],
)
def test_a_real_discussion_looks_right(live_site, demo_post, open_browser, screenshot, width, dark):
    _real_discussion(demo_post)
    path = demo_post.get_absolute_url()
    name = f"discussion-{'phone' if width == 360 else 'desktop'}-{'dark' if dark else 'light'}"

    page = open_browser(width=width, height=900, dark=dark)
    sign_in(page, live_site, "ana", path)
    page.locator("#comments").scroll_into_view_if_needed()
    expect(page.get_by_text("Has anyone compared this")).to_be_visible()
    expect(page.get_by_text("This comment was hidden by a moderator.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"{name}-member")

    visitor = open_browser(width=width, height=900, dark=dark)
    visitor.goto(live_site.url + path + "#comments")
    expect(visitor.get_by_role("link", name="Sign in to join the discussion")).to_be_visible()
    assert visitor.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(visitor, f"{name}-visitor")


def test_a_permalink_opens_the_right_page_scrolled_to_the_comment(
    live_site, demo_post, open_browser
):
    ana = member("ana", "Dr. Ana Ortiz")
    Comment.objects.bulk_create(
        [
            Comment(
                post=demo_post, author=ana, body=f"Comment {n}.", body_html=f"<p>Comment {n}.</p>"
            )
            for n in range(55)
        ]
    )
    last = Comment.objects.order_by("-pk").first()

    page = open_browser(height=700)
    page.goto(f"{live_site.url}/comments/{last.pk}/")

    expect(page).to_have_url(
        f"{live_site.url}{demo_post.get_absolute_url()}?page=2#comment-{last.pk}"
    )
    expect(page.locator(f"#comment-{last.pk}")).to_be_in_viewport()
