"""The queue's bulk verify (each entry on its own, a result per item) and the verifier name it
remembers per organization."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hours import services
from hours.models import PersonalHours
from ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db

BULK = "/coordinator/hours/bulk-verify/"


@pytest.fixture
def log(day):
    def make(employee, hours, n):
        return services.personal_hours_log(
            employee=employee,
            by=employee.user,
            date=day(n),
            hours=Decimal(str(hours)),
            source="non_working_time",
            organization=employee.enrollments.first().organization,
        )

    return make


def form(ids, **fields):
    body = {"ids": [str(i) for i in ids]}
    body.update({f"bulk-verify-{name}": value for name, value in fields.items()})
    return body


def test_bulk_verify_checks_each_entry_and_says_which_passed(
    coordinator, employee, other_employee, log, web_client, today
):
    first, second = log(employee, 2, 1), log(employee, 1, 2)
    own = log(coordinator.employee, 1, 1)  # the coordinator's own hours
    outside = log(other_employee, 1, 1)  # another agency's

    response = web_client(coordinator).post(
        BULK,
        form(
            [first.pk, own.pk, second.pk, outside.pk],
            verified_by_name="Ana Ruiz",
            reason="Signed paper forms",
        ),
    )

    assert response.status_code == 200
    bulk = response.context["bulk_verify"]
    assert (bulk["verified"], bulk["refused"]) == (2, 2)
    codes = {row["id"]: row["code"] for row in bulk["rows"]}
    assert codes == {
        first.pk: None,
        own.pk: "self_approval",
        second.pk: None,
        outside.pk: "not_found",
    }
    for entry in (first, second):
        entry.refresh_from_db()
        assert (entry.status, entry.verified_by_name, entry.verified_via, entry.reason) == (
            "verified",
            "Ana Ruiz",
            "coordinator",
            "Signed paper forms",
        )
    own.refresh_from_db()
    outside.refresh_from_db()
    assert own.status == outside.status == PersonalHours.Status.LOGGED
    assert employee.balances.get(year=today.year).personal_verified == 3


@pytest.mark.parametrize(
    ("fields", "ids_ok", "message"),
    [
        ({"verified_by_name": "Ana", "reason": ""}, True, "how the organization confirmed"),
        ({"verified_by_name": "", "reason": "Form"}, True, None),
        ({"verified_by_name": "Ana", "reason": "Form"}, False, "Tick between 1 and 200"),
    ],
)
def test_bulk_verify_refusals_change_nothing(
    coordinator, employee, log, web_client, fields, ids_ok, message
):
    entry = log(employee, 2, 1)
    ledger = LedgerEntry.objects.count()

    response = web_client(coordinator).post(BULK, form([entry.pk] if ids_ok else [], **fields))

    assert response.status_code == 400
    if message:
        assert message in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == PersonalHours.Status.LOGGED
    assert LedgerEntry.objects.count() == ledger


def test_employees_and_the_workgroup_cannot_bulk_verify(employee, workgroup, log, web_client):
    entry = log(employee, 2, 1)
    for user in (employee.user, workgroup):
        response = web_client(user).post(
            BULK, form([entry.pk], verified_by_name="Ana", reason="Form")
        )
        assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.status == PersonalHours.Status.LOGGED


def test_the_queue_offers_the_last_verifier_named_for_the_organization(
    coordinator, employee, log, web_client
):
    services.personal_hours_verify(
        entry=log(employee, 1, 1), by=coordinator, verified_by_name="Ana Ruiz", reason="Form"
    )
    waiting = log(employee, 2, 2)

    response = web_client(coordinator).get("/coordinator/")

    row = response.context["hours_rows"][0]
    assert row["item"] == waiting
    assert row["verify"]["verified_by_name"].value() == "Ana Ruiz"
    assert response.context["remembered_names"] == ["Ana Ruiz"]
