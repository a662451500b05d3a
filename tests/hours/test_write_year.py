"""The year's lock taken by writing to it (hours/services/years.write_year): the first change
of a year creates the row, a figure never goes below zero, and a decision that finds its hours
gone answers 409 with nothing written. The races run on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction

from hours import services
from hours.models import Balance, LeaveRequest, PersonalHours
from hours.services.years import write_year
from ledger.models import LedgerEntry
from policy.errors import StateConflict

from .conftest import API, balance_of
from .test_concurrency import run_together

User = get_user_model()


@pytest.mark.django_db
def test_the_first_change_of_a_year_creates_its_row(employee, today):
    with transaction.atomic():
        assert write_year(employee_id=employee.pk, year=today.year, personal_logged=Decimal("2"))

    assert balance_of(employee, today.year).personal_logged == Decimal("2.00")


@pytest.mark.django_db
def test_a_figure_never_goes_below_zero_and_nothing_is_written(employee, today):
    Balance.objects.create(employee=employee, year=today.year, paid_pending=Decimal("1"))

    with transaction.atomic():
        written = write_year(
            employee_id=employee.pk,
            year=today.year,
            paid_pending=Decimal("-2"),
            paid_approved=Decimal("2"),
        )

    assert written is False
    balance = balance_of(employee, today.year)
    assert (balance.paid_pending, balance.paid_approved) == (Decimal("1.00"), Decimal("0.00"))


@pytest.mark.django_db
def test_approving_when_the_year_does_not_hold_the_hours_answers_409_and_writes_nothing(
    client_for, coordinator, employee, verified, request_leave, today, snapshot
):
    """A pending request whose hours the year's figures lack (figures gone wrong, as
    check_balances would report): a conflict, not a server error, and nothing changes."""
    verified(employee, 8, 1)
    leave = request_leave(employee, 4, 3)
    Balance.objects.filter(employee=employee, year=today.year).update(paid_pending=Decimal("2"))
    before = snapshot()

    response = client_for(coordinator).post(f"{API}/leave-requests/{leave.pk}/approve/")

    assert response.status_code == 409
    assert response.json()["code"] == StateConflict.code
    assert snapshot() == before


@pytest.mark.django_db
def test_logging_for_an_unknown_organization_answers_400_naming_it_and_writes_nothing(
    client_for, employee, log_hours, day, snapshot
):
    log_hours(employee, 2)
    before = snapshot()

    response = client_for(employee.user).post(
        f"{API}/personal-hours/",
        {
            "date": day(1).isoformat(),
            "hours": "1",
            "source": "non_working_time",
            "organization": 424242,
        },
        format="json",
    )

    assert response.status_code == 400
    assert "424242" in response.json()["organization"][0]
    assert snapshot() == before


# --- Races (PostgreSQL) -------------------------------------------------------------------------


def on_postgres(test):
    """A race: real row locks and threads need PostgreSQL; each thread has its connection."""
    test = pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (DATABASE_URL)"
    )(test)
    return pytest.mark.postgres(pytest.mark.django_db(transaction=True)(test))


@on_postgres
def test_one_request_approved_by_two_coordinators_at_once_is_approved_once(
    employee, coordinator, second_coordinator, verified, request_leave, today
):
    """The only pending hours of the year are this request's: the second approval's write
    would take them below zero, so it writes nothing and answers the request's new state."""
    verified(employee, 8, 1)
    leave = request_leave(employee, 4, 3)

    def approve(user_id):
        try:
            services.leave_request_approve(
                request=LeaveRequest.objects.get(pk=leave.pk), by=User.objects.get(pk=user_id)
            )
        except StateConflict as conflict:
            return conflict.code
        return "approved"

    results = run_together(approve, [coordinator.pk, second_coordinator.pk])

    assert sorted(map(str, results)) == ["approved", StateConflict.code]
    balance = balance_of(employee, today.year)
    assert (balance.paid_approved, balance.paid_pending) == (Decimal("4.00"), Decimal("0.00"))
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.LEAVE_APPROVED).count() == 1
    call_command("check_balances")


@on_postgres
def test_the_first_hours_of_a_year_logged_at_once_create_one_row(employee, day, today):
    """No Balance yet: every writer finds no row to update, one creates it, and the others
    wait for it and then add their hours under its lock."""
    organization = employee.enrollments.first().organization

    def log(n):
        return services.personal_hours_log(
            employee=employee,
            by=User.objects.get(pk=employee.user_id),
            date=day(n),
            hours=Decimal("1"),
            source="non_working_time",
            organization=organization.pk,
        ).pk

    results = run_together(log, range(4))

    assert all(isinstance(result, int) for result in results), results
    assert Balance.objects.filter(employee=employee, year=today.year).count() == 1
    assert balance_of(employee, today.year).personal_logged == Decimal("4.00")
    assert PersonalHours.objects.filter(employee=employee).count() == 4
    call_command("check_balances")
