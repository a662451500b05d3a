"""What each person wants to hear, and which reminders they have already been sent.

The messages themselves are rows of the outbox (post_office's Email); these tables only hold
the person's choices and the once-only record of digests and reminders.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Preference(models.Model):
    """A person's choices; a person without a row gets everything (the defaults)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    digests = models.BooleanField(
        default=True, help_text="The daily digest of what waits for this person."
    )
    reminders = models.BooleanField(
        default=True, help_text="Year-end and end-of-commitment reminders."
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Email choices of {self.user}"


class Kind(models.TextChoices):
    """The messages a person may turn off; decisions on their own requests are always sent."""

    DIGEST = "digest", "Daily digest"
    REMINDER = "reminder", "Reminder"


class Sent(models.Model):
    """One digest or reminder sent to one person for one period: a rerun finds it and sends
    nothing new. `topic` names the message (e.g. "year-end-first"), `period` what it covers
    (e.g. "2026", or a date)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications_sent"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    topic = models.CharField(max_length=40)
    period = models.CharField(max_length=40)
    email = models.ForeignKey(
        "post_office.Email", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "topic", "period"], name="notification_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.period} to {self.user}"
