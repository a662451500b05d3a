"""Bad roster files: each gets a clear 4xx answer naming the row, column and reason, never a
500, and changes nothing at all."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from agencies.roster import reading
from tests.factories import EmployeeFactory, UserFactory

from .conftest import csv_bytes, make_row, roster_file, roster_state, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.fixture
def refused(roster_world, post_roster):
    """refused(file, status=400): import `file`, check it was refused and nothing changed,
    and return the errors."""

    def check(file, status: int = 400, **query) -> list[dict]:
        before = roster_state()
        response = post_roster(roster_world, file, **query)
        assert response.status_code == status, response.content[:500]
        body = response.json()
        assert body["errors"], body
        assert "Nothing was changed" in body["detail"] or status == 413
        assert roster_state() == before
        return body["errors"]

    return check


def only(errors: list[dict]) -> dict:
    assert len(errors) == 1, errors
    return errors[0]


# --- Files that are not spreadsheets ------------------------------------------------------------


@pytest.mark.parametrize("name", ["roster.xlsx", "roster.csv", "roster.png"])
def test_a_picture_is_refused_whatever_its_name(refused, name):
    error = only(refused(upload(PNG + bytes(200), name)))
    assert error["code"] == "not_a_spreadsheet"
    assert error["row"] is None


def test_an_empty_file_is_refused(refused):
    assert only(refused(upload(b"", "roster.xlsx")))["code"] == "empty_file"


def test_an_old_xls_workbook_is_refused_with_what_to_do(refused):
    error = only(refused(upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "r.xls")))
    assert error["code"] == "unsupported_format"
    assert ".xlsx" in error["message"]


def test_a_zip_that_is_not_a_workbook_is_refused(refused):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert only(refused(upload(buffer.getvalue())))["code"] == "not_a_spreadsheet"


def test_a_damaged_workbook_is_refused(refused):
    content = xlsx_bytes([make_row(1)])
    assert only(refused(upload(content[: len(content) // 2])))["code"] == "not_a_spreadsheet"


def test_a_zip_bomb_is_refused_before_it_is_opened(refused, settings, monkeypatch):
    settings.ROSTER_UPLOAD_MAX_BYTES = 100_000  # so the bomb may unpack to 2 MB at most
    opened = []
    monkeypatch.setattr(reading.openpyxl, "load_workbook", lambda *a, **k: opened.append(a))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", bytes(20_000_000))
    assert len(buffer.getvalue()) < 100_000

    error = only(refused(upload(buffer.getvalue())))

    assert error["code"] == "unsafe_file"
    assert opened == []


def test_a_zip_of_thousands_of_parts_is_refused(refused):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for n in range(reading.MAX_ZIP_ENTRIES + 1):
            archive.writestr(f"xl/part{n}.xml", "")
    assert only(refused(upload(buffer.getvalue())))["code"] == "unsafe_file"


def test_a_file_over_the_size_limit_answers_413(refused, settings):
    settings.ROSTER_UPLOAD_MAX_BYTES = 10_000
    content = csv_bytes([make_row(n) for n in range(200)])
    assert 10_000 < len(content) < 64_000  # read, then refused

    error = only(refused(upload(content, "roster.csv"), status=413))

    assert error["code"] == "too_large"


def test_a_request_announcing_more_than_the_limit_is_refused_unread(refused, settings):
    settings.ROSTER_UPLOAD_MAX_BYTES = 10_000
    content = csv_bytes([make_row(n) for n in range(2000)])
    assert len(content) > 10_000 + 64 * 1024

    error = only(refused(upload(content, "roster.csv"), status=413))

    assert error["code"] == "too_large"


def test_a_request_without_a_file_is_refused(roster_world, client_for):
    response = client_for(roster_world).post(
        "/api/v1/enrollments/import/", {"other": "x"}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["column"] == "file"


def test_a_file_with_more_rows_than_allowed_is_refused(refused, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 5)
    error = only(refused(roster_file([make_row(n) for n in range(6)])))
    assert error["code"] == "too_many_rows"


# --- Headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_missing_column_is_named(refused, kind):
    header = [name for name in make_row(0) if name != "email"]
    error = only(refused(roster_file([make_row(1)], kind, header=header)))
    assert (error["row"], error["column"], error["code"]) == (1, "email", "header")


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_misspelled_column_is_named_with_a_suggestion(refused, kind):
    header = ["employe_number" if n == "employee_number" else n for n in make_row(0)]
    rows = [
        {("employe_number" if k == "employee_number" else k): v for k, v in make_row(1).items()}
    ]
    errors = refused(roster_file(rows, kind, header=header))
    assert errors[0]["column"] == "employe_number"
    assert "Did you mean employee_number?" in errors[0]["message"]
    assert errors[1]["column"] == "employee_number"  # and so that one is missing


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_an_extra_column_is_refused(refused, kind):
    rows = [make_row(1, notes="likes chess")]
    error = only(refused(roster_file(rows, kind, header=[*make_row(0), "notes"])))
    assert (error["row"], error["column"]) == (1, "notes")
    assert "Unknown column" in error["message"]


def test_a_column_named_twice_is_refused(refused):
    error = only(refused(roster_file([make_row(1)], header=[*make_row(0), "email"])))
    assert error["column"] == "email"
    assert "twice" in error["message"]


def test_a_value_under_no_header_is_refused(refused):
    lines = csv_bytes([make_row(1)]).decode().splitlines()
    lines[1] += ",stray"
    error = only(refused(upload("\r\n".join(lines).encode(), "roster.csv")))
    # The value sits in column K, after the ten named columns.
    assert (error["row"], error["column"], error["code"]) == (2, "K", "extra_value")


def test_a_file_with_only_a_header_is_refused(refused):
    assert only(refused(roster_file([])))["code"] == "no_rows"


# --- Rows ---------------------------------------------------------------------------------------

BAD_ROWS = [
    # (overrides, column, code, words in the message)
    ({"pilot": "DPH Pilot"}, "pilot", "not_enrolled", "DPH"),
    ({"pilot": "Night Pilot"}, "pilot", "unknown_pilot", "DOT Pilot"),
    ({"bargaining_unit": "99"}, "bargaining_unit", "invalid", "excluded"),
    ({"bargaining_unit": "6"}, "bargaining_unit", "not_eligible", "not covered"),
    ({"appointment": "temporary"}, "appointment", "not_eligible", "Temporary"),
    ({"appointment": "forever"}, "appointment", "invalid", "permanent"),
    ({"organization": "Nobody Mentors"}, "organization", "unknown_organization", "Nobody"),
    ({"organization": "Peacemakers Inc."}, "organization", "organization_not_qualified", ""),
    ({"commitment_ends_on": "2026-12-31"}, "commitment_ends_on", "not_enrolled", "school year"),
    ({"commitment_ends_on": "2026-08-01"}, "commitment_ends_on", "not_enrolled", "after it"),
    ({"commitment_starts_on": "2026-02-30"}, "commitment_starts_on", "invalid", "28 days"),
    ({"commitment_starts_on": "13/01/2026"}, "commitment_starts_on", "invalid", "no month 13"),
    ({"commitment_starts_on": "soon"}, "commitment_starts_on", "invalid", "2026-09-01"),
    ({"commitment_starts_on": ""}, "commitment_starts_on", "required", "required"),
    ({"email": "not-an-email"}, "email", "invalid", "email"),
    ({"first_name": ""}, "first_name", "required", "required"),
    ({"first_name": "x" * 151}, "first_name", "invalid", "150"),
    ({"employee_number": "1" * 21}, "employee_number", "invalid", "20"),
    ({"status": "paused"}, "status", "invalid", "withdrawn"),
]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
@pytest.mark.parametrize(("overrides", "column", "code", "words"), BAD_ROWS)
def test_a_bad_value_is_named_by_row_and_column(refused, kind, overrides, column, code, words):
    rows = [make_row(1), make_row(2, **overrides)]
    header = [*make_row(0), "status"]
    rows[0]["status"] = "active"
    rows[1].setdefault("status", "active")

    error = only(refused(roster_file(rows, kind, header=header)))

    assert (error["row"], error["column"], error["code"]) == (3, column, code)
    assert words in error["message"]


def test_every_bad_row_is_listed_and_the_good_ones_are_not_written(refused):
    rows = [
        make_row(1),
        make_row(2, bargaining_unit="99"),
        make_row(3),
        make_row(4, email="nope", organization="Nobody Mentors"),
    ]

    errors = refused(roster_file(rows))

    assert [(e["row"], e["column"]) for e in errors] == [
        (3, "bargaining_unit"),
        (5, "email"),
        (5, "organization"),
    ]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_duplicate_employee_numbers_are_refused(refused, kind):
    rows = [make_row(1), make_row(2), make_row(3, employee_number="700001")]
    error = only(refused(roster_file(rows, kind)))
    assert (error["row"], error["column"], error["code"]) == (4, "employee_number", "duplicate")
    assert "row 2" in error["message"]


def test_an_employee_number_of_another_agency_is_refused(refused, dph):
    other = EmployeeFactory(agency=dph, employee_number="800001")
    error = only(refused(roster_file([make_row(1, employee_number=other.employee_number)])))
    assert (error["column"], error["code"]) == ("employee_number", "other_agency")


def test_a_new_employee_whose_username_is_taken_is_refused(refused):
    UserFactory(username="700001")
    error = only(refused(roster_file([make_row(1)])))
    assert (error["column"], error["code"]) == ("employee_number", "username_taken")


def test_formula_cells_are_refused_with_their_row(refused):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(make_row(0)))
    sheet.append(list(make_row(1).values()))
    sheet.append(list(make_row(2).values()))
    sheet["B3"] = '=UPPER("ana")'
    sheet["I3"] = "=DATE(2026,9,1)"
    buffer = io.BytesIO()
    workbook.save(buffer)

    errors = refused(upload(buffer.getvalue()))

    assert [(e["row"], e["column"], e["code"]) for e in errors] == [
        (3, "first_name", "formula"),
        (3, "commitment_starts_on", "formula"),
    ]
    assert "=UPPER" in errors[0]["message"]


def test_a_formula_in_a_csv_file_is_refused(refused):
    error = only(refused(roster_file([make_row(1, last_name="=HYPERLINK(1)")], "csv")))
    assert (error["row"], error["column"], error["code"]) == (2, "last_name", "formula")


def test_a_failed_import_after_a_good_one_leaves_the_first_import_alone(
    roster_world, post_roster, refused
):
    assert post_roster(roster_world, roster_file([make_row(1)])).status_code == 200
    rows = [make_row(1, first_name="Changed"), make_row(2, bargaining_unit="99")]
    errors = refused(roster_file(rows))
    assert [e["row"] for e in errors] == [3]


def test_an_email_longer_than_the_account_holds_is_refused(refused):
    email = "a" * 60 + "@" + "b" * 200 + ".example.ca.gov"
    error = only(refused(roster_file([make_row(1, email=email)])))
    assert (error["column"], error["code"]) == ("email", "invalid")
