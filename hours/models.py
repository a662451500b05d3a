"""Mentoring hours, paid-leave requests and each employee's year."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from agencies.models import Employee, MentoringOrganization
from policy import rules

HOURS = {"max_digits": 6, "decimal_places": 2}


class PersonalHours(models.Model):
    """Mentoring on the employee's own time, which must match paid leave hour for hour."""

    class Status(models.TextChoices):
        LOGGED = "logged", "Awaiting verification"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    class VerifiedVia(models.TextChoices):
        ORGANIZATION_LINK = "organization_link", "By the organization, through its link"
        COORDINATOR = "coordinator", "By the coordinator"

    SOURCE_CHOICES = list(rules.PERSONAL_SOURCES.items())
    ACTIVITY_CHOICES = list(rules.ACTIVITIES.items())

    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="personal_hours")
    date = models.DateField()
    hours = models.DecimalField(**HOURS)
    source = models.CharField(max_length=20, choices=SOURCE_CHOICES)
    organization = models.ForeignKey(
        MentoringOrganization, on_delete=models.PROTECT, related_name="personal_hours"
    )
    activity = models.CharField(
        max_length=12, choices=list(rules.ACTIVITIES.items()), default="mentoring"
    )
    notes = models.TextField(blank=True, help_text="Never name or describe the young person.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.LOGGED)
    verified_by_name = models.CharField(
        max_length=200, blank=True, help_text="Who at the mentoring organization verified it."
    )
    verified_on = models.DateField(null=True, blank=True)
    verified_via = models.CharField(
        max_length=20,
        choices=VerifiedVia.choices,
        blank=True,
        help_text="How the verification reached the program: the organization's own link, or "
        "the coordinator (who says how in the reason).",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "personal hours"
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="personal_hours_positive"),
        ]
        indexes = [
            models.Index(fields=["employee", "date"]),
            models.Index(fields=["status", "date"]),
            # A coordinator's queue counts an agency's entries in one status from this index
            # alone, without reading the rows (the pagination's COUNT is most of its cost).
            models.Index(fields=["status", "employee"]),
        ]

    def __str__(self) -> str:
        return f"{self.hours} personal hours on {self.date} ({self.status})"


class LeaveRequest(models.Model):
    """A request for paid mentoring leave on one date."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"
        CANCELLED = "cancelled", "Cancelled"
        REVERSED = "reversed", "Reversed"
        AWAITING_SUPERVISOR = "awaiting_supervisor", "Awaiting the supervisor"

    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="leave_requests")
    date = models.DateField()
    hours = models.DecimalField(**HOURS)
    organization = models.ForeignKey(
        MentoringOrganization, on_delete=models.PROTECT, related_name="leave_requests"
    )
    activity = models.CharField(
        max_length=12, choices=list(rules.ACTIVITIES.items()), default="mentoring"
    )
    notes = models.TextField(blank=True, help_text="Never name or describe the young person.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was denied, cancelled or reversed.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The supervisor's step, under an agency's supervisor_then_coordinator chain.
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The supervisor whose step it is (or was) when the request was made.",
    )
    supervisor_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supervisor_decided_at = models.DateTimeField(null=True, blank=True)
    approver_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Whom the coordinator's decision was made for, when a delegate made it.",
    )
    routing_note = models.CharField(
        max_length=300, blank=True, help_text="Why the request skipped the supervisor, if it did."
    )

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="leave_hours_positive"),
        ]
        indexes = [
            models.Index(fields=["employee", "date"]),
            models.Index(fields=["status", "date"]),
            # A coordinator's queue counts an agency's entries in one status from this index
            # alone, without reading the rows (the pagination's COUNT is most of its cost).
            models.Index(fields=["status", "employee"]),
        ]

    def __str__(self) -> str:
        return f"{self.hours} paid hours on {self.date} ({self.status})"


class Balance(models.Model):
    """An employee's running figures for one calendar year.

    Kept in step with every change by the services, in the same transaction as the ledger entry,
    and locked while a request is made or decided (SELECT ... FOR UPDATE, or the UPDATE that
    writes it: hours/services/years.py), which is what keeps the cap and the match under
    concurrent approvals. `check_balances` recomputes it.
    """

    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="balances")
    year = models.PositiveIntegerField()
    paid_approved = models.DecimalField(**HOURS, default=Decimal("0"))
    paid_pending = models.DecimalField(**HOURS, default=Decimal("0"))
    personal_verified = models.DecimalField(**HOURS, default=Decimal("0"))
    personal_logged = models.DecimalField(
        **HOURS, default=Decimal("0"), help_text="Personal hours awaiting verification."
    )

    class Meta:
        ordering = ["-year", "employee__employee_number"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "year"], name="one_balance_per_year"),
            models.CheckConstraint(
                condition=Q(
                    paid_approved__gte=0,
                    paid_pending__gte=0,
                    personal_verified__gte=0,
                    personal_logged__gte=0,
                ),
                name="balance_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee.employee_number} {self.year}"
