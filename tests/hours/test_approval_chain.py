"""A request through both approval chains: the coordinator alone, or the supervisor (or the
supervisor's delegate) first for operational needs, then the coordinator for the policy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from post_office.models import Email

from agencies import approvals
from agencies.models import Agency
from hours import selectors
from hours.models import LeaveRequest
from ledger.models import LedgerEntry
from tests.factories import EmployeeFactory, EnrollmentFactory, UserFactory

from .conftest import API, balance_of

LEAVE = f"{API}/leave-requests/"


def clean_balances():
    return selectors.recomputed_balances().differences == []


@pytest.fixture
def verified_year(two_step, verified):
    verified(two_step, 8, 1)
    verified(two_step, 8, 2)
    return two_step


def post(client, url, payload=None):
    return client.post(url, payload or {}, format="json")


def test_coordinator_chain_is_unchanged(employee, verified, request_leave, today):
    verified(employee, 8, 1)
    leave = request_leave(employee, 4)
    assert leave.status == LeaveRequest.Status.PENDING
    assert leave.routing_note == ""
    assert leave.supervisor_id is None


def test_request_walks_through_supervisor_then_coordinator(
    client_for, verified_year, supervisor, coordinator, request_leave, today
):
    leave = request_leave(verified_year, 4)
    assert leave.status == LeaveRequest.Status.AWAITING_SUPERVISOR
    balance = balance_of(verified_year, today.year)
    assert balance.paid_pending == Decimal("4.00")  # counted against cap and match at once

    figures = client_for(verified_year.user).get(f"{API}/balances/me/").json()
    assert figures["paid_awaiting_supervisor"] == "4.00"
    assert figures["paid_pending"] == "0.00"
    assert figures["paid_available"] == "12.00"

    # The coordinator cannot take it before the supervisor has.
    early = post(client_for(coordinator), f"{LEAVE}{leave.pk}/approve/")
    assert early.status_code == 409
    assert early.json()["code"] == "invalid_status"

    response = post(client_for(supervisor), f"{LEAVE}{leave.pk}/approve/")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "pending"
    assert body["supervisor_decided_by"] == supervisor.pk
    assert LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.LEAVE_SUPERVISOR_APPROVED, subject_id=leave.pk, actor=supervisor
    ).exists()

    # The supervisor's step is over: deciding again is a conflict.
    again = post(client_for(supervisor), f"{LEAVE}{leave.pk}/approve/")
    assert again.status_code == 409

    done = post(client_for(coordinator), f"{LEAVE}{leave.pk}/approve/")
    assert done.status_code == 200
    assert done.json()["status"] == "approved"
    assert done.json()["approver"] == coordinator.pk
    balance.refresh_from_db()
    assert (balance.paid_approved, balance.paid_pending) == (Decimal("4.00"), Decimal("0.00"))
    assert clean_balances()


def test_supervisor_denies_for_operational_needs(
    client_for, verified_year, supervisor, request_leave, today, snapshot
):
    leave = request_leave(verified_year, 4)
    before = snapshot()
    missing = post(client_for(supervisor), f"{LEAVE}{leave.pk}/deny/", {"reason": " "})
    assert missing.status_code == 400
    assert missing.json()["code"] == "reason_required"
    assert snapshot() == before

    response = post(client_for(supervisor), f"{LEAVE}{leave.pk}/deny/", {"reason": "Audit week."})
    assert response.status_code == 200
    assert response.json()["status"] == "denied"
    assert response.json()["denial_code"] == "operational_needs"
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.LEAVE_DENIED, subject_id=leave.pk)
    assert entry.data["code"] == "operational_needs"
    assert entry.reason == "Audit week."
    assert balance_of(verified_year, today.year).paid_pending == Decimal("0.00")
    assert clean_balances()


def test_no_supervisor_goes_straight_to_the_coordinator_and_says_why(
    client_for, dot, employee, verified, request_leave
):
    Agency.objects.filter(pk=dot.pk).update(
        approval_chain=Agency.ApprovalChain.SUPERVISOR_THEN_COORDINATOR
    )
    employee.agency.refresh_from_db()
    verified(employee, 8, 1)
    leave = request_leave(employee, 2)
    assert leave.status == LeaveRequest.Status.PENDING
    body = client_for(employee.user).get(f"{LEAVE}{leave.pk}/").json()
    assert "No supervisor is on file" in body["routing_note"]


def test_supervisor_sees_only_their_team(
    client_for, verified_year, supervisor, request_leave, dot, dot_pilot, org, verified
):
    mine = request_leave(verified_year, 2)
    stranger = EmployeeFactory(agency=dot, user=UserFactory(username="dot.stranger"))
    EnrollmentFactory(employee=stranger, pilot=dot_pilot, organization=org)
    verified(stranger, 8, 1)
    theirs = request_leave(stranger, 2)
    client = client_for(supervisor)
    listing = client.get(LEAVE).json()["results"]
    assert [row["id"] for row in listing] == [mine.pk]
    assert client.get(f"{LEAVE}{theirs.pk}/").status_code == 404
    assert post(client, f"{LEAVE}{theirs.pk}/approve/").status_code == 404
    assert client.get(f"{LEAVE}?status=awaiting_supervisor").json()["count"] == 1


def test_the_supervisor_who_decided_does_not_also_approve_as_coordinator(
    client_for, verified_year, supervisor, dot, request_leave, coordinator
):
    from agencies.models import Role

    Role.objects.create(user=supervisor, kind=Role.Kind.COORDINATOR, agency=dot)
    leave = request_leave(verified_year, 2)
    first = post(client_for(supervisor), f"{LEAVE}{leave.pk}/approve/")
    assert first.status_code == 200 and first.json()["status"] == "pending"
    second = post(client_for(supervisor), f"{LEAVE}{leave.pk}/approve/")
    assert second.status_code == 400
    assert second.json()["code"] == "self_approval"
    assert post(client_for(coordinator), f"{LEAVE}{leave.pk}/approve/").status_code == 200


def test_an_employee_cancels_a_request_awaiting_the_supervisor(
    client_for, verified_year, request_leave, today
):
    leave = request_leave(verified_year, 4)
    response = post(client_for(verified_year.user), f"{LEAVE}{leave.pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert balance_of(verified_year, today.year).paid_pending == Decimal("0.00")
    assert clean_balances()


def test_supervisor_bulk_approves_with_a_result_per_item(
    client_for, verified_year, supervisor, request_leave, coordinator, employee
):
    one = request_leave(verified_year, 2, 1)
    two = request_leave(verified_year, 2, 2)
    response = post(
        client_for(supervisor), f"{LEAVE}bulk-approve/", {"ids": [one.pk, two.pk, 999999]}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["approved"], body["refused"]) == (2, 1)
    assert body["results"][2]["code"] == "not_found"
    statuses = set(LeaveRequest.objects.values_list("status", flat=True))
    assert statuses == {"pending"}
    # An employee with nobody reporting to them is not let in.
    assert (
        post(client_for(employee.user), f"{LEAVE}bulk-approve/", {"ids": [one.pk]}).status_code
        == 403
    )


def test_a_delegate_decides_while_the_supervisor_is_away_and_not_after(
    client_for, verified_year, supervisor, delegate, request_leave, today, monkeypatch
):
    approvals.delegation_create(
        by=supervisor,
        agency=verified_year.agency,
        delegate=delegate,
        starts_on=today,
        ends_on=today + dt.timedelta(days=2),
    )
    first = request_leave(verified_year, 2, 5)
    second = request_leave(verified_year, 2, 6)
    response = post(client_for(delegate), f"{LEAVE}{first.pk}/approve/")
    assert response.status_code == 200, response.json()
    assert response.json()["supervisor_decided_by"] == delegate.pk
    assert response.json()["supervisor"] == supervisor.pk
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.LEAVE_SUPERVISOR_APPROVED)
    assert (entry.actor, entry.data["for"]) == (delegate, "dot.supervisor")

    from policy import dates

    later = today + dt.timedelta(days=3)
    monkeypatch.setattr(dates, "today", lambda: later)
    refused = post(client_for(delegate), f"{LEAVE}{second.pk}/approve/")
    assert refused.status_code == 404  # out of reach once the range is over
    assert LeaveRequest.objects.get(pk=second.pk).status == "awaiting_supervisor"
    assert post(client_for(supervisor), f"{LEAVE}{second.pk}/approve/").status_code == 200
    assert clean_balances()


def test_a_delegation_ended_early_stops_at_once(
    client_for, verified_year, supervisor, delegate, request_leave, today
):
    delegation = approvals.delegation_create(
        by=supervisor,
        agency=verified_year.agency,
        delegate=delegate,
        starts_on=today,
        ends_on=today + dt.timedelta(days=9),
    )
    leave = request_leave(verified_year, 2)
    response = post(client_for(supervisor), f"{API}/delegations/{delegation.pk}/end/")
    assert response.status_code == 200 and response.json()["running"] is False
    assert post(client_for(delegate), f"{LEAVE}{leave.pk}/approve/").status_code == 404


def test_self_approval_holds_through_a_delegation(
    client_for, verified_year, supervisor, request_leave, today, snapshot
):
    approvals.delegation_create(
        by=supervisor,
        agency=verified_year.agency,
        delegate=verified_year.user,
        starts_on=today,
        ends_on=today,
    )
    leave = request_leave(verified_year, 2)
    before = snapshot()
    response = post(client_for(verified_year.user), f"{LEAVE}{leave.pk}/approve/")
    assert response.status_code == 400
    assert response.json()["code"] == "self_approval"
    assert snapshot() == before


def test_a_coordinators_delegate_approves_for_the_coordinator(
    client_for, employee, verified, request_leave, coordinator, delegate, today
):
    verified(employee, 8, 1)
    leave = request_leave(employee, 2)
    assert post(client_for(delegate), f"{LEAVE}{leave.pk}/approve/").status_code == 404
    approvals.delegation_create(
        by=coordinator, agency=employee.agency, delegate=delegate, starts_on=today, ends_on=today
    )
    response = post(client_for(delegate), f"{LEAVE}{leave.pk}/approve/")
    assert response.status_code == 200
    assert (response.json()["approver"], response.json()["approver_for"]) == (
        delegate.pk,
        coordinator.pk,
    )
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.LEAVE_APPROVED)
    assert entry.data == {"for": "dot.coordinator"}


def test_a_coordinators_delegate_cannot_decide_the_coordinators_own_request(
    client_for, coordinator, verified, request_leave, delegate, today, snapshot
):
    """self_approval holds through a delegation: standing in for a coordinator does not let
    the delegate approve or deny that coordinator's own leave."""
    own = coordinator.employee
    verified(own, 8, 1)
    leave = request_leave(own, 2)
    approvals.delegation_create(
        by=coordinator, agency=own.agency, delegate=delegate, starts_on=today, ends_on=today
    )
    before = snapshot()
    for action, payload in (("approve", None), ("deny", {"reason": "Short-staffed"})):
        response = post(client_for(delegate), f"{LEAVE}{leave.pk}/{action}/", payload)
        assert response.status_code == 400, action
        assert response.json()["code"] == "self_approval"
    assert snapshot() == before
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.PENDING


def queued() -> list[Email]:
    return list(Email.objects.order_by("id"))


def test_emails_go_to_the_supervisor_then_to_the_employee(
    client_for, verified_year, supervisor, request_leave
):
    Email.objects.all().delete()  # the verifications' own messages
    leave = request_leave(verified_year, 2)
    [to_supervisor] = queued()
    assert to_supervisor.to == [supervisor.email]
    assert to_supervisor.subject == "A mentoring leave request is waiting for you"
    assert "/supervisor/" in to_supervisor.message
    assert post(client_for(supervisor), f"{LEAVE}{leave.pk}/approve/").status_code == 200
    [_, to_employee] = queued()
    assert to_employee.to == [verified_year.user.email]
    assert to_employee.subject == "Your supervisor approved your mentoring leave"


def test_a_supervisor_without_an_employee_profile_is_emailed_too(
    verified_year, second_coordinator, request_leave
):
    """A coordinator-only account named as supervisor has no Employee: the message goes to
    their address all the same."""
    verified_year.supervisor = second_coordinator
    verified_year.save(update_fields=["supervisor"])
    Email.objects.all().delete()
    request_leave(verified_year, 2)
    [message] = queued()
    assert message.to == [second_coordinator.email]
    assert "/supervisor/" in message.message


def test_the_delegate_is_told_instead_while_the_delegation_runs(
    verified_year, supervisor, delegate, request_leave, today
):
    approvals.delegation_create(
        by=supervisor,
        agency=verified_year.agency,
        delegate=delegate,
        starts_on=today,
        ends_on=today,
    )
    Email.objects.all().delete()
    request_leave(verified_year, 2)
    assert [m.to for m in queued()] == [[delegate.email]]


def test_the_agency_workbook_shows_hours_with_a_supervisor_apart(
    verified_year, request_leave, today
):
    import io

    import openpyxl

    from reports.workbooks import build_agency_workbook

    request_leave(verified_year, 4, 1)
    request_leave(verified_year, 2, 2)
    LeaveRequest.objects.filter(hours=2).update(status=LeaveRequest.Status.PENDING)
    book = openpyxl.load_workbook(
        io.BytesIO(build_agency_workbook(verified_year.agency, today.year))
    )
    sheet = book["Employees"]
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "Employee number")
    header = rows[header_at]
    mine = next(row for row in rows[header_at + 1 :] if row[0] == verified_year.employee_number)
    assert mine[header.index("Paid leave with a supervisor (hours)")] == 4
    assert mine[header.index("Paid leave pending (hours)")] == 2
