"""me/: the signed-in user's roles, employee profile and agency."""

from __future__ import annotations

from tests.factories import RoleFactory

ME = "/api/v1/me/"


def test_anonymous_visitors_have_no_me(client_for):
    assert client_for(None).get(ME).status_code == 401


def test_an_employee_sees_their_profile_and_agency(client_for, employee):
    body = client_for(employee.user).get(ME).json()
    assert body["username"] == "dot.employee"
    assert body["roles"] == ["employee"]
    assert body["coordinator_of"] == []
    assert body["agency"] == "DOT"
    assert body["employee"]["id"] == employee.pk
    assert body["employee"]["employee_number"] == employee.employee_number
    assert body["employee"]["eligibility"]["eligible"] is True


def test_a_coordinator_who_is_an_employee_holds_both_roles(client_for, coordinator):
    body = client_for(coordinator).get(ME).json()
    assert body["roles"] == ["employee", "coordinator"]
    assert body["coordinator_of"] == ["DOT"]
    assert body["agency"] == "DOT"
    assert body["employee"]["id"] == coordinator.employee.pk


def test_a_coordinator_of_two_agencies_lists_both(client_for, second_coordinator, dph):
    RoleFactory(user=second_coordinator, kind="coordinator", agency=dph)
    body = client_for(second_coordinator).get(ME).json()
    assert body["roles"] == ["coordinator"]
    assert body["coordinator_of"] == ["DOT", "DPH"]
    assert body["employee"] is None
    assert body["agency"] is None


def test_a_workgroup_member_has_no_employee_profile(client_for, workgroup):
    body = client_for(workgroup).get(ME).json()
    assert body["roles"] == ["workgroup"]
    assert body["employee"] is None
    assert body["agency"] is None


def test_an_admin_is_shown_as_admin(client_for, admin_user):
    body = client_for(admin_user).get(ME).json()
    assert body["roles"] == ["admin"]
    assert body["username"] == "admin"


def test_me_is_read_only(client_for, employee):
    assert client_for(employee.user).post(ME, {}).status_code == 405
    assert client_for(employee.user).delete(ME).status_code == 405
