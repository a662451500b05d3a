"""Who may import, export and download the template: a coordinator for their own agency, an
administrator for any; the workgroup downloads but never imports; employees do neither."""

from __future__ import annotations

import pytest

from agencies.models import Employee

from .conftest import EXPORT_URL, TEMPLATE_URL, make_row, roster_file, roster_state

pytestmark = pytest.mark.django_db


def test_coordinator_imports_into_their_own_agency(roster_world, post_roster):
    assert post_roster(roster_world, roster_file([make_row(1)])).status_code == 200


def test_coordinator_of_another_agency_cannot_import_into_ours(
    roster_world, other_coordinator, post_roster
):
    before = roster_state()
    response = post_roster(other_coordinator, roster_file([make_row(1)]), agency="DOT")
    assert response.status_code == 404
    assert roster_state() == before


def test_coordinator_of_another_agency_imports_into_their_own_only(
    roster_world, other_coordinator, post_roster
):
    # Without ?agency= the DPH coordinator imports into DPH, where the DOT pilot is foreign.
    response = post_roster(other_coordinator, roster_file([make_row(1)]))
    assert response.status_code == 400
    assert response.json()["agency"] == "DPH"
    assert response.json()["errors"][0]["code"] == "not_enrolled"
    assert not Employee.objects.filter(employee_number="700001").exists()


def test_admin_imports_into_the_agency_named(roster_world, admin_user, post_roster):
    assert post_roster(admin_user, roster_file([make_row(1)]), agency="DOT").status_code == 200
    assert Employee.objects.get(employee_number="700001").agency.code == "DOT"


def test_admin_must_name_the_agency(roster_world, admin_user, post_roster):
    response = post_roster(admin_user, roster_file([make_row(1)]))
    assert response.status_code == 400
    assert response.json()["errors"][0]["column"] == "agency"


def test_an_unknown_agency_code_is_a_clear_400(roster_world, admin_user, post_roster):
    response = post_roster(admin_user, roster_file([make_row(1)]), agency="NOPE")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["column"] == "agency"
    assert "NOPE" in error["message"]


def test_a_bad_dry_run_flag_is_a_clear_400(roster_world, post_roster):
    before = roster_state()
    response = post_roster(roster_world, roster_file([make_row(1)]), dry_run="maybe")
    assert response.status_code == 400
    assert response.json()["errors"][0]["column"] == "dry_run"
    assert roster_state() == before


@pytest.mark.parametrize("who", ["workgroup", "employee"])
def test_workgroup_and_employees_cannot_import(roster_world, post_roster, request, who):
    user = request.getfixturevalue(who)
    user = getattr(user, "user", user)
    before = roster_state()
    response = post_roster(user, roster_file([make_row(1)]), agency="DOT")
    assert response.status_code == 403
    assert roster_state() == before


def test_anonymous_cannot_import(roster_world, post_roster):
    before = roster_state()
    assert post_roster(None, roster_file([make_row(1)])).status_code == 401
    assert roster_state() == before


@pytest.mark.parametrize("url", [EXPORT_URL, TEMPLATE_URL])
def test_coordinator_workgroup_and_admin_download(
    roster_world, workgroup, admin_user, client_for, url
):
    assert client_for(roster_world).get(url).status_code == 200
    assert client_for(workgroup).get(url + "?agency=DOT").status_code == 200
    assert client_for(admin_user).get(url + "?agency=DOT").status_code == 200


@pytest.mark.parametrize("url", [EXPORT_URL, TEMPLATE_URL])
def test_employees_cannot_download(roster_world, employee, client_for, url):
    assert client_for(employee.user).get(url + "?agency=DOT").status_code == 403


def test_coordinator_of_another_agency_cannot_export_ours(
    roster_world, other_coordinator, client_for
):
    assert client_for(other_coordinator).get(EXPORT_URL + "?agency=DOT").status_code == 404
    assert client_for(other_coordinator).get(EXPORT_URL + "?agency=DPH").status_code == 200


def test_workgroup_must_name_the_agency_to_export(roster_world, workgroup, client_for):
    response = client_for(workgroup).get(EXPORT_URL)
    assert response.status_code == 400
    assert "agency" in response.json()
