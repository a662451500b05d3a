"""The benchmark's synthetic year obeys the policy and keeps balances and ledger in step.

Speed is measured by `manage.py bench`, never here; this only checks the loader's data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from agencies.models import Employee, Enrollment
from bench.load import SCALES, YearLoader
from hours.models import Balance, LeaveRequest, PersonalHours
from hours.selectors import balance_for, recomputed_balances
from ledger.models import LedgerEntry
from policy import rules


@pytest.fixture
def loaded(db, today):
    loader = YearLoader(scale=SCALES["tiny"], today=today, chunk_employees=5)
    loader.load_fixed()
    loader.load_employees(0, 4)
    loader.load_employees(4, SCALES["tiny"].employees)
    return loader


def test_loader_writes_every_employee_with_their_year(loaded, today):
    scale = SCALES["tiny"]
    assert Employee.objects.count() == scale.employees
    assert Enrollment.objects.filter(status=Enrollment.Status.ACTIVE).count() == scale.employees
    assert Balance.objects.filter(year=loaded.year).count() == scale.employees
    entries = PersonalHours.objects.count() + LeaveRequest.objects.count()
    # Personal hours come at most one a day up to today, and paid leave only once they cover
    # it, so early in January the year holds fewer entries than the scale asks for.
    days_so_far = (today - dt.date(today.year, 1, 1)).days + 1
    expected = scale.employees * min(scale.entries // scale.employees, days_so_far)
    assert entries > 0.8 * expected


def test_stored_balances_agree_with_the_ledger_and_the_entries(loaded):
    report = recomputed_balances()
    assert report.differences == []
    assert report.checked == SCALES["tiny"].employees
    assert report.ledger_entries == LedgerEntry.objects.filter(year=loaded.year).count()


def test_every_year_keeps_the_cap_and_the_match(loaded):
    for employee in Employee.objects.all():
        figures = balance_for(employee_id=employee.pk, year=loaded.year)
        committed = figures.paid_approved + figures.paid_pending
        assert committed <= rules.DEFAULT_PARAMS.cap_hours
        assert figures.personal_verified >= committed
        assert figures.in_match


def test_hours_respect_increments_dates_and_daily_limits(loaded, today):
    for model in (PersonalHours, LeaveRequest):
        for hours in model.objects.values_list("hours", flat=True):
            assert hours > 0 and hours % Decimal("0.25") == 0
    assert not PersonalHours.objects.filter(date__gt=today).exists()
    assert not PersonalHours.objects.exclude(date__year=today.year).exists()
    assert not LeaveRequest.objects.exclude(date__year=today.year).exists()
    assert not PersonalHours.objects.exclude(source__in=rules.VALID_PERSONAL_SOURCES).exists()
    per_day = (
        LeaveRequest.objects.values("employee_id", "date")
        .annotate(n=Count("id"), total=Sum("hours"))
        .filter(total__gt=rules.DEFAULT_PARAMS.daily_paid_limit)
    )
    assert not per_day.exists()


def test_every_employee_is_eligible_and_enrolled_on_every_date_they_have_hours(loaded):
    for enrollment in Enrollment.objects.select_related("employee", "pilot"):
        employee = enrollment.employee
        assert employee.eligibility.eligible
        assert enrollment.pilot.agency_id == employee.agency_id
        rules.check_commitment(
            starts_on=enrollment.commitment_starts_on, ends_on=enrollment.commitment_ends_on
        )
        dates = list(PersonalHours.objects.filter(employee=employee).values_list("date", flat=True))
        dates += LeaveRequest.objects.filter(employee=employee).values_list("date", flat=True)
        for day in dates:
            assert enrollment.commitment_starts_on <= day <= enrollment.commitment_ends_on
            assert enrollment.pilot.starts_on <= day <= enrollment.pilot.ends_on
