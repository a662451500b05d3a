"""Dates in a roster file: date cells, Excel serial numbers and text in common formats are
read; impossible dates and text that is not a date are refused with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl.utils.datetime import to_excel

from agencies.models import Enrollment
from agencies.roster import parse_date

from .conftest import make_row, roster_file

SEPT_1 = dt.date(2026, 9, 1)


@pytest.mark.parametrize(
    "value",
    [
        SEPT_1,
        dt.datetime(2026, 9, 1),
        "2026-09-01",
        " 2026-09-01 ",
        "2026-9-1",
        "2026-09-01 00:00:00",
        "09/01/2026",
        "9/1/2026",
        "Sept 1 2026",
        "Sept. 1, 2026",
        "Sep 1, 2026",
        "September 1, 2026",
        "1 September 2026",
        to_excel(dt.datetime(2026, 9, 1)),
        int(to_excel(dt.datetime(2026, 9, 1))),
        str(int(to_excel(dt.datetime(2026, 9, 1)))),
    ],
)
def test_common_ways_of_writing_a_date_are_read(value):
    assert parse_date(value) == SEPT_1


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2026-02-30", "February 2026 has 28 days"),
        ("2028-02-30", "February 2028 has 29 days"),
        ("02/30/2026", "February 2026 has 28 days"),
        ("2026-13-01", "no month 13"),
        ("31/12/2026", "no month 31"),
        ("tomorrow", "is not a date"),
        ("1/9", "is not a date"),
        ("1850-01-01", "out of range"),
        (-3, "is not a date"),
        ("", "required"),
    ],
)
def test_impossible_dates_and_text_are_refused_with_a_reason(value, words):
    with pytest.raises(ValueError, match=words):
        parse_date(value)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_file_with_dates_written_every_which_way_imports(roster_world, post_roster, kind):
    serial = int(to_excel(dt.datetime(2026, 9, 1)))
    starts = ["2026-09-01", "09/01/2026", "9/1/2026", "Sept 1 2026", serial]
    rows = [
        make_row(n, commitment_starts_on=value, commitment_ends_on="June 30, 2027")
        for n, value in enumerate(starts)
    ]

    response = post_roster(roster_world, roster_file(rows, kind))

    assert response.status_code == 200, response.json()
    dates = set(
        Enrollment.objects.filter(employee__employee_number__startswith="7000").values_list(
            "commitment_starts_on", "commitment_ends_on"
        )
    )
    assert dates == {(SEPT_1, dt.date(2027, 6, 30))}
