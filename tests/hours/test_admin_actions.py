"""Admin actions (approve, deny, verify, reject) call the same services as the API: the same
rules, the same ledger, the same refusals."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from hours.models import LeaveRequest, PersonalHours
from ledger.models import LedgerEntry

LEAVE = "/admin/hours/leaverequest/"
PERSONAL = "/admin/hours/personalhours/"
K = LedgerEntry.Kind


def staff(user, *codenames):
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def staff_coordinator(second_coordinator):
    """DOT's second coordinator, given admin access to hours and requests."""
    return staff(
        second_coordinator,
        "view_leaverequest",
        "change_leaverequest",
        "view_personalhours",
        "change_personalhours",
    )


@pytest.fixture
def staff_outsider(other_coordinator):
    return staff(
        other_coordinator,
        "view_leaverequest",
        "change_leaverequest",
        "view_personalhours",
        "change_personalhours",
    )


@pytest.fixture(params=["admin_user", "staff_coordinator"])
def admin_client(request):
    client = Client()
    client.force_login(request.getfixturevalue(request.param))
    client.actor = request.getfixturevalue(request.param)
    return client


def act(client, url, action, objects, **extra):
    return client.post(
        url,
        {"action": action, "_selected_action": [obj.pk for obj in objects], "index": 0, **extra},
    )


@pytest.fixture
def two_pending(employee, verified, request_leave):
    verified(employee, 8, 1)
    return [request_leave(employee, 2, 1), request_leave(employee, 2, 2)]


def test_changelists_open_with_search_and_filters(admin_client, two_pending):
    urls = [LEAVE, PERSONAL]
    if admin_client.actor.is_superuser:
        urls += ["/admin/hours/balance/", "/admin/ledger/ledgerentry/", "/admin/policy/policyyear/"]
    for url in urls:
        assert admin_client.get(url, {"q": "Friends"}).status_code == 200, url
    listing = admin_client.get(LEAVE, {"status__exact": "pending"})
    assert listing.context["cl"].result_count == 2


def test_approve_action_approves_through_the_service(admin_client, two_pending):
    response = act(admin_client, LEAVE, "approve", two_pending)

    assert response.status_code == 302
    for leave in two_pending:
        leave.refresh_from_db()
        assert leave.status == LeaveRequest.Status.APPROVED
        assert leave.approver == admin_client.actor
    entries = LedgerEntry.objects.filter(kind=K.LEAVE_APPROVED)
    assert entries.count() == 2
    assert {entry.actor for entry in entries} == {admin_client.actor}


def test_approve_action_reports_refusals_item_by_item(admin_client, employee, two_pending):
    act(admin_client, LEAVE, "approve", two_pending[:1])
    response = act(admin_client, LEAVE, "approve", two_pending)
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("1 requests approved" in m for m in messages)
    assert any(f"#{two_pending[0].pk}" in m and "approved" in m for m in messages)
    assert LedgerEntry.objects.filter(kind=K.LEAVE_APPROVED).count() == 2


def test_deny_action_asks_for_a_reason_then_denies(admin_client, two_pending):
    ask = act(admin_client, LEAVE, "deny", two_pending)
    assert ask.status_code == 200
    assert b"Reason" in ask.content
    assert LeaveRequest.objects.filter(status="denied").count() == 0

    without = act(admin_client, LEAVE, "deny", two_pending, apply="1", reason="")
    assert without.status_code == 200  # the form again, nothing denied
    assert LeaveRequest.objects.filter(status="denied").count() == 0

    done = act(admin_client, LEAVE, "deny", two_pending, apply="1", reason="Short-staffed.")
    assert done.status_code == 302
    for leave in two_pending:
        leave.refresh_from_db()
        assert (leave.status, leave.reason) == ("denied", "Short-staffed.")
    assert LedgerEntry.objects.filter(kind=K.LEAVE_DENIED).count() == 2


def test_verify_action_records_who_verified(admin_client, employee, log_hours, day, today):
    entries = [log_hours(employee, 2, 1), log_hours(employee, 3, 2)]
    ask = act(admin_client, PERSONAL, "verify", entries)
    assert ask.status_code == 200 and b"Verified by" in ask.content

    done = act(
        admin_client,
        PERSONAL,
        "verify",
        entries,
        apply="1",
        verified_by_name="Ana Ruiz, Friends for Youth",
        verified_on=day(3).isoformat(),
        reason="A signed paper form",
    )

    assert done.status_code == 302
    for entry in entries:
        entry.refresh_from_db()
        assert entry.status == PersonalHours.Status.VERIFIED
        assert entry.verified_by_name == "Ana Ruiz, Friends for Youth"
        assert entry.verified_on == day(3)
        assert entry.verified_via == "coordinator" and entry.reason == "A signed paper form"
        assert entry.reviewed_by == admin_client.actor
    assert LedgerEntry.objects.filter(kind=K.PERSONAL_VERIFIED).count() == 2
    assert employee.balances.get(year=today.year).personal_verified == 5


def test_reject_action_needs_a_reason(admin_client, employee, log_hours):
    entry = log_hours(employee, 2, 1)
    act(admin_client, PERSONAL, "reject", [entry], apply="1", reason="")
    entry.refresh_from_db()
    assert entry.status == PersonalHours.Status.LOGGED
    act(admin_client, PERSONAL, "reject", [entry], apply="1", reason="No record.")
    entry.refresh_from_db()
    assert entry.status == PersonalHours.Status.REJECTED


def test_admin_actions_keep_the_rules(admin_client, employee, org, verified, request_leave):
    """Organization lost its standing after the request: the action refuses, nothing changes."""
    verified(employee, 8, 1)
    leave = request_leave(employee, 2, 1)
    org.meets_quality_standards = False
    org.save()
    response = act(admin_client, LEAVE, "approve", [leave])
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("organization_not_qualified" in m for m in messages)
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.PENDING
    assert not LedgerEntry.objects.filter(kind=K.LEAVE_APPROVED).exists()


def test_staff_coordinator_cannot_approve_their_own_request(
    staff_coordinator, coordinator, verified, request_leave
):
    own_coordinator = staff(coordinator, "view_leaverequest", "change_leaverequest")
    verified(coordinator.employee, 8, 1)
    leave = request_leave(coordinator.employee, 2, 1)
    client = Client()
    client.force_login(own_coordinator)
    response = act(client, LEAVE, "approve", [leave])
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("self_approval" in m for m in messages)
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.PENDING


def test_coordinator_of_another_agency_sees_and_changes_nothing(staff_outsider, two_pending):
    client = Client()
    client.force_login(staff_outsider)
    listing = client.get(LEAVE)
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 0
    # The admin answers an object outside the queryset as one that does not exist.
    change = client.get(f"{LEAVE}{two_pending[0].pk}/change/")
    assert change.status_code == 302
    assert change["Location"] == "/admin/"
    act(client, LEAVE, "approve", two_pending)
    assert LeaveRequest.objects.filter(status="pending").count() == 2
    assert not LedgerEntry.objects.filter(kind=K.LEAVE_APPROVED).exists()


def test_staff_without_the_change_permission_has_no_actions(second_coordinator, two_pending):
    viewer = staff(second_coordinator, "view_leaverequest")
    client = Client()
    client.force_login(viewer)
    assert client.get(LEAVE).status_code == 200
    act(client, LEAVE, "approve", two_pending)
    assert LeaveRequest.objects.filter(status="pending").count() == 2


def test_ledger_entries_cannot_be_changed_or_deleted_in_the_admin(admin_user, two_pending):
    client = Client()
    client.force_login(admin_user)
    entry = LedgerEntry.objects.first()
    page = client.get(f"/admin/ledger/ledgerentry/{entry.pk}/change/")
    assert page.status_code == 200 and b'name="reason"' not in page.content
    assert client.post(f"/admin/ledger/ledgerentry/{entry.pk}/delete/").status_code == 403
