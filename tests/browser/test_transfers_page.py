"""The transfers page in a real browser: DOT's coordinator starts a transfer to DPH, a refused
field is named next to it and focused, and DPH's coordinator accepts it; axe-core finds no WCAG
2.1 A or AA violation in any state, on a desktop and a phone."""

from __future__ import annotations

import pytest

from agencies.models import Transfer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_transfer_is_started_refused_and_accepted_in_the_browser(
    employee,
    coordinator,
    other_coordinator,
    dph,
    dph_pilot,
    today,
    signed_in,
    check_accessibility,
    phone,
):
    page = signed_in(coordinator, phone=phone)
    page.goto("/coordinator/roster/")
    page.get_by_role("link", name="Transfers between agencies").click()
    page.wait_for_load_state()
    check_accessibility(page, "transfers, none yet")

    form = page.locator("#transfer-form")
    form.get_by_label("Employee number").fill("nobody")
    form.get_by_label("To agency").select_option("DPH")
    form.get_by_label("Takes effect on").fill(today.isoformat())
    form.get_by_role("button", name="Start the transfer").click()
    page.wait_for_load_state()
    number = page.locator("#transfer-form").get_by_label("Employee number")
    assert number.evaluate("element => element === document.activeElement")
    assert "No employee numbered nobody" in page.locator("#transfer-form").inner_text()
    check_accessibility(page, "transfers, a refused field")

    number.fill(employee.employee_number)
    page.locator("#transfer-form").get_by_role("button", name="Start the transfer").click()
    page.wait_for_load_state()
    assert "awaits a coordinator of DPH" in page.locator(".messages").inner_text()
    assert page.locator("#transfers tbody tr").count() == 1
    check_accessibility(page, "transfers, one proposed")

    receiving = signed_in(other_coordinator, phone=phone)
    receiving.goto("/coordinator/transfers/")
    receiving.get_by_role("button", name="Accept the transfer of").click()
    receiving.wait_for_load_state()
    assert "is now in DPH" in receiving.locator(".messages").inner_text()
    check_accessibility(receiving, "transfers, accepted")
    assert Transfer.objects.get().status == Transfer.Status.DONE
