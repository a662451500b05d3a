"""Reads: what waits for an organization's confirmation, what a link shows, and what the
coordinator's queue adds (the contacts' disputes, the last verifier named per organization)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from agencies.models import Enrollment, MentoringOrganization
from hours.models import PersonalHours

from .models import ConfirmationLink, Dispute, VerificationContact


def _on_active_roster_line() -> Exists:
    """The entry's employee holds a line with its organization on its date: active, or
    withdrawn from a later day (hours before a withdrawal still count)."""
    return Exists(
        Enrollment.objects.filter(
            Enrollment.holds_on(OuterRef("date")),
            employee_id=OuterRef("employee_id"),
            organization_id=OuterRef("organization_id"),
        )
    )


def awaiting_confirmation(
    *, contact: VerificationContact, agency_ids=None
) -> QuerySet[PersonalHours]:
    """Entries of the contact's organization that wait for verification, on an active roster
    line, not disputed, and not already in one of the contact's live links."""
    live = ConfirmationLink.entries.through.objects.filter(
        confirmationlink__contact=contact,
        confirmationlink__revoked_at=None,
        confirmationlink__expires_at__gt=timezone.now(),
    ).values("personalhours_id")
    queryset = (
        PersonalHours.objects.filter(
            status=PersonalHours.Status.LOGGED, organization_id=contact.organization_id
        )
        .filter(_on_active_roster_line())
        .exclude(Exists(Dispute.objects.filter(entry_id=OuterRef("pk"))))
        .exclude(pk__in=live)
    )
    if agency_ids is not None:
        queryset = queryset.filter(employee__agency_id__in=agency_ids)
    return queryset.select_related("employee__user", "employee__agency").order_by("date", "id")


@dataclass
class LinkRow:
    entry: PersonalHours
    state: str  # open, verified, rejected, withdrawn, disputed

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def state_text(self) -> str:
        return {
            "open": "Waiting for your answer",
            "verified": "Already confirmed",
            "rejected": "Already decided by the program",
            "withdrawn": "No longer on the program's roster",
            "disputed": "You disputed it",
        }[self.state]


def link_rows(link: ConfirmationLink) -> list[LinkRow]:
    """The link's entries, each with its state: only the contact's organization's entries."""
    entries = (
        link.entries.filter(organization_id=link.contact.organization_id)
        .annotate(on_roster=_on_active_roster_line())
        .annotate(disputed=Exists(Dispute.objects.filter(entry_id=OuterRef("pk"), link=link)))
        .select_related("employee__user", "employee__agency")
        .order_by("date", "id")
    )
    rows = []
    for entry in entries:
        if entry.status == PersonalHours.Status.VERIFIED:
            state = "verified"
        elif entry.status == PersonalHours.Status.REJECTED:
            state = "rejected"
        elif not entry.on_roster:
            state = "withdrawn"
        elif entry.disputed:
            state = "disputed"
        else:
            state = "open"
        rows.append(LinkRow(entry, state))
    return rows


def disputes_by_entry(entry_ids: list[int]) -> dict[int, list[Dispute]]:
    """The contacts' words on these entries, newest first (one query)."""
    found: dict[int, list[Dispute]] = {}
    for dispute in Dispute.objects.filter(entry_id__in=entry_ids).select_related("contact"):
        found.setdefault(dispute.entry_id, []).append(dispute)
    return found


def last_verifier_names(*, organization_ids, agency_ids) -> dict[int, str]:
    """Per organization, the verifier name a coordinator of these agencies typed last (one
    query): the queue offers it again. `agency_ids` None: every agency (an administrator)."""
    last = PersonalHours.objects.filter(
        organization_id=OuterRef("pk"), verified_via=PersonalHours.VerifiedVia.COORDINATOR
    )
    if agency_ids is not None:
        last = last.filter(employee__agency_id__in=agency_ids)
    last = last.order_by("-reviewed_at", "-id").values("verified_by_name")[:1]
    rows = (
        MentoringOrganization.objects.filter(pk__in=organization_ids)
        .annotate(last_name=Subquery(last))
        .values_list("pk", "last_name")
    )
    return {pk: name for pk, name in rows if name}


def links_reachable(roles) -> QuerySet[ConfirmationLink]:
    """Links holding an entry of the user's agencies (every link for an administrator or the
    workgroup)."""
    queryset = ConfirmationLink.objects.select_related("contact__organization")
    if roles.reads_everything:
        return queryset
    if not roles.coordinator_agency_ids:
        return queryset.none()
    through = ConfirmationLink.entries.through.objects.filter(
        personalhours__employee__agency_id__in=roles.coordinator_agency_ids
    ).values("confirmationlink_id")
    return queryset.filter(pk__in=through)
