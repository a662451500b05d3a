"""The adoption workbook: one row per agency and totals, equal to the balances API."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest

from reports import selectors
from reports.workbooks import build_adoption_workbook

from ..factories import AgencyFactory
from .conftest import FORMULA_NAME, hours, table

FIGURES = {
    "Paid leave approved (hours)": "paid_approved",
    "Paid leave pending (hours)": "paid_pending",
    "Personal hours verified (hours)": "personal_verified",
    "Personal hours awaiting verification (hours)": "personal_awaiting_verification",
}


@pytest.fixture
def adoption_bytes(mentoring_year):
    return build_adoption_workbook(mentoring_year["year"])


@pytest.fixture
def book(adoption_bytes, open_workbook):
    return open_workbook(adoption_bytes)


def _summary_rows(book) -> dict[str, dict]:
    return {row["Agency code"].value: row for row in table(book["Summary"])}


def test_sheets_are_summary_trend_definitions_then_one_per_agency(book):
    assert book.sheetnames == ["Summary", "Trend", "Definitions", "DOT", "DPH"]


def test_each_agency_row_equals_the_balances_api(book, mentoring_year, client_for, workgroup):
    client = client_for(workgroup)
    rows = _summary_rows(book)
    for code in ("DOT", "DPH"):
        api = client.get(
            "/api/v1/balances/", {"year": mentoring_year["year"], "agency": code}
        ).json()["results"]
        row = rows[code]
        for header, field in FIGURES.items():
            assert hours(row[header]) == sum(Decimal(r[field]) for r in api), (code, header)
        assert row["Employees out of match"].value == sum(not r["in_match"] for r in api)
        active = sum(
            bool(Decimal(r["paid_approved"]) or Decimal(r["personal_verified"])) for r in api
        )
        assert row["Active mentors"].value == active
        headcount = client.get(f"/api/v1/agencies/{code}/").json()["headcount"]
        assert row["Headcount"].value == headcount
        assert row["Adoption rate"].value == pytest.approx(
            row["Enrolled employees"].value / headcount
        )
    assert rows["DOT"]["Enrolled employees"].value == 3
    assert rows["DPH"]["Enrolled employees"].value == 1


def test_totals_row_adds_up_the_agencies_and_sits_outside_the_filter(book):
    ws = book["Summary"]
    rows = _summary_rows(book)
    last_agency_row = rows["DPH"]["Agency code"].row
    assert ws.auto_filter.ref.endswith(str(last_agency_row))
    totals = {cell.value: ws.cell(row=last_agency_row + 1, column=cell.column) for cell in ws[3]}
    assert totals["Agency code"].value == "Total"
    for header in FIGURES:
        assert hours(totals[header]) == hours(rows["DOT"][header]) + hours(rows["DPH"][header])
    for header in ("Headcount", "Enrolled employees", "Employees out of match"):
        assert totals[header].value == rows["DOT"][header].value + rows["DPH"][header].value
    assert totals["Adoption rate"].value == pytest.approx(
        totals["Enrolled employees"].value / totals["Headcount"].value
    )


def test_each_agency_sheet_lists_its_employees(book, mentoring_year, client_for, workgroup):
    api = (
        client_for(workgroup)
        .get("/api/v1/balances/", {"year": mentoring_year["year"], "page_size": 200})
        .json()["results"]
    )
    for code in ("DOT", "DPH"):
        numbers = sorted(row["Employee number"].value for row in table(book[code]))
        assert numbers == sorted(r["employee_number"] for r in api if r["agency"] == code)
    names = {row["Employee"].value for row in table(book["DOT"])}
    assert f"{FORMULA_NAME} +1" in names


def test_trend_sheet_has_a_chart_and_adds_up(book):
    rows = table(book["Trend"])
    assert len(rows) == 12 and all(row["Month"].is_date for row in rows)
    agencies = _summary_rows(book)
    for header in ("Paid leave approved (hours)", "Personal hours verified (hours)"):
        assert sum(hours(row[header]) for row in rows) == sum(
            hours(agencies[code][header]) for code in ("DOT", "DPH")
        )
    assert len(book["Trend"]._charts) == 1


def test_no_cell_is_a_formula(book, adoption_bytes):
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(adoption_bytes)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_frozen_headers_filters_and_titles(book, mentoring_year):
    for ws in book.worksheets:
        assert str(mentoring_year["year"]) in ws["A1"].value
        assert "Pacific time" in ws["A2"].value
        assert ws.freeze_panes == "A4"
        assert ws.auto_filter.ref.startswith("A3:")


def test_definitions_explain_every_column_in_a_sentence(book):
    rows = table(book["Definitions"])
    defined = {(row["Sheet"].value, row["Column"].value) for row in rows}
    for sheet, source in [
        ("Summary", "Summary"),
        ("Trend", "Trend"),
        ("Each agency's sheet", "DOT"),
    ]:
        for cell in book[source][3]:
            assert (sheet, cell.value) in defined
    assert all(row["Definition"].value.endswith(".") for row in rows)


def test_a_year_without_data_gives_a_workbook_that_says_so(mentoring_year, open_workbook):
    book = open_workbook(build_adoption_workbook(mentoring_year["year"] - 3))
    assert "No roster lines, mentoring hours or leave requests" in book["Summary"]["A2"].value
    assert all(row["Enrolled employees"].value == 0 for row in table(book["Summary"]))


def test_a_year_with_no_agencies_at_all_still_builds(db, open_workbook):
    book = open_workbook(build_adoption_workbook(2030))
    assert book.sheetnames == ["Summary", "Trend", "Definitions"]


@pytest.mark.parametrize("extra", [0, 8])
def test_building_runs_a_fixed_number_of_queries(
    mentoring_year, more_of_everything, django_assert_num_queries, open_workbook, extra
):
    more_of_everything(extra)
    with django_assert_num_queries(6):  # with who transferred during the year
        content = build_adoption_workbook(mentoring_year["year"])
    assert len(open_workbook(content).sheetnames) == 3 + 2 + extra


def test_an_agency_coded_like_a_fixed_sheet_gets_its_own_sheet(db, open_workbook):
    AgencyFactory(code="TREND", name="Trend Agency")
    book = open_workbook(build_adoption_workbook(2030))
    assert book.sheetnames == ["Summary", "Trend", "Definitions", "TREND agency"]


def test_monthly_hours_by_agency_add_up_to_the_monthly_totals(mentoring_year):
    year = mentoring_year["year"]
    by_agency = selectors.monthly_hours(year)
    totals = selectors.monthly_totals(year)
    assert set(by_agency) == {mentoring_year["dot"].pk, mentoring_year["dph"].pk}
    for month in selectors.MONTHS:
        assert sum(m.paid[month] for m in by_agency.values()) == totals.paid[month]
        assert sum(m.personal[month] for m in by_agency.values()) == totals.personal[month]
    dot = selectors.monthly_totals(year, agency=mentoring_year["dot"])
    assert dot == by_agency[mentoring_year["dot"].pk]
