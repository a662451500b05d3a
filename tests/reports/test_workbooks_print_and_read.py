"""The workbooks as a person prints and reads them: landscape pages one page wide with the
headings repeated and a footer, charts that print whole and draw straight lines up to the
current month, reversals beside approvals, wrapped headings, padded cells, hours with a
thousands separator, and "Does not apply" where the cap does not."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.utils import timezone

from agencies.models import Enrollment
from hours import services
from policy import dates
from reports.workbooks import HEADER_ROW, build_adoption_workbook, build_agency_workbook

from .conftest import table

AGENCY_SHEETS = ["Summary", "Employees", "Monthly", "Requests", "Verified hours", "Definitions"]


@pytest.fixture
def dot_book(mentoring_year, open_workbook):
    return open_workbook(build_agency_workbook(mentoring_year["dot"], mentoring_year["year"]))


@pytest.fixture
def adoption_book(mentoring_year, open_workbook):
    return open_workbook(build_adoption_workbook(mentoring_year["year"]))


def _every_sheet(dot_book, adoption_book):
    return [*dot_book.worksheets, *adoption_book.worksheets]


def test_every_sheet_prints_landscape_one_page_wide_with_headings_on_every_page(
    dot_book, adoption_book
):
    for ws in _every_sheet(dot_book, adoption_book):
        assert ws.page_setup.orientation == "landscape", ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, ws.title
        assert ws.print_title_rows == f"$1:${HEADER_ROW}", ws.title


def test_every_sheet_has_a_footer_with_its_name_the_page_and_the_time_it_was_made(
    dot_book, adoption_book
):
    for ws in _every_sheet(dot_book, adoption_book):
        footer = ws.oddFooter
        assert footer.left.text == "&A", ws.title
        assert footer.center.text == "Page &P of &N", ws.title
        assert re.fullmatch(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d P[SD]T", footer.right.text)


def test_the_charts_sit_beside_their_tables_so_they_print_whole(dot_book, adoption_book):
    for ws in (dot_book["Monthly"], adoption_book["Trend"]):
        (chart,) = ws._charts
        # To the right of the three columns, level with the headings: on a landscape page
        # fitted one page wide, the table and the chart print together.
        assert (chart.anchor._from.col, chart.anchor._from.row + 1) == (4, HEADER_ROW)
        assert chart.height <= 7.5


def test_the_trend_chart_draws_straight_lines(adoption_book):
    (chart,) = adoption_book["Trend"]._charts
    assert chart.tagname == "lineChart"
    assert [series.smooth for series in chart.series] == [False, False]


def test_months_that_have_not_happened_are_not_drawn(mentoring_year, open_workbook, monkeypatch):
    year = mentoring_year["year"]
    # Leave is approved ahead, in December of the fixture's year: the months run to December.
    monkeypatch.setattr(dates, "today", lambda: dt.date(year, 7, 15))
    book = open_workbook(build_adoption_workbook(year))
    assert [row["Month"].value.month for row in table(book["Trend"])] == list(range(1, 13))

    # A year with hours only up to March, seen in July: January to July, no later month.
    monkeypatch.setattr(dates, "today", lambda: dt.date(year + 1, 7, 15))
    book = open_workbook(build_adoption_workbook(year + 1))
    months = [row["Month"].value.month for row in table(book["Trend"])]
    assert months == list(range(1, 8))
    assert "Months after July have not happened yet." in book["Trend"]["A2"].value
    (chart,) = book["Trend"]._charts
    assert chart.series[0].val.numRef.f.endswith(f"$B${HEADER_ROW + 7}")


def test_a_past_year_shows_all_twelve_months(mentoring_year, open_workbook, monkeypatch):
    year = mentoring_year["year"]
    monkeypatch.setattr(dates, "today", lambda: dt.date(year + 1, 2, 1))
    book = open_workbook(build_agency_workbook(mentoring_year["dot"], year))
    assert len(table(book["Monthly"])) == 12


def test_a_reversed_request_shows_who_reversed_it_beside_who_approved_it(
    employee, coordinator, second_coordinator, org, day, today, open_workbook
):
    for n in (0, 1):
        entry = services.personal_hours_log(
            employee=employee,
            by=employee.user,
            date=day(n),
            hours=Decimal("4"),
            source="non_working_time",
            organization=org,
        )
        services.personal_hours_verify(
            entry=entry, by=coordinator, verified_by_name="Office", reason="A signed form"
        )
    leave = services.leave_request_create(
        employee=employee, by=employee.user, date=day(2), hours=Decimal("3"), organization=org
    )
    services.leave_request_approve(request=leave, by=coordinator)
    services.leave_request_reverse(request=leave, by=second_coordinator, reason="Wrong day")

    book = open_workbook(build_agency_workbook(employee.agency, today.year))
    (row,) = table(book["Requests"])
    assert row["Status"].value == "Reversed"
    assert row["Approver"].value == coordinator.get_full_name()
    assert row["Reversed by"].value == second_coordinator.get_full_name()
    # The day it was reversed: the real date of the ledger entry, whatever "today" the rules see.
    assert row["Reversed on"].is_date
    assert row["Reversed on"].value.date() == timezone.localdate()
    assert row["Reason"].value == "Wrong day"


def test_headings_wrap_instead_of_widening_their_columns(dot_book):
    ws = dot_book["Employees"]
    header = {cell.value: cell for cell in ws[HEADER_ROW]}
    awaiting = header["Personal hours awaiting verification (hours)"]
    assert awaiting.alignment.wrap_text is True
    assert ws.column_dimensions[awaiting.column_letter].width < len(awaiting.value)
    # ...and the header row is tall enough for the wrapped lines, which printing needs.
    assert ws.row_dimensions[HEADER_ROW].height >= 45


def test_numbers_and_text_are_padded_apart_and_hours_have_a_thousands_separator(dot_book):
    rows = table(dot_book["Employees"])
    cap, match = rows[0]["Paid leave available now (hours)"], rows[0]["In match"]
    assert cap.number_format == "#,##0.00"
    assert (cap.alignment.horizontal, cap.alignment.indent) == ("right", 1)
    # Text keeps the default (left) alignment: the number's padding keeps them apart.
    assert match.data_type == "s" and match.alignment.horizontal in (None, "general", "left")


def test_the_cap_does_not_apply_to_someone_not_eligible_or_not_on_a_roster(
    dot_book, mentoring_year
):
    rows = {row["Employee number"].value: row for row in table(dot_book["Employees"])}
    not_enrolled = Enrollment.objects.filter(employee__user__username="dot.notenrolled")
    assert not not_enrolled.exists()
    (row,) = [row for row in rows.values() if row["Roster"].value == "Not on roster"]
    assert row["Annual cap (hours)"].value == "Does not apply"
    assert row["In match"].value == "Does not apply"
    enrolled = [row for row in rows.values() if row["Roster"].value == "Active"]
    assert enrolled and all(row["Annual cap (hours)"].value == 40 for row in enrolled)


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_each_sheet_of_a_small_agency_prints_on_one_page(dot_book, mentoring_year, tmp_path):
    """Printed through LibreOffice: a page per sheet, the chart whole beside its table, and
    only the Definitions (forty rows of sentences) running onto a second page. Printed portrait
    and unfitted, the wide sheets split across pages sideways."""
    path = tmp_path / "dot.xlsx"
    path.write_bytes(build_agency_workbook(mentoring_year["dot"], mentoring_year["year"]))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = (tmp_path / "dot.pdf").read_bytes()
    pages = _pdf_pages(pdf)
    assert pages == len(AGENCY_SHEETS) + 1


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
