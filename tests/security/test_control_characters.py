"""Control and invisible characters: refused at every way in with a 400 naming the field
(policy.text), and never a failed workbook for text stored before the check.

The review stored a surname with a vertical tab and a pilot name with \\x01, after which every
roster export and template answered 500; and an employee number `\\u200bdot.employee` became a
username that displays as `dot.employee`."""

from __future__ import annotations

import io
import sys
import unicodedata

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies import services as agency_services
from agencies.models import Employee, Pilot
from hours.models import PersonalHours
from policy import text
from tests.factories import EmployeeFactory, PilotFactory, UserFactory

pytestmark = pytest.mark.django_db

REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}


# Egyptian hieroglyph format controls that Unicode 15 added: refused already, though this
# Python's unicodedata (Unicode 14) does not know them yet.
NEWER_FORMAT_CONTROLS = {chr(code) for code in range(0x13439, 0x13440)}


@pytest.mark.django_db(False)
def test_the_table_of_refused_characters_is_unicodes_own():
    """Every code point of the refused categories, and no other, is refused (tab, line feed
    and carriage return only on a single line; U+FFFE and U+FFFF besides)."""
    everything = "".join(chr(code) for code in range(sys.maxunicode + 1))
    expected = {
        character
        for character in everything
        if unicodedata.category(character) in REFUSED_CATEGORIES
    } | {"\ufffe", "\uffff"}
    single_line = set(text.REFUSED_SINGLE_LINE.findall(everything)) - NEWER_FORMAT_CONTROLS
    multiline = set(text.REFUSED.findall(everything)) - NEWER_FORMAT_CONTROLS
    assert single_line == expected
    assert multiline == expected - {"\t", "\n", "\r"}


def employee_body(dot, **overrides) -> dict:
    body = {
        "agency": dot.code,
        "employee_number": "800001",
        "first_name": "Ana",
        "last_name": "Reyes",
        "email": "ana@example.ca.gov",
        "bargaining_unit": "1",
        "appointment": "permanent",
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    ("field", "value", "character"),
    [
        ("last_name", "Re\x0byes", "U+000B"),
        ("first_name", "A\u200bna", "U+200B"),
        ("first_name", "An\u202ea", "U+202E"),
        ("employee_number", "\u200b800001", "U+200B"),
        ("last_name", "Reyes\u2028", "U+2028"),
        ("last_name", "Rey\x85es", "U+0085"),
    ],
)
@pytest.mark.parametrize("body_format", ["json", "multipart"])
def test_the_api_refuses_a_control_character_naming_the_field(
    field, value, character, body_format, dot, coordinator, client_for
):
    employees_before = Employee.objects.count()
    response = client_for(coordinator).post(
        "/api/v1/employees/", employee_body(dot, **{field: value}), format=body_format
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "forbidden_character"
    assert body["field"] == field
    assert character in body["detail"]
    assert Employee.objects.count() == employees_before
    assert not Employee.objects.filter(user__email="ana@example.ca.gov").exists()


def test_a_pilot_name_with_a_control_character_is_refused(dot, coordinator, client_for, today):
    pilots_before = Pilot.objects.count()
    response = client_for(coordinator).post(
        "/api/v1/pilots/",
        {
            "agency": dot.code,
            "name": "Pilot\x01",
            "starts_on": f"{today.year}-01-01",
            "ends_on": f"{today.year}-12-31",
        },
    )
    assert response.status_code == 400
    assert response.json()["field"] == "name"
    assert Pilot.objects.count() == pilots_before


def test_nested_fields_and_keys_are_named_by_their_path(employee, client_for):
    client = client_for(employee.user)
    response = client.post("/api/v1/personal-hours/", {"notes": ["ok", {"deep": "x\x07"}]})
    assert response.json()["field"] == "notes[1].deep"
    response = client.post("/api/v1/personal-hours/", {"no\x1btes": "x"})
    assert response.status_code == 400
    assert response.json()["field"] == "no\x1btes"


def test_line_breaks_pass_in_text_and_ordinary_names_pass(dot, coordinator, client_for):
    response = client_for(coordinator).post(
        "/api/v1/employees/",
        employee_body(dot, last_name="Ñúñez-O'Brien", first_name="Zoë"),
    )
    assert response.status_code == 201, response.content
    assert text.refusal("First line\r\n\tsecond line") is None
    assert text.refusal("First line\nsecond", multiline=False) is not None


def test_a_web_form_refuses_a_control_character_naming_the_field(employee, org, day, client):
    client.force_login(employee.user)
    response = client.post(
        "/me/hours/",
        {
            "hours-date": day(0).isoformat(),
            "hours-hours": "2",
            "hours-source": "non_working_time",
            "hours-organization": org.pk,
            "hours-notes": "met at the library\u202e",
        },
    )
    assert response.status_code == 400
    assert "hours-notes" in response.content.decode()
    assert "U+202E" in response.content.decode()
    assert not PersonalHours.objects.exists()


def test_the_admin_refuses_a_control_character(admin_client, dot, today):
    pilots_before = Pilot.objects.count()
    response = admin_client.post(
        "/admin/agencies/pilot/add/",
        {
            "agency": dot.pk,
            "name": "District\x017",
            "starts_on": f"{today.year}-01-01",
            "ends_on": f"{today.year}-12-31",
            "status": "active",
            "_save": "Save",
        },
    )
    assert response.status_code == 400
    assert "name" in response.content.decode()
    assert Pilot.objects.count() == pilots_before


def test_the_roster_import_refuses_a_control_character_naming_row_and_column(
    dot, dot_pilot, org, coordinator, client_for
):
    rows = [
        "employee_number,first_name,last_name,email,bargaining_unit,appointment,pilot,"
        "organization,commitment_starts_on,commitment_ends_on",
        f"700001,Ana,Re\x0byes,ana@example.ca.gov,1,permanent,{dot_pilot.name},{org.name},"
        "2026-09-01,2027-06-30",
        f"\u200b700002,Bo,Lee,bo@example.ca.gov,1,permanent,{dot_pilot.name},{org.name},"
        "2026-09-01,2027-06-30",
    ]
    upload = SimpleUploadedFile("roster.csv", "\n".join(rows).encode())
    response = client_for(coordinator).post(
        "/api/v1/enrollments/import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400
    errors = {(e["row"], e["column"], e["code"]) for e in response.json()["errors"]}
    assert errors == {
        (2, "last_name", "forbidden_character"),
        (3, "employee_number", "forbidden_character"),
    }
    assert not Employee.objects.filter(employee_number__in=["700001", "700002"]).exists()


@pytest.mark.parametrize(
    ("username", "number", "field"),
    [
        ("", "\u200bdot.employee", "employee_number"),
        ("dot\u200b.employee", "800002", "username"),
        ("dot employee", "800003", "username"),
        ("", "800 004", "employee_number"),
    ],
)
def test_a_username_is_checked_like_one_even_when_it_comes_from_the_number(
    username, number, field, dot, admin_user
):
    with pytest.raises(ValidationError) as refused:
        agency_services.employee_create(
            by=admin_user,
            agency=dot,
            employee_number=number,
            first_name="Dot",
            last_name="Employee",
            email="dot@example.ca.gov",
            bargaining_unit="1",
            appointment="permanent",
            username=username,
        )
    assert field in refused.value.message_dict
    assert not Employee.objects.filter(agency=dot).exists()


def test_exports_never_fail_on_stored_text(dot, dot_pilot, org, coordinator, client_for):
    """Rows stored before the check (written here straight to the database) still export,
    without the characters a workbook cannot hold."""
    Pilot.objects.filter(pk=dot_pilot.pk).update(name="DOT\x01 Pilot")
    person = EmployeeFactory(agency=dot, user=UserFactory(username="dot.vt", last_name="Re\x0byes"))
    person.enrollments.create(
        pilot=dot_pilot,
        organization=org,
        commitment_starts_on="2026-09-01",
        commitment_ends_on="2027-06-30",
    )
    PilotFactory(agency=dot, name="Second\x02")
    client = client_for(coordinator)
    for url in (
        "/api/v1/enrollments/export/?agency=DOT",
        "/api/v1/enrollments/template/?agency=DOT",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        values = [c.value for s in book.worksheets for row in s.iter_rows() for c in row]
        assert "DOT Pilot" in values or "Reyes" in values
        assert not any(isinstance(v, str) and text.refused_character(v) for v in values)
