import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _account_settings(settings):
    # Production behaviour by default; tests that relax it say so.
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    settings.STAFF_REQUIRE_MFA = False


@pytest.fixture
def verified_user(db):
    user = UserFactory(username="ana", email="ana@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def staff_member(db):
    user = UserFactory(
        username="chief", email="chief@example.org", is_staff=True, is_superuser=True
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def totp_secret():
    return generate_totp_secret()


@pytest.fixture
def staff_with_totp(staff_member, totp_secret):
    """A staff member with a real, activated allauth TOTP authenticator."""
    TOTP.activate(staff_member, totp_secret)
    assert Authenticator.objects.filter(user=staff_member, type=Authenticator.Type.TOTP).exists()
    return staff_member
