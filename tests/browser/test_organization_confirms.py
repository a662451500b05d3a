"""A mentoring organization confirms hours from the emailed link, with no account."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command

from confirmations.models import VerificationContact
from hours.models import PersonalHours

from .conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_organization_confirms_two_entries_and_disputes_one(
    employee, coordinator, org, day, today, signed_in, browser, live_server, settings
):
    settings.SITE_URL = live_server.url
    VerificationContact.objects.create(
        organization=org, name="Ana Ruiz", email="ana.ruiz@friendsforyouth.org"
    )
    page = signed_in(employee.user)
    for n, value in ((1, "2"), (2, "1.5"), (3, "3")):
        form = page.locator("#log-form")
        form.get_by_label("Date you mentored").fill(day(n).isoformat())
        form.get_by_label("Hours").fill(value)
        form.get_by_label("Notes (optional)").fill("Homework help at the library")
        form.get_by_role("button", name="Log hours").click()
        page.wait_for_load_state()
    first, second, third = PersonalHours.objects.filter(employee=employee).order_by("date")
    balance = employee.balances.get(year=today.year)
    assert (balance.personal_verified, balance.personal_logged) == (0, Decimal("6.5"))

    call_command("send_confirmation_requests")

    (message,) = mail.outbox
    assert "library" not in message.body
    link = re.search(r"http\S+/confirm/#\S+", message.body).group(0)

    # The contact has no account: a fresh browser, on a phone.
    context = browser.new_context(viewport=PHONE)
    contact_page = context.new_page()
    contact_page.set_default_timeout(15_000)
    requests_seen = []
    contact_page.on("request", lambda request: requests_seen.append(request.url))
    contact_page.goto(link)
    contact_page.wait_for_selector("text=Confirm mentoring hours for Friends for Youth")
    token = link.split("#", 1)[1]
    assert token not in contact_page.url
    assert all(token not in url for url in requests_seen)  # never in an address sent out
    assert "library" not in contact_page.content()
    assert contact_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(contact_page, "organization-confirms-phone")

    for entry, choice in ((first, "Confirm"), (second, "Confirm"), (third, "Dispute")):
        contact_page.locator(f"#entry-{entry.pk}").get_by_label(choice, exact=True).check()
    contact_page.get_by_label("If you dispute: what is not right").last.fill(
        "We met for one hour that day, not three."
    )
    contact_page.get_by_label("Your name").fill("Ana Ruiz")
    contact_page.get_by_role("button", name="Send my answers").click()
    contact_page.wait_for_selector("text=Thank you: your answers are recorded")
    assert contact_page.get_by_test_id(f"answer-{first.pk}").inner_text().startswith("Confirmed")
    assert contact_page.get_by_test_id(f"answer-{third.pk}").inner_text().startswith("Disputed")
    screenshot(contact_page, "organization-confirmed")
    context.close()

    balance.refresh_from_db()
    assert balance.personal_verified == Decimal("3.5")  # exactly the confirmed hours
    assert balance.personal_logged == Decimal("3")
    for entry in (first, second):
        entry.refresh_from_db()
        assert (entry.status, entry.verified_via, entry.verified_by_name) == (
            "verified",
            "organization_link",
            "Ana Ruiz",
        )
    third.refresh_from_db()
    assert third.status == PersonalHours.Status.LOGGED

    queue = signed_in(coordinator)
    queue.set_viewport_size(DESKTOP)
    queue.goto("/coordinator/")
    dispute = queue.get_by_test_id(f"dispute-{third.pk}")
    assert "Disputed by Ana Ruiz" in dispute.inner_text()
    assert "We met for one hour that day, not three." in dispute.inner_text()
    screenshot(queue, "coordinator-sees-dispute")
