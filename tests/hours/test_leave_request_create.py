"""leave-requests/ POST: an employee requests paid mentoring leave; every rule is checked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from agencies.models import Enrollment
from hours.models import LeaveRequest
from ledger.models import LedgerEntry
from tests.factories import EmployeeFactory, EnrollmentFactory

from .conftest import API, balance_of

URL = f"{API}/leave-requests/"


def body(organization, date: dt.date, hours="2", **extra) -> dict:
    return {
        "date": date.isoformat(),
        "hours": hours,
        "organization": organization.pk,
        "activity": "mentoring",
        "notes": "",
        **extra,
    }


def names_field(response, field: str) -> bool:
    data = response.json()
    return field in data or data.get("field") == field


def test_employee_requests_leave_ahead_within_the_year(client_for, employee, org, verified, today):
    verified(employee, 8, 1)
    response = client_for(employee.user).post(
        URL, body(org, dt.date(today.year, 12, 31), "4"), format="json"
    )

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "pending" and data["employee"] == employee.pk
    leave = LeaveRequest.objects.get(pk=data["id"])
    assert leave.hours == Decimal("4")
    balance = balance_of(employee, today.year)
    assert (balance.paid_pending, balance.paid_approved) == (4, 0)
    ledger = LedgerEntry.objects.get(kind=LedgerEntry.Kind.LEAVE_REQUESTED)
    assert ledger.subject_id == leave.pk and ledger.d_paid_pending == 4
    assert ledger.actor == employee.user


def test_leave_may_be_requested_for_a_past_date_of_this_year(
    client_for, employee, org, verified, day
):
    verified(employee, 4, 1)
    response = client_for(employee.user).post(URL, body(org, day(2), "2"), format="json")
    assert response.status_code == 201


def test_another_employees_id_in_the_body_is_ignored(
    client_for, employee, other_employee, org, verified, ahead
):
    verified(employee, 4, 1)
    response = client_for(employee.user).post(
        URL, body(org, ahead(3), employee=other_employee.pk), format="json"
    )
    assert response.status_code == 201
    assert LeaveRequest.objects.get().employee == employee


def test_a_status_or_approver_in_the_body_is_ignored(
    client_for, employee, coordinator, org, verified, ahead
):
    verified(employee, 4, 1)
    response = client_for(employee.user).post(
        URL,
        body(org, ahead(3), status="approved", approver=coordinator.pk, reason="Because"),
        format="json",
    )
    assert response.status_code == 201
    leave = LeaveRequest.objects.get()
    assert leave.status == LeaveRequest.Status.PENDING
    assert leave.approver is None and leave.reason == ""


def test_a_user_without_an_employee_profile_gets_403(client_for, workgroup, org, ahead, snapshot):
    before = snapshot()
    response = client_for(workgroup).post(URL, body(org, ahead(3)), format="json")
    assert response.status_code == 403
    assert snapshot() == before


# --- Every rule a request can break -------------------------------------------------------------


@pytest.fixture
def break_rule(
    dot,
    dot_pilot,
    org,
    unqualified_org,
    employee,
    verified,
    log_hours,
    request_leave,
    approved_leave,
    day,
    ahead,
    today,
):
    """break_rule(case): (user, body) for a request that breaks one rule."""

    def enrolled(**fields):
        person = EmployeeFactory(agency=dot, **fields)
        EnrollmentFactory(employee=person, pilot=dot_pilot, organization=org)
        return person

    def make(case: str):
        if case == "not_eligible":
            return enrolled(bargaining_unit="18").user, body(org, ahead(3))
        if case == "not_eligible_annuitant":
            return enrolled(appointment="retired_annuitant").user, body(org, ahead(3))
        if case == "not_enrolled":
            return EmployeeFactory(agency=dot).user, body(org, ahead(3))
        if case == "not_enrolled_closed_pilot":
            verified(employee, 4, 1)
            dot_pilot.status = "closed"
            dot_pilot.save()
            return employee.user, body(org, ahead(3))
        if case == "not_enrolled_after_commitment":
            verified(employee, 4, 1)
            Enrollment.objects.filter(employee=employee).update(
                commitment_starts_on=dt.date(today.year - 1, 1, 1),
                commitment_ends_on=ahead(2),
            )
            return employee.user, body(org, ahead(3))
        if case == "organization_not_qualified":
            verified(employee, 4, 1)
            return employee.user, body(unqualified_org, ahead(3))
        if case == "annual_cap_exceeded":
            for n in range(1, 7):
                verified(employee, 8, n)
            for n in range(1, 5):
                approved_leave(employee, 8, n)
            request_leave(employee, 8, 5)  # 40 approved or pending
            return employee.user, body(org, ahead(6), "0.25")
        if case == "match_required":
            verified(employee, 4, 1)
            return employee.user, body(org, ahead(3), "4.25")
        if case == "match_required_unverified":
            log_hours(employee, 8, 1)  # logged, not yet verified: does not count
            return employee.user, body(org, ahead(3), "1")
        if case == "match_required_pending_counts":
            verified(employee, 4, 1)
            request_leave(employee, 3, 2)
            return employee.user, body(org, ahead(3), "1.25")
        if case == "match_required_other_year":
            verified(employee, 8, 1)
            # Personal time in one year never matches leave in another.
            return employee.user, body(org, dt.date(today.year + 1, 1, 5), "1")
        if case == "travel_not_allowed":
            verified(employee, 4, 1)
            return employee.user, body(org, ahead(3), activity="travel")
        if case == "wrong_year_next":
            verified(employee, 4, 1)
            return employee.user, body(org, dt.date(today.year + 1, 1, 5))
        if case == "wrong_year_last":
            verified(employee, 4, 1)
            return employee.user, body(org, dt.date(today.year - 1, 12, 30))
        if case == "invalid_increment":
            verified(employee, 4, 1)
            return employee.user, body(org, ahead(3), "1.1")
        if case == "daily_paid_limit":
            verified(employee, 8, 1)
            verified(employee, 8, 2)
            request_leave(employee, 6, 3)
            return employee.user, body(org, ahead(3), "2.25")
        if case == "daily_paid_limit_single":
            verified(employee, 8, 1)
            verified(employee, 8, 2)
            return employee.user, body(org, ahead(3), "8.25")
        if case == "daily_total_limit":
            verified(employee, 8, 5)  # 8 personal hours on day(5)
            return employee.user, body(org, day(5), "4.25")
        raise AssertionError(case)

    return make


@pytest.mark.parametrize(
    ("case", "code", "field"),
    [
        ("not_eligible", "not_eligible", None),
        ("not_eligible_annuitant", "not_eligible", None),
        ("not_enrolled", "not_enrolled", None),
        ("not_enrolled_closed_pilot", "not_enrolled", None),
        ("not_enrolled_after_commitment", "not_enrolled", None),
        ("organization_not_qualified", "organization_not_qualified", "organization"),
        ("annual_cap_exceeded", "annual_cap_exceeded", "hours"),
        ("match_required", "match_required", "hours"),
        ("match_required_unverified", "match_required", "hours"),
        ("match_required_pending_counts", "match_required", "hours"),
        ("travel_not_allowed", "travel_not_allowed", "activity"),
        ("wrong_year_next", "wrong_year", "date"),
        ("wrong_year_last", "wrong_year", "date"),
        ("invalid_increment", "invalid_increment", "hours"),
        ("daily_paid_limit", "daily_limit_exceeded", "hours"),
        ("daily_paid_limit_single", "daily_limit_exceeded", "hours"),
        ("daily_total_limit", "daily_limit_exceeded", "hours"),
    ],
)
def test_each_broken_rule_answers_400_with_its_code_and_writes_nothing(
    client_for, break_rule, snapshot, case, code, field
):
    user, payload = break_rule(case)
    before = snapshot()

    response = client_for(user).post(URL, payload, format="json")

    assert response.status_code == 400, response.json()
    data = response.json()
    assert data["code"] == code, data
    assert data["detail"]
    assert data.get("field") == field
    assert snapshot() == before


def test_daily_limits_name_the_limit_in_the_sentence(client_for, break_rule):
    user, payload = break_rule("daily_paid_limit")
    assert "8 hours a day" in client_for(user).post(URL, payload, format="json").json()["detail"]
    user, payload = break_rule("daily_total_limit")
    assert "12 hours a day" in client_for(user).post(URL, payload, format="json").json()["detail"]


def test_the_cap_is_read_from_the_years_policy_record(
    client_for, employee, org, verified, ahead, today
):
    from policy.models import PolicyYear

    PolicyYear.objects.update_or_create(year=today.year, defaults={"cap_hours": Decimal("4")})
    verified(employee, 8, 1)
    response = client_for(employee.user).post(URL, body(org, ahead(3), "4.25"), format="json")
    assert response.json()["code"] == "annual_cap_exceeded"
    assert "4 hours" in response.json()["detail"]


def test_exactly_forty_hours_can_be_requested(client_for, employee, org, verified, ahead, today):
    for n in range(1, 6):
        verified(employee, 8, n)
    client = client_for(employee.user)
    for n in range(1, 6):
        assert client.post(URL, body(org, ahead(n), "8"), format="json").status_code == 201
    assert balance_of(employee, today.year).paid_pending == 40
    refused = client.post(URL, body(org, ahead(6), "0.25"), format="json")
    assert refused.json()["code"] == "annual_cap_exceeded"


# --- Malformed input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hours": "0"}, "hours"),
        ({"hours": "0.00"}, "hours"),
        ({"hours": "-2"}, "hours"),
        ({"hours": "0.3"}, "hours"),
        ({"hours": "10000"}, "hours"),
        ({"hours": "9999.75"}, "hours"),
        ({"hours": "abc"}, "hours"),
        ({"hours": "1e400"}, "hours"),
        ({"hours": None}, "hours"),
        ({"date": "31/12/2026"}, "date"),
        ({"date": ""}, "date"),
        ({"date": {"year": 2026}}, "date"),
        ({"organization": 999999}, "organization"),
        ({"organization": 10**20}, "organization"),
        ({"organization": "Friends for Youth"}, "organization"),
        ({"activity": "sleeping"}, "activity"),
        ({"notes": "x" * 2001}, "notes"),
    ],
)
def test_malformed_input_answers_400_naming_the_field(
    client_for, employee, org, verified, ahead, snapshot, changes, field
):
    verified(employee, 8, 1)
    before = snapshot()
    response = client_for(employee.user).post(
        URL, {**body(org, ahead(3)), **changes}, format="json"
    )
    assert response.status_code == 400, response.content
    assert names_field(response, field), response.json()
    assert snapshot() == before


def test_a_date_from_another_year_names_the_date(client_for, employee, org, verified, today):
    verified(employee, 8, 1)
    response = client_for(employee.user).post(
        URL, body(org, dt.date(today.year - 3, 3, 3)), format="json"
    )
    assert response.status_code == 400
    assert response.json() | {"detail": ""} == {
        "code": "wrong_year",
        "detail": "",
        "field": "date",
    }


def test_a_form_encoded_body_works_too(client_for, employee, org, verified, ahead):
    verified(employee, 8, 1)
    response = client_for(employee.user).post(URL, body(org, ahead(2)), format="multipart")
    assert response.status_code == 201


def test_an_unparseable_json_body_answers_400(client_for, employee):
    response = client_for(employee.user).post(
        URL, data="{not json", content_type="application/json"
    )
    assert response.status_code == 400


def test_requests_are_never_edited_or_deleted_through_the_api(
    client_for, employee, admin_user, verified, request_leave, snapshot
):
    verified(employee, 8, 1)
    leave = request_leave(employee, 2, 3)
    before = snapshot()
    for user in (employee.user, admin_user):
        client = client_for(user)
        url = f"{URL}{leave.pk}/"
        assert client.patch(url, {"status": "approved"}, format="json").status_code == 405
        assert client.put(url, {"hours": "8"}, format="json").status_code == 405
        assert client.delete(url).status_code == 405
    assert snapshot() == before
