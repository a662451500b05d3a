"""Approving a request named by its id (the API's way for a coordinator of the agency): the
year's lock is taken without reading the request first, and everything else goes the ordinary
way (leave_request_approve), writing nothing on the way there."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from post_office.models import Email

from agencies import approvals
from hours import services
from hours.models import LeaveRequest
from ledger.models import LedgerEntry
from policy.rules import PolicyViolation
from tests.factories import EnrollmentFactory

from .conftest import API


@pytest.fixture
def pending(employee, verified, request_leave):
    """A pending 4-hour request of the DOT employee, matched by 8 verified hours."""
    verified(employee, 8, 1)
    return request_leave(employee, 4, 3)


def test_a_coordinator_approves_by_id_with_the_ledger_entry_and_the_email(
    coordinator, employee, pending, today
):
    approved = services.leave_request_approve_by_id(pk=pending.pk, by=coordinator, note="Enjoy")

    assert (approved.pk, approved.status, approved.approver) == (
        pending.pk,
        LeaveRequest.Status.APPROVED,
        coordinator,
    )
    balance = employee.balances.get(year=today.year)
    assert (balance.paid_approved, balance.paid_pending) == (Decimal("4"), Decimal("0"))
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.LEAVE_APPROVED, subject_id=pending.pk)
    assert (entry.actor, entry.reason, entry.d_paid_approved) == (coordinator, "Enjoy", 4)
    last = Email.objects.latest("id")
    assert (last.to, last.subject) == ([employee.user.email], "Your mentoring leave was approved")


@pytest.mark.parametrize("who", ["other_coordinator", "workgroup", "employee_user"])
def test_outside_the_agencies_one_coordinates_nothing_is_written(
    request, pending, snapshot, who, employee
):
    by = employee.user if who == "employee_user" else request.getfixturevalue(who)
    before = snapshot()

    assert services.leave_request_approve_by_id(pk=pending.pk, by=by) is None
    assert snapshot() == before


def test_a_request_no_longer_pending_or_unknown_writes_nothing(
    coordinator, second_coordinator, pending, snapshot
):
    services.leave_request_approve_by_id(pk=pending.pk, by=second_coordinator)
    before = snapshot()

    assert services.leave_request_approve_by_id(pk=pending.pk, by=coordinator) is None
    assert services.leave_request_approve_by_id(pk=pending.pk + 1000, by=coordinator) is None
    assert snapshot() == before


def test_a_delegate_goes_the_ordinary_way_and_decides_for_the_coordinator(
    coordinator, delegate, pending, today, client_for, snapshot
):
    approvals.delegation_create(
        by=coordinator,
        agency=pending.employee.agency,
        delegate=delegate,
        starts_on=today,
        ends_on=today + dt.timedelta(days=2),
    )
    before = snapshot()
    assert services.leave_request_approve_by_id(pk=pending.pk, by=delegate) is None
    assert snapshot() == before

    response = client_for(delegate).post(f"{API}/leave-requests/{pending.pk}/approve/", {})

    assert response.status_code == 200, response.json()
    assert (response.json()["approver"], response.json()["approver_for"]) == (
        delegate.pk,
        coordinator.pk,
    )


def test_a_rule_broken_under_the_lock_rolls_the_lock_write_back(
    coordinator, employee, pending, snapshot
):
    # The roster line ends before the request's day: not enrolled on that day.
    employee.enrollments.update(status="withdrawn", withdrawn_on=pending.date - dt.timedelta(1))
    before = snapshot()

    with pytest.raises(PolicyViolation) as refused:
        services.leave_request_approve_by_id(pk=pending.pk, by=coordinator)

    assert refused.value.code == "not_enrolled"
    assert snapshot() == before


def test_a_coordinator_who_is_the_employee_is_refused_under_the_lock(
    coordinator, verified, request_leave, snapshot
):
    verified(coordinator.employee, 8, 1)
    own = request_leave(coordinator.employee, 4, 3)
    before = snapshot()

    with pytest.raises(PolicyViolation) as refused:
        services.leave_request_approve_by_id(pk=own.pk, by=coordinator)

    assert refused.value.code == "self_approval"
    assert snapshot() == before


def test_every_roster_line_of_the_employee_is_weighed(coordinator, employee, pending):
    """The facts are read from the request's own row (its employee and date), one row per
    roster line: a line withdrawn before the day does not refuse what another line covers."""
    employee.enrollments.update(status="withdrawn", withdrawn_on=pending.date - dt.timedelta(1))
    EnrollmentFactory(employee=employee)

    approved = services.leave_request_approve_by_id(pk=pending.pk, by=coordinator)

    assert approved.status == LeaveRequest.Status.APPROVED


@pytest.mark.parametrize("path_id", ["9223372036854775807", "9223372036854775808", "0", "٣"])
def test_an_id_out_of_range_or_not_a_number_is_a_404(
    client_for, coordinator, pending, snapshot, path_id
):
    before = snapshot()

    response = client_for(coordinator).post(f"{API}/leave-requests/{path_id}/approve/", {})

    assert response.status_code == 404
    assert snapshot() == before
