from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _prune_search_index(sender, using, **kwargs):
    """Drop index entries of posts that no longer exist.

    The full-text table is not a Django model (an FTS5 virtual table, or a tsvector
    table without a foreign key so ``TRUNCATE`` works), so ``manage.py flush`` cannot
    empty it; flush ends by sending ``post_migrate``, and this keeps the index from
    outliving the posts. Every ordinary delete already removes its entries
    (``posts.services.search_index``).
    """
    from django.db import connections

    from posts.search import backend

    connection = connections[using]
    tables = connection.introspection.table_names()
    if "posts_post_search" in tables and "posts_post" in tables:
        with connection.cursor() as cursor:
            backend(connection).prune(cursor)


class PostsConfig(AppConfig):
    name = "posts"
    verbose_name = "Posts"

    def ready(self):
        post_migrate.connect(_prune_search_index, sender=self)
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_check_membership_badge, dispatch_uid="posts.one_year_badge")


def _check_membership_badge(sender, request, user, **kwargs):
    # Signing in is the moment a member's anniversary becomes visible to them; the
    # recompute_badges command catches those who stay signed in for months.
    from posts.services.achievements import badge_check_membership

    badge_check_membership(user=user)
