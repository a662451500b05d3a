"""Mentoring hours, paid-leave requests, each employee's year, the yearly policy and the ledger."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from agencies.models import Employee, MentoringOrganization

from . import policy

HOURS = {"max_digits": 6, "decimal_places": 2}


class PolicyYear(models.Model):
    """The parameters of one calendar year; years without a record use the policy defaults."""

    year = models.PositiveIntegerField(
        unique=True, validators=[MinValueValidator(1996), MaxValueValidator(2100)]
    )
    cap_hours = models.DecimalField(**HOURS, default=policy.DEFAULT_PARAMS.cap_hours)
    match_ratio = models.DecimalField(
        max_digits=4, decimal_places=2, default=policy.DEFAULT_PARAMS.match_ratio
    )
    increment = models.DecimalField(
        max_digits=4, decimal_places=2, default=policy.DEFAULT_PARAMS.increment
    )
    daily_total_limit = models.DecimalField(
        **HOURS, default=policy.DEFAULT_PARAMS.daily_total_limit
    )
    daily_paid_limit = models.DecimalField(**HOURS, default=policy.DEFAULT_PARAMS.daily_paid_limit)
    commitment_months = models.PositiveSmallIntegerField(
        default=policy.DEFAULT_PARAMS.commitment_months,
        help_text="Minimum length of the commitment to mentor (one school year).",
    )

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(cap_hours__gt=0), name="policy_cap_positive"),
            models.CheckConstraint(condition=Q(match_ratio__gt=0), name="policy_ratio_positive"),
            models.CheckConstraint(condition=Q(increment__gt=0), name="policy_increment_positive"),
        ]

    def __str__(self) -> str:
        return f"Policy {self.year}"

    @property
    def params(self) -> policy.PolicyParams:
        return policy.PolicyParams(
            cap_hours=self.cap_hours,
            match_ratio=self.match_ratio,
            increment=self.increment,
            daily_total_limit=self.daily_total_limit,
            daily_paid_limit=self.daily_paid_limit,
            commitment_months=self.commitment_months,
        )


class PersonalHours(models.Model):
    """Mentoring on the employee's own time, which must match paid leave hour for hour."""

    class Status(models.TextChoices):
        LOGGED = "logged", "Awaiting verification"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    SOURCE_CHOICES = list(policy.PERSONAL_SOURCES.items())
    ACTIVITY_CHOICES = list(policy.ACTIVITIES.items())

    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="personal_hours")
    date = models.DateField()
    hours = models.DecimalField(**HOURS)
    source = models.CharField(max_length=20, choices=SOURCE_CHOICES)
    organization = models.ForeignKey(
        MentoringOrganization, on_delete=models.PROTECT, related_name="personal_hours"
    )
    activity = models.CharField(
        max_length=12, choices=list(policy.ACTIVITIES.items()), default="mentoring"
    )
    notes = models.TextField(blank=True, help_text="Never name or describe the young person.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.LOGGED)
    verified_by_name = models.CharField(
        max_length=200, blank=True, help_text="Who at the mentoring organization verified it."
    )
    verified_on = models.DateField(null=True, blank=True)
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

    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="leave_requests")
    date = models.DateField()
    hours = models.DecimalField(**HOURS)
    organization = models.ForeignKey(
        MentoringOrganization, on_delete=models.PROTECT, related_name="leave_requests"
    )
    activity = models.CharField(
        max_length=12, choices=list(policy.ACTIVITIES.items()), default="mentoring"
    )
    notes = models.TextField(blank=True, help_text="Never name or describe the young person.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was denied, cancelled or reversed.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
    and locked (SELECT ... FOR UPDATE) while a request is made or decided, which is what keeps
    the cap and the match under concurrent approvals. `check_balances` recomputes it.
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

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries"
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
        ordering = ["-at", "-id"]
        verbose_name_plural = "ledger entries"
        indexes = [
            models.Index(fields=["employee", "year"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} #{self.subject_id}"
