"""A person changes their own first and last name (at once, ledgered where they are an employee)
and their email (through a link sent to the new address) with `PATCH me/` and on the "My
mentoring year" page. Unit, appointment, agency and roster stay with coordinators and
administrators: read-only in `me/`, as every read-only field of the API."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from agencies.models import Employee
from ledger.models import LedgerEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ME = "/api/v1/me/"


def _name_entries(employee):
    return LedgerEntry.objects.filter(kind="employee.updated", employee=employee)


def test_an_employee_changes_their_own_name_and_it_is_ledgered(employee, client_for):
    response = client_for(employee.user).patch(
        ME, {"first_name": "  Ana María ", "last_name": "Ruiz-Okafor"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["first_name"], body["last_name"]) == ("Ana María", "Ruiz-Okafor")
    assert body["email_confirmation_sent_to"] is None
    employee.user.refresh_from_db()
    assert employee.user.get_full_name() == "Ana María Ruiz-Okafor"
    (entry,) = _name_entries(employee)
    assert entry.actor_id == employee.user_id
    assert entry.data["first_name"][1] == "Ana María"
    assert entry.data["last_name"][1] == "Ruiz-Okafor"
    assert mail.outbox == []


def test_the_same_name_again_writes_nothing(employee, client_for):
    user = employee.user
    body = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
    response = client_for(user).patch(ME, body, format="json")
    assert response.status_code == 200
    assert not _name_entries(employee).exists()
    assert mail.outbox == []


def test_a_person_without_an_employee_profile_changes_their_name_without_a_ledger_entry(
    second_coordinator, client_for
):
    response = client_for(second_coordinator).patch(ME, {"last_name": "Nguyen"}, format="json")
    assert response.status_code == 200
    second_coordinator.refresh_from_db()
    assert second_coordinator.last_name == "Nguyen"
    assert not LedgerEntry.objects.filter(kind="employee.updated").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", "Ana\x0bMaria"),
        ("last_name", "Ruiz\u200b"),
        ("last_name", "R" * 151),
        ("first_name", "   "),
    ],
)
def test_control_characters_overlong_and_empty_names_are_refused_naming_the_field(
    employee, client_for, field, value
):
    old = employee.user.get_full_name()
    response = client_for(employee.user).patch(ME, {field: value}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body or body.get("field") == field
    employee.user.refresh_from_db()
    assert employee.user.get_full_name() == old
    assert not _name_entries(employee).exists()


def test_the_service_refuses_what_the_api_parsers_would_have_caught(employee):
    """The page and any other caller get the same checks as the API."""
    from django.core.exceptions import ValidationError

    from identity.services import own_profile_update

    with pytest.raises(ValidationError) as refused:
        own_profile_update(user=employee.user, first_name="Ana\x01", last_name="x" * 151)
    assert set(refused.value.message_dict) == {"first_name", "last_name"}


def test_unit_appointment_agency_and_roster_are_read_only_in_me(employee, dph, client_for):
    before = Employee.objects.values().get(pk=employee.pk)
    lines = list(employee.enrollments.values())
    response = client_for(employee.user).patch(
        ME,
        {
            "agency": "DPH",
            "roles": ["admin"],
            "employee": {"bargaining_unit": "excluded", "appointment": "temporary"},
            "username": "someone.else",
        },
        format="json",
    )
    assert response.status_code == 200
    assert Employee.objects.values().get(pk=employee.pk) == before
    assert list(employee.enrollments.values()) == lines
    employee.user.refresh_from_db()
    assert employee.user.username == "dot.employee"
    assert response.json()["agency"] == "DOT"
    assert not LedgerEntry.objects.filter(kind="employee.updated").exists()


def test_an_outsider_cannot_change_anothers_name(employee, other_employee, client_for):
    """`me/` has no id to aim at; the employee record of someone else is out of reach."""
    old = employee.user.last_name
    outsider = client_for(other_employee.user)
    response = outsider.patch(
        f"/api/v1/employees/{employee.pk}/", {"last_name": "Changed"}, format="json"
    )
    assert response.status_code in (403, 404)
    assert outsider.patch(ME, {"last_name": "Mine"}, format="json").status_code == 200
    employee.user.refresh_from_db()
    assert employee.user.last_name == old
    other_employee.user.refresh_from_db()
    assert other_employee.user.last_name == "Mine"
    assert client_for(None).patch(ME, {"last_name": "Anyone"}, format="json").status_code == 401


def test_an_email_change_sends_a_link_to_the_new_address_and_changes_nothing_yet(
    employee, client_for, django_capture_on_commit_callbacks
):
    user = employee.user
    old = user.email
    response = client_for(user).patch(ME, {"email": "ana.new@example.ca.gov"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == old
    assert body["email_confirmation_sent_to"] == "ana.new@example.ca.gov"
    (sent,) = mail.outbox
    assert sent.to == ["ana.new@example.ca.gov"]
    link = re.search(r"https?://[^/]+(/accounts/email/\S+)", sent.body).group(1)

    # The same link as the account page's: opened signed in, it makes the change and tells
    # the old address.
    page = Client()
    page.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        assert page.post(link).status_code == 302
    user.refresh_from_db()
    assert user.email == "ana.new@example.ca.gov"
    assert mail.outbox[-1].to == [old]


def test_an_address_another_account_uses_is_refused_and_the_name_is_kept(employee, client_for):
    UserFactory(username="taken", email="taken@example.ca.gov")
    old = employee.user.last_name
    response = client_for(employee.user).patch(
        ME, {"last_name": "Changed", "email": "taken@example.ca.gov"}, format="json"
    )
    assert response.status_code == 400
    assert "email" in response.json()
    employee.user.refresh_from_db()
    assert employee.user.last_name == old
    assert mail.outbox == []


def test_a_malformed_email_is_refused_naming_the_field(employee, client_for):
    response = client_for(employee.user).patch(ME, {"email": "not-an-address"}, format="json")
    assert response.status_code == 400
    assert "email" in response.json()


# --- The page -----------------------------------------------------------------------------------


def _page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(user, **changes) -> dict:
    data = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
    return {f"profile-{k}": v for k, v in {**data, **changes}.items()}


def test_the_my_year_page_shows_and_saves_the_name(employee):
    client = _page(employee.user)
    page = client.get("/me/")
    assert page.status_code == 200
    assert b'id="profile-form"' in page.content
    response = client.post("/me/profile/", _form(employee.user, last_name="Okafor"))
    assert response.status_code == 302
    employee.user.refresh_from_db()
    assert employee.user.last_name == "Okafor"
    assert _name_entries(employee).get().data["last_name"][1] == "Okafor"


def test_the_page_refuses_a_control_character_next_to_the_field(employee):
    old = employee.user.first_name
    response = _page(employee.user).post("/me/profile/", _form(employee.user, first_name="A\x01"))
    assert response.status_code == 400
    assert b"U+0001" in response.content
    employee.user.refresh_from_db()
    assert employee.user.first_name == old


def test_the_page_sends_the_email_link(employee):
    response = _page(employee.user).post(
        "/me/profile/", _form(employee.user, email="ana.page@example.ca.gov")
    )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["ana.page@example.ca.gov"]]
    employee.user.refresh_from_db()
    assert employee.user.email != "ana.page@example.ca.gov"
