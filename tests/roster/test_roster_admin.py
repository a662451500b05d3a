"""The roster import in the admin: the same service and report as the API."""

from __future__ import annotations

import pytest
from django.test import Client

from agencies.models import Employee
from tests.factories import UserFactory

from .conftest import make_row, roster_file, roster_state

pytestmark = pytest.mark.django_db

IMPORT_PAGE = "/admin/agencies/enrollment/import/"


@pytest.fixture
def admin_client_for(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_the_roster_list_links_to_the_import(roster_world, admin_client_for):
    page = admin_client_for.get("/admin/agencies/enrollment/")
    assert page.status_code == 200
    assert IMPORT_PAGE.encode() in page.content


def test_admin_imports_a_good_file(roster_world, admin_client_for):
    response = admin_client_for.post(
        IMPORT_PAGE, {"agency": "DOT", "file": roster_file([make_row(1), make_row(2)])}
    )

    assert response.status_code == 302
    assert Employee.objects.filter(employee_number__in=["700001", "700002"]).count() == 2
    page = admin_client_for.get(response["Location"])
    assert b"Imported 2 rows into DOT" in page.content


def test_admin_sees_every_problem_of_a_bad_file_and_nothing_changes(roster_world, admin_client_for):
    before = roster_state()
    rows = [make_row(1), make_row(2, bargaining_unit="99"), make_row(3, pilot="DPH Pilot")]

    response = admin_client_for.post(
        IMPORT_PAGE, {"agency": "DOT", "file": roster_file(rows, "csv")}
    )

    assert response.status_code == 200
    assert b"2 rows have problems" in response.content
    assert b"bargaining_unit" in response.content
    assert b"not_enrolled" in response.content
    assert roster_state() == before


def test_admin_dry_run_reports_and_saves_nothing(roster_world, admin_client_for):
    before = roster_state()

    response = admin_client_for.post(
        IMPORT_PAGE, {"agency": "DOT", "file": roster_file([make_row(1)]), "dry_run": "on"}
    )

    assert response.status_code == 200
    assert b"Nothing was saved (dry run)" in response.content
    assert roster_state() == before


def test_staff_without_roster_rights_cannot_open_the_import(roster_world):
    client = Client()
    client.force_login(UserFactory(username="clerk", is_staff=True))
    assert client.get(IMPORT_PAGE).status_code == 403
