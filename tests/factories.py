from html import escape

import factory
from django.contrib.auth import get_user_model
from django.db.models import F

from posts.models import Comment, Post
from posts.services.search_index import post_index


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class PostFactory(factory.django.DjangoModelFactory):
    """A post written the way the site writes them: saved, then indexed for search."""

    class Meta:
        model = Post
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Imaging-guided spinal injections, part {n}.")
    journal_title = (
        "Radiographics : a review publication of the Radiological Society of North America, Inc"
    )
    journal_abbrev = "Radiographics"
    volume = "27"
    issue = "6"
    pages = "1751-71"
    pub_date = "2007 Nov-Dec"
    pub_year = 2007
    language = "eng"
    authors = factory.LazyFunction(
        lambda: [
            {
                "last_name": "Fritz",
                "fore_name": "Jan",
                "initials": "J",
                "affiliations": ["Department of Diagnostic Radiology, Tübingen, Germany."],
            },
            {"last_name": "Niemeyer", "fore_name": "Thomas", "initials": "T", "affiliations": []},
        ]
    )
    abstract = factory.LazyFunction(
        lambda: [
            {
                "label": "",
                "text": (
                    "If low back pain does not improve with conservative management, "
                    "the cause of the pain must be determined."
                ),
            }
        ]
    )
    mesh_terms = factory.LazyFunction(
        lambda: [{"descriptor": "Low Back Pain", "major": True, "qualifiers": ["diagnosis"]}]
    )

    @factory.post_generation
    def search_index(post, create, extracted, **kwargs):
        if create:
            post_index(post=post)


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment as the site stores it (body_html rendered like the service does)."""

    class Meta:
        model = Comment
        skip_postgeneration_save = True

    post = factory.SubFactory(PostFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Comment number {n} on the spine injections.")
    body_html = factory.LazyAttribute(lambda c: f"<p>{escape(c.body)}</p>")

    @factory.post_generation
    def _count_on_post(comment, create, extracted, **kwargs):
        # What comment_create does to the post's counters.
        if create and not comment.is_deleted:
            Post.objects.filter(pk=comment.post_id).update(
                comment_count=F("comment_count") + 1, last_commented_at=comment.created_at
            )


# What the Moderators group holds (posts/migrations/0009_moderators_and_report_pages.py);
# listed here on purpose, so a test notices when the migration's list changes.
MODERATOR_PERMISSIONS = {
    ("accounts", "view_user"),
    ("accounts", "hide_profile"),
    ("posts", "view_post"),
    ("posts", "hide_post"),
    ("posts", "view_comment"),
    ("posts", "hide_comment"),
    ("posts", "view_report"),
    ("posts", "change_report"),
    ("posts", "view_reportevent"),
}


def moderators_group():
    """The Moderators group the data migration made. Tests on a flushed database
    (transactional ones, browser journeys) get it made again with the same rights."""
    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name="Moderators")
    if created:
        wanted = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in MODERATOR_PERMISSIONS
        ]
        group.permissions.set(wanted)
    return group


def verified_member(**fields):
    """A member with a confirmed email address (mail about members goes only there)."""
    from allauth.account.models import EmailAddress

    user = UserFactory(**fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def moderator(**fields):
    """A staff member in the Moderators group: not a superuser."""
    user = verified_member(is_staff=True, **fields)
    user.groups.add(moderators_group())
    return user
