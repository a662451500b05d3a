"""Spreadsheet bombs: a small xlsx that unpacks to millions of cells, rows or shared strings is
refused while its XML streams, before openpyxl builds anything, in well under a second and in
a small fixed memory; a real roster still imports. The review's two files took 30 s and 2.9 GB,
and 69 s and 650 MB, of one worker each; `make bench` measures refusing them at full size."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from agencies.roster import reading
from agencies.roster.columns import (
    MAX_CELLS_PER_ROW,
    MAX_SHARED_STRINGS,
    MAX_SHARED_STRINGS_BYTES,
    MAX_SHEET_ROWS,
)
from bench import bombs
from tests.roster.test_roster_bad_input import only, refused  # noqa: F401 (a fixture)

from .conftest import make_row, roster_state, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def refused_fast(data: bytes) -> dict:
    """Read `data` as a roster file: refused as unsafe, within a second (on a busy machine;
    `make bench` shows milliseconds) and 20 MB traced. Timed without tracemalloc, which slows
    every allocation, then read again to trace the memory."""
    started = time.perf_counter()
    with pytest.raises(reading.RosterFileError) as refusal:
        reading.read_sheet(data, "roster.xlsx")
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        with pytest.raises(reading.RosterFileError):
            reading.read_sheet(data, "roster.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    error = refusal.value.errors[0]
    assert error.code == "unsafe_file", error
    assert seconds < 1.0
    assert peak < 20 * 2**20
    return error.as_dict()


def test_a_row_of_too_many_cells_is_refused_while_it_streams(monkeypatch):
    opened = []
    monkeypatch.setattr(reading.openpyxl, "load_workbook", lambda *a, **k: opened.append(a))
    error = refused_fast(bombs.wide_row(20_000))
    assert f"more than {MAX_CELLS_PER_ROW:,} cells" in error["message"]
    assert opened == []


def test_cells_with_a_namespace_prefix_are_counted_too():
    rows = b'<x:row r="1">' + b'<x:c r="A1"/>' * 5_000 + b"</x:row>"
    sheet = (
        b'<?xml version="1.0"?><x:worksheet xmlns:x="' + bombs.MAIN.encode() + b'">'
        b"<x:sheetData>" + rows + b"</x:sheetData></x:worksheet>"
    )
    assert "cells" in refused_fast(bombs.workbook(sheet=sheet))["message"]


def test_a_sheet_of_too_many_rows_is_refused():
    error = refused_fast(bombs.tall_sheet(MAX_SHEET_ROWS + 1_000))
    assert f"more than {MAX_SHEET_ROWS:,} rows" in error["message"]


def test_a_row_numbered_past_the_limit_is_refused():
    sheet = bombs._sheet_xml(b'<row r="1048576"><c r="A1048576"/></row>')
    assert "past row" in refused_fast(bombs.workbook(sheet=sheet))["message"]


def test_a_dimension_claiming_the_whole_grid_is_refused():
    assert "claims to reach row 1,048,576" in refused_fast(bombs.claimed_dimension())["message"]


def test_too_many_shared_strings_are_refused():
    error = refused_fast(bombs.shared_strings(MAX_SHARED_STRINGS + 1_000))
    assert "shared strings" in error["message"]


def test_shared_strings_past_their_size_are_refused_unopened():
    big = b"<si><t>" + b"x" * 1000 + b"</t></si>"
    count = MAX_SHARED_STRINGS_BYTES // len(big) + 10
    error = refused_fast(bombs.shared_strings(count, big))
    assert "shared strings unpacks to" in error["message"]


def test_a_document_type_declaration_is_refused():
    sheet = bombs._sheet_xml(b"").replace(
        b"<worksheet", b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]><worksheet', 1
    )
    assert "document type" in refused_fast(bombs.workbook(sheet=sheet))["message"]


def test_a_bomb_through_the_api_is_a_400_and_changes_nothing(refused):  # noqa: F811
    error = only(refused(upload(bombs.wide_row(200_000))))
    assert error["code"] == "unsafe_file"


def test_a_real_roster_still_imports(roster_world, post_roster):
    before = roster_state()
    rows = [make_row(n) for n in range(1, 301)]
    response = post_roster(roster_world, upload(xlsx_bytes(rows)))
    assert response.status_code == 200, response.content[:500]
    assert response.json()["employees_created"] == 300
    assert len(roster_state()["employees"]) == len(before["employees"]) + 300
