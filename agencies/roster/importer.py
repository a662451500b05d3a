"""The import: read, check, plan and write, all rows or none."""

from __future__ import annotations

from dataclasses import replace

from django.db import IntegrityError, transaction

from agencies.models import Agency
from agencies.roles import roles_of
from ledger.models import LedgerEntry
from policy.errors import NotAllowed

from .checks import checked_lines
from .columns import COLUMN_NAMES
from .plan import plan_import
from .reading import read_sheet, read_upload
from .results import ImportResult, RosterError, RosterFileError
from .writes import whole_statements, write_plan

# --- The import ---------------------------------------------------------------------------------


def import_roster(*, agency: Agency, by, uploaded_file, dry_run: bool = False) -> ImportResult:
    """Import a roster file (xlsx or csv, any readable binary file object with a name) into
    `agency`: every row or none.

    Rows add or change employees (with their user accounts, no usable password) and their
    lines on the agency's pilot rosters, under the same rules as the API. Any bad row and
    nothing is written: result.errors lists every problem with its row and column. dry_run
    checks and counts without writing. A file already in step with the roster writes nothing,
    not even a ledger entry. `by` is the user importing: a coordinator of the agency or an
    administrator (NotAllowed otherwise); None only from the command line.
    """
    if by is not None and not roles_of(by).coordinates(agency.pk):
        raise NotAllowed(f"Only a coordinator of {agency.code} can import its roster.")
    result = ImportResult(agency=agency.code, dry_run=dry_run)
    try:
        result.file_name, data = read_upload(uploaded_file)
        sheet = read_sheet(data, result.file_name)
    except RosterFileError as exc:
        result.errors, result.status = exc.errors, exc.status
        return result
    result.sheet = sheet.name
    lines, errors = checked_lines(sheet)
    result.rows = len(lines)
    if errors and not lines:
        result.errors, result.status = _on_sheet(errors, sheet.name), 400
        return result
    try:
        with transaction.atomic(), whole_statements():
            plan = plan_import(agency, lines, errors, by=by)
            if errors:
                result.errors = _on_sheet(
                    sorted(errors, key=lambda e: (e.row or 0, _position(e.column))), sheet.name
                )
                result.status = 400
                return result
            result.employees_created = len(plan.new_employees)
            result.employees_updated = sum(
                1 for kind, *_ in plan.entries if kind == LedgerEntry.Kind.EMPLOYEE_UPDATED
            )
            result.enrollments_created = len(plan.new_enrollments)
            result.enrollments_updated = len(plan.changed_enrollments)
            result.rows_unchanged = plan.rows_unchanged
            result.row_changes = plan.row_changes
            if result.changed and not dry_run:
                write_plan(plan, agency=agency, by=by, result=result)
    except IntegrityError:
        # Someone changed the roster between the checks and the writes; all was rolled back.
        result.errors = [
            RosterError(
                None,
                None,
                "The roster changed while the file was being imported. Import it again.",
                "conflict",
            )
        ]
        result.status = 409
    return result


def _on_sheet(errors: list[RosterError], sheet: str) -> list[RosterError]:
    return [replace(error, sheet=sheet) for error in errors] if sheet else errors


def _position(column: str | None) -> int:
    return COLUMN_NAMES.index(column) if column in COLUMN_NAMES else len(COLUMN_NAMES)
