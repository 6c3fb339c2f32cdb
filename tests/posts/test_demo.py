"""`seed_demo`: the demo content a new radRounds shows is radiology."""

import pytest
from django.core.management import call_command

from posts.models import Post
from posts.pubmed.parser import parse_pubmed_xml
from posts.services.imports import post_import
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RADIOLOGY_PMIDS = {
    15332011, 1561360, 16923984, 16972219, 17905894, 19373526, 20199940, 24225333, 24352861,
    26767071, 27161069, 29362842, 29374459, 29963580, 30819493, 35195805, 38878148, 4023224,
    471221, 8318299,
}  # fmt: skip


def test_demo_is_the_twenty_radiology_records_and_the_seed_article():
    call_command("seed_demo")

    assert set(Post.objects.exclude(pmid=None).values_list("pmid", flat=True)) == RADIOLOGY_PMIDS
    (handwritten,) = Post.objects.filter(pmid=None)
    assert handwritten.title.startswith("Management of chronic low back pain")


def test_the_seed_article_leads_the_home_page(client):
    call_command("seed_demo")

    first = client.get("/").context["page_obj"][0]

    assert first.title.startswith("Management of chronic low back pain")


def test_a_demo_search_for_spine_finds_the_seed_article(client):
    call_command("seed_demo")

    titles = [p.title for p in client.get("/search/", {"q": "spine"}).context["page_obj"]]

    assert any(t.startswith("Management of chronic low back pain") for t in titles)


def _old_demo_post(pubmed_file, **changes):
    (record, _other) = parse_pubmed_xml(pubmed_file("biopython/pubmed2.xml").read_bytes()).records
    return post_import(record=record, **changes).post


def test_old_off_topic_demo_posts_stay_unless_asked(pubmed_file, capsys):
    old = _old_demo_post(pubmed_file)

    call_command("seed_demo")

    old.refresh_from_db()
    assert not old.is_hidden
    assert "--retire-old-demo" in capsys.readouterr().out


def test_retiring_the_old_demo_hides_only_posts_nobody_posted(pubmed_file):
    old = _old_demo_post(pubmed_file)
    (_record, kept_record) = parse_pubmed_xml(
        pubmed_file("biopython/pubmed2.xml").read_bytes()
    ).records
    posted_by_admin = post_import(record=kept_record, posted_by=UserFactory()).post

    call_command("seed_demo", "--retire-old-demo")

    old.refresh_from_db()
    posted_by_admin.refresh_from_db()
    assert old.is_hidden
    assert not posted_by_admin.is_hidden
    assert Post.objects.filter(pk=old.pk).exists()  # hidden, not deleted
