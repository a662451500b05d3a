"""Checking the header and each row on its own, without the database."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError as DjangoValidationError
from openpyxl.utils import get_column_letter
from rest_framework import serializers

from agencies.models import Employee
from agencies.serializers import EmployeeSerializer, EnrollmentSerializer
from agencies.services import check_username
from policy import rules
from policy.text import refusal

from .columns import (
    COLUMN_NAMES,
    DATE_COLUMNS,
    EXAMPLE_ROW,
    REQUIRED_COLUMNS,
    SUPERVISOR_COLUMNS,
    USER_FIELDS,
    User,
)
from .dates import parse_date
from .reading import Cell, Sheet, cell_text, header_key
from .results import RosterError

# --- Checking rows, without the database ---------------------------------------------------------


@dataclass
class Line:
    """One data row, cleaned. A column with an error is in `bad` and its value is not used."""

    row: int
    values: dict[str, object] = field(default_factory=dict)
    bad: set[str] = field(default_factory=set)
    failed: bool = False
    employee_new: bool = False
    employee_changes: dict[str, list[str]] = field(default_factory=dict)

    def fail(self, errors: list[RosterError], column: str, message: str, code: str = "invalid"):
        """Mark the line as failed and add the error about one of its columns to `errors`."""
        self.failed = True
        errors.append(RosterError(self.row, column, message, code))


def _header(cells: list[Cell]) -> tuple[list[str | None], list[RosterError]]:
    """The column name of each position, or errors naming each misspelled or missing one."""
    texts = [cell_text(cell.value) for cell in cells]
    while texts and not texts[-1]:
        texts.pop()
    if not texts:
        return [], [
            RosterError(
                1,
                None,
                "Row 1 must name the columns: " + ", ".join(COLUMN_NAMES) + ".",
                "missing_header",
            )
        ]
    names: list[str | None] = []
    errors: list[RosterError] = []
    for position, text in enumerate(texts, start=1):
        letter = get_column_letter(position)
        key = header_key(text)
        if not key:
            errors.append(
                RosterError(
                    1, letter, f"Column {letter} has no header; name it or delete it.", "header"
                )
            )
            names.append(None)
        elif key not in COLUMN_NAMES:
            close = difflib.get_close_matches(key, COLUMN_NAMES, n=1)
            hint = f" Did you mean {close[0]}?" if close else " Remove the column."
            errors.append(
                RosterError(1, text, f"Unknown column {text!r} (column {letter}).{hint}", "header")
            )
            names.append(None)
        elif key in names:
            errors.append(
                RosterError(1, key, f"The column {key} appears twice (column {letter}).", "header")
            )
            names.append(None)
        else:
            names.append(key)
    for name in REQUIRED_COLUMNS:
        if name not in names:
            errors.append(RosterError(1, name, f"The column {name} is missing.", "header"))
    return names, errors


def _bargaining_unit(text: str) -> str:
    """CalHR writes bargaining units as R01, BU 01 or 01; the tracker stores 1. "Unit 1" too."""
    match = re.fullmatch(r"(?:unit|bu|r)?\s*0*(\d+)", text.strip().lower())
    return str(int(match[1])) if match and match[1] else text.lower()


class _Checks:
    """The API's field checks: the serializers' own fields, run one value at a time, then the
    model field's validators (its length in the database)."""

    def __init__(self) -> None:
        employee = EmployeeSerializer().fields
        self.fields: dict[str, serializers.Field] = {
            name: employee[name]
            for name in (
                "employee_number",
                "first_name",
                "last_name",
                "email",
                "bargaining_unit",
                "appointment",
            )
        }
        self.fields["status"] = EnrollmentSerializer().fields["status"]
        self.model_fields = {
            name: (User if name in USER_FIELDS else Employee)._meta.get_field(name)
            for name in self.fields
            if name != "status"
        }
        self.appointment_labels = {
            label.casefold(): code for code, label in rules.APPOINTMENTS.items()
        }

    def clean(self, name: str, text: str) -> str:
        if name == "bargaining_unit":
            text = _bargaining_unit(text)
        elif name == "appointment":
            text = self.appointment_labels.get(
                text.casefold(), re.sub(r"[\s\-]+", "_", text.lower())
            )
        elif name == "status":
            text = text.lower()
        field_ = self.fields[name]
        try:
            value = field_.run_validation(text)
        except serializers.ValidationError as exc:
            message = " ".join(str(item) for item in exc.detail)
            if isinstance(field_, serializers.ChoiceField):
                message += " Use one of: " + ", ".join(str(c) for c in field_.choices) + "."
            raise ValueError(message) from None
        if name in self.model_fields:
            try:
                self.model_fields[name].run_validators(value)
            except DjangoValidationError as exc:
                raise ValueError(" ".join(exc.messages)) from None
        return value


def checked_lines(sheet: Sheet) -> tuple[list[Line], list[RosterError]]:
    """Every data row, cleaned, and every problem found without the database."""
    if not sheet.rows:
        return [], [RosterError(None, None, "The file has no rows.", "empty_file")]
    first_number, header_cells = sheet.rows[0]
    if first_number != 1:
        header_cells = []
    names, errors = _header(header_cells)
    if errors:
        return [], errors
    checks = _Checks()
    example = {name: cell_text(EXAMPLE_ROW.get(name)) for name in COLUMN_NAMES}
    lines: list[Line] = []
    for number, cells in sheet.rows[1:]:
        texts = [cell_text(cell.value) for cell in cells]
        if not any(texts):
            continue
        row_errors: list[RosterError] = []
        by_name: dict[str, Cell] = {}
        for position, cell in enumerate(cells):
            name = names[position] if position < len(names) else None
            if name:
                by_name[name] = cell
            elif texts[position]:
                letter = get_column_letter(position + 1)
                row_errors.append(
                    RosterError(
                        number,
                        letter,
                        f"A value in column {letter}, which has no header; remove it.",
                        "extra_value",
                    )
                )
        if all(cell_text(by_name.get(name, Cell(None)).value) == example[name] for name in names):
            continue  # the template's example row, left as it is
        line = Line(number)
        for name in names:
            cell = by_name.get(name, Cell(None))
            try:
                line.values[name] = _clean_cell(name, cell, checks)
            except ValueError as exc:
                line.bad.add(name)
                code = getattr(exc, "code", "invalid")
                row_errors.append(RosterError(number, name, str(exc), code))
        line.values.setdefault("status", "")
        line.values.setdefault("withdrawn_on", None)
        if all(line.values.get(name) for name in SUPERVISOR_COLUMNS):
            line.bad.add("supervisor_email")
            row_errors.append(
                RosterError(
                    number,
                    "supervisor_email",
                    "Give the supervisor's employee number or email, not both.",
                    "invalid",
                )
            )
        errors.extend(row_errors)
        lines.append(line)
    if not lines and not errors:
        errors.append(
            RosterError(
                None,
                None,
                "The file has a header row but no roster rows (the template's example row "
                "is skipped while it is left unchanged).",
                "no_rows",
            )
        )
    return lines, errors


class CellProblem(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def _clean_cell(name: str, cell: Cell, checks: _Checks) -> object:
    if cell.formula:
        formula = str(getattr(cell.value, "text", cell.value))[:40]
        raise CellProblem(
            f"The cell holds a formula ({formula}); type the value itself, not a formula.",
            "formula",
        )
    if cell.error:
        raise CellProblem(
            f"The cell shows an error ({cell_text(cell.value)}); type the value.", "cell_error"
        )
    text = cell_text(cell.value)
    if message := refusal(text, multiline=False):
        raise CellProblem(message, "forbidden_character")
    if not text:
        if name == "withdrawn_on":
            return None
        if name == "status" or name in SUPERVISOR_COLUMNS:
            return ""
        raise CellProblem("This column is required.", "required")
    if name in DATE_COLUMNS:
        return parse_date(cell.value)
    if name in ("pilot", "organization", "supervisor_employee_number"):
        return text
    if name == "supervisor_email":
        return checks.clean("email", text)
    if name == "employee_number" and isinstance(cell.value, dt.date):
        raise ValueError(f"{text} is a date, not an employee number.")
    value = checks.clean(name, text)
    if name == "employee_number":
        # A new employee's username is their employee number.
        try:
            check_username(value, field=name)
        except DjangoValidationError as exc:
            raise CellProblem(" ".join(exc.messages), "invalid_username") from None
    return value
