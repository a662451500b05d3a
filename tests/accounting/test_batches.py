"""A month is sent as a frozen batch; later approvals and reversals go into the next batch."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, transaction

from accounting import selectors, services
from accounting.models import AccountingSetting, Batch, BatchLine
from hours import services as hours_services
from hours.models import Balance, LeaveRequest
from ledger.models import LedgerEntry
from policy.errors import NotAllowed

from .conftest import on

pytestmark = pytest.mark.django_db


def send(agency, month: int, by):
    return services.batch_send(agency=agency, period=on(month, 1), by=by)


def lines_of(batch) -> list[tuple]:
    return list(
        BatchLine.objects.filter(batch=batch)
        .order_by("line")
        .values_list("employee_id", "date", "hours", "late", "month", "undoes_id")
    )


def test_a_month_reversal_and_late_approval_reach_the_next_batch_exactly(
    dot, employee, second_employee, coordinator, approved
):
    first = approved(employee, 4, on(6, 3))
    approved(employee, 2, on(6, 10))
    approved(second_employee, 3, on(6, 5))

    june = send(dot, 6, coordinator)

    assert (june.number, june.period, june.leave_type) == (1, on(6, 1), "Mentoring leave")
    assert lines_of(june) == [
        (employee.pk, on(6, 3), Decimal("4.00"), False, on(6, 1), None),
        (employee.pk, on(6, 10), Decimal("2.00"), False, on(6, 1), None),
        (second_employee.pk, on(6, 5), Decimal("3.00"), False, on(6, 1), None),
    ]
    first_line = BatchLine.objects.get(batch=june, request=first)

    hours_services.leave_request_reverse(request=first, by=coordinator, reason="Not taken")
    late = approved(second_employee, 1.5, on(6, 20))

    july = send(dot, 7, coordinator)

    assert july.number == 2
    assert lines_of(july) == [
        (employee.pk, on(6, 3), Decimal("-4.00"), True, on(6, 1), first_line.pk),
        (second_employee.pk, on(6, 20), Decimal("1.50"), True, on(6, 1), None),
    ]
    assert BatchLine.objects.get(batch=july, request=late).undoes_id is None
    # June's batch is as it was sent.
    assert len(lines_of(june)) == 3
    for person in (employee, second_employee):
        sent = sum(BatchLine.objects.filter(employee=person).values_list("hours", flat=True))
        assert sent == Balance.objects.get(employee=person, year=on(1, 1).year).paid_approved
    assert sent == Decimal("4.50")
    assert selectors.reconciled().differences == []
    call_command("check_balances")


def test_each_batch_and_adjustment_is_in_the_ledger(dot, employee, coordinator, approved):
    request = approved(employee, 4, on(6, 3))
    june = send(dot, 6, coordinator)
    hours_services.leave_request_reverse(request=request, by=coordinator, reason="Not taken")
    july = send(dot, 7, coordinator)

    batches = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.ACCOUNTING_BATCH_SENT)
    assert sorted(batches.values_list("subject_id", "actor_id", "agency_id")) == [
        (june.pk, coordinator.pk, dot.pk),
        (july.pk, coordinator.pk, dot.pk),
    ]
    assert batches.get(subject_id=july.pk).data == {
        "batch": 2,
        "period": f"{on(7, 1):%Y-%m}",
        "lines": 1,
        "hours": "-4.00",
        "late_lines": 1,
        "adjustments": 1,
    }
    adjustment = LedgerEntry.objects.get(kind=LedgerEntry.Kind.ACCOUNTING_ADJUSTMENT_SENT)
    assert adjustment.employee_id == employee.pk
    assert adjustment.data["undoes_batch"] == 1 and adjustment.data["undoes_line"] == 1


def test_a_request_cancelled_before_its_date_is_undone_after_being_sent(
    dot, employee, coordinator, approved
):
    """Leave approved ahead inside the current month is sent with it; cancelling it later
    sends a negative line next time."""
    request = approved(employee, 2, on(7, 25))
    send(dot, 7, coordinator)
    hours_services.leave_request_cancel(request=request, by=employee.user, reason="Plans changed")

    lines = selectors.unsent_lines(agency=dot, period=on(7, 1))

    assert [(line.hours, line.undoes_batch, line.undoes_line) for line in lines] == [
        (Decimal("-2.00"), 1, 1)
    ]


def test_a_later_month_is_not_in_an_earlier_batch(dot, employee, coordinator, approved):
    approved(employee, 2, on(6, 3))
    approved(employee, 2, on(7, 2))

    june = send(dot, 6, coordinator)

    assert [line[1] for line in lines_of(june)] == [on(6, 3)]
    assert [line.date for line in selectors.unsent_lines(agency=dot, period=on(7, 1))] == [on(7, 2)]


def test_pending_denied_and_other_agencies_leave_is_not_sent(
    dot, employee, other_employee, coordinator, approved, verified_hours
):
    approved(employee, 2, on(6, 3))
    verified_hours(employee, 2, 0)
    hours_services.leave_request_create(
        employee=employee,
        by=employee.user,
        date=on(6, 4),
        hours=Decimal("2"),
        organization=employee.enrollments.first().organization,
    )

    june = send(dot, 6, coordinator)

    assert [line[1] for line in lines_of(june)] == [on(6, 3)]


def test_sending_an_empty_month_is_refused_with_a_reason(dot, coordinator):
    with pytest.raises(ValidationError) as error:
        send(dot, 6, coordinator)

    assert "Nothing to send" in error.value.message_dict["period"][0]
    assert not Batch.objects.exists()
    assert not LedgerEntry.objects.filter(kind__startswith="accounting.").exists()


def test_a_month_is_sent_once(dot, employee, coordinator, approved):
    approved(employee, 2, on(6, 3))
    send(dot, 6, coordinator)
    approved(employee, 2, on(6, 4))

    with pytest.raises(ValidationError) as error:
        send(dot, 6, coordinator)

    assert "already sent as batch 1" in error.value.message_dict["period"][0]
    assert Batch.objects.count() == 1


def test_an_earlier_month_cannot_be_sent_after_a_later_one(dot, employee, coordinator, approved):
    approved(employee, 2, on(7, 3))
    send(dot, 7, coordinator)
    approved(employee, 2, on(6, 3))

    with pytest.raises(ValidationError) as error:
        send(dot, 6, coordinator)

    assert "next month's batch as late lines" in error.value.message_dict["period"][0]
    assert Batch.objects.count() == 1


def test_only_the_agencys_coordinators_and_administrators_send(
    dot, employee, coordinator, other_coordinator, workgroup, admin_user, approved
):
    approved(employee, 2, on(6, 3))
    for outsider in (other_coordinator, workgroup, employee.user):
        with pytest.raises(NotAllowed):
            send(dot, 6, outsider)
    assert not Batch.objects.exists()

    assert send(dot, 6, admin_user).sent_by == admin_user


def test_the_agencys_leave_type_label_is_frozen_into_the_batch(
    dot, employee, coordinator, approved
):
    AccountingSetting.objects.create(agency=dot, leave_type="MENTOR LV")
    approved(employee, 2, on(6, 3))
    june = send(dot, 6, coordinator)
    AccountingSetting.objects.filter(agency=dot).update(leave_type="Other")

    assert Batch.objects.get(pk=june.pk).leave_type == "MENTOR LV"
    assert selectors.batch_export(june).leave_type == "MENTOR LV"


def test_the_database_refuses_a_request_sent_twice(dot, employee, coordinator, approved):
    request = approved(employee, 2, on(6, 3))
    june = send(dot, 6, coordinator)
    line = BatchLine.objects.get(batch=june)
    line.pk, line.line = None, 2

    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()
    assert BatchLine.objects.filter(request=request).count() == 1


def test_check_balances_fails_when_a_batch_disagrees_with_the_requests(
    dot, employee, coordinator, approved
):
    request = approved(employee, 2, on(6, 3))
    send(dot, 6, coordinator)
    out = StringIO()
    call_command("check_balances", stdout=out)
    assert "1 employee-years of leave accounting batches" in out.getvalue()
    # A raw change behind the services' back: the request now says 3 hours, the batch 2.
    LeaveRequest.objects.filter(pk=request.pk).update(hours=Decimal("3"))

    with pytest.raises(CommandError, match="difference"):
        call_command("check_balances", stdout=out)

    assert (
        f"employee {employee.pk} year {on(1, 1).year}: batches and lines to send give 2.00 "
        "hours but approved requests give 3.00"
    ) in out.getvalue()
    assert f"request {request.pk}: its batch lines add up to 2.00" in out.getvalue()


def test_the_database_refuses_to_change_a_sent_line(dot, employee, coordinator, approved):
    approved(employee, 2, on(6, 3))
    june = send(dot, 6, coordinator)

    with pytest.raises(DatabaseError, match="frozen"), transaction.atomic():
        BatchLine.objects.filter(batch=june).update(hours=Decimal("1"))
    with pytest.raises(DatabaseError, match="frozen"), transaction.atomic():
        Batch.objects.filter(pk=june.pk).update(leave_type="Other")
    assert BatchLine.objects.get(batch=june).hours == Decimal("2.00")
