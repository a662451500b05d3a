"""The agency workbook shows how each verified hour was verified, and its summary counts the
hours the organization confirmed against those the coordinator recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from hours import services
from reports.workbooks import build_agency_workbook

from .conftest import hours, table

pytestmark = pytest.mark.django_db


def test_verified_hours_say_how_and_the_summary_counts_each_way(
    employee, coordinator, org, dot, today, open_workbook
):
    def log(n, value):
        return services.personal_hours_log(
            employee=employee,
            by=employee.user,
            date=dt.date(today.year, 1, 1) + dt.timedelta(days=n),
            hours=Decimal(value),
            source="non_working_time",
            organization=org,
        )

    by_link = log(1, "2")
    services.personal_hours_verify(
        entry=by_link,
        by=None,
        via="organization_link",
        verified_by_name="Ana Ruiz",
        link_data={"contact_id": 1},
    )
    services.personal_hours_verify(
        entry=log(2, "1.5"), by=coordinator, verified_by_name="Office", reason="A phone call"
    )
    log(3, "4")  # waiting: not in the sheet

    book = open_workbook(build_agency_workbook(dot, today.year))

    rows = table(book["Verified hours"])
    assert [
        (r["Verified via"].value, r["Verified by"].value, r["How"].value, hours(r["Hours"]))
        for r in rows
    ] == [
        ("Organization (its link)", "Ana Ruiz", None, Decimal("2.00")),
        ("Coordinator", "Office", "A phone call", Decimal("1.50")),
    ]
    summary = {row["Figure"].value: row["Value"] for row in table(book["Summary"])}
    assert hours(summary["Personal hours verified by the organization (hours)"]) == 2
    assert hours(summary["Personal hours verified by the coordinator (hours)"]) == Decimal("1.5")
    assert hours(summary["Personal hours verified (hours)"]) == Decimal("3.5")
