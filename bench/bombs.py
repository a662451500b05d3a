"""Spreadsheet bombs: small xlsx files that unpack to millions of cells or strings, and how
fast and in how little memory the roster import refuses each one (agencies/roster/reading.py).

Built here, in memory, from a real workbook whose parts are replaced: the tests
(tests/roster/test_spreadsheet_bombs.py) and `make bench` use the same files.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from dataclasses import dataclass

import openpyxl

from agencies.roster.reading import read_sheet
from agencies.roster.results import RosterFileError

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _sheet_xml(rows: bytes, dimension: str = "A1") -> bytes:
    return (
        (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
            f'<dimension ref="{dimension}"/><sheetData>'
        ).encode()
        + rows
        + b"</sheetData></worksheet>"
    )


def workbook(*, sheet: bytes, strings: bytes | None = None) -> bytes:
    """A workbook saved by openpyxl, with its first sheet's XML (and shared strings) replaced."""
    book = openpyxl.Workbook()
    book.active.title = "Roster"
    book.active["A1"] = "employee_number"
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for entry in source.infolist():
            if entry.filename == SHEET:
                target.writestr(SHEET, sheet)
            elif entry.filename == STRINGS and strings is not None:
                target.writestr(STRINGS, strings)
            else:
                target.writestr(entry, source.read(entry))
        if strings is not None and STRINGS not in source.namelist():
            target.writestr(STRINGS, strings)
    return out.getvalue()


def wide_row(cells: int, cell: bytes = b"<c/>") -> bytes:
    """One row of `cells` cells."""
    return workbook(sheet=_sheet_xml(b'<row r="1">' + cell * cells + b"</row>"))


def tall_sheet(rows: int) -> bytes:
    """`rows` empty rows."""
    return workbook(sheet=_sheet_xml(b"<row/>" * rows))


def claimed_dimension(ref: str = "A1:XFD1048576") -> bytes:
    """One cell, in a sheet whose dimension claims the whole of Excel's grid."""
    row = b'<row r="1"><c r="A1" t="inlineStr"><is><t>employee_number</t></is></c></row>'
    return workbook(sheet=_sheet_xml(row, dimension=ref))


def shared_strings(count: int, item: bytes = b"<si><t/></si>") -> bytes:
    """A shared-strings part of `count` strings."""
    strings = (
        (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN}" '
            f'count="{count}" uniqueCount="{count}">'
        ).encode()
        + item * count
        + b"</sst>"
    )
    return workbook(sheet=_sheet_xml(b""), strings=strings)


@dataclass
class Bomb:
    name: str
    what: str
    data: bytes
    unzipped: int


def bombs() -> list[Bomb]:
    """The review's two bombs at their size, and one of each kind within the byte limits, so
    that the streaming counts (not only the declared sizes) are what refuses them."""
    made = [
        (
            "wide row (review)",
            "6.4 million cells in one row",
            wide_row(6_400_000, b"<c><v>1</v></c>"),
        ),
        (
            "shared strings (review)",
            "about 97 MiB of shared strings",
            shared_strings(2_750_000, b"<si><t>" + b"x" * 21 + b"</t></si>"),
        ),
        ("wide row, streamed", "3 million cells in one row (12 MB)", wide_row(3_000_000)),
        ("tall sheet, streamed", "2 million empty rows (12 MB)", tall_sheet(2_000_000)),
        (
            "many strings, streamed",
            "1.2 million empty shared strings (15 MB)",
            shared_strings(1_200_000),
        ),
        ("claimed dimension", "a dimension of A1:XFD1048576", claimed_dimension()),
    ]
    out = []
    for name, what, data in made:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(entry.file_size for entry in archive.infolist())
        out.append(Bomb(name, what, data, unzipped))
    return out


def _read(data: bytes) -> str:
    try:
        read_sheet(data, "roster.xlsx")
    except RosterFileError as error:
        return error.errors[0].code
    return "accepted"


def refuse(bomb: Bomb) -> dict:
    """Time to refuse one bomb (the best of three), its traced peak memory (a separate read:
    tracemalloc slows every allocation), and the refusal's code."""
    seconds = []
    for _ in range(3):
        started = time.perf_counter()
        code = _read(bomb.data)
        seconds.append(time.perf_counter() - started)
    tracemalloc.start()
    try:
        _read(bomb.data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return {"seconds": min(seconds), "peak_mb": peak / 2**20, "code": code}
