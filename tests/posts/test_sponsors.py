"""The Sponsor Ad slot: choice by dates and weights, clicks, impressions, the admin."""

import json
import random
import re
from collections import Counter
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains

from posts.models import Sponsor
from posts.services.sponsors import FLUSH_PENDING_KEY, sponsor_save, sponsor_stats_flush
from posts.sponsors import choose, process_sponsor_image, slot_sponsors
from tests.accounts.images import image_upload
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}


def make_sponsor(**fields) -> Sponsor:
    defaults = {
        "name": "Contrast Co",
        "alt_text": "Contrast Co: safer contrast media",
        "target_url": "https://contrast.example/radiology",
    }
    sponsor = Sponsor(**{**defaults, **fields})
    return sponsor_save(sponsor=sponsor, image=process_sponsor_image(image_upload(size=(600, 300))))


def _slot_data(response) -> list[dict]:
    match = re.search(
        r'<script id="sponsor-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1)) if match else []


def test_choice_follows_the_weights():
    heavy, light = Sponsor(name="heavy", weight=3), Sponsor(name="light", weight=1)
    rng = random.Random(9)

    picks = Counter(choose([heavy, light], rng=rng).name for _ in range(20_000))

    assert 0.72 < picks["heavy"] / 20_000 < 0.78


def test_choice_of_nothing_is_nothing():
    assert choose([]) is None


def test_only_sponsors_inside_their_dates_and_switched_on_are_chosen():
    now = timezone.now()
    running = make_sponsor(name="Running", active_from=now - timedelta(days=1))
    make_sponsor(name="Ended", active_until=now - timedelta(minutes=1))
    make_sponsor(name="Later", active_from=now + timedelta(days=30))
    make_sponsor(name="Off", is_active=False)

    chosen = {slot_sponsors(now=now)[1] for _ in range(50)}

    assert chosen == {running}


def test_a_page_carries_sponsors_starting_soon_so_a_cached_copy_can_switch(settings):
    settings.SPONSOR_LOOKAHEAD_SECONDS = 3600
    now = timezone.now()
    make_sponsor(name="Running")
    make_sponsor(name="Soon", active_from=now + timedelta(minutes=30))
    make_sponsor(name="Next month", active_from=now + timedelta(days=30))

    carried, chosen = slot_sponsors(now=now)

    assert {s.name for s in carried} == {"Running", "Soon"}
    assert chosen.name == "Running"


def test_home_and_post_pages_show_the_labelled_sponsor_slot(client):
    sponsor = make_sponsor()
    post = PostFactory()

    for url in ("/", post.get_absolute_url()):
        response = client.get(url, **BROWSER)
        assertContains(response, "Sponsor Ad")
        assertContains(response, f'href="/sponsors/{sponsor.pk}/click/" rel="sponsored noopener"')
        assertContains(response, f'alt="{sponsor.alt_text}"')
        assertContains(response, 'src="/static/js/sponsor.js" defer')


def test_the_page_carries_every_running_sponsor_for_the_script_to_choose(client):
    a = make_sponsor(name="A", weight=1)
    b = make_sponsor(name="B", weight=4, active_until=timezone.now() + timedelta(days=2))

    data = _slot_data(client.get("/"))

    assert {d["id"]: d["weight"] for d in data} == {a.pk: 1, b.pk: 4}
    b_data = next(d for d in data if d["id"] == b.pk)
    assert b_data["href"] == f"/sponsors/{b.pk}/click/"
    assert b_data["until"] == b.active_until.isoformat()
    assert "impressions" not in b_data and "clicks" not in b_data


def test_without_an_active_sponsor_there_is_no_slot_at_all(client):
    make_sponsor(is_active=False)

    response = client.get("/")

    assertNotContains(response, "Sponsor Ad")
    assertNotContains(response, "sponsor-data")


def test_a_click_goes_to_the_stored_address_only(client):
    sponsor = make_sponsor(target_url="https://contrast.example/offer?a=1&b=2")

    response = client.get(f"/sponsors/{sponsor.pk}/click/?next=https://evil.example/", **BROWSER)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "https://contrast.example/offer?a=1&b=2"
    assert "no-cache" in response["Cache-Control"]


def test_a_click_on_an_unknown_sponsor_is_404(client):
    assert client.get("/sponsors/4242/click/", **BROWSER).status_code == HTTPStatus.NOT_FOUND


def test_clicks_are_counted_and_reach_the_database(client):
    sponsor = make_sponsor()

    client.get(f"/sponsors/{sponsor.pk}/click/", **BROWSER)
    client.get(f"/sponsors/{sponsor.pk}/click/", **BROWSER)
    sponsor_stats_flush()

    sponsor.refresh_from_db()
    assert sponsor.clicks == 2


def test_crawlers_following_the_link_are_not_counted(client):
    sponsor = make_sponsor()

    client.get(f"/sponsors/{sponsor.pk}/click/", HTTP_USER_AGENT="Googlebot/2.1")
    sponsor_stats_flush()

    sponsor.refresh_from_db()
    assert sponsor.clicks == 0


def test_an_impression_is_counted_in_the_cache_without_writing_the_sponsor_row(client):
    sponsor = make_sponsor()
    cache.set(FLUSH_PENDING_KEY, 1, 300)  # a flush is already on its way

    with CaptureQueriesContext(connection) as queries:
        response = client.post("/sponsors/impressions/", {"id": sponsor.pk}, **BROWSER)

    assert response.status_code == HTTPStatus.NO_CONTENT
    writes = [q["sql"] for q in queries if re.match(r"(UPDATE|INSERT).*posts_sponsor", q["sql"])]
    assert writes == []
    sponsor.refresh_from_db()
    assert sponsor.impressions == 0

    assert sponsor_stats_flush() == 1
    sponsor.refresh_from_db()
    assert sponsor.impressions == 1
    assert sponsor_stats_flush() == 0  # counted once, not again


def test_the_first_event_schedules_a_flush_through_the_task_queue(client):
    sponsor = make_sponsor()

    # Tests run tasks at once, so the scheduled flush has already run.
    client.post("/sponsors/impressions/", {"id": sponsor.pk}, **BROWSER)

    sponsor.refresh_from_db()
    assert sponsor.impressions == 1


def test_an_impression_for_a_sponsor_not_running_is_refused(client):
    sponsor = make_sponsor(is_active=False)

    response = client.post("/sponsors/impressions/", {"id": sponsor.pk}, **BROWSER)

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_an_impression_without_a_sponsor_id_is_a_clear_400(client):
    response = client.post("/sponsors/impressions/", {"id": "x"}, **BROWSER)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"id=<number>" in response.content


def test_impressions_are_only_counted_by_post(client):
    sponsor = make_sponsor()

    response = client.get(f"/sponsors/impressions/?id={sponsor.pk}", **BROWSER)

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_sponsor_images_are_re_encoded_as_webp_under_a_random_name():
    sponsor = make_sponsor()

    assert sponsor.image.name.startswith("sponsors/") and sponsor.image.name.endswith(".webp")
    with sponsor.image.open() as handle:
        image = Image.open(handle)
        assert image.format == "WEBP"
        assert image.size == (sponsor.image_width, sponsor.image_height) == (600, 300)


def _admin_data(**overrides):
    return {
        "name": "Contrast Co",
        "alt_text": "Contrast Co: safer contrast media",
        "target_url": "https://contrast.example/",
        "weight": "2",
        "is_active": "on",
        "image_upload": image_upload(size=(1200, 400)),
        **overrides,
    }


def test_staff_add_a_sponsor_in_the_admin(client, staff_user):
    client.force_login(staff_user)

    response = client.post(reverse("admin:posts_sponsor_add"), _admin_data())

    assert response.status_code == HTTPStatus.FOUND
    sponsor = Sponsor.objects.get()
    assert (sponsor.image_width, sponsor.image_height) == (640, 213)
    assert sponsor.weight == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"image_upload": image_upload(name="x.png", fmt="GIF")}, "Upload a JPEG, PNG or WebP"),
        ({"image_upload": ""}, "A sponsor needs an image."),
        ({"alt_text": ""}, "This field is required."),
        ({"target_url": "ftp://contrast.example/"}, "Enter a valid URL."),
        ({"target_url": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"weight": "0"}, "greater than or equal to 1"),
        (
            {
                "active_from_0": "2030-01-02",
                "active_from_1": "00:00",
                "active_until_0": "2030-01-01",
                "active_until_1": "00:00",
            },
            "The end must come after the start.",
        ),
    ],
)
def test_the_sponsor_form_refuses_bad_input(client, staff_user, overrides, message):
    client.force_login(staff_user)

    response = client.post(reverse("admin:posts_sponsor_add"), _admin_data(**overrides))

    assert response.status_code == HTTPStatus.OK
    assertContains(response, message)
    assert not Sponsor.objects.exists()


def test_the_admin_shows_current_counts_and_the_click_through_rate(client, staff_user):
    sponsor = make_sponsor()
    Sponsor.objects.filter(pk=sponsor.pk).update(impressions=199, clicks=50)
    cache.set(FLUSH_PENDING_KEY, 1, 300)
    client.post("/sponsors/impressions/", {"id": sponsor.pk}, **BROWSER)  # waits in the cache
    client.force_login(staff_user)

    response = client.get(reverse("admin:posts_sponsor_changelist"))

    assertContains(response, "25.00%")  # 50 clicks / 200 impressions
    assertContains(response, ">200<")


def test_the_flush_command_stores_what_waits_in_the_cache(client, capsys):
    from django.core.management import call_command

    sponsor = make_sponsor()
    cache.set(FLUSH_PENDING_KEY, 1, 300)
    client.get(f"/sponsors/{sponsor.pk}/click/", **BROWSER)

    call_command("flush_sponsor_stats")

    assert "1 sponsor impression(s) and click(s) stored." in capsys.readouterr().out
    sponsor.refresh_from_db()
    assert sponsor.clicks == 1


def test_with_a_real_queue_the_flush_waits_a_few_minutes(client, settings):
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    sponsor = make_sponsor()

    client.post("/sponsors/impressions/", {"id": sponsor.pk}, **BROWSER)
    client.post("/sponsors/impressions/", {"id": sponsor.pk}, **BROWSER)

    (queued,) = task_backends["default"].results  # one flush for the burst, not one per hit
    assert queued.task.name == "sponsor_stats_flush_task"
    assert queued.task.run_after > timezone.now() + timedelta(minutes=4)
    sponsor.refresh_from_db()
    assert sponsor.impressions == 0
    assert sponsor_stats_flush() == 2
