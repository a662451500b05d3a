"""personal-hours/: logging, verifying and rejecting personal mentoring hours through the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from agencies.models import Enrollment
from hours.models import PersonalHours
from ledger.models import LedgerEntry
from tests.factories import EmployeeFactory, EnrollmentFactory, UserFactory

from .conftest import API, balance_of

URL = f"{API}/personal-hours/"


def body(organization, date: dt.date, hours="2", **extra) -> dict:
    return {
        "date": date.isoformat(),
        "hours": hours,
        "source": "non_working_time",
        "organization": organization.pk,
        "activity": "mentoring",
        "notes": "Homework club",
        **extra,
    }


def names_field(response, field: str) -> bool:
    data = response.json()
    return field in data or data.get("field") == field


@pytest.fixture
def dot_colleague(dot, dot_pilot, org):
    colleague = EmployeeFactory(agency=dot, user=UserFactory(username="dot.colleague"))
    EnrollmentFactory(employee=colleague, pilot=dot_pilot, organization=org)
    return colleague


# --- Logging ------------------------------------------------------------------------------------


def test_employee_logs_personal_hours(client_for, employee, org, day, today):
    response = client_for(employee.user).post(URL, body(org, day(3), "2.5"), format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["employee"] == employee.pk
    assert data["status"] == "logged"
    assert Decimal(data["hours"]) == Decimal("2.5")
    entry = PersonalHours.objects.get(pk=data["id"])
    assert entry.employee == employee and entry.date == day(3)
    assert balance_of(employee, today.year).personal_logged == Decimal("2.5")
    ledger = LedgerEntry.objects.get(subject_type="personalhours", subject_id=entry.pk)
    assert ledger.kind == LedgerEntry.Kind.PERSONAL_LOGGED
    assert ledger.actor == employee.user
    assert ledger.d_personal_logged == Decimal("2.5")


def test_hours_may_be_logged_for_today(client_for, employee, org, today):
    response = client_for(employee.user).post(URL, body(org, today), format="json")
    assert response.status_code == 201


def test_another_employees_id_in_the_body_is_ignored(
    client_for, employee, other_employee, org, day
):
    response = client_for(employee.user).post(
        URL, body(org, day(1), employee=other_employee.pk), format="json"
    )
    assert response.status_code == 201
    assert PersonalHours.objects.get().employee == employee
    assert not PersonalHours.objects.filter(employee=other_employee).exists()


def test_a_status_in_the_body_is_ignored(client_for, employee, org, day):
    response = client_for(employee.user).post(
        URL,
        body(org, day(1), status="verified", verified_by_name="Myself", reason="x"),
        format="json",
    )
    assert response.status_code == 201
    entry = PersonalHours.objects.get()
    assert entry.status == PersonalHours.Status.LOGGED
    assert entry.verified_by_name == "" and entry.reason == ""


def test_a_user_without_an_employee_profile_cannot_log_hours(
    client_for, second_coordinator, org, day, snapshot
):
    before = snapshot()
    response = client_for(second_coordinator).post(URL, body(org, day(1)), format="json")
    assert response.status_code == 403
    assert snapshot() == before


def test_anonymous_cannot_log_or_read(client_for, employee, org, day, log_hours, snapshot):
    log_hours(employee, 2)
    before = snapshot()
    client = client_for(None)
    logged = client.post(URL, body(org, day(1)), format="json")
    assert logged.status_code == 401
    assert snapshot() == before
    listed = client.get(URL)
    assert listed.status_code == 401
    assert "results" not in listed.json()


# --- Every rule a personal entry can break ------------------------------------------------------


@pytest.fixture
def break_rule(dot, dot_pilot, org, unqualified_org, employee, log_hours, day, ahead, today):
    """break_rule(code): (user, body) that breaks the rule `code` when logging hours."""

    def make(code: str):
        if code == "not_eligible":
            unit_six = EmployeeFactory(agency=dot, bargaining_unit="6")
            EnrollmentFactory(employee=unit_six, pilot=dot_pilot, organization=org)
            return unit_six.user, body(org, day(1))
        if code == "not_eligible_temporary":
            temp = EmployeeFactory(agency=dot, appointment="temporary")
            EnrollmentFactory(employee=temp, pilot=dot_pilot, organization=org)
            return temp.user, body(org, day(1))
        if code == "not_enrolled":
            return EmployeeFactory(agency=dot).user, body(org, day(1))
        if code == "not_enrolled_withdrawn":
            Enrollment.objects.filter(employee=employee).update(status="withdrawn")
            return employee.user, body(org, day(1))
        if code == "organization_not_qualified":
            return employee.user, body(unqualified_org, day(1))
        if code == "personal_source_invalid":
            return employee.user, body(org, day(1), source="sick_leave")
        if code == "travel_not_allowed":
            return employee.user, body(org, day(1), activity="travel")
        if code == "wrong_year":
            return employee.user, body(org, dt.date(today.year - 1, 12, 31))
        if code == "future_date":
            return employee.user, body(org, ahead(1))
        if code == "future_date_next_year":
            return employee.user, body(org, dt.date(today.year + 1, 1, 2))
        if code == "invalid_increment":
            return employee.user, body(org, day(1), hours="0.3")
        if code == "daily_limit_exceeded":
            log_hours(employee, 8, 1)
            return employee.user, body(org, day(1), hours="4.25")
        raise AssertionError(code)

    return make


@pytest.mark.parametrize(
    ("case", "code", "field"),
    [
        ("not_eligible", "not_eligible", None),
        ("not_eligible_temporary", "not_eligible", None),
        ("not_enrolled", "not_enrolled", None),
        ("not_enrolled_withdrawn", "not_enrolled", None),
        ("organization_not_qualified", "organization_not_qualified", "organization"),
        ("personal_source_invalid", "personal_source_invalid", "source"),
        ("travel_not_allowed", "travel_not_allowed", "activity"),
        ("wrong_year", "wrong_year", "date"),
        ("future_date", "future_date", "date"),
        ("future_date_next_year", "future_date", "date"),
        ("invalid_increment", "invalid_increment", "hours"),
        ("daily_limit_exceeded", "daily_limit_exceeded", "hours"),
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
    assert data["code"] == code
    assert data["detail"]
    assert data.get("field") == field
    assert snapshot() == before


# --- Malformed input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hours": "0"}, "hours"),
        ({"hours": "-1"}, "hours"),
        ({"hours": "-0.25"}, "hours"),
        ({"hours": "0.3"}, "hours"),
        ({"hours": "0.001"}, "hours"),
        ({"hours": "10000"}, "hours"),
        ({"hours": "abc"}, "hours"),
        ({"hours": ""}, "hours"),
        ({"hours": None}, "hours"),
        ({"hours": "NaN"}, "hours"),
        ({"hours": "Infinity"}, "hours"),
        ({"hours": [1]}, "hours"),
        ({"hours": True}, "hours"),
        ({"date": "2026-02-30"}, "date"),
        ({"date": "yesterday"}, "date"),
        ({"date": 20260101}, "date"),
        ({"date": None}, "date"),
        ({"organization": 999999}, "organization"),
        ({"organization": "abc"}, "organization"),
        ({"organization": 10**20}, "organization"),
        ({"organization": None}, "organization"),
        ({"source": "overtime"}, "source"),
        ({"activity": "dancing"}, "activity"),
        ({"notes": "x" * 2001}, "notes"),
    ],
)
def test_malformed_input_answers_400_naming_the_field(
    client_for, employee, org, day, snapshot, changes, field
):
    before = snapshot()
    response = client_for(employee.user).post(URL, {**body(org, day(1)), **changes}, format="json")
    assert response.status_code == 400, response.content
    assert names_field(response, field), response.json()
    assert snapshot() == before


@pytest.mark.parametrize("missing", ["date", "hours", "source", "organization"])
def test_missing_fields_are_named(client_for, employee, org, day, missing):
    payload = body(org, day(1))
    del payload[missing]
    response = client_for(employee.user).post(URL, payload, format="json")
    assert response.status_code == 400
    assert missing in response.json()


def test_a_date_from_another_year_names_the_date(client_for, employee, org, today):
    response = client_for(employee.user).post(
        URL, body(org, dt.date(today.year - 1, 6, 1)), format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "date"


# --- Reading ------------------------------------------------------------------------------------


def test_employee_sees_only_their_own_hours(
    client_for, employee, dot_colleague, other_employee, log_hours
):
    own = log_hours(employee, 2)
    colleague = log_hours(dot_colleague, 2)
    outsider = log_hours(other_employee, 2)
    client = client_for(employee.user)

    listed = client.get(URL).json()
    assert [row["id"] for row in listed["results"]] == [own.pk]
    assert client.get(f"{URL}{own.pk}/").status_code == 200
    assert client.get(f"{URL}{colleague.pk}/").status_code == 404
    assert client.get(f"{URL}{outsider.pk}/").status_code == 404


def test_coordinator_sees_their_agency_and_workgroup_sees_all(
    client_for, employee, other_employee, coordinator, workgroup, log_hours
):
    dot_entry = log_hours(employee, 2)
    dph_entry = log_hours(other_employee, 2)

    coordinated = client_for(coordinator).get(URL).json()["results"]
    assert {row["id"] for row in coordinated} == {dot_entry.pk}
    assert client_for(coordinator).get(f"{URL}{dph_entry.pk}/").status_code == 404

    everything = client_for(workgroup).get(URL).json()["results"]
    assert {row["id"] for row in everything} == {dot_entry.pk, dph_entry.pk}


def test_list_filters_by_status_and_rejects_a_bad_filter(
    client_for, coordinator, employee, log_hours, verified
):
    log_hours(employee, 1, 1)
    verified(employee, 2, 2)
    client = client_for(coordinator)
    rows = client.get(URL, {"status": "logged"}).json()["results"]
    assert [row["status"] for row in rows] == ["logged"]
    assert client.get(URL, {"year": "abc"}).status_code == 400
    assert client.get(URL, {"status": "bogus"}).status_code == 400


# --- Verifying ----------------------------------------------------------------------------------


def verify_url(entry) -> str:
    return f"{URL}{entry.pk}/verify/"


def reject_url(entry) -> str:
    return f"{URL}{entry.pk}/reject/"


def test_coordinator_verifies_hours_with_who_and_when(
    client_for, coordinator, employee, log_hours, day, today
):
    entry = log_hours(employee, 3)
    response = client_for(coordinator).post(
        verify_url(entry),
        {
            "verified_by_name": "Ana Ruiz, Friends for Youth",
            "verified_on": day(5).isoformat(),
            "reason": "A signed paper form",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    entry.refresh_from_db()
    assert entry.status == PersonalHours.Status.VERIFIED
    assert entry.verified_by_name == "Ana Ruiz, Friends for Youth"
    assert entry.verified_on == day(5)
    assert entry.reviewed_by == coordinator
    balance = balance_of(employee, today.year)
    assert (balance.personal_logged, balance.personal_verified) == (0, 3)
    ledger = LedgerEntry.objects.get(kind=LedgerEntry.Kind.PERSONAL_VERIFIED)
    assert ledger.actor == coordinator
    assert (ledger.d_personal_logged, ledger.d_personal_verified) == (-3, 3)


def test_verified_on_defaults_to_today(client_for, coordinator, employee, log_hours, today):
    entry = log_hours(employee, 3)
    response = client_for(coordinator).post(
        verify_url(entry),
        {"verified_by_name": "Program Office", "reason": "A phone call"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["verified_on"] == today.isoformat()


def test_employee_cannot_verify_their_own_hours(client_for, employee, log_hours, snapshot):
    entry = log_hours(employee, 3)
    before = snapshot()
    response = client_for(employee.user).post(
        verify_url(entry), {"verified_by_name": "Me", "reason": "A phone call"}, format="json"
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_coordinator_of_another_agency_gets_404(
    client_for, other_coordinator, coordinator, employee, log_hours, snapshot
):
    entry = log_hours(employee, 3)
    before = snapshot()
    response = client_for(other_coordinator).post(
        verify_url(entry), {"verified_by_name": "X", "reason": "A phone call"}, format="json"
    )
    assert response.status_code == 404
    assert (
        client_for(other_coordinator)
        .post(reject_url(entry), {"reason": "No"}, format="json")
        .status_code
        == 404
    )
    assert snapshot() == before


def test_workgroup_reads_but_cannot_verify_or_reject(
    client_for, workgroup, employee, log_hours, snapshot
):
    entry = log_hours(employee, 3)
    before = snapshot()
    client = client_for(workgroup)
    assert client.get(f"{URL}{entry.pk}/").status_code == 200
    assert (
        client.post(
            verify_url(entry), {"verified_by_name": "X", "reason": "A phone call"}, format="json"
        ).status_code
        == 403
    )
    assert client.post(reject_url(entry), {"reason": "No"}, format="json").status_code == 403
    assert snapshot() == before


def test_coordinator_cannot_verify_their_own_hours(
    client_for, coordinator, second_coordinator, log_hours, snapshot
):
    own = log_hours(coordinator.employee, 3)
    before = snapshot()
    response = client_for(coordinator).post(
        verify_url(own),
        {"verified_by_name": "Program Office", "reason": "A phone call"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "self_approval"
    reject = client_for(coordinator).post(reject_url(own), {"reason": "Oops"}, format="json")
    assert reject.json()["code"] == "self_approval"
    assert snapshot() == before
    # Another coordinator of the agency may.
    allowed = client_for(second_coordinator).post(
        verify_url(own),
        {"verified_by_name": "Program Office", "reason": "A phone call"},
        format="json",
    )
    assert allowed.status_code == 200


def test_verifying_twice_answers_409(client_for, coordinator, employee, log_hours, snapshot):
    entry = log_hours(employee, 3)
    client = client_for(coordinator)
    assert (
        client.post(
            verify_url(entry), {"verified_by_name": "A", "reason": "A phone call"}, format="json"
        ).status_code
        == 200
    )
    before = snapshot()
    again = client.post(
        verify_url(entry), {"verified_by_name": "A", "reason": "A phone call"}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_status"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "verified_by_name"),
        ({"verified_by_name": "   ", "reason": "A phone call"}, "verified_by_name"),
        ({"verified_by_name": "x" * 201}, "verified_by_name"),
        ({"verified_by_name": "A", "verified_on": "soon"}, "verified_on"),
        ({"verified_by_name": "A", "verified_on": "FUTURE"}, "verified_on"),
        ({"verified_by_name": "A", "verified_on": "BEFORE"}, "verified_on"),
    ],
)
def test_bad_verification_names_the_field(
    client_for, coordinator, employee, log_hours, snapshot, ahead, day, payload, field
):
    entry = log_hours(employee, 3, 5)
    if payload.get("verified_on") == "FUTURE":
        payload = {**payload, "verified_on": ahead(1).isoformat()}
    if payload.get("verified_on") == "BEFORE":
        payload = {**payload, "verified_on": day(4).isoformat()}
    before = snapshot()
    response = client_for(coordinator).post(verify_url(entry), payload, format="json")
    assert response.status_code == 400
    assert names_field(response, field), response.json()
    assert snapshot() == before


# --- Rejecting ----------------------------------------------------------------------------------


def test_coordinator_rejects_logged_hours_with_a_reason(
    client_for, coordinator, employee, log_hours, today
):
    entry = log_hours(employee, 3)
    response = client_for(coordinator).post(
        reject_url(entry), {"reason": "The organization has no record of it."}, format="json"
    )
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.status == PersonalHours.Status.REJECTED
    assert entry.reason == "The organization has no record of it."
    assert balance_of(employee, today.year).personal_logged == 0
    ledger = LedgerEntry.objects.get(kind=LedgerEntry.Kind.PERSONAL_REJECTED)
    assert ledger.reason == entry.reason and ledger.d_personal_logged == -3


@pytest.mark.parametrize("payload", [{}, {"reason": ""}, {"reason": "  \n "}])
def test_rejecting_without_a_reason_answers_reason_required(
    client_for, coordinator, employee, log_hours, snapshot, payload
):
    entry = log_hours(employee, 3)
    before = snapshot()
    response = client_for(coordinator).post(reject_url(entry), payload, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "reason_required"
    assert response.json()["field"] == "reason"
    assert snapshot() == before


def test_rejecting_twice_answers_409(client_for, coordinator, employee, log_hours):
    entry = log_hours(employee, 3)
    client = client_for(coordinator)
    assert client.post(reject_url(entry), {"reason": "No"}, format="json").status_code == 200
    again = client.post(reject_url(entry), {"reason": "No"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_status"
    # Rejected hours cannot be verified afterwards either.
    assert (
        client.post(
            verify_url(entry), {"verified_by_name": "A", "reason": "A phone call"}, format="json"
        ).status_code
        == 409
    )


def test_unknown_or_huge_ids_answer_404(client_for, coordinator):
    client = client_for(coordinator)
    assert (
        client.post(
            f"{URL}999999/verify/", {"verified_by_name": "A", "reason": "A phone call"}
        ).status_code
        == 404
    )
    assert client.get(f"{URL}{10**20}/").status_code == 404


def test_submitted_hours_are_never_edited_or_deleted_through_the_api(
    client_for, employee, admin_user, log_hours, snapshot
):
    entry = log_hours(employee, 3)
    before = snapshot()
    for user in (employee.user, admin_user):
        client = client_for(user)
        assert client.patch(f"{URL}{entry.pk}/", {"hours": "8"}, format="json").status_code == 405
        assert client.put(f"{URL}{entry.pk}/", {"hours": "8"}, format="json").status_code == 405
        assert client.delete(f"{URL}{entry.pk}/").status_code == 405
    assert snapshot() == before
