"""The coordinator's daily digest: what waits in their agency's queue, oldest first, with
counts; only when something waits; once a day; never to someone who turned it off."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from post_office.models import Email

from hours.models import LeaveRequest, PersonalHours
from notifications.models import Sent
from notifications.services import preference_set
from reminders.digests import send_digests

from ..factories import LeaveRequestFactory, PersonalHoursFactory

QUEUE = "https://mentoring.example.ca.gov/coordinator/"


def waiting_since(row, days_ago: int) -> None:
    type(row).objects.filter(pk=row.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago)
    )


@pytest.fixture
def dot_queue(employee, org):
    """Two items wait at DOT: hours logged 5 days ago, a request made 2 days ago."""
    hours = PersonalHoursFactory(
        employee=employee, organization=org, hours=Decimal("3"), notes="Tutored Alex."
    )
    leave = LeaveRequestFactory(
        employee=employee,
        organization=org,
        hours=Decimal("4"),
        date=dt.date(dt.date.today().year, 7, 9),
        notes="Field trip with Alex.",
    )
    waiting_since(hours, 5)
    waiting_since(leave, 2)
    return hours, leave


def test_a_coordinator_gets_the_queue_oldest_first_with_counts(coordinator, dot_queue, on):
    today = on(7, 10)
    assert send_digests(today=today) == 1
    [message] = Email.objects.all()
    assert message.to == [coordinator.email]
    assert message.subject == "2 items wait for you in the mentoring leave queue"
    text = message.message
    assert "1 paid leave request to decide" in text
    assert "1 personal hours entry to verify" in text
    assert text.index("Personal hours to verify") < text.index("Paid leave request")
    assert "4 hours on Jul 9" in text
    assert QUEUE in text and f'href="{QUEUE}"' in message.html_message
    for body in (text, message.html_message):
        assert "Alex" not in body  # the employee's notes are never quoted


def test_nothing_waits_nothing_is_sent(coordinator, other_coordinator, on):
    assert send_digests(today=on(7, 10)) == 0
    assert Email.objects.count() == 0


def test_only_the_agency_that_waits_hears_of_it(coordinator, other_coordinator, dot_queue, on):
    send_digests(today=on(7, 10))
    assert [m.to for m in Email.objects.all()] == [[coordinator.email]]


def test_a_coordinator_is_not_told_of_their_own_hours(coordinator, on, org):
    own = coordinator.employee
    PersonalHoursFactory(employee=own, organization=org)
    assert send_digests(today=on(7, 10)) == 0


def test_one_digest_a_day_and_again_the_next_day(coordinator, dot_queue, on, capsys):
    on(7, 10)
    call_command("send_digests")
    call_command("send_digests")
    assert capsys.readouterr().out.splitlines() == ["1 digest(s) queued", "0 digest(s) queued"]
    assert Email.objects.count() == 1
    on(7, 11)
    call_command("send_digests")
    assert Email.objects.count() == 2
    assert list(Sent.objects.order_by("period").values_list("topic", "period")) == [
        ("digest-coordinator", f"{dt.date.today().year}-07-10"),
        ("digest-coordinator", f"{dt.date.today().year}-07-11"),
    ]


def test_a_decided_queue_sends_nothing(coordinator, dot_queue, on):
    hours, leave = dot_queue
    PersonalHours.objects.filter(pk=hours.pk).update(status=PersonalHours.Status.VERIFIED)
    LeaveRequest.objects.filter(pk=leave.pk).update(status=LeaveRequest.Status.APPROVED)
    assert send_digests(today=on(7, 10)) == 0


def test_a_coordinator_who_turned_digests_off_gets_none(
    coordinator, second_coordinator, dot_queue, on
):
    preference_set(user=coordinator, digests=False, reminders=True)
    assert send_digests(today=on(7, 10)) == 1
    assert [m.to for m in Email.objects.all()] == [[second_coordinator.email]]
