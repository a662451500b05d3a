"""leave-requests/{id}/approve/ and deny/: who may decide, and every rule checked again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from agencies.models import Enrollment
from hours import services
from hours.models import Balance, LeaveRequest
from ledger.models import LedgerEntry
from policy import dates
from policy.models import PolicyYear
from tests.factories import EmployeeFactory, EnrollmentFactory, LeaveRequestFactory, UserFactory

from .conftest import API, balance_of

URL = f"{API}/leave-requests/"


def approve_url(leave) -> str:
    return f"{URL}{leave.pk}/approve/"


def deny_url(leave) -> str:
    return f"{URL}{leave.pk}/deny/"


@pytest.fixture
def pending(employee, verified, request_leave):
    """A pending 4-hour request of the DOT employee, matched by 8 verified hours."""
    verified(employee, 8, 1)
    return request_leave(employee, 4, 3)


# --- Approving ----------------------------------------------------------------------------------


def test_coordinator_approves_a_pending_request(client_for, coordinator, employee, pending, today):
    response = client_for(coordinator).post(
        approve_url(pending), {"note": "Enjoy the session."}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved"
    pending.refresh_from_db()
    assert pending.status == LeaveRequest.Status.APPROVED
    assert pending.approver == coordinator and pending.decided_at is not None
    assert pending.reason == "Enjoy the session."
    balance = balance_of(employee, today.year)
    assert (balance.paid_pending, balance.paid_approved) == (0, 4)
    ledger = LedgerEntry.objects.get(kind=LedgerEntry.Kind.LEAVE_APPROVED)
    assert (ledger.actor, ledger.subject_id) == (coordinator, pending.pk)
    assert (ledger.d_paid_pending, ledger.d_paid_approved) == (-4, 4)


def _approved_by(leave, user) -> None:
    leave.refresh_from_db()
    assert (leave.status, leave.approver, leave.reason) == (LeaveRequest.Status.APPROVED, user, "")
    ledger = LedgerEntry.objects.get(kind=LedgerEntry.Kind.LEAVE_APPROVED, subject_id=leave.pk)
    assert (ledger.actor, ledger.d_paid_pending, ledger.d_paid_approved) == (user, -4, 4)


def test_an_empty_body_is_enough_to_approve(client_for, coordinator, pending):
    assert client_for(coordinator).post(approve_url(pending)).status_code == 200
    _approved_by(pending, coordinator)


def test_admin_may_approve(client_for, admin_user, pending):
    assert client_for(admin_user).post(approve_url(pending)).status_code == 200
    _approved_by(pending, admin_user)


def test_employee_cannot_approve_their_own_request(client_for, employee, pending, snapshot):
    before = snapshot()
    response = client_for(employee.user).post(approve_url(pending))
    assert response.status_code == 403
    assert client_for(employee.user).post(deny_url(pending), {"reason": "x"}).status_code == 403
    assert snapshot() == before


def test_another_employee_of_the_agency_gets_404(
    client_for, dot, dot_pilot, org, pending, snapshot
):
    colleague = EmployeeFactory(agency=dot, user=UserFactory(username="dot.colleague"))
    EnrollmentFactory(employee=colleague, pilot=dot_pilot, organization=org)
    before = snapshot()
    assert client_for(colleague.user).post(approve_url(pending)).status_code == 404
    assert client_for(colleague.user).get(f"{URL}{pending.pk}/").status_code == 404
    assert snapshot() == before


def test_coordinator_of_another_agency_gets_404(client_for, other_coordinator, pending, snapshot):
    before = snapshot()
    client = client_for(other_coordinator)
    assert client.get(f"{URL}{pending.pk}/").status_code == 404
    assert client.post(approve_url(pending)).status_code == 404
    assert client.post(deny_url(pending), {"reason": "No"}).status_code == 404
    assert snapshot() == before


def test_workgroup_reads_but_cannot_approve_or_deny(client_for, workgroup, pending, snapshot):
    before = snapshot()
    client = client_for(workgroup)
    assert client.get(f"{URL}{pending.pk}/").status_code == 200
    assert client.post(approve_url(pending)).status_code == 403
    assert client.post(deny_url(pending), {"reason": "No"}).status_code == 403
    assert snapshot() == before


def test_coordinator_cannot_approve_or_deny_their_own_request(
    client_for, coordinator, second_coordinator, verified, request_leave, snapshot
):
    own = coordinator.employee
    verified(own, 8, 1)
    leave = request_leave(own, 4, 3)
    before = snapshot()

    approve = client_for(coordinator).post(approve_url(leave))
    deny = client_for(coordinator).post(deny_url(leave), {"reason": "No"})

    assert (approve.status_code, approve.json()["code"]) == (400, "self_approval")
    assert (deny.status_code, deny.json()["code"]) == (400, "self_approval")
    assert snapshot() == before
    # The agency's other coordinator may.
    assert client_for(second_coordinator).post(approve_url(leave)).status_code == 200


def test_approving_twice_answers_409(client_for, coordinator, pending, snapshot):
    client = client_for(coordinator)
    assert client.post(approve_url(pending)).status_code == 200
    before = snapshot()
    again = client.post(approve_url(pending))
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_status"
    assert client.post(deny_url(pending), {"reason": "Too late"}).status_code == 409
    assert snapshot() == before


def test_unknown_ids_answer_404(client_for, coordinator):
    client = client_for(coordinator)
    assert client.post(f"{URL}999999/approve/").status_code == 404
    assert client.post(f"{URL}{10**20}/approve/").status_code == 404
    assert client.post(f"{URL}abc/approve/").status_code == 404


def test_a_bad_note_names_the_field(client_for, coordinator, pending, snapshot):
    before = snapshot()
    response = client_for(coordinator).post(approve_url(pending), {"note": "x" * 2001})
    assert response.status_code == 400 and "note" in response.json()
    assert snapshot() == before


# --- Every rule again at approval ---------------------------------------------------------------


@pytest.fixture
def break_after_request(employee, org, unqualified_org, pending, today, log_hours, monkeypatch):
    """break_after_request(case): change the facts after the request was made."""

    def make(case: str):
        if case == "match_required":
            entry = employee.personal_hours.get()
            services.personal_hours_reject(
                entry=entry, by=UserFactory(is_superuser=True), reason="No record of it."
            )
        elif case == "organization_not_qualified":
            org.meets_quality_standards = False
            org.save()
        elif case == "not_enrolled":
            Enrollment.objects.filter(employee=employee).update(status="withdrawn")
        elif case == "not_eligible":
            employee.appointment = "limited_term"
            employee.save()
        elif case == "annual_cap_exceeded":
            PolicyYear.objects.update_or_create(year=today.year, defaults={"cap_hours": 2})
        elif case == "daily_limit_exceeded":
            PolicyYear.objects.update_or_create(year=today.year, defaults={"daily_paid_limit": 2})
        elif case == "invalid_increment":
            PolicyYear.objects.update_or_create(year=today.year, defaults={"increment": 3})
        elif case == "wrong_year":
            # The request is decided only after the year has closed: no carry-over.
            next_year = dt.date(today.year + 1, 1, 2)
            monkeypatch.setattr(dates, "today", lambda: next_year)
        else:
            raise AssertionError(case)
        return pending

    return make


@pytest.mark.parametrize(
    "code",
    [
        "match_required",
        "organization_not_qualified",
        "not_enrolled",
        "not_eligible",
        "annual_cap_exceeded",
        "daily_limit_exceeded",
        "invalid_increment",
        "wrong_year",
    ],
)
def test_every_rule_is_checked_again_at_approval(
    client_for, coordinator, break_after_request, snapshot, code
):
    leave = break_after_request(code)
    before = snapshot()

    response = client_for(coordinator).post(approve_url(leave))

    assert response.status_code == 400, response.json()
    assert response.json()["code"] == code
    assert snapshot() == before
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.PENDING


def test_travel_is_refused_at_approval(
    client_for, coordinator, employee, org, verified, ahead, today, snapshot
):
    verified(employee, 8, 1)
    # A raw row: the service would have refused it when requested.
    leave = LeaveRequestFactory(
        employee=employee, organization=org, date=ahead(2), hours=Decimal("2"), activity="travel"
    )
    Balance.objects.filter(employee=employee, year=today.year).update(paid_pending=2)
    before = snapshot()
    response = client_for(coordinator).post(approve_url(leave))
    assert response.json()["code"] == "travel_not_allowed"
    assert snapshot() == before


def test_approvals_stop_exactly_at_the_cap(
    client_for, coordinator, employee, org, verified, ahead, today
):
    """Pending requests beyond the cap (from raw rows) are refused once 40 hours are approved."""
    for n in range(1, 7):
        verified(employee, 8, n)
    requests = [
        LeaveRequestFactory(employee=employee, organization=org, date=ahead(n), hours=Decimal("8"))
        for n in range(1, 7)
    ]
    Balance.objects.filter(employee=employee, year=today.year).update(paid_pending=48)
    client = client_for(coordinator)

    codes = [client.post(approve_url(leave)).json().get("code") for leave in requests]

    assert codes == [None] * 5 + ["annual_cap_exceeded"]
    balance = balance_of(employee, today.year)
    assert (balance.paid_approved, balance.paid_pending) == (40, 8)


# --- Denying ------------------------------------------------------------------------------------


def test_coordinator_denies_with_a_reason(client_for, coordinator, employee, pending, today):
    response = client_for(coordinator).post(
        deny_url(pending), {"reason": "Short-staffed that week."}, format="json"
    )
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == LeaveRequest.Status.DENIED
    assert pending.reason == "Short-staffed that week." and pending.approver == coordinator
    assert balance_of(employee, today.year).paid_pending == 0
    ledger = LedgerEntry.objects.get(kind=LedgerEntry.Kind.LEAVE_DENIED)
    assert ledger.reason == "Short-staffed that week." and ledger.d_paid_pending == -4


@pytest.mark.parametrize("payload", [{}, {"reason": ""}, {"reason": "   "}])
def test_denying_without_a_reason_answers_reason_required(
    client_for, coordinator, pending, snapshot, payload
):
    before = snapshot()
    response = client_for(coordinator).post(deny_url(pending), payload, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "reason_required"
    assert snapshot() == before


def test_a_request_breaking_no_rule_may_still_be_denied(client_for, second_coordinator, pending):
    response = client_for(second_coordinator).post(
        deny_url(pending), {"reason": "Operational needs."}, format="json"
    )
    assert response.status_code == 200


def test_denied_hours_are_free_to_request_again(
    client_for, coordinator, employee, org, pending, ahead
):
    client_for(coordinator).post(deny_url(pending), {"reason": "Pick another day."})
    response = client_for(employee.user).post(
        URL,
        {"date": ahead(4).isoformat(), "hours": "8", "organization": org.pk},
        format="json",
    )
    assert response.status_code == 201
