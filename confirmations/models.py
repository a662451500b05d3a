"""Mentoring organizations confirm personal hours themselves, through a link that needs no
account: their verification contacts, the links sent to them, and the disputes they raise."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from agencies.models import MentoringOrganization
from hours.models import PersonalHours


class VerificationContact(models.Model):
    """A person at a mentoring organization who confirms the hours of its mentors."""

    organization = models.ForeignKey(
        MentoringOrganization, on_delete=models.PROTECT, related_name="verification_contacts"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    active = models.BooleanField(
        default=True, help_text="Only active contacts are sent confirmation requests."
    )
    last_emailed_on = models.DateField(
        null=True, blank=True, help_text="At most one confirmation request a day."
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"], name="one_contact_per_email_per_organization"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> ({self.organization})"


class ConfirmationLink(models.Model):
    """One email's link: for one contact and a fixed set of entries, expiring, revocable.

    Only the SHA-256 digest of the token is stored, as for the API tokens; the token itself
    is in the email and nowhere else.
    """

    contact = models.ForeignKey(VerificationContact, on_delete=models.PROTECT, related_name="links")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="The first characters, to tell links apart.")
    entries = models.ManyToManyField(PersonalHours, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the daily command sent it.",
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… to {self.contact.email}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class Dispute(models.Model):
    """The contact's words about an entry they do not confirm; the entry keeps waiting."""

    entry = models.ForeignKey(PersonalHours, on_delete=models.PROTECT, related_name="disputes")
    link = models.ForeignKey(ConfirmationLink, on_delete=models.PROTECT, related_name="disputes")
    contact = models.ForeignKey(
        VerificationContact, on_delete=models.PROTECT, related_name="disputes"
    )
    typed_name = models.CharField(max_length=200)
    words = models.TextField(help_text="What the contact wrote; shown to the coordinator.")
    client_address = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            # One dispute per entry and link: the page shows a decided entry as such.
            models.UniqueConstraint(fields=["entry", "link"], name="one_dispute_per_entry_link"),
            models.CheckConstraint(condition=~Q(words=""), name="dispute_has_words"),
        ]

    def __str__(self) -> str:
        return f"Dispute of #{self.entry_id} by {self.typed_name}"
