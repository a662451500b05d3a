"""Moving an employee to another agency on a date: who may, the rules (each a 400 naming its
field, nothing written), and what moves (the roster, the queue) and what stays (the year)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from post_office.models import Email

from agencies.models import Enrollment, Transfer
from hours import services
from hours.models import LeaveRequest
from hours.services import transfers
from ledger.models import LedgerEntry
from policy.errors import NotAllowed, StateConflict
from policy.rules import PolicyViolation
from tests.conftest import pin_today
from tests.factories import AgencyFactory, EmployeeFactory, UserFactory

from .conftest import API, balance_of, hours

JUNE_1 = dt.date(2026, 6, 1)


@pytest.fixture
def moved(employee, dph, dph_pilot, admin_user):
    """moved(on=June 1): the DOT employee transferred to DPH by an administrator."""

    def make(on: dt.date = JUNE_1, *, to=None):
        return transfers.transfer_start(
            by=admin_user, employee=employee, to_agency=to or dph, effective_on=on
        )

    return make


def test_an_administrator_moves_an_employee_at_once(employee, dot, dph, moved, admin_user):
    employee.supervisor = UserFactory(username="dot.boss")
    employee.save()
    old_line = employee.enrollments.get()

    outcome = moved()

    employee.refresh_from_db()
    assert outcome.transfer.status == Transfer.Status.DONE
    assert outcome.transfer.accepted_by == admin_user
    assert (employee.agency, employee.supervisor, employee.transferred_on) == (dph, None, JUNE_1)
    old_line.refresh_from_db()
    assert (old_line.status, old_line.withdrawn_on) == (Enrollment.Status.WITHDRAWN, JUNE_1)
    new_line = employee.enrollments.get(pilot__agency=dph)
    assert new_line.status == Enrollment.Status.ACTIVE
    assert new_line.organization == old_line.organization
    assert outcome.enrolled is True and outcome.enrollment == new_line
    kinds = set(LedgerEntry.objects.filter(employee=employee).values_list("kind", flat=True))
    assert {LedgerEntry.Kind.TRANSFER_STARTED, LedgerEntry.Kind.TRANSFER_DONE} <= kinds
    assert Email.objects.filter(to=employee.user.email).exists()


def test_the_sending_coordinator_starts_and_the_receiving_one_accepts(
    employee, dph, dph_pilot, coordinator, other_coordinator
):
    outcome = transfers.transfer_start(
        by=coordinator, employee=employee, to_agency=dph, effective_on=JUNE_1
    )
    assert outcome.transfer.status == Transfer.Status.PROPOSED
    employee.refresh_from_db()
    assert employee.agency.code == "DOT"  # nothing moves until DPH accepts

    with pytest.raises(NotAllowed):  # the sending coordinator cannot accept for DPH
        transfers.transfer_accept(by=coordinator, transfer=outcome.transfer)
    done = transfers.transfer_accept(by=other_coordinator, transfer=outcome.transfer)

    employee.refresh_from_db()
    assert done.transfer.status == Transfer.Status.DONE
    assert done.transfer.accepted_by == other_coordinator
    assert employee.agency == dph


def test_only_the_employees_coordinator_starts_a_transfer(employee, dph, other_coordinator):
    with pytest.raises(NotAllowed):
        transfers.transfer_start(
            by=other_coordinator, employee=employee, to_agency=dph, effective_on=JUNE_1
        )
    assert not Transfer.objects.exists()


def test_nobody_transfers_themselves(coordinator, dph):
    with pytest.raises(PolicyViolation) as error:
        transfers.transfer_start(
            by=coordinator, employee=coordinator.employee, to_agency=dph, effective_on=JUNE_1
        )
    assert error.value.code == "self_approval"


def test_a_transfer_to_the_same_agency_is_refused(employee, dot, admin_user, snapshot):
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        transfers.transfer_start(
            by=admin_user, employee=employee, to_agency=dot, effective_on=JUNE_1
        )
    assert "to_agency" in error.value.message_dict
    assert snapshot() == before
    assert not Transfer.objects.exists()


def test_two_transfers_on_one_date_are_refused(employee, dph, coordinator, admin_user, snapshot):
    transfers.transfer_start(by=coordinator, employee=employee, to_agency=dph, effective_on=JUNE_1)
    before = snapshot()
    other = AgencyFactory(code="DHCS")
    with pytest.raises(ValidationError) as error:
        transfers.transfer_start(
            by=admin_user, employee=employee, to_agency=other, effective_on=JUNE_1
        )
    assert "effective_on" in error.value.message_dict
    assert snapshot() == before
    assert Transfer.objects.count() == 1


def test_a_move_on_the_same_day_as_the_last_one_is_refused(employee, moved, admin_user):
    moved()
    with pytest.raises(ValidationError) as error:
        transfers.transfer_start(
            by=admin_user,
            employee=employee,
            to_agency=AgencyFactory(code="DHCS"),
            effective_on=JUNE_1 - dt.timedelta(days=1),
        )
    assert "effective_on" in error.value.message_dict


def test_a_transfer_to_an_agency_without_a_pilot_is_done_and_says_not_enrolled(employee, moved):
    outcome = moved(to=AgencyFactory(code="DHCS"))

    employee.refresh_from_db()
    assert employee.agency.code == "DHCS"
    assert outcome.enrolled is False
    assert "not enrolled" in outcome.notice
    assert not employee.enrollments.filter(status=Enrollment.Status.ACTIVE).exists()


def test_a_transfer_is_done_on_or_after_the_day_it_takes_effect(
    employee, dph, dph_pilot, coordinator, other_coordinator, admin_user, today, monkeypatch
):
    """The employee's agency, and with it their queue, changes when the transfer is done: an
    administrator's transfer dated tomorrow is refused, nothing written; a coordinator's
    proposal may name tomorrow, and is accepted from that day on."""
    tomorrow = today + dt.timedelta(days=1)
    ledger_before = LedgerEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        transfers.transfer_start(
            by=admin_user, employee=employee, to_agency=dph, effective_on=tomorrow
        )
    assert list(error.value.message_dict) == ["effective_on"]
    assert not Transfer.objects.exists()
    assert LedgerEntry.objects.count() == ledger_before

    proposed = transfers.transfer_start(
        by=coordinator, employee=employee, to_agency=dph, effective_on=tomorrow
    ).transfer
    with pytest.raises(ValidationError) as error:
        transfers.transfer_accept(by=other_coordinator, transfer=proposed)
    assert list(error.value.message_dict) == ["effective_on"]
    employee.refresh_from_db()
    assert employee.agency.code == "DOT"

    pin_today(monkeypatch, tomorrow)
    done = transfers.transfer_accept(by=other_coordinator, transfer=proposed)
    employee.refresh_from_db()
    assert (done.transfer.status, employee.agency) == (Transfer.Status.DONE, dph)


def test_a_proposed_transfer_is_cancelled_by_either_agency_and_a_done_one_is_not(
    employee, dph, coordinator, other_coordinator, moved, admin_user
):
    proposed = transfers.transfer_start(
        by=coordinator, employee=employee, to_agency=dph, effective_on=JUNE_1
    ).transfer
    outsider = UserFactory(username="nobody")
    with pytest.raises(NotAllowed):
        transfers.transfer_cancel(by=outsider, transfer=proposed)
    cancelled = transfers.transfer_cancel(by=other_coordinator, transfer=proposed)
    assert cancelled.status == Transfer.Status.CANCELLED

    done = moved().transfer  # the cancelled one no longer holds the date
    with pytest.raises(StateConflict):
        transfers.transfer_cancel(by=admin_user, transfer=done)


def test_the_year_stays_one_year_for_the_cap(
    employee, moved, verified, approved_leave, request_leave, other_coordinator
):
    for n in range(4):
        verified(employee, 10, n)
    approved_leave(employee, 8, 1)
    approved_leave(employee, 8, 2)
    approved_leave(employee, 8, 3)
    approved_leave(employee, 8, 4)
    before = balance_of(employee, 2026)

    moved()

    after = balance_of(employee, 2026)
    assert (after.paid_approved, after.personal_verified) == (
        before.paid_approved,
        before.personal_verified,
    )
    employee.refresh_from_db()
    request = request_leave(employee, 8, 5)  # now at DPH, which decides it
    services.leave_request_approve(request=request, by=other_coordinator)
    with pytest.raises(PolicyViolation) as error:
        request_leave(employee, 1, 6)
    assert error.value.code == "annual_cap_exceeded"
    call_command("check_balances")


def test_the_old_agencys_coordinator_cannot_approve_once_the_employee_has_moved(
    employee, moved, verified, request_leave, coordinator, other_coordinator
):
    """The coordinator read the request before the move; the approval checks again, under the
    year's lock, who may decide for the employee's agency now."""
    verified(employee, 8, 0)
    request = request_leave(employee, 4, 3)
    read_before_the_move = LeaveRequest.objects.select_related("employee__agency").get(
        pk=request.pk
    )

    moved()

    with pytest.raises(NotAllowed, match="coordinator of DPH"):
        services.leave_request_approve(request=read_before_the_move, by=coordinator)
    request.refresh_from_db()
    assert request.status == LeaveRequest.Status.PENDING
    assert balance_of(employee, 2026).paid_approved == hours(0)
    approved = services.leave_request_approve(request=request, by=other_coordinator)
    assert approved.status == LeaveRequest.Status.APPROVED


def test_requests_with_the_old_supervisor_go_to_the_new_coordinator(
    employee, dot, supervisor, verified, request_leave, moved, other_coordinator
):
    dot.approval_chain = "supervisor_then_coordinator"
    dot.save()
    employee.supervisor = supervisor
    employee.save()
    verified(employee, 8, 0)
    waiting = request_leave(employee, 4, 3)
    assert waiting.status == LeaveRequest.Status.AWAITING_SUPERVISOR

    moved()

    waiting.refresh_from_db()
    assert waiting.status == LeaveRequest.Status.PENDING
    assert "DPH" in waiting.routing_note
    assert LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.LEAVE_PASSED_ON, subject_id=waiting.pk
    ).exists()
    approved = services.leave_request_approve(request=waiting, by=other_coordinator)
    assert approved.status == LeaveRequest.Status.APPROVED
    assert balance_of(employee, 2026).paid_approved == hours(4)
    call_command("check_balances")


# --- The API --------------------------------------------------------------------------------


def test_the_api_starts_and_accepts_a_transfer(
    client_for, employee, dph, dph_pilot, coordinator, other_coordinator
):
    started = client_for(coordinator).post(
        f"{API}/transfers/",
        {"employee": employee.pk, "to_agency": "DPH", "effective_on": "2026-06-01"},
        format="json",
    )
    assert started.status_code == 201, started.json()
    body = started.json()
    assert (body["status"], body["from_agency"], body["enrolled"]) == ("proposed", "DOT", None)

    refused = client_for(coordinator).post(f"{API}/transfers/{body['id']}/accept/")
    assert refused.status_code == 403
    accepted = client_for(other_coordinator).post(f"{API}/transfers/{body['id']}/accept/")
    assert accepted.status_code == 200, accepted.json()
    assert (accepted.json()["status"], accepted.json()["enrolled"]) == ("done", True)
    employee.refresh_from_db()
    assert employee.agency == dph


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"to_agency": "DOT", "effective_on": "2026-06-01"}, "to_agency"),
        ({"to_agency": "NOPE", "effective_on": "2026-06-01"}, "to_agency"),
        ({"to_agency": "DPH", "effective_on": "June"}, "effective_on"),
    ],
)
def test_bad_input_answers_400_naming_the_field(
    client_for, employee, dph, admin_user, payload, field
):
    response = client_for(admin_user).post(
        f"{API}/transfers/", {"employee": employee.pk, **payload}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Transfer.objects.exists()


def test_two_transfers_on_one_date_answer_400_through_the_api(
    client_for, employee, dph, coordinator
):
    payload = {"employee": employee.pk, "to_agency": "DPH", "effective_on": "2026-06-01"}
    assert (
        client_for(coordinator).post(f"{API}/transfers/", payload, format="json").status_code == 201
    )
    again = client_for(coordinator).post(f"{API}/transfers/", payload, format="json")
    assert again.status_code == 400
    assert "effective_on" in again.json()
    assert Transfer.objects.count() == 1


def test_a_coordinator_of_another_agency_cannot_name_the_employee(
    client_for, employee, dph, other_coordinator
):
    response = client_for(other_coordinator).post(
        f"{API}/transfers/",
        {"employee": employee.pk, "to_agency": "DPH", "effective_on": "2026-06-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "employee" in response.json()
    assert not Transfer.objects.exists()


def test_an_employee_cannot_start_a_transfer_and_sees_only_their_own(
    client_for, employee, other_employee, moved
):
    moved()
    refused = client_for(other_employee.user).post(
        f"{API}/transfers/",
        {"employee": other_employee.pk, "to_agency": "DOT", "effective_on": "2026-06-01"},
        format="json",
    )
    assert refused.status_code == 403
    assert client_for(employee.user).get(f"{API}/transfers/").json()["count"] == 1
    assert client_for(other_employee.user).get(f"{API}/transfers/").json()["count"] == 0


def test_an_outsider_gets_404_on_someone_elses_transfer(client_for, employee, moved):
    transfer = moved().transfer
    outsider = EmployeeFactory(agency=AgencyFactory(code="DHCS")).user
    response = client_for(outsider).post(f"{API}/transfers/{transfer.pk}/cancel/")
    assert response.status_code == 404


def test_accepting_after_the_employee_moved_elsewhere_is_a_conflict(
    employee, dph, coordinator, other_coordinator, moved
):
    proposed = transfers.transfer_start(
        by=coordinator, employee=employee, to_agency=dph, effective_on=dt.date(2026, 6, 20)
    ).transfer
    moved(JUNE_1, to=AgencyFactory(code="DHCS"))  # an administrator moved them meanwhile

    with pytest.raises(StateConflict):
        transfers.transfer_accept(by=other_coordinator, transfer=proposed)
    employee.refresh_from_db()
    assert employee.agency.code == "DHCS"
