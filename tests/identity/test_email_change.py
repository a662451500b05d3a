"""The address password-reset links go to is changed only by the account's owner (confirmed
from the new address) or an administrator, once the account has been used; the old address is
told of every change. The takeover path an outside review found (a coordinator moves an
employee's email to their own and asks for a reset link) is closed."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from agencies.services import EMAIL_OWNER_OR_ADMIN
from ledger.models import LedgerEntry
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
ATTACKER = "coordinator.private@example.com"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def used(employee):
    """The employee signs in once, through the sign-in page."""
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": employee.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    employee.user.refresh_from_db()
    return employee


def test_a_coordinator_cannot_move_a_used_accounts_email_nor_then_get_its_reset_link(
    coordinator, employee, client_for
):
    used(employee)
    old = employee.user.email
    response = client_for(coordinator).patch(
        f"/api/v1/employees/{employee.pk}/", {"email": ATTACKER}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == EMAIL_OWNER_OR_ADMIN
    employee.user.refresh_from_db()
    assert employee.user.email == old
    assert not LedgerEntry.objects.filter(kind="employee.updated").exists()

    # The reset the coordinator then asks for goes nowhere near them.
    assert Client().post("/accounts/password-reset/", {"email": ATTACKER}).status_code == 302
    assert mail.outbox == []


def test_an_account_with_a_password_counts_as_used_even_before_it_signs_in(
    coordinator, employee, client_for
):
    assert employee.user.last_login is None and employee.user.has_usable_password()
    response = client_for(coordinator).patch(
        f"/api/v1/employees/{employee.pk}/", {"email": ATTACKER}, format="json"
    )
    assert response.status_code == 403


def test_a_coordinator_sets_the_email_of_an_account_never_used_and_the_old_address_is_told(
    coordinator, employee, client_for, django_capture_on_commit_callbacks
):
    employee.user.set_unusable_password()
    employee.user.save()
    old = employee.user.email
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).patch(
            f"/api/v1/employees/{employee.pk}/", {"email": "typo.fixed@example.ca.gov"}
        )
    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [[old]]
    assert "typo.fixed@example.ca.gov" in mail.outbox[0].body


def test_an_administrator_changes_a_used_accounts_email_and_the_old_address_is_told(
    admin_user, employee, client_for, django_capture_on_commit_callbacks
):
    used(employee)
    old = employee.user.email
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin_user).patch(
            f"/api/v1/employees/{employee.pk}/", {"email": "new.desk@example.ca.gov"}
        )
    assert response.status_code == 200
    employee.user.refresh_from_db()
    assert employee.user.email == "new.desk@example.ca.gov"
    assert [m.to for m in mail.outbox] == [[old]]


def _roster_file(employee, email: str) -> SimpleUploadedFile:
    line = employee.enrollments.select_related("pilot", "organization").get()
    rows = [
        "employee_number,first_name,last_name,email,bargaining_unit,appointment,pilot,"
        "organization,commitment_starts_on,commitment_ends_on",
        f"{employee.employee_number},{employee.user.first_name},{employee.user.last_name},"
        f"{email},{employee.bargaining_unit},{employee.appointment},{line.pilot.name},"
        f"{line.organization.name},{line.commitment_starts_on},{line.commitment_ends_on}",
    ]
    content = io.BytesIO(("\n".join(rows) + "\n").encode()).getvalue()
    return SimpleUploadedFile("roster.csv", content, content_type="text/csv")


def test_a_coordinators_roster_file_cannot_move_a_used_accounts_email(
    coordinator, employee, client_for
):
    used(employee)
    old = employee.user.email
    response = client_for(coordinator).post(
        "/api/v1/enrollments/import/?agency=DOT",
        {"file": _roster_file(employee, ATTACKER)},
        format="multipart",
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["code"], error["message"]) == ("not_allowed", EMAIL_OWNER_OR_ADMIN)
    employee.user.refresh_from_db()
    assert employee.user.email == old


def test_an_administrators_roster_file_moves_it_and_the_old_address_is_told(
    admin_user, employee, client_for, django_capture_on_commit_callbacks
):
    used(employee)
    old = employee.user.email
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin_user).post(
            "/api/v1/enrollments/import/?agency=DOT",
            {"file": _roster_file(employee, "moved@example.ca.gov")},
            format="multipart",
        )
    assert response.status_code == 200, response.json()
    employee.user.refresh_from_db()
    assert employee.user.email == "moved@example.ca.gov"
    assert [m.to for m in mail.outbox] == [[old]]


def test_the_owner_changes_their_email_through_a_link_sent_to_the_new_address(
    employee, django_capture_on_commit_callbacks
):
    user = employee.user
    old = user.email
    client = signed_in(user)
    response = client.post("/accounts/me/", {"email": "my.new@example.ca.gov"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == old  # nothing changes until the link is opened
    (sent,) = mail.outbox
    assert sent.to == ["my.new@example.ca.gov"]
    link = re.search(r"https?://[^/]+(/accounts/email/\S+)", sent.body).group(1)

    assert client.get(link).status_code == 200  # a button, not the change
    user.refresh_from_db()
    assert user.email == old
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link).status_code == 302
    user.refresh_from_db()
    assert user.email == "my.new@example.ca.gov"
    assert mail.outbox[-1].to == [old]
    entry = LedgerEntry.objects.get(kind="employee.updated", employee=employee)
    assert entry.data == {"email": [old, "my.new@example.ca.gov"]}
    assert entry.actor_id == user.pk

    # The link works once.
    assert client.post(link).status_code == 400


def test_someone_else_cannot_use_the_owners_link(employee, coordinator):
    client = signed_in(employee.user)
    client.post("/accounts/me/", {"email": "my.new@example.ca.gov"})
    link = re.search(r"https?://[^/]+(/accounts/email/\S+)", mail.outbox[0].body).group(1)
    other = signed_in(coordinator)
    assert other.post(link).status_code == 400
    coordinator.refresh_from_db()
    assert coordinator.email != "my.new@example.ca.gov"
    anonymous = Client().post(link)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_an_address_another_account_uses_is_refused(employee):
    UserFactory(username="taken", email="taken@example.ca.gov")
    response = signed_in(employee.user).post("/accounts/me/", {"email": "taken@example.ca.gov"})
    assert response.status_code == 400
    assert b"Another account uses that email address" in response.content
    assert mail.outbox == []


def test_an_administrator_changing_an_email_in_the_user_admin_tells_the_old_address(
    admin_user, employee, django_capture_on_commit_callbacks
):
    user = employee.user
    old = user.email
    client = signed_in(admin_user)
    page = client.get(f"/admin/auth/user/{user.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        email="admin.set@example.ca.gov",
        date_joined_0=user.date_joined.strftime("%Y-%m-%d"),
        date_joined_1=user.date_joined.strftime("%H:%M:%S"),
        groups=[],
        user_permissions=[],
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("password", None)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/auth/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.email == "admin.set@example.ca.gov"
    assert [m.to for m in mail.outbox] == [[old]]
