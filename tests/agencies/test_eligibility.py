"""Who may take mentoring leave at all (rule not_eligible), as a pure function, and the roster
service refusing an ineligible employee."""

from __future__ import annotations

import datetime as dt

import pytest

from agencies import services
from agencies.models import Enrollment
from ledger.models import LedgerEntry
from policy import rules
from tests.factories import EmployeeFactory

COVERED = [str(n) for n in range(1, 22) if n not in (6, 8, 18)] + ["excluded"]


@pytest.mark.parametrize("unit", COVERED)
def test_covered_bargaining_units_are_eligible(unit):
    assert rules.eligibility(bargaining_unit=unit, appointment="permanent").eligible


@pytest.mark.parametrize("unit", ["6", "8", "18"])
def test_units_6_8_and_18_are_not_covered(unit):
    result = rules.eligibility(bargaining_unit=unit, appointment="permanent")
    assert result.eligible is False
    assert result.code == "not_eligible"
    assert f"unit {unit}" in result.reason


@pytest.mark.parametrize("appointment", ["permanent", "probationary_after_permanent"])
def test_permanent_appointments_are_eligible(appointment):
    assert rules.eligibility(bargaining_unit="1", appointment=appointment).eligible


@pytest.mark.parametrize(
    "appointment", ["probationary", "retired_annuitant", "temporary", "limited_term"]
)
def test_other_appointments_are_not_eligible(appointment):
    result = rules.eligibility(bargaining_unit="1", appointment=appointment)
    assert result.eligible is False
    assert result.code == "not_eligible"
    assert rules.APPOINTMENTS[appointment] in result.reason


def test_check_eligible_raises_the_rule_code():
    with pytest.raises(rules.PolicyViolation) as caught:
        rules.check_eligible(bargaining_unit="6", appointment="permanent")
    assert caught.value.code == "not_eligible"


def test_the_roster_service_refuses_an_ineligible_employee(dot, dot_pilot, org, coordinator, today):
    annuitant = EmployeeFactory(agency=dot, appointment="retired_annuitant")
    ledger_before = LedgerEntry.objects.count()
    with pytest.raises(rules.PolicyViolation) as caught:
        services.enrollment_create(
            by=coordinator,
            employee=annuitant,
            pilot=dot_pilot,
            organization=org,
            commitment_starts_on=dt.date(today.year, 1, 1),
            commitment_ends_on=dt.date(today.year, 12, 31),
        )
    assert caught.value.code == "not_eligible"
    assert not Enrollment.objects.filter(employee=annuitant).exists()
    assert LedgerEntry.objects.count() == ledger_before


def test_reactivating_a_line_of_an_employee_who_became_ineligible_is_refused(employee, coordinator):
    enrollment = employee.enrollments.get()
    services.enrollment_update(by=coordinator, enrollment=enrollment, status="withdrawn")
    services.employee_update(by=coordinator, employee=employee, appointment="temporary")
    with pytest.raises(rules.PolicyViolation) as caught:
        services.enrollment_update(by=coordinator, enrollment=enrollment, status="active")
    assert caught.value.code == "not_eligible"
    enrollment.refresh_from_db()
    assert enrollment.status == "withdrawn"
