"""Writes: the contacts, sending confirmation requests, the contact's answers, revoking a link.

A confirmation goes through hours' own verify service (the same lock and ledger entry kind,
`verified_via` = organization_link); a dispute leaves the entry waiting, records the
contact's words and writes a ledger entry in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import hash_token
from agencies.models import MentoringOrganization
from agencies.roles import roles_of
from hours import services as hours
from hours.models import PersonalHours
from ledger import services as ledger
from ledger.models import LedgerEntry
from policy import dates, rules
from policy.errors import NotAllowed, StateConflict

from . import selectors
from .emails import send_confirmation_request
from .models import ConfirmationLink, Dispute, VerificationContact

MAX_TOKEN_LENGTH = 100


class LinkUnknown(Exception):
    """No link has this token: mistyped or altered (answered 404)."""


class LinkGone(Exception):
    """The link expired or was revoked (answered 410)."""


# --- Contacts -----------------------------------------------------------------------------------


def check_may_keep_contacts(*, by) -> None:
    roles = roles_of(by)
    if not (roles.is_admin or roles.is_coordinator):
        raise NotAllowed("Only administrators and pilot coordinators keep verification contacts.")


def contact_save(
    *,
    by,
    organization: MentoringOrganization,
    name: str,
    email: str,
    active: bool = True,
    contact: VerificationContact | None = None,
) -> VerificationContact:
    """Add a contact, or change one (`contact`); contacts are never deleted, only made
    inactive, because their links and disputes keep pointing at them."""
    check_may_keep_contacts(by=by)
    if not name.strip():
        raise ValidationError({"name": "Give the contact's name."})
    contact = contact or VerificationContact()
    contact.organization = organization
    contact.name = name.strip()
    contact.email = email.strip().lower()
    contact.active = active
    contact.changed_by = by
    taken = VerificationContact.objects.filter(
        organization=organization, email=contact.email
    ).exclude(pk=contact.pk)
    if taken.exists():
        raise ValidationError({"email": "This organization already has a contact with this email."})
    with transaction.atomic():
        contact.save()
    return contact


# --- Sending ------------------------------------------------------------------------------------


@dataclass
class Sent:
    contact: VerificationContact
    link: ConfirmationLink | None
    entries: int
    error: str = ""


def confirmation_requests_send(
    *, by=None, agency_ids=None, today: dt.date | None = None
) -> list[Sent]:
    """Email each active contact the entries of their organization that wait, with a new link.

    At most one email a contact a day (the contact's row is locked while deciding). `by` is
    the coordinator who pressed the button (their agencies' entries only), or None for the
    daily command (every agency). An email that fails leaves nothing behind for that contact,
    so the next run tries again.
    """
    if by is not None:
        roles = roles_of(by)
        if not (roles.is_admin or roles.is_coordinator):
            raise NotAllowed("Only a pilot coordinator sends confirmation requests.")
        if agency_ids is None and not roles.is_admin:
            agency_ids = roles.coordinator_agency_ids
    today = today or dates.today()
    results = []
    contacts = (
        VerificationContact.objects.filter(active=True)
        .exclude(last_emailed_on=today)
        .order_by("organization__name", "pk")
    )
    for contact_id in contacts.values_list("pk", flat=True):
        try:
            results.append(_send_one(contact_id, by=by, agency_ids=agency_ids, today=today))
        except OSError as error:  # the mail server (smtplib's errors are OSErrors): report it
            # and go on with the next contact
            contact = VerificationContact.objects.get(pk=contact_id)
            results.append(Sent(contact, None, 0, error=f"{type(error).__name__}: {error}"))
    return [r for r in results if r.entries or r.error]


def _send_one(contact_id: int, *, by, agency_ids, today: dt.date) -> Sent:
    with transaction.atomic():
        contact = (
            VerificationContact.objects.select_for_update()
            .select_related("organization")
            .get(pk=contact_id)
        )
        if not contact.active or contact.last_emailed_on == today:
            return Sent(contact, None, 0)
        entries = list(selectors.awaiting_confirmation(contact=contact, agency_ids=agency_ids))
        if not entries:
            return Sent(contact, None, 0)
        token = ConfirmationLink.new_token()
        link = ConfirmationLink.objects.create(
            contact=contact,
            digest=hash_token(token),
            prefix=token[:8],
            created_by=by,
            expires_at=timezone.now() + dt.timedelta(days=settings.ORG_LINK_TTL_DAYS),
        )
        link.entries.set(entries)
        contact.last_emailed_on = today
        contact.save(update_fields=["last_emailed_on"])
        # Sent inside the transaction: if the mail server refuses, nothing is recorded.
        send_confirmation_request(
            contact=contact,
            entries=entries,
            token=token,
            expires_on=timezone.localtime(link.expires_at).date(),
        )
    return Sent(contact, link, len(entries))


# --- The link -----------------------------------------------------------------------------------


def link_for_token(token: str) -> ConfirmationLink:
    """The live link this token opens; LinkUnknown (404) or LinkGone (410) otherwise."""
    token = (token or "").strip()
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise LinkUnknown("This link is not known. Check that it was copied whole.")
    link = (
        ConfirmationLink.objects.select_related("contact__organization")
        .filter(digest=hash_token(token))
        .first()
    )
    if link is None:
        raise LinkUnknown("This link is not known. Check that it was copied whole.")
    if link.revoked_at is not None:
        raise LinkGone("This link was withdrawn by the program. Nothing was changed.")
    if link.expires_at <= timezone.now():
        raise LinkGone(
            f"This link expired on {timezone.localtime(link.expires_at):%B %-d, %Y}. "
            "Nothing was changed; the program will send a new one."
        )
    return link


CONFIRM = "confirm"
DISPUTE = "dispute"


@dataclass
class Answer:
    entry: PersonalHours
    decision: str
    done: bool
    detail: str = ""


def link_respond(
    *,
    link: ConfirmationLink,
    typed_name: str,
    decisions: dict[int, tuple[str, str]],
    client_address: str,
    today: dt.date | None = None,
) -> list[Answer]:
    """Apply the contact's answers, each on its own: {entry id: (confirm|dispute, words)}.

    Ids that are not the link's own entries are ignored: a link never reaches other entries.
    An entry already decided is reported, never changed.
    """
    typed_name = typed_name.strip()
    if not typed_name:
        raise ValidationError({"typed_name": "Type your name: it is recorded as who confirmed."})
    if len(typed_name) > 200:
        raise ValidationError({"typed_name": "Keep your name under 200 characters."})
    link = _still_live(link)
    today = today or dates.today()
    rows = {row.entry.pk: row for row in selectors.link_rows(link)}
    evidence = {
        "contact_id": link.contact_id,
        "contact_name": link.contact.name,
        "contact_email": link.contact.email,
        "link": link.prefix,
        "at": timezone.now().isoformat(),
        "client_address": client_address,
    }
    answers = []
    for entry_id, (decision, words) in decisions.items():
        row = rows.get(entry_id)
        if row is None or decision not in (CONFIRM, DISPUTE):
            continue
        if not row.is_open:
            answers.append(Answer(row.entry, decision, False, row.state_text))
            continue
        if row.entry.employee.user.email.lower() == link.contact.email.lower():
            # self_approval: nobody verifies their own hours, a contact included.
            answers.append(
                Answer(row.entry, decision, False, "You cannot answer for your own hours.")
            )
            continue
        try:
            if decision == CONFIRM:
                hours.personal_hours_verify(
                    entry=row.entry,
                    by=None,
                    via=PersonalHours.VerifiedVia.ORGANIZATION_LINK,
                    verified_by_name=typed_name,
                    verified_on=today,
                    today=today,
                    link_data=evidence,
                )
            else:
                _dispute(row.entry, link=link, typed_name=typed_name, words=words, data=evidence)
        except (rules.PolicyViolation, StateConflict, ValidationError) as error:
            detail = getattr(error, "detail", None) or "; ".join(error.messages)
            answers.append(Answer(row.entry, decision, False, str(detail)))
        else:
            answers.append(Answer(row.entry, decision, True))
    return answers


def _still_live(link: ConfirmationLink) -> ConfirmationLink:
    """The same link read again, still live (revoked or expired since the page opened: 410)."""
    fresh = ConfirmationLink.objects.select_related("contact__organization").get(pk=link.pk)
    if fresh.revoked_at is not None or fresh.expires_at <= timezone.now():
        raise LinkGone("This link expired or was withdrawn. Nothing was changed.")
    return fresh


def _dispute(
    entry: PersonalHours, *, link: ConfirmationLink, typed_name: str, words: str, data: dict
) -> Dispute:
    words = (words or "").strip()
    if not words:
        raise ValidationError({"words": "Say what is wrong with these hours."})
    if len(words) > 2000:
        raise ValidationError({"words": "Keep it under 2,000 characters."})
    with transaction.atomic():
        entry = (
            PersonalHours.objects.select_for_update().select_related("employee").get(pk=entry.pk)
        )
        if entry.status != PersonalHours.Status.LOGGED:
            raise StateConflict(f"These hours are already {entry.get_status_display().lower()}.")
        dispute = Dispute.objects.create(
            entry=entry,
            link=link,
            contact=link.contact,
            typed_name=typed_name,
            words=words,
            client_address=data.get("client_address", ""),
        )
        ledger.record(
            kind=LedgerEntry.Kind.PERSONAL_DISPUTED,
            subject=entry,
            agency_id=entry.employee.agency_id,
            actor=None,
            employee_id=entry.employee_id,
            year=entry.date.year,
            reason=words,
            data={"typed_name": typed_name, **data},
        )
    return dispute


def link_revoke(*, link: ConfirmationLink, by) -> ConfirmationLink:
    """Withdraw a link: an administrator, or a coordinator of an agency it lists."""
    roles = roles_of(by)
    if not roles.is_admin:
        agencies = set(link.entries.values_list("employee__agency_id", flat=True))
        if not agencies & set(roles.coordinator_agency_ids):
            raise NotAllowed("Only a coordinator of an agency in this link can withdraw it.")
    ConfirmationLink.objects.filter(pk=link.pk, revoked_at=None).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    link.refresh_from_db()
    return link
