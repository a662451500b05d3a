"""employees/: an employee sees only themselves; a coordinator manages their own agency's
employees; the workgroup reads everyone and changes nothing. Each employee shows whether they
are eligible and, when not, the rule code and why."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import Employee
from ledger.models import LedgerEntry
from tests.factories import EmployeeFactory

EMPLOYEES = "/api/v1/employees/"
User = get_user_model()


@pytest.fixture
def new_employee():
    return {
        "agency": "DOT",
        "employee_number": "700001",
        "first_name": "Rosa",
        "last_name": "Delgado",
        "email": "rosa.delgado@example.ca.gov",
        "bargaining_unit": "1",
        "appointment": "permanent",
    }


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["employee_number"] for row in response.json()["results"]]


def test_anonymous_visitors_cannot_read_employees(client_for, employee):
    assert client_for(None).get(EMPLOYEES).status_code == 401
    assert client_for(None).get(f"{EMPLOYEES}{employee.pk}/").status_code == 401


def test_employee_sees_only_themselves(client_for, employee, coordinator, other_employee):
    client = client_for(employee.user)
    assert numbers(client.get(EMPLOYEES)) == [employee.employee_number]
    own = client.get(f"{EMPLOYEES}{employee.pk}/")
    assert own.status_code == 200
    assert own.json()["username"] == "dot.employee"
    # Another employee of the same agency and one of another agency are both out of reach.
    colleague = coordinator.employee
    assert client.get(f"{EMPLOYEES}{colleague.pk}/").status_code == 404
    assert client.get(f"{EMPLOYEES}{other_employee.pk}/").status_code == 404


def test_employee_cannot_create_or_change_employees(client_for, employee, new_employee):
    client = client_for(employee.user)
    assert client.post(EMPLOYEES, new_employee).status_code == 403
    response = client.patch(f"{EMPLOYEES}{employee.pk}/", {"bargaining_unit": "2"})
    assert response.status_code == 403
    employee.refresh_from_db()
    assert employee.bargaining_unit == "1"


def test_coordinator_lists_and_reads_their_own_agencys_employees(
    client_for, coordinator, employee, other_employee
):
    client = client_for(coordinator)
    assert sorted(numbers(client.get(EMPLOYEES))) == sorted(
        [employee.employee_number, coordinator.employee.employee_number]
    )
    assert client.get(f"{EMPLOYEES}{employee.pk}/").status_code == 200
    assert client.get(f"{EMPLOYEES}{other_employee.pk}/").status_code == 404


def test_coordinator_creates_an_employee_without_a_usable_password(
    client_for, coordinator, new_employee
):
    response = client_for(coordinator).post(EMPLOYEES, new_employee)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["agency"] == "DOT"
    assert body["username"] == "700001"  # defaults to the employee number
    assert body["eligibility"] == {"eligible": True, "code": None, "reason": None}
    employee = Employee.objects.select_related("user").get(employee_number="700001")
    assert employee.user.get_full_name() == "Rosa Delgado"
    assert employee.user.email == "rosa.delgado@example.ca.gov"
    assert not employee.user.has_usable_password()
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.EMPLOYEE_CREATED, employee=employee)
    assert entry.actor == coordinator
    assert entry.data["employee_number"] == "700001"


def test_coordinator_may_choose_the_username(client_for, coordinator, new_employee):
    response = client_for(coordinator).post(EMPLOYEES, new_employee | {"username": "rdelgado"})
    assert response.status_code == 201, response.json()
    assert Employee.objects.get(employee_number="700001").user.username == "rdelgado"


def test_coordinator_updates_their_own_agencys_employee(client_for, coordinator, employee):
    response = client_for(coordinator).patch(
        f"{EMPLOYEES}{employee.pk}/", {"appointment": "limited_term", "last_name": "Okafor"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["eligibility"]["code"] == "not_eligible"
    employee.refresh_from_db()
    employee.user.refresh_from_db()
    assert employee.appointment == "limited_term"
    assert employee.user.last_name == "Okafor"
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.EMPLOYEE_UPDATED, employee=employee)
    assert entry.data["appointment"] == ["permanent", "limited_term"]
    assert entry.data["last_name"][1] == "Okafor"
    assert entry.actor == coordinator


def test_another_agencys_coordinator_gets_404_on_an_employee(
    client_for, other_coordinator, employee
):
    client = client_for(other_coordinator)
    assert client.get(f"{EMPLOYEES}{employee.pk}/").status_code == 404
    assert client.patch(f"{EMPLOYEES}{employee.pk}/", {"bargaining_unit": "2"}).status_code == 404
    employee.refresh_from_db()
    assert employee.bargaining_unit == "1"


def test_coordinator_cannot_create_an_employee_in_another_agency(
    client_for, other_coordinator, new_employee, row_counts
):
    before = row_counts()
    response = client_for(other_coordinator).post(EMPLOYEES, new_employee)
    assert response.status_code == 400
    assert "agency" in response.json()
    assert row_counts() == before


def test_an_employee_cannot_be_moved_to_another_agency(client_for, admin_user, employee, dph):
    response = client_for(admin_user).patch(f"{EMPLOYEES}{employee.pk}/", {"agency": "DPH"})
    assert response.status_code == 400
    assert "agency" in response.json()
    employee.refresh_from_db()
    assert employee.agency.code == "DOT"


def test_workgroup_reads_every_employee_and_changes_none(
    client_for, workgroup, employee, other_employee, new_employee, row_counts
):
    client = client_for(workgroup)
    assert sorted(numbers(client.get(EMPLOYEES))) == sorted(
        [employee.employee_number, other_employee.employee_number]
    )
    assert client.get(f"{EMPLOYEES}{other_employee.pk}/").status_code == 200
    before = row_counts()
    assert client.post(EMPLOYEES, new_employee).status_code == 403
    assert client.patch(f"{EMPLOYEES}{employee.pk}/", {"bargaining_unit": "2"}).status_code == 403
    assert row_counts() == before


def test_employees_filter_by_agency_and_search(client_for, workgroup, employee, other_employee):
    client = client_for(workgroup)
    assert numbers(client.get(EMPLOYEES, {"agency": "DPH"})) == [other_employee.employee_number]
    last_name = employee.user.last_name
    assert employee.employee_number in numbers(client.get(EMPLOYEES, {"search": last_name}))


@pytest.mark.parametrize(
    ("unit", "appointment", "words"),
    [
        ("6", "permanent", "unit 6"),
        ("8", "permanent", "unit 8"),
        ("18", "permanent", "unit 18"),
        ("1", "retired_annuitant", "Retired annuitant"),
        ("1", "temporary", "Temporary"),
        ("1", "limited_term", "Limited-term"),
    ],
)
def test_an_ineligible_employee_shows_the_rule_code_and_why(
    client_for, coordinator, dot, unit, appointment, words
):
    person = EmployeeFactory(agency=dot, bargaining_unit=unit, appointment=appointment)
    response = client_for(coordinator).get(f"{EMPLOYEES}{person.pk}/")
    assert response.status_code == 200
    eligibility = response.json()["eligibility"]
    assert eligibility["eligible"] is False
    assert eligibility["code"] == "not_eligible"
    assert words in eligibility["reason"]


def test_excluded_and_probationary_after_permanent_employees_are_eligible(
    client_for, coordinator, dot
):
    person = EmployeeFactory(
        agency=dot, bargaining_unit="excluded", appointment="probationary_after_permanent"
    )
    response = client_for(coordinator).get(f"{EMPLOYEES}{person.pk}/")
    assert response.json()["eligibility"] == {"eligible": True, "code": None, "reason": None}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"agency": "XYZ"}, "agency"),
        ({"bargaining_unit": "22"}, "bargaining_unit"),
        ({"appointment": "seasonal"}, "appointment"),
        ({"email": "not an address"}, "email"),
        ({"employee_number": ""}, "employee_number"),
        ({"username": "has spaces!"}, "username"),
    ],
)
def test_bad_employee_input_names_the_field_and_writes_nothing(
    client_for, admin_user, dot, new_employee, row_counts, change, field
):
    before = row_counts()
    response = client_for(admin_user).post(EMPLOYEES, new_employee | change)
    assert response.status_code == 400
    assert field in response.json()
    assert row_counts() == before


def test_a_duplicate_employee_number_is_refused(
    client_for, coordinator, employee, new_employee, row_counts
):
    before = row_counts()
    response = client_for(coordinator).post(
        EMPLOYEES, new_employee | {"employee_number": employee.employee_number}
    )
    assert response.status_code == 400
    assert "employee_number" in response.json()
    assert row_counts() == before


def test_changing_to_a_duplicate_employee_number_is_refused(client_for, coordinator, employee):
    taken = coordinator.employee.employee_number
    response = client_for(coordinator).patch(
        f"{EMPLOYEES}{employee.pk}/", {"employee_number": taken}
    )
    assert response.status_code == 400
    assert "employee_number" in response.json()
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.EMPLOYEE_UPDATED).exists()


def test_a_duplicate_username_is_refused(
    client_for, coordinator, employee, new_employee, row_counts
):
    before = row_counts()
    response = client_for(coordinator).post(EMPLOYEES, new_employee | {"username": "dot.employee"})
    assert response.status_code == 400
    assert "username" in response.json()
    assert row_counts() == before


def test_an_employee_number_already_used_as_a_username_is_refused(
    client_for, coordinator, new_employee, row_counts
):
    User.objects.create_user(username="700001")
    before = row_counts()
    response = client_for(coordinator).post(EMPLOYEES, new_employee)
    assert response.status_code == 400
    assert "username" in response.json()
    assert row_counts() == before


def test_employees_are_never_deleted(client_for, coordinator, workgroup, employee):
    assert client_for(coordinator).delete(f"{EMPLOYEES}{employee.pk}/").status_code == 405
    assert client_for(workgroup).delete(f"{EMPLOYEES}{employee.pk}/").status_code == 403
    assert Employee.objects.filter(pk=employee.pk).exists()


def test_the_employee_list_runs_the_same_queries_for_1_row_and_30(
    fresh_client, coordinator, dot, django_assert_num_queries
):
    # The coordinator is the one DOT employee so far.
    client = fresh_client(coordinator)
    with CaptureQueriesContext(connection) as one_row:
        assert len(numbers(client.get(EMPLOYEES))) == 1
    EmployeeFactory.create_batch(29, agency=dot)
    client = fresh_client(coordinator)
    with django_assert_num_queries(len(one_row.captured_queries)):
        assert len(numbers(client.get(EMPLOYEES))) == 30


def test_coordinator_changes_an_employees_username_to_a_free_one_only(
    client_for, coordinator, employee
):
    client = client_for(coordinator)
    taken = client.patch(f"{EMPLOYEES}{employee.pk}/", {"username": "dot.coordinator"})
    assert taken.status_code == 400
    assert "username" in taken.json()
    renamed = client.patch(f"{EMPLOYEES}{employee.pk}/", {"username": "dot.mentor"})
    assert renamed.status_code == 200, renamed.json()
    employee.user.refresh_from_db()
    assert employee.user.username == "dot.mentor"
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.EMPLOYEE_UPDATED, employee=employee)
    assert entry.data == {"username": ["dot.employee", "dot.mentor"]}


def test_a_username_taken_by_a_concurrent_request_still_answers_400(
    client_for, coordinator, employee, new_employee, row_counts, monkeypatch
):
    # As if another request took the username between the check and the insert.
    monkeypatch.setattr("agencies.services.check_username_free", lambda *a, **k: None)
    before = row_counts()
    response = client_for(coordinator).post(EMPLOYEES, new_employee | {"username": "dot.employee"})
    assert response.status_code == 400
    assert "employee_number" in response.json()
    assert row_counts() == before
