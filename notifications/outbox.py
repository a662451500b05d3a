"""The worker's side of the outbox: send what is due, and space out the retries.

django-post-office sends the queued rows, keeps each one's status and logs each failure
(Log.message, Log.exception_type); a failed row is requeued up to POST_OFFICE["MAX_RETRIES"]
times. Its retry interval is fixed, so after each pass the rows it just requeued are moved
further out, doubling with each attempt (a mail server that is down for hours is not hammered).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile

from django.conf import settings
from django.db import connection
from django.utils import timezone
from post_office.lockfile import FileLock
from post_office.mail import get_queued, send_queued
from post_office.models import STATUS, Email

MAX_BACKOFF = dt.timedelta(hours=6)
MAX_PASSES = 1000  # a bound, not a limit met in practice: 100 messages a pass


def retry_delay(attempt: int) -> dt.timedelta:
    """The wait before retry number `attempt` (1, 2, ...): the base interval, doubled each
    time, at most six hours."""
    base = settings.POST_OFFICE["RETRY_INTERVAL"]
    return min(base * 2 ** max(attempt - 1, 0), MAX_BACKOFF)


def back_off(*, since: dt.datetime) -> int:
    """Reschedule the rows requeued since `since` by their attempt count."""
    moved = 0
    for email in Email.objects.filter(status=STATUS.requeued, last_updated__gte=since):
        email.scheduled_time = email.last_updated + retry_delay(email.number_of_retries or 1)
        email.save(update_fields=["scheduled_time"])
        moved += 1
    return moved


def send_due() -> dict[str, int]:
    """Send every message that is due now; returns the counts."""
    totals = {"sent": 0, "failed": 0, "requeued": 0}
    for _ in range(MAX_PASSES):
        if not get_queued().exists():
            break
        started = timezone.now()
        sent, failed, requeued = send_queued(processes=1)
        back_off(since=started)
        totals["sent"] += sent
        totals["failed"] += failed
        totals["requeued"] += requeued
    return totals


def worker_lock() -> FileLock:
    """Only one worker sends from a database at a time, so that no message goes out twice."""
    db = connection.settings_dict
    key = hashlib.sha256(f"{db['HOST']}:{db['PORT']}/{db['NAME']}".encode()).hexdigest()[:16]
    return FileLock(os.path.join(tempfile.gettempdir(), f"mentoring-leave-outbox-{key}"))


def queue_again(queryset) -> int:
    """Put messages back in the queue, due now, with a fresh count of retries."""
    return queryset.update(status=STATUS.queued, scheduled_time=None, number_of_retries=0)
