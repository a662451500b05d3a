from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.0123 -> "1.23%": a share as people read it."""
    if value is None:
        return "–"
    return f"{float(value) * 100:.2f}%"
