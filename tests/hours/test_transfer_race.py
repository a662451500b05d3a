"""A transfer and approvals of the same employee at the same moment keep the cap: real row
locks, real threads, PostgreSQL (tests/hours/test_concurrency.py has the harness)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum

from agencies.models import Employee, Transfer
from hours import services
from hours.models import Balance, LeaveRequest
from hours.services import transfers
from policy.errors import NotAllowed, StateConflict
from policy.rules import PolicyViolation

from .test_concurrency import oversubscribed, run_together  # noqa: F401  (a fixture)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (DATABASE_URL)"
    ),
]
User = get_user_model()


def test_a_transfer_racing_approvals_keeps_the_cap(
    employee,
    dph,
    dph_pilot,
    coordinator,
    second_coordinator,
    other_coordinator,
    admin_user,
    oversubscribed,  # noqa: F811
    today,
):
    """48 pending hours, 8 over the cap: DOT's coordinators and DPH's approve them all while an
    administrator moves the employee from DOT to DPH. Whoever wins each lock, nothing deadlocks,
    the transfer is done, and the year stops at the cap."""
    # Each request is tried by a DOT coordinator and by DPH's: one of them is the employee's
    # coordinator whenever it runs, so the approvals push at the cap.
    dot_deciders = [coordinator.pk, second_coordinator.pk]
    jobs = [
        ("approve", leave.pk, user_id)
        for i, leave in enumerate(oversubscribed)
        for user_id in (dot_deciders[i % 2], other_coordinator.pk)
    ]
    jobs.insert(len(jobs) // 2, ("transfer", employee.pk, admin_user.pk))

    def work(job):
        kind, pk, user_id = job
        by = User.objects.get(pk=user_id)
        try:
            if kind == "transfer":
                transfers.transfer_start(
                    by=by,
                    employee=Employee.objects.get(pk=pk),
                    to_agency=dph,
                    effective_on=dt.date(today.year, 6, 1),
                )
                return "transferred"
            services.leave_request_approve(request=LeaveRequest.objects.get(pk=pk), by=by)
        except PolicyViolation as violation:
            return violation.code
        except NotAllowed:
            return "not_allowed"
        except StateConflict:
            return "already_decided"
        return "approved"

    results = run_together(work, jobs)

    assert "transferred" in results, results
    assert set(results) <= {
        "transferred",
        "approved",
        "annual_cap_exceeded",
        "not_allowed",
        "already_decided",
    }
    balance = Balance.objects.get(employee=employee, year=today.year)
    approved = LeaveRequest.objects.filter(employee=employee, status="approved")
    assert balance.paid_approved == approved.aggregate(t=Sum("hours"))["t"]
    assert balance.paid_approved <= 40
    assert results.count("approved") * 2 == balance.paid_approved
    assert Transfer.objects.get().status == Transfer.Status.DONE
    call_command("check_balances")
