"""A supervisor who can no longer sign in (deactivated) holds no request: those waiting for
them go to the coordinator when an administrator deactivates them, a new request goes straight
to the coordinator, and reroute_stranded_requests catches one deactivated any other way."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from post_office.models import Email

from hours import selectors
from hours.models import LeaveRequest
from hours.services import chain
from ledger.models import LedgerEntry
from tests.factories import EmployeeFactory, UserFactory

User = get_user_model()


@pytest.fixture
def waiting(two_step, verified, request_leave):
    verified(two_step, 8, 1)
    return request_leave(two_step, 4)


def _passed_on(leave):
    return LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.LEAVE_PASSED_ON, subject_type="leaverequest", subject_id=leave.pk
    )


def _assert_with_the_coordinator(leave, *, actor):
    leave.refresh_from_db()
    assert (leave.status, leave.supervisor_id) == (LeaveRequest.Status.PENDING, None)
    assert leave.routing_note == chain.SUPERVISOR_CANNOT_SIGN_IN
    (entry,) = _passed_on(leave)
    assert entry.data == {"step": "supervisor", "held_by": ["dot.supervisor", "coordinator"]}
    assert entry.actor == actor
    assert Email.objects.filter(
        to=leave.employee.user.email,
        subject__contains="went to your coordinator",
        message__contains="can no longer sign in",
    ).exists()
    assert selectors.recomputed_balances().differences == []


def test_the_admins_deactivate_action_sends_waiting_requests_to_the_coordinator(
    waiting, supervisor, admin_client, admin_user
):
    other = EmployeeFactory(agency=waiting.employee.agency, user=UserFactory(username="dot.x"))

    response = admin_client.post(
        "/admin/auth/user/",
        {"action": "deactivate", "_selected_action": [supervisor.pk, other.user.pk]},
    )

    assert response.status_code == 302
    supervisor.refresh_from_db()
    assert not supervisor.is_active
    _assert_with_the_coordinator(waiting, actor=admin_user)


def test_unticking_active_on_the_users_page_does_the_same(
    waiting, supervisor, admin_client, admin_user
):
    page = admin_client.get(f"/admin/auth/user/{supervisor.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("password", "groups", "user_permissions")
    }
    data.update(
        {
            "is_active": "",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": supervisor.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": supervisor.date_joined.strftime("%H:%M:%S"),
        }
    )
    data.pop("last_login", None)
    data.pop("date_joined", None)
    data = {name: value for name, value in data.items() if value is not False}

    response = admin_client.post(f"/admin/auth/user/{supervisor.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    supervisor.refresh_from_db()
    assert not supervisor.is_active
    _assert_with_the_coordinator(waiting, actor=admin_user)


def test_a_request_made_while_the_supervisor_cannot_sign_in_goes_to_the_coordinator(
    two_step, supervisor, verified, request_leave
):
    User.objects.filter(pk=supervisor.pk).update(is_active=False)
    verified(two_step, 8, 1)

    leave = request_leave(two_step, 4)

    assert (leave.status, leave.supervisor_id) == (LeaveRequest.Status.PENDING, None)
    assert leave.routing_note == chain.SUPERVISOR_CANNOT_SIGN_IN


def test_the_command_catches_a_supervisor_deactivated_outside_the_admin(
    waiting, supervisor, coordinator
):
    User.objects.filter(pk=supervisor.pk).update(is_active=False)
    out = io.StringIO()

    call_command("reroute_stranded_requests", stdout=out)

    _assert_with_the_coordinator(waiting, actor=None)


def test_an_active_supervisor_keeps_what_waits_for_them(waiting, supervisor, admin_client):
    someone = UserFactory(username="dot.someone")

    admin_client.post(
        "/admin/auth/user/", {"action": "deactivate", "_selected_action": [someone.pk]}
    )

    waiting.refresh_from_db()
    assert (waiting.status, waiting.supervisor_id) == (
        LeaveRequest.Status.AWAITING_SUPERVISOR,
        supervisor.pk,
    )
    assert not _passed_on(waiting).exists()
