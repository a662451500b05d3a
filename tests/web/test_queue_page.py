"""The coordinator's queues: approve, deny with a reason, verify, reject, bulk approve."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hours import services
from hours.models import LeaveRequest, PersonalHours

from .conftest import field_tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(employee, org, today, verified_hours):
    """A pending request of 2 hours from the DOT employee, matched by verified hours."""
    verified_hours(employee, 2)
    return services.leave_request_create(
        employee=employee, by=employee.user, date=today, hours=Decimal("2"), organization=org
    )


@pytest.fixture
def logged(employee, org, day):
    return services.personal_hours_log(
        employee=employee,
        by=employee.user,
        date=day(0),
        hours=Decimal("3"),
        source="non_working_time",
        organization=org,
    )


def test_coordinator_sees_the_agencys_queues(coordinator, pending, logged, web_client):
    response = web_client(coordinator).get("/coordinator/")
    assert response.status_code == 200
    assert [row["item"] for row in response.context["requests_rows"]] == [pending]
    assert [row["item"] for row in response.context["hours_rows"]] == [logged]
    text = response.content.decode()
    assert "/api/v1/reports/agency/DOT/?year=" in text


def test_other_agencys_coordinator_does_not_see_them(other_coordinator, pending, web_client):
    response = web_client(other_coordinator).get("/coordinator/")
    assert response.status_code == 200
    assert response.context["requests_rows"] == []


def test_queue_is_for_coordinators_only(employee, workgroup, web_client):
    assert web_client(employee.user).get("/coordinator/").status_code == 403
    assert web_client(workgroup).get("/coordinator/").status_code == 403


def test_own_requests_are_left_to_another_coordinator(
    coordinator, second_coordinator, org, today, day, web_client
):
    own = coordinator.employee
    entry = services.personal_hours_log(
        employee=own,
        by=coordinator,
        date=day(0),
        hours=Decimal("2"),
        source="non_working_time",
        organization=org,
    )
    services.personal_hours_verify(
        reason="Signed paper form", entry=entry, by=second_coordinator, verified_by_name="Office"
    )
    leave = services.leave_request_create(
        employee=own, by=coordinator, date=today, hours=Decimal("2"), organization=org
    )
    assert web_client(coordinator).get("/coordinator/").context["requests_rows"] == []
    response = web_client(coordinator).post(f"/coordinator/requests/{leave.pk}/approve/")
    assert response.status_code == 400
    assert "their own" in response.context["error"]
    rows = web_client(second_coordinator).get("/coordinator/").context["requests_rows"]
    assert [row["item"] for row in rows] == [leave]


def test_coordinator_approves(coordinator, pending, web_client):
    response = web_client(coordinator).post(f"/coordinator/requests/{pending.pk}/approve/")
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == LeaveRequest.Status.APPROVED and pending.approver == coordinator


def test_approving_out_of_reach_is_not_found_and_workgroup_is_refused(
    other_coordinator, workgroup, employee, pending, web_client
):
    assert (
        web_client(other_coordinator)
        .post(f"/coordinator/requests/{pending.pk}/approve/")
        .status_code
        == 404
    )
    assert (
        web_client(workgroup).post(f"/coordinator/requests/{pending.pk}/approve/").status_code
        == 403
    )
    assert (
        web_client(employee.user).post(f"/coordinator/requests/{pending.pk}/approve/").status_code
        == 403
    )
    pending.refresh_from_db()
    assert pending.status == LeaveRequest.Status.PENDING


def test_deny_without_a_reason_shows_the_rule_at_the_reason_field(coordinator, pending, web_client):
    response = web_client(coordinator).post(
        f"/coordinator/requests/{pending.pk}/deny/", {f"deny-{pending.pk}-reason": " "}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "A written reason is needed to deny a request." in text
    field = field_tag(text, f"id_deny-{pending.pk}-reason")
    assert 'aria-invalid="true"' in field and "autofocus" in field
    pending.refresh_from_db()
    assert pending.status == LeaveRequest.Status.PENDING


def test_deny_with_a_reason(coordinator, pending, web_client):
    response = web_client(coordinator).post(
        f"/coordinator/requests/{pending.pk}/deny/",
        {f"deny-{pending.pk}-reason": "Bridge inspection week"},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == LeaveRequest.Status.DENIED
    assert pending.reason == "Bridge inspection week"


def test_deciding_twice_is_a_conflict(coordinator, pending, web_client):
    client = web_client(coordinator)
    client.post(f"/coordinator/requests/{pending.pk}/approve/")
    response = client.post(
        f"/coordinator/requests/{pending.pk}/deny/", {f"deny-{pending.pk}-reason": "Late"}
    )
    assert response.status_code == 409
    assert "approved, so it cannot be denied" in response.context["error"]


def test_verify_records_who_at_the_organization(coordinator, logged, web_client):
    response = web_client(coordinator).post(
        f"/coordinator/hours/{logged.pk}/verify/",
        {
            f"verify-{logged.pk}-verified_by_name": "Dana at Friends for Youth",
            f"verify-{logged.pk}-reason": "A signed paper form",
        },
    )
    assert response.status_code == 302
    logged.refresh_from_db()
    assert logged.status == PersonalHours.Status.VERIFIED
    assert logged.verified_by_name == "Dana at Friends for Youth"
    assert logged.verified_via == "coordinator" and logged.reason == "A signed paper form"


def test_verify_needs_how_the_organization_confirmed(coordinator, logged, web_client):
    response = web_client(coordinator).post(
        f"/coordinator/hours/{logged.pk}/verify/",
        {f"verify-{logged.pk}-verified_by_name": "Dana at Friends for Youth"},
    )
    assert response.status_code == 400
    form = response.context["hours_rows"][0]["verify"]
    assert "reason" in form.errors
    logged.refresh_from_db()
    assert logged.status == PersonalHours.Status.LOGGED


def test_verify_needs_the_verifiers_name(coordinator, logged, web_client):
    response = web_client(coordinator).post(f"/coordinator/hours/{logged.pk}/verify/", {})
    assert response.status_code == 400
    form = response.context["hours_rows"][0]["verify"]
    assert "verified_by_name" in form.errors


def test_reject_with_a_reason_and_outsider_is_not_found(
    coordinator, other_coordinator, logged, web_client
):
    data = {f"reject-{logged.pk}-reason": "Not confirmed by the organization"}
    assert (
        web_client(other_coordinator)
        .post(f"/coordinator/hours/{logged.pk}/reject/", data)
        .status_code
        == 404
    )
    assert (
        web_client(coordinator).post(f"/coordinator/hours/{logged.pk}/reject/", data).status_code
        == 302
    )
    logged.refresh_from_db()
    assert logged.status == PersonalHours.Status.REJECTED


def test_bulk_approve_says_which_passed_and_why_others_did_not(
    coordinator, employee, other_employee, other_coordinator, org, today, day, web_client
):
    # Two DOT requests, neither matched at approval time once the hours are rejected.
    entry = services.personal_hours_log(
        employee=employee,
        by=employee.user,
        date=day(0),
        hours=Decimal("4"),
        source="non_working_time",
        organization=org,
    )
    services.personal_hours_verify(
        reason="Signed paper form", entry=entry, by=coordinator, verified_by_name="Office"
    )
    first = services.leave_request_create(
        employee=employee, by=employee.user, date=today, hours=Decimal("2"), organization=org
    )
    second = services.leave_request_create(
        employee=employee, by=employee.user, date=today, hours=Decimal("2"), organization=org
    )
    services.personal_hours_reject(entry=entry, by=coordinator, reason="Entered twice")
    # A DPH request is out of the DOT coordinator's reach.
    dph_entry = services.personal_hours_log(
        employee=other_employee,
        by=other_employee.user,
        date=day(0),
        hours=Decimal("2"),
        source="non_working_time",
        organization=org,
    )
    services.personal_hours_verify(
        reason="Signed paper form", entry=dph_entry, by=other_coordinator, verified_by_name="Office"
    )
    outside = services.leave_request_create(
        employee=other_employee,
        by=other_employee.user,
        date=today,
        hours=Decimal("2"),
        organization=org,
    )
    response = web_client(coordinator).post(
        "/coordinator/requests/bulk-approve/",
        {"ids": [first.pk, second.pk, outside.pk], "count": "3"},
    )
    assert response.status_code == 200
    bulk = response.context["bulk"]
    assert bulk["approved"] == 0 and bulk["refused"] == 3
    codes = {row["id"]: row["code"] for row in bulk["rows"]}
    assert codes == {
        first.pk: "match_required",
        second.pk: "match_required",
        outside.pk: "not_found",
    }


def test_bulk_approve_approves_each_that_passes(
    coordinator, employee, org, today, verified_hours, web_client
):
    verified_hours(employee, 2)
    first = services.leave_request_create(
        employee=employee, by=employee.user, date=today, hours=Decimal("2"), organization=org
    )
    verified_hours(employee, 1)
    second = services.leave_request_create(
        employee=employee, by=employee.user, date=today, hours=Decimal("1"), organization=org
    )
    response = web_client(coordinator).post(
        "/coordinator/requests/bulk-approve/", {"ids": [first.pk, second.pk], "count": "2"}
    )
    assert response.status_code == 200
    assert response.context["bulk"]["approved"] == 2
    text = response.content.decode()
    assert "Bulk approval: 2 approved, 0 not approved" in text


def test_bulk_approve_checks_the_ids_and_the_role(coordinator, workgroup, web_client):
    assert (
        web_client(coordinator).post("/coordinator/requests/bulk-approve/", {}).status_code == 400
    )
    response = web_client(coordinator).post("/coordinator/requests/bulk-approve/", {"ids": "x"})
    assert response.status_code == 400
    assert (
        web_client(workgroup).post("/coordinator/requests/bulk-approve/", {"ids": [1]}).status_code
        == 403
    )
