"""Reads of the per-year parameters."""

from __future__ import annotations

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
