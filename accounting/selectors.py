"""Reads for leave accounting: what is still to be sent, the batches, and each request's status.

Each read runs a fixed number of queries, whatever the number of lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from agencies.models import Agency
from hours.attribution import belonging_to
from hours.models import LeaveRequest

from . import periods
from .models import DEFAULT_LEAVE_TYPE, AccountingSetting, Batch, BatchLine

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Line:
    """A line of an export: sent (in a batch) or still to be sent."""

    employee_id: int
    employee_number: str
    employee_name: str
    request_id: int
    date: dt.date
    hours: Decimal
    month: dt.date
    late: bool
    approver_name: str
    approved_on: dt.date | None
    undoes_id: int | None = None
    undoes_batch: int | None = None
    undoes_line: int | None = None
    line: int | None = None

    @property
    def is_adjustment(self) -> bool:
        return self.undoes_id is not None


@dataclass
class Export:
    """One agency's lines for one pay period: a sent batch, or what is still to be sent."""

    agency: Agency
    period: dt.date
    leave_type: str
    lines: list[Line]
    batch: Batch | None = None
    totals: list[tuple[str, str, Decimal]] = field(default_factory=list)

    def __post_init__(self) -> None:
        by_employee: dict[tuple[str, str], Decimal] = {}
        for line in self.lines:
            key = (line.employee_number, line.employee_name)
            by_employee[key] = by_employee.get(key, ZERO) + line.hours
        self.totals = [(number, name, hours) for (number, name), hours in by_employee.items()]

    @property
    def total_hours(self) -> Decimal:
        return sum((line.hours for line in self.lines), ZERO)


def leave_type_of(agency: Agency) -> str:
    setting = AccountingSetting.objects.filter(agency=agency).first()
    return setting.leave_type if setting else DEFAULT_LEAVE_TYPE


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def _order(lines: Iterable[Line]) -> list[Line]:
    return sorted(
        lines, key=lambda x: (x.employee_number, x.date, x.request_id, x.undoes_id is not None)
    )


def unsent_lines(*, agency: Agency, period: dt.date) -> list[Line]:
    """What the next batch for `period` would hold, in two queries:

    - approved requests dated up to the period's last day and never sent (late when their
      month is before the period);
    - a negative line for every sent line whose request is no longer approved (cancelled or
      reversed after it was sent) and that no earlier adjustment undid.
    """
    end = periods.last_day(period)
    sent = BatchLine.objects.filter(request=OuterRef("pk"), undoes__isnull=True)
    approved = (
        belonging_to(
            LeaveRequest.objects.filter(status=LeaveRequest.Status.APPROVED, date__lte=end), agency
        )
        .filter(~Exists(sent))
        .select_related("employee__user", "approver")
    )
    lines = [
        Line(
            employee_id=request.employee_id,
            employee_number=request.employee.employee_number,
            employee_name=_name(request.employee.user),
            request_id=request.pk,
            date=request.date,
            hours=request.hours,
            month=periods.month_of(request.date),
            late=periods.month_of(request.date) < period,
            approver_name=_name(request.approver),
            approved_on=_local_date(request.decided_at),
        )
        for request in approved.iterator(chunk_size=2000)
    ]
    to_undo = (
        BatchLine.objects.filter(batch__agency=agency, undoes__isnull=True, undone_by__isnull=True)
        .exclude(request__status=LeaveRequest.Status.APPROVED)
        .select_related("batch")
    )
    lines += [
        Line(
            employee_id=sent_line.employee_id,
            employee_number=sent_line.employee_number,
            employee_name=sent_line.employee_name,
            request_id=sent_line.request_id,
            date=sent_line.date,
            hours=-sent_line.hours,
            month=sent_line.month,
            late=sent_line.month < period,
            approver_name=sent_line.approver_name,
            approved_on=sent_line.approved_on,
            undoes_id=sent_line.pk,
            undoes_batch=sent_line.batch.number,
            undoes_line=sent_line.line,
        )
        for sent_line in to_undo
    ]
    return _order(lines)


def unsent_export(*, agency: Agency, period: dt.date) -> Export:
    return Export(
        agency=agency,
        period=period,
        leave_type=leave_type_of(agency),
        lines=unsent_lines(agency=agency, period=period),
    )


def batch_export(batch: Batch) -> Export:
    """A sent batch, exactly as it was sent: only its frozen lines are read."""
    rows = BatchLine.objects.filter(batch=batch).select_related("undoes__batch").order_by("line")
    lines = [
        Line(
            employee_id=row.employee_id,
            employee_number=row.employee_number,
            employee_name=row.employee_name,
            request_id=row.request_id,
            date=row.date,
            hours=row.hours,
            month=row.month,
            late=row.late,
            approver_name=row.approver_name,
            approved_on=row.approved_on,
            undoes_id=row.undoes_id,
            undoes_batch=row.undoes.batch.number if row.undoes else None,
            undoes_line=row.undoes.line if row.undoes else None,
            line=row.line,
        )
        for row in rows
    ]
    return Export(
        agency=batch.agency,
        period=batch.period,
        leave_type=batch.leave_type,
        lines=lines,
        batch=batch,
    )


def batches_of(agency: Agency):
    """The agency's batches, newest first, with their line count and hours."""
    return (
        Batch.objects.filter(agency=agency)
        .select_related("agency", "sent_by")
        .annotate(
            line_count=Count("lines"),
            total_hours=Sum("lines__hours"),
            adjustments=Count("lines", filter=Q(lines__undoes__isnull=False)),
        )
        .order_by("-number")
    )


def last_sent_period(agency: Agency) -> dt.date | None:
    return Batch.objects.filter(agency=agency).aggregate(last=Max("period"))["last"]


def unsent_by_month(*, agency: Agency) -> dict[dt.date, tuple[int, Decimal]]:
    """Approved hours not yet sent, by the month of their date: {month: (requests, hours)}."""
    sent = BatchLine.objects.filter(request=OuterRef("pk"), undoes__isnull=True)
    rows = (
        belonging_to(LeaveRequest.objects.filter(status=LeaveRequest.Status.APPROVED), agency)
        .filter(~Exists(sent))
        .values_list("date", "hours")
    )
    months: dict[dt.date, tuple[int, Decimal]] = {}
    for day, hours in rows:
        count, total = months.get(periods.month_of(day), (0, ZERO))
        months[periods.month_of(day)] = (count + 1, total + hours)
    return months


@dataclass(frozen=True)
class RequestStatus:
    """Where one request stands with leave accounting."""

    request_id: int
    date: dt.date
    hours: Decimal
    status: str
    sent_in: Batch | None
    undone_in: Batch | None

    @property
    def sent(self) -> bool:
        return self.sent_in is not None


def batches_for_requests(request_ids: Iterable[int]) -> dict[int, tuple[Batch, Batch | None]]:
    """{request id: (the batch that sent it, the batch that undid it or None)} for the requests
    that were sent, in one query."""
    sent_in: dict[int, Batch] = {}
    undone_in: dict[int, Batch] = {}
    lines = BatchLine.objects.filter(request_id__in=list(request_ids)).select_related("batch")
    for line in lines:
        (undone_in if line.undoes_id else sent_in)[line.request_id] = line.batch
    return {pk: (batch, undone_in.get(pk)) for pk, batch in sent_in.items()}


def request_statuses(*, employee_id: int, year: int) -> list[RequestStatus]:
    """For each of the employee's requests of the year that is approved or was ever sent: the
    batch that sent it and the batch that undid it, in two queries."""
    sent = BatchLine.objects.filter(request=OuterRef("pk"))
    requests = list(
        LeaveRequest.objects.filter(employee_id=employee_id, date__year=year)
        .filter(Q(status=LeaveRequest.Status.APPROVED) | Exists(sent))
        .order_by("date", "pk")
    )
    batches = batches_for_requests(r.pk for r in requests)
    return [
        RequestStatus(
            request_id=r.pk,
            date=r.date,
            hours=r.hours,
            status=r.status,
            sent_in=batches.get(r.pk, (None, None))[0],
            undone_in=batches.get(r.pk, (None, None))[1],
        )
        for r in requests
    ]


@dataclass
class AccountingReport:
    checked: int
    differences: list[str]


def _by_employee_year(rows) -> dict[tuple[int, int], Decimal]:
    return {(row["employee_id"], row["y"]): row["total"] or ZERO for row in rows}


def reconciled() -> AccountingReport:
    """Every employee's batches against their requests, in five aggregating queries.

    For every employee and year, the sum of all batch lines, plus the lines still waiting to be
    sent (approved hours never sent, less the adjustments of requests cancelled or reversed
    after sending), equals the hours of approved, not cancelled or reversed, requests. Once
    everything is sent, the batches alone equal the approved hours. And every request's lines
    add up to nothing (never sent, or sent and undone) or to its hours."""
    year = ExtractYear("date")
    approved = LeaveRequest.objects.filter(status=LeaveRequest.Status.APPROVED).annotate(y=year)
    sent = BatchLine.objects.filter(request=OuterRef("pk"), undoes__isnull=True)
    want = _by_employee_year(approved.values("employee_id", "y").annotate(total=Sum("hours")))
    to_send = _by_employee_year(
        approved.filter(~Exists(sent)).values("employee_id", "y").annotate(total=Sum("hours"))
    )
    lines = BatchLine.objects.annotate(y=year)
    in_batches = _by_employee_year(lines.values("employee_id", "y").annotate(total=Sum("hours")))
    to_undo = _by_employee_year(
        lines.filter(undoes__isnull=True, undone_by__isnull=True)
        .exclude(request__status=LeaveRequest.Status.APPROVED)
        .values("employee_id", "y")
        .annotate(total=Sum("hours"))
    )
    differences = []
    keys = sorted(set(want) | set(in_batches) | set(to_send) | set(to_undo))
    for key in keys:
        have = in_batches.get(key, ZERO) + to_send.get(key, ZERO) - to_undo.get(key, ZERO)
        if have != want.get(key, ZERO):
            differences.append(
                f"employee {key[0]} year {key[1]}: batches and lines to send give {have:.2f} "
                f"hours but approved requests give {want.get(key, ZERO):.2f}"
            )
    odd = (
        BatchLine.objects.values("request_id", "request__hours")
        .annotate(total=Sum("hours"))
        .exclude(total=0)
        .exclude(total=F("request__hours"))
        .order_by("request_id")
    )
    for row in odd:
        differences.append(
            f"request {row['request_id']}: its batch lines add up to {row['total']:.2f}, "
            f"neither 0 nor its {row['request__hours']:.2f} hours"
        )
    return AccountingReport(checked=len(keys), differences=differences)
