from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "posts"
    verbose_name = "Posts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_check_membership_badge, dispatch_uid="posts.one_year_badge")


def _check_membership_badge(sender, request, user, **kwargs):
    # Signing in is the moment a member's anniversary becomes visible to them; the
    # recompute_badges command catches those who stay signed in for months.
    from posts.services.achievements import badge_check_membership

    badge_check_membership(user=user)
