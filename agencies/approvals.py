"""The approval chain of an agency: supervisors, the chain each agency chooses, and delegations.

A supervisor is a user of the employee's agency (an employee of it, or one of its coordinators).
A delegation lets another user of the agency see and decide the delegator's queue for a date
range. The checks here are shared by the API, the admin and the roster import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ledger import services as ledger
from ledger.models import LedgerEntry
from policy import dates
from policy.errors import NotAllowed, StateConflict

from .models import Agency, Delegation, Employee, Role
from .roles import roles_of

User = get_user_model()


# --- Who belongs to an agency -------------------------------------------------------------------


def is_user_of_agency(user, agency_id: int) -> bool:
    """An employee of the agency, or one of its coordinators."""
    return (
        Employee.objects.filter(user=user, agency_id=agency_id).exists()
        or Role.objects.filter(
            user=user, kind=Role.Kind.COORDINATOR, agency_id=agency_id, active=True
        ).exists()
    )


# --- Supervisors --------------------------------------------------------------------------------


def check_supervisor(*, employee: Employee, supervisor, field: str = "supervisor") -> None:
    """A user of the same agency, not the employee, and no cycle of supervisors."""
    if supervisor is None:
        return
    if supervisor.pk == employee.user_id:
        raise ValidationError({field: "Nobody is their own supervisor."})
    if not is_user_of_agency(supervisor, employee.agency_id):
        raise ValidationError(
            {field: f"{supervisor.username} is not a user of {employee.agency.code}."}
        )
    # Walk up from the new supervisor: meeting the employee again would close a cycle.
    seen = {employee.user_id}
    current = supervisor.pk
    while current is not None:
        if current in seen:
            raise ValidationError(
                {
                    field: f"{supervisor.username} reports, directly or not, to "
                    f"{employee.user.username}: supervisors cannot form a cycle."
                }
            )
        seen.add(current)
        current = (
            Employee.objects.filter(user_id=current).values_list("supervisor_id", flat=True).first()
        )


# --- The agency's chain -------------------------------------------------------------------------


def agency_set_approval_chain(*, by, agency: Agency, approval_chain: str) -> Agency:
    """An administrator or a coordinator of the agency chooses who decides its requests."""
    if not roles_of(by).coordinates(agency.pk):
        raise NotAllowed(f"Only a coordinator of {agency.code} can change its approval chain.")
    if approval_chain not in Agency.ApprovalChain.values:
        raise ValidationError(
            {"approval_chain": f"Choose one of: {', '.join(Agency.ApprovalChain.values)}."}
        )
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        if agency.approval_chain == approval_chain:
            return agency
        old = agency.approval_chain
        agency.approval_chain = approval_chain
        agency.save(update_fields=["approval_chain"])
        ledger.record(
            kind=LedgerEntry.Kind.AGENCY_UPDATED,
            subject=agency,
            agency_id=agency.pk,
            actor=by,
            data={"approval_chain": [old, approval_chain]},
        )
    return agency


# --- Delegations --------------------------------------------------------------------------------


def running(on: dt.date) -> Q:
    """Delegations running on `on`."""
    return Q(starts_on__lte=on, ends_on__gte=on, ended_at__isnull=True)


def may_delegate(user, agency_id: int) -> bool:
    """A coordinator of the agency, or a supervisor of someone in it."""
    return (
        roles_of(user).coordinates(agency_id)
        or Employee.objects.filter(supervisor=user, agency_id=agency_id).exists()
    )


def delegation_create(
    *,
    by,
    agency: Agency,
    delegate,
    starts_on: dt.date,
    ends_on: dt.date,
    delegator=None,
    today: dt.date | None = None,
) -> Delegation:
    """`delegator` (by default `by`) names `delegate` for a date range.

    Refused: a delegation to oneself or outside the agency, an end before its start, a start
    in the past, a delegate who is themselves delegating or delegated to in that range (no
    chains), a range overlapping another of the delegator's."""
    today = today or dates.today()
    delegator = delegator or by
    if delegator.pk != by.pk and not roles_of(by).is_admin:
        raise NotAllowed("Only an administrator names a delegate for someone else.")
    if not may_delegate(delegator, agency.pk):
        raise NotAllowed(
            f"Only a supervisor or a coordinator in {agency.code} names a delegate there."
        )
    errors: dict[str, str] = {}
    if delegate.pk == delegator.pk:
        errors["delegate"] = "A delegation goes to someone else."
    elif not is_user_of_agency(delegate, agency.pk):
        errors["delegate"] = f"{delegate.username} is not a user of {agency.code}."
    if starts_on < today:
        errors["starts_on"] = f"A delegation starts today ({today:%B %-d, %Y}) or later."
    if ends_on < starts_on:
        errors["ends_on"] = "A delegation ends on or after the day it starts."
    if errors:
        raise ValidationError(errors)
    overlapping = Q(starts_on__lte=ends_on, ends_on__gte=starts_on, ended_at__isnull=True)
    with transaction.atomic():
        # Serialize the delegator's delegations, so two overlapping ones cannot both be saved.
        User.objects.select_for_update().filter(pk=delegator.pk).first()
        if Delegation.objects.filter(overlapping, delegator=delegator).exists():
            raise ValidationError(
                {"starts_on": f"{delegator.username} already has a delegation in that range."}
            )
        chained = Delegation.objects.filter(overlapping).filter(
            Q(delegator=delegate) | Q(delegate=delegator)
        )
        if chained.exists():
            raise ValidationError(
                {
                    "delegate": "Delegations cannot be chained: the delegate is delegating, or "
                    "the delegator is a delegate, in that range."
                }
            )
        delegation = Delegation.objects.create(
            agency=agency,
            delegator=delegator,
            delegate=delegate,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        ledger.record(
            kind=LedgerEntry.Kind.DELEGATION_CREATED,
            subject=delegation,
            agency_id=agency.pk,
            actor=by,
            data={
                "delegator": delegator.username,
                "delegate": delegate.username,
                "starts_on": str(starts_on),
                "ends_on": str(ends_on),
            },
        )
    return delegation


def delegation_end(*, by, delegation: Delegation, today: dt.date | None = None) -> Delegation:
    """End a delegation early: from now on the delegate no longer decides for the delegator."""
    today = today or dates.today()
    roles = roles_of(by)
    if by.pk != delegation.delegator_id and not roles.coordinates(delegation.agency_id):
        raise NotAllowed("Only the delegator or a coordinator of the agency ends a delegation.")
    with transaction.atomic():
        delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
        if delegation.ended_at is not None or delegation.ends_on < today:
            raise StateConflict("This delegation has already ended.")
        delegation.ended_at = timezone.now()
        delegation.save(update_fields=["ended_at"])
        ledger.record(
            kind=LedgerEntry.Kind.DELEGATION_ENDED,
            subject=delegation,
            agency_id=delegation.agency_id,
            actor=by,
            data={
                "delegator": delegation.delegator.username,
                "delegate": delegation.delegate.username,
            },
        )
    return delegation


# --- Whose queue a user decides -----------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """Whose requests `user` decides today, in their own right or through a running delegation.

    `supervisors`: user ids whose team's requests the user decides as supervisor (their own id
    first). `agencies`: agency ids whose requests the user decides as a coordinator's delegate.
    `on_behalf`: for each delegator, the delegator's user (to record "decided by X for Y")."""

    supervisors: frozenset[int]
    agencies: frozenset[int]
    on_behalf: dict[int, object]

    def supervises(self, supervisor_id: int | None) -> bool:
        return supervisor_id is not None and supervisor_id in self.supervisors


def held_by(user, *, on: dt.date) -> QuerySet[Delegation]:
    """The delegations `user` holds on `on` (as the delegate)."""
    return Delegation.objects.filter(running(on), delegate_id=user.pk)


def for_a_coordinator() -> Exists:
    """Over a Delegation: whether its delegator is an active coordinator of its agency (only
    then does the delegate decide the agency's requests as a coordinator would)."""
    return Exists(
        Role.objects.filter(
            user_id=OuterRef("delegator_id"),
            kind=Role.Kind.COORDINATOR,
            agency_id=OuterRef("agency_id"),
            active=True,
        )
    )


def reach_of(user, *, on: dt.date | None = None) -> Reach:
    """One read: the delegations held on `on`, each with its delegator and whether the
    delegator coordinates the delegation's agency."""
    if not getattr(user, "is_authenticated", False):
        return Reach(frozenset(), frozenset(), {})
    held = list(
        held_by(user, on=on or dates.today())
        .select_related("delegator")
        .annotate(for_coordinator=for_a_coordinator())
    )
    return Reach(
        supervisors=frozenset({user.pk} | {d.delegator_id for d in held}),
        agencies=frozenset(d.agency_id for d in held if d.for_coordinator),
        on_behalf={d.delegator_id: d.delegator for d in held},
    )


def coordinator_delegation_for(user, *, agency_id: int, on: dt.date | None = None):
    """The coordinator `user` stands in for in `agency_id` today, or None."""
    on = on or dates.today()
    delegation = (
        Delegation.objects.filter(running(on), delegate=user, agency_id=agency_id)
        .filter(
            delegator__roles__kind=Role.Kind.COORDINATOR,
            delegator__roles__agency_id=agency_id,
            delegator__roles__active=True,
        )
        .select_related("delegator")
        .first()
    )
    return delegation.delegator if delegation else None


def supervises_anyone(user, *, on: dt.date | None = None) -> bool:
    """Whether someone reports to `user`, or to a supervisor `user` stands in for today (one
    query)."""
    on = on or dates.today()
    running_for_user = Delegation.objects.filter(running(on), delegate=user).values("delegator_id")
    return Employee.objects.filter(
        Q(supervisor=user) | Q(supervisor_id__in=running_for_user)
    ).exists()


def scope_by_reach(queryset, user, *, team: bool = False, many: bool = False):
    """An employee's rows (paths employee__agency_id, employee_id) that `user` reads: as
    roles.scope_by_agency, plus the agencies of a coordinator they stand in for today and, with
    `team`, the rows of the people they supervise (or of a supervisor they stand in for).

    For one row (an action on a request), the delegations held today are subqueries of the
    same statement rather than a read of their own, so a coordinator who acts on a request of
    their own agency never reads delegations at all. For `many` rows (a list, which PostgreSQL
    counts for its pages), they are read first (reach_of, one small read), and the list filters
    on plain lists of ids: counting through the subqueries' OR took twice as long at statewide
    size (9 ms against 4 ms for a large agency's pending requests)."""
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    roles = roles_of(user)
    if roles.reads_everything:
        return queryset
    if many:
        reach = reach_of(user)
        condition = Q(employee__agency_id__in=roles.coordinator_agency_ids | reach.agencies)
        supervisors = Q(employee__supervisor_id__in=reach.supervisors)
    else:
        held = held_by(user, on=dates.today())
        condition = Q(employee__agency_id__in=roles.coordinator_agency_ids) | Q(
            employee__agency_id__in=held.filter(for_a_coordinator()).values("agency_id")
        )
        supervisors = Q(employee__supervisor_id=user.pk) | Q(
            employee__supervisor_id__in=held.values("delegator_id")
        )
    if roles.employee_id:
        condition |= Q(employee_id=roles.employee_id)
    if team:
        condition |= supervisors
    return queryset.filter(condition)
