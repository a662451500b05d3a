"""A withdrawal cancels the employee's pending requests for dates from its effective date on
(with the coordinator or with the supervisor), unless another roster line covers the date:
each cancellation ledgered with the reason and its balance delta, the employee told by email,
all in the withdrawal's transaction. Today is pinned to July 1, 2026."""

from __future__ import annotations

import datetime as dt

import pytest
from post_office.models import Email

from agencies import services as roster
from agencies.models import Enrollment
from hours import services
from hours.models import LeaveRequest
from hours.selectors import recomputed_balances
from ledger.models import LedgerEntry
from policy import rules
from tests.factories import EnrollmentFactory, PilotFactory

from .conftest import balance_of, hours

JULY_15 = dt.date(2026, 7, 15)


@pytest.fixture
def three_requests(employee, verified, request_leave):
    """Pending requests on July 14, 15 and 20; the approved one on July 21 stays approved."""
    verified(employee, 12)
    made = {day: request_leave(employee, 2, date=dt.date(2026, 7, day)) for day in (14, 15, 20, 21)}
    Email.objects.all().delete()
    return made


def withdraw(by, employee, on=JULY_15, **fields):
    return roster.enrollment_update(
        by=by,
        enrollment=employee.enrollments.get(),
        status="withdrawn",
        withdrawn_on=on,
        **fields,
    )


def statuses(employee) -> dict[int, str]:
    return {r.date.day: r.status for r in LeaveRequest.objects.filter(employee=employee)}


def test_pending_requests_from_the_withdrawal_date_on_are_cancelled_with_the_reason(
    employee, coordinator, three_requests
):
    services.leave_request_approve(request=three_requests[21], by=coordinator)
    Email.objects.all().delete()
    assert balance_of(employee, 2026).paid_pending == hours(6)

    withdraw(coordinator, employee)

    assert statuses(employee) == {
        14: "pending",
        15: "cancelled",
        20: "cancelled",
        21: "approved",  # approved leave is left to the coordinator to reverse, with a reason
    }
    cancelled = LeaveRequest.objects.get(employee=employee, date=JULY_15)
    assert cancelled.reason == (
        "Cancelled by the withdrawal from the DOT Pilot roster, which takes effect on "
        "July 15, 2026: not enrolled on July 15, 2026."
    )
    entries = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.LEAVE_CANCELLED).order_by("id")
    assert [(e.subject_id, e.d_paid_pending, e.actor) for e in entries] == [
        (three_requests[15].pk, hours(-2), coordinator),
        (three_requests[20].pk, hours(-2), coordinator),
    ]
    assert entries[0].reason == cancelled.reason
    assert entries[0].data["withdrawn_on"] == "2026-07-15"
    balance = balance_of(employee, 2026)
    assert (balance.paid_pending, balance.paid_approved) == (hours(2), hours(2))
    assert recomputed_balances().differences == []


def test_the_employee_is_told_once_by_email(employee, coordinator, three_requests):
    withdraw(coordinator, employee)

    [message] = Email.objects.all()
    assert message.to == [employee.user.email]
    assert message.subject == (
        "Your pending mentoring leave was cancelled: you left the pilot roster"
    )
    assert "2 hours on July 15, 2026" in message.message
    assert "2 hours on July 20, 2026" in message.message
    assert "July 14" not in message.message
    assert "withdrawn from the DOT Pilot roster from July 15, 2026" in message.html_message


def test_requests_with_the_supervisor_are_cancelled_too(
    two_step, coordinator, verified, request_leave
):
    verified(two_step, 8)
    waiting = request_leave(two_step, 3, date=dt.date(2026, 7, 20))
    assert waiting.status == LeaveRequest.Status.AWAITING_SUPERVISOR

    withdraw(coordinator, two_step)

    waiting.refresh_from_db()
    assert waiting.status == LeaveRequest.Status.CANCELLED
    assert balance_of(two_step, 2026).paid_pending == 0
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.LEAVE_CANCELLED)
    assert entry.data["was"] == "awaiting_supervisor"


def test_a_date_another_roster_line_covers_keeps_its_request(
    employee, coordinator, dot, org, three_requests
):
    second = PilotFactory(agency=dot, name="DOT Second Pilot")
    EnrollmentFactory(
        employee=employee,
        pilot=second,
        organization=org,
        commitment_starts_on=dt.date(2026, 7, 18),
        commitment_ends_on=dt.date(2027, 6, 30),
    )
    roster.enrollment_update(
        by=coordinator,
        enrollment=employee.enrollments.get(pilot__name="DOT Pilot"),
        status="withdrawn",
        withdrawn_on=JULY_15,
    )

    # July 15 has no line any more; July 20 is on the second pilot's roster.
    assert statuses(employee) == {14: "pending", 15: "cancelled", 20: "pending", 21: "pending"}


def test_a_refused_withdrawal_cancels_nothing(employee, coordinator, three_requests, snapshot):
    before = snapshot()
    with pytest.raises(rules.PolicyViolation) as refused:
        withdraw(coordinator, employee, on=dt.date(2025, 12, 31))
    assert refused.value.field == "withdrawn_on"
    assert snapshot() == before
    assert employee.enrollments.get().status == Enrollment.Status.ACTIVE
    assert not Email.objects.exists()


def test_moving_a_withdrawal_earlier_cancels_the_days_it_takes(
    employee, coordinator, three_requests
):
    withdraw(coordinator, employee, on=dt.date(2026, 7, 16))
    assert statuses(employee)[14] == statuses(employee)[15] == "pending"

    withdraw(coordinator, employee, on=dt.date(2026, 7, 14))

    assert statuses(employee) == {
        14: "cancelled",
        15: "cancelled",
        20: "cancelled",
        21: "cancelled",
    }
    assert recomputed_balances().differences == []


def test_back_to_active_clears_the_date_and_what_was_cancelled_stays_cancelled(
    employee, coordinator, three_requests
):
    withdraw(coordinator, employee)
    line = roster.enrollment_update(
        by=coordinator, enrollment=employee.enrollments.get(), status="active"
    )

    line.refresh_from_db()
    assert (line.status, line.withdrawn_on) == ("active", None)
    assert statuses(employee)[15] == "cancelled"
    entry = (
        LedgerEntry.objects.filter(kind=LedgerEntry.Kind.ENROLLMENT_UPDATED).order_by("id").last()
    )
    assert entry.data == {"status": ["withdrawn", "active"], "withdrawn_on": ["2026-07-15", "None"]}
