"""The roster export and the template."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from agencies.models import Agency, Employee, Enrollment, MentoringOrganization, Pilot
from policy import rules

from .columns import COLUMN_NAMES, COLUMNS, EXAMPLE_ROW, MAX_ROWS, SHEET_NAME

# --- Export and template ------------------------------------------------------------------------


def roster_rows(agency: Agency) -> list[list[object]]:
    """The agency's roster lines, one per enrollment, in the import's column order."""
    enrollments = (
        Enrollment.objects.filter(employee__agency=agency)
        .select_related("employee__user", "employee__supervisor__employee", "pilot", "organization")
        .order_by("pilot__name", "employee__employee_number")
    )
    return [
        [
            line.employee.employee_number,
            line.employee.user.first_name,
            line.employee.user.last_name,
            line.employee.user.email,
            line.employee.bargaining_unit,
            line.employee.appointment,
            line.pilot.name,
            line.organization.name,
            line.commitment_starts_on,
            line.commitment_ends_on,
            line.status,
            line.withdrawn_on,
            *_supervisor_cells(line.employee),
        ]
        for line in enrollments
    ]


def _supervisor_cells(employee) -> list[str | None]:
    """(number, email) of the employee's supervisor: the number when they are an employee."""
    supervisor = employee.supervisor
    if supervisor is None:
        return [None, None]
    profile = getattr(supervisor, "employee", None)
    return [profile.employee_number, None] if profile else [None, supervisor.email]


HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")


def _sheet_text(value):
    """Text as a cell can hold it. The input refuses control characters, but a row stored
    before that check may hold one, and the export must not fail on it."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _cell(sheet, value, **style):
    value = _sheet_text(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # typed text stays text: a name starting with = is not a formula
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _roster_sheet(workbook, rows: list[list[object]], *, write_only: bool):
    sheet = workbook.create_sheet(SHEET_NAME) if write_only else workbook.active
    sheet.title = SHEET_NAME
    for position, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = column.width
    sheet.column_dimensions["A"].number_format = "@"
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, name, font=HEADER_FONT, fill=HEADER_FILL) for name in COLUMN_NAMES])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    return sheet


def export_roster(agency: Agency, *, file_format: str = "xlsx") -> bytes:
    """The agency's roster in the import's format: exported, edited and imported back."""
    rows = roster_rows(agency)
    if file_format == "csv":
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(COLUMN_NAMES)
        for row in rows:
            writer.writerow([_csv_value(value) for value in row])
        return buffer.getvalue().encode("utf-8-sig")
    workbook = openpyxl.Workbook(write_only=True)
    _roster_sheet(workbook, rows, write_only=True)
    return _save(workbook)


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def roster_template(agency: Agency | None = None) -> bytes:
    """The blank roster: a header row, an example row and a Notes sheet that explains each
    column and its allowed values (with the agency's pilots when an agency is given)."""
    workbook = openpyxl.Workbook()
    example = [EXAMPLE_ROW[name] for name in COLUMN_NAMES]
    sheet = _roster_sheet(workbook, [example], write_only=False)
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="808080")
    _choices(sheet, "bargaining_unit", [code for code, _ in Employee.BARGAINING_UNIT_CHOICES])
    _choices(sheet, "appointment", list(rules.APPOINTMENTS))
    _choices(sheet, "status", [choice for choice, _ in Enrollment.Status.choices])

    notes = workbook.create_sheet("Notes")
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 60
    notes.column_dimensions["C"].width = 70
    notes.column_dimensions["D"].width = 10
    notes.append(["Mentoring leave pilot roster (HR Manual 2119)"])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append(
        [
            "One row per employee on the Roster sheet, columns in any order. Row 2 is an "
            "example: it is skipped while it is left unchanged; replace it with real rows. "
            "Import the file (xlsx, or CSV saved from it) into your agency: all rows are "
            "imported or none, and every problem is listed with its row and column."
        ]
    )
    notes.append([])
    notes.append(["column", "what it holds", "allowed values", "required"])
    for cell in notes[4]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        notes.append(
            [column.name, column.explains, column.allowed, "yes" if column.required else "no"]
        )
    notes.append([])
    if agency is not None:
        pilots = list(Pilot.objects.filter(agency=agency).order_by("name"))
        notes.append([_sheet_text(f"Pilots of {agency.code}")])
        notes.cell(notes.max_row, 1).font = Font(bold=True)
        for pilot in pilots:
            notes.append(
                [_sheet_text(pilot.name), f"{pilot.starts_on} to {pilot.ends_on}", pilot.status]
            )
        notes.append([])
    notes.append(["Mentoring organizations meeting the quality-assurance standards"])
    notes.cell(notes.max_row, 1).font = Font(bold=True)
    for organization in MentoringOrganization.objects.filter(meets_quality_standards=True):
        notes.append([_sheet_text(organization.name)])
    notes.merge_cells("A2:C2")
    for row in notes.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    _fit_row_heights(notes)
    return _save(workbook)


def _fit_row_heights(sheet) -> None:
    """Row heights for the wrapped text: Excel does not grow a row to fit its wrapped text on
    opening, and no program grows one for a merged cell. About 1.1 characters of the 11-point
    font fill one unit of column width."""
    widths = {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()}
    merged = {str(area).split(":")[0]: area for area in sheet.merged_cells.ranges}
    for row in sheet.iter_rows():
        lines = 1
        for cell in row:
            if not isinstance(cell.value, str):
                continue
            if cell.coordinate in merged:
                area = merged[cell.coordinate]
                width = sum(
                    widths.get(get_column_letter(c), 10)
                    for c in range(area.min_col, area.max_col + 1)
                )
            else:
                width = widths.get(cell.column_letter, 10)
            lines = max(lines, math.ceil(len(cell.value) / (width * 1.1)))
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = 15 * lines + 2


def _choices(sheet, column: str, values: list[str]) -> None:
    letter = get_column_letter(COLUMN_NAMES.index(column) + 1)
    rule = DataValidation(
        type="list",
        formula1='"' + ",".join(values) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=column,
        error=f"Use one of: {', '.join(values)}.",
    )
    sheet.add_data_validation(rule)
    rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
