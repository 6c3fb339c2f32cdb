from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """radRounds' allauth hooks. Everything else is plain ACCOUNT_* settings."""

    def is_open_for_signup(self, request) -> bool:
        # Lets an operator close registration (e.g. during a spam wave) without a deploy.
        return settings.ACCOUNT_ALLOW_REGISTRATION
