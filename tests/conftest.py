import os

import pytest
from django.core.cache import caches

from tests.factories import UserFactory

if os.environ.get("RADROUNDS_MUTATION_DATABASE"):
    # `make mutate` (tests/mutation/execute.py) hands every run a fresh copy of a database it
    # migrated once, already named in settings: creating or checking it again for each of
    # thousands of short runs would take most of their time.
    @pytest.fixture(scope="session")
    def django_db_setup():
        yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every test account is made with a password, and the production hasher (PBKDF2,
    # a million rounds) costs about a third of a second each. Hashes made by it still
    # verify (it stays in the list); new ones are cheap. Django's testing docs advise this.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture(autouse=True)
def _tasks_and_email(settings):
    # Tasks run at once, in the caller's thread; email still goes through the real
    # outbox and delivery task, then lands in django.core.mail.outbox.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Run them inside the test's transaction too (REDIS_URL turns on-commit enqueueing on).
    settings.TASKS_ENQUEUE_ON_COMMIT = False
    settings.EMAIL_BACKEND = "accounts.mail.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    # The database cache lives in the test database and is rolled back with it.
    # A Redis cache outlives the test, so empty it: view marks and rate-limit
    # counters must not leak from one test into the next.
    for alias, config in settings.CACHES.items():
        if "Redis" in config["BACKEND"]:
            caches[alias].clear()
    yield
    # An outage a test provoked must not outlive it (the backends pause after one).
    for cache in caches.all(initialized_only=True):
        if hasattr(cache, "reset_outage"):
            cache.reset_outage()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def member_client(client, user):
    client.force_login(user)
    return client
