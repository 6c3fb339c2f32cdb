"""Small helpers the discussion views share."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def wants_json(request) -> bool:
    """The page's script asks for JSON; a plain form post gets a redirect or a page."""
    return "application/json" in request.headers.get("Accept", "")


def safe_next(request, default: str) -> str:
    """Where the member was (the form's ``next``), if it is on this site; else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def back(request, default: str, **data):
    """POST/redirect/GET back to the same place, or JSON for the script."""
    if wants_json(request):
        return JsonResponse(data)
    return redirect(safe_next(request, default))


def json_error(message: str, status: int):
    return JsonResponse({"error": message}, status=status)
