"""Every list answers in the same number of SQL queries with 1 row and with 50 (no N+1), and
the busiest writes (approving leave, logging hours) in a fixed, small number."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.services import token_create
from hours.models import Balance, LeaveRequest, PersonalHours
from ledger.models import LedgerEntry
from tests.factories import (
    EmployeeFactory,
    LeaveRequestFactory,
    PersonalHoursFactory,
)

from .conftest import API


def add_rows(kind: str, count: int, *, agency, org, reviewer, today) -> None:
    """`count` more rows of `kind`, each for a different employee of `agency`."""
    for _ in range(count):
        person = EmployeeFactory(agency=agency)
        if kind == "personal-hours":
            PersonalHoursFactory(
                employee=person,
                organization=org,
                status="verified",
                reviewed_by=reviewer,
                verified_by_name="Program Office",
            )
        elif kind == "leave-requests":
            LeaveRequestFactory(
                employee=person, organization=org, status="approved", approver=reviewer
            )
        elif kind == "balances":
            Balance.objects.create(
                employee=person, year=today.year, paid_approved=Decimal("4"), personal_verified=8
            )
        elif kind == "ledger":
            LedgerEntry.objects.create(
                actor=reviewer,
                agency=agency,
                employee=person,
                year=today.year,
                kind=LedgerEntry.Kind.LEAVE_APPROVED,
                subject_type="leaverequest",
                subject_id=person.pk,
                d_paid_approved=Decimal("2"),
            )


@pytest.mark.parametrize("kind", ["personal-hours", "leave-requests", "balances", "ledger"])
@pytest.mark.parametrize("reader", ["coordinator", "workgroup"])
def test_list_query_count_does_not_grow_with_rows(
    request,
    client_for,
    fresh,
    django_assert_num_queries,
    dot,
    org,
    coordinator,
    workgroup,
    today,
    kind,
    reader,
):
    user = request.getfixturevalue(reader)
    url = f"{API}/{kind}/"
    params = {"year": today.year} if kind == "balances" else {}

    def measure(expected_rows: int) -> int:
        # A fresh user object each time: roles are cached per request's user.
        with CaptureQueriesContext(connection) as queries:
            response = client_for(fresh(user)).get(url, params)
        assert response.status_code == 200
        assert response.json()["count"] >= expected_rows
        assert len(response.json()["results"]) >= expected_rows
        return len(queries)

    add_rows(kind, 1, agency=dot, org=org, reviewer=coordinator, today=today)
    with_one = measure(1)
    add_rows(kind, 49, agency=dot, org=org, reviewer=coordinator, today=today)
    with_fifty = measure(50)

    assert with_fifty == with_one, f"{kind}: {with_one} queries with 1 row, {with_fifty} with 50"
    with django_assert_num_queries(with_one):
        client_for(fresh(user)).get(url, params)


# The writes, counted as `manage.py bench` counts them: a token, as API clients send one, and a
# real transaction. Approving (8): the token with the user's roles; BEGIN; the year's lock,
# which is the balance's UPDATE (the approval's deltas), finding the employee, the year and the
# hours by the request's id among the pending requests of the coordinator's agencies; the
# request, locked, with the facts of its date and the year's figures (read after the lock); the
# request written; the ledger entry and the employee's email (the outbox row) inserted; COMMIT.
# Logging (7): the token with the user's roles; BEGIN; the lock, the balance's UPDATE; the
# facts of the date with the organization named by its id; the hours and the ledger entry
# inserted; COMMIT.
WRITES = {"approve": 8, "log": 7}


def _counted_post(path: str, body: dict, *, user) -> tuple[int, list[str]]:
    key, _ = token_create(user=user)
    with CaptureQueriesContext(connection) as queries:
        response = Client().post(
            path,
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {key}",
        )
    return response.status_code, [query["sql"] for query in queries.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_approving_reads_the_token_and_roles_the_request_the_lock_the_facts_and_writes(
    employee, coordinator, verified, request_leave
):
    verified(employee, 8)
    leave = request_leave(employee, 2, 3)

    status, queries = _counted_post(
        f"{API}/leave-requests/{leave.pk}/approve/", {}, user=coordinator
    )

    assert status == 200
    assert LeaveRequest.objects.get(pk=leave.pk).status == LeaveRequest.Status.APPROVED
    assert len(queries) == WRITES["approve"], "\n".join(queries)


@pytest.mark.django_db(transaction=True)
def test_logging_hours_reads_the_token_and_roles_the_lock_the_facts_and_writes(
    employee, org, day, log_hours
):
    log_hours(employee, 2)  # the year's balance exists, as it does after the first entry
    body = {"date": day(1).isoformat(), "hours": "1.00", "source": "non_working_time"}

    status, queries = _counted_post(
        f"{API}/personal-hours/", {**body, "organization": org.pk}, user=employee.user
    )

    assert status == 201
    assert list(PersonalHours.objects.order_by("date").values_list("date", "hours")) == [
        (day(0), Decimal("2.00")),
        (day(1), Decimal("1.00")),
    ]
    assert len(queries) == WRITES["log"], "\n".join(queries)
