"""The leave accounting export: one agency's lines for one pay period, as xlsx or csv.

Built only from the lines it is given (a sent batch's frozen lines, or what is still to be
sent), so a sent batch downloads as the same file every time: the workbook's document dates
and the zip's entry dates are the batch's sending time, and only the title's "Generated ..."
sentence (the download time) changes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import zipfile
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from accounting import periods
from accounting.selectors import Export, Line

from .workbooks import (
    COUNT,
    DATE,
    HOURS,
    MONTH,
    PACIFIC,
    TEXT,
    Column,
    Heading,
    TableWorkbook,
    _definitions_sheet,
    _generated,
    _generated_short,
    write_table,
)
from .workbooks import Line as Row

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

LINE_COLUMNS = [
    Column("Line", COUNT, "The line's number within the batch (blank while not yet sent)."),
    Column("Employee number", TEXT, "The employee's identifier, kept as text."),
    Column("Employee", TEXT, "The employee's name as recorded when the line was sent."),
    Column("Date", DATE, "The date of the mentoring leave."),
    Column("Hours", HOURS, "Hours of leave to key; negative on an adjustment line."),
    Column("Leave type", TEXT, "The leave type as the agency's leave accounting names it."),
    Column("Month", MONTH, "The month the date belongs to."),
    Column("Late", TEXT, "Yes when the date belongs to a month before this pay period."),
    Column("Request", COUNT, "The leave request's number in the mentoring-leave tracker."),
    Column("Approver", TEXT, "Who approved the request."),
    Column("Approved on", DATE, "The date it was approved (Pacific time)."),
    Column(
        "Undoes",
        TEXT,
        "On an adjustment: the batch and line it undoes, because the request was cancelled or "
        "reversed after it was sent.",
    ),
]
TOTAL_COLUMNS = [
    Column("Employee number", TEXT, "The employee's identifier, kept as text."),
    Column("Employee", TEXT, "The employee's name."),
    Column("Hours", HOURS, "The sum of the employee's lines in this export."),
]


def _undoes(line: Line) -> str:
    return f"Batch {line.undoes_batch} line {line.undoes_line}" if line.undoes_id else ""


def _values(line: Line, leave_type: str) -> list[Any]:
    return [
        line.line,
        line.employee_number,
        line.employee_name,
        line.date,
        line.hours,
        leave_type,
        line.month,
        "Yes" if line.late else "No",
        line.request_id,
        line.approver_name,
        line.approved_on,
        _undoes(line),
    ]


def filename(export: Export, extension: str) -> str:
    code = periods.code(export.period)
    if export.batch is not None:
        return (
            f"leave-accounting-{export.agency.code}-{code}-batch-{export.batch.number}.{extension}"
        )
    return f"leave-accounting-{export.agency.code}-{code}-unsent.{extension}"


def _what(export: Export) -> str:
    where = f"{export.agency.code}, {export.agency.name}"
    if export.batch is None:
        return f"Leave accounting, {periods.label(export.period)}, not yet sent: {where}"
    return f"Leave accounting, {periods.label(export.period)}, batch {export.batch.number}: {where}"


def _note(export: Export, now: dt.datetime | None) -> str:
    note = _generated(now)
    if export.batch is not None:
        sent = export.batch.sent_at.astimezone(PACIFIC)
        note += (
            f" Sent {sent:%B} {sent.day}, {sent.year} at {sent.hour % 12 or 12}:{sent:%M %p};"
            " this batch never changes."
        )
    else:
        note += " These lines are not sent yet; the batch is made when the period is sent."
    if not export.lines:
        note += " Nothing to send for this period."
    return note + " Mentoring leave is leave, not time worked for overtime purposes."


def _fixed_moment(export: Export) -> dt.datetime:
    moment = export.batch.sent_at if export.batch is not None else None
    if moment is None:
        moment = dt.datetime.combine(periods.last_day(export.period), dt.time(), tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)


class _StampedZip(zipfile.ZipFile):
    """An archive whose every entry is dated `moment`: zipfile dates entries by the clock (or
    by the file written), which would make each download of a sent batch differ. openpyxl's
    writer hands it each part as it is made, so nothing is unpacked and packed a second time."""

    def __init__(self, file: IO[bytes], moment: dt.datetime) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.stamp = (
            max(moment.year, 1980),
            moment.month,
            moment.day,
            moment.hour,
            moment.minute,
            moment.second - moment.second % 2,
        )

    def _entry(self, name: str, mode: int) -> zipfile.ZipInfo:
        entry = zipfile.ZipInfo(name, date_time=self.stamp)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = mode << 16
        return entry

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None) -> None:
        name = getattr(zinfo_or_arcname, "filename", zinfo_or_arcname)
        super().writestr(self._entry(name, 0o600), data)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None) -> None:
        # A write-only sheet, copied from its temporary file in pieces.
        mode = os.stat(filename).st_mode & 0xFFFF
        entry = self._entry(arcname or os.path.basename(filename), mode)
        with open(filename, "rb") as source, self.open(entry, "w") as target:
            shutil.copyfileobj(source, target, 1 << 20)


def _save_stamped(wb: Workbook, moment: dt.datetime) -> bytes:
    """The workbook's bytes, its entries and its "modified" date set to `moment` (openpyxl's
    own save stamps the clock's time)."""
    wb.properties.modified = moment
    buffer = io.BytesIO()
    with _StampedZip(buffer, moment) as archive:
        ExcelWriter(wb, archive).save()
    return buffer.getvalue()


def build_xlsx(export: Export, *, now: dt.datetime | None = None) -> bytes:
    """Lines, Totals (per employee) and Definitions sheets."""
    wb = TableWorkbook()
    moment = _fixed_moment(export)
    wb.properties.created = moment
    wb.properties.creator = "Mentoring Leave Tracker"
    lines = wb.create_sheet("Lines")
    totals = wb.create_sheet("Totals")
    definitions = wb.create_sheet("Definitions")
    what, note, footer = _what(export), _note(export, now), _generated_short(now)
    # write_table sets each sheet's print setup: landscape, one page wide, headings repeated.
    write_table(
        lines,
        heading=Heading(what, note, footer),
        columns=LINE_COLUMNS,
        lines=(
            Row(_values(line, export.leave_type), alert=line.is_adjustment) for line in export.lines
        ),
        totals=["Total", None, None, None, export.total_hours, *[None] * 7],
    )
    write_table(
        totals,
        heading=Heading(f"{what}: hours per employee", note, footer),
        columns=TOTAL_COLUMNS,
        lines=(Row(list(row)) for row in export.totals),
        totals=["Total", None, export.total_hours],
    )
    _definitions_sheet(
        definitions,
        heading=Heading(f"{what}: what each column means", note, footer),
        sheets=[("Lines", LINE_COLUMNS), ("Totals", TOTAL_COLUMNS)],
    )
    return _save_stamped(wb, moment)


def _csv_text(value: str) -> str:
    # A spreadsheet opening the file must not run a typed name as a formula.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def build_csv(export: Export) -> bytes:
    """One row per line, the header first; typed text never starts a formula."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.header for column in LINE_COLUMNS])
    for line in export.lines:
        row = []
        for value, column in zip(_values(line, export.leave_type), LINE_COLUMNS, strict=True):
            if value is None:
                row.append("")
            elif column.kind == TEXT:
                row.append(_csv_text(str(value)))
            elif column.kind == MONTH:
                row.append(f"{value:%Y-%m}")
            elif column.kind == DATE:
                row.append(value.isoformat())
            elif column.kind == HOURS:
                row.append(f"{value:.2f}")
            else:
                row.append(str(value))
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def as_json(export: Export) -> dict[str, Any]:
    batch = export.batch
    return {
        "agency": export.agency.code,
        "period": periods.code(export.period),
        "sent": batch is not None,
        "batch": batch_json(batch) if batch is not None else None,
        "leave_type": export.leave_type,
        "total_hours": f"{export.total_hours:.2f}",
        "lines": [
            {
                "line": line.line,
                "employee_number": line.employee_number,
                "employee": line.employee_name,
                "date": line.date.isoformat(),
                "hours": f"{line.hours:.2f}",
                "month": periods.code(line.month),
                "late": line.late,
                "request": line.request_id,
                "approver": line.approver_name,
                "approved_on": line.approved_on.isoformat() if line.approved_on else None,
                "undoes": (
                    {"batch": line.undoes_batch, "line": line.undoes_line}
                    if line.undoes_id
                    else None
                ),
            }
            for line in export.lines
        ],
        "totals": [
            {"employee_number": number, "employee": name, "hours": f"{hours:.2f}"}
            for number, name, hours in export.totals
        ],
    }


def batch_json(batch) -> dict[str, Any]:
    data = {
        "number": batch.number,
        "period": periods.code(batch.period),
        "leave_type": batch.leave_type,
        "sent_at": batch.sent_at.isoformat(),
        "sent_by": (batch.sent_by.get_full_name() or batch.sent_by.get_username())
        if batch.sent_by
        else None,
    }
    for name in ("line_count", "total_hours", "adjustments"):
        if hasattr(batch, name):
            value = getattr(batch, name)
            data[name] = f"{value:.2f}" if name == "total_hours" and value is not None else value
    return data
