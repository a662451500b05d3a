"""The daily digest: each person is told what waits for them, oldest first, with counts.

Each audience is a function from today to the digests it owes: coordinators today; supervisors
and delegates join by adding their own function to AUDIENCES (and the topic it sends under).
A digest goes out only when something waits, once per person, audience and day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.urls import reverse

from agencies.models import Role
from agencies.roles import roles_of
from notifications.models import Kind
from notifications.services import message_queue_once
from policy import rules
from web import selectors as queues

LISTED = 20  # the oldest items a digest lists; the counts cover them all


@dataclass(frozen=True)
class Item:
    kind: str  # "Paid leave request" or "Personal hours to verify"
    employee: str
    hours: str
    date: dt.date
    waiting_since: dt.date


@dataclass
class Digest:
    user: object
    topic: str
    link: str
    counts: dict[str, int] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _name(employee) -> str:
    return employee.user.get_full_name() or employee.user.username


def coordinator_digest(user) -> Digest:
    """What waits in the coordinator's queue: the requests to decide and the hours to
    verify, as the queue page shows them."""
    roles = roles_of(user)
    requests = queues.pending_requests(roles)
    hours = queues.hours_awaiting_verification(roles)
    digest = Digest(user=user, topic="digest-coordinator", link=reverse("web:queue"))
    digest.counts = {"requests": requests.count(), "hours": hours.count()}
    items = [
        Item(
            "Paid leave request",
            _name(r.employee),
            rules.plural_hours(r.hours),
            r.date,
            r.created_at.date(),
        )
        for r in requests.order_by("created_at", "id")[:LISTED]
    ] + [
        Item(
            "Personal hours to verify",
            _name(h.employee),
            rules.plural_hours(h.hours),
            h.date,
            h.created_at.date(),
        )
        for h in hours.order_by("created_at", "id")[:LISTED]
    ]
    digest.items = sorted(items, key=lambda item: (item.waiting_since, item.date))[:LISTED]
    return digest


def coordinators(today: dt.date) -> Iterable[Digest]:
    users = get_user_model().objects.filter(is_active=True, roles__kind=Role.Kind.COORDINATOR)
    for user in users.distinct().order_by("pk"):
        yield coordinator_digest(user)


AUDIENCES: list[Callable[[dt.date], Iterable[Digest]]] = [coordinators]


def send_digests(*, today: dt.date) -> int:
    """Queue today's digests; returns how many were queued (none twice for the same day)."""
    queued = 0
    for audience in AUDIENCES:
        for digest in audience(today):
            if digest.total == 0:
                continue
            queued += message_queue_once(
                user=digest.user,
                kind=Kind.DIGEST,
                topic=digest.topic,
                period=today.isoformat(),
                template="reminders/email/digest",
                context={"digest": digest, "today": today},
                link=digest.link,
            )
    return queued
