from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse


class StaffMFAMiddleware:
    """Send staff without two-factor authentication to set it up before the admin.

    The admin login itself already goes through allauth (see accounts/admin.py), so
    a staff member with an authenticator has passed the TOTP stage by the time they
    get here. ``STAFF_REQUIRE_MFA`` turns this on (production) or off (local runs).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.STAFF_REQUIRE_MFA and self._needs_mfa(request):
            messages.warning(
                request,
                "Staff accounts need two-factor authentication. Set up an authenticator "
                "app to continue to the admin.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _needs_mfa(request) -> bool:
        # The path first: looking at request.user loads the session, which pages
        # outside the admin (and /healthz) must not pay for.
        if not request.path.startswith(reverse("admin:index")):
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return False
        return not is_mfa_enabled(user)
