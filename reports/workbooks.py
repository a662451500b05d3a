"""The xlsx layout of the agency and adoption workbooks (the figures come from selectors.py).

Workbooks are written in openpyxl's write-only mode, one sheet at a time, so memory stays
bounded by the largest sheet; a table's rows go out as typed cells through one reused cell, with
every style worked out before the rows (TableWorkbook, write_table). Every sheet has a title
row with the year and the generation time (Pacific), a note row, then a header row that is frozen
and filtered. Hours are numbers with two
decimals, dates are date cells, rates are percentage cells. Text that a person typed is always
a text cell (data type "s"), so "=HYPERLINK(...)" or "+1" arrive as that literal text.

Public entry points, kept stable for other callers:
    build_agency_workbook(agency, year, *, now=None, progress=None, out=None) -> bytes
    build_adoption_workbook(year, *, now=None, progress=None, out=None) -> bytes
    agency_filename(agency, year), adoption_filename(year)
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties

from agencies.models import Agency
from hours.models import LeaveRequest
from policy import dates
from policy.selectors import policy_params

from . import selectors
from .selectors import AgencyFigures, EmployeeRow, Monthly

PACIFIC = ZoneInfo("America/Los_Angeles")

# Cell kinds and their number formats.
TEXT, HOURS, COUNT, PERCENT, DATE, MONTH = "text", "hours", "count", "percent", "date", "month"
FORMATS = {
    HOURS: "#,##0.00",
    COUNT: "#,##0",
    PERCENT: "0.00%",
    DATE: "yyyy-mm-dd",
    MONTH: "mmm yyyy",
}
# Column widths (in characters) by kind: the data's shapes are known, so no row is read to fit
# them and a sheet streams. Headings wrap within these widths instead of widening the column.
WIDTHS = {TEXT: 18, HOURS: 13, COUNT: 12, PERCENT: 11, DATE: 12, MONTH: 11}
MAX_TEXT = 32767  # Excel's limit for one cell

TITLE_FONT = Font(bold=True, size=14)
NOTE_FONT = Font(italic=True, color="555555")
HEADER_FONT = Font(bold=True, color="FFFFFF")
# Text to the left and numbers to the right, each one character in from the cell's edge, so a
# number never touches the text beside it ("13.50Yes").
TEXT_ALIGN = Alignment(horizontal="left", vertical="top", indent=1)
NUMBER_ALIGN = Alignment(horizontal="right", vertical="top", indent=1)
HEADER_ALIGN = Alignment(horizontal="left", vertical="top", wrap_text=True, indent=1)
LONG_TEXT_ALIGN = Alignment(horizontal="left", vertical="top", wrap_text=True, indent=1)
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
    width: int | None = None  # characters; by kind when not given
    wrap: bool = False  # long text (reasons, definitions) wraps within the width

    @property
    def characters(self) -> int:
        return self.width or WIDTHS[self.kind]


# --- Columns and what they mean (the Definitions sheet is built from these) ---------------------

EMPLOYEE_COLUMNS = [
    Column(
        "Employee number",
        TEXT,
        "The employee's identifier, kept as text so leading zeros stay.",
        width=12,
    ),
    Column("Employee", TEXT, "The employee's name as recorded on their account.", width=26),
    Column(
        "Eligible",
        TEXT,
        "Yes when the bargaining unit and appointment allow mentoring leave (HR Manual 2119).",
        width=10,
    ),
    Column(
        "Roster",
        TEXT,
        "Active when the employee has an active roster line of their agency whose commitment "
        "overlaps the year, Withdrawn when the only such lines are withdrawn, else Not on roster.",
        width=14,
    ),
    Column(
        "Annual cap (hours)",
        HOURS,
        'Paid mentoring leave allowed in the year by the policy; "Does not apply" for an '
        "employee who is not eligible or not on a roster.",
    ),
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
        'rows out of match are shaded red. "Does not apply" for an employee who is not '
        "eligible or not on a roster.",
        width=14,
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
        "Employees enrolled on a roster line of their agency on some day of the year (active, "
        "or withdrawn during the year).",
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
    Column("Figure", TEXT, "What is counted.", width=44),
    Column("Value", TEXT, "The figure for the agency and year.", width=14),
    Column("What it means", TEXT, "How the figure is counted.", width=70, wrap=True),
]

ADOPTION_COLUMNS = [
    Column("Agency code", TEXT, "The agency's short code, e.g. DOT.", width=10),
    Column("Agency", TEXT, "The agency's name.", width=40, wrap=True),
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
    Column("Employee number", TEXT, "The employee's identifier.", width=12),
    Column("Employee", TEXT, "The employee who asked for the leave.", width=26),
    Column("Hours", HOURS, "Hours of paid leave requested."),
    Column(
        "Type",
        TEXT,
        "Always paid mentoring leave: it is leave, not time worked for overtime purposes.",
        width=44,
    ),
    Column(
        "Status",
        TEXT,
        "Awaiting the supervisor, Pending, Approved, Denied, Cancelled or Reversed.",
        width=11,
    ),
    Column("Approver", TEXT, "The coordinator who approved or denied the request.", width=24),
    Column("Decided on", DATE, "The date the request was approved or denied (Pacific time)."),
    Column(
        "Reversed by",
        TEXT,
        "For reversed leave: who reversed it after it was approved (the approver stays above).",
        width=24,
    ),
    Column("Reversed on", DATE, "For reversed leave: the date it was reversed (Pacific time)."),
    Column("Organization", TEXT, "The mentoring organization the leave is for.", width=34),
    Column(
        "Reason",
        TEXT,
        "Why it was denied, cancelled or reversed, or the approval note.",
        width=40,
        wrap=True,
    ),
    Column("Requested on", DATE, "The date the employee made the request (Pacific time)."),
]


VERIFIED_VIA_LABELS = {
    "organization_link": "Organization (its link)",
    "coordinator": "Coordinator",
}

VERIFIED_HOURS_COLUMNS = [
    Column("Date", DATE, "The date of the mentoring on the employee's own time."),
    Column("Employee number", TEXT, "The employee's identifier.", width=12),
    Column("Employee", TEXT, "The employee who mentored.", width=26),
    Column("Hours", HOURS, "Personal mentoring hours verified."),
    Column("Organization", TEXT, "The mentoring organization.", width=34),
    Column(
        "Verified via",
        TEXT,
        "Organization (its link): the organization's contact confirmed the hours through the "
        "link the program emailed; Coordinator: the coordinator recorded a confirmation that "
        "came another way.",
        width=24,
    ),
    Column("Verified by", TEXT, "Who at the organization confirmed the hours.", width=24),
    Column("Verified on", DATE, "When the organization confirmed them."),
    Column(
        "How",
        TEXT,
        "For a coordinator's verification: how the organization confirmed.",
        width=40,
        wrap=True,
    ),
]

VERIFIED_BY_WAY_ROWS = [
    Column(
        "Personal hours verified by the organization (hours)",
        HOURS,
        "Verified personal hours that the organization's contact confirmed through the link.",
    ),
    Column(
        "Personal hours verified by the coordinator (hours)",
        HOURS,
        "Verified personal hours that a coordinator recorded, saying how the organization "
        "confirmed them.",
    ),
]


# --- Cells and sheets ---------------------------------------------------------------------------


def clean_text(value: object) -> str:
    """Text as a cell can hold it: no control characters, within Excel's length limit."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_TEXT]


def _style(ws, kind: str, font, fill, alignment):
    """The style of a (kind, font, fill, alignment) cell, worked out once per workbook: setting a
    style on each cell costs more than writing it."""
    cache = ws.parent.__dict__.setdefault("_report_styles", {})
    key = (kind, id(font), id(fill), id(alignment))
    if key not in cache:
        cell = Cell(ws, row=1, column=1)
        if kind in FORMATS:
            cell.number_format = FORMATS[kind]
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if alignment is not None:
            cell.alignment = alignment
        cache[key] = cell._style
    return cache[key]


def make_cell(ws, value: Any, kind: str, *, font=None, fill=None, alignment=None) -> Cell:
    text = value is not None and (kind == TEXT or isinstance(value, str))
    if text:
        value = clean_text(value)
        kind = TEXT
    elif kind == PERCENT and value is not None:
        value = float(value)
    if alignment is None:
        alignment = TEXT_ALIGN if kind == TEXT else NUMBER_ALIGN
    style = _style(ws, kind, font, fill, alignment)
    cell = Cell(ws, row=1, column=1, value=value, style_array=style)
    if text:
        # A person's text stays text: never a formula, whatever it starts with.
        cell.data_type = "s"
    return cell


class _TypedRow(list):
    """A table row as (value, data type, style index) triples, or None for an empty cell:
    ready to write, so openpyxl neither guesses each value's type nor makes a cell per value."""


class _RowCell(Cell):
    """The one cell through which a sheet writes its typed rows. Write-only mode writes each
    cell as soon as it is handed over, so one object serves every cell in turn; its style's
    index in the workbook is worked out once per style, not looked up per cell."""

    __slots__ = ("style_index",)

    @property
    def style_id(self) -> int:
        return self.style_index

    @property
    def has_style(self) -> bool:
        return self.style_index != 0


class TableSheet(WriteOnlyWorksheet):
    """A write-only sheet that also takes typed rows (write_table's data rows); any other row
    is written as openpyxl writes it."""

    def _values_to_row(self, values, row_idx):
        if values.__class__ is not _TypedRow:
            return super()._values_to_row(values, row_idx)
        return self._typed_cells(values, row_idx)

    def _typed_cells(self, values: _TypedRow, row_idx: int) -> Iterator[Cell]:
        cell = _RowCell(self, row=row_idx)
        for column, typed in enumerate(values, 1):
            if typed is not None:
                cell.column = column
                cell._value, cell.data_type, cell.style_index = typed
                yield cell


class TableWorkbook(Workbook):
    """A write-only workbook whose sheets are TableSheets."""

    def __init__(self) -> None:
        super().__init__(write_only=True)

    def create_sheet(self, title=None, index=None):
        sheet = TableSheet(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet


def _style_index(ws, kind: str, font=None, fill=None, alignment=None) -> int:
    """The index of a style in the workbook's cell styles (0: no style), once per workbook."""
    cache = ws.parent.__dict__.setdefault("_report_style_indexes", {})
    key = (kind, id(font), id(fill), id(alignment))
    if key not in cache:
        cache[key] = ws.parent._cell_styles.add(_style(ws, kind, font, fill, alignment))
    return cache[key]


def _data_type(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return "d"
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return "n"
    # Anything else (a boolean, say) as openpyxl would type it.
    return Cell(None, value=value).data_type


class _Cells:
    """How a table's values become typed cells, with every style worked out before the rows:
    a number or date with its format and padding, plain text unstyled (text is always a text
    cell, never a formula), a person's text that starts with "=" padded like other text cells,
    and long text that wraps; on an alert line every cell, empty ones too, is shaded."""

    def __init__(self, ws, columns: Sequence[Column]) -> None:
        self.ws = ws
        self.wraps = [LONG_TEXT_ALIGN if column.wrap else None for column in columns]
        self.wrapped = [(i, column.characters) for i, column in enumerate(columns) if column.wrap]
        self.kinds = [column.kind for column in columns]
        self.styles: dict[tuple, int] = {}

    def style(self, kind: str, alert: bool, align) -> int:
        key = (kind, alert, id(align))
        if key not in self.styles:
            if align is None:
                align = TEXT_ALIGN if kind == TEXT else NUMBER_ALIGN
            font, fill = (ALERT_FONT, ALERT_FILL) if alert else (None, None)
            self.styles[key] = _style_index(self.ws, kind, font, fill, align)
        return self.styles[key]

    def row(self, line: Line) -> tuple[_TypedRow, int]:
        """The line's typed cells and how many lines of wrapped text it takes."""
        values = line.values
        height = _wrapped_lines(values, self.wrapped)
        alert = line.alert
        row = _TypedRow()
        for value, kind, wrap in zip(values, line.kinds or self.kinds, self.wraps, strict=True):
            if isinstance(value, str) or (kind == TEXT and value is not None):
                text = clean_text(value)
                if alert or (wrap is not None and height > 1):
                    row.append((text, "s", self.style(TEXT, alert, wrap)))
                elif text.startswith("=") or not isinstance(value, str):
                    row.append((text, "s", self.style(TEXT, False, wrap)))
                else:
                    row.append((text, "s", 0))
            elif value is None:
                row.append((None, "n", self.style(kind, True, wrap)) if alert else None)
            else:
                if kind == PERCENT:
                    value = float(value)
                # A number is padded like every number, unless shaded in a wrapping column.
                style = self.style(kind, alert, wrap if alert else None)
                row.append((value, _data_type(value), style))
        return row, height


@dataclass
class Heading:
    title: str
    note: str
    generated: str = ""  # for the printed footer, e.g. "Generated 2026-12-01 07:33 PST"


@dataclass
class Line:
    """One row of a table: its values, shaded when `alert`, with kinds of its own if given."""

    values: Sequence[Any]
    alert: bool = False
    kinds: Sequence[str] | None = None


def _print_setup(ws, *, generated_short: str) -> None:
    """Landscape, one page wide, the title and column headings on every page, and a footer with
    the sheet's name, the page number and when the workbook was made."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "1"  # US Letter
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"1:{HEADER_ROW}"
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.center.text = "Page &P of &N"
    ws.oddFooter.right.text = generated_short


LINE_HEIGHT = 14.5  # points per line of wrapped text


def _wrapped_lines(values: Sequence[Any], wrapped: Sequence[tuple[int, int]]) -> int:
    """How many lines the row's longest wrapped text takes (printing does not grow the row)."""
    lines = 1
    for index, width in wrapped:
        value = values[index]
        if isinstance(value, str) and len(value) > width:
            # Proportional type fits about a fifth more characters than the width counts.
            lines = max(lines, len(textwrap.wrap(value, width=width * 6 // 5)))
    return lines


def write_table(
    ws,
    *,
    heading: Heading,
    columns: Sequence[Column],
    lines: Iterable[Line],
    totals: Sequence[Any] | None = None,
) -> int:
    """Title, note, header, rows (shaded where a line is an alert), an optional totals row
    outside the filter, and the print setup. The lines are written as they come, so a sheet of
    any length streams. Returns the last data row's number."""
    for index, column in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(index)].width = column.characters + 2
    # Spreadsheet programs do not grow a row for wrapped text on their own when printing: the
    # header row is as tall as its longest wrapped heading.
    header_lines = max(len(textwrap.wrap(c.header, width=c.characters)) for c in columns)
    ws.row_dimensions[HEADER_ROW].height = LINE_HEIGHT * header_lines + 3
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    _print_setup(ws, generated_short=heading.generated)
    ws.append([make_cell(ws, heading.title, TEXT, font=TITLE_FONT)])
    ws.append([make_cell(ws, heading.note, TEXT, font=NOTE_FONT)])
    ws.append(
        [
            make_cell(
                ws, c.header, TEXT, font=HEADER_FONT, fill=HEADER_FILL, alignment=HEADER_ALIGN
            )
            for c in columns
        ]
    )
    if not isinstance(ws, TableSheet):
        raise TypeError("write_table writes to a sheet of a TableWorkbook.")
    cells = _Cells(ws, columns)
    last = HEADER_ROW
    for line in lines:
        row, height = cells.row(line)
        if height > 1:
            ws.row_dimensions[last + 1].height = LINE_HEIGHT * height
        ws.append(row)
        last += 1
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{last}"
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


def _generated_short(now: dt.datetime | None) -> str:
    local = (now or timezone.now()).astimezone(PACIFIC)
    return f"Generated {local:%Y-%m-%d %H:%M} {local.tzname()}"


def _hours_chart(ws, *, kind: str, title: str, last_row: int):
    chart = BarChart() if kind == "bar" else LineChart()
    chart.title = title
    chart.y_axis.title = "Hours"
    chart.x_axis.title = "Month"
    chart.x_axis.number_format = FORMATS[MONTH]
    # Without these, recent Excel versions hide both axes of an openpyxl chart.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height, chart.width = 7.5, 18  # centimetres: as high as the table of twelve months
    data = Reference(ws, min_col=2, max_col=3, min_row=HEADER_ROW, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=FIRST_DATA_ROW, max_row=last_row))
    if kind == "line":
        for series in chart.series:
            # Straight lines between months: a smoothed curve dips below zero between points.
            series.smooth = False
    # Beside the table, which is three columns narrow: on a landscape page fitted one page wide
    # the table and the whole chart print together, as high as twelve months.
    ws.add_chart(chart, f"E{HEADER_ROW}")


def months_to_show(year: int, monthly: Monthly) -> int:
    """How many months, from January, a year's monthly table and chart show: all twelve of a
    past year; of this year, up to this month or the last month with hours (leave may be
    approved ahead), so months that have not happened are not drawn as zero."""
    today = dates.today()
    if year < today.year:
        return 12
    with_hours = [m for m in range(1, 13) if monthly.paid[m] or monthly.personal[m]]
    last = max(with_hours, default=0)
    return max(last, today.month) if year == today.year else max(last, 1)


def _monthly_sheet(ws, *, heading: Heading, monthly: Monthly, year: int, chart: str) -> None:
    shown = months_to_show(year, monthly)
    if shown < 12:
        heading.note += f" Months after {dt.date(year, shown, 1):%B} have not happened yet."
    lines = (Line(row) for row in monthly.rows(year)[:shown])
    last = write_table(ws, heading=heading, columns=MONTHLY_COLUMNS, lines=lines)
    _hours_chart(
        ws, kind=chart, title=f"Paid leave and personal hours by month, {year}", last_row=last
    )


def _note_below(ws, text: str) -> None:
    """A sentence under an empty table, after a blank row, so it is not read as a row of it."""
    ws.append([])
    ws.append([make_cell(ws, text, TEXT, font=NOTE_FONT)])


DOES_NOT_APPLY = "Does not apply"


def _employee_line(row: EmployeeRow) -> Line:
    figures = row.figures
    applies = row.eligible and row.on_roster
    values = [
        row.employee_number,
        row.name,
        "Yes" if row.eligible else "No",
        row.roster_status,
        figures.cap if applies else DOES_NOT_APPLY,
        figures.paid_approved,
        figures.paid_pending,
        figures.paid_awaiting_supervisor,
        figures.personal_verified,
        figures.personal_awaiting_verification,
        figures.paid_available,
        "No" if not figures.in_match else "Yes" if applies else DOES_NOT_APPLY,
    ]
    return Line(values, alert=not figures.in_match)


def _employees_sheet(
    ws, *, heading: Heading, rows: Iterable[EmployeeRow], add: Callable[[EmployeeRow], None]
) -> None:
    """The employees' lines, streamed; `add` sees each row as it is written (to sum figures)."""

    def lines() -> Iterator[Line]:
        for row in rows:
            add(row)
            yield _employee_line(row)

    last = write_table(ws, heading=heading, columns=EMPLOYEE_COLUMNS, lines=lines())
    if last == HEADER_ROW:
        _note_below(ws, "No employees are recorded for this agency.")


def _definitions_sheet(ws, *, heading: Heading, sheets: Sequence[tuple[str, list[Column]]]):
    columns = [
        Column("Sheet", TEXT, "", width=20),
        Column("Column", TEXT, "", width=34, wrap=True),
        Column("Definition", TEXT, "", width=80, wrap=True),
    ]
    lines = (
        Line([sheet, column.header, column.definition])
        for sheet, sheet_columns in sheets
        for column in sheet_columns
    )
    write_table(ws, heading=heading, columns=columns, lines=lines)


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
    """The agency workbook: Summary, Employees, Monthly, Requests, Verified hours, Definitions.

    The employees and the requests stream from the database into their sheets (write-only mode,
    widths from the columns' known shapes), so memory does not grow with the agency; the
    Summary, written after them, adds up what they wrote. Six queries whatever the data size.
    Returns the xlsx bytes, or writes them to `out` (then returns b"")."""
    total = 6
    params = policy_params(year)
    figures = selectors.figures_for(agency, params)
    monthly = selectors.monthly_totals(year, agency=agency)
    generated, footer = _generated(now), _generated_short(now)
    where = f"{agency.code}, {agency.name}"

    def heading(what: str, note: str = "") -> Heading:
        return Heading(f"Mentoring leave {year}: {what}, {where}", f"{generated}{note}", footer)

    wb = TableWorkbook()
    summary = wb.create_sheet("Summary")
    employees = wb.create_sheet("Employees")
    months = wb.create_sheet("Monthly")
    leave = wb.create_sheet("Requests")
    verified = wb.create_sheet("Verified hours")
    definitions = wb.create_sheet("Definitions")

    _employees_sheet(
        employees,
        heading=heading("employees"),
        rows=selectors.employee_rows(year, params=params, agency=agency),
        add=figures.add,
    )
    _step(progress, 1, total, "Employees")
    requests = _requests_sheet(
        leave,
        heading=heading(
            "paid leave requests",
            " Paid mentoring leave is leave, not time worked for overtime purposes.",
        ),
        requests=selectors.request_rows_of_year(agency, year),
        year=year,
    )
    _step(progress, 2, total, "Requests")
    by_way = _verified_sheet(
        verified,
        heading=heading(
            "verified personal hours",
            " Each verification says how it came: from the organization through its link, or "
            "recorded by the coordinator.",
        ),
        entries=selectors.verified_rows_of_year(agency, year),
    )
    _step(progress, 3, total, "Verified hours")

    empty = "" if figures.has_data or requests else _no_data_note(year)
    summary_columns = AGENCY_FIGURE_COLUMNS + VERIFIED_BY_WAY_ROWS
    values = _figure_values(figures) + by_way
    write_table(
        summary,
        heading=heading("summary", empty),
        columns=SUMMARY_COLUMNS,
        lines=(
            Line([column.header, value, column.definition], kinds=[TEXT, column.kind, TEXT])
            for column, value in zip(summary_columns, values, strict=True)
        ),
    )
    _step(progress, 4, total, "Summary")
    _monthly_sheet(
        months, heading=heading("hours by month", empty), monthly=monthly, year=year, chart="bar"
    )
    _step(progress, 5, total, "Monthly")
    _definitions_sheet(
        definitions,
        heading=heading("what each column means"),
        sheets=[
            ("Summary", AGENCY_FIGURE_COLUMNS + VERIFIED_BY_WAY_ROWS),
            ("Employees", EMPLOYEE_COLUMNS),
            ("Monthly", MONTHLY_COLUMNS),
            ("Requests", REQUEST_COLUMNS),
            ("Verified hours", VERIFIED_HOURS_COLUMNS),
        ],
    )
    _step(progress, 6, total, "Definitions")
    return _save(wb, out)


STATUS_LABELS = dict(LeaveRequest.Status.choices)


def _requests_sheet(ws, *, heading: Heading, requests, year: int) -> int:
    """The year's requests (tuples of selectors.REQUEST_ROW_FIELDS), streamed into the sheet.
    Returns how many were written."""

    def lines() -> Iterator[Line]:
        for (
            on,
            number,
            first_name,
            last_name,
            hours,
            status,
            approver_first,
            approver_last,
            approver_username,
            decided_on,
            reversed_by,
            reversed_on,
            organization,
            reason,
            requested_on,
        ) in requests:
            approver = approver_username and (
                f"{approver_first} {approver_last}".strip() or approver_username
            )
            yield Line(
                [
                    on,
                    number,
                    f"{first_name} {last_name}".strip(),
                    hours,
                    LEAVE_LABEL,
                    STATUS_LABELS.get(status, status),
                    approver,
                    decided_on,
                    reversed_by,
                    reversed_on,
                    organization,
                    reason,
                    requested_on,
                ]
            )

    last = write_table(ws, heading=heading, columns=REQUEST_COLUMNS, lines=lines())
    if last == HEADER_ROW:
        _note_below(ws, f"No paid leave requests are recorded for {year}.")
    return last - HEADER_ROW


def _verified_sheet(ws, *, heading: Heading, entries) -> list[Decimal]:
    """The year's verified personal hours (tuples of selectors.VERIFIED_ROW_FIELDS), streamed
    into the sheet. Returns the hours verified through the organization's link and by the
    coordinator, summed as they were written."""
    by_link = by_coordinator = Decimal("0.00")

    def lines() -> Iterator[Line]:
        nonlocal by_link, by_coordinator
        for on, number, first, last, hours, organization, via, by_name, on_day, how in entries:
            through_link = via == "organization_link"
            if through_link:
                by_link += hours
            else:
                by_coordinator += hours
            yield Line(
                [
                    on,
                    number,
                    f"{first} {last}".strip(),
                    hours,
                    organization,
                    VERIFIED_VIA_LABELS.get(via or "coordinator"),
                    by_name,
                    on_day,
                    "" if through_link else how,
                ]
            )

    last = write_table(ws, heading=heading, columns=VERIFIED_HOURS_COLUMNS, lines=lines())
    if last == HEADER_ROW:
        _note_below(ws, "No personal hours are verified for this year yet.")
    return [by_link, by_coordinator]


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
    generated, footer = _generated(now), _generated_short(now)

    wb = TableWorkbook()
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
        rows: Iterable[EmployeeRow] = ()
        if pending is not None and pending[0] == agency.pk:
            rows = pending[1]
        _employees_sheet(
            wb.create_sheet(_agency_sheet_title(agency.code)),
            heading=Heading(
                f"Mentoring leave {year}: employees, {agency.code}, {agency.name}",
                generated,
                footer,
            ),
            rows=rows,
            add=by_id[agency.pk].add,
        )
        if rows:
            pending = next(rows_by_agency, None)
        _step(progress, done, total, agency.code)

    figures = [by_id[agency.pk] for agency in agencies]
    totals = selectors.total_of(figures, cap=params.cap_hours)
    empty = not any(item.has_data for item in figures)
    note = generated + (_no_data_note(year) if empty else "")

    write_table(
        summary,
        heading=Heading(f"Mentoring leave {year}: adoption by agency", note, footer),
        columns=ADOPTION_COLUMNS,
        lines=(Line([item.code, item.name, *_figure_values(item)]) for item in figures),
        totals=["Total", "All agencies", *_figure_values(totals)],
    )
    _step(progress, len(agencies) + 1, total, "Summary")

    _monthly_sheet(
        trend,
        heading=Heading(f"Mentoring leave {year}: hours by month, all agencies", note, footer),
        monthly=monthly,
        year=year,
        chart="line",
    )
    _step(progress, len(agencies) + 2, total, "Trend")
    _definitions_sheet(
        definitions,
        heading=Heading(f"Mentoring leave {year}: what each column means", generated, footer),
        sheets=[
            ("Summary", ADOPTION_COLUMNS),
            ("Trend", MONTHLY_COLUMNS),
            ("Each agency's sheet", EMPLOYEE_COLUMNS),
        ],
    )
    _step(progress, total, total, "Definitions")
    return _save(wb, out)
