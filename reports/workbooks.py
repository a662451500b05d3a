"""The xlsx layout of the agency and adoption workbooks (the figures come from selectors.py).

Workbooks are written in openpyxl's write-only mode, one sheet at a time, so memory stays
bounded by the largest sheet. Every sheet has a title row with the year and the generation time
(Pacific), a note row, then a header row that is frozen and filtered. Hours are numbers with two
decimals, dates are date cells, rates are percentage cells. Text that a person typed is always
a text cell (data type "s"), so "=HYPERLINK(...)" or "+1" arrive as that literal text.

Public entry points, kept stable for other callers:
    build_agency_workbook(agency, year, *, now=None, progress=None, out=None) -> bytes
    build_adoption_workbook(year, *, now=None, progress=None, out=None) -> bytes
    agency_filename(agency, year), adoption_filename(year), XLSX_CONTENT_TYPE
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from agencies.models import Agency
from policy.selectors import policy_params

from . import selectors
from .selectors import AgencyFigures, EmployeeRow, Monthly

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PACIFIC = ZoneInfo("America/Los_Angeles")

# Cell kinds and their number formats.
TEXT, HOURS, COUNT, PERCENT, DATE, MONTH = "text", "hours", "count", "percent", "date", "month"
FORMATS = {
    HOURS: "0.00",
    COUNT: "#,##0",
    PERCENT: "0.00%",
    DATE: "yyyy-mm-dd",
    MONTH: "mmm yyyy",
}
# Approximate display widths, for fitting columns.
SAMPLE_WIDTH = {HOURS: 8, COUNT: 8, PERCENT: 7, DATE: 10, MONTH: 8}
MAX_WIDTH = 60
MAX_TEXT = 32767  # Excel's limit for one cell

TITLE_FONT = Font(bold=True, size=14)
NOTE_FONT = Font(italic=True, color="555555")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
TOTAL_FONT = Font(bold=True)
ALERT_FONT = Font(color="9C0006")
ALERT_FILL = PatternFill("solid", fgColor="FFC7CE")

HEADER_ROW = 3  # row 1: title, row 2: note, row 3: column headers
FIRST_DATA_ROW = HEADER_ROW + 1

LEAVE_LABEL = "Paid mentoring leave (leave, not time worked)"

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Column:
    header: str
    kind: str
    definition: str


# --- Columns and what they mean (the Definitions sheet is built from these) ---------------------

EMPLOYEE_COLUMNS = [
    Column(
        "Employee number", TEXT, "The employee's identifier, kept as text so leading zeros stay."
    ),
    Column("Employee", TEXT, "The employee's name as recorded on their account."),
    Column(
        "Eligible",
        TEXT,
        "Yes when the bargaining unit and appointment allow mentoring leave (HR Manual 2119).",
    ),
    Column(
        "Roster",
        TEXT,
        "Active when the employee has an active roster line of their agency whose commitment "
        "overlaps the year, Withdrawn when the only such lines are withdrawn, else Not on roster.",
    ),
    Column("Annual cap (hours)", HOURS, "Paid mentoring leave allowed in the year by the policy."),
    Column("Paid leave approved (hours)", HOURS, "Paid mentoring leave approved in the year."),
    Column(
        "Paid leave pending (hours)",
        HOURS,
        "Paid mentoring leave requested and not yet decided, with the coordinator.",
    ),
    Column(
        "Paid leave with a supervisor (hours)",
        HOURS,
        "Paid mentoring leave requested and still with the employee's supervisor (agencies whose "
        "chain has the supervisor decide first); it counts against the cap like pending leave.",
    ),
    Column(
        "Personal hours verified (hours)",
        HOURS,
        "Mentoring on the employee's own time, verified by the mentoring organization.",
    ),
    Column(
        "Personal hours awaiting verification (hours)",
        HOURS,
        "Personal mentoring hours logged and not yet verified.",
    ),
    Column(
        "Paid leave available now (hours)",
        HOURS,
        "Paid leave the employee could still request today, under both the cap and the match.",
    ),
    Column(
        "In match",
        TEXT,
        "Yes when verified personal hours cover approved paid leave at the year's match ratio; "
        "rows out of match are shaded red.",
    ),
]

AGENCY_FIGURE_COLUMNS = [
    Column("Headcount", COUNT, "State employees in the agency, as recorded for the agency."),
    Column(
        "Roster size",
        COUNT,
        "Employees with a roster line of their agency (active or withdrawn) whose commitment "
        "overlaps the year.",
    ),
    Column(
        "Enrolled employees",
        COUNT,
        "Employees with an active roster line of their agency whose commitment overlaps the year.",
    ),
    Column(
        "Adoption rate",
        PERCENT,
        "Enrolled employees divided by the headcount; blank when no headcount is recorded.",
    ),
    Column(
        "Active mentors",
        COUNT,
        "Employees with approved paid leave or verified personal hours in the year.",
    ),
    Column("Paid leave approved (hours)", HOURS, "Approved paid mentoring leave in the year."),
    Column("Paid leave pending (hours)", HOURS, "Paid mentoring leave awaiting a decision."),
    Column(
        "Paid leave with a supervisor (hours)",
        HOURS,
        "Paid mentoring leave requested and still with the employee's supervisor.",
    ),
    Column(
        "Personal hours verified (hours)",
        HOURS,
        "Personal mentoring hours verified by the mentoring organizations.",
    ),
    Column(
        "Personal hours awaiting verification (hours)",
        HOURS,
        "Personal mentoring hours logged and not yet verified.",
    ),
    Column(
        "Share of cap used",
        PERCENT,
        "Approved paid leave divided by the annual cap times the enrolled employees; blank when "
        "nobody is enrolled.",
    ),
    Column(
        "Employees out of match",
        COUNT,
        "Employees whose verified personal hours no longer cover their approved paid leave.",
    ),
]


def _figure_values(figures: AgencyFigures) -> list[Any]:
    return [
        figures.headcount,
        figures.roster_size,
        figures.enrolled,
        figures.adoption_rate,
        figures.active_mentors,
        figures.paid_approved,
        figures.paid_pending,
        figures.paid_awaiting_supervisor,
        figures.personal_verified,
        figures.personal_awaiting_verification,
        figures.share_of_cap_used,
        figures.out_of_match,
    ]


SUMMARY_COLUMNS = [
    Column("Figure", TEXT, "What is counted."),
    Column("Value", TEXT, "The figure for the agency and year."),
    Column("What it means", TEXT, "How the figure is counted."),
]

ADOPTION_COLUMNS = [
    Column("Agency code", TEXT, "The agency's short code, e.g. DOT."),
    Column("Agency", TEXT, "The agency's name."),
    *AGENCY_FIGURE_COLUMNS,
]

MONTHLY_COLUMNS = [
    Column("Month", MONTH, "The calendar month."),
    Column(
        "Paid leave approved (hours)",
        HOURS,
        "Approved paid mentoring leave dated in the month (leave, not time worked).",
    ),
    Column(
        "Personal hours verified (hours)",
        HOURS,
        "Verified personal mentoring hours dated in the month.",
    ),
]

REQUEST_COLUMNS = [
    Column("Date", DATE, "The date of the mentoring the leave is for."),
    Column("Employee number", TEXT, "The employee's identifier."),
    Column("Employee", TEXT, "The employee who asked for the leave."),
    Column("Hours", HOURS, "Hours of paid leave requested."),
    Column(
        "Type",
        TEXT,
        "Always paid mentoring leave: it is leave, not time worked for overtime purposes.",
    ),
    Column(
        "Status", TEXT, "Awaiting the supervisor, Pending, Approved, Denied, Cancelled or Reversed."
    ),
    Column("Approver", TEXT, "The coordinator who approved or denied the request."),
    Column("Decided on", DATE, "The date the request was approved or denied (Pacific time)."),
    Column("Organization", TEXT, "The mentoring organization the leave is for."),
    Column("Reason", TEXT, "Why it was denied, cancelled or reversed, or the approval note."),
    Column("Requested on", DATE, "The date the employee made the request (Pacific time)."),
]


# --- Cells and sheets ---------------------------------------------------------------------------


def clean_text(value: object) -> str:
    """Text as a cell can hold it: no control characters, within Excel's length limit."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_TEXT]


def _style(ws, kind: str, font, fill):
    """The style of a (kind, font, fill) cell, worked out once per workbook: setting a style on
    each cell costs more than writing it."""
    cache = ws.parent.__dict__.setdefault("_report_styles", {})
    key = (kind, id(font), id(fill))
    if key not in cache:
        cell = Cell(ws, row=1, column=1)
        if kind in FORMATS:
            cell.number_format = FORMATS[kind]
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        cache[key] = cell._style
    return cache[key]


def make_cell(ws, value: Any, kind: str, *, font=None, fill=None) -> Cell:
    text = value is not None and (kind == TEXT or isinstance(value, str))
    if text:
        value = clean_text(value)
        kind = TEXT
    elif kind == PERCENT and value is not None:
        value = float(value)
    cell = Cell(ws, row=1, column=1, value=value, style_array=_style(ws, kind, font, fill))
    if text:
        # A person's text stays text: never a formula, whatever it starts with.
        cell.data_type = "s"
    return cell


def _width(value: Any, kind: str) -> int:
    if value is None:
        return 0
    if kind == TEXT or isinstance(value, str):
        return max((len(line) for line in str(value).splitlines()), default=0)
    return SAMPLE_WIDTH.get(kind, 8)


def _fit_widths(
    ws, columns: Sequence[Column], rows: Iterable[Sequence[Any]], kinds: Iterable[Sequence[str]]
) -> None:
    widths = [len(column.header) for column in columns]
    for row, row_kinds in zip(rows, kinds, strict=True):
        for index, (value, kind) in enumerate(zip(row, row_kinds, strict=True)):
            widths[index] = max(widths[index], _width(value, kind))
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, width + 2)


@dataclass
class Heading:
    title: str
    note: str


def write_table(
    ws,
    *,
    heading: Heading,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Any]],
    alerts: Sequence[bool] | None = None,
    totals: Sequence[Any] | None = None,
    kinds: Sequence[Sequence[str]] | None = None,
) -> int:
    """Title, note, header, rows (shaded where `alerts`), an optional totals row outside the
    filter. Returns the last data row's number."""
    column_kinds = [column.kind for column in columns]
    kinds = kinds or [column_kinds] * len(rows)
    _fit_widths(
        ws,
        columns,
        [*rows, *([totals] if totals else [])],
        [*kinds, *([column_kinds] if totals else [])],
    )
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    ws.append([make_cell(ws, heading.title, TEXT, font=TITLE_FONT)])
    ws.append([make_cell(ws, heading.note, TEXT, font=NOTE_FONT)])
    ws.append([make_cell(ws, c.header, TEXT, font=HEADER_FONT, fill=HEADER_FILL) for c in columns])
    for index, row in enumerate(rows):
        alert = bool(alerts and alerts[index])
        row_kinds = kinds[index]
        ws.append(
            [
                make_cell(
                    ws,
                    value,
                    kind,
                    font=ALERT_FONT if alert else None,
                    fill=ALERT_FILL if alert else None,
                )
                for value, kind in zip(row, row_kinds, strict=True)
            ]
        )
    last = HEADER_ROW + len(rows)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{max(last, HEADER_ROW)}"
    if totals:
        ws.append(
            [
                make_cell(ws, value, column.kind, font=TOTAL_FONT)
                for value, column in zip(totals, columns, strict=True)
            ]
        )
    return last


def _generated(now: dt.datetime | None) -> str:
    local = (now or timezone.now()).astimezone(PACIFIC)
    return (
        f"Generated {local:%B} {local.day}, {local.year} at {local.hour % 12 or 12}:"
        f"{local:%M %p} Pacific time ({local.tzname()})."
    )


def _hours_chart(ws, *, kind: str, title: str, last_row: int):
    chart = BarChart() if kind == "bar" else LineChart()
    chart.title = title
    chart.y_axis.title = "Hours"
    chart.x_axis.title = "Month"
    chart.x_axis.number_format = FORMATS[MONTH]
    # Without these, recent Excel versions hide both axes of an openpyxl chart.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height, chart.width = 9, 18
    data = Reference(ws, min_col=2, max_col=3, min_row=HEADER_ROW, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=FIRST_DATA_ROW, max_row=last_row))
    ws.add_chart(chart, f"E{FIRST_DATA_ROW}")


def _monthly_sheet(ws, *, heading: Heading, monthly: Monthly, year: int, chart: str) -> None:
    last = write_table(ws, heading=heading, columns=MONTHLY_COLUMNS, rows=monthly.rows(year))
    _hours_chart(
        ws, kind=chart, title=f"Paid leave and personal hours by month, {year}", last_row=last
    )


def _employee_values(row: EmployeeRow) -> list[Any]:
    figures = row.figures
    return [
        row.employee_number,
        row.name,
        "Yes" if row.eligible else "No",
        row.roster_status,
        figures.cap,
        figures.paid_approved,
        figures.paid_pending,
        figures.paid_awaiting_supervisor,
        figures.personal_verified,
        figures.personal_awaiting_verification,
        figures.paid_available,
        "Yes" if figures.in_match else "No",
    ]


def _employees_sheet(ws, *, heading: Heading, rows: Sequence[EmployeeRow]) -> None:
    if not rows:
        heading.note += " No employees are recorded for this agency."
    write_table(
        ws,
        heading=heading,
        columns=EMPLOYEE_COLUMNS,
        rows=[_employee_values(row) for row in rows],
        alerts=[not row.figures.in_match for row in rows],
    )


def _definitions_sheet(ws, *, heading: Heading, sheets: Sequence[tuple[str, list[Column]]]):
    rows = [
        [sheet, column.header, column.definition] for sheet, columns in sheets for column in columns
    ]
    columns = [
        Column("Sheet", TEXT, ""),
        Column("Column", TEXT, ""),
        Column("Definition", TEXT, ""),
    ]
    write_table(ws, heading=heading, columns=columns, rows=rows)


def _no_data_note(year: int) -> str:
    return f" No roster lines, mentoring hours or leave requests are recorded for {year}."


def _save(wb: Workbook, out: IO[bytes] | None) -> bytes:
    buffer = out if out is not None else io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue() if out is None else b""


def _step(progress: Progress | None, done: int, total: int, label: str) -> None:
    if progress is not None:
        progress(done, total, label)


# --- The agency workbook ------------------------------------------------------------------------


def agency_filename(agency: Agency, year: int) -> str:
    return f"mentoring-leave-{agency.code}-{year}.xlsx"


def build_agency_workbook(
    agency: Agency,
    year: int,
    *,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    out: IO[bytes] | None = None,
) -> bytes:
    """The agency workbook: Summary, Employees, Monthly, Requests, Definitions.

    Returns the xlsx bytes, or writes them to `out` (then returns b"")."""
    total = 5
    params = policy_params(year)
    figures = selectors.figures_for(agency, params)
    rows = list(selectors.employee_rows(year, params=params, agency=agency))
    for row in rows:
        figures.add(row)
    monthly = selectors.monthly_totals(year, agency=agency)
    requests = list(selectors.leave_requests_of_year(agency, year))

    generated = _generated(now)
    empty = not figures.has_data and not requests
    where = f"{agency.code}, {agency.name}"

    def heading(what: str, note: str = "") -> Heading:
        text = f"{generated}{note}"
        if empty:
            text += _no_data_note(year)
        return Heading(f"Mentoring leave {year}: {what}, {where}", text)

    wb = Workbook(write_only=True)
    summary = wb.create_sheet("Summary")
    employees = wb.create_sheet("Employees")
    months = wb.create_sheet("Monthly")
    leave = wb.create_sheet("Requests")
    definitions = wb.create_sheet("Definitions")

    values = _figure_values(figures)
    write_table(
        summary,
        heading=heading("summary"),
        columns=SUMMARY_COLUMNS,
        rows=[
            [column.header, value, column.definition]
            for column, value in zip(AGENCY_FIGURE_COLUMNS, values, strict=True)
        ],
        kinds=[[TEXT, column.kind, TEXT] for column in AGENCY_FIGURE_COLUMNS],
    )
    _step(progress, 1, total, "Summary")
    _employees_sheet(employees, heading=heading("employees"), rows=rows)
    _step(progress, 2, total, "Employees")
    _monthly_sheet(
        months, heading=heading("hours by month"), monthly=monthly, year=year, chart="bar"
    )
    _step(progress, 3, total, "Monthly")
    request_rows = [
        [
            leave_request.date,
            leave_request.employee.employee_number,
            leave_request.employee.user.get_full_name(),
            leave_request.hours,
            LEAVE_LABEL,
            leave_request.get_status_display(),
            _person(leave_request.approver),
            _local_date(leave_request.decided_at),
            leave_request.organization.name,
            leave_request.reason,
            _local_date(leave_request.created_at),
        ]
        for leave_request in requests
    ]
    write_table(
        leave,
        heading=heading(
            "paid leave requests",
            " Paid mentoring leave is leave, not time worked for overtime purposes.",
        ),
        columns=REQUEST_COLUMNS,
        rows=request_rows,
    )
    _step(progress, 4, total, "Requests")
    _definitions_sheet(
        definitions,
        heading=heading("what each column means"),
        sheets=[
            ("Summary", AGENCY_FIGURE_COLUMNS),
            ("Employees", EMPLOYEE_COLUMNS),
            ("Monthly", MONTHLY_COLUMNS),
            ("Requests", REQUEST_COLUMNS),
        ],
    )
    _step(progress, 5, total, "Definitions")
    return _save(wb, out)


def _person(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    return moment.astimezone(PACIFIC).date() if moment else None


# --- The adoption workbook ----------------------------------------------------------------------


def adoption_filename(year: int) -> str:
    return f"mentoring-leave-adoption-{year}.xlsx"


FIXED_SHEETS = ("Summary", "Trend", "Definitions")


def _agency_sheet_title(code: str) -> str:
    # Sheet names are compared without case; keep an agency coded e.g. TREND apart.
    return f"{code} agency" if code.lower() in {name.lower() for name in FIXED_SHEETS} else code


def build_adoption_workbook(
    year: int,
    *,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    out: IO[bytes] | None = None,
) -> bytes:
    """The workgroup's workbook: Summary (one row per agency and a totals row), Trend (all
    agencies by month, with a chart), Definitions, then one sheet per agency with its employees.

    Five queries whatever the data size. Returns the xlsx bytes, or writes them to `out`."""
    params = policy_params(year)
    agencies = selectors.agencies()
    monthly = selectors.monthly_totals(year)
    total = len(agencies) + 3
    generated = _generated(now)

    wb = Workbook(write_only=True)
    summary = wb.create_sheet("Summary")
    trend = wb.create_sheet("Trend")
    definitions = wb.create_sheet("Definitions")

    by_id = {agency.pk: selectors.figures_for(agency, params) for agency in agencies}
    rows_by_agency = itertools.groupby(
        selectors.employee_rows(year, params=params), key=lambda row: row.agency_id
    )
    pending = next(rows_by_agency, None)
    for done, agency in enumerate(agencies, 1):
        # Employees come ordered by agency code, like `agencies`: take this agency's group.
        rows: list[EmployeeRow] = []
        if pending is not None and pending[0] == agency.pk:
            rows = list(pending[1])
            pending = next(rows_by_agency, None)
        for row in rows:
            by_id[agency.pk].add(row)
        _employees_sheet(
            wb.create_sheet(_agency_sheet_title(agency.code)),
            heading=Heading(
                f"Mentoring leave {year}: employees, {agency.code}, {agency.name}", generated
            ),
            rows=rows,
        )
        _step(progress, done, total, agency.code)

    figures = [by_id[agency.pk] for agency in agencies]
    totals = AgencyFigures(code="", name="", headcount=0, cap=params.cap_hours)
    for item in figures:
        totals.add_totals(item)
    empty = not any(item.has_data for item in figures)
    note = generated + (_no_data_note(year) if empty else "")

    write_table(
        summary,
        heading=Heading(f"Mentoring leave {year}: adoption by agency", note),
        columns=ADOPTION_COLUMNS,
        rows=[[item.code, item.name, *_figure_values(item)] for item in figures],
        totals=["Total", "All agencies", *_figure_values(totals)],
    )
    _step(progress, len(agencies) + 1, total, "Summary")

    _monthly_sheet(
        trend,
        heading=Heading(f"Mentoring leave {year}: hours by month, all agencies", note),
        monthly=monthly,
        year=year,
        chart="line",
    )
    _step(progress, len(agencies) + 2, total, "Trend")
    _definitions_sheet(
        definitions,
        heading=Heading(f"Mentoring leave {year}: what each column means", generated),
        sheets=[
            ("Summary", ADOPTION_COLUMNS),
            ("Trend", MONTHLY_COLUMNS),
            ("Each agency's sheet", EMPLOYEE_COLUMNS),
        ],
    )
    _step(progress, total, total, "Definitions")
    return _save(wb, out)
