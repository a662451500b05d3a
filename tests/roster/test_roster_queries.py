"""A roster import costs a fixed number of SQL queries whatever its length: no query per row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import Employee, Enrollment
from ledger.models import LedgerEntry

from .conftest import make_row, roster_file

pytestmark = pytest.mark.django_db


def queries_to_import(post_roster, user, file) -> int:
    user = type(user).objects.get(pk=user.pk)  # roles are read once per user object
    with CaptureQueriesContext(connection) as captured:
        response = post_roster(user, file)
    assert response.status_code == 200, response.json()
    return len(captured)


def rows(count: int, start: int = 0, **overrides) -> list[dict]:
    return [make_row(n, **overrides) for n in range(start, start + count)]


def test_importing_1000_new_rows_costs_the_queries_of_10(roster_world, post_roster):
    ten = queries_to_import(post_roster, roster_world, roster_file(rows(10)))
    thousand = queries_to_import(post_roster, roster_world, roster_file(rows(1000, start=10)))

    assert thousand == ten
    assert Enrollment.objects.filter(employee__employee_number__startswith="70").count() == 1010


def test_updating_1000_rows_costs_the_queries_of_10(roster_world, post_roster):
    post_roster(roster_world, roster_file(rows(1010)))

    ten = queries_to_import(
        post_roster,
        roster_world,
        roster_file(
            rows(10, first_name="New", status="withdrawn"), header=[*make_row(0), "status"]
        ),
    )
    thousand = queries_to_import(
        post_roster,
        roster_world,
        roster_file(
            rows(1000, start=10, first_name="New", status="withdrawn"),
            header=[*make_row(0), "status"],
        ),
    )

    assert thousand == ten
    assert LedgerEntry.objects.filter(kind="employee.updated").count() == 1010
    assert Enrollment.objects.filter(status="withdrawn").count() == 1010


def test_a_refused_file_of_1000_rows_costs_the_queries_of_10(roster_world, post_roster):
    def refused(count):
        file = roster_file(rows(count, bargaining_unit="6"))
        user = type(roster_world).objects.get(pk=roster_world.pk)
        with CaptureQueriesContext(connection) as captured:
            response = post_roster(user, file)
        assert response.status_code == 400
        assert len(response.json()["errors"]) == count
        return len(captured)

    assert refused(1000) == refused(10)


def test_10000_rows_import_within_the_size_limit_in_a_fixed_number_of_queries(
    roster_world, post_roster, settings
):
    ten = queries_to_import(post_roster, roster_world, roster_file(rows(10)))
    file = roster_file(rows(10_000, start=10))
    assert file.size < settings.ROSTER_UPLOAD_MAX_BYTES

    queries = queries_to_import(post_roster, roster_world, file)

    # SQLite splits a statement at its parameter limit (250,000 values in common builds):
    # the 20,001 ledger entries of 10,000 rows may take a second INSERT there.
    assert queries == ten or (connection.vendor == "sqlite" and queries <= ten + 2)
    assert Employee.objects.filter(agency__code="DOT").count() == 10_010 + 1  # and the coordinator
