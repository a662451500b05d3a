"""Property-level authorization (OWASP API3): read-only fields sent in a body change nothing,
and responses never carry fields a role may not read. Each test checks what is stored, not only
the status code."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from agencies.models import Employee, Enrollment, Pilot
from hours.models import Balance, LeaveRequest, PersonalHours
from ledger.models import LedgerEntry

from .conftest import ROLES

SECRET_KEYS = {"password", "digest", "token", "key", "secret"}


def _client(world, role: str) -> APIClient:
    client = APIClient()
    client.credentials(**world.headers(role))
    return client


def _balance(employee) -> tuple:
    b = Balance.objects.get(employee=employee, year=employee.personal_hours.first().date.year)
    return (b.paid_approved, b.paid_pending, b.personal_verified, b.personal_logged)


def test_logging_hours_ignores_status_reviewer_and_owner_sent_in_the_body(world):
    coordinator = world.users["coordinator"]
    response = _client(world, "employee").post(
        "/api/v1/personal-hours/",
        {
            "date": world.dot.logged.date.isoformat(),
            "hours": "1.00",
            "source": "non_working_time",
            "organization": world.dot.enrollment.organization_id,
            "employee": world.dph.employee.pk,
            "status": "verified",
            "verified_by_name": "Myself",
            "verified_on": world.dot.logged.date.isoformat(),
            "reviewed_by": coordinator.pk,
            "reason": "pre-approved",
        },
        format="json",
    )

    assert response.status_code == 201
    entry = PersonalHours.objects.get(pk=response.json()["id"])
    assert entry.employee == world.dot.employee
    assert entry.status == PersonalHours.Status.LOGGED
    assert entry.verified_by_name == ""
    assert entry.verified_on is None
    assert entry.reviewed_by is None
    assert entry.reason == ""


def test_requesting_leave_ignores_status_approver_owner_and_ledger_fields(world):
    before = _balance(world.dot.employee)
    response = _client(world, "employee").post(
        "/api/v1/leave-requests/",
        {
            "date": f"{world.year}-12-28",
            "hours": "1.00",
            "organization": world.dot.enrollment.organization_id,
            "employee": world.dph.employee.pk,
            "status": "approved",
            "approver": world.users["coordinator"].pk,
            "decided_at": "2000-01-01T00:00:00Z",
            "d_paid_approved": "40.00",
            "paid_approved": "40.00",
        },
        format="json",
    )

    assert response.status_code == 201
    leave = LeaveRequest.objects.get(pk=response.json()["id"])
    assert leave.employee == world.dot.employee
    assert leave.status == LeaveRequest.Status.PENDING
    assert leave.approver is None
    assert leave.decided_at is None
    paid_approved, paid_pending, verified, logged = _balance(world.dot.employee)
    assert paid_approved == before[0]
    assert paid_pending == before[1] + 1
    assert (verified, logged) == before[2:]
    entry = LedgerEntry.objects.filter(subject_type="leaverequest", subject_id=leave.pk).get()
    assert entry.d_paid_approved == 0
    assert entry.d_paid_pending == 1


def test_verifying_records_the_signed_in_coordinator_whatever_the_body_says(world):
    response = _client(world, "coordinator").post(
        f"/api/v1/personal-hours/{world.dot.logged.pk}/verify/",
        {
            "verified_by_name": "Program Office",
            "reason": "A phone call",
            "status": "rejected",
            "reviewed_by": world.users["admin"].pk,
            "hours": "12.00",
            "employee": world.dph.employee.pk,
        },
        format="json",
    )

    assert response.status_code == 200
    entry = PersonalHours.objects.get(pk=world.dot.logged.pk)
    assert entry.status == PersonalHours.Status.VERIFIED
    assert entry.reviewed_by == world.users["coordinator"]
    assert entry.hours == world.dot.logged.hours
    assert entry.employee == world.dot.employee


def test_approving_records_the_signed_in_coordinator_as_approver(world):
    response = _client(world, "coordinator").post(
        f"/api/v1/leave-requests/{world.dot.pending.pk}/approve/",
        {"approver": world.users["admin"].pk, "hours": "8.00", "status": "denied"},
        format="json",
    )

    assert response.status_code == 200
    leave = LeaveRequest.objects.get(pk=world.dot.pending.pk)
    assert leave.status == LeaveRequest.Status.APPROVED
    assert leave.approver == world.users["coordinator"]
    assert leave.hours == world.dot.pending.hours


def test_enrollment_cannot_be_moved_to_another_employee(world):
    enrollment = world.dot.enrollment
    response = _client(world, "admin").patch(
        f"/api/v1/enrollments/{enrollment.pk}/",
        {"employee": world.dph.employee.pk, "created_at": "2000-01-01T00:00:00Z"},
        format="json",
    )

    assert response.status_code == 200
    stored = Enrollment.objects.get(pk=enrollment.pk)
    assert stored.employee == world.dot.employee
    assert stored.created_at == enrollment.created_at


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_employee_cannot_be_moved_to_another_agency(world, role):
    response = _client(world, role).patch(
        f"/api/v1/employees/{world.dot.employee.pk}/",
        {"agency": "DPH", "user": world.users["admin"].pk},
        format="json",
    )

    assert response.status_code == 400
    assert "agency" in response.json()
    stored = Employee.objects.get(pk=world.dot.employee.pk)
    assert stored.agency == world.dot.agency
    assert stored.user == world.users["employee"]


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_pilot_cannot_be_moved_to_another_agency(world, role):
    response = _client(world, role).patch(
        f"/api/v1/pilots/{world.dot.pilot.pk}/", {"agency": "DPH"}, format="json"
    )

    assert response.status_code == 400
    assert Pilot.objects.get(pk=world.dot.pilot.pk).agency == world.dot.agency


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_ledger_is_read_only_even_for_admins(world, method):
    entry = world.dot.ledger_entry
    count = LedgerEntry.objects.count()
    client = _client(world, "admin")

    target = "/api/v1/ledger/" if method == "post" else f"/api/v1/ledger/{entry.pk}/"
    response = getattr(client, method)(target, {"d_paid_approved": "40.00"}, format="json")

    assert response.status_code == 405
    assert LedgerEntry.objects.count() == count
    assert LedgerEntry.objects.get(pk=entry.pk).d_paid_approved == entry.d_paid_approved


def test_bulk_approve_leaves_requests_outside_reach_untouched(world):
    response = _client(world, "coordinator").post(
        "/api/v1/leave-requests/bulk-approve/",
        {"ids": [world.dph.pending.pk]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": world.dph.pending.pk,
            "approved": False,
            "code": "not_found",
            "detail": "No such request within your reach.",
        }
    ]
    assert LeaveRequest.objects.get(pk=world.dph.pending.pk).status == "pending"


# --- What responses carry ------------------------------------------------------------------

READ_PATHS = [
    "/api/v1/me/",
    "/api/v1/agencies/",
    "/api/v1/organizations/",
    "/api/v1/pilots/",
    "/api/v1/employees/",
    "/api/v1/enrollments/",
    "/api/v1/personal-hours/",
    "/api/v1/leave-requests/",
    "/api/v1/balances/",
    "/api/v1/balances/me/",
    "/api/v1/ledger/",
]


def _keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


@pytest.mark.parametrize("role", ROLES[1:])
def test_no_response_carries_a_password_or_token_digest(world, role):
    client = _client(world, role)
    for path in READ_PATHS:
        response = client.get(path)
        if response.status_code != 200:
            continue
        leaked = SECRET_KEYS & {str(k).lower() for k in _keys(response.json())}
        assert not leaked, (role, path, leaked)
        text = response.content.decode()
        assert world.users[role].password not in text, (role, path)
        assert world.tokens[role] not in text, (role, path)


def _employee_ids(path: str, body) -> set:
    rows = body["results"] if isinstance(body, dict) and "results" in body else [body]
    if path.startswith("/api/v1/employees/"):
        return {row["id"] for row in rows}
    if path == "/api/v1/me/":
        return {body["employee"]["id"]} if body["employee"] else set()
    return {row["employee"] for row in rows if "employee" in row}


@pytest.mark.parametrize("role", ["employee", "other_employee"])
def test_an_employee_sees_no_one_elses_data(world, role):
    own = world.users[role].employee
    for path in READ_PATHS[4:] + ["/api/v1/me/"]:
        response = _client(world, role).get(path)
        assert response.status_code == 200, path
        ids = _employee_ids(path, response.json())
        assert ids == {own.pk}, (path, ids)
        if "results" in response.json():
            assert response.json()["count"] >= 1


def test_an_employee_reads_only_their_own_ledger_entries(world):
    response = _client(world, "employee").get("/api/v1/ledger/")
    rows = response.json()["results"]

    assert rows
    assert {row["agency"] for row in rows} == {"DOT"}
    assert {row["employee"] for row in rows} == {world.dot.employee.pk}
