"""The supervisor's "Waiting for you" page, the employee's history of who holds a request and
who decided each step, and the coordinator's list of requests still with a supervisor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from agencies.models import Agency
from hours import services
from hours.models import LeaveRequest
from tests.factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pinned(today):
    """The suite's pinned today (tests/conftest.py)."""
    return today


@pytest.fixture
def supervisor(dot):
    user = UserFactory(username="dot.supervisor", first_name="Sam", last_name="Super")
    return EmployeeFactory(agency=dot, user=user).user


@pytest.fixture
def awaiting(dot, employee, supervisor, coordinator, pinned):
    Agency.objects.filter(pk=dot.pk).update(approval_chain="supervisor_then_coordinator")
    employee.supervisor = supervisor
    employee.save()
    employee.agency.refresh_from_db()
    org = employee.enrollments.first().organization
    entry = services.personal_hours_log(
        employee=employee,
        by=employee.user,
        date=pinned - dt.timedelta(days=3),
        hours=Decimal("8"),
        source="non_working_time",
        organization=org,
    )
    services.personal_hours_verify(
        entry=entry, by=coordinator, verified_by_name="Office", reason="Signed paper form"
    )
    return services.leave_request_create(
        employee=employee,
        by=employee.user,
        date=pinned + dt.timedelta(days=5),
        hours=Decimal("2"),
        organization=org,
    )


def test_a_supervisor_lands_on_waiting_for_you_and_approves(
    web_client, supervisor, awaiting, employee
):
    client = web_client(supervisor)
    assert client.get("/").url == "/supervisor/"
    page = client.get("/supervisor/").content.decode()
    assert f'id="request-{awaiting.pk}"' in page
    response = client.post(f"/supervisor/requests/{awaiting.pk}/approve/")
    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert (awaiting.status, awaiting.supervisor_decided_by) == ("pending", supervisor)
    history = web_client(employee.user).get("/me/").content.decode()
    assert "Supervisor: Sam Super, approved" in history
    assert "With your pilot coordinator" in history


def test_a_supervisor_denies_with_a_reason_only(web_client, supervisor, awaiting):
    client = web_client(supervisor)
    url = f"/supervisor/requests/{awaiting.pk}/deny/"
    missing = client.post(url, {f"deny-{awaiting.pk}-reason": ""})
    assert missing.status_code == 400
    assert LeaveRequest.objects.get(pk=awaiting.pk).status == "awaiting_supervisor"
    done = client.post(url, {f"deny-{awaiting.pk}-reason": "Inspection week."})
    assert done.status_code == 302
    awaiting.refresh_from_db()
    assert (awaiting.status, awaiting.reason) == ("denied", "Inspection week.")


def test_outsiders_do_not_reach_the_team(web_client, awaiting, other_employee, employee):
    assert web_client(other_employee.user).get("/supervisor/").status_code == 403
    outsider = web_client(other_employee.user).post(f"/supervisor/requests/{awaiting.pk}/approve/")
    assert outsider.status_code == 404
    own = web_client(employee.user).post(f"/supervisor/requests/{awaiting.pk}/approve/")
    assert own.status_code == 404
    assert LeaveRequest.objects.get(pk=awaiting.pk).status == "awaiting_supervisor"


def test_the_employee_sees_who_holds_it_and_the_coordinator_sees_how_long(
    web_client, awaiting, employee, coordinator
):
    history = web_client(employee.user).get("/me/").content.decode()
    assert "With your supervisor, Sam Super" in history
    queue = web_client(coordinator).get("/coordinator/").content.decode()
    assert f'id="with-supervisor-{awaiting.pk}"' in queue
    assert "since today" in queue
