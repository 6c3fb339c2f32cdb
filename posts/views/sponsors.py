from http import HTTPStatus

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from posts.models import Sponsor
from posts.services.sponsors import sponsor_event_count
from posts.visitors import is_bot
from radrounds.ratelimit import Rate, rate_limit_hit


def _counts(request) -> bool:
    """Robots are not an audience; a burst from one address is not either."""
    if is_bot(request.META.get("HTTP_USER_AGENT", "")):
        return False
    address = salted_hmac("radrounds.sponsor", request.META.get("REMOTE_ADDR", "")).hexdigest()
    return rate_limit_hit(scope="sponsor", key=address[:32], rates=[Rate(60, 60)]) is None


@never_cache
@require_safe
def click(request, pk: int):
    """Go to the sponsor's stored address (and nowhere else), counting the click."""
    sponsor = get_object_or_404(Sponsor.objects.only("pk", "target_url", "is_active"), pk=pk)
    if request.method == "GET" and sponsor.is_active and _counts(request):
        sponsor_event_count(sponsor_id=sponsor.pk, kind="clicks")
    return HttpResponseRedirect(sponsor.target_url)


# No CSRF token: the beacon comes from pages that may be cached and shared, it acts
# for nobody and changes nothing but an anonymous tally.
@csrf_exempt
@require_POST
def impression(request):
    """sponsor.js reports the sponsor it showed (navigator.sendBeacon, form-encoded ``id``)."""
    try:
        sponsor_id = int(request.POST.get("id", ""))
    except ValueError:
        return HttpResponse("Which sponsor? Send id=<number>.", status=HTTPStatus.BAD_REQUEST)
    if not Sponsor.objects.active().filter(pk=sponsor_id).exists():
        return HttpResponse("No such sponsor is running.", status=HTTPStatus.NOT_FOUND)
    if _counts(request):
        sponsor_event_count(sponsor_id=sponsor_id, kind="impressions")
    return HttpResponse(status=HTTPStatus.NO_CONTENT)
