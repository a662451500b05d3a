"""The per-year parameters of the policy, editable by the workgroup without a code change."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from . import rules

HOURS = {"max_digits": 6, "decimal_places": 2}


class PolicyYear(models.Model):
    """The parameters of one calendar year; years without a record use the policy defaults."""

    year = models.PositiveIntegerField(
        unique=True, validators=[MinValueValidator(1996), MaxValueValidator(2100)]
    )
    cap_hours = models.DecimalField(**HOURS, default=rules.DEFAULT_PARAMS.cap_hours)
    match_ratio = models.DecimalField(
        max_digits=4, decimal_places=2, default=rules.DEFAULT_PARAMS.match_ratio
    )
    increment = models.DecimalField(
        max_digits=4, decimal_places=2, default=rules.DEFAULT_PARAMS.increment
    )
    daily_total_limit = models.DecimalField(**HOURS, default=rules.DEFAULT_PARAMS.daily_total_limit)
    daily_paid_limit = models.DecimalField(**HOURS, default=rules.DEFAULT_PARAMS.daily_paid_limit)
    commitment_months = models.PositiveSmallIntegerField(
        default=rules.DEFAULT_PARAMS.commitment_months,
        help_text="Minimum length of the commitment to mentor (one school year).",
    )
    # The leave has to be requested and used within the calendar year: employees are reminded.
    first_reminder_on = models.DateField(
        null=True, blank=True, help_text="First year-end reminder; empty: November 1."
    )
    last_reminder_on = models.DateField(
        null=True, blank=True, help_text="Last year-end reminder; empty: December 15."
    )

    class Meta:
        # The table keeps the name it was created with, so that no row moves.
        db_table = "hours_policyyear"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(cap_hours__gt=0), name="policy_cap_positive"),
            models.CheckConstraint(condition=Q(match_ratio__gt=0), name="policy_ratio_positive"),
            models.CheckConstraint(condition=Q(increment__gt=0), name="policy_increment_positive"),
        ]

    def __str__(self) -> str:
        return f"Policy {self.year}"

    def clean(self) -> None:
        first, last = self.reminder_dates
        if not (first.year == last.year == self.year and first <= last):
            raise ValidationError(
                "The year-end reminders fall within the year, the first before the last."
            )

    @property
    def reminder_dates(self) -> tuple[dt.date, dt.date]:
        return (
            self.first_reminder_on or dt.date(self.year, 11, 1),
            self.last_reminder_on or dt.date(self.year, 12, 15),
        )

    @property
    def params(self) -> rules.PolicyParams:
        return rules.PolicyParams(
            cap_hours=self.cap_hours,
            match_ratio=self.match_ratio,
            increment=self.increment,
            daily_total_limit=self.daily_total_limit,
            daily_paid_limit=self.daily_paid_limit,
            commitment_months=self.commitment_months,
        )
