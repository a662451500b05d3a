"""Personal hours: logged by the employee, verified or rejected by a coordinator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agencies.models import Employee, MentoringOrganization
from hours import selectors
from hours.models import Balance, PersonalHours
from ledger.models import LedgerEntry
from policy import dates, rules
from policy.errors import NotAllowed, StateConflict

from .leave_requests import BulkResult
from .years import (
    check_can_log,
    check_may_decide,
    check_mentoring_allowed,
    lock_year,
    notify,
    record_change,
    record_entry,
    write_year,
)

# --- Personal hours -----------------------------------------------------------------------------


def personal_hours_log(
    *,
    employee: Employee,
    by,
    date: dt.date,
    hours: Decimal,
    source: str,
    organization: MentoringOrganization | int,
    activity: str = "mentoring",
    notes: str = "",
    today: dt.date | None = None,
) -> PersonalHours:
    """Log the employee's personal mentoring hours, after every rule.

    `organization` is the mentoring organization or its id (as the API receives it); either
    way it is read with the day's facts. The hours are written to the year first, as its lock
    (years.write_year); the facts are read after it, so they include every committed change,
    and a refusal rolls the write back. An id of no organization answers 400 naming
    `organization`, before any rule."""
    today = today or dates.today()
    check_can_log(employee=employee, by=by)
    organization_id = getattr(organization, "pk", organization)
    with transaction.atomic():
        write_year(employee_id=employee.pk, year=date.year, personal_logged=hours)
        facts = selectors.day_facts(
            employee_id=employee.pk, on=date, organization_id=organization_id
        )
        organization = facts.organization
        if organization is None:
            raise ValidationError(
                {"organization": f"No mentoring organization has the id {organization_id}."}
            )
        rules.check_personal_source(source=source)
        rules.check_increment(hours=hours, params=facts.params)
        rules.check_personal_date(on=date, today=today)
        check_mentoring_allowed(
            employee=employee, organization=organization, on=date, activity=activity, facts=facts
        )
        rules.check_daily_limits(
            on=date,
            hours=hours,
            paid=False,
            paid_that_day=facts.paid_that_day,
            personal_that_day=facts.personal_that_day,
            params=facts.params,
        )
        entry = PersonalHours.objects.create(
            employee=employee,
            date=date,
            hours=hours,
            source=source,
            organization=organization,
            activity=activity,
            notes=notes,
        )
        record_entry(
            year=date.year,
            kind=LedgerEntry.Kind.PERSONAL_LOGGED,
            subject=entry,
            employee=employee,
            actor=by,
            data={"date": date.isoformat(), "hours": str(hours)},
            personal_logged=hours,
        )
    return entry


def _locked_personal(entry: PersonalHours) -> tuple[Balance, PersonalHours]:
    balance = lock_year(employee_id=entry.employee_id, year=entry.date.year)
    return balance, PersonalHours.objects.select_for_update().get(pk=entry.pk)


def personal_hours_verify(
    *,
    entry: PersonalHours,
    by,
    verified_by_name: str,
    verified_on: dt.date | None = None,
    today: dt.date | None = None,
    via: str = PersonalHours.VerifiedVia.COORDINATOR,
    reason: str = "",
    link_data: dict | None = None,
) -> PersonalHours:
    """Record the mentoring organization's verification (who there, when, and how it came).

    `via` is "coordinator" (a coordinator records it, and `reason` says how: a signed paper
    form, a phone call) or "organization_link" (the organization's contact confirmed it
    through a confirmation link; `by` is None, the link is the authority, checked by the
    caller, and `link_data` names the contact, the time and the client address).
    """
    employee = entry.employee
    if via == PersonalHours.VerifiedVia.COORDINATOR:
        check_may_decide(employee=employee, by=by, action="verify")
    elif via != PersonalHours.VerifiedVia.ORGANIZATION_LINK or by is not None:
        raise NotAllowed("Only the organization's own link verifies hours that way.")
    if not verified_by_name.strip():
        raise ValidationError(
            {
                "verified_by_name": "Name the person at the mentoring organization who verified "
                "these hours."
            }
        )
    today = today or dates.today()
    verified_on = verified_on or today
    rules.check_verification_date(on=entry.date, verified_on=verified_on, today=today)
    if via == PersonalHours.VerifiedVia.COORDINATOR:
        rules.check_reason(
            reason=reason, action="verify hours yourself (say how the organization confirmed them)"
        )
    with transaction.atomic():
        balance, entry = _locked_personal(entry)
        if entry.status != PersonalHours.Status.LOGGED:
            raise StateConflict(f"These hours are already {entry.get_status_display().lower()}.")
        entry.status = PersonalHours.Status.VERIFIED
        entry.verified_by_name = verified_by_name.strip()
        entry.verified_on = verified_on
        entry.verified_via = via
        entry.reason = reason.strip()
        entry.reviewed_by = by
        entry.reviewed_at = timezone.now()
        entry.save()
        record_change(
            balance=balance,
            kind=LedgerEntry.Kind.PERSONAL_VERIFIED,
            subject=entry,
            employee=employee,
            actor=by,
            reason=entry.reason,
            data={
                "verified_by_name": entry.verified_by_name,
                "verified_on": verified_on.isoformat(),
                "verified_via": via,
                **(link_data or {}),
            },
            personal_logged=-entry.hours,
            personal_verified=entry.hours,
        )
        notify(
            employee,
            template="hours/email/personal_hours_decision",
            context={
                "decision": "verified",
                "hours": rules.plural_hours(entry.hours),
                "date": entry.date,
                "reason": "",
            },
        )
    return entry


def personal_hours_reject(*, entry: PersonalHours, by, reason: str) -> PersonalHours:
    """Reject logged hours, or un-verify verified ones. Approved leave that relied on them
    stays approved, and the year shows as out of match."""
    employee = entry.employee
    check_may_decide(employee=employee, by=by, action="reject")
    rules.check_reason(reason=reason, action="reject personal hours")
    with transaction.atomic():
        balance, entry = _locked_personal(entry)
        if entry.status == PersonalHours.Status.REJECTED:
            raise StateConflict("These hours are already rejected.")
        was_verified = entry.status == PersonalHours.Status.VERIFIED
        entry.status = PersonalHours.Status.REJECTED
        entry.reason = reason.strip()
        entry.reviewed_by = by
        entry.reviewed_at = timezone.now()
        entry.save()
        deltas = (
            {"personal_verified": -entry.hours}
            if was_verified
            else {"personal_logged": -entry.hours}
        )
        record_change(
            balance=balance,
            kind=LedgerEntry.Kind.PERSONAL_REJECTED,
            subject=entry,
            employee=employee,
            actor=by,
            reason=entry.reason,
            data={"was_verified": was_verified},
            **deltas,
        )
        notify(
            employee,
            template="hours/email/personal_hours_decision",
            context={
                "decision": "rejected",
                "hours": rules.plural_hours(entry.hours),
                "date": entry.date,
                "reason": entry.reason,
            },
        )
    return entry


def personal_hours_bulk_verify(
    *,
    entries: list[PersonalHours],
    by,
    verified_by_name: str,
    reason: str,
    verified_on: dt.date | None = None,
    today: dt.date | None = None,
) -> list[BulkResult]:
    """Verify each entry on its own, with one verifier name, date and reason for all: one that
    is refused does not hold back the others."""
    results = []
    for entry in entries:
        try:
            personal_hours_verify(
                entry=entry,
                by=by,
                verified_by_name=verified_by_name,
                verified_on=verified_on,
                reason=reason,
                today=today,
            )
        except rules.PolicyViolation as violation:
            results.append(BulkResult(entry.pk, False, violation.code, violation.detail))
        except StateConflict as conflict:
            results.append(BulkResult(entry.pk, False, conflict.code, conflict.detail))
        except NotAllowed as refusal:
            results.append(BulkResult(entry.pk, False, "not_allowed", str(refusal)))
        except ValidationError as error:
            detail = "; ".join(error.messages)
            results.append(BulkResult(entry.pk, False, "invalid", detail))
        else:
            results.append(BulkResult(entry.pk, True))
    return results
