from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.factories import UserFactory

URL = reverse("accounts:directory")


def names(response):
    return [m.username for m in response.context["page_obj"].object_list]


def test_directory_lists_active_members_only(client, db):
    UserFactory(username="active")
    UserFactory(username="gone", is_active=False)

    assert names(client.get(URL)) == ["active"]


def test_directory_searches_by_name(client, db):
    UserFactory(username="a1", display_name="Ana Ortiz")
    UserFactory(username="b1", display_name="Ben Lee")

    assert names(client.get(URL, {"q": "ortiz"})) == ["a1"]


def test_directory_searches_by_institution(client, db):
    UserFactory(username="a1", institution="Karolinska Institutet")
    UserFactory(username="b1", institution="Mayo Clinic")

    assert names(client.get(URL, {"q": "karolinska"})) == ["a1"]


def test_directory_filters_by_role(client, db):
    UserFactory(username="fel", role="fellow")
    UserFactory(username="res", role="resident")

    assert names(client.get(URL, {"role": "fellow"})) == ["fel"]


def test_directory_filters_by_subspecialty(client, db):
    UserFactory(username="neuro", subspecialty="neuro")
    UserFactory(username="breast", subspecialty="breast")

    assert names(client.get(URL, {"subspecialty": "breast"})) == ["breast"]


def test_directory_with_an_unknown_filter_value_is_not_an_error(client, db):
    response = client.get(URL, {"role": "wizard", "page": "nope"})

    assert response.status_code == HTTPStatus.OK


def test_directory_is_paginated_and_keeps_filters_in_page_links(client, db, settings):
    for _ in range(30):
        UserFactory(role="resident")

    response = client.get(URL, {"role": "resident"})

    assert len(response.context["page_obj"].object_list) == 24
    assert "role=resident&amp;page=2" in response.content.decode()


@pytest.mark.parametrize("count", [1, 24])
def test_directory_page_runs_a_fixed_number_of_queries(
    client, db, count, django_assert_num_queries
):
    for i in range(count):
        UserFactory(display_name=f"Member {i}", role="fellow", verified=i % 2 == 0)

    # One COUNT for the paginator, one SELECT for the page, one for their badges.
    with django_assert_num_queries(3):
        response = client.get(URL, {"q": "member"})

    assert len(response.context["page_obj"].object_list) == count
