"""A coordinator's delegate uses the coordinator's page (/coordinator/) while the delegation
runs, for the delegating coordinator's agency, with the coordinator's rules (never their own
request); anyone else keeps the 403 and 404 they had. And someone who is both coordinator and
supervisor sees the two pages named apart in the header."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from agencies import approvals
from hours import services
from hours.models import LeaveRequest
from tests.factories import EmployeeFactory, EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(employee, org, today, verified_hours):
    verified_hours(employee, 2)
    return services.leave_request_create(
        employee=employee, by=employee.user, date=today, hours=Decimal("2"), organization=org
    )


@pytest.fixture
def delegate(dot, dot_pilot, org):
    """A DOT employee (not a coordinator), on the roster."""
    user = UserFactory(username="dot.deputy", first_name="Dee", last_name="Puty")
    person = EmployeeFactory(agency=dot, user=user)
    EnrollmentFactory(employee=person, pilot=dot_pilot, organization=org)
    return person


@pytest.fixture
def delegation(coordinator, delegate, dot, today):
    return approvals.delegation_create(
        by=coordinator,
        agency=dot,
        delegate=delegate.user,
        starts_on=today,
        ends_on=today + dt.timedelta(days=7),
    )


def test_a_running_delegate_sees_the_coordinators_queue_and_approves_for_them(
    delegate, delegation, coordinator, pending, web_client
):
    client = web_client(delegate.user)
    page = client.get("/coordinator/")
    assert page.status_code == 200
    assert [row["item"] for row in page.context["requests_rows"]] == [pending]
    text = page.content.decode()
    assert 'data-testid="stands-in"' in text and "(DOT coordinator)" in text
    # The roster, the workbooks and the organizations' emails stay with the coordinators.
    assert "/api/v1/reports/agency/DOT/" not in text
    assert "send-confirmation-requests" not in text and "/coordinator/confirmations/" not in text
    assert 'href="/coordinator/"' in text  # the header's "Queue"
    assert client.get("/coordinator/roster/").status_code == 403

    response = client.post(f"/coordinator/requests/{pending.pk}/approve/")
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == LeaveRequest.Status.APPROVED
    assert (pending.approver, pending.approver_for) == (delegate.user, coordinator)


def test_the_delegate_never_sees_nor_decides_their_own_request(
    delegate, delegation, org, today, verified_hours, web_client
):
    verified_hours(delegate, 2)
    own = services.leave_request_create(
        employee=delegate, by=delegate.user, date=today, hours=Decimal("2"), organization=org
    )
    client = web_client(delegate.user)
    assert client.get("/coordinator/").context["requests_rows"] == []
    # As for a coordinator's own request: the self-approval rule, on the page (400).
    response = client.post(f"/coordinator/requests/{own.pk}/approve/")
    assert response.status_code == 400
    assert "their own" in response.context["error"]
    own.refresh_from_db()
    assert own.status == LeaveRequest.Status.PENDING


def test_an_outsider_without_a_delegation_is_refused(delegate, pending, web_client):
    client = web_client(delegate.user)
    assert client.get("/coordinator/").status_code == 403
    assert client.post(f"/coordinator/requests/{pending.pk}/approve/").status_code == 404
    pending.refresh_from_db()
    assert pending.status == LeaveRequest.Status.PENDING
    assert 'href="/coordinator/"' not in client.get("/me/").content.decode()


def test_the_delegate_is_refused_once_the_delegation_is_ended(
    delegate, delegation, coordinator, pending, web_client
):
    approvals.delegation_end(by=coordinator, delegation=delegation)
    client = web_client(delegate.user)
    assert client.get("/coordinator/").status_code == 403
    assert client.post(f"/coordinator/requests/{pending.pk}/approve/").status_code == 404


def test_a_supervisors_delegate_does_not_get_the_coordinators_page(
    dot, delegate, employee, today, web_client
):
    boss = EmployeeFactory(agency=dot, user=UserFactory(username="dot.boss")).user
    employee.supervisor = boss
    employee.save()
    approvals.delegation_create(
        by=boss, agency=dot, delegate=delegate.user, starts_on=today, ends_on=today
    )
    assert web_client(delegate.user).get("/coordinator/").status_code == 403


def _header_links(html: str) -> list[str]:
    nav = html.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    names = re.findall(r"<a [^>]*>(.*?)</a>", nav, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", name).split()) for name in names]


def test_a_coordinator_who_also_supervises_sees_the_two_pages_named_apart(
    coordinator, employee, pending, web_client
):
    employee.supervisor = coordinator
    employee.save()
    names = _header_links(web_client(coordinator).get("/me/").content.decode())
    assert "Team requests" in names
    assert "Queue" in names
    assert any(name.startswith("Waiting in your queue") for name in names)
    assert not any("Waiting for you" in name for name in names)
    assert len(names) == len(set(names))


def test_the_delegate_does_not_get_the_delegating_coordinators_own_request(
    delegate, delegation, coordinator, second_coordinator, org, today, day, web_client
):
    """The coordinator's queue never holds their own requests (another coordinator decides
    them), and neither does the queue their delegate works for them."""
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
    theirs = services.leave_request_create(
        employee=own, by=coordinator, date=today, hours=Decimal("2"), organization=org
    )
    client = web_client(delegate.user)
    assert client.get("/coordinator/").context["requests_rows"] == []
    assert client.post(f"/coordinator/requests/{theirs.pk}/approve/").status_code == 404
    bulk = client.post("/coordinator/requests/bulk-approve/", {"ids": [theirs.pk], "count": "1"})
    assert bulk.status_code == 400
    theirs.refresh_from_db()
    assert theirs.status == LeaveRequest.Status.PENDING
    rows = web_client(second_coordinator).get("/coordinator/").context["requests_rows"]
    assert [row["item"] for row in rows] == [theirs]
