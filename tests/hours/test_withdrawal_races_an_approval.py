"""A withdrawal and an approval of a request dated after it, at the same moment (PostgreSQL row
locks, real threads): whichever comes first, the request ends approved (the approval went first,
as if the withdrawal came after it) or cancelled (the withdrawal went first; the approval then
finds it cancelled), never both, and the balances agree with the ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from agencies import services as roster
from agencies.models import Enrollment
from hours import services
from hours.models import LeaveRequest
from hours.selectors import recomputed_balances
from policy.errors import StateConflict
from policy.rules import PolicyViolation

from .test_concurrency import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (DATABASE_URL)"
    ),
]


@pytest.mark.parametrize("attempt", range(3))
def test_a_withdrawal_and_an_approval_at_once_end_in_one_state(
    employee, coordinator, second_coordinator, verified, request_leave, attempt
):
    verified(employee, 8)
    pending = request_leave(employee, 2, date=dt.date(2026, 7, 20))
    line = employee.enrollments.get()

    def work(action):
        if action == "withdraw":
            return roster.enrollment_update(
                by=coordinator,
                enrollment=Enrollment.objects.get(pk=line.pk),
                status="withdrawn",
                withdrawn_on=dt.date(2026, 7, 15),
            )
        return services.leave_request_approve(
            request=LeaveRequest.objects.get(pk=pending.pk), by=second_coordinator
        )

    withdrawn, approved = run_together(work, ["withdraw", "approve"])

    assert isinstance(withdrawn, Enrollment)
    pending.refresh_from_db()
    if pending.status == LeaveRequest.Status.APPROVED:
        assert isinstance(approved, LeaveRequest)
    else:
        assert pending.status == LeaveRequest.Status.CANCELLED
        # Refused: the request is cancelled (409), or, read after the withdrawal, not enrolled.
        assert isinstance(approved, StateConflict | PolicyViolation), approved
    assert recomputed_balances().differences == []
