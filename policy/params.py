"""Query parameters shared by several endpoints."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError

MIN_YEAR, MAX_YEAR = 1996, 2100
# The largest id either database holds (a signed 64-bit integer): a larger one in a filter is
# refused with a 400 on both, where SQLite could not even bind it.
MAX_ID = 2**63 - 1


def year_param(query, *, default: int | None = None) -> int:
    """The ?year= parameter of `query` (a request's query parameters: DRF's query_params or
    Django's GET): a calendar year from 1996 (the policy's start) to 2100."""
    raw = query.get("year")
    if raw is None or raw == "":
        if default is not None:
            return default
        raise ValidationError({"year": "Give the calendar year, e.g. ?year=2026."})
    try:
        year = int(raw)
    except ValueError:
        raise ValidationError(
            {"year": f"{raw[:20]!r} is not a year; use four digits, e.g. 2026."}
        ) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({"year": f"The year must be between {MIN_YEAR} and {MAX_YEAR}."})
    return year
