import factory
from django.contrib.auth import get_user_model

from posts.models import Post
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
