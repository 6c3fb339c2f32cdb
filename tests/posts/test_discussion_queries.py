"""The post page runs the same number of queries with 0, 10, 500 or 1,000 comments."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from posts.models import Comment, CommentLike, Post
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    # These count what rendering the page costs; a visitor's page from the page cache
    # is counted in tests/site/test_page_cache.py.
    settings.PAGE_CACHE_SECONDS = 0


def discussion(post, count, authors, liker=None):
    """``count`` comments on ``post``: a third of them replies, some liked by ``liker``."""
    roots = Comment.objects.bulk_create(
        [
            Comment(post=post, author=authors[i % len(authors)], body=f"c{i}", body_html="<p>c</p>")
            for i in range(count - count // 3)
        ]
    )
    replies = Comment.objects.bulk_create(
        [
            Comment(
                post=post,
                parent=roots[i % len(roots)],
                author=authors[(i + 1) % len(authors)],
                body=f"r{i}",
                body_html="<p>r</p>",
            )
            for i in range(count // 3)
        ]
    )
    if liker is not None:
        CommentLike.objects.bulk_create(
            [CommentLike(user=liker, comment=c) for c in (roots + replies)[::2]]
        )
    Post.objects.filter(pk=post.pk).update(comment_count=count)


def repeat_view_queries(client, url) -> list[str]:
    client.get(url, **BROWSER)  # the first view is counted (writes); measure a repeat view
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **BROWSER)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "member"])
def test_post_page_query_count_does_not_grow_with_comments(signed_in, django_assert_num_queries):
    authors = UserFactory.create_batch(5)
    reader = UserFactory()
    client = Client()
    if signed_in:
        client.force_login(reader)
    empty = PostFactory()
    baseline = repeat_view_queries(client, empty.get_absolute_url())
    # Post, sponsors, related posts, popular list and one page of the discussion, plus
    # the view mark and the popular ranking's cache read with the database caches, or
    # with Redis the stored count read again after the buffered one
    # (posts.views.reading.detail); a member adds their session, account, comment likes
    # and bell.
    database_caches = "Redis" not in settings.CACHES["pages"]["BACKEND"]
    expected = (7 if database_caches else 6) + (4 if signed_in else 0)
    assert len(baseline) == expected, "\n".join(baseline)

    for size in (10, 500, 1000):
        post = PostFactory()
        discussion(post, size, authors, liker=reader)
        client.get(post.get_absolute_url(), **BROWSER)
        with django_assert_num_queries(len(baseline)):
            client.get(post.get_absolute_url(), **BROWSER)

    # And the page really shows them: a page of 50 threads with their replies.
    page = client.get(post.get_absolute_url(), **BROWSER)
    assert len(page.context["discussion"].threads) == 50
    assert sum(len(t.replies) for t in page.context["discussion"].threads) > 0
