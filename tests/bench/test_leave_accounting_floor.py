"""The leave accounting floor writes the same lines as the export it stands for."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from accounting import periods, selectors
from agencies.models import Agency
from bench import floors
from bench.load import SCALES, YearLoader
from reports import leave_accounting


@pytest.fixture
def loaded(db, today):
    loader = YearLoader(scale=SCALES["tiny"], today=today, chunk_employees=6)
    loader.load_fixed()
    loader.load_employees(0, SCALES["tiny"].employees)
    return loader


def _lines(content: bytes) -> list[tuple]:
    ws = load_workbook(io.BytesIO(content), read_only=True)["Lines"]
    return [
        (row[1], row[3].date(), float(row[4]), row[8])
        for row in ws.iter_rows(min_row=4, values_only=True)
        if row[1] and row[1] != "Employee number" and row[8] is not None
    ]


def test_the_floor_and_the_export_hold_the_same_lines(loaded, today):
    agency = Agency.objects.order_by("-headcount", "code").first()
    period = periods.month_of(today)

    export = leave_accounting.build_xlsx(selectors.unsent_export(agency=agency, period=period))
    floor = floors.leave_accounting_floor(agency, period)

    assert _lines(export) == _lines(floor)
    assert _lines(export)  # the tiny year has approved leave to send
