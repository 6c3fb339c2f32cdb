from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts.models import RetiredUsername
from accounts.usernames import normalize_username, username_problem


class AccountAdapter(DefaultAccountAdapter):
    """radRounds' allauth hooks. Everything else is plain ACCOUNT_* settings."""

    def is_open_for_signup(self, request) -> bool:
        # Lets an operator close registration (e.g. during a spam wave) without a deploy.
        return settings.ACCOUNT_ALLOW_REGISTRATION

    def clean_username(self, username, shallow=False):
        """NFKC, plain ASCII, not reserved or a look-alike, not a deleted member's."""
        username = normalize_username(username)
        problem = username_problem(username)
        if problem:
            raise ValidationError(problem, code="invalid_username")
        if RetiredUsername.objects.filter(username=username.lower()).exists():
            raise self.validation_error("username_taken")
        return super().clean_username(username, shallow=shallow)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Count failed sign-ins per account, whichever identifier was typed.

        allauth keys its "5 failed sign-ins per 5 minutes" lock on the text typed,
        so an attacker could try 5 passwords with the username, 5 with each email
        address ... Resolving the identifier to the account gives one lock per
        account. An identifier that matches no account keeps its own key, so the
        answer for an unknown name looks exactly like the one for a known name.
        """
        login = (credentials.get("email") or credentials.get("username") or "").strip()
        user_id = _account_for(login)
        if user_id is not None:
            return f"account:{user_id}"
        return f"login:{login.lower()}"


def _account_for(login: str) -> int | None:
    if not login:
        return None
    User = get_user_model()
    if "@" in login:
        ids = set(
            EmailAddress.objects.filter(email__iexact=login).values_list("user_id", flat=True)
        )
        ids |= set(User.objects.filter(email__iexact=login).values_list("pk", flat=True))
    else:
        ids = set(User.objects.filter(Q(username__iexact=login)).values_list("pk", flat=True))
    # An address shared (unverified) by several accounts locks them under its own key.
    return ids.pop() if len(ids) == 1 else None
