"""`create_local_admin`, the account `make run` creates and prints once."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("create_local_admin", *args, stdout=out)
    return out.getvalue()


def test_prints_a_password_that_signs_in_and_the_address_it_is_served_on():
    output = run("--site-url", "http://127.0.0.1:8130")

    password = re.search(r"password: (\S+)", output)[1]
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password(password)
    assert "Sign in at http://127.0.0.1:8130/admin/" in output


def test_running_it_again_leaves_the_account_alone():
    run()
    admin = get_user_model().objects.get(username="admin")

    output = run()

    assert "already exists" in output
    assert "password:" not in output
    assert get_user_model().objects.get(username="admin").password == admin.password


def test_refuses_in_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        run()
    assert not get_user_model().objects.filter(username="admin").exists()
