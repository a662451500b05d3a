"""DOT's two-step chain in a real browser: the employee requests, the supervisor approves, the
coordinator approves, and the employee sees both names."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agencies.models import Agency
from hours import services
from hours.models import LeaveRequest
from tests.factories import EmployeeFactory, UserFactory

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_employee_request_goes_through_supervisor_then_coordinator(
    dot, employee, coordinator, org, day, today, signed_in, check_accessibility
):
    supervisor = EmployeeFactory(
        agency=dot, user=UserFactory(username="dot.supervisor", first_name="Sam", last_name="Lee")
    ).user
    Agency.objects.filter(pk=dot.pk).update(approval_chain="supervisor_then_coordinator")
    employee.supervisor = supervisor
    employee.save()
    entry = services.personal_hours_log(
        employee=employee,
        by=employee.user,
        date=day(0),
        hours=Decimal("4"),
        source="non_working_time",
        organization=org,
    )
    services.personal_hours_verify(
        entry=entry, by=coordinator, verified_by_name="Office", reason="Signed paper form"
    )

    page = signed_in(employee.user)
    request = page.locator("#request-form")
    request.get_by_label("Date of the leave").fill(today.isoformat())
    request.get_by_label("Paid hours").fill("2")
    request.get_by_role("button", name="Request leave").click()
    page.wait_for_load_state()
    assert (
        "supervisor's approval, then your coordinator's" in page.locator(".messages").inner_text()
    )
    leave = LeaveRequest.objects.get(employee=employee)
    assert leave.status == LeaveRequest.Status.AWAITING_SUPERVISOR
    assert "With your supervisor, Sam Lee" in page.get_by_test_id(f"holder-{leave.pk}").inner_text()
    check_accessibility(page, "the employee's history while the supervisor holds the request")

    boss = signed_in(supervisor)
    assert boss.url.endswith("/supervisor/")
    screenshot(boss, "supervisor-waiting-for-you")
    check_accessibility(boss, "the supervisor's Waiting for you")
    boss.locator(f"#request-{leave.pk}").get_by_role("button", name="Approve").click()
    boss.wait_for_load_state()
    assert "it goes to the coordinator" in boss.locator(".messages").inner_text()

    queue = signed_in(coordinator)
    queue.goto("/coordinator/")
    check_accessibility(queue, "the queue, with a request passed on by the supervisor")
    queue.locator(f"#request-{leave.pk}").get_by_role("button", name="Approve").click()
    queue.wait_for_load_state()
    assert "Approved 2 hours" in queue.locator(".messages").inner_text()

    page.goto("/me/")
    supervisor_step = page.get_by_test_id(f"supervisor-step-{leave.pk}").inner_text()
    coordinator_step = page.get_by_test_id(f"coordinator-step-{leave.pk}").inner_text()
    assert "Supervisor: Sam Lee, approved" in supervisor_step
    name = coordinator.get_full_name()
    assert f"Coordinator: {name}, approved" in coordinator_step
    screenshot(page, "employee-sees-both-decisions")
    check_accessibility(page, "the employee's history with both decisions")
    assert LeaveRequest.objects.get(pk=leave.pk).status == LeaveRequest.Status.APPROVED
