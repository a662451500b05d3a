"""The append-only ledger: one entry per state change, for every app."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

HOURS = {"max_digits": 6, "decimal_places": 2}


class LedgerEntry(models.Model):
    """An append-only record of one state change: who, when, what, why.

    Entries are never edited or deleted (the database refuses it); a correction is a new entry.
    The four delta columns are what the change did to the employee's year, so the balances can
    be recomputed from the ledger alone.
    """

    class Kind(models.TextChoices):
        PERSONAL_LOGGED = "personal_hours.logged", "Personal hours logged"
        PERSONAL_VERIFIED = "personal_hours.verified", "Personal hours verified"
        PERSONAL_REJECTED = "personal_hours.rejected", "Personal hours rejected"
        PERSONAL_DISPUTED = "personal_hours.disputed", "Personal hours disputed by the organization"
        LEAVE_REQUESTED = "leave_request.requested", "Leave requested"
        LEAVE_APPROVED = "leave_request.approved", "Leave approved"
        LEAVE_DENIED = "leave_request.denied", "Leave denied"
        LEAVE_CANCELLED = "leave_request.cancelled", "Leave cancelled"
        LEAVE_REVERSED = "leave_request.reversed", "Leave reversed"
        EMPLOYEE_CREATED = "employee.created", "Employee created"
        EMPLOYEE_UPDATED = "employee.updated", "Employee updated"
        ENROLLMENT_CREATED = "enrollment.created", "Enrolled on a roster"
        ENROLLMENT_UPDATED = "enrollment.updated", "Roster line changed"
        PILOT_CREATED = "pilot.created", "Pilot created"
        PILOT_UPDATED = "pilot.updated", "Pilot changed"
        ROSTER_IMPORTED = "roster.imported", "Roster imported"
        ACCOUNTING_BATCH_SENT = "accounting.batch_sent", "Sent to leave accounting"
        ACCOUNTING_ADJUSTMENT_SENT = (
            "accounting.adjustment_sent",
            "Adjustment sent to leave accounting",
        )
        LEAVE_SUPERVISOR_APPROVED = "leave_request.supervisor_approved", "Supervisor approved"
        DELEGATION_CREATED = "delegation.created", "Delegation given"
        DELEGATION_ENDED = "delegation.ended", "Delegation ended early"
        AGENCY_UPDATED = "agency.updated", "Agency changed"
        TRANSFER_STARTED = "transfer.started", "Transfer started"
        TRANSFER_DONE = "transfer.done", "Transferred to another agency"
        TRANSFER_CANCELLED = "transfer.cancelled", "Transfer cancelled"
        LEAVE_PASSED_ON = "leave_request.passed_on", "Passed on to whoever decides it now"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    employee = models.ForeignKey(
        "agencies.Employee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
    )
    year = models.PositiveIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    subject_type = models.CharField(max_length=40)
    subject_id = models.BigIntegerField()
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    d_paid_approved = models.DecimalField(**HOURS, default=Decimal("0"))
    d_paid_pending = models.DecimalField(**HOURS, default=Decimal("0"))
    d_personal_verified = models.DecimalField(**HOURS, default=Decimal("0"))
    d_personal_logged = models.DecimalField(**HOURS, default=Decimal("0"))

    class Meta:
        # The table keeps the name it was created with, so that no row moves and the
        # database triggers that make it append-only stay in place.
        db_table = "hours_ledgerentry"
        ordering = ["-at", "-id"]
        verbose_name_plural = "ledger entries"
        indexes = [
            models.Index(fields=["employee", "year"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} #{self.subject_id}"
