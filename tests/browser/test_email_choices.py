"""In the browser: a coordinator with something waiting lands on the queue and sees the count
in the header, then turns the daily digest off on the Email page, by label and keyboard."""

from __future__ import annotations

import pytest

from notifications.models import Kind
from notifications.services import wants
from tests.factories import PersonalHoursFactory

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_lands_on_the_queue_and_turns_the_digest_off(
    employee, coordinator, org, signed_in
):
    PersonalHoursFactory(employee=employee, organization=org)
    page = signed_in(coordinator)
    page.goto("/")
    page.wait_for_load_state()
    assert page.url.endswith("/coordinator/")
    waiting = page.get_by_test_id("waiting")
    assert waiting.inner_text().split() == ["Waiting", "in", "your", "queue", "1"]

    page.get_by_role("link", name="Email").click()
    page.wait_for_load_state()
    digests = page.get_by_label("The daily digest of what waits for me")
    assert digests.is_checked()
    digests.focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Your email choices are saved." in page.locator(".messages").inner_text()
    assert not page.get_by_label("The daily digest of what waits for me").is_checked()
    assert page.get_by_label("Reminders").is_checked()
    screenshot(page, "email-choices")
    assert not wants(coordinator, Kind.DIGEST) and wants(coordinator, Kind.REMINDER)
