"""A database error in the middle of a write leaves nothing changed.

Each fault is raised after the first rows were already written (the request's new status, the
balance), at the moment the ledger entry is written, so only the transaction can undo them.
"""

from __future__ import annotations

import csv
import io
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from rest_framework.test import APIClient

from agencies.models import Employee, Enrollment
from hours import services
from hours.models import Balance, LeaveRequest, PersonalHours
from ledger.models import LedgerEntry


def _snapshot(employee) -> dict:
    return {
        "balances": list(
            Balance.objects.filter(employee=employee)
            .order_by("year")
            .values_list("paid_approved", "paid_pending", "personal_verified", "personal_logged")
        ),
        "ledger": LedgerEntry.objects.count(),
        "leave": list(LeaveRequest.objects.order_by("pk").values_list("pk", "status", "approver")),
        "hours": list(
            PersonalHours.objects.order_by("pk").values_list("pk", "status", "reviewed_by")
        ),
    }


def _client(world, role: str) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.credentials(**world.headers(role))
    return client


def _database_fails_at_the_ledger():
    return mock.patch("ledger.services.record", side_effect=DatabaseError("disk I/O error"))


def test_database_error_during_approval_leaves_the_request_pending(world):
    before = _snapshot(world.dot.employee)

    with _database_fails_at_the_ledger():
        response = _client(world, "coordinator").post(
            f"/api/v1/leave-requests/{world.dot.pending.pk}/approve/", {}, format="json"
        )

    assert response.status_code >= 500
    assert _snapshot(world.dot.employee) == before
    assert LeaveRequest.objects.get(pk=world.dot.pending.pk).status == "pending"
    # And the same approval goes through once the database is back.
    retry = _client(world, "coordinator").post(
        f"/api/v1/leave-requests/{world.dot.pending.pk}/approve/", {}, format="json"
    )
    assert retry.status_code == 200


def test_database_error_during_verification_leaves_the_hours_awaiting(world):
    before = _snapshot(world.dot.employee)

    with _database_fails_at_the_ledger(), pytest.raises(DatabaseError):
        services.personal_hours_verify(
            reason="Signed paper form",
            entry=world.dot.logged,
            by=world.users["coordinator"],
            verified_by_name="Office",
        )

    assert _snapshot(world.dot.employee) == before
    entry = PersonalHours.objects.get(pk=world.dot.logged.pk)
    assert entry.status == "logged"
    assert entry.verified_by_name == ""


def test_database_error_during_verification_through_the_api(world):
    before = _snapshot(world.dot.employee)

    with _database_fails_at_the_ledger():
        response = _client(world, "coordinator").post(
            f"/api/v1/personal-hours/{world.dot.logged.pk}/verify/",
            {"verified_by_name": "Office", "reason": "A phone call"},
            format="json",
        )

    assert response.status_code >= 500
    assert _snapshot(world.dot.employee) == before


def _roster_csv(world, count: int) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "employee_number",
            "first_name",
            "last_name",
            "email",
            "bargaining_unit",
            "appointment",
            "pilot",
            "organization",
            "commitment_starts_on",
            "commitment_ends_on",
        ]
    )
    for n in range(count):
        writer.writerow(
            [
                f"{880000 + n}",
                f"Ana{n}",
                f"Reyes{n}",
                f"ana{n}@example.ca.gov",
                "1",
                "permanent",
                world.dot.pilot.name,
                world.dot.enrollment.organization.name,
                f"{world.year}-01-01",
                f"{world.year}-12-31",
            ]
        )
    return buffer.getvalue().encode()


def _post_roster(world, content: bytes):
    client = _client(world, "coordinator")
    return client.post(
        "/api/v1/enrollments/import/?agency=DOT",
        {"file": SimpleUploadedFile("roster.csv", content, content_type="text/csv")},
        format="multipart",
    )


def test_database_error_during_an_import_leaves_the_roster_unchanged(world):
    content = _roster_csv(world, 5)
    employees, enrollments = Employee.objects.count(), Enrollment.objects.count()
    ledger = LedgerEntry.objects.count()

    with mock.patch.object(
        LedgerEntry.objects, "bulk_create", side_effect=DatabaseError("disk I/O error")
    ):
        response = _post_roster(world, content)

    assert response.status_code >= 500
    assert Employee.objects.count() == employees
    assert Enrollment.objects.count() == enrollments
    assert LedgerEntry.objects.count() == ledger
    assert not Employee.objects.filter(employee_number__startswith="8800").exists()
    # The same file imports once the database is back: the fault, not the file, stopped it.
    assert _post_roster(world, content).status_code == 200
    assert Employee.objects.count() == employees + 5
