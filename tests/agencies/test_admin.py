"""The Django admin: every model listed with search and filters; pilots, employees and roster
lines saved through the services (same rules, same ledger entries); nothing deleted."""

from __future__ import annotations

import pytest

from agencies.models import Enrollment, Pilot
from ledger.models import LedgerEntry
from tests.factories import EmployeeFactory

ADMIN = "/admin/agencies"


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def newcomer(dot):
    return EmployeeFactory(agency=dot, employee_number="700400")


def line(newcomer, pilot, org, today):
    return {
        "employee": newcomer.pk,
        "pilot": pilot.pk,
        "organization": org.pk,
        "commitment_starts_on": f"{today.year}-01-01",
        "commitment_ends_on": f"{today.year}-12-31",
        "status": "active",
        "_save": "Save",
    }


def errors_of(response) -> str:
    assert response.status_code == 200  # the form is shown again
    return str(response.context["adminform"].form.errors)


@pytest.mark.parametrize(
    ("model", "query", "found"),
    [
        ("agency", "Transportation", 1),
        ("mentoringorganization", "Friends", 1),
        ("pilot", "DOT", 1),
        ("employee", "dot.employee", 1),
        ("enrollment", "Friends", 2),  # the employee's line and the coordinator's
        ("role", "dot.coordinator", 1),
    ],
)
def test_every_model_is_listed_searchable_and_addable(
    admin_client, employee, coordinator, model, query, found
):
    listing = admin_client.get(f"{ADMIN}/{model}/", {"q": query})
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == found
    nothing = admin_client.get(f"{ADMIN}/{model}/", {"q": "no such thing"})
    assert nothing.context["cl"].result_count == 0
    assert admin_client.get(f"{ADMIN}/{model}/add/").status_code == 200


def test_staff_pages_are_closed_to_a_coordinator(client, coordinator):
    client.force_login(coordinator)
    response = client.get(f"{ADMIN}/pilot/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_change_pages_open_for_roster_objects(admin_client, employee, dot_pilot):
    enrollment = employee.enrollments.get()
    assert admin_client.get(f"{ADMIN}/pilot/{dot_pilot.pk}/change/").status_code == 200
    assert admin_client.get(f"{ADMIN}/employee/{employee.pk}/change/").status_code == 200
    assert admin_client.get(f"{ADMIN}/enrollment/{enrollment.pk}/change/").status_code == 200


def test_admin_adds_a_pilot_through_the_service(admin_client, admin_user, dot, today):
    response = admin_client.post(
        f"{ADMIN}/pilot/add/",
        {
            "agency": dot.pk,
            "name": "DOT District 7",
            "starts_on": f"{today.year}-01-01",
            "ends_on": f"{today.year}-12-31",
            "status": "active",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    pilot = Pilot.objects.get(name="DOT District 7")
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.PILOT_CREATED, subject_id=pilot.pk)
    assert entry.actor == admin_user


def test_admin_changes_a_pilot_through_the_service(admin_client, dot_pilot):
    response = admin_client.post(
        f"{ADMIN}/pilot/{dot_pilot.pk}/change/",
        {
            "name": dot_pilot.name,
            "starts_on": dot_pilot.starts_on.isoformat(),
            "ends_on": dot_pilot.ends_on.isoformat(),
            "status": "closed",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.PILOT_UPDATED, subject_id=dot_pilot.pk)
    assert entry.data == {"status": ["active", "closed"]}


def test_admin_cannot_rename_a_pilot_to_a_name_its_agency_uses(admin_client, dot, dot_pilot):
    other = Pilot.objects.create(
        agency=dot, name="Second", starts_on=dot_pilot.starts_on, ends_on=dot_pilot.ends_on
    )
    response = admin_client.post(
        f"{ADMIN}/pilot/{other.pk}/change/",
        {
            "name": "DOT Pilot",
            "starts_on": other.starts_on.isoformat(),
            "ends_on": other.ends_on.isoformat(),
            "status": "active",
            "_save": "Save",
        },
    )
    assert "already has a pilot named" in errors_of(response)
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PILOT_UPDATED).exists()


def test_admin_adds_an_employee_without_a_usable_password(admin_client, admin_user, dot):
    response = admin_client.post(
        f"{ADMIN}/employee/add/",
        {
            "agency": dot.pk,
            "employee_number": "700500",
            "first_name": "Mai",
            "last_name": "Tran",
            "email": "mai.tran@example.ca.gov",
            "bargaining_unit": "1",
            "appointment": "permanent",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.EMPLOYEE_CREATED)
    assert entry.actor == admin_user
    assert entry.employee.user.username == "700500"
    assert not entry.employee.user.has_usable_password()


def test_admin_cannot_add_an_employee_with_a_taken_username(
    admin_client, dot, employee, row_counts
):
    before = row_counts()
    response = admin_client.post(
        f"{ADMIN}/employee/add/",
        {
            "agency": dot.pk,
            "employee_number": "700500",
            "username": "dot.employee",
            "first_name": "Mai",
            "last_name": "Tran",
            "email": "mai.tran@example.ca.gov",
            "bargaining_unit": "1",
            "appointment": "permanent",
            "_save": "Save",
        },
    )
    assert "already taken" in errors_of(response)
    assert row_counts() == before


def test_admin_changes_an_employee_through_the_service(admin_client, employee):
    response = admin_client.post(
        f"{ADMIN}/employee/{employee.pk}/change/",
        {
            "employee_number": employee.employee_number,
            "bargaining_unit": "6",
            "appointment": "permanent",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.EMPLOYEE_UPDATED)
    assert entry.data == {"bargaining_unit": ["1", "6"]}


def test_admin_enrolls_an_eligible_employee_through_the_service(
    admin_client, newcomer, dot_pilot, org, today
):
    response = admin_client.post(f"{ADMIN}/enrollment/add/", line(newcomer, dot_pilot, org, today))
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(employee=newcomer)
    assert LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.ENROLLMENT_CREATED, subject_id=enrollment.pk
    ).exists()


@pytest.mark.parametrize(
    ("field", "code"),
    [
        ("commitment_ends_on", "not_enrolled"),
        ("organization", "organization_not_qualified"),
        ("pilot", "not_enrolled"),
    ],
)
def test_the_admin_applies_the_roster_rules(
    admin_client,
    newcomer,
    dot_pilot,
    dph_pilot,
    org,
    unqualified_org,
    today,
    row_counts,
    field,
    code,
):
    broken = {
        "commitment_ends_on": f"{today.year}-06-30",  # shorter than a school year
        "organization": unqualified_org.pk,
        "pilot": dph_pilot.pk,  # another agency's pilot
    }
    before = row_counts()
    response = admin_client.post(
        f"{ADMIN}/enrollment/add/", line(newcomer, dot_pilot, org, today) | {field: broken[field]}
    )
    assert code in errors_of(response)
    assert row_counts() == before


def test_the_admin_refuses_to_enroll_an_ineligible_employee(
    admin_client, newcomer, dot_pilot, org, today, row_counts
):
    newcomer.appointment = "retired_annuitant"
    newcomer.save()
    before = row_counts()
    response = admin_client.post(f"{ADMIN}/enrollment/add/", line(newcomer, dot_pilot, org, today))
    assert "not_eligible" in errors_of(response)
    assert row_counts() == before


def test_admin_withdraws_roster_lines_with_an_action(admin_client, employee, admin_user):
    enrollment = employee.enrollments.get()
    chosen = {"action": "withdraw", "_selected_action": [enrollment.pk]}
    asked = admin_client.post(f"{ADMIN}/enrollment/", chosen)
    assert asked.status_code == 200  # first the day it takes effect is asked
    assert "Takes effect on" in asked.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status == "active"

    response = admin_client.post(f"{ADMIN}/enrollment/", {**chosen, "apply": "Withdraw"})
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == "withdrawn"
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.ENROLLMENT_UPDATED)
    assert entry.actor == admin_user


def test_roster_objects_cannot_be_deleted_in_the_admin(admin_client, employee, dot_pilot):
    enrollment = employee.enrollments.get()
    assert admin_client.get(f"{ADMIN}/pilot/{dot_pilot.pk}/delete/").status_code == 403
    assert admin_client.get(f"{ADMIN}/employee/{employee.pk}/delete/").status_code == 403
    assert admin_client.get(f"{ADMIN}/enrollment/{enrollment.pk}/delete/").status_code == 403
