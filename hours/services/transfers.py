"""Moving an employee to another agency on a date.

The sending agency's coordinator starts a transfer and the receiving agency's coordinator
accepts it (an administrator does both at once). On acceptance the employee's current agency
becomes the new one: their queue, their roster and their later hours go with them, while hours
and requests dated before the effective day stay with the old agency (hours.attribution).

The year is one year for the cap and the match: Balance rows are the person's and are not
touched. The transfer takes the year's lock all the same (hours.services.years.lock_year), so
that an approval of the same employee waits for it, or it for the approval, and the approval
then sees the employee where they are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from agencies import services as agency_services
from agencies.models import Agency, Employee, Enrollment, Pilot, Transfer
from agencies.roles import roles_of
from ledger import services as ledger
from ledger.models import LedgerEntry
from policy import dates, rules
from policy.errors import NotAllowed, StateConflict

from .reroute import requests_follow_supervisor
from .years import lock_year, notify

# Sent before a transfer is written, with `transfer` (unsaved or proposed). A receiver in a
# higher layer refuses it by raising ValidationError: leave accounting refuses a date inside a
# pay period the old agency has already sent (accounting/apps.py).
transfer_checking = Signal()

ONE_PER_DATE = "The employee already has a transfer on that date; cancel it or pick another date."


@dataclass(frozen=True)
class TransferOutcome:
    """A transfer and, once done, whether the employee is enrolled in the new agency."""

    transfer: Transfer
    enrolled: bool | None = None
    enrollment: Enrollment | None = None
    notice: str = ""


def check_transfer(*, transfer: Transfer) -> None:
    """The rules of a transfer, each a 400 naming its field: another agency, one transfer per
    date, after the last one, and not inside a pay period the old agency already sent."""
    employee = transfer.employee
    if transfer.to_agency_id == employee.agency_id:
        raise ValidationError(
            {"to_agency": f"{employee} is already in {employee.agency.code}; pick another agency."}
        )
    if transfer.from_agency_id != employee.agency_id:
        raise StateConflict(
            f"{employee} is now in {employee.agency.code}, no longer in "
            f"{transfer.from_agency.code}; this transfer can no longer be done."
        )
    others = Transfer.objects.filter(employee=employee).exclude(status=Transfer.Status.CANCELLED)
    if transfer.pk:
        others = others.exclude(pk=transfer.pk)
    if others.filter(effective_on=transfer.effective_on).exists():
        raise ValidationError({"effective_on": ONE_PER_DATE})
    last = others.filter(status=Transfer.Status.DONE).order_by("-effective_on").first()
    if last is not None and transfer.effective_on <= last.effective_on:
        raise ValidationError(
            {
                "effective_on": f"{employee} moved to {last.to_agency.code} on "
                f"{last.effective_on:%B %-d, %Y}; a later transfer takes effect after that day."
            }
        )
    transfer_checking.send(sender=Transfer, transfer=transfer)


def check_may_start(*, by, employee: Employee) -> None:
    if not roles_of(by).coordinates(employee.agency_id):
        raise NotAllowed(f"Only a coordinator of {employee.agency.code} can transfer {employee}.")
    rules.check_not_self(actor_user_id=by.pk, owner_user_id=employee.user_id, action="transfer")


def check_may_accept(*, by, transfer: Transfer) -> None:
    if not roles_of(by).coordinates(transfer.to_agency_id):
        raise NotAllowed(
            f"Only a coordinator of {transfer.to_agency.code}, the receiving agency, can accept "
            "this transfer."
        )
    rules.check_not_self(
        actor_user_id=by.pk, owner_user_id=transfer.employee.user_id, action="accept a transfer of"
    )


def check_may_cancel(*, by, transfer: Transfer) -> None:
    roles = roles_of(by)
    if not (roles.coordinates(transfer.from_agency_id) or roles.coordinates(transfer.to_agency_id)):
        raise NotAllowed("Only a coordinator of the sending or the receiving agency can cancel it.")


def transfer_start(
    *, by, employee: Employee, to_agency: Agency, effective_on: dt.date
) -> TransferOutcome:
    """Start moving `employee` to `to_agency` from `effective_on`. Done at once when `by` also
    coordinates the receiving agency (an administrator does); otherwise proposed, until a
    coordinator of the receiving agency accepts it."""
    check_may_start(by=by, employee=employee)
    try:
        with transaction.atomic():
            employee = _locked_employee(employee.pk)
            transfer = Transfer(
                employee=employee,
                from_agency=employee.agency,
                to_agency=to_agency,
                effective_on=effective_on,
                started_by=by,
            )
            check_transfer(transfer=transfer)
            transfer.save(force_insert=True)
            ledger.record(
                kind=LedgerEntry.Kind.TRANSFER_STARTED,
                subject=transfer,
                agency_id=transfer.from_agency_id,
                actor=by,
                employee_id=employee.pk,
                data=_data(transfer),
            )
            if roles_of(by).coordinates(to_agency.pk):
                return _complete(transfer=transfer, by=by)
            return TransferOutcome(transfer=transfer)
    except IntegrityError as error:
        # A transfer on the same date written meanwhile: the database constraint refused ours
        # (outside the transaction, so the rollback came first).
        raise ValidationError({"effective_on": ONE_PER_DATE}) from error


def transfer_accept(*, by, transfer: Transfer) -> TransferOutcome:
    """The receiving agency's coordinator accepts a proposed transfer, which then takes effect."""
    check_may_accept(by=by, transfer=transfer)
    with transaction.atomic():
        _locked_employee(transfer.employee_id)
        transfer = _locked_transfer(transfer.pk)
        if transfer.status != Transfer.Status.PROPOSED:
            raise StateConflict(f"This transfer is {transfer.get_status_display().lower()}.")
        check_transfer(transfer=transfer)
        return _complete(transfer=transfer, by=by)


def transfer_cancel(*, by, transfer: Transfer) -> Transfer:
    """A proposed transfer is withdrawn by either agency's coordinator; a done one stays done
    (a move back is a transfer of its own)."""
    check_may_cancel(by=by, transfer=transfer)
    with transaction.atomic():
        transfer = _locked_transfer(transfer.pk)
        if transfer.status != Transfer.Status.PROPOSED:
            raise StateConflict(
                f"This transfer is {transfer.get_status_display().lower()}, so it cannot be "
                "cancelled; a move back is a transfer of its own."
            )
        transfer.status = Transfer.Status.CANCELLED
        transfer.cancelled_by = by
        transfer.cancelled_at = timezone.now()
        transfer.save(update_fields=["status", "cancelled_by", "cancelled_at"])
        ledger.record(
            kind=LedgerEntry.Kind.TRANSFER_CANCELLED,
            subject=transfer,
            agency_id=transfer.from_agency_id,
            actor=by,
            employee_id=transfer.employee_id,
            data=_data(transfer),
        )
    return transfer


# --- Helpers ------------------------------------------------------------------------------------


def _locked_employee(employee_id: int) -> Employee:
    """The employee's row, locked against another transfer. FOR NO KEY UPDATE: an approval
    holding the year's lock still writes rows that point at the employee (its ledger entry),
    which FOR UPDATE would block while we wait for that same year: a deadlock."""
    return (
        Employee.objects.select_for_update(of=("self",), no_key=True)
        .select_related("agency", "user")
        .get(pk=employee_id)
    )


def _locked_transfer(transfer_id: int) -> Transfer:
    return (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("employee__agency", "employee__user", "from_agency", "to_agency")
        .get(pk=transfer_id)
    )


def _data(transfer: Transfer) -> dict:
    return {
        "from_agency": transfer.from_agency.code,
        "to_agency": transfer.to_agency.code,
        "effective_on": str(transfer.effective_on),
    }


def _years_to_lock(effective_on: dt.date) -> range:
    """The years whose entries the move splits or carries: the effective day's, up to this one
    (in order, as every service locks one year at a time)."""
    return range(effective_on.year, max(effective_on.year, dates.today().year) + 1)


def _complete(*, transfer: Transfer, by) -> TransferOutcome:
    """Inside the transaction, with the employee locked and the transfer checked."""
    if transfer.effective_on > dates.today():
        # The employee's agency (and with it their queue) changes when the transfer is done:
        # not before the day it takes effect. A proposal may name a later day.
        raise ValidationError(
            {
                "effective_on": f"This transfer takes effect on "
                f"{transfer.effective_on:%B %-d, %Y}; it can be done from that day on."
            }
        )
    employee = transfer.employee
    for year in _years_to_lock(transfer.effective_on):
        lock_year(employee_id=employee.pk, year=year)
    old_lines = list(
        Enrollment.objects.select_for_update()
        .filter(
            employee=employee,
            pilot__agency_id=transfer.from_agency_id,
            status=Enrollment.Status.ACTIVE,
            commitment_ends_on__gte=transfer.effective_on,
        )
        .select_related("pilot", "organization", "employee")
    )
    for line in old_lines:
        roster_line_end_for_transfer(by=by, enrollment=line, on=transfer.effective_on)

    employee.agency = transfer.to_agency
    employee.supervisor = None
    employee.transferred_on = transfer.effective_on
    employee.save(update_fields=["agency", "supervisor", "transferred_on"])
    # The supervisor was a person of the old agency: requests still waiting for them go to the
    # new agency's coordinator, whose queue follows the employee's current agency.
    passed_on = requests_follow_supervisor(
        None,
        employees=[employee],
        by=by,
        because=f"Passed to the coordinator of {transfer.to_agency.code} by a transfer.",
    )
    transfer.status = Transfer.Status.DONE
    transfer.accepted_by = by
    transfer.accepted_at = timezone.now()
    transfer.save(update_fields=["status", "accepted_by", "accepted_at"])

    enrollment, notice = _enrol_in_new_agency(transfer=transfer, old_lines=old_lines, by=by)
    ledger.record(
        kind=LedgerEntry.Kind.TRANSFER_DONE,
        subject=transfer,
        agency_id=transfer.to_agency_id,
        actor=by,
        employee_id=employee.pk,
        data=_data(transfer)
        | {
            "roster_lines_ended": [line.pk for line in old_lines],
            "requests_passed_on": passed_on,
            "enrolled": enrollment is not None,
        },
    )
    notify(
        employee,
        f"You moved to {transfer.to_agency.code}",
        f"Your mentoring year moves with you to {transfer.to_agency.name} from "
        f"{transfer.effective_on:%B %-d, %Y}: your hours, requests and balance stay as they "
        f"are. {notice}",
    )
    return TransferOutcome(
        transfer=transfer, enrolled=enrollment is not None, enrollment=enrollment, notice=notice
    )


def roster_line_end_for_transfer(*, by, enrollment: Enrollment, on: dt.date) -> None:
    """End the old agency's roster line from the transfer day: enrolled before it, not from it
    on. Not the withdrawal service: a withdrawal cancels the requests dated after it, and a
    transfer carries them to the new agency instead."""
    ended_on = max(on, enrollment.commitment_starts_on)
    changed = agency_services.field_changes(
        enrollment, {"status": Enrollment.Status.WITHDRAWN, "withdrawn_on": ended_on}
    )
    enrollment.status = Enrollment.Status.WITHDRAWN
    enrollment.withdrawn_on = ended_on
    enrollment.save(update_fields=["status", "withdrawn_on", "updated_at"])
    ledger.record(
        kind=LedgerEntry.Kind.ENROLLMENT_UPDATED,
        subject=enrollment,
        agency_id=enrollment.pilot.agency_id,
        actor=by,
        employee_id=enrollment.employee_id,
        reason="Transferred to another agency.",
        data=changed,
    )


def _enrol_in_new_agency(
    *, transfer: Transfer, old_lines: list[Enrollment], by
) -> tuple[Enrollment | None, str]:
    """The commitment to mentor is the person's: it carries over to the new agency's pilot
    running on the effective day. Without one, the employee is not enrolled, and is told so."""
    day = f"{transfer.effective_on:%B %-d, %Y}"
    to = transfer.to_agency
    pilot = (
        Pilot.objects.filter(
            agency=to,
            status=Pilot.Status.ACTIVE,
            starts_on__lte=transfer.effective_on,
            ends_on__gte=transfer.effective_on,
        )
        .order_by("starts_on", "pk")
        .first()
    )
    if pilot is None:
        return None, (
            f"{to.code} has no active mentoring pilot on {day}, so the employee is not enrolled "
            "from that day: hours dated from then on do not count until they are."
        )
    if not old_lines:
        return None, (
            f"The employee had no active roster line to carry over, so they are not enrolled in "
            f"{to.code}; its coordinator can add them to the {pilot.name} roster."
        )
    line = old_lines[0]
    try:
        enrollment = agency_services.enrollment_create(
            by=by,
            employee=transfer.employee,
            pilot=pilot,
            organization=line.organization,
            commitment_starts_on=line.commitment_starts_on,
            commitment_ends_on=line.commitment_ends_on,
        )
    except (ValidationError, rules.PolicyViolation, NotAllowed) as error:
        reason = getattr(error, "detail", None) or "; ".join(
            getattr(error, "messages", [str(error)])
        )
        return None, (
            f"The employee is not enrolled in {to.code}: the {pilot.name} roster refused the "
            f"line ({reason}). Its coordinator can add them once that is settled."
        )
    return enrollment, f"The employee is enrolled on the {pilot.name} roster of {to.code}."
