"""Pay periods: calendar months in California time, written YYYY-MM."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from django.core.exceptions import ValidationError

from policy import dates
from policy.params import MIN_YEAR

PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def last_day(period: dt.date) -> dt.date:
    return period.replace(day=calendar.monthrange(period.year, period.month)[1])


def next_month(period: dt.date) -> dt.date:
    return (last_day(period) + dt.timedelta(days=1)).replace(day=1)


def label(period: dt.date) -> str:
    return f"{period:%B %Y}"


def code(period: dt.date) -> str:
    return f"{period:%Y-%m}"


def parse_period(raw: str | None) -> dt.date:
    """A pay period from YYYY-MM: a month from the policy's first year up to this month.

    Raises ValidationError naming `period` (a 400 through the API)."""
    if raw is None or raw == "":
        raise ValidationError({"period": "Give the month, e.g. period=2026-11."})
    match = PERIOD_RE.match(raw)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValidationError(
            {"period": f"{raw[:20]!r} is not a month; write it as YYYY-MM, e.g. 2026-11."}
        )
    period = dt.date(int(match.group(1)), int(match.group(2)), 1)
    if period.year < MIN_YEAR:
        raise ValidationError(
            {"period": f"Mentoring leave began in {MIN_YEAR}; pick a later month."}
        )
    if period > month_of(dates.today()):
        raise ValidationError(
            {"period": f"{label(period)} has not begun; only past and current months are sent."}
        )
    return period
