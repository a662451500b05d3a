"""A transfer and leave accounting: hours dated before the move are sent by the old agency,
later ones by the new, each once; a move cannot reach back into a month already sent."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Sum

from accounting import selectors, services
from accounting.models import BatchLine
from agencies.models import Transfer
from hours.models import LeaveRequest
from hours.services import transfers
from ledger.models import LedgerEntry
from tests.conftest import pin_today

from .conftest import on


def test_a_transfer_backdated_into_a_sent_month_is_refused(
    employee, dph, coordinator, admin_user, approved
):
    approved(employee, 2, on(6, 5))
    services.batch_send(agency=employee.agency, period=on(6, 1), by=coordinator)
    ledger_before = LedgerEntry.objects.count()

    with pytest.raises(ValidationError) as error:
        transfers.transfer_start(
            by=admin_user, employee=employee, to_agency=dph, effective_on=on(6, 20)
        )
    assert "effective_on" in error.value.message_dict
    assert "June" in error.value.message_dict["effective_on"][0]
    assert not Transfer.objects.exists()
    assert LedgerEntry.objects.count() == ledger_before
    employee.refresh_from_db()
    assert employee.agency.code == "DOT"

    # From the first day after the sent month, the move is fine.
    outcome = transfers.transfer_start(
        by=admin_user, employee=employee, to_agency=dph, effective_on=on(7, 1)
    )
    assert outcome.transfer.status == Transfer.Status.DONE


def test_the_api_names_the_field_of_a_backdated_transfer(
    client_for, employee, dph, coordinator, approved
):
    approved(employee, 2, on(6, 5))
    services.batch_send(agency=employee.agency, period=on(6, 1), by=coordinator)
    response = client_for(coordinator).post(
        "/api/v1/transfers/",
        {"employee": employee.pk, "to_agency": "DPH", "effective_on": str(on(6, 30))},
        format="json",
    )
    assert response.status_code == 400
    assert "effective_on" in response.json()
    assert not Transfer.objects.exists()


def test_each_agency_sends_the_hours_dated_while_the_employee_was_theirs(
    employee, dot, dph, dph_pilot, coordinator, other_coordinator, admin_user, approved, monkeypatch
):
    pin_today(monkeypatch, on(7, 31))  # the move of July 15 is done, and July is still open
    before = approved(employee, 3, on(7, 3))
    after = approved(employee, 5, on(7, 20))
    transfers.transfer_start(
        by=admin_user, employee=employee, to_agency=dph, effective_on=on(7, 15)
    )

    dot_lines = selectors.unsent_lines(agency=dot, period=on(7, 1))
    dph_lines = selectors.unsent_lines(agency=dph, period=on(7, 1))
    assert [line.request_id for line in dot_lines] == [before.pk]
    assert [line.request_id for line in dph_lines] == [after.pk]

    services.batch_send(agency=dot, period=on(7, 1), by=coordinator)
    services.batch_send(agency=dph, period=on(7, 1), by=other_coordinator)
    sent = BatchLine.objects.aggregate(total=Sum("hours"))["total"]
    approved_hours = LeaveRequest.objects.filter(status="approved").aggregate(t=Sum("hours"))["t"]
    assert sent == approved_hours == 8
    assert BatchLine.objects.get(request=before).batch.agency == dot
    assert BatchLine.objects.get(request=after).batch.agency == dph
    call_command("check_balances")


def test_accepting_after_the_old_agency_sent_the_month_is_refused(
    employee, dph, coordinator, other_coordinator, approved
):
    proposed = transfers.transfer_start(
        by=coordinator, employee=employee, to_agency=dph, effective_on=on(6, 20)
    ).transfer
    approved(employee, 2, on(6, 5))
    services.batch_send(agency=employee.agency, period=on(6, 1), by=coordinator)

    with pytest.raises(ValidationError) as error:
        transfers.transfer_accept(by=other_coordinator, transfer=proposed)
    assert "effective_on" in error.value.message_dict
    proposed.refresh_from_db()
    assert proposed.status == Transfer.Status.PROPOSED
    employee.refresh_from_db()
    assert employee.agency.code == "DOT"
