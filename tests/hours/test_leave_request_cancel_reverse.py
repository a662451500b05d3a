"""Cancelling (the employee), reversing (a coordinator) and un-verifying what leave relies on."""

from __future__ import annotations

import pytest

from hours.models import LeaveRequest, PersonalHours
from ledger.models import LedgerEntry

from .conftest import API, balance_of

URL = f"{API}/leave-requests/"


def cancel_url(leave) -> str:
    return f"{URL}{leave.pk}/cancel/"


def reverse_url(leave) -> str:
    return f"{URL}{leave.pk}/reverse/"


@pytest.fixture
def matched(employee, verified):
    """16 verified hours for the DOT employee, on day(1) and day(2)."""
    verified(employee, 8, 1)
    verified(employee, 8, 2)
    return employee


# --- Cancelling ---------------------------------------------------------------------------------


def test_employee_cancels_a_pending_request(client_for, matched, request_leave, today):
    leave = request_leave(matched, 4, 3)
    response = client_for(matched.user).post(
        cancel_url(leave), {"reason": "Session moved."}, format="json"
    )
    assert response.status_code == 200, response.json()
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.CANCELLED and leave.reason == "Session moved."
    assert balance_of(matched, today.year).paid_pending == 0
    ledger = LedgerEntry.objects.get(kind=LedgerEntry.Kind.LEAVE_CANCELLED)
    assert ledger.actor == matched.user and ledger.d_paid_pending == -4


def test_a_pending_request_for_a_past_date_can_be_cancelled(
    client_for, matched, request_leave, day
):
    leave = request_leave(matched, 4, date=day(3))
    assert client_for(matched.user).post(cancel_url(leave)).status_code == 200
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.CANCELLED
    assert balance_of(matched, day(3).year).paid_pending == 0
    ledger = LedgerEntry.objects.get(kind=LedgerEntry.Kind.LEAVE_CANCELLED)
    assert ledger.d_paid_pending == -4 and ledger.data == {"was_approved": False}


def test_approved_leave_can_be_cancelled_before_its_date(
    client_for, matched, approved_leave, today
):
    leave = approved_leave(matched, 4, 1)  # tomorrow
    response = client_for(matched.user).post(cancel_url(leave))
    assert response.status_code == 200
    balance = balance_of(matched, today.year)
    assert (balance.paid_approved, balance.paid_pending) == (0, 0)
    ledger = LedgerEntry.objects.get(kind=LedgerEntry.Kind.LEAVE_CANCELLED)
    assert ledger.d_paid_approved == -4 and ledger.data == {"was_approved": True}


@pytest.mark.parametrize("when", ["today", "past"])
def test_approved_leave_cannot_be_cancelled_on_or_after_its_date(
    client_for, matched, approved_leave, today, day, snapshot, when
):
    leave = approved_leave(matched, 4, date=today if when == "today" else day(3))
    before = snapshot()
    response = client_for(matched.user).post(cancel_url(leave))
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_status"
    assert "reverse" in response.json()["detail"]
    assert snapshot() == before


def test_decided_requests_cannot_be_cancelled(
    client_for, coordinator, matched, request_leave, snapshot
):
    denied = request_leave(matched, 2, 3)
    client_for(coordinator).post(f"{URL}{denied.pk}/deny/", {"reason": "No"})
    cancelled = request_leave(matched, 2, 4)
    client_for(matched.user).post(cancel_url(cancelled))
    before = snapshot()
    for leave in (denied, cancelled):
        response = client_for(matched.user).post(cancel_url(leave))
        assert response.status_code == 409
    assert snapshot() == before


def test_only_the_employee_cancels(
    client_for,
    coordinator,
    other_coordinator,
    workgroup,
    other_employee,
    matched,
    request_leave,
    snapshot,
):
    leave = request_leave(matched, 4, 3)
    before = snapshot()
    assert client_for(coordinator).post(cancel_url(leave)).status_code == 403
    assert client_for(workgroup).post(cancel_url(leave)).status_code == 403
    assert client_for(other_coordinator).post(cancel_url(leave)).status_code == 404
    assert client_for(other_employee.user).post(cancel_url(leave)).status_code == 404
    assert snapshot() == before
    assert client_for(matched.user).post(cancel_url(leave)).status_code == 200


# --- Reversing ----------------------------------------------------------------------------------


def test_coordinator_reverses_approved_leave_after_its_date(
    client_for, coordinator, matched, approved_leave, day, today
):
    leave = approved_leave(matched, 4, date=day(3))
    response = client_for(coordinator).post(
        reverse_url(leave), {"reason": "Timesheet shows a regular workday."}, format="json"
    )
    assert response.status_code == 200, response.json()
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.REVERSED
    assert leave.reason == "Timesheet shows a regular workday."
    assert balance_of(matched, today.year).paid_approved == 0
    ledger = LedgerEntry.objects.get(kind=LedgerEntry.Kind.LEAVE_REVERSED)
    assert ledger.actor == coordinator and ledger.d_paid_approved == -4
    assert ledger.reason == "Timesheet shows a regular workday."


@pytest.mark.parametrize("payload", [{}, {"reason": ""}, {"reason": " \t"}])
def test_reversing_without_a_reason_answers_reason_required(
    client_for, coordinator, matched, approved_leave, day, snapshot, payload
):
    leave = approved_leave(matched, 4, date=day(3))
    before = snapshot()
    response = client_for(coordinator).post(reverse_url(leave), payload, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "reason_required"
    assert snapshot() == before


def test_only_approved_leave_can_be_reversed(
    client_for, coordinator, matched, request_leave, approved_leave, day, snapshot
):
    pending = request_leave(matched, 2, 3)
    reversed_ = approved_leave(matched, 2, date=day(3))
    client = client_for(coordinator)
    assert client.post(reverse_url(reversed_), {"reason": "Not taken."}).status_code == 200
    before = snapshot()
    for leave in (pending, reversed_):
        response = client.post(reverse_url(leave), {"reason": "Not taken."})
        assert response.status_code == 409 and response.json()["code"] == "invalid_status"
    assert snapshot() == before


def test_who_may_reverse(
    client_for,
    coordinator,
    second_coordinator,
    other_coordinator,
    workgroup,
    matched,
    approved_leave,
    verified,
    day,
    snapshot,
):
    leave = approved_leave(matched, 4, date=day(3))
    own = coordinator.employee
    verified(own, 8, 4)
    own_leave = approved_leave(own, 4, date=day(5))
    before = snapshot()
    reason = {"reason": "Not taken."}

    assert client_for(matched.user).post(reverse_url(leave), reason).status_code == 403
    assert client_for(workgroup).post(reverse_url(leave), reason).status_code == 403
    assert client_for(other_coordinator).post(reverse_url(leave), reason).status_code == 404
    self_reverse = client_for(coordinator).post(reverse_url(own_leave), reason)
    assert (self_reverse.status_code, self_reverse.json()["code"]) == (400, "self_approval")
    assert snapshot() == before

    assert client_for(second_coordinator).post(reverse_url(own_leave), reason).status_code == 200
    assert client_for(coordinator).post(reverse_url(leave), reason).status_code == 200


# --- Un-verifying hours that approved leave relies on -------------------------------------------


def test_unverifying_hours_leaves_the_year_flagged_out_of_match(
    client_for, coordinator, employee, verified, approved_leave, today, snapshot
):
    entry = verified(employee, 4, 1)
    leave = approved_leave(employee, 4, 3)
    client = client_for(coordinator)
    me = client_for(employee.user)
    assert me.get(f"{API}/balances/me/").json()["in_match"] is True

    before = snapshot()
    refused = client.post(f"{API}/personal-hours/{entry.pk}/reject/", {}, format="json")
    assert refused.json()["code"] == "reason_required"
    assert snapshot() == before

    response = client.post(
        f"{API}/personal-hours/{entry.pk}/reject/",
        {"reason": "The organization withdrew its verification."},
        format="json",
    )

    assert response.status_code == 200, response.json()
    entry.refresh_from_db()
    leave.refresh_from_db()
    assert entry.status == PersonalHours.Status.REJECTED
    assert leave.status == LeaveRequest.Status.APPROVED  # not hidden, not undone
    figures = me.get(f"{API}/balances/me/", {"year": today.year}).json()
    assert figures["in_match"] is False
    assert figures["personal_verified"] == "0.00"
    assert figures["paid_approved"] == "4.00"
    assert figures["paid_available"] == "0.00"
    listed = client.get(f"{API}/balances/", {"agency": "DOT"}).json()["results"]
    assert {row["employee"]: row["in_match"] for row in listed}[employee.pk] is False
    ledger = LedgerEntry.objects.get(kind=LedgerEntry.Kind.PERSONAL_REJECTED)
    assert ledger.data == {"was_verified": True} and ledger.d_personal_verified == -4
