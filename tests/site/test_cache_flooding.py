"""No amount of traffic to posts can erase a sign-in lockout or an admin's import preview."""

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import caches
from django.db import connection

from posts.importing import ImportBatch, batch_load, batch_save
from posts.pubmed.records import FetchResult
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def small_views_cache(settings):
    """The views cache culls after 50 marks, so a flood really evicts entries."""
    caches_config = {alias: dict(config) for alias, config in settings.CACHES.items()}
    if "Database" in caches_config["views"]["BACKEND"]:
        caches_config["views"]["OPTIONS"] = {"MAX_ENTRIES": 50, "CULL_FREQUENCY": 2}
    settings.CACHES = caches_config


def _flood_views(client, visitors=200):
    post = PostFactory()
    for n in range(visitors):
        client.get(
            post.get_absolute_url(),
            HTTP_USER_AGENT=BROWSER,
            REMOTE_ADDR=f"10.{n // 250}.{n % 250}.{n % 7 + 1}",
        )


def test_a_flood_of_views_leaves_a_sign_in_lockout_in_place(client, small_views_cache):
    user = UserFactory(username="ana", email="ana@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    for _ in range(5):
        client.post("/accounts/login/", {"login": "ana", "password": "wrong password!!"})

    _flood_views(client)

    response = client.post("/accounts/login/", {"login": "ana", "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    if connection.vendor == "sqlite" and "Database" in str(type(caches["views"])):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM radrounds_cache_views")
            assert cursor.fetchone()[0] <= 51  # the flood was culled, in its own table


def test_a_flood_of_views_leaves_an_import_preview_in_place(client, small_views_cache):
    admin = UserFactory(is_staff=True)
    batch = ImportBatch(
        user_id=admin.pk,
        source="test",
        fetched=FetchResult(records=(), failures=(), missing=(12345,)),
        requested=1,
    )
    batch_save(batch)

    _flood_views(client)

    assert batch_load(batch.token, user=admin) is not None
