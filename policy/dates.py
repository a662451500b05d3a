"""California dates: "today" and a calendar year's bounds (TIME_ZONE is America/Los_Angeles)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    """Today in California. Every rule and page reads the date through this one function."""
    return timezone.localdate()


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
