"""Withdrawing a roster line on a date, through the enrollments API and the admin: the date is
read and written with the line, refused outside the commitment with a 400 naming
`withdrawn_on` (nothing written), and cleared when the line goes back to active. Today is
pinned to July 1, 2026; the employee's line runs the whole year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from agencies.models import Enrollment
from hours import services
from hours.models import LeaveRequest
from ledger.models import LedgerEntry

ENROLLMENTS = "/api/v1/enrollments/"
ADMIN = "/admin/agencies/enrollment/"


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def request_leave(employee, value, *, date):
    return services.leave_request_create(
        employee=employee,
        by=employee.user,
        date=date,
        hours=Decimal(str(value)),
        organization=employee.enrollments.get().organization,
    )


def patch(client, line, body):
    return client.patch(f"{ENROLLMENTS}{line.pk}/", body, format="json")


def written():
    return (
        list(Enrollment.objects.order_by("pk").values_list("status", "withdrawn_on")),
        LedgerEntry.objects.count(),
    )


def test_a_coordinator_withdraws_on_a_date_and_reads_it_back(client_for, coordinator, employee):
    line = employee.enrollments.get()
    response = patch(
        client_for(coordinator), line, {"status": "withdrawn", "withdrawn_on": "2026-08-01"}
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["withdrawn_on"]) == (
        "withdrawn",
        "2026-08-01",
    )
    read = client_for(coordinator).get(f"{ENROLLMENTS}{line.pk}/").json()
    assert read["withdrawn_on"] == "2026-08-01"
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.ENROLLMENT_UPDATED)
    assert entry.data["withdrawn_on"] == ["None", "2026-08-01"]


def test_a_coordinator_of_another_agency_cannot_withdraw_the_line(
    client_for, other_coordinator, employee
):
    line = employee.enrollments.get()
    before = written()
    response = patch(
        client_for(other_coordinator), line, {"status": "withdrawn", "withdrawn_on": "2026-08-01"}
    )
    assert response.status_code == 404
    assert written() == before


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"status": "withdrawn", "withdrawn_on": "2025-12-31"}, "on or after the day"),
        ({"status": "withdrawn", "withdrawn_on": "2027-01-01"}, "commitment's last day"),
        ({"withdrawn_on": "2026-08-01"}, "Only a withdrawn roster line"),  # still active
        ({"status": "active", "withdrawn_on": "2026-08-01"}, "Only a withdrawn roster line"),
    ],
)
def test_a_withdrawal_date_outside_the_rule_is_a_400_naming_the_field(
    client_for, coordinator, employee, verified_hours, body, words
):
    verified_hours(employee, 4)
    pending = request_leave(employee, 2, date=dt.date(2026, 8, 3))
    line = employee.enrollments.get()
    before = written()

    response = patch(client_for(coordinator), line, body)

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (
        "withdrawal_date",
        "withdrawn_on",
    )
    assert words in response.json()["detail"]
    assert written() == before
    pending.refresh_from_db()
    assert pending.status == LeaveRequest.Status.PENDING


def test_a_malformed_date_is_a_field_error(client_for, coordinator, employee):
    line = employee.enrollments.get()
    response = patch(
        client_for(coordinator), line, {"status": "withdrawn", "withdrawn_on": "next week"}
    )
    assert response.status_code == 400
    assert "withdrawn_on" in response.json()


def test_back_to_active_clears_the_date(client_for, coordinator, employee):
    line = employee.enrollments.get()
    patch(client_for(coordinator), line, {"status": "withdrawn", "withdrawn_on": "2026-08-01"})

    response = patch(client_for(coordinator), line, {"status": "active"})

    assert response.status_code == 200
    assert response.json()["withdrawn_on"] is None
    line.refresh_from_db()
    assert (line.status, line.withdrawn_on) == ("active", None)


def test_an_employee_reads_their_own_withdrawal_date(client_for, coordinator, employee):
    line = employee.enrollments.get()
    patch(client_for(coordinator), line, {"status": "withdrawn"})

    [own] = client_for(employee.user).get(ENROLLMENTS).json()["results"]

    assert own["withdrawn_on"] == "2026-07-01"  # the default: today


def test_a_withdrawal_through_the_api_cancels_pending_requests_from_its_date(
    client_for, coordinator, employee, verified_hours
):
    verified_hours(employee, 8)
    kept = request_leave(employee, 2, date=dt.date(2026, 7, 31))
    cancelled = request_leave(employee, 2, date=dt.date(2026, 8, 1))
    line = employee.enrollments.get()

    patch(client_for(coordinator), line, {"status": "withdrawn", "withdrawn_on": "2026-08-01"})

    kept.refresh_from_db()
    cancelled.refresh_from_db()
    assert (kept.status, cancelled.status) == ("pending", "cancelled")
    # The request before the withdrawal is still approved on its own merits.
    approved = services.leave_request_approve(request=kept, by=coordinator)
    assert approved.hours == Decimal("2")


# --- The admin ----------------------------------------------------------------------------------


def test_the_admins_withdraw_action_asks_the_date_and_applies_it(
    admin_client, employee, admin_user
):
    line = employee.enrollments.get()
    chosen = {"action": "withdraw", "_selected_action": [line.pk]}

    response = admin_client.post(
        ADMIN, {**chosen, "apply": "Withdraw", "withdrawn_on": "2026-06-15"}
    )

    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.status, line.withdrawn_on) == ("withdrawn", dt.date(2026, 6, 15))
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.ENROLLMENT_UPDATED)
    assert entry.actor == admin_user


def test_the_admins_withdraw_action_refuses_a_date_outside_the_commitment(admin_client, employee):
    line = employee.enrollments.get()
    before = written()
    response = admin_client.post(
        ADMIN,
        {
            "action": "withdraw",
            "_selected_action": [line.pk],
            "apply": "Withdraw",
            "withdrawn_on": "2027-02-01",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "commitment&#x27;s last day" in page or "commitment's last day" in page
    assert "0 roster lines withdrawn." in page
    assert written() == before


def test_the_admins_change_form_takes_the_date_and_refuses_it_on_an_active_line(
    admin_client, employee
):
    line = employee.enrollments.get()
    form = {
        "pilot": line.pilot_id,
        "organization": line.organization_id,
        "commitment_starts_on": "2026-01-01",
        "commitment_ends_on": "2026-12-31",
        "_save": "Save",
    }
    refused = admin_client.post(
        f"{ADMIN}{line.pk}/change/", {**form, "status": "active", "withdrawn_on": "2026-08-01"}
    )
    assert refused.status_code == 200
    assert "withdrawn_on" in refused.context["adminform"].form.errors

    saved = admin_client.post(
        f"{ADMIN}{line.pk}/change/", {**form, "status": "withdrawn", "withdrawn_on": "2026-08-01"}
    )
    assert saved.status_code == 302
    line.refresh_from_db()
    assert (line.status, line.withdrawn_on) == ("withdrawn", dt.date(2026, 8, 1))


def test_back_to_active_in_the_admin_clears_the_date_left_in_the_form(admin_client, employee):
    line = employee.enrollments.get()
    Enrollment.objects.filter(pk=line.pk).update(status="withdrawn", withdrawn_on="2026-03-02")

    response = admin_client.post(
        f"{ADMIN}{line.pk}/change/",
        {
            "pilot": line.pilot_id,
            "organization": line.organization_id,
            "commitment_starts_on": "2026-01-01",
            "commitment_ends_on": "2026-12-31",
            "status": "active",
            "withdrawn_on": "2026-03-02",  # still in the form
            "_save": "Save",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    line.refresh_from_db()
    assert (line.status, line.withdrawn_on) == ("active", None)
