"""Signing in through the agency's OpenID Connect provider in Chromium: the loopback provider of
tests/identity, the program's real callback, no password typed."""

from __future__ import annotations

import pytest

from tests.identity.conftest import provider  # noqa: F401 (the fixture)

from .conftest import DESKTOP, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_an_employee_signs_in_with_their_agency_account(page, provider, employee):  # noqa: F811
    provider.claims = {"sub": "e-1", "email": employee.user.email, "email_verified": True}
    page.goto("/me/")
    assert "/accounts/login/" in page.url
    screenshot(page, "sign-in-with-agency-account")
    page.get_by_role("link", name="Sign in with your agency account").click()
    page.wait_for_url("**/me/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("My mentoring year")
    assert employee.user.get_full_name() in page.locator("header").inner_text()
    assert provider.token_requests == 1

    # The account page, and a personal API token for the scripts a password would have served.
    page.get_by_role("link", name="Account").click()
    page.get_by_role("link", name="Your API tokens").click()
    page.get_by_label("What it is for").fill("monthly report script")
    page.get_by_role("button", name="Make the token").click()
    page.wait_for_load_state()
    key = page.get_by_label("Token").input_value()
    assert len(key) == 40
    screenshot(page, "personal-api-token")


def test_someone_not_on_a_roster_is_told_to_ask_their_coordinator(page, provider, db):  # noqa: F811
    provider.claims = {"sub": "x-9", "email": "new.hire@example.ca.gov", "email_verified": True}
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with your agency account").click()
    page.wait_for_load_state()
    assert "you are not on a pilot roster yet" in page.get_by_role("alert").inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == "No account for you yet"
    screenshot(page, "sign-in-not-on-a-roster")
