"""What an import answers: the errors, row by row, and the counts."""

from __future__ import annotations

from dataclasses import dataclass, field

# --- Results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterError:
    """One problem: the spreadsheet row (the header is row 1), the column, and why; `sheet`
    names the worksheet of a workbook that was read."""

    row: int | None
    column: str | None
    message: str
    code: str = "invalid"
    sheet: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "sheet": self.sheet or None,
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": self.message,
        }

    @property
    def where(self) -> str:
        """ "Sheet Roster, row 4, column email", as a person reads it."""
        parts = [f"Sheet {self.sheet}"] if self.sheet else []
        parts.append(f"row {self.row}" if self.row else "the file")
        if self.column:
            parts.append(f"column {self.column}")
        text = ", ".join(parts)
        return text[0].upper() + text[1:]


class RosterFileError(Exception):
    """The file as a whole cannot be read as a roster."""

    def __init__(self, errors: list[RosterError], status: int = 400) -> None:
        super().__init__(errors[0].message)
        self.errors = errors
        self.status = status


@dataclass(frozen=True)
class RowChange:
    """What one row adds or changes: `adds` the new things ("employee", "roster line"), and
    `changes` {field: [old, new]} for what it changes on file."""

    row: int
    employee_number: str
    name: str
    adds: tuple[str, ...] = ()
    changes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        parts = [f"adds the {what}" for what in self.adds]
        parts += [f"{name} {old} to {new}" for name, (old, new) in self.changes.items()]
        return "; ".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "employee_number": self.employee_number,
            "name": self.name,
            "adds": list(self.adds),
            "changes": self.changes,
        }


def file_error(message: str, code: str = "invalid_file", status: int = 400) -> RosterFileError:
    return RosterFileError([RosterError(None, None, message, code)], status=status)


@dataclass
class ImportResult:
    agency: str
    dry_run: bool
    file_name: str = ""
    sheet: str = ""
    rows: int = 0
    employees_created: int = 0
    employees_updated: int = 0
    enrollments_created: int = 0
    enrollments_updated: int = 0
    rows_unchanged: int = 0
    errors: list[RosterError] = field(default_factory=list)
    # What the rows would do (or did), row by row: see RowChange.
    row_changes: list[RowChange] = field(default_factory=list)
    # The HTTP answer: 200, 400 (bad file or rows), 409 (changed meanwhile), 413 (too large).
    status: int = 200

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(
            self.employees_created
            or self.employees_updated
            or self.enrollments_created
            or self.enrollments_updated
        )

    @property
    def detail(self) -> str:
        if self.errors:
            rows = {error.row for error in self.errors if error.row}
            on_sheet = f" on the sheet {self.sheet}" if self.sheet else ""
            if not rows:
                return (
                    f"The roster was not imported{on_sheet}: {self.errors[0].message} "
                    "Nothing was changed."
                )
            count = f"{len(rows)} row has" if len(rows) == 1 else f"{len(rows)} rows have"
            return (
                f"The roster was not imported: {count} problems{on_sheet}, listed in errors. "
                "Nothing was changed."
            )
        counts = (
            f"{_count(self.employees_created, 'employee')} added, "
            f"{self.employees_updated} changed; "
            f"{_count(self.enrollments_created, 'roster line')} added, "
            f"{self.enrollments_updated} changed; "
            f"{_count(self.rows_unchanged, 'row')} already up to date."
        )
        if self.dry_run:
            return (
                f"Checked {_count(self.rows, 'row')} for {self.agency}: no problems. "
                f"Importing would leave {counts} Nothing was saved (dry run)."
            )
        return f"Imported {_count(self.rows, 'row')} into {self.agency}: {counts}"

    def as_dict(self) -> dict[str, object]:
        return {
            "detail": self.detail,
            "agency": self.agency,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "employees_created": self.employees_created,
            "employees_updated": self.employees_updated,
            "enrollments_created": self.enrollments_created,
            "enrollments_updated": self.enrollments_updated,
            "rows_unchanged": self.rows_unchanged,
            "sheet": self.sheet or None,
            "errors": [error.as_dict() for error in self.errors],
            "changes": [change.as_dict() for change in self.row_changes] if self.dry_run else [],
        }


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"
