"""Each page loads with a fixed number of SQL queries, whatever the data size."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from hours import services

pytestmark = pytest.mark.django_db

# Every signed-in page reads the session and the user (2), then the user's roles and employee
# profile (1); a coordinator's pages count what waits for the header's "Waiting in your queue" (2);
# an employee's pages ask whether anyone reports to them (1, for the supervisor's "Waiting for
# you"), and the coordinator here is also an employee.
PAGES = {
    "/me/": 13,
    # with the disputes, the last verifier names and the requests still with a supervisor
    "/coordinator/": 16,
    "/coordinator/roster/": 8,
    # with who transferred during the year (their rows are split between agencies)
    "/workgroup/": 9,
}


def _history(person, *, entries: int, org, day, today, coordinator) -> None:
    """`entries` more verified hours and requests in the person's year: the hours on its first
    day, the requests on its last, so that no date passes the daily limit, whatever today is."""
    for _ in range(entries):
        entry = services.personal_hours_log(
            employee=person,
            by=person.user,
            date=day(0),
            hours=Decimal("0.5"),
            source="non_working_time",
            organization=org,
        )
        services.personal_hours_verify(
            reason="Signed paper form", entry=entry, by=coordinator, verified_by_name="Office"
        )
        services.leave_request_create(
            employee=person,
            by=person.user,
            date=dt.date(today.year, 12, 31),
            hours=Decimal("0.5"),
            organization=org,
        )


@pytest.mark.parametrize("size", [1, 4])
def test_my_year_page_queries_do_not_grow(
    size, dot_year, coordinator, org, day, today, web_client, django_assert_num_queries
):
    (person,) = dot_year(1)
    _history(person, entries=size, org=org, day=day, today=today, coordinator=coordinator)
    client = web_client(person.user)
    with django_assert_num_queries(PAGES["/me/"]):
        assert client.get("/me/").status_code == 200


@pytest.mark.parametrize("path", ["/coordinator/", "/coordinator/roster/", "/workgroup/"])
@pytest.mark.parametrize("size", [1, 5])
def test_coordinator_and_workgroup_pages_queries_do_not_grow(
    path, size, dot_year, coordinator, workgroup, dph, web_client, django_assert_num_queries
):
    dot_year(size)
    client = web_client(workgroup if path == "/workgroup/" else coordinator)
    with django_assert_num_queries(PAGES[path]):
        assert client.get(path).status_code == 200


def test_home_page_queries(coordinator, web_client, django_assert_num_queries):
    client = web_client(coordinator)
    # The session, the user, the roles and profile (1), what waits for the coordinator (2) and
    # whether anyone reports to them (1).
    with django_assert_num_queries(6):
        assert client.get("/").status_code == 200
