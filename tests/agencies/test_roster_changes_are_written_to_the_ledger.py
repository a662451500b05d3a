"""Every roster change (employee, pilot, enrollment; created or changed) leaves a ledger entry
naming who did it, the agency, and what changed; a change that changes nothing leaves none."""

from __future__ import annotations

import datetime as dt

from agencies import services
from ledger.models import LedgerEntry
from tests.factories import EmployeeFactory


def entries(kind) -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(kind=kind))


def test_creating_and_changing_an_employee_is_recorded(dot, coordinator):
    employee = services.employee_create(
        by=coordinator,
        agency=dot,
        employee_number="700200",
        first_name="Ana",
        last_name="Reyes",
        email="ana.reyes@example.ca.gov",
        bargaining_unit="1",
        appointment="permanent",
    )
    [created] = entries(LedgerEntry.Kind.EMPLOYEE_CREATED)
    assert (created.actor, created.agency, created.employee) == (coordinator, dot, employee)
    assert created.subject_type == "employee"
    assert created.subject_id == employee.pk

    services.employee_update(by=coordinator, employee=employee, bargaining_unit="4", email="a@b.c")
    [updated] = entries(LedgerEntry.Kind.EMPLOYEE_UPDATED)
    assert updated.data == {
        "bargaining_unit": ["1", "4"],
        "email": ["ana.reyes@example.ca.gov", "a@b.c"],
    }
    assert updated.actor == coordinator


def test_creating_and_changing_a_pilot_is_recorded(dot, coordinator, today):
    pilot = services.pilot_create(
        by=coordinator,
        agency=dot,
        name="Second DOT pilot",
        starts_on=dt.date(today.year, 1, 1),
        ends_on=dt.date(today.year, 12, 31),
    )
    [created] = entries(LedgerEntry.Kind.PILOT_CREATED)
    assert (created.actor, created.agency, created.subject_id) == (coordinator, dot, pilot.pk)
    assert created.data["status"] == "active"

    services.pilot_update(by=coordinator, pilot=pilot, name="DOT District 4 pilot")
    [updated] = entries(LedgerEntry.Kind.PILOT_UPDATED)
    assert updated.data == {"name": ["Second DOT pilot", "DOT District 4 pilot"]}


def test_enrolling_and_changing_a_roster_line_is_recorded(dot, dot_pilot, org, coordinator, today):
    person = EmployeeFactory(agency=dot)
    enrollment = services.enrollment_create(
        by=coordinator,
        employee=person,
        pilot=dot_pilot,
        organization=org,
        commitment_starts_on=dt.date(today.year, 1, 1),
        commitment_ends_on=dt.date(today.year, 12, 31),
    )
    [created] = entries(LedgerEntry.Kind.ENROLLMENT_CREATED)
    assert (created.actor, created.agency, created.employee) == (coordinator, dot, person)
    assert created.subject_id == enrollment.pk

    services.enrollment_update(by=coordinator, enrollment=enrollment, status="withdrawn")
    [updated] = entries(LedgerEntry.Kind.ENROLLMENT_UPDATED)
    assert updated.data == {
        "status": ["active", "withdrawn"],
        "withdrawn_on": ["None", str(today)],
    }
    assert updated.employee == person


def test_a_change_that_changes_nothing_records_nothing(employee, dot_pilot, coordinator):
    before = LedgerEntry.objects.count()
    services.employee_update(by=coordinator, employee=employee, bargaining_unit="1")
    services.pilot_update(by=coordinator, pilot=dot_pilot, status="active")
    services.enrollment_update(
        by=coordinator, enrollment=employee.enrollments.get(), status="active"
    )
    assert LedgerEntry.objects.count() == before
