"""An employee's and a coordinator's whole jobs, in a real browser."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hours import services
from hours.models import LeaveRequest, PersonalHours

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_employee_is_refused_paid_leave_until_personal_hours_are_verified(
    employee, coordinator, org, day, today, signed_in
):
    page = signed_in(employee.user)
    assert page.url.endswith("/me/")
    assert "You have 0 verified personal hours and 0 paid hours approved or pending" in (
        page.get_by_test_id("next-step").inner_text()
    )
    screenshot(page, "employee-my-year-start")

    log = page.locator("#log-form")
    log.get_by_label("Date you mentored").fill(day(0).isoformat())
    log.get_by_label("Hours").fill("2")
    log.get_by_label("Notes (optional)").fill("Homework help at the library")
    log.get_by_role("button", name="Log hours").click()
    page.wait_for_load_state()
    assert "Logged 2 hours of personal mentoring" in page.locator(".messages").inner_text()
    assert PersonalHours.objects.get(employee=employee).status == PersonalHours.Status.LOGGED

    request = page.locator("#request-form")
    request.get_by_label("Date of the leave").fill(today.isoformat())
    request.get_by_label("Paid hours").fill("2")
    request.get_by_role("button", name="Request leave").click()
    page.wait_for_load_state()
    error = page.locator("#id_leave-hours_error")
    assert "Personal time comes first" in error.inner_text()
    # The focus is on the field with the error, which is described by it.
    assert _focused_id(page) == "id_leave-hours"
    assert page.locator("#id_leave-hours").get_attribute("aria-invalid") == "true"
    screenshot(page, "employee-match-refused")
    assert not LeaveRequest.objects.exists()

    queue = signed_in(coordinator)
    queue.goto("/coordinator/")
    entry = PersonalHours.objects.get(employee=employee)
    item = queue.locator(f"#hours-{entry.pk}")
    item.get_by_label("Verified by (at the organization)").fill("Dana Cruz, Friends for Youth")
    item.get_by_label("How they confirmed it").fill("A signed paper form")
    item.get_by_role("button", name="Verify").click()
    queue.wait_for_load_state()
    assert "Verified 2 hours" in queue.locator(".messages").inner_text()

    page.goto("/me/")
    request = page.locator("#request-form")
    request.get_by_label("Date of the leave").fill(today.isoformat())
    request.get_by_label("Paid hours").fill("2")
    request.get_by_role("button", name="Request leave").click()
    page.wait_for_load_state()
    assert "It waits for your coordinator's approval" in page.locator(".messages").inner_text()
    assert LeaveRequest.objects.get(employee=employee).status == LeaveRequest.Status.PENDING
    screenshot(page, "employee-request-made")

    phone = signed_in(employee.user, phone=True)
    phone.goto("/me/")
    wide = phone.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
                          && !el.closest('.table-wrap'))
            .map(el => el.tagName + '#' + el.id + '.' + el.className).slice(0, 5)"""
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, wide
    screenshot(phone, "employee-my-year-phone")


def test_coordinator_bulk_approves_and_denies_one_with_a_reason_the_employee_sees(
    employee, coordinator, org, day, today, signed_in
):
    entries = []
    for n in range(3):
        entry = services.personal_hours_log(
            employee=employee,
            by=employee.user,
            date=day(n),
            hours=Decimal("2"),
            source="non_working_time",
            organization=org,
        )
        entries.append(
            services.personal_hours_verify(
                reason="Signed paper form", entry=entry, by=coordinator, verified_by_name="Office"
            )
        )
    requests = [
        services.leave_request_create(
            employee=employee, by=employee.user, date=today, hours=Decimal("2"), organization=org
        )
        for _ in range(3)
    ]
    # Two hours found not to have happened: only two of the three requests stay matched.
    services.personal_hours_reject(entry=entries[2], by=coordinator, reason="Counted twice")

    page = signed_in(coordinator)
    page.goto("/coordinator/")
    screenshot(page, "coordinator-queue")
    page.get_by_label("Select all requests on this page").check()
    page.get_by_role("button", name="Approve selected").click()
    page.wait_for_load_state()
    confirm = page.locator("#bulk-confirm")
    assert "Approve 3 requests?" in confirm.inner_text()
    confirm.get_by_role("button", name="Approve 3 requests").click()
    page.wait_for_load_state()
    results = page.locator("#bulk-results")
    assert "2 approved, 1 not approved" in results.inner_text()
    refused = page.get_by_test_id(f"bulk-{requests[2].pk}")
    assert "Personal time comes first" in refused.inner_text()
    assert "match_required" in refused.inner_text()
    screenshot(page, "coordinator-bulk-approved")

    item = page.locator(f"#request-{requests[2].pk}")
    item.get_by_label("Reason").fill("Crew shortage that week; please pick another date")
    item.get_by_role("button", name="Deny").click()
    page.wait_for_load_state()
    assert "Denied the request" in page.locator(".messages").inner_text()
    statuses = {r.pk: r.status for r in LeaveRequest.objects.all()}
    assert statuses == {
        requests[0].pk: LeaveRequest.Status.APPROVED,
        requests[1].pk: LeaveRequest.Status.APPROVED,
        requests[2].pk: LeaveRequest.Status.DENIED,
    }

    mine = signed_in(employee.user)
    row = mine.locator(f"#leave-{requests[2].pk}")
    assert "Denied" in row.inner_text()
    assert "Crew shortage that week" in row.inner_text()
    screenshot(mine, "employee-sees-denial")


def test_deny_without_a_reason_puts_the_focus_on_the_reason(
    employee, coordinator, org, day, today, verified_hours, signed_in
):
    verified_hours(employee, 2)
    leave = services.leave_request_create(
        employee=employee, by=employee.user, date=today, hours=Decimal("2"), organization=org
    )
    page = signed_in(coordinator)
    page.goto("/coordinator/")
    item = page.locator(f"#request-{leave.pk}")
    # The browser asks for the reason first; without it, the policy's sentence comes back.
    item.get_by_label("Reason").evaluate("el => el.removeAttribute('required')")
    item.get_by_role("button", name="Deny").click()
    page.wait_for_load_state()
    assert "A written reason is needed" in page.locator(f"#request-{leave.pk}").inner_text()
    assert _focused_id(page) == f"id_deny-{leave.pk}-reason"
