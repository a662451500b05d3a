"""Reads of the per-year parameters."""

from __future__ import annotations

import datetime as dt

from . import rules
from .models import PolicyYear


def policy_params(year: int) -> rules.PolicyParams:
    record = PolicyYear.objects.filter(year=year).first()
    return record.params if record else rules.DEFAULT_PARAMS


def policy_params_by_year(years) -> dict[int, rules.PolicyParams]:
    found = {
        record.year: record.params for record in PolicyYear.objects.filter(year__in=set(years))
    }
    return {year: found.get(year, rules.DEFAULT_PARAMS) for year in years}


def reminder_dates(year: int) -> tuple[dt.date, dt.date]:
    """The first and the last year-end reminder of `year` (November 1 and December 15 unless
    the year's record says otherwise)."""
    record = PolicyYear.objects.filter(year=year).first()
    return (record or PolicyYear(year=year)).reminder_dates
