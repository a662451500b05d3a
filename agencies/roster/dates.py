"""Dates as people type them in a spreadsheet."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from openpyxl.utils.datetime import from_excel

from policy.params import MAX_YEAR, MIN_YEAR

from .reading import cell_text

# --- Dates --------------------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
_MONTH_FORMATS = ("%b %d %Y", "%B %d %Y", "%d %b %Y", "%d %B %Y")
DATE_HINT = "write it as 2026-09-01, 09/01/2026 or Sept 1 2026"


def parse_date(value) -> dt.date:
    """A date from a cell: a date cell, an Excel serial number, or text in a common format.
    Raises ValueError with a sentence for the person who typed it."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        day = _serial_date(value)
    else:
        day = _text_date(cell_text(value))
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError(
            f"{day:%B %-d, %Y} is out of range: dates run from {MIN_YEAR} to {MAX_YEAR}."
        )
    return day


def _serial_date(value: float) -> dt.date:
    if not 1 <= value < 2958466:  # Excel's calendar ends on December 31, 9999
        raise ValueError(f"{value:g} is not a date; {DATE_HINT}.")
    return from_excel(value).date()


def _text_date(text: str) -> dt.date:
    if not text:
        raise ValueError("This column is required.")
    for pattern, order in ((_ISO, "ymd"), (_US, "mdy")):
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(part) for part in match.groups()), strict=True))
            return _calendar_date(text, parts["y"], parts["m"], parts["d"])
    if _SERIAL.match(text):
        return _serial_date(float(text))
    words = re.sub(r"[,.]", " ", text).split()
    words = ["Sep" if word.lower() == "sept" else word for word in words]
    for date_format in _MONTH_FORMATS:
        try:
            return dt.datetime.strptime(" ".join(words), date_format).date()
        except ValueError:
            continue
    raise ValueError(f"{text[:40]!r} is not a date; {DATE_HINT}.")


def _calendar_date(text: str, year: int, month: int, day: int) -> dt.date:
    if not 1 <= month <= 12:
        order = " (the month comes first: MM/DD/YYYY)" if "/" in text else ""
        raise ValueError(f"{text!r} is not a real date: there is no month {month}{order}.")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise ValueError(
            f"{text!r} is not a real date: {calendar.month_name[month]} {year} has {days} days."
        )
    return dt.date(year, month, day)
