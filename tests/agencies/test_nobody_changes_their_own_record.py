"""A coordinator is usually an employee of the agency too: they never change their own employee
record or roster line (another coordinator or an administrator does), and only an
administrator changes the sign-in email of a coordinator, workgroup member or administrator."""

from __future__ import annotations

import pytest

from agencies.models import Employee, Enrollment
from ledger.models import LedgerEntry

from ..factories import PilotFactory
from ..roster.conftest import make_row, roster_file, roster_state

pytestmark = pytest.mark.django_db


def test_coordinator_cannot_change_their_own_employee_record(coordinator, client_for):
    own = coordinator.employee
    entries = LedgerEntry.objects.count()
    response = client_for(coordinator).patch(
        f"/api/v1/employees/{own.pk}/", {"appointment": "temporary"}
    )
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.appointment == "permanent"
    assert LedgerEntry.objects.count() == entries


def test_another_coordinator_of_the_agency_can_change_it(
    coordinator, second_coordinator, client_for
):
    own = coordinator.employee
    response = client_for(second_coordinator).patch(
        f"/api/v1/employees/{own.pk}/", {"last_name": "Okafor"}
    )
    assert response.status_code == 200
    own.user.refresh_from_db()
    assert own.user.last_name == "Okafor"


def test_coordinator_cannot_put_themselves_on_another_pilot(coordinator, dot, org, client_for):
    second = PilotFactory(agency=dot, name="DOT Second Pilot")
    response = client_for(coordinator).post(
        "/api/v1/enrollments/",
        {
            "employee": coordinator.employee.pk,
            "pilot": second.pk,
            "organization": org.pk,
            "commitment_starts_on": second.starts_on.isoformat(),
            "commitment_ends_on": second.ends_on.isoformat(),
        },
    )
    assert response.status_code == 403
    assert not Enrollment.objects.filter(pilot=second).exists()


def test_only_an_administrator_changes_a_coordinators_email(
    coordinator, second_coordinator, admin_user, client_for
):
    own = coordinator.employee
    url = f"/api/v1/employees/{own.pk}/"
    refused = client_for(second_coordinator).patch(url, {"email": "attacker@example.com"})
    assert refused.status_code == 403
    own.user.refresh_from_db()
    assert own.user.email == "dot.coordinator@example.ca.gov"

    allowed = client_for(admin_user).patch(url, {"email": "new.address@example.ca.gov"})
    assert allowed.status_code == 200
    own.user.refresh_from_db()
    assert own.user.email == "new.address@example.ca.gov"


def test_a_coordinator_still_changes_an_ordinary_employees_email(coordinator, employee, client_for):
    # An account never used to sign in: no password set yet (accounts/test_email_change.py
    # has the refusal for one that has been used).
    employee.user.set_unusable_password()
    employee.user.save()
    response = client_for(coordinator).patch(
        f"/api/v1/employees/{employee.pk}/", {"email": "moved@example.ca.gov"}
    )
    assert response.status_code == 200
    employee.user.refresh_from_db()
    assert employee.user.email == "moved@example.ca.gov"
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.EMPLOYEE_UPDATED, employee=employee)
    assert entry.actor == coordinator
    assert entry.data == {"email": ["dot.employee@example.ca.gov", "moved@example.ca.gov"]}


def _own_row(coordinator, **overrides):
    own = coordinator.employee
    line = own.enrollments.get()
    values = {
        "employee_number": own.employee_number,
        "first_name": coordinator.first_name,
        "last_name": coordinator.last_name,
        "email": coordinator.email,
        "bargaining_unit": own.bargaining_unit,
        "appointment": own.appointment,
        "pilot": line.pilot.name,
        "organization": line.organization.name,
        "commitment_starts_on": line.commitment_starts_on,
        "commitment_ends_on": line.commitment_ends_on,
    }
    return make_row(0, **(values | overrides))


@pytest.fixture
def post_file(client_for):
    def post(user, file, agency=None):
        url = "/api/v1/enrollments/import/" + (f"?agency={agency}" if agency else "")
        return client_for(user).post(url, {"file": file}, format="multipart")

    return post


def test_a_roster_file_cannot_change_the_importers_own_line(coordinator, org, post_file):
    before = roster_state()
    response = post_file(coordinator, roster_file([_own_row(coordinator, appointment="temporary")]))
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["code"] == "not_allowed"
    assert error["row"] == 2
    assert roster_state() == before
    assert Employee.objects.get(pk=coordinator.employee.pk).appointment == "permanent"


def test_the_importers_own_unchanged_line_passes_so_an_export_imports_back(
    coordinator, org, post_file
):
    response = post_file(coordinator, roster_file([_own_row(coordinator)]))
    assert response.status_code == 200, response.json()
    assert response.json()["rows_unchanged"] == 1


def test_a_roster_file_cannot_change_a_coordinators_email_unless_an_administrator_imports_it(
    coordinator, second_coordinator, admin_user, org, post_file
):
    moved = roster_file([_own_row(coordinator, email="elsewhere@example.com")])
    refused = post_file(second_coordinator, moved)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "not_allowed"
    coordinator.refresh_from_db()
    assert coordinator.email == "dot.coordinator@example.ca.gov"

    moved.seek(0)
    response = post_file(admin_user, moved, agency="DOT")
    assert response.status_code == 200, response.json()
    coordinator.refresh_from_db()
    assert coordinator.email == "elsewhere@example.com"
