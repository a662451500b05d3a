"""The agency workbook: every figure equals what the balances API says for the same year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from reports.workbooks import build_agency_workbook

from .conftest import FORMULA_NAME, hours, table

BALANCES = "/api/v1/balances/"


def _api_rows(client, year: int, code: str) -> dict[str, dict]:
    response = client.get(BALANCES, {"year": year, "agency": code, "page_size": 200})
    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    return {row["employee_number"]: row for row in body["results"]}


def _summary(ws) -> dict:
    return {row["Figure"].value: row["Value"] for row in table(ws)}


@pytest.fixture
def dot_book(mentoring_year, open_workbook):
    return open_workbook(build_agency_workbook(mentoring_year["dot"], mentoring_year["year"]))


def test_sheets_are_summary_employees_monthly_requests_verified_hours_definitions(dot_book):
    assert dot_book.sheetnames == [
        "Summary",
        "Employees",
        "Monthly",
        "Requests",
        "Verified hours",
        "Definitions",
    ]


def test_employee_rows_equal_the_balances_api(dot_book, mentoring_year, client_for, workgroup):
    api = _api_rows(client_for(workgroup), mentoring_year["year"], "DOT")
    rows = table(dot_book["Employees"])
    assert sorted(row["Employee number"].value for row in rows) == sorted(api)
    for row in rows:
        expected = api[row["Employee number"].value]
        assert row["Employee"].value == expected["name"]
        applies = row["Eligible"].value == "Yes" and row["Roster"].value != "Not on roster"
        if applies:
            assert hours(row["Annual cap (hours)"]) == Decimal(expected["cap"])
        else:
            assert row["Annual cap (hours)"].value == "Does not apply"
        for header, field in [
            ("Paid leave approved (hours)", "paid_approved"),
            ("Paid leave pending (hours)", "paid_pending"),
            ("Paid leave with a supervisor (hours)", "paid_awaiting_supervisor"),
            ("Personal hours verified (hours)", "personal_verified"),
            ("Personal hours awaiting verification (hours)", "personal_awaiting_verification"),
            ("Paid leave available now (hours)", "paid_available"),
        ]:
            assert hours(row[header]) == Decimal(expected[field]), (header, expected)
        in_match = "Yes" if applies else "Does not apply"
        assert row["In match"].value == (in_match if expected["in_match"] else "No")


def test_summary_figures_equal_the_sums_of_the_balances_api(
    dot_book, mentoring_year, client_for, workgroup
):
    client = client_for(workgroup)
    year = mentoring_year["year"]
    api = list(_api_rows(client, year, "DOT").values())
    headcount = client.get("/api/v1/agencies/DOT/").json()["headcount"]
    lines = client.get("/api/v1/enrollments/", {"page_size": 200}).json()["results"]
    dot_ids = {row["employee"] for row in api}
    on_roster = {line["employee"] for line in lines if line["employee"] in dot_ids}
    first_day = f"{year}-01-01"  # ISO dates compare as text
    enrolled = {  # on some day of the year: active, or withdrawn after its first day
        line["employee"]
        for line in lines
        if line["employee"] in dot_ids
        and (
            line["status"] == "active"
            or line["withdrawn_on"] > max(first_day, line["commitment_starts_on"])
        )
    }
    summary = _summary(dot_book["Summary"])

    def total(field: str) -> Decimal:
        return sum((Decimal(row[field]) for row in api), Decimal("0"))

    assert summary["Headcount"].value == headcount == 21000
    assert summary["Roster size"].value == len(on_roster) == 4
    assert summary["Enrolled employees"].value == len(enrolled) == 3
    assert summary["Adoption rate"].value == pytest.approx(len(enrolled) / headcount)
    assert summary["Adoption rate"].number_format == "0.00%"
    active = [r for r in api if Decimal(r["paid_approved"]) or Decimal(r["personal_verified"])]
    assert summary["Active mentors"].value == len(active) == 3
    assert hours(summary["Paid leave approved (hours)"]) == total("paid_approved") == 7
    assert hours(summary["Paid leave pending (hours)"]) == total("paid_pending") == 2
    assert hours(summary["Personal hours verified (hours)"]) == total("personal_verified")
    assert hours(summary["Personal hours awaiting verification (hours)"]) == total(
        "personal_awaiting_verification"
    )
    cap = Decimal(api[0]["cap"])
    assert summary["Share of cap used"].value == pytest.approx(
        float(total("paid_approved") / (cap * len(enrolled)))
    )
    assert summary["Share of cap used"].number_format == "0.00%"
    out = [row for row in api if not row["in_match"]]
    assert summary["Employees out of match"].value == len(out) == 1


def test_an_employee_out_of_match_stands_out(dot_book):
    rows = {row["Employee number"].value: row for row in table(dot_book["Employees"])}
    shaded = {
        number for number, row in rows.items() if row["Employee"].fill.fgColor.rgb[-6:] == "FFC7CE"
    }
    out = {number for number, row in rows.items() if row["In match"].value == "No"}
    assert out and shaded == out


def test_roster_column_says_active_withdrawn_or_not_on_roster(dot_book):
    statuses = sorted(row["Roster"].value for row in table(dot_book["Employees"]))
    assert statuses == ["Active", "Active", "Active", "Not on roster", "Withdrawn"]


def test_monthly_sheet_adds_up_to_the_summary_and_has_a_chart(dot_book, mentoring_year):
    ws = dot_book["Monthly"]
    rows = table(ws)
    assert [row["Month"].value.date() for row in rows] == [
        dt.date(mentoring_year["year"], month, 1) for month in range(1, 13)
    ]
    assert all(row["Month"].is_date for row in rows)
    summary = _summary(dot_book["Summary"])
    paid = sum(hours(row["Paid leave approved (hours)"]) for row in rows)
    personal = sum(hours(row["Personal hours verified (hours)"]) for row in rows)
    assert paid == hours(summary["Paid leave approved (hours)"])
    assert personal == hours(summary["Personal hours verified (hours)"])
    assert len(ws._charts) == 1


def test_requests_sheet_lists_every_request_of_the_year_as_leave(dot_book, mentoring_year):
    rows = table(dot_book["Requests"])
    by_status = sorted((row["Status"].value, hours(row["Hours"])) for row in rows)
    assert by_status == [
        ("Approved", Decimal("3.00")),
        ("Approved", Decimal("4.00")),
        ("Denied", Decimal("1.00")),
        ("Pending", Decimal("2.00")),
    ]
    for row in rows:
        assert row["Date"].is_date and row["Date"].value.year == mentoring_year["year"]
        assert row["Requested on"].is_date
        assert row["Type"].value.startswith("Paid mentoring leave (leave, not time worked)")
        if row["Status"].value == "Pending":
            assert row["Approver"].value is None and row["Decided on"].value is None
        else:
            assert row["Approver"].value and row["Decided on"].is_date
    denied = next(row for row in rows if row["Status"].value == "Denied")
    assert denied["Reason"].value == "@SUM(A1)"


def test_person_typed_text_stays_literal_text(dot_book):
    seen = set()
    for ws in dot_book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    seen.add(cell.value)
    names = {row["Employee"].value for row in table(dot_book["Employees"])}
    assert f"{FORMULA_NAME} +1" in names
    assert "-2 Lee" in names
    assert {"=1+1 Mentors", "-2", "@SUM(A1)"} <= seen


def test_presentation_title_frozen_header_filter_and_widths(dot_book, mentoring_year):
    year = str(mentoring_year["year"])
    for ws in dot_book.worksheets:
        assert year in ws["A1"].value and "DOT" in ws["A1"].value
        assert "Pacific time" in ws["A2"].value
        assert ws.freeze_panes == "A4"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A3:")
        assert all(ws.column_dimensions[letter].width >= 8 for letter in "ABC")


def test_definitions_explain_every_column(dot_book):
    defined = {(row["Sheet"].value, row["Column"].value) for row in table(dot_book["Definitions"])}
    for sheet in ("Employees", "Monthly", "Requests"):
        for cell in dot_book[sheet][3]:
            assert (sheet, cell.value) in defined
    for figure in _summary(dot_book["Summary"]):
        assert ("Summary", figure) in defined


def test_a_year_without_data_gives_a_workbook_that_says_so(mentoring_year, open_workbook):
    book = open_workbook(build_agency_workbook(mentoring_year["dot"], mentoring_year["year"] - 3))
    assert "No roster lines, mentoring hours or leave requests" in book["Summary"]["A2"].value
    summary = _summary(book["Summary"])
    assert summary["Enrolled employees"].value == 0
    assert summary["Share of cap used"].value is None
    assert table(book["Requests"]) == []


@pytest.mark.parametrize("extra", [0, 6])
def test_building_runs_a_fixed_number_of_queries(
    mentoring_year, more_of_everything, django_assert_num_queries, extra
):
    more_of_everything(extra)
    with django_assert_num_queries(7):  # with the verified hours and who transferred
        build_agency_workbook(mentoring_year["dot"], mentoring_year["year"])
