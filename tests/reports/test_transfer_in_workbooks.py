"""An employee moved from DOT to DPH on June 1: hours dated before stay DOT's, later ones are
DPH's, in both agencies' workbooks and the adoption workbook; every hour is counted once.

`mentoring_year` (conftest.py) gives dot.employee personal hours on January 1-3 and requests at
the end of December, so after the move the personal hours are DOT's and the requests DPH's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from hours.models import Balance
from hours.services import transfers
from policy.selectors import policy_params
from reports import selectors
from reports.workbooks import build_adoption_workbook, build_agency_workbook

from ..factories import AgencyFactory
from .conftest import hours, table

D = Decimal
JUNE_1 = dt.date(2026, 6, 1)
FIGURES = ("paid_approved", "paid_pending", "personal_verified", "personal_awaiting_verification")


@pytest.fixture
def moved_year(mentoring_year, employee, admin_user, dph):
    transfers.transfer_start(by=admin_user, employee=employee, to_agency=dph, effective_on=JUNE_1)
    return mentoring_year


def statewide(year: int) -> dict[str, Decimal]:
    totals = Balance.objects.filter(year=year).aggregate(
        paid_approved=Sum("paid_approved"),
        paid_pending=Sum("paid_pending"),
        personal_verified=Sum("personal_verified"),
        personal_logged=Sum("personal_logged"),
    )
    return {
        "paid_approved": totals["paid_approved"],
        "paid_pending": totals["paid_pending"],
        "personal_verified": totals["personal_verified"],
        "personal_awaiting_verification": totals["personal_logged"],
    }


def test_the_sum_over_agencies_equals_the_statewide_total(moved_year):
    year = moved_year["year"]
    figures = selectors.adoption_figures(year, params=policy_params(year))
    for name in FIGURES:
        by_agency = sum((getattr(f, name) for f in figures), D("0"))
        assert by_agency == statewide(year)[name], name

    by_agency = selectors.monthly_hours(year)
    total = selectors.monthly_totals(year)
    for month in range(1, 13):
        assert sum(m.paid[month] for m in by_agency.values()) == total.paid[month]
        assert sum(m.personal[month] for m in by_agency.values()) == total.personal[month]


def test_hours_before_the_date_stay_with_the_old_agency(moved_year, employee, dot, dph):
    year = moved_year["year"]
    params = policy_params(year)
    rows = {
        row.agency_id: row
        for row in selectors.employee_rows(year, params=params)
        if row.employee_number == employee.employee_number
    }
    assert set(rows) == {dot.pk, dph.pk}
    old, new = rows[dot.pk].figures, rows[dph.pk].figures
    assert (old.personal_verified, old.personal_awaiting_verification) == (D("6"), D("1.5"))
    assert (old.paid_approved, old.paid_pending) == (D("0"), D("0"))
    assert (new.paid_approved, new.paid_pending, new.personal_verified) == (D("3"), D("2"), 0)
    assert rows[dot.pk].roster_status == "Withdrawn"
    assert rows[dph.pk].roster_status == "Active"
    # One agency at a time gives the same rows.
    [only_dot] = [
        row
        for row in selectors.employee_rows(year, params=params, agency=dot)
        if row.employee_number == employee.employee_number
    ]
    assert only_dot.figures == old

    dot_requests = selectors.leave_requests_of_year(dot, year).filter(employee=employee)
    dph_requests = selectors.leave_requests_of_year(dph, year).filter(employee=employee)
    assert not dot_requests.exists()
    assert dph_requests.count() == 3
    assert selectors.verified_hours_of_year(dot, year).filter(employee=employee).count() == 2
    assert not selectors.verified_hours_of_year(dph, year).filter(employee=employee).exists()


def test_the_adoption_workbook_counts_each_hour_once(moved_year, open_workbook):
    year = moved_year["year"]
    book = open_workbook(build_adoption_workbook(year))
    rows = {row["Agency code"].value: row for row in table(book["Summary"])}
    approved = "Paid leave approved (hours)"
    verified = "Personal hours verified (hours)"
    # Before the move (test_workbook_figures): DOT 7 approved and 8.25 verified, DPH 2 and 3.
    assert (hours(rows["DOT"][approved]), hours(rows["DPH"][approved])) == (D("4"), D("5"))
    assert (hours(rows["DOT"][verified]), hours(rows["DPH"][verified])) == (D("8.25"), D("3"))
    assert hours(rows["Total"][approved]) == D("9")
    assert hours(rows["Total"][verified]) == D("11.25")


@pytest.mark.parametrize(("code", "paid", "personal"), [("DOT", "4", "8.25"), ("DPH", "5", "3")])
def test_each_agency_workbook_has_its_own_part(moved_year, open_workbook, code, paid, personal):
    agency = moved_year["dot"] if code == "DOT" else moved_year["dph"]
    book = open_workbook(build_agency_workbook(agency, moved_year["year"]))
    summary = {row["Figure"].value: row["Value"] for row in table(book["Summary"])}
    assert hours(summary["Paid leave approved (hours)"]) == D(paid)
    assert hours(summary["Personal hours verified (hours)"]) == D(personal)
    monthly = table(book["Monthly"])
    assert sum(hours(r["Paid leave approved (hours)"]) for r in monthly) == D(paid)
    assert sum(hours(r["Personal hours verified (hours)"]) for r in monthly) == D(personal)
    requests = table(book["Requests"])
    assert sum(hours(r["Hours"]) for r in requests if r["Status"].value == "Approved") == D(paid)


def test_two_moves_in_a_year_give_a_row_in_each_agency_and_count_each_hour_once(
    moved_year, employee, admin_user, dot, dph
):
    dhcs = AgencyFactory(code="DHCS")
    transfers.transfer_start(
        by=admin_user, employee=employee, to_agency=dhcs, effective_on=dt.date(2026, 6, 20)
    )
    year = moved_year["year"]
    params = policy_params(year)
    rows = {
        row.agency_id: row.figures
        for row in selectors.employee_rows(year, params=params)
        if row.employee_number == employee.employee_number
    }
    assert set(rows) == {dot.pk, dph.pk, dhcs.pk}
    assert rows[dot.pk].personal_verified == D("6")
    assert (rows[dph.pk].paid_approved, rows[dph.pk].personal_verified) == (0, 0)
    assert rows[dhcs.pk].paid_approved == D("3")
    figures = selectors.adoption_figures(year, params=params)
    for name in FIGURES:
        assert sum((getattr(f, name) for f in figures), D("0")) == statewide(year)[name], name
