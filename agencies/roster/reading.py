"""Reading an uploaded xlsx or csv safely into plain cells."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import openpyxl
from django.conf import settings
from openpyxl.utils.cell import range_boundaries

from agencies.models import Agency

from .columns import (
    COLUMN_NAMES,
    MAX_CELLS,
    MAX_CELLS_PER_ROW,
    MAX_COLUMNS,
    MAX_OTHER_PART_BYTES,
    MAX_ROWS,
    MAX_SHARED_STRINGS,
    MAX_SHARED_STRINGS_BYTES,
    MAX_SHEET_BYTES,
    MAX_SHEET_ROWS,
    MAX_ZIP_ENTRIES,
    SHEET_NAME,
    UNZIPPED_PER_ZIPPED_BYTE,
)
from .results import ImportResult, RosterFileError, file_error

# --- Reading the file ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    value: object
    formula: bool = False
    error: bool = False


@dataclass
class Sheet:
    """The rows of the file as read: (spreadsheet row number, cells), and the name of the
    worksheet they come from (empty for a CSV file)."""

    rows: list[tuple[int, list[Cell]]]
    name: str = ""


def header_key(text: str) -> str:
    """A heading as a column name: "Employee number" and "employee-number" are employee_number."""
    return re.sub(r"[\s\-]+", "_", text.lower())


# A sheet whose first row names this many of the roster's columns is taken for the roster.
HEADINGS_THAT_MAKE_A_ROSTER = 3


NOT_A_ROSTER = (
    "The file is not a roster spreadsheet: upload an Excel workbook (.xlsx) or a CSV file "
    "saved from the roster template."
)


def _too_large() -> RosterFileError:
    limit = settings.ROSTER_UPLOAD_MAX_BYTES
    return file_error(
        f"The file is larger than the {limit / 1024 / 1024:.3g} MB a roster file may be.",
        code="too_large",
        status=413,
    )


def refused_as_too_large(*, agency: Agency, dry_run: bool = False) -> ImportResult:
    """The answer to an upload whose announced length is already over the limit."""
    error = _too_large()
    return ImportResult(agency.code, dry_run, errors=error.errors, status=error.status)


def read_upload(uploaded_file) -> tuple[str, bytes]:
    limit = settings.ROSTER_UPLOAD_MAX_BYTES
    name = os.path.basename(str(getattr(uploaded_file, "name", "") or ""))
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise _too_large()
    if not data.strip():
        raise file_error("The file is empty.", code="empty_file")
    return name, data


def read_sheet(data: bytes, name: str = "") -> Sheet:
    """The rows of an xlsx or csv roster file, or RosterFileError. Decided by the content,
    not the name: a picture renamed roster.xlsx is still a picture."""
    lowered = name.lower()
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_sheet(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise file_error(
            "The file is an old-style Excel .xls workbook: open it in Excel and save it as "
            "an Excel Workbook (.xlsx), or as CSV.",
            code="unsupported_format",
        )
    if lowered.endswith((".xlsx", ".xlsm")):
        raise file_error(
            f"{name} is named like an Excel workbook but its content is not one. " + NOT_A_ROSTER,
            code="not_a_spreadsheet",
        )
    return _csv_sheet(data)


def _check_zip(data: bytes) -> None:
    """Refuse an archive that would unpack to far more than its size (a zip bomb) before
    openpyxl opens it. zipfile never unpacks more than an entry's declared size, so the
    declared sizes are a real bound."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise file_error(NOT_A_ROSTER, code="not_a_spreadsheet") from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise file_error(
            f"The workbook has {len(entries):,} parts; a roster workbook has a few dozen at "
            "most. Save the roster in a new workbook.",
            code="unsafe_file",
        )
    unzipped = sum(entry.file_size for entry in entries)
    if unzipped > UNZIPPED_PER_ZIPPED_BYTE * settings.ROSTER_UPLOAD_MAX_BYTES:
        raise file_error(
            f"The workbook unpacks to {unzipped / 1024 / 1024:,.0f} MB, far more than a roster "
            "needs; it was refused unopened.",
            code="unsafe_file",
        )
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names:
        raise file_error(NOT_A_ROSTER, code="not_a_spreadsheet")
    for entry in entries:
        limit, what = _part_limit(entry.filename)
        if entry.file_size > limit:
            raise file_error(
                f"The workbook's {what} unpacks to {entry.file_size / 1024 / 1024:,.1f} MB; "
                f"a roster's is under {limit / 1024 / 1024:,.0f} MB. It was refused unopened.",
                code="unsafe_file",
            )


def _part_limit(filename: str) -> tuple[int, str]:
    if filename.startswith("xl/worksheets/") and filename.endswith(".xml"):
        return MAX_SHEET_BYTES, "sheet"
    if filename == "xl/sharedStrings.xml":
        return MAX_SHARED_STRINGS_BYTES, "shared strings"
    return MAX_OTHER_PART_BYTES, f"part {filename}"


class _Refused(Exception):
    """A limit passed while streaming a part."""


ENDS = (b" ", b"\t", b"\n", b"\r", b">", b"/")
ROW_NUMBER = re.compile(rb'\s+r="(\d{1,12})"')
DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?dimension\s[^>]*?\bref=\"([^\"]{1,40})\"")
DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
CHUNK = 256 * 1024


def _elements(data: bytes, name: bytes, begin: int = 0, end: int | None = None) -> int:
    """At least as many as the elements `name` that start in `data` (`<name` or `prefix:name`),
    counted with bytes.count, in C: a bomb of millions of cells costs milliseconds. It may count
    more (`<col` for `<c`, a `:c` inside text), which can only make a file look larger."""
    end = len(data) if end is None else end
    return data.count(b"<" + name, begin, end) + data.count(b":" + name, begin, end)


def _row_starts(piece: bytes) -> list[int]:
    """Where each <row> (or <x:row>) element starts in `piece`."""
    starts = []
    for lead in (b"<row", b":row"):
        at = piece.find(lead)
        while at != -1:
            if piece[at + 4 : at + 5] in ENDS:
                if lead == b"<row":
                    starts.append(at)
                else:
                    opening = piece.rfind(b"<", 0, at)
                    if opening != -1 and re.fullmatch(
                        rb"[A-Za-z_][\w.\-]*", piece[opening + 1 : at]
                    ):
                        starts.append(opening)
            at = piece.find(lead, at + 1)
    return sorted(starts)


def _pieces(part) -> Iterator[bytes]:
    """A part's bytes in chunks cut just before a `<`, so that no tag is split between two."""
    carry = b""
    while chunk := part.read(CHUNK):
        data = carry + chunk
        cut = data.rfind(b"<")
        if cut <= 0:
            carry = b""
            yield data
        else:
            carry = data[cut:]
            yield data[:cut]
    if carry:
        yield carry


def _count_sheet(part, totals: dict[str, int]) -> None:
    """Rows, cells per row and cells in all, the row numbers, and what the sheet's dimension
    claims, counted chunk by chunk: no more memory than a chunk, whatever the file holds."""
    cells_in_row = 0
    first = True
    for piece in _pieces(part):
        if DECLARATION.search(piece):
            raise _Refused("its XML declares a document type or entities")
        if first:
            first = False
            if found := DIMENSION.search(piece):
                _check_dimension(found.group(1).decode("ascii", "replace"))
        starts = _row_starts(piece)
        totals["rows"] += len(starts)
        if totals["rows"] > MAX_SHEET_ROWS:
            raise _Refused(f"a sheet has more than {MAX_SHEET_ROWS:,} rows")
        bounds = [0, *starts, len(piece)]
        for index in range(len(bounds) - 1):
            begin, end = bounds[index], bounds[index + 1]
            if index:  # a new row starts here
                number = ROW_NUMBER.search(piece, begin, piece.find(b">", begin, end))
                if number and int(number.group(1)) > MAX_SHEET_ROWS:
                    raise _Refused(f"a sheet has a row past row {MAX_SHEET_ROWS:,}")
                cells_in_row = 0
            cells = _elements(piece, b"c", begin, end)
            cells_in_row += cells
            totals["cells"] += cells
            if cells_in_row > MAX_CELLS_PER_ROW:
                raise _Refused(f"a row has more than {MAX_CELLS_PER_ROW:,} cells")
            if totals["cells"] > MAX_CELLS:
                raise _Refused(f"the sheets have more than {MAX_CELLS:,} cells")


def _count_strings(part) -> None:
    strings = 0
    for piece in _pieces(part):
        if DECLARATION.search(piece):
            raise _Refused("its XML declares a document type or entities")
        strings += _elements(piece, b"si")
        if strings > MAX_SHARED_STRINGS:
            raise _Refused(f"it has more than {MAX_SHARED_STRINGS:,} shared strings")


def _check_dimension(ref: str) -> None:
    try:
        _, _, last_column, last_row = range_boundaries(ref.split(":")[-1])
    except (TypeError, ValueError):
        return  # openpyxl ignores a dimension it cannot read (reset_dimensions)
    if (last_row or 0) > MAX_SHEET_ROWS or (last_column or 0) > MAX_CELLS_PER_ROW:
        raise _Refused(
            f"a sheet claims to reach row {last_row or 0:,}, column {last_column or 0:,}; the "
            f"limits are {MAX_SHEET_ROWS:,} rows and {MAX_CELLS_PER_ROW:,} columns"
        )


def _stream_check(data: bytes) -> None:
    """Stream each worksheet and the shared strings, counting as they unpack, before openpyxl
    builds anything from them."""
    totals = {"cells": 0, "rows": 0}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for entry in archive.infolist():
                name = entry.filename
                # zipfile unpacks at most the declared size, checked against the limits above.
                if name == "xl/sharedStrings.xml":
                    with archive.open(entry) as part:
                        _count_strings(part)
                elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    totals["rows"] = 0
                    with archive.open(entry) as part:
                        _count_sheet(part, totals)
    except _Refused as refused:
        raise file_error(
            f"The workbook was refused unread: {refused}. A roster is far smaller; save it in "
            "a new workbook from the template.",
            code="unsafe_file",
        ) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError):
        raise file_error(NOT_A_ROSTER, code="not_a_spreadsheet") from None


def _xlsx_sheet(data: bytes) -> Sheet:
    _check_zip(data)
    _stream_check(data)
    rows: list[tuple[int, list[Cell]]] = []
    try:
        # data_only=False: a formula cell shows its formula, so it can be refused by name.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of error on a damaged or foreign file
        raise file_error(NOT_A_ROSTER, code="not_a_spreadsheet") from None
    try:
        sheet = _roster_sheet(workbook)
        # The stored dimensions may claim a million rows and columns; read only what is there.
        sheet.reset_dimensions()
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            cells = [
                Cell(cell.value, formula=cell.data_type == "f", error=cell.data_type == "e")
                for cell in row
            ]
            while cells and cells[-1].value is None:
                cells.pop()
            if not _past_the_end(number, cells):
                rows.append((number, cells))
    except RosterFileError:
        raise
    except Exception:  # a damaged sheet fails while it streams
        raise file_error(NOT_A_ROSTER, code="not_a_spreadsheet") from None
    finally:
        workbook.close()
    return Sheet(rows, name=sheet.title)


def _roster_sheet(workbook):
    """The sheet named Roster, else the first visible sheet whose first row has the roster's
    headings, else the first visible sheet (whose errors then name it). A hidden sheet or a
    cover sheet in front of the roster is passed over."""
    if SHEET_NAME in workbook.sheetnames:
        return workbook[SHEET_NAME]
    visible = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
    if not visible:
        raise file_error("The workbook has no visible worksheet.", code="not_a_spreadsheet")
    for sheet in visible:
        for first_row in sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS, values_only=True):
            keys = {header_key(cell_text(value)) for value in first_row}
            if len(keys & set(COLUMN_NAMES)) >= HEADINGS_THAT_MAKE_A_ROSTER:
                return sheet
    return visible[0]


def _past_the_end(number: int, cells: list[Cell]) -> bool:
    """True for the blank rows after the last allowed one; a row with data there is refused."""
    if number <= MAX_ROWS + 1:
        return False
    if number > 2 * MAX_ROWS or any(cell_text(cell.value) for cell in cells):
        raise file_error(
            f"The file has more than {MAX_ROWS:,} roster rows; split it into several files.",
            code="too_many_rows",
        )
    return True


def _csv_sheet(data: bytes) -> Sheet:
    if b"\x00" in data[:65536]:
        raise file_error(NOT_A_ROSTER, code="not_a_spreadsheet")
    text = _csv_text(data)
    rows: list[tuple[int, list[Cell]]] = []
    _refuse_semicolons(text)
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            cells = [_csv_cell(value) for value in record[:MAX_COLUMNS]]
            if not _past_the_end(number, cells):
                rows.append((number, cells))
    except csv.Error:
        raise file_error(
            "The file could not be read as CSV (" + NOT_A_ROSTER[:-1].lower() + ").",
            code="not_a_spreadsheet",
        ) from None
    return Sheet(rows)


def _csv_text(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without its byte-order mark), else Windows-1252,
    which Excel on Windows writes for "CSV (Comma delimited)". A file that starts with the UTF-8
    mark but holds Windows-1252 bytes was pieced together by two programs: refused, with the row
    of the first such character, because guessing would garble names."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if data.startswith(codecs.BOM_UTF8):
            row = data[: error.start].count(b"\n") + 1
            raise file_error(
                "The file starts with the mark of a UTF-8 file but is not UTF-8 throughout: "
                f"row {row} has a character saved in the Windows-1252 encoding (as an accented "
                "letter typed in another program). Open the file in a spreadsheet program and "
                'save it again as "CSV UTF-8", or save the roster as an Excel workbook (.xlsx).',
                code="mixed_encoding",
            ) from None
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise file_error(NOT_A_ROSTER, code="not_a_spreadsheet") from None


def _refuse_semicolons(text: str) -> None:
    """A spreadsheet program set to a European language saves "CSV" separated by semicolons;
    read with commas, its header is one unknown column. Say what happened instead."""
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    if ";" not in first_line or "," in first_line:
        return
    keys = {header_key(part.strip().strip('"')) for part in first_line.split(";")}
    if len(keys & set(COLUMN_NAMES)) >= HEADINGS_THAT_MAKE_A_ROSTER:
        raise file_error(
            "The file is separated by semicolons (;), not commas. Save it again as "
            '"CSV (Comma delimited)" or "CSV UTF-8", or save the roster as an Excel workbook '
            "(.xlsx).",
            code="semicolon_separated",
        )


def _csv_cell(value: str) -> Cell:
    # The export writes text that starts with = + - @ behind an apostrophe, so that a
    # spreadsheet program does not run it as a formula; the import takes it off again.
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return Cell(value[1:])
    return Cell(value, formula=value.lstrip().startswith("="))


def cell_text(value) -> str:
    """A cell's value as the text a person sees, without surrounding spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
