from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.0123 -> "1.23%": a share as people read it."""
    if value is None:
        return "–"
    return f"{float(value) * 100:.2f}%"


def _hours_text(value) -> str:
    """Hours as a person writes them, with a thousands separator: 1234.50 -> "1,234.5"."""
    number = Decimal(value)
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return text or "0"


@register.filter
def hours(value) -> str:
    """13.50 -> "13.5", 2.00 -> "2", 1250 -> "1,250": the same figure looks the same on
    every page (the balance, the queue, the tables, the sentences from policy.rules)."""
    if value is None or value == "":
        return "–"
    return _hours_text(value)


@register.filter
def hours_unit(value) -> str:
    """1 -> "1 hour", 2.5 -> "2.5 hours"."""
    if value is None or value == "":
        return "–"
    return f"{_hours_text(value)} {'hour' if Decimal(value) == 1 else 'hours'}"


@register.filter
def thousands(value) -> str:
    """21000 -> "21,000"."""
    if value is None or value == "":
        return "–"
    return f"{int(value):,}"
