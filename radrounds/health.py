"""Liveness and readiness for load balancers and orchestrators.

``/healthz`` answers as long as the process serves requests: no database, no cache.
``/readyz`` checks what a request needs: the database (a ``SELECT 1``), each cache
alias and the task queue, each one cheap enough to poll every second. It answers 503
only when the database is down, since nothing works without it; a cache or queue
outage leaves the site serving in a degraded way, so it is reported ("degraded")
without taking every app server out of the load balancer at once.
"""

from http import HTTPStatus

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from radrounds.cache import cache_ping


@never_cache
@require_safe
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - reported, not raised
        return f"error: {type(error).__name__}"
    return "ok"


def _task_queue() -> str:
    backend = settings.TASKS["default"]["BACKEND"]
    try:
        if backend.startswith("django_tasks_rq"):
            import django_rq

            django_rq.get_connection("default").ping()
        elif backend.startswith("django_tasks_db"):
            from django_tasks_db.models import DBTaskResult

            DBTaskResult.objects.only("pk").first()
    except Exception as error:  # noqa: BLE001 - reported, not raised
        return f"error: {type(error).__name__}"
    return "ok"


@never_cache
@require_safe
def readyz(request):
    checks = {"database": _database()}
    checks.update({f"cache:{alias}": cache_ping(alias) for alias in settings.CACHES})
    checks["task_queue"] = _task_queue() if checks["database"] == "ok" else "unknown"
    if checks["database"] != "ok":
        status = "unavailable"
    elif all(value == "ok" for value in checks.values()):
        status = "ok"
    else:
        status = "degraded"
    return JsonResponse(
        {"status": status, "checks": checks},
        status=HTTPStatus.SERVICE_UNAVAILABLE if status == "unavailable" else HTTPStatus.OK,
    )
