"""enrollments/: the pilot rosters. A coordinator manages their own agency's roster, the
workgroup reads every roster, an employee sees their own lines. Every line follows the roster
rules: own agency's pilot, an eligible employee, a qualified organization, a school year."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import Enrollment
from ledger.models import LedgerEntry
from tests.factories import EmployeeFactory, EnrollmentFactory

ENROLLMENTS = "/api/v1/enrollments/"


@pytest.fixture
def newcomer(dot):
    """An eligible DOT employee not yet on any roster."""
    return EmployeeFactory(agency=dot, employee_number="700100")


@pytest.fixture
def line(newcomer, dot_pilot, org, today):
    return {
        "employee": newcomer.pk,
        "pilot": dot_pilot.pk,
        "organization": org.pk,
        "commitment_starts_on": f"{today.year}-01-01",
        "commitment_ends_on": f"{today.year}-12-31",
    }


def employee_ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return sorted(row["employee"] for row in response.json()["results"])


def test_anonymous_visitors_cannot_read_rosters(client_for, employee):
    line_id = employee.enrollments.get().pk
    assert client_for(None).get(ENROLLMENTS).status_code == 401
    assert client_for(None).get(f"{ENROLLMENTS}{line_id}/").status_code == 401


def test_coordinator_enrolls_an_employee_of_their_agency(client_for, coordinator, newcomer, line):
    response = client_for(coordinator).post(ENROLLMENTS, line)
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "active"
    enrollment = Enrollment.objects.get(employee=newcomer)
    entry = LedgerEntry.objects.get(
        kind=LedgerEntry.Kind.ENROLLMENT_CREATED, subject_id=enrollment.pk
    )
    assert entry.employee == newcomer
    assert entry.actor == coordinator
    assert entry.data["pilot"] == "DOT Pilot"


def test_coordinator_withdraws_a_roster_line(client_for, coordinator, employee):
    enrollment = employee.enrollments.get()
    response = client_for(coordinator).patch(
        f"{ENROLLMENTS}{enrollment.pk}/", {"status": "withdrawn"}
    )
    assert response.status_code == 200, response.json()
    enrollment.refresh_from_db()
    assert enrollment.status == "withdrawn"
    assert str(enrollment.withdrawn_on) == response.json()["withdrawn_on"] == "2026-07-01"
    entry = LedgerEntry.objects.get(
        kind=LedgerEntry.Kind.ENROLLMENT_UPDATED, subject_id=enrollment.pk
    )
    # Without a date, the withdrawal takes effect today.
    assert entry.data == {"status": ["active", "withdrawn"], "withdrawn_on": ["None", "2026-07-01"]}
    assert entry.actor == coordinator


def test_coordinator_sees_only_their_own_agencys_roster(
    client_for, coordinator, employee, other_employee
):
    client = client_for(coordinator)
    assert employee_ids(client.get(ENROLLMENTS)) == sorted([employee.pk, coordinator.employee.pk])
    other_line = other_employee.enrollments.get()
    assert client.get(f"{ENROLLMENTS}{other_line.pk}/").status_code == 404


def test_another_agencys_coordinator_gets_404_on_a_roster_line(
    client_for, other_coordinator, employee
):
    enrollment = employee.enrollments.get()
    client = client_for(other_coordinator)
    assert client.get(f"{ENROLLMENTS}{enrollment.pk}/").status_code == 404
    response = client.patch(f"{ENROLLMENTS}{enrollment.pk}/", {"status": "withdrawn"})
    assert response.status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.status == "active"


def test_workgroup_reads_every_roster_and_changes_none(
    client_for, workgroup, employee, other_employee, line, row_counts
):
    client = client_for(workgroup)
    assert employee_ids(client.get(ENROLLMENTS)) == sorted([employee.pk, other_employee.pk])
    enrollment = other_employee.enrollments.get()
    assert client.get(f"{ENROLLMENTS}{enrollment.pk}/").status_code == 200
    before = row_counts()
    assert client.post(ENROLLMENTS, line).status_code == 403
    response = client.patch(f"{ENROLLMENTS}{enrollment.pk}/", {"status": "withdrawn"})
    assert response.status_code == 403
    assert row_counts() == before


def test_employee_sees_only_their_own_roster_lines(
    client_for, employee, coordinator, other_employee
):
    client = client_for(employee.user)
    assert employee_ids(client.get(ENROLLMENTS)) == [employee.pk]
    colleague_line = coordinator.employee.enrollments.get()
    assert client.get(f"{ENROLLMENTS}{colleague_line.pk}/").status_code == 404
    other_line = other_employee.enrollments.get()
    assert client.get(f"{ENROLLMENTS}{other_line.pk}/").status_code == 404


def test_employee_cannot_enroll_or_withdraw(client_for, employee, line, row_counts):
    client = client_for(employee.user)
    before = row_counts()
    assert client.post(ENROLLMENTS, line).status_code == 403
    own_line = employee.enrollments.get()
    response = client.patch(f"{ENROLLMENTS}{own_line.pk}/", {"status": "withdrawn"})
    assert response.status_code == 403
    assert row_counts() == before


def test_rosters_filter_by_agency_and_status(client_for, workgroup, employee, other_employee):
    client = client_for(workgroup)
    assert employee_ids(client.get(ENROLLMENTS, {"agency": "DPH"})) == [other_employee.pk]
    assert employee_ids(client.get(ENROLLMENTS, {"status": "withdrawn"})) == []


def test_rosters_are_never_deleted(client_for, coordinator, workgroup, employee):
    enrollment = employee.enrollments.get()
    assert client_for(coordinator).delete(f"{ENROLLMENTS}{enrollment.pk}/").status_code == 405
    assert client_for(workgroup).delete(f"{ENROLLMENTS}{enrollment.pk}/").status_code == 403
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()


# --- bad input: 400 naming the field or the rule, and nothing written ----------------------------


def test_admin_cannot_enroll_an_employee_in_another_agencys_pilot(
    client_for, admin_user, line, dph_pilot, row_counts
):
    before = row_counts()
    response = client_for(admin_user).post(ENROLLMENTS, line | {"pilot": dph_pilot.pk})
    assert response.status_code == 400
    assert response.json()["code"] == "not_enrolled"
    assert response.json()["field"] == "pilot"
    assert row_counts() == before


def test_coordinator_cannot_name_another_agencys_pilot_or_employee(
    client_for, coordinator, line, dph_pilot, other_employee, row_counts
):
    client = client_for(coordinator)
    before = row_counts()
    pilot = client.post(ENROLLMENTS, line | {"pilot": dph_pilot.pk})
    assert pilot.status_code == 400
    assert "pilot" in pilot.json()
    person = client.post(ENROLLMENTS, line | {"employee": other_employee.pk})
    assert person.status_code == 400
    assert "employee" in person.json()
    assert row_counts() == before


def test_a_commitment_cannot_end_before_it_starts(client_for, coordinator, line, today, row_counts):
    before = row_counts()
    response = client_for(coordinator).post(
        ENROLLMENTS,
        line
        | {
            "commitment_starts_on": f"{today.year}-09-01",
            "commitment_ends_on": f"{today.year}-08-31",
        },
    )
    assert response.status_code == 400
    assert "commitment_ends_on" in response.json()
    assert row_counts() == before


def test_a_commitment_shorter_than_a_school_year_is_refused(
    client_for, coordinator, line, today, row_counts
):
    before = row_counts()
    response = client_for(coordinator).post(
        ENROLLMENTS,
        line
        | {
            "commitment_starts_on": f"{today.year}-01-01",
            "commitment_ends_on": f"{today.year}-09-30",
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "not_enrolled"
    assert response.json()["field"] == "commitment_ends_on"
    assert row_counts() == before


def test_a_commitment_of_exactly_nine_months_is_accepted(client_for, coordinator, line, today):
    response = client_for(coordinator).post(
        ENROLLMENTS,
        line
        | {
            "commitment_starts_on": f"{today.year}-01-01",
            "commitment_ends_on": f"{today.year}-10-01",
        },
    )
    assert response.status_code == 201, response.json()


def test_an_unqualified_organization_is_refused(
    client_for, coordinator, line, unqualified_org, row_counts
):
    before = row_counts()
    response = client_for(coordinator).post(
        ENROLLMENTS, line | {"organization": unqualified_org.pk}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "organization_not_qualified"
    assert response.json()["field"] == "organization"
    assert row_counts() == before


@pytest.mark.parametrize(("unit", "appointment"), [("6", "permanent"), ("1", "retired_annuitant")])
def test_an_ineligible_employee_cannot_be_enrolled(
    client_for, coordinator, line, newcomer, row_counts, unit, appointment
):
    newcomer.bargaining_unit = unit
    newcomer.appointment = appointment
    newcomer.save()
    before = row_counts()
    response = client_for(coordinator).post(ENROLLMENTS, line)
    assert response.status_code == 400
    assert response.json()["code"] == "not_eligible"
    assert row_counts() == before


def test_an_employee_is_on_a_pilots_roster_once(
    client_for, coordinator, employee, line, row_counts
):
    before = row_counts()
    response = client_for(coordinator).post(ENROLLMENTS, line | {"employee": employee.pk})
    assert response.status_code == 400
    assert "pilot" in response.json()
    assert row_counts() == before


def test_unknown_employee_pilot_or_organization_ids_name_the_field(
    client_for, admin_user, line, row_counts
):
    client = client_for(admin_user)
    before = row_counts()
    for field in ("employee", "pilot", "organization"):
        response = client.post(ENROLLMENTS, line | {field: 999999})
        assert response.status_code == 400
        assert field in response.json()
    assert row_counts() == before


def test_changing_a_line_to_a_short_commitment_is_refused(client_for, coordinator, employee, today):
    enrollment = employee.enrollments.get()
    short_end = dt.date(today.year, 3, 31).isoformat()
    response = client_for(coordinator).patch(
        f"{ENROLLMENTS}{enrollment.pk}/", {"commitment_ends_on": short_end}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "not_enrolled"
    enrollment.refresh_from_db()
    assert enrollment.commitment_ends_on == dt.date(today.year, 12, 31)
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.ENROLLMENT_UPDATED).exists()


def test_the_roster_list_runs_the_same_queries_for_1_row_and_30(
    fresh_client, workgroup, dot, dot_pilot, org, django_assert_num_queries
):
    EnrollmentFactory(employee=EmployeeFactory(agency=dot), pilot=dot_pilot, organization=org)
    client = fresh_client(workgroup)
    with CaptureQueriesContext(connection) as one_row:
        assert len(employee_ids(client.get(ENROLLMENTS))) == 1
    for person in EmployeeFactory.create_batch(29, agency=dot):
        EnrollmentFactory(employee=person, pilot=dot_pilot, organization=org)
    client = fresh_client(workgroup)
    with django_assert_num_queries(len(one_row.captured_queries)):
        assert len(employee_ids(client.get(ENROLLMENTS))) == 30


def test_the_coordinators_roster_list_runs_the_same_queries_for_1_row_and_30(
    fresh_client, second_coordinator, dot, dot_pilot, org, django_assert_max_num_queries
):
    EnrollmentFactory(employee=EmployeeFactory(agency=dot), pilot=dot_pilot, organization=org)
    client = fresh_client(second_coordinator)
    with CaptureQueriesContext(connection) as one_row:
        assert len(employee_ids(client.get(ENROLLMENTS))) == 1
    for person in EmployeeFactory.create_batch(29, agency=dot):
        EnrollmentFactory(employee=person, pilot=dot_pilot, organization=org)
    client = fresh_client(second_coordinator)
    with django_assert_max_num_queries(len(one_row.captured_queries)):
        assert len(employee_ids(client.get(ENROLLMENTS))) == 30
