"""Fixtures for the hours tests: shortcuts through the services, and a snapshot of everything
the services write (to prove an error wrote nothing). "Today" is pinned by tests/conftest.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from agencies.models import Agency
from hours import services
from hours.models import Balance, LeaveRequest, PersonalHours
from ledger.models import LedgerEntry
from tests.factories import EmployeeFactory, UserFactory

API = "/api/v1"


@pytest.fixture
def ahead(today):
    """ahead(n): n days after the pinned today (leave may be requested ahead)."""

    def make(n: int = 1) -> dt.date:
        return today + dt.timedelta(days=n)

    return make


def hours(value) -> Decimal:
    return Decimal(str(value))


@pytest.fixture
def log_hours(day):
    """log_hours(employee, hours, n=0, **fields): personal hours logged through the service."""

    def make(employee, value, n: int = 0, **fields):
        return services.personal_hours_log(
            employee=employee,
            by=employee.user,
            date=fields.pop("date", day(n)),
            hours=hours(value),
            source=fields.pop("source", "non_working_time"),
            organization=fields.pop("organization", employee.enrollments.first().organization),
            **fields,
        )

    return make


@pytest.fixture
def verified(log_hours, coordinator, second_coordinator):
    """verified(employee, hours, n=0): log and verify personal hours; the verifier is never
    the employee (DOT's second coordinator verifies the coordinator's own hours)."""

    def make(employee, value, n: int = 0, by=None):
        entry = log_hours(employee, value, n)
        if by is None:
            by = second_coordinator if employee.user_id == coordinator.pk else coordinator
        return services.personal_hours_verify(
            reason="Signed paper form", entry=entry, by=by, verified_by_name="Program Office"
        )

    return make


@pytest.fixture
def request_leave(ahead):
    """request_leave(employee, hours, n=1): a pending request `n` days ahead, via the service."""

    def make(employee, value, n: int = 1, **fields):
        return services.leave_request_create(
            employee=employee,
            by=employee.user,
            date=fields.pop("date", ahead(n)),
            hours=hours(value),
            organization=fields.pop("organization", employee.enrollments.first().organization),
            **fields,
        )

    return make


@pytest.fixture
def approved_leave(request_leave, coordinator, second_coordinator):
    """approved_leave(employee, hours, n=1): requested and approved by a DOT coordinator."""

    def make(employee, value, n: int = 1, **fields):
        leave = request_leave(employee, value, n, **fields)
        by = second_coordinator if employee.user_id == coordinator.pk else coordinator
        return services.leave_request_approve(request=leave, by=by)

    return make


@pytest.fixture
def snapshot(db):
    """snapshot(): every row the services write, to compare before and after a refusal."""

    def take() -> dict:
        return {
            "personal_hours": list(
                PersonalHours.objects.order_by("pk").values_list("pk", "status")
            ),
            "leave_requests": list(LeaveRequest.objects.order_by("pk").values_list("pk", "status")),
            "ledger": LedgerEntry.objects.count(),
            "balances": list(
                Balance.objects.order_by("pk").values_list(
                    "pk", "paid_approved", "paid_pending", "personal_verified", "personal_logged"
                )
            ),
        }

    return take


@pytest.fixture
def fresh():
    """fresh(user): the user re-read from the database, without cached roles."""

    def make(user):
        return get_user_model().objects.get(pk=user.pk)

    return make


def balance_of(employee, year: int) -> Balance:
    return Balance.objects.get(employee=employee, year=year)


# --- The approval chain: a supervisor, a delegate, DOT deciding in two steps ---------------


@pytest.fixture
def supervisor(dot):
    """dot.supervisor: a DOT employee (not on the pilot roster)."""
    return EmployeeFactory(agency=dot, user=UserFactory(username="dot.supervisor")).user


@pytest.fixture
def delegate(dot):
    """dot.delegate: another DOT employee."""
    return EmployeeFactory(agency=dot, user=UserFactory(username="dot.delegate")).user


@pytest.fixture
def two_step(dot, employee, supervisor):
    """DOT decides through the supervisor, then the coordinator; the employee reports to
    dot.supervisor."""
    Agency.objects.filter(pk=dot.pk).update(
        approval_chain=Agency.ApprovalChain.SUPERVISOR_THEN_COORDINATOR
    )
    employee.supervisor = supervisor
    employee.save(update_fields=["supervisor"])
    employee.agency.refresh_from_db()
    return employee
