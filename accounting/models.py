"""Approved leave on its way to the agency's leave accounting: monthly batches, frozen once sent.

A batch is written once, with its lines, and never changed: a request reversed after it was
sent is undone by a negative line in a later batch, never by editing the first one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from agencies.models import Agency, Employee
from hours.models import LeaveRequest

HOURS = {"max_digits": 6, "decimal_places": 2}
DEFAULT_LEAVE_TYPE = "Mentoring leave"


class AccountingSetting(models.Model):
    """How an agency's leave accounting names this leave type."""

    agency = models.OneToOneField(
        Agency, on_delete=models.PROTECT, related_name="accounting_setting"
    )
    leave_type = models.CharField(
        max_length=60,
        default=DEFAULT_LEAVE_TYPE,
        help_text="The leave type as the agency's leave accounting knows it.",
    )

    def __str__(self) -> str:
        return f"{self.agency.code}: {self.leave_type}"


class Batch(models.Model):
    """One agency's lines sent to leave accounting for one monthly pay period."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="leave_batches")
    number = models.PositiveIntegerField(help_text="1, 2, 3, ... within the agency.")
    period = models.DateField(help_text="The first day of the pay period's month.")
    leave_type = models.CharField(max_length=60)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["agency__code", "-period"]
        verbose_name_plural = "batches"
        constraints = [
            models.UniqueConstraint(fields=["agency", "number"], name="one_batch_number"),
            models.UniqueConstraint(fields=["agency", "period"], name="one_batch_per_period"),
            models.CheckConstraint(condition=Q(period__day=1), name="batch_period_is_a_month"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} batch {self.number} ({self.period:%Y-%m})"


class BatchLine(models.Model):
    """One employee's hours on one date, as sent. Negative lines undo a line of an earlier batch."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="lines")
    line = models.PositiveIntegerField(help_text="1, 2, 3, ... within the batch.")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="+")
    # Frozen as sent, so a re-download is the same file even after a name changes.
    employee_number = models.CharField(max_length=20)
    employee_name = models.CharField(max_length=300)
    request = models.ForeignKey(
        LeaveRequest, on_delete=models.PROTECT, related_name="accounting_lines"
    )
    date = models.DateField()
    hours = models.DecimalField(**HOURS)
    month = models.DateField(help_text="The first day of the month the date falls in.")
    late = models.BooleanField(help_text="The date falls in a month before the batch's period.")
    approver_name = models.CharField(max_length=300, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    undoes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="undone_by"
    )

    class Meta:
        ordering = ["batch", "line"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "line"], name="one_batch_line_number"),
            # A request's hours are sent once; only a negative line may name it again.
            models.UniqueConstraint(
                fields=["request"], condition=Q(undoes__isnull=True), name="request_sent_once"
            ),
            models.CheckConstraint(
                condition=Q(undoes__isnull=True, hours__gt=0)
                | Q(undoes__isnull=False, hours__lt=0),
                name="adjustments_are_negative",
            ),
        ]
        indexes = [models.Index(fields=["employee", "date"])]

    def __str__(self) -> str:
        return f"batch {self.batch_id} line {self.line}: {self.hours} on {self.date}"
