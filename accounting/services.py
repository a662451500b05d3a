"""Sending a pay period to leave accounting: one frozen, numbered batch, written once."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from agencies.models import Agency
from agencies.roles import roles_of
from ledger import services as ledger
from ledger.models import LedgerEntry
from policy.errors import NotAllowed

from . import periods, selectors
from .models import Batch, BatchLine


def batch_send(*, agency: Agency, period: dt.date, by, now: dt.datetime | None = None) -> Batch:
    """Freeze what is still to be sent for `period` into the agency's next batch.

    The agency's row is locked for the whole transaction, so two coordinators sending at once
    are served one after the other: the second finds the period already sent. Periods are sent
    in order; what is approved later for a sent month goes into the next batch as a late line.
    `by` is None only from the command line, whose operator is trusted (no actor is recorded).
    """
    if by is not None and not roles_of(by).coordinates(agency.pk):
        raise NotAllowed(f"Only a coordinator of {agency.code} sends its leave to accounting.")
    with transaction.atomic():
        Agency.objects.select_for_update().filter(pk=agency.pk).first()
        last = Batch.objects.filter(agency=agency, period__gte=period).order_by("-period").first()
        if last is not None and last.period == period:
            raise ValidationError(
                {"period": f"{periods.label(period)} was already sent as batch {last.number}."}
            )
        if last is not None:
            raise ValidationError(
                {
                    "period": f"{periods.label(last.period)} is already sent, so "
                    f"{periods.label(period)} can no longer be; what is left for it goes into "
                    "the next month's batch as late lines."
                }
            )
        export = selectors.unsent_export(agency=agency, period=period)
        if not export.lines:
            raise ValidationError(
                {
                    "period": f"Nothing to send for {periods.label(period)}: no approved "
                    "mentoring leave or adjustment is waiting."
                }
            )
        number = (Batch.objects.filter(agency=agency).aggregate(n=Max("number"))["n"] or 0) + 1
        batch = Batch.objects.create(
            agency=agency,
            number=number,
            period=period,
            leave_type=export.leave_type,
            sent_at=now or timezone.now(),
            sent_by=by,
        )
        rows = BatchLine.objects.bulk_create(
            [
                BatchLine(
                    batch=batch,
                    line=index,
                    employee_id=line.employee_id,
                    employee_number=line.employee_number,
                    employee_name=line.employee_name,
                    request_id=line.request_id,
                    date=line.date,
                    hours=line.hours,
                    month=line.month,
                    late=line.late,
                    approver_name=line.approver_name,
                    approved_on=line.approved_on,
                    undoes_id=line.undoes_id,
                )
                for index, line in enumerate(export.lines, 1)
            ]
        )
        adjustments = [
            (row, line) for row, line in zip(rows, export.lines, strict=True) if line.undoes_id
        ]
        ledger.record(
            kind=LedgerEntry.Kind.ACCOUNTING_BATCH_SENT,
            subject=batch,
            agency_id=agency.pk,
            actor=by,
            data={
                "batch": number,
                "period": periods.code(period),
                "lines": len(rows),
                "hours": str(export.total_hours),
                "late_lines": sum(1 for line in export.lines if line.late),
                "adjustments": len(adjustments),
            },
        )
        for row, line in adjustments:
            ledger.record(
                kind=LedgerEntry.Kind.ACCOUNTING_ADJUSTMENT_SENT,
                subject=row,
                agency_id=agency.pk,
                actor=by,
                employee_id=line.employee_id,
                year=line.date.year,
                data={
                    "batch": number,
                    "line": row.line,
                    "request": line.request_id,
                    "hours": str(line.hours),
                    "undoes_batch": line.undoes_batch,
                    "undoes_line": line.undoes_line,
                },
            )
    return batch
