"""leave-requests/bulk-approve/: each request checked on its own; the answer says which passed
and why the others did not."""

from __future__ import annotations

import pytest

from hours import services
from hours.models import LeaveRequest
from ledger.models import LedgerEntry

from .conftest import API, balance_of

URL = f"{API}/leave-requests/bulk-approve/"


@pytest.fixture
def mixed(
    coordinator, employee, other_employee, verified, request_leave, approved_leave, admin_user
):
    """Requests in every situation a bulk approval meets."""
    verified(employee, 2, 1)
    withdrawn = verified(employee, 2, 2)
    verified(employee, 2, 3)
    already = approved_leave(employee, 2, 5)
    passes = request_leave(employee, 2, 1)
    short = request_leave(employee, 2, 2)
    # The organization withdraws 2 verified hours: only one more pending request still matches.
    services.personal_hours_reject(entry=withdrawn, by=admin_user, reason="Cancelled session.")
    verified(coordinator.employee, 4, 4)
    own = request_leave(coordinator.employee, 2, 3)
    verified(other_employee, 4, 1, by=admin_user)
    outside = request_leave(other_employee, 2, 3)
    return {"passes": passes, "already": already, "short": short, "own": own, "outside": outside}


def test_each_request_is_decided_on_its_own(client_for, coordinator, employee, mixed, today):
    ids = [
        mixed["passes"].pk,
        mixed["already"].pk,
        mixed["short"].pk,
        mixed["own"].pk,
        mixed["outside"].pk,
        999999,
        mixed["passes"].pk,  # repeated: decided once
    ]
    ledger_before = LedgerEntry.objects.count()

    response = client_for(coordinator).post(URL, {"ids": ids}, format="json")

    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["approved"], data["refused"]) == (1, 5)
    assert [(row["id"], row["approved"], row["code"]) for row in data["results"]] == [
        (mixed["passes"].pk, True, None),
        (mixed["already"].pk, False, "invalid_status"),
        (mixed["short"].pk, False, "match_required"),
        (mixed["own"].pk, False, "self_approval"),
        (mixed["outside"].pk, False, "not_found"),
        (999999, False, "not_found"),
    ]
    assert all(row["detail"] for row in data["results"] if not row["approved"])
    statuses = dict(LeaveRequest.objects.values_list("pk", "status"))
    assert statuses[mixed["passes"].pk] == "approved"
    assert statuses[mixed["short"].pk] == "pending"
    assert statuses[mixed["own"].pk] == "pending"
    assert statuses[mixed["outside"].pk] == "pending"
    assert LedgerEntry.objects.count() == ledger_before + 1
    balance = balance_of(employee, today.year)
    assert (balance.paid_approved, balance.paid_pending) == (4, 2)


def test_a_coordinator_of_another_agency_finds_nothing(
    client_for, other_coordinator, mixed, snapshot
):
    before = snapshot()
    ids = [mixed["passes"].pk, mixed["short"].pk]
    response = client_for(other_coordinator).post(URL, {"ids": ids}, format="json")
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == ["not_found", "not_found"]
    assert snapshot() == before


def test_employees_and_the_workgroup_cannot_bulk_approve(
    client_for, employee, workgroup, mixed, snapshot
):
    before = snapshot()
    ids = {"ids": [mixed["passes"].pk]}
    assert client_for(employee.user).post(URL, ids, format="json").status_code == 403
    assert client_for(workgroup).post(URL, ids, format="json").status_code == 403
    assert snapshot() == before


def test_admin_may_bulk_approve(client_for, admin_user, mixed):
    ids = [mixed["passes"].pk, mixed["outside"].pk]
    data = client_for(admin_user).post(URL, {"ids": ids}, format="json").json()
    assert data["approved"] == 2


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"ids": []},
        {"ids": "1,2"},
        {"ids": ["x"]},
        {"ids": [0]},
        {"ids": [-3]},
        {"ids": [None]},
        {"ids": list(range(1, 202))},
    ],
)
def test_a_malformed_body_names_ids(client_for, coordinator, payload, snapshot):
    before = snapshot()
    response = client_for(coordinator).post(URL, payload, format="json")
    assert response.status_code == 400
    assert "ids" in response.json()
    assert snapshot() == before


def test_an_id_too_large_for_the_database_names_ids(client_for, coordinator):
    response = client_for(coordinator).post(URL, {"ids": [2**63]}, format="json")
    assert response.status_code == 400
    assert "ids" in response.json()
    largest = client_for(coordinator).post(URL, {"ids": [2**63 - 1]}, format="json")
    assert largest.json()["results"][0]["code"] == "not_found"
