"""The workgroup's adoption page, and the home page that sends each role to its pages."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_workgroup_sees_figures_per_agency_and_every_workbook(
    workgroup, dph, dot_year, web_client, today
):
    dot_year(2)
    response = web_client(workgroup).get("/workgroup/")
    assert response.status_code == 200
    rows = {row.code: row for row in response.context["adoption"].rows}
    # The two mentors of dot_year and the coordinator (also a DOT employee) are enrolled.
    assert rows["DOT"].enrolled == 3
    assert rows["DOT"].paid_approved == 4 and rows["DOT"].paid_pending == 4
    assert rows["DOT"].personal_verified == 8 and rows["DOT"].active_mentors == 2
    months = response.context["adoption"].months
    assert sum(m["paid"] for m in months) == 4
    text = response.content.decode()
    assert f"/api/v1/reports/adoption/?year={today.year}" in text
    for code in ("DOT", "DPH"):
        assert f"/api/v1/reports/agency/{code}/?year={today.year}" in text
    assert "<svg" in text


def test_adoption_is_the_workgroups(coordinator, employee, admin_user, web_client):
    assert web_client(coordinator).get("/workgroup/").status_code == 403
    assert web_client(employee.user).get("/workgroup/").status_code == 403
    assert web_client(admin_user).get("/workgroup/").status_code == 200


def test_adoption_rejects_a_bad_year(workgroup, web_client):
    assert web_client(workgroup).get("/workgroup/?year=20x6").status_code == 400


def test_home_sends_each_role_to_its_pages(employee, coordinator, workgroup, web_client):
    assert web_client(employee.user).get("/")["Location"] == "/me/"
    assert web_client(workgroup).get("/")["Location"] == "/workgroup/"
    # A coordinator who is also an employee chooses.
    response = web_client(coordinator).get("/")
    assert response.status_code == 200
    labels = [label for label, _ in response.context["nav"]]
    assert labels == ["My mentoring year", "Queue", "Roster", "Leave accounting"]


def test_home_without_a_role_says_so(web_client, db):
    from tests.factories import UserFactory

    response = web_client(UserFactory(username="nobody")).get("/")
    assert response.status_code == 200
    assert "no role in the mentoring program" in response.content.decode()


def test_sign_out_is_a_post(employee, web_client):
    client = web_client(employee.user)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/me/").status_code == 302
