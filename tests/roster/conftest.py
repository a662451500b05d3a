"""Roster files built in the tests (openpyxl and csv), and a snapshot of everything an import
may touch, to show that a refused import changed nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.models import Employee, Enrollment
from agencies.roster import COLUMN_NAMES
from ledger.models import LedgerEntry

IMPORT_URL = "/api/v1/enrollments/import/"
EXPORT_URL = "/api/v1/enrollments/export/"
TEMPLATE_URL = "/api/v1/enrollments/template/"

STARTS = dt.date(2026, 9, 1)
ENDS = dt.date(2027, 6, 30)


# The optional columns, left out of the files the tests make unless a test names them.
OPTIONAL = ("status", "withdrawn_on", "supervisor_employee_number", "supervisor_email")


def make_row(n: int, **overrides) -> dict:
    """A good DOT roster row for a new employee; `overrides` change any column."""
    row = {
        "employee_number": f"{700000 + n}",
        "first_name": f"Ana{n}",
        "last_name": f"Reyes{n}",
        "email": f"ana.reyes{n}@example.ca.gov",
        "bargaining_unit": "1",
        "appointment": "permanent",
        "pilot": "DOT Pilot",
        "organization": "Friends for Youth",
        "commitment_starts_on": STARTS,
        "commitment_ends_on": ENDS,
    }
    row.update(overrides)
    return row


def xlsx_bytes(rows: list[dict], header=None) -> bytes:
    header = list(header or [name for name in COLUMN_NAMES if name not in OPTIONAL])
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Roster")
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(name) for name in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[dict], header=None) -> bytes:
    header = list(header or [name for name in COLUMN_NAMES if name not in OPTIONAL])
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        values = [row.get(name) for name in header]
        writer.writerow(
            ["" if v is None else v.isoformat() if hasattr(v, "isoformat") else v for v in values]
        )
    return buffer.getvalue().encode("utf-8")


def upload(content: bytes, name: str = "roster.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def roster_file(rows: list[dict], kind: str = "xlsx", header=None) -> SimpleUploadedFile:
    if kind == "csv":
        return upload(csv_bytes(rows, header), "roster.csv")
    return upload(xlsx_bytes(rows, header), "roster.xlsx")


def roster_state() -> dict:
    """Everything an import may change."""
    User = get_user_model()
    return {
        "users": sorted(
            User.objects.values_list(
                "id", "username", "first_name", "last_name", "email", "password"
            )
        ),
        "employees": sorted(
            Employee.objects.values_list(
                "id", "employee_number", "agency_id", "bargaining_unit", "appointment"
            )
        ),
        "enrollments": sorted(
            Enrollment.objects.values_list(
                "id",
                "employee_id",
                "pilot_id",
                "organization_id",
                "commitment_starts_on",
                "commitment_ends_on",
                "status",
                "updated_at",
            )
        ),
        "ledger": LedgerEntry.objects.count(),
    }


@pytest.fixture
def post_roster(client_for):
    """post_roster(user, file, **query): POST a file to enrollments/import/."""

    def post(user, file, **query):
        url = IMPORT_URL
        if query:
            url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
        return client_for(user).post(url, {"file": file}, format="multipart")

    return post


@pytest.fixture
def roster_world(dot, dph, dot_pilot, dph_pilot, org, unqualified_org, coordinator):
    """DOT with its pilot and coordinator, DPH with its pilot, and two organizations."""
    return coordinator
