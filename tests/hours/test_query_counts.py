"""Every list answers in the same number of SQL queries with 1 row and with 50 (no N+1)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hours.models import Balance
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
