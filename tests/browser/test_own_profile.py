"""The "My mentoring year" page's own-profile form in a real browser: the person changes their
name, sees it in the header, and a refused field is named next to it and focused; axe-core finds
no WCAG 2.1 A or AA violation in either state."""

from __future__ import annotations

import pytest
from django.core import mail

from ledger.models import LedgerEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_employee_changes_their_name_and_asks_to_change_their_email(
    employee, signed_in, check_accessibility
):
    page = signed_in(employee.user)
    page.goto("/me/")
    form = page.locator("#profile-form")
    check_accessibility(page, "My mentoring year with the name and email form")

    form.get_by_label("First name").fill("")
    form.get_by_role("button", name="Save your name and email").click()
    page.wait_for_load_state()
    first = page.locator("#profile-form").get_by_label("First name")
    assert first.evaluate("element => element === document.activeElement")
    assert "required" in page.locator("#profile-form").inner_text().lower()
    check_accessibility(page, "the name form with a refused field")

    form = page.locator("#profile-form")
    form.get_by_label("First name").fill("Ana María")
    form.get_by_label("Last name").fill("Okafor")
    form.get_by_label("Work email").fill("ana.new@example.ca.gov")
    form.get_by_role("button", name="Save your name and email").click()
    page.wait_for_load_state()
    messages = page.locator(".messages").inner_text()
    assert "Your details are saved." in messages
    assert "We sent a link to ana.new@example.ca.gov" in messages
    assert "Ana María Okafor" in page.get_by_role("button", name="Sign out").inner_text()
    check_accessibility(page, "My mentoring year after saving the name")

    employee.user.refresh_from_db()
    assert employee.user.get_full_name() == "Ana María Okafor"
    assert employee.user.email != "ana.new@example.ca.gov"
    assert [m.to for m in mail.outbox] == [["ana.new@example.ca.gov"]]
    assert LedgerEntry.objects.filter(kind="employee.updated", employee=employee).count() == 1
