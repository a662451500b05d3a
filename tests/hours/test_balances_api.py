"""balances/me/ and balances/: each employee's year as SPEC.md section 4 describes it."""

from __future__ import annotations

import pytest

from .conftest import API

ME = f"{API}/balances/me/"
LIST = f"{API}/balances/"


@pytest.fixture
def busy_year(employee, verified, log_hours, approved_leave, request_leave):
    """10 verified, 3 awaiting verification, 4 approved and 2 pending paid hours."""
    verified(employee, 8, 1)
    verified(employee, 2, 2)
    log_hours(employee, 3, 3)
    approved_leave(employee, 4, 1)
    request_leave(employee, 2, 2)
    return employee


def test_employee_reads_their_year(client_for, busy_year, today):
    response = client_for(busy_year.user).get(ME, {"year": today.year})

    assert response.status_code == 200
    data = response.json()
    assert data == {
        "employee": busy_year.pk,
        "employee_number": busy_year.employee_number,
        "name": busy_year.user.get_full_name(),
        "agency": "DOT",
        "year": today.year,
        "cap": "40.00",
        "paid_approved": "4.00",
        "paid_pending": "2.00",
        "paid_awaiting_supervisor": "0.00",
        "personal_verified": "10.00",
        "personal_awaiting_verification": "3.00",
        # Under the cap 34 remain, under the match only 10 - 6 = 4.
        "paid_available": "4.00",
        "in_match": True,
    }


def test_the_year_defaults_to_this_year(client_for, busy_year, today):
    assert client_for(busy_year.user).get(ME).json()["year"] == today.year


def test_paid_available_is_limited_by_the_cap(
    client_for, employee, verified, approved_leave, today
):
    for n in range(1, 7):
        verified(employee, 8, n)  # 48 verified
    for n in range(1, 5):
        approved_leave(employee, 8, n)  # 32 approved
    data = client_for(employee.user).get(ME).json()
    assert data["paid_available"] == "8.00"
    approved_leave(employee, 8, 5)
    data = client_for(employee.user).get(ME).json()
    assert (data["paid_approved"], data["paid_available"], data["in_match"]) == (
        "40.00",
        "0.00",
        True,
    )


def test_a_year_without_hours_reads_as_zeros(client_for, busy_year, today):
    data = client_for(busy_year.user).get(ME, {"year": today.year - 1}).json()
    assert data["year"] == today.year - 1
    assert data["paid_approved"] == data["personal_verified"] == data["paid_available"] == "0.00"
    assert data["in_match"] is True


@pytest.mark.parametrize("year", ["abc", "1800", "20261", "2026.5", "-2026", "9" * 40])
@pytest.mark.parametrize("url", [ME, LIST])
def test_a_bad_year_answers_400_naming_year(client_for, busy_year, coordinator, url, year):
    user = busy_year.user if url == ME else coordinator
    response = client_for(user).get(url, {"year": year})
    assert response.status_code == 400
    assert "year" in response.json()


def test_users_without_an_employee_profile_have_no_own_balance(client_for, workgroup):
    assert client_for(workgroup).get(ME).status_code == 403
    anonymous = client_for(None).get(ME)
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Token"


def rows(response) -> dict[int, dict]:
    assert response.status_code == 200, response.json()
    return {row["employee"]: row for row in response.json()["results"]}


def test_coordinator_lists_their_own_agency_only(
    client_for, coordinator, busy_year, other_employee, today
):
    client = client_for(coordinator)
    listed = rows(client.get(LIST, {"year": today.year}))
    assert set(listed) == {busy_year.pk, coordinator.employee.pk}
    assert listed[busy_year.pk]["paid_available"] == "4.00"
    assert listed[coordinator.employee.pk]["paid_approved"] == "0.00"
    assert rows(client.get(LIST, {"agency": "DOT", "year": today.year})).keys() == listed.keys()
    # Another agency's figures are out of reach, even when asked for by name.
    assert rows(client.get(LIST, {"agency": "DPH"})) == {}


def test_workgroup_lists_every_agency_and_filters_by_agency(
    client_for, workgroup, coordinator, busy_year, other_employee, today
):
    client = client_for(workgroup)
    everything = rows(client.get(LIST, {"year": today.year}))
    assert set(everything) == {busy_year.pk, coordinator.employee.pk, other_employee.pk}
    assert set(rows(client.get(LIST, {"agency": "DPH"}))) == {other_employee.pk}
    assert rows(client.get(LIST, {"agency": "NOPE"})) == {}


def test_an_employee_lists_only_their_own_balance(
    client_for, busy_year, other_employee, coordinator
):
    assert set(rows(client_for(busy_year.user).get(LIST))) == {busy_year.pk}


def test_balances_answer_the_previous_year_on_request(client_for, workgroup, busy_year, today):
    listed = rows(client_for(workgroup).get(LIST, {"year": today.year - 1}))
    assert listed[busy_year.pk]["paid_approved"] == "0.00"
    assert listed[busy_year.pk]["year"] == today.year - 1
