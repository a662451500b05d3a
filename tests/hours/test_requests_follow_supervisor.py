"""No request waits for a supervisor who no longer holds it: when an employee's supervisor is
cleared, their requests awaiting the supervisor go to the coordinator with a routing note; when
it changes, to the new supervisor, who is told by email. Each move is ledgered, and the
employee's history shows who holds the request."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from post_office.models import Email

from hours import selectors
from hours.models import LeaveRequest
from ledger.models import LedgerEntry
from tests.factories import EmployeeFactory, UserFactory

from .conftest import API

EMPLOYEES = f"{API}/employees/"
LEAVE = f"{API}/leave-requests/"


@pytest.fixture
def waiting(two_step, verified, request_leave):
    verified(two_step, 8, 1)
    return request_leave(two_step, 4)


@pytest.fixture
def new_boss(dot):
    user = UserFactory(username="dot.newboss", first_name="Nia", last_name="Boss")
    return EmployeeFactory(agency=dot, employee_number="650009", user=user).user


def _moves(leave):
    return LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.LEAVE_PASSED_ON, subject_type="leaverequest", subject_id=leave.pk
    )


def _history(employee) -> str:
    client = Client()
    client.force_login(employee.user)
    return client.get("/me/").content.decode()


def test_clearing_the_supervisor_sends_the_waiting_request_to_the_coordinator(
    waiting, two_step, supervisor, coordinator, client_for
):
    assert waiting.status == LeaveRequest.Status.AWAITING_SUPERVISOR
    response = client_for(coordinator).patch(
        f"{EMPLOYEES}{two_step.pk}/", {"supervisor": None}, format="json"
    )
    assert response.status_code == 200, response.json()
    waiting.refresh_from_db()
    assert waiting.status == LeaveRequest.Status.PENDING
    assert waiting.supervisor_id is None
    assert "went to the coordinator" in waiting.routing_note
    (entry,) = _moves(waiting)
    assert entry.data == {"step": "supervisor", "held_by": ["dot.supervisor", "coordinator"]}
    assert entry.actor == coordinator and entry.reason == waiting.routing_note
    assert Email.objects.filter(
        to=two_step.user.email, subject__contains="went to your coordinator"
    ).exists()

    page = _history(two_step)
    assert "With your pilot coordinator" in page and "went to the coordinator" in page

    # The coordinator can now decide it (it was a 409 while it waited for nobody).
    done = client_for(coordinator).post(f"{LEAVE}{waiting.pk}/approve/", {}, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "approved"
    assert selectors.recomputed_balances().differences == []


def test_changing_the_supervisor_sends_it_to_the_new_one_who_is_told(
    waiting, two_step, supervisor, new_boss, coordinator, client_for
):
    response = client_for(coordinator).patch(
        f"{EMPLOYEES}{two_step.pk}/", {"supervisor": new_boss.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.supervisor) == ("awaiting_supervisor", new_boss)
    (entry,) = _moves(waiting)
    assert entry.data["held_by"] == ["dot.supervisor", "dot.newboss"]
    told = Email.objects.filter(to=new_boss.email).get()
    assert told.subject == "A mentoring leave request is waiting for you"
    assert "With your supervisor, Nia Boss" in _history(two_step)

    # The former supervisor no longer reaches it; the new one decides it.
    old = client_for(supervisor).post(f"{LEAVE}{waiting.pk}/approve/", {}, format="json")
    assert old.status_code in (403, 404)
    new = client_for(new_boss).post(f"{LEAVE}{waiting.pk}/approve/", {}, format="json")
    assert new.status_code == 200, new.json()
    assert new.json()["status"] == "pending"


def test_requests_past_the_supervisors_step_stay_where_they_are(
    two_step, supervisor, coordinator, verified, request_leave, client_for
):
    verified(two_step, 8, 1)
    passed = request_leave(two_step, 2, 1)
    assert client_for(supervisor).post(f"{LEAVE}{passed.pk}/approve/").status_code == 200
    client_for(coordinator).patch(f"{EMPLOYEES}{two_step.pk}/", {"supervisor": None}, format="json")
    passed.refresh_from_db()
    assert passed.status == LeaveRequest.Status.PENDING
    assert passed.supervisor == supervisor  # who decided the step stays on record
    assert not _moves(passed).exists()


def test_an_outsider_cannot_clear_the_supervisor_and_nothing_moves(
    waiting, two_step, other_coordinator, client_for
):
    response = client_for(other_coordinator).patch(
        f"{EMPLOYEES}{two_step.pk}/", {"supervisor": None}, format="json"
    )
    assert response.status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == LeaveRequest.Status.AWAITING_SUPERVISOR
    assert not _moves(waiting).exists()


def test_a_roster_file_that_changes_the_supervisor_moves_the_request(
    waiting, two_step, new_boss, coordinator, client_for
):
    line = two_step.enrollments.select_related("pilot", "organization").get()
    user = two_step.user
    header = (
        "employee_number,first_name,last_name,email,bargaining_unit,appointment,pilot,"
        "organization,commitment_starts_on,commitment_ends_on,supervisor_employee_number"
    )
    row = (
        f"{two_step.employee_number},{user.first_name},{user.last_name},{user.email},"
        f"{two_step.bargaining_unit},{two_step.appointment},{line.pilot.name},"
        f"{line.organization.name},{line.commitment_starts_on},{line.commitment_ends_on},650009"
    )
    content = io.BytesIO(f"{header}\n{row}\n".encode()).getvalue()
    response = client_for(coordinator).post(
        f"{API}/enrollments/import/?agency=DOT",
        {"file": SimpleUploadedFile("roster.csv", content, content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    waiting.refresh_from_db()
    assert waiting.supervisor == new_boss
    assert _moves(waiting).get().data["held_by"] == ["dot.supervisor", "dot.newboss"]
    assert Email.objects.filter(to=new_boss.email).exists()


def test_a_request_stranded_before_requests_followed_the_supervisor_is_sent_on(
    waiting, two_step, coordinator, client_for
):
    from django.core.management import call_command

    from agencies.models import Employee

    Employee.objects.filter(pk=two_step.pk).update(supervisor=None)  # around the services
    assert client_for(coordinator).post(f"{LEAVE}{waiting.pk}/approve/").status_code == 409
    out = io.StringIO()
    call_command("reroute_stranded_requests", stdout=out)
    assert "Moved 1 request(s)." in out.getvalue()
    waiting.refresh_from_db()
    assert waiting.status == LeaveRequest.Status.PENDING
    assert _moves(waiting).get().actor is None
    call_command("reroute_stranded_requests", stdout=out)
    assert "Moved 0 request(s)." in out.getvalue()
    assert client_for(coordinator).post(f"{LEAVE}{waiting.pk}/approve/").status_code == 200
