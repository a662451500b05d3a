"""The pilot roster as a spreadsheet: the template, the export and the all-or-nothing import.

A roster file (xlsx or csv) has one row per employee: who they are, and their line on one of
the agency's pilot rosters. The import reads and checks every row before it writes anything,
with the API's own serializer fields and the same roster rules as the API
(agencies.services.check_enrollment over policy.rules), then writes everything in one
transaction with bulk statements and the same ledger entries the services write one at a
time. So a file of any length costs a fixed number of SQL queries, and a file with one bad row
changes nothing.

The parts, in the order an import goes through them: columns (what a file holds), reading (an
upload into plain cells), dates, checks (each row on its own), plan (rows against the
database), writes, importer (the whole import), results (what it answers); export (the export
and the template) stands apart.
"""

from __future__ import annotations

from .columns import COLUMN_NAMES, CSV_TYPE, EXAMPLE_ROW, XLSX_CONTENT_TYPE
from .dates import parse_date
from .export import export_roster, roster_template
from .importer import import_roster
from .reading import refused_as_too_large
from .results import ImportResult, RosterError, RosterFileError

__all__ = [
    "COLUMN_NAMES",
    "CSV_TYPE",
    "EXAMPLE_ROW",
    "XLSX_CONTENT_TYPE",
    "ImportResult",
    "RosterError",
    "RosterFileError",
    "export_roster",
    "import_roster",
    "parse_date",
    "refused_as_too_large",
    "roster_template",
]
