"""Writing the append-only ledger. Called inside the service's transaction, never on its own."""

from __future__ import annotations

from decimal import Decimal

from .models import LedgerEntry

ZERO = Decimal("0")


def record(**fields) -> LedgerEntry:
    entry = build(**fields)
    entry.save(force_insert=True)
    return entry


def build(
    *,
    kind: str,
    subject,
    agency_id: int,
    actor=None,
    employee_id: int | None = None,
    year: int | None = None,
    reason: str = "",
    data: dict | None = None,
    d_paid_approved: Decimal = ZERO,
    d_paid_pending: Decimal = ZERO,
    d_personal_verified: Decimal = ZERO,
    d_personal_logged: Decimal = ZERO,
) -> LedgerEntry:
    """An unsaved entry: record() saves one, the roster import bulk-creates many."""
    return LedgerEntry(
        kind=kind,
        subject_type=subject._meta.model_name,
        subject_id=subject.pk,
        agency_id=agency_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        employee_id=employee_id,
        year=year,
        reason=reason,
        data=data or {},
        d_paid_approved=d_paid_approved,
        d_paid_pending=d_paid_pending,
        d_personal_verified=d_personal_verified,
        d_personal_logged=d_personal_logged,
    )
