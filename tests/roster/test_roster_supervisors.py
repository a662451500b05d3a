"""Supervisors in a roster file: by employee number (on file or in the file) or by email, and
every refusal named by row and column with nothing written."""

from __future__ import annotations

import pytest

from agencies.models import Employee
from ledger.models import LedgerEntry
from tests.factories import EmployeeFactory, UserFactory

from .conftest import make_row, roster_file, roster_state

HEADER = [*make_row(0), "supervisor_employee_number", "supervisor_email"]


@pytest.fixture
def boss(dot):
    return EmployeeFactory(
        agency=dot, employee_number="650001", user=UserFactory(username="dot.boss")
    )


def test_a_file_names_supervisors_by_number_and_by_email(
    roster_world, post_roster, boss, coordinator
):
    rows = [
        make_row(1, supervisor_employee_number="700002"),  # a colleague further down the file
        make_row(2, supervisor_employee_number="650001"),  # an employee on file
        make_row(3, supervisor_email=coordinator.email.upper()),  # a user of DOT by email
    ]
    response = post_roster(roster_world, roster_file(rows, header=HEADER))
    assert response.status_code == 200, response.json()
    supervisors = dict(
        Employee.objects.filter(employee_number__startswith="7000").values_list(
            "employee_number", "supervisor__username"
        )
    )
    assert supervisors == {"700001": "700002", "700002": "dot.boss", "700003": "dot.coordinator"}

    # The same file again changes nothing; a changed supervisor is one ledger entry.
    again = post_roster(roster_world, roster_file(rows, header=HEADER))
    assert again.json()["rows_unchanged"] == 3
    rows[0]["supervisor_employee_number"] = "650001"
    changed = post_roster(roster_world, roster_file(rows, header=HEADER))
    assert changed.status_code == 200 and changed.json()["employees_updated"] == 1
    entry = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.EMPLOYEE_UPDATED).latest("id")
    assert entry.data == {"supervisor": ["700002", "dot.boss"]}


def test_a_dry_run_lists_a_changed_supervisor_as_the_row_s_change(roster_world, post_roster, boss):
    rows = [
        make_row(1, supervisor_employee_number="650001"),
        make_row(2, supervisor_employee_number="650001"),
    ]
    assert post_roster(roster_world, roster_file(rows, header=HEADER)).status_code == 200
    rows[0]["supervisor_employee_number"] = "700002"  # only the supervisor changes
    rows[1]["email"] = "another@ca.gov"  # the supervisor clears, beside another change
    rows[1]["supervisor_employee_number"] = ""
    before = roster_state()

    body = post_roster(roster_world, roster_file(rows, header=HEADER), dry_run=1).json()

    assert roster_state() == before
    assert body["rows_unchanged"] == 0
    assert [(c["row"], c["changes"]) for c in body["changes"]] == [
        (2, {"supervisor": ["dot.boss", "700002"]}),
        (
            3,
            {
                "email": ["ana.reyes2@example.ca.gov", "another@ca.gov"],
                "supervisor": ["dot.boss", ""],
            },
        ),
    ]


@pytest.mark.parametrize(
    "rows, column, code",
    [
        (
            [make_row(1, supervisor_employee_number="999999")],
            "supervisor_employee_number",
            "unknown_supervisor",
        ),
        (
            [make_row(1, supervisor_email="nobody@example.ca.gov")],
            "supervisor_email",
            "unknown_supervisor",
        ),
        (
            [make_row(1, supervisor_employee_number="700001")],
            "supervisor_employee_number",
            "invalid",
        ),
        (
            [
                make_row(1, supervisor_employee_number="700002"),
                make_row(2, supervisor_employee_number="700001"),
            ],
            "supervisor_employee_number",
            "invalid",
        ),
        (
            [make_row(1, supervisor_employee_number="650001", supervisor_email="a@example.ca.gov")],
            "supervisor_email",
            "invalid",
        ),
    ],
    ids=["unknown_number", "unknown_email", "oneself", "cycle", "both"],
)
def test_bad_supervisors_name_the_row_and_write_nothing(
    roster_world, post_roster, boss, other_employee, rows, column, code
):
    before = roster_state()
    response = post_roster(roster_world, roster_file(rows, header=HEADER))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert (errors[0]["row"], errors[0]["column"], errors[0]["code"]) == (2, column, code)
    assert roster_state() == before
    assert not Employee.objects.exclude(supervisor=None).exists()


def test_a_supervisor_of_another_agency_is_unknown(roster_world, post_roster, other_employee):
    rows = [make_row(1, supervisor_email=other_employee.user.email)]
    response = post_roster(roster_world, roster_file(rows, header=HEADER))
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "unknown_supervisor"
