"""Each person turns the digest and the reminders on and off on their own page; a coordinator
sees what waits for them in the header, and lands on the queue when something waits."""

from __future__ import annotations

import re

from notifications.models import Kind, Preference
from notifications.services import wants

from ..factories import PersonalHoursFactory

PAGE = "/me/email/"


def waiting_badge(html: str) -> str | None:
    badge = r'data-testid="waiting">Waiting in your queue <span class="count">(\d+)</span>'
    match = re.search(badge, html)
    return match.group(1) if match else None


def test_a_person_turns_reminders_off_and_digests_stay_on(web_client, employee):
    client = web_client(employee.user)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert 'name="digests"' in page.content.decode() and "checked" in page.content.decode()
    response = client.post(PAGE, {"digests": "on"})
    assert response.status_code == 302 and response["Location"] == PAGE
    assert wants(employee.user, Kind.DIGEST) and not wants(employee.user, Kind.REMINDER)
    shown = client.get(PAGE).content.decode()
    assert re.search(r'<input[^>]*name="reminders"[^>]*>', shown).group(0).find("checked") == -1


def test_a_choice_changes_only_ones_own(web_client, employee, coordinator):
    web_client(employee.user).post(PAGE, {})
    assert Preference.objects.get().user == employee.user
    assert wants(coordinator, Kind.DIGEST) and wants(coordinator, Kind.REMINDER)


def test_signed_out_the_page_sends_to_sign_in(web_client, db):
    response = web_client(None).get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_header_counts_what_waits_for_a_coordinator(web_client, coordinator, employee, org):
    PersonalHoursFactory(employee=employee, organization=org)
    PersonalHoursFactory(employee=employee, organization=org)
    page = web_client(coordinator).get("/coordinator/").content.decode()
    assert waiting_badge(page) == "2"


def test_an_employee_has_no_waiting_count(web_client, employee):
    assert waiting_badge(web_client(employee.user).get("/me/").content.decode()) is None


def test_a_coordinator_lands_on_the_queue_only_when_something_waits(
    web_client, coordinator, employee, org
):
    client = web_client(coordinator)
    home = client.get("/")
    assert home.status_code == 200  # two roles, nothing waiting: the choice of pages
    assert waiting_badge(home.content.decode()) == "0"
    PersonalHoursFactory(employee=employee, organization=org)
    landed = client.get("/")
    assert landed.status_code == 302 and landed["Location"] == "/coordinator/"
