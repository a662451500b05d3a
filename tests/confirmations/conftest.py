"""Fixtures for the organizations' confirmations: a contact, hours that wait, the email's token,
and a snapshot of everything a refusal must leave unchanged.

"Today" is pinned to July 1 of this year (the services read it through policy.dates.today()).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from confirmations.models import ConfirmationLink, Dispute, VerificationContact
from confirmations.services import confirmation_requests_send
from hours import services
from hours.models import Balance, PersonalHours
from ledger.models import LedgerEntry
from policy import dates

TOKEN = re.compile(r"/confirm/#(\S+)")


@pytest.fixture(autouse=True)
def today(monkeypatch) -> dt.date:
    pinned = dt.date(dt.date.today().year, 7, 1)
    monkeypatch.setattr(dates, "today", lambda: pinned)
    cache.clear()  # the page's throttle counts in the cache
    return pinned


@pytest.fixture
def contact(org) -> VerificationContact:
    return VerificationContact.objects.create(
        organization=org, name="Ana Ruiz", email="ana.ruiz@friendsforyouth.org"
    )


@pytest.fixture
def log_hours(day):
    """log_hours(employee, hours, n=0, **fields): personal hours logged through the service."""

    def make(employee, value, n: int = 0, **fields):
        return services.personal_hours_log(
            employee=employee,
            by=employee.user,
            date=day(n),
            hours=Decimal(str(value)),
            source="non_working_time",
            organization=fields.pop("organization", employee.enrollments.first().organization),
            **fields,
        )

    return make


def token_in(message) -> str:
    return TOKEN.search(message.body).group(1)


@pytest.fixture
def send():
    """send(**kwargs): send confirmation requests; the token of the last email sent."""

    def make(**kwargs) -> str:
        before = len(mail.outbox)
        confirmation_requests_send(**kwargs)
        assert len(mail.outbox) > before, "no email was sent"
        return token_in(mail.outbox[-1])

    return make


@pytest.fixture
def anonymous():
    def make(**kwargs) -> Client:
        return Client(**kwargs)

    return make


def snapshot() -> dict:
    """Everything a refused answer must leave as it was."""
    return {
        "statuses": list(PersonalHours.objects.order_by("pk").values_list("pk", "status")),
        "ledger": LedgerEntry.objects.count(),
        "disputes": Dispute.objects.count(),
        "links": list(ConfirmationLink.objects.order_by("pk").values_list("pk", "revoked_at")),
        "balances": list(
            Balance.objects.order_by("pk").values_list("personal_verified", "personal_logged")
        ),
    }
