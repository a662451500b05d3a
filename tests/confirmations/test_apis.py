"""The API: contacts kept by administrators and coordinators; links read and withdrawn by the
coordinators of the agencies they list."""

from __future__ import annotations

import pytest

from confirmations.models import ConfirmationLink, VerificationContact

from .conftest import snapshot

pytestmark = pytest.mark.django_db

CONTACTS = "/api/v1/verification-contacts/"
LINKS = "/api/v1/confirmation-links/"


def test_a_coordinator_adds_and_changes_a_contact(client_for, coordinator, org):
    client = client_for(coordinator)
    created = client.post(
        CONTACTS, {"organization": org.pk, "name": "Ana Ruiz", "email": "Ana@FFY.org"}
    )
    assert created.status_code == 201
    contact = VerificationContact.objects.get()
    assert (contact.email, contact.changed_by) == ("ana@ffy.org", coordinator)

    changed = client.patch(f"{CONTACTS}{contact.pk}/", {"active": False})

    assert changed.status_code == 200
    contact.refresh_from_db()
    assert contact.active is False and contact.name == "Ana Ruiz"


def test_an_administrator_adds_a_contact(client_for, admin_user, org):
    response = client_for(admin_user).post(
        CONTACTS, {"organization": org.pk, "name": "Ana Ruiz", "email": "ana@ffy.org"}
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Ana", "email": "not-an-email"}, "email"),
        ({"name": "", "email": "ana@ffy.org"}, "name"),
        ({"name": "Ana", "email": "ana.ruiz@friendsforyouth.org"}, "email"),  # taken
    ],
)
def test_a_bad_contact_names_the_field(client_for, coordinator, org, contact, body, field):
    before = VerificationContact.objects.count()
    response = client_for(coordinator).post(CONTACTS, {"organization": org.pk, **body})
    assert response.status_code == 400 and field in str(response.json())
    assert VerificationContact.objects.count() == before


def test_employees_and_the_workgroup_keep_no_contacts(
    client_for, employee, workgroup, org, contact
):
    body = {"organization": org.pk, "name": "Eve", "email": "eve@example.org"}
    assert client_for(employee.user).get(CONTACTS).status_code == 403
    assert client_for(employee.user).post(CONTACTS, body).status_code == 403
    assert client_for(workgroup).get(CONTACTS).status_code == 200
    assert client_for(workgroup).post(CONTACTS, body).status_code == 403
    assert client_for(workgroup).patch(f"{CONTACTS}{contact.pk}/", body).status_code == 403
    assert client_for(None).get(CONTACTS).status_code == 401
    assert VerificationContact.objects.count() == 1


def test_a_coordinator_withdraws_a_link_of_their_agency(
    client_for,
    coordinator,
    other_coordinator,
    workgroup,
    employee,
    contact,
    log_hours,
    send,
    anonymous,
):
    entry = log_hours(employee, 2, 10)
    token = send()
    link = ConfirmationLink.objects.get()
    assert client_for(other_coordinator).get(f"{LINKS}{link.pk}/").status_code == 404
    before = snapshot()
    assert client_for(other_coordinator).post(f"{LINKS}{link.pk}/revoke/").status_code == 404
    assert client_for(workgroup).post(f"{LINKS}{link.pk}/revoke/").status_code == 403
    assert client_for(employee.user).post(f"{LINKS}{link.pk}/revoke/").status_code == 403
    assert snapshot() == before
    listed = client_for(coordinator).get(LINKS).json()
    assert [row["entries"] for row in listed["results"]] == [[entry.pk]]
    assert "digest" not in listed["results"][0] and token not in str(listed)

    response = client_for(coordinator).post(f"{LINKS}{link.pk}/revoke/")

    assert response.status_code == 200 and response.json()["revoked_at"]
    assert anonymous().post("/confirm/", {"token": token}).status_code == 410
