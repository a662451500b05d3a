"""write_table's data rows, read back cell by cell: each value keeps its type, its number
format and its padding; a person's text stays text; an alert line is shaded, empty cells too;
long text wraps and makes its row taller. No database: the table is written from values."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from reports.workbooks import (
    DATE,
    FIRST_DATA_ROW,
    HOURS,
    MONTH,
    PERCENT,
    TEXT,
    Column,
    Heading,
    Line,
    TableWorkbook,
    write_table,
)

COLUMNS = [
    Column("Name", TEXT, ""),
    Column("Hours", HOURS, ""),
    Column("Day", DATE, ""),
    Column("Month", MONTH, ""),
    Column("Rate", PERCENT, ""),
    Column("Reason", TEXT, "", width=10, wrap=True),
]
LONG = "A reason long enough to wrap over several lines of a narrow column"


@pytest.fixture
def rows():
    wb = TableWorkbook()
    ws = wb.create_sheet("Table")
    last = write_table(
        ws,
        heading=Heading("Title", "Note"),
        columns=COLUMNS,
        lines=[
            Line(["Ada", Decimal("1234.5"), dt.date(2026, 3, 2), dt.date(2026, 3, 1), 0.25, "ok"]),
            Line(['=HYPERLINK("x")', "Does not apply", None, None, None, LONG]),
            Line([12, Decimal("2.00"), None, None, Decimal("0.5"), None], alert=True),
        ],
    )
    assert last == FIRST_DATA_ROW + 2
    buffer = io.BytesIO()
    wb.save(buffer)
    sheet = openpyxl.load_workbook(buffer)["Table"]
    return sheet, [sheet[FIRST_DATA_ROW + i] for i in range(3)]


def test_numbers_and_dates_keep_their_type_format_and_padding(rows):
    _, (plain, _, _) = rows
    name, hours, day, month, rate, reason = plain
    assert (hours.value, hours.data_type, hours.number_format) == (1234.5, "n", "#,##0.00")
    assert (hours.alignment.horizontal, hours.alignment.indent) == ("right", 1)
    assert day.is_date and day.value == dt.datetime(2026, 3, 2)
    assert day.number_format == "yyyy-mm-dd"
    assert month.is_date and month.number_format == "mmm yyyy"
    assert (rate.value, rate.number_format) == (0.25, "0.00%")
    # Plain text carries no style of its own.
    assert (name.value, name.data_type, name.style_id) == ("Ada", "s", 0)
    assert (reason.value, reason.style_id) == ("ok", 0)


def test_typed_text_stays_text_and_long_text_wraps(rows):
    sheet, (_, typed, _) = rows
    formula, does_not_apply, day, _, _, reason = typed
    assert (formula.value, formula.data_type) == ('=HYPERLINK("x")', "s")
    assert (formula.alignment.horizontal, formula.alignment.indent) == ("left", 1)
    assert (does_not_apply.value, does_not_apply.data_type) == ("Does not apply", "s")
    assert day.value is None
    assert reason.value == LONG and reason.alignment.wrap_text is True
    assert sheet.row_dimensions[FIRST_DATA_ROW + 1].height > 14.5


def test_an_alert_line_is_shaded_empty_cells_too(rows):
    _, (_, _, alert) = rows
    number, hours, day, _, rate, reason = alert
    for cell in alert:
        assert cell.fill.fgColor.rgb[-6:] == "FFC7CE", cell.coordinate
        assert cell.font.color.rgb[-6:] == "9C0006", cell.coordinate
    assert (number.value, number.data_type) == ("12", "s")  # a text column's number is text
    assert (hours.value, hours.number_format) == (2, "#,##0.00")
    assert (rate.value, rate.number_format) == (0.5, "0.00%")
    assert day.value is None and day.number_format == "yyyy-mm-dd"
    assert reason.value is None and reason.alignment.wrap_text is True
