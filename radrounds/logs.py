"""Log formatting and error mail for production."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from django.conf import settings
from django.core.mail import get_connection
from django.utils.log import AdminEmailHandler as DjangoAdminEmailHandler

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, extra fields, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key != "request":
                entry[key] = (
                    value if isinstance(value, str | int | float | bool | None) else str(value)
                )
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry.setdefault("method", request.method)
            entry.setdefault("path", request.path)
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class AdminEmailHandler(DjangoAdminEmailHandler):
    """Django's error mail to ADMINS, sent straight through EMAIL_DELIVERY_BACKEND.

    EMAIL_BACKEND stores mail in the database outbox; an error mail must not depend
    on the database being healthy. Settings are read when an error happens, so tests
    and a changed configuration take effect without reconfiguring logging.
    """

    def connection(self):
        return get_connection(backend=settings.EMAIL_DELIVERY_BACKEND, fail_silently=True)
