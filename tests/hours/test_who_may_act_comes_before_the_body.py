"""A user whose role never allows an action hears 403 for it, whatever the body says; a field
error (400) is for someone who may act but sent something malformed."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_workgroup_verifying_with_an_empty_body_is_forbidden_not_malformed(
    employee, log_hours, workgroup, coordinator, client_for
):
    entry = log_hours(employee, 2)
    forbidden = client_for(workgroup).post(f"/api/v1/personal-hours/{entry.pk}/verify/", {})
    assert forbidden.status_code == 403
    allowed_but_malformed = client_for(coordinator).post(
        f"/api/v1/personal-hours/{entry.pk}/verify/", {}
    )
    assert allowed_but_malformed.status_code == 400
    assert "verified_by_name" in allowed_but_malformed.json()


def test_employee_denying_their_own_request_with_no_reason_is_forbidden(
    employee, verified, request_leave, coordinator, client_for
):
    verified(employee, 4)
    leave = request_leave(employee, 2)
    forbidden = client_for(employee.user).post(f"/api/v1/leave-requests/{leave.pk}/deny/", {})
    assert forbidden.status_code == 403
    allowed_but_no_reason = client_for(coordinator).post(
        f"/api/v1/leave-requests/{leave.pk}/deny/", {}
    )
    assert allowed_but_no_reason.status_code == 400
    assert allowed_but_no_reason.json()["code"] == "reason_required"


def test_someone_with_no_employee_profile_logging_garbage_is_forbidden(
    workgroup, employee, client_for
):
    response = client_for(workgroup).post("/api/v1/personal-hours/", {"hours": "abc"})
    assert response.status_code == 403
    malformed = client_for(employee.user).post("/api/v1/personal-hours/", {"hours": "abc"})
    assert malformed.status_code == 400
    assert "hours" in malformed.json()
