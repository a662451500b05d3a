"""The workbooks' figures for a small fixed year, written out by hand.

The other workbook tests compare each workbook with the balances API; both read the same
selectors, so a figure wrong in both would pass them. These expect literal numbers, worked out
from what `mentoring_year` does (tests/reports/conftest.py), as test_balances_api does for the
API. "Today" is pinned (tests/conftest.py), so the year and its dates are fixed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from agencies import services as roster
from agencies.models import Employee, Enrollment
from hours import services
from reports.workbooks import build_adoption_workbook, build_agency_workbook

from ..factories import EmployeeFactory, EnrollmentFactory, UserFactory
from .conftest import hours, table

D = Decimal
FIGURES = [
    "Headcount",
    "Roster size",
    "Enrolled employees",
    "Active mentors",
    "Paid leave approved (hours)",
    "Paid leave pending (hours)",
    "Personal hours verified (hours)",
    "Personal hours awaiting verification (hours)",
    "Employees out of match",
]
HOURS = {name for name in FIGURES if name.endswith("(hours)")}

# DOT: the employee (6 verified, 1.5 awaiting; 3 approved, 2 pending, 1 denied), the late one
# (4 approved; their 4 verified hours rejected: out of match), the coordinator (2.25 verified),
# one withdrawn and one never enrolled. DPH: one employee (3 verified, 2 approved).
AGENCIES = {
    "DOT": [21000, 4, 3, 3, D("7"), D("2"), D("8.25"), D("1.5"), 1],
    "DPH": [4200, 1, 1, 1, D("2"), D("0"), D("3"), D("0"), 0],
    "Total": [25200, 5, 4, 4, D("9"), D("2"), D("11.25"), D("1.5"), 1],
}
# Share of cap used: approved hours over 40 hours times the enrolled employees.
SHARE_OF_CAP = {"DOT": 7 / 120, "DPH": 2 / 40, "Total": 9 / 160}

# Per DOT employee: eligible, roster, cap, approved, pending, verified, awaiting, available,
# in match. Available: the least of the cap and the match left, in whole quarter hours.
EMPLOYEES = {
    "dot.employee": ["Yes", "Active", 40, 3, 2, 6, "1.5", 1, "Yes"],
    "dot.late": ["Yes", "Active", 40, 4, 0, 0, 0, 0, "No"],
    "dot.coordinator": ["Yes", "Active", 40, 0, 0, "2.25", 0, "2.25", "Yes"],
    "dot.withdrawn": ["Yes", "Withdrawn", 40, 0, 0, 0, 0, 0, "Yes"],
    # Not on a roster: the cap and the match do not apply to them.
    "dot.notenrolled": ["Yes", "Not on roster", "Does not apply", 0, 0, 0, 0, 0, "Does not apply"],
}
EMPLOYEE_COLUMNS = [
    "Eligible",
    "Roster",
    "Annual cap (hours)",
    "Paid leave approved (hours)",
    "Paid leave pending (hours)",
    "Personal hours verified (hours)",
    "Personal hours awaiting verification (hours)",
    "Paid leave available now (hours)",
    "In match",
]


def _value(cell, column: str):
    if cell.value == "Does not apply":
        return cell.value
    return hours(cell) if column.endswith("(hours)") else cell.value


def test_the_adoption_summary_has_these_figures(mentoring_year, open_workbook):
    book = open_workbook(build_adoption_workbook(mentoring_year["year"]))
    rows = {row["Agency code"].value: row for row in table(book["Summary"])}  # and "Total"
    assert list(rows) == ["DOT", "DPH", "Total"]

    assert mentoring_year["year"] == 2026
    for code, expected in AGENCIES.items():
        got = [_value(rows[code][name], name) for name in FIGURES]
        assert got == expected, code
        assert rows[code]["Share of cap used"].value == pytest.approx(SHARE_OF_CAP[code])
    assert rows["DOT"]["Adoption rate"].value == pytest.approx(3 / 21000)
    assert rows["Total"]["Adoption rate"].value == pytest.approx(4 / 25200)


def test_the_agency_workbook_has_these_figures(mentoring_year, open_workbook):
    book = open_workbook(build_agency_workbook(mentoring_year["dot"], mentoring_year["year"]))
    numbers = dict(
        Employee.objects.filter(user__username__in=EMPLOYEES).values_list(
            "employee_number", "user__username"
        )
    )
    rows = {numbers[row["Employee number"].value]: row for row in table(book["Employees"])}
    assert set(rows) == set(EMPLOYEES)
    for username, expected in EMPLOYEES.items():
        got = [_value(rows[username][name], name) for name in EMPLOYEE_COLUMNS]
        want = [
            D(str(v)) if name.endswith("(hours)") and v != "Does not apply" else v
            for name, v in zip(EMPLOYEE_COLUMNS, expected, strict=True)
        ]
        assert got == want, username

    summary = {row["Figure"].value: row["Value"] for row in table(book["Summary"])}
    for name, expected in zip(FIGURES, AGENCIES["DOT"], strict=True):
        assert _value(summary[name], name) == expected, name

    monthly = {row["Month"].value.date(): row for row in table(book["Monthly"])}
    year = mentoring_year["year"]
    paid = {m: hours(r["Paid leave approved (hours)"]) for m, r in monthly.items()}
    personal = {m: hours(r["Personal hours verified (hours)"]) for m, r in monthly.items()}
    # Personal hours on January 1-3; approved leave on December 27 and 30.
    assert personal == {dt.date(year, m, 1): D("8.25") if m == 1 else D("0") for m in range(1, 13)}
    assert paid == {dt.date(year, m, 1): D("7") if m == 12 else D("0") for m in range(1, 13)}


def test_a_mentor_withdrawn_during_the_year_counts_among_that_years_enrolled(
    mentoring_year, open_workbook, dot_pilot, coordinator, day
):
    """Enrolled from January 1, verified for 2 hours on January 1, withdrawn from July 1: the
    roster says Withdrawn, and the year counts them among its enrolled employees (so the
    share of the cap used is over four employees' caps, not three)."""
    mentor = EmployeeFactory(agency=dot_pilot.agency, user=UserFactory(username="dot.june"))
    line = EnrollmentFactory(employee=mentor, pilot=dot_pilot)
    entry = services.personal_hours_log(
        employee=mentor,
        by=mentor.user,
        date=day(0),
        hours=D("2"),
        source="non_working_time",
        organization=line.organization,
    )
    services.personal_hours_verify(
        entry=entry, by=coordinator, reason="Signed form", verified_by_name="Program Office"
    )
    roster.enrollment_update(
        by=coordinator,
        enrollment=line,
        status=Enrollment.Status.WITHDRAWN,
        withdrawn_on=dt.date(2026, 7, 1),
    )

    adoption = open_workbook(build_adoption_workbook(2026))
    dot = {row["Agency code"].value: row for row in table(adoption["Summary"])}["DOT"]
    # One more on the roster, enrolled and active; 2 more verified hours.
    assert [_value(dot[name], name) for name in FIGURES] == [
        21000,
        5,
        4,
        4,
        D("7"),
        D("2"),
        D("10.25"),
        D("1.5"),
        1,
    ]
    assert dot["Share of cap used"].value == pytest.approx(7 / 160)
    assert dot["Adoption rate"].value == pytest.approx(4 / 21000)

    agency = open_workbook(build_agency_workbook(mentoring_year["dot"], 2026))
    number = mentor.employee_number
    (row,) = [r for r in table(agency["Employees"]) if r["Employee number"].value == number]
    assert row["Roster"].value == "Withdrawn"
