"""The cap holds when approvals and requests race: real row locks, real threads, PostgreSQL.

Each thread has its own database connection (Django's connections are per thread) and closes
it when done. Every wait is bounded, so a lock that is never released fails the test instead of
hanging it.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from agencies.models import Role
from hours import services
from hours.models import Balance, LeaveRequest
from ledger import services as ledger
from ledger.models import LedgerEntry
from policy.rules import PolicyViolation
from tests.factories import LeaveRequestFactory, RoleFactory, UserFactory

from .conftest import API

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (DATABASE_URL)"
    ),
]

WAIT = 30  # seconds: the longest any thread waits for the others or for a lock
User = get_user_model()


def run_together(work, items) -> list:
    """Run work(item) for every item in its own thread, all released at the same moment."""
    barrier = threading.Barrier(len(items))
    results: list = [None] * len(items)

    def target(index: int, item) -> None:
        try:
            barrier.wait(timeout=WAIT)
            results[index] = work(item)
        except Exception as error:  # reported in the results, asserted by the test
            results[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=target, args=(index, item), daemon=True)
        for index, item in enumerate(items)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * WAIT)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting"
    return results


@pytest.fixture
def coordinators(coordinator, second_coordinator, dot):
    third = UserFactory(username="dot.coordinator3")
    RoleFactory(user=third, kind=Role.Kind.COORDINATOR, agency=dot)
    return [coordinator, second_coordinator, third]


@pytest.fixture
def oversubscribed(employee, org, verified, ahead, today):
    """48 verified personal hours and 24 pending 2-hour requests (48 hours: 8 over the cap).

    The requests are raw rows, as if they had been made under an older, larger cap; their
    ledger entries and the Balance row are written to match, so check_balances is clean.
    """
    for n in range(1, 7):
        verified(employee, 8, n)
    requests = []
    for n in range(1, 25):
        leave = LeaveRequestFactory(
            employee=employee, organization=org, date=ahead(n), hours=Decimal("2")
        )
        ledger.record(
            kind=LedgerEntry.Kind.LEAVE_REQUESTED,
            subject=leave,
            agency_id=employee.agency_id,
            actor=employee.user,
            employee_id=employee.pk,
            year=today.year,
            d_paid_pending=Decimal("2"),
        )
        requests.append(leave)
    Balance.objects.filter(employee=employee, year=today.year).update(paid_pending=Decimal("48"))
    call_command("check_balances")  # consistent before the race
    return requests


def test_concurrent_approvals_stop_exactly_at_the_cap(
    employee, coordinators, oversubscribed, today
):
    jobs = [(leave.pk, coordinators[i % 3].pk) for i, leave in enumerate(oversubscribed)]

    def approve(job):
        leave_id, user_id = job
        leave = LeaveRequest.objects.get(pk=leave_id)
        by = User.objects.get(pk=user_id)
        try:
            services.leave_request_approve(request=leave, by=by)
        except PolicyViolation as violation:
            return violation.code
        return "approved"

    results = run_together(approve, jobs)

    assert sorted(map(str, results)) == ["annual_cap_exceeded"] * 4 + ["approved"] * 20
    balance = Balance.objects.get(employee=employee, year=today.year)
    assert balance.paid_approved == Decimal("40.00")
    assert balance.paid_pending == Decimal("8.00")
    approved = LeaveRequest.objects.filter(employee=employee, status="approved")
    assert approved.count() == 20
    assert sum(leave.hours for leave in approved) == Decimal("40.00")
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.LEAVE_APPROVED).count() == 20
    call_command("check_balances")  # raises CommandError on any difference


def test_the_same_request_sent_twice_at_once_cannot_pass_the_cap(
    employee, org, verified, request_leave, ahead, today
):
    for n in range(1, 6):
        verified(employee, 8, n)  # 40 verified
    for n in range(1, 5):
        request_leave(employee, 8, n)
    request_leave(employee, 6, 5)  # 38 pending: 2 hours left under the cap
    body = {"date": ahead(10).isoformat(), "hours": "2", "organization": org.pk}

    def send(_):
        client = APIClient()
        client.force_authenticate(User.objects.get(pk=employee.user_id))
        response = client.post(f"{API}/leave-requests/", body, format="json")
        return response.status_code, response.json().get("code")

    results = run_together(send, [1, 2])

    assert sorted(results, key=str) == [(201, None), (400, "annual_cap_exceeded")]
    balance = Balance.objects.get(employee=employee, year=today.year)
    assert balance.paid_pending == Decimal("40.00")
    assert LeaveRequest.objects.filter(employee=employee, date=ahead(10)).count() == 1
    call_command("check_balances")


def test_many_copies_of_one_request_respect_the_daily_limit(employee, verified, ahead, today):
    for n in range(1, 6):
        verified(employee, 8, n)
    organization = employee.enrollments.first().organization

    def send(_):
        try:
            services.leave_request_create(
                employee=employee,
                by=User.objects.get(pk=employee.user_id),
                date=ahead(3),
                hours=Decimal("3"),
                organization=organization,
            )
        except PolicyViolation as violation:
            return violation.code
        return "created"

    results = run_together(send, range(6))

    # 8 paid hours a day: two 3-hour requests fit, the rest are refused.
    assert sorted(results) == ["created"] * 2 + ["daily_limit_exceeded"] * 4
    assert Balance.objects.get(employee=employee, year=today.year).paid_pending == 6
    call_command("check_balances")


def test_supervisor_and_coordinator_approvals_race_without_passing_the_cap(
    two_step, supervisor, coordinators, oversubscribed, today
):
    """Half the requests await the supervisor: the supervisor passes them on while the
    coordinators approve the other half, then the coordinators race for the rest."""
    awaiting = oversubscribed[::2]
    LeaveRequest.objects.filter(pk__in=[leave.pk for leave in awaiting]).update(
        status=LeaveRequest.Status.AWAITING_SUPERVISOR, supervisor=supervisor
    )
    call_command("check_balances")  # awaiting hours are pending in the Balance and the ledger
    others = [leave for leave in oversubscribed if leave not in awaiting]
    jobs = [(leave.pk, supervisor.pk) for leave in awaiting] + [
        (leave.pk, coordinators[i % 3].pk) for i, leave in enumerate(others)
    ]

    def approve(job):
        leave_id, user_id = job
        leave = LeaveRequest.objects.select_related("employee").get(pk=leave_id)
        try:
            result = services.leave_request_approve(request=leave, by=User.objects.get(pk=user_id))
        except PolicyViolation as violation:
            return violation.code
        return result.status

    first = run_together(approve, jobs)
    assert sorted(map(str, first)) == ["approved"] * 12 + ["pending"] * 12
    second = run_together(approve, [(leave.pk, coordinators[0].pk) for leave in awaiting])
    assert sorted(map(str, second)) == ["annual_cap_exceeded"] * 4 + ["approved"] * 8

    balance = Balance.objects.get(employee=two_step, year=today.year)
    assert (balance.paid_approved, balance.paid_pending) == (Decimal("40.00"), Decimal("8.00"))
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.LEAVE_SUPERVISOR_APPROVED).count() == 12
    call_command("check_balances")
