from http import HTTPStatus

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from posts.models import Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/posts/post/"


@pytest.fixture
def admin_client_(client, staff_user):
    client.force_login(staff_user)
    return client


def test_changelist_shows_title_pmid_journal_year_views_and_poster(admin_client_, staff_user):
    staff_user.display_name = "Dr Ada Lovelace"
    staff_user.save()
    PostFactory(
        title="Spinal <i>in vivo</i> injections.",
        pmid=18025516,
        journal_abbrev="Radiographics",
        posted_by=staff_user,
    )

    response = admin_client_.get(CHANGELIST)

    for text in ("Spinal <i>in vivo</i> injections.", "18025516", "Radiographics", "2007"):
        assertContains(response, text)
    assertContains(response, '<td class="field-poster">Dr Ada Lovelace</td>', html=True)


def test_changelist_labels_hidden_posts_and_only_those(admin_client_):
    PostFactory(title="Shown.")
    PostFactory(title="Taken down.", is_hidden=True)

    response = admin_client_.get(CHANGELIST)

    # Each label appears twice: in the status column and under the title for phones.
    assertContains(response, '<span class="post-status post-status--hidden">Hidden</span>', 2)
    assertContains(response, '<span class="post-status">Visible</span>', 2)
    assertNotContains(response, "icon-no.svg")


@pytest.mark.parametrize("query", ["spinal", "18025516", "10.1148/rg.276075023", "niemeyer"])
def test_changelist_searches_title_pmid_doi_and_author(admin_client_, query):
    PostFactory(title="Spinal injections.", pmid=18025516, doi="10.1148/rg.276075023")
    PostFactory(title="Something else.", authors=[])

    response = admin_client_.get(CHANGELIST, {"q": query})

    assert [p.title for p in response.context["cl"].result_list] == ["Spinal injections."]


def test_changelist_filters_by_hidden(admin_client_):
    PostFactory(title="Shown.")
    PostFactory(title="Hidden.", is_hidden=True)

    response = admin_client_.get(CHANGELIST, {"is_hidden__exact": "1"})

    assert [p.title for p in response.context["cl"].result_list] == ["Hidden."]


def test_hide_and_unhide_actions(admin_client_):
    post = PostFactory()

    admin_client_.post(CHANGELIST, {"action": "hide_posts", "_selected_action": [post.pk]})
    post.refresh_from_db()
    assert post.is_hidden

    admin_client_.post(CHANGELIST, {"action": "unhide_posts", "_selected_action": [post.pk]})
    post.refresh_from_db()
    assert not post.is_hidden


def test_admin_writes_a_post_by_hand_without_a_pmid(admin_client_, staff_user, client):
    response = admin_client_.post(
        "/admin/posts/post/add/",
        {
            "title": "Hand-written <i>in vivo</i> note.",
            "authors_text": "Fritz J | Dept of Radiology, Tübingen\nACR Appropriateness Panel",
            "abstract_text": "BACKGROUND: Why it matters.\n\nRESULTS: What we found.",
            "mesh_text": "*Low Back Pain / diagnosis\nInjections, Spinal",
            "keywords_text": "spine; injection",
            "publication_types_text": "Review",
            "journal_abbrev": "Radiographics",
            "pub_date": "2007 Nov-Dec",
        },
    )

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    post = Post.objects.get()
    assert post.pmid is None and post.posted_by == staff_user
    assert post.author_line == "Fritz J, ACR Appropriateness Panel"
    assert post.first_affiliation == "Dept of Radiology, Tübingen"
    assert post.abstract == [
        {"label": "BACKGROUND", "text": "Why it matters."},
        {"label": "RESULTS", "text": "What we found."},
    ]
    assert post.mesh_terms[0] == {
        "descriptor": "Low Back Pain",
        "major": True,
        "qualifiers": ["diagnosis"],
    }
    assert post.keywords == ["spine", "injection"]
    page = client.get(post.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0")
    assertContains(page, 'href="https://pubmed.ncbi.nlm.nih.gov/?term=Hand-written+in+vivo+note.')


def test_a_post_needs_a_title(admin_client_):
    response = admin_client_.post("/admin/posts/post/add/", {"title": "<script></script>"})

    assert response.status_code == HTTPStatus.OK
    assert "A post needs a title." in str(response.context["adminform"].form.errors)
    assert not Post.objects.exists()


def test_editing_an_imported_post_round_trips_its_lists(admin_client_):
    post = PostFactory()
    form = admin_client_.get(f"/admin/posts/post/{post.pk}/change/").context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data["posted_by"] = ""

    admin_client_.post(f"/admin/posts/post/{post.pk}/change/", data)

    refreshed = Post.objects.get(pk=post.pk)
    assert refreshed.authors == post.authors
    assert refreshed.mesh_terms == post.mesh_terms
    assert refreshed.abstract == post.abstract


def test_members_cannot_reach_the_post_admin(member_client):
    response = member_client.get(CHANGELIST)

    assert response.status_code == HTTPStatus.FOUND
    assert Post.objects.count() == 0
