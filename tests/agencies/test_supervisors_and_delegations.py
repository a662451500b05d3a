"""Setting a supervisor, choosing an agency's approval chain, and naming delegates: what is
accepted, and every refusal a 400 (or 403/404/409) with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest

from agencies.models import Agency, Delegation, Employee
from ledger.models import LedgerEntry
from policy import dates
from tests.factories import EmployeeFactory, UserFactory

API = "/api/v1"
EMPLOYEES = f"{API}/employees/"
DELEGATIONS = f"{API}/delegations/"


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    day = dt.date(dt.date.today().year, 7, 1)
    monkeypatch.setattr(dates, "today", lambda: day)
    return day


@pytest.fixture
def boss(dot):
    return EmployeeFactory(agency=dot, user=UserFactory(username="dot.boss"))


@pytest.fixture
def colleague(dot):
    return EmployeeFactory(agency=dot, user=UserFactory(username="dot.colleague"))


def written():
    return (
        LedgerEntry.objects.count(),
        list(Employee.objects.values_list("pk", "supervisor_id").order_by("pk")),
        Delegation.objects.count(),
    )


def patch(client, employee, supervisor_id):
    return client.patch(f"{EMPLOYEES}{employee.pk}/", {"supervisor": supervisor_id}, format="json")


def test_coordinator_sets_and_clears_a_supervisor(client_for, coordinator, employee, boss):
    response = patch(client_for(coordinator), employee, boss.user_id)
    assert response.status_code == 200
    assert response.json()["supervisor"] == boss.user_id
    employee.refresh_from_db()
    assert employee.supervisor_id == boss.user_id
    entry = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.EMPLOYEE_UPDATED).latest("id")
    assert entry.data == {"supervisor": ["None", str(boss.user_id)]}
    assert patch(client_for(coordinator), employee, None).json()["supervisor"] is None


def test_an_outsider_cannot_set_a_supervisor(client_for, other_coordinator, employee, boss):
    before = written()
    assert patch(client_for(other_coordinator), employee, boss.user_id).status_code == 404
    assert patch(client_for(employee.user), employee, boss.user_id).status_code == 403
    assert written() == before


@pytest.mark.parametrize("case", ["other_agency", "self", "cycle"])
def test_bad_supervisors_are_refused(client_for, coordinator, employee, boss, other_employee, case):
    if case == "cycle":
        boss.supervisor = employee.user
        boss.save()
    target = {"other_agency": other_employee.user_id, "self": employee.user_id}.get(
        case, boss.user_id
    )
    before = written()
    response = patch(client_for(coordinator), employee, target)
    assert response.status_code == 400
    assert "supervisor" in response.json()
    assert written() == before


def test_a_coordinator_of_the_agency_chooses_its_chain(
    client_for, coordinator, other_coordinator, employee, dot, admin_user
):
    url = f"{API}/agencies/DOT/approval-chain/"
    body = {"approval_chain": "supervisor_then_coordinator"}
    assert client_for(other_coordinator).post(url, body, format="json").status_code == 403
    assert client_for(employee.user).post(url, body, format="json").status_code == 403
    bad = client_for(coordinator).post(url, {"approval_chain": "anyone"}, format="json")
    assert bad.status_code == 400 and "approval_chain" in bad.json()
    assert Agency.objects.get(pk=dot.pk).approval_chain == "coordinator"
    response = client_for(coordinator).post(url, body, format="json")
    assert response.status_code == 200
    assert response.json()["approval_chain"] == "supervisor_then_coordinator"
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.AGENCY_UPDATED)
    assert entry.data == {"approval_chain": ["coordinator", "supervisor_then_coordinator"]}
    back = {"approval_chain": "coordinator"}
    assert client_for(admin_user).post(url, back, format="json").status_code == 200


def delegation(client, pinned, **overrides):
    body = {
        "agency": "DOT",
        "delegate": overrides.pop("delegate"),
        "starts_on": str(overrides.pop("starts_on", pinned)),
        "ends_on": str(overrides.pop("ends_on", pinned + dt.timedelta(days=5))),
    }
    return client.post(DELEGATIONS, body, format="json")


def test_a_supervisor_names_a_delegate_and_ends_it_early(
    client_for, employee, boss, colleague, pinned, other_coordinator
):
    employee.supervisor = boss.user
    employee.save()
    response = delegation(client_for(boss.user), pinned, delegate=colleague.user_id)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["delegator"], body["delegate"], body["running"]) == (
        boss.user_id,
        colleague.user_id,
        True,
    )
    assert [row["id"] for row in client_for(colleague.user).get(DELEGATIONS).json()["results"]] == [
        body["id"]
    ]
    assert client_for(other_coordinator).get(f"{DELEGATIONS}{body['id']}/").status_code == 404
    assert client_for(colleague.user).post(f"{DELEGATIONS}{body['id']}/end/").status_code == 403
    ended = client_for(boss.user).post(f"{DELEGATIONS}{body['id']}/end/")
    assert ended.status_code == 200 and ended.json()["running"] is False
    assert client_for(boss.user).post(f"{DELEGATIONS}{body['id']}/end/").status_code == 409
    kinds = list(LedgerEntry.objects.values_list("kind", flat=True).order_by("id"))
    assert kinds[-2:] == ["delegation.created", "delegation.ended"]


@pytest.mark.parametrize(
    "case, field",
    [
        ("oneself", "delegate"),
        ("outside", "delegate"),
        ("end_before_start", "ends_on"),
        ("backdated", "starts_on"),
        ("overlapping", "starts_on"),
        ("chained", "delegate"),
    ],
)
def test_bad_delegations_are_refused(
    client_for, employee, boss, colleague, other_employee, pinned, case, field
):
    employee.supervisor = boss.user
    employee.save()
    other = EmployeeFactory(agency=boss.agency, user=UserFactory(username="dot.third"))
    if case == "overlapping":
        assert delegation(client_for(boss.user), pinned, delegate=other.user_id).status_code == 201
    if case == "chained":
        employee_two = EmployeeFactory(agency=boss.agency, supervisor=colleague.user)
        assert employee_two.supervisor_id == colleague.user_id
        assert (
            delegation(client_for(colleague.user), pinned, delegate=other.user_id).status_code
            == 201
        )
    before = written()
    delegate = {
        "oneself": boss.user_id,
        "outside": other_employee.user_id,
    }.get(case, colleague.user_id)
    dates_for = {
        "end_before_start": {"ends_on": pinned - dt.timedelta(days=1)},
        "backdated": {"starts_on": pinned - dt.timedelta(days=1)},
    }.get(case, {})
    response = delegation(client_for(boss.user), pinned, delegate=delegate, **dates_for)
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert written() == before


def test_an_employee_supervising_nobody_names_no_delegate(client_for, employee, colleague, pinned):
    response = delegation(client_for(employee.user), pinned, delegate=colleague.user_id)
    assert response.status_code == 403
    assert Delegation.objects.count() == 0


def test_the_new_paths_are_in_the_schema(client_for, coordinator):
    schema = client_for(coordinator).get(f"{API}/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/delegations/",
        "/api/v1/delegations/{id}/",
        "/api/v1/delegations/{id}/end/",
        "/api/v1/agencies/{code}/approval-chain/",
    ):
        assert path in paths, path
    balance = schema["components"]["schemas"]["Balance"]["properties"]
    assert "paid_awaiting_supervisor" in balance
    statuses = schema["components"]["schemas"]["LeaveRequest"]["properties"]
    assert {"supervisor_decided_by", "approver_for", "denial_code"} <= set(statuses)


def test_the_admin_gives_and_ends_delegations_through_the_service(
    client, admin_user, employee, boss, colleague, pinned, dot
):
    employee.supervisor = boss.user
    employee.save()
    client.force_login(admin_user)
    response = client.post(
        "/admin/agencies/delegation/add/",
        {
            "agency": dot.pk,
            "delegator": boss.user_id,
            "delegate": colleague.user_id,
            "starts_on": str(pinned),
            "ends_on": str(pinned + dt.timedelta(days=3)),
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    assert (delegation.delegator_id, delegation.delegate_id) == (boss.user_id, colleague.user_id)
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.DELEGATION_CREATED).count() == 1
    client.post(
        "/admin/agencies/delegation/",
        {"action": "end_early", "_selected_action": [delegation.pk]},
    )
    delegation.refresh_from_db()
    assert delegation.ended_at is not None
    # A backdated one is refused, as in the API, and nothing is saved.
    client.post(
        "/admin/agencies/delegation/add/",
        {
            "agency": dot.pk,
            "delegator": boss.user_id,
            "delegate": colleague.user_id,
            "starts_on": str(pinned - dt.timedelta(days=1)),
            "ends_on": str(pinned),
            "_save": "Save",
        },
    )
    assert Delegation.objects.count() == 1


def test_the_admin_changes_an_agencys_chain_through_the_service(client, admin_user, dot):
    client.force_login(admin_user)
    response = client.post(
        f"/admin/agencies/agency/{dot.pk}/change/",
        {
            "code": "DOT",
            "name": dot.name,
            "headcount": dot.headcount,
            "approval_chain": "supervisor_then_coordinator",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    assert Agency.objects.get(pk=dot.pk).approval_chain == "supervisor_then_coordinator"
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.AGENCY_UPDATED).count() == 1
