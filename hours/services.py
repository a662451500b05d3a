"""Every write to hours and leave: checked against the policy, locked, and written to the ledger
in one transaction.

The employee's Balance row for the year is the lock. Every change to an employee's year takes
it first (SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions serialize
writers), re-reads what it depends on, checks the rules, then writes. So two coordinators
approving at the same moment, or a request sent twice, cannot push a year past the cap or out
of match.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from agencies.models import Employee, MentoringOrganization
from agencies.roles import roles_of

from . import ledger, policy, selectors
from .errors import NotAllowed, StateConflict
from .models import Balance, LeaveRequest, LedgerEntry, PersonalHours

ZERO = Decimal("0")


# --- Helpers ------------------------------------------------------------------------------------


def _lock_year(*, employee_id: int, year: int) -> Balance:
    balance, _ = Balance.objects.select_for_update().get_or_create(
        employee_id=employee_id, year=year
    )
    return balance


def _apply(balance: Balance, **deltas: Decimal) -> None:
    for name, delta in deltas.items():
        setattr(balance, name, getattr(balance, name) + delta)
    balance.save(update_fields=list(deltas))


def _change(
    *,
    balance: Balance,
    kind: str,
    subject,
    employee: Employee,
    actor,
    reason: str = "",
    data: dict | None = None,
    **deltas: Decimal,
) -> None:
    """Apply deltas to the locked year and record the same deltas in the ledger."""
    if deltas:
        _apply(balance, **deltas)
    ledger.record(
        kind=kind,
        subject=subject,
        agency_id=employee.agency_id,
        actor=actor,
        employee_id=employee.pk,
        year=balance.year,
        reason=reason,
        data=data,
        **{f"d_{name}": value for name, value in deltas.items()},
    )


def _check_can_log(*, employee: Employee, by) -> None:
    roles = roles_of(by)
    if roles.employee_id != employee.pk and not roles.is_admin:
        raise NotAllowed("Employees log and request only their own hours.")


def check_may_cancel(*, request: LeaveRequest, by) -> None:
    if roles_of(by).employee_id != request.employee_id:
        raise NotAllowed("Only the employee who made a request can cancel it.")


def check_may_decide(*, employee: Employee, by, action: str) -> None:
    """A coordinator of the employee's agency (or an administrator), and not the employee."""
    if not roles_of(by).coordinates(employee.agency_id):
        raise NotAllowed(f"Only a coordinator of {employee.agency.code} can {action} this.")
    policy.check_not_self(actor_user_id=by.pk, owner_user_id=employee.user_id, action=action)


def _check_mentoring_allowed(
    *,
    employee: Employee,
    organization: MentoringOrganization,
    on: dt.date,
    activity: str,
    params: policy.PolicyParams,
) -> None:
    """The rules shared by personal hours and paid leave, in the order a person fixes them."""
    policy.check_eligible(
        bargaining_unit=employee.bargaining_unit, appointment=employee.appointment
    )
    policy.check_activity(activity=activity)
    policy.check_organization_qualified(
        name=organization.name, meets_quality_standards=organization.meets_quality_standards
    )
    policy.check_enrolled_on(
        on=on, enrollments=selectors.enrollment_facts(employee_id=employee.pk), params=params
    )


def _notify(employee: Employee, subject: str, body: str) -> None:
    address = employee.user.email
    if address:
        transaction.on_commit(lambda: send_mail(subject, body, None, [address], fail_silently=True))


# --- Personal hours -----------------------------------------------------------------------------


def personal_hours_log(
    *,
    employee: Employee,
    by,
    date: dt.date,
    hours: Decimal,
    source: str,
    organization: MentoringOrganization,
    activity: str = "mentoring",
    notes: str = "",
    today: dt.date | None = None,
) -> PersonalHours:
    today = today or selectors.today()
    params = selectors.policy_params(date.year)
    _check_can_log(employee=employee, by=by)
    policy.check_personal_source(source=source)
    policy.check_increment(hours=hours, params=params)
    policy.check_personal_date(on=date, today=today)
    _check_mentoring_allowed(
        employee=employee, organization=organization, on=date, activity=activity, params=params
    )
    with transaction.atomic():
        balance = _lock_year(employee_id=employee.pk, year=date.year)
        paid, personal = selectors.hours_on_date(employee_id=employee.pk, on=date)
        policy.check_daily_limits(
            on=date,
            hours=hours,
            paid=False,
            paid_that_day=paid,
            personal_that_day=personal,
            params=params,
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
        _change(
            balance=balance,
            kind=LedgerEntry.Kind.PERSONAL_LOGGED,
            subject=entry,
            employee=employee,
            actor=by,
            data={"date": date.isoformat(), "hours": str(hours)},
            personal_logged=hours,
        )
    return entry


def _locked_personal(entry: PersonalHours) -> tuple[Balance, PersonalHours]:
    balance = _lock_year(employee_id=entry.employee_id, year=entry.date.year)
    return balance, PersonalHours.objects.select_for_update().get(pk=entry.pk)


def personal_hours_verify(
    *,
    entry: PersonalHours,
    by,
    verified_by_name: str,
    verified_on: dt.date | None = None,
    today: dt.date | None = None,
) -> PersonalHours:
    """Record the mentoring organization's verification (who there, and when)."""
    employee = entry.employee
    check_may_decide(employee=employee, by=by, action="verify")
    if not verified_by_name.strip():
        raise ValidationError(
            {
                "verified_by_name": "Name the person at the mentoring organization who verified "
                "these hours."
            }
        )
    today = today or selectors.today()
    verified_on = verified_on or today
    # The organization confirms mentoring that happened: not before it, and not ahead of today.
    if not entry.date <= verified_on <= today:
        raise ValidationError(
            {
                "verified_on": f"The verification date must be between the mentoring date "
                f"({entry.date:%B %-d, %Y}) and today ({today:%B %-d, %Y})."
            }
        )
    with transaction.atomic():
        balance, entry = _locked_personal(entry)
        if entry.status != PersonalHours.Status.LOGGED:
            raise StateConflict(f"These hours are already {entry.get_status_display().lower()}.")
        entry.status = PersonalHours.Status.VERIFIED
        entry.verified_by_name = verified_by_name.strip()
        entry.verified_on = verified_on
        entry.reviewed_by = by
        entry.reviewed_at = timezone.now()
        entry.save()
        _change(
            balance=balance,
            kind=LedgerEntry.Kind.PERSONAL_VERIFIED,
            subject=entry,
            employee=employee,
            actor=by,
            data={
                "verified_by_name": entry.verified_by_name,
                "verified_on": verified_on.isoformat(),
            },
            personal_logged=-entry.hours,
            personal_verified=entry.hours,
        )
    return entry


def personal_hours_reject(*, entry: PersonalHours, by, reason: str) -> PersonalHours:
    """Reject logged hours, or un-verify verified ones. Approved leave that relied on them
    stays approved, and the year shows as out of match."""
    employee = entry.employee
    check_may_decide(employee=employee, by=by, action="reject")
    policy.check_reason(reason=reason, action="reject personal hours")
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
        _change(
            balance=balance,
            kind=LedgerEntry.Kind.PERSONAL_REJECTED,
            subject=entry,
            employee=employee,
            actor=by,
            reason=entry.reason,
            data={"was_verified": was_verified},
            **deltas,
        )
    _notify(
        employee,
        "Your personal mentoring hours were not accepted",
        f"Your {policy.plural_hours(entry.hours)} of personal mentoring on "
        f"{entry.date:%B %-d, %Y} were rejected by your pilot coordinator.\n\n"
        f"Reason: {entry.reason}",
    )
    return entry


# --- Paid leave requests ------------------------------------------------------------------------


def _check_paid_leave(
    *,
    employee: Employee,
    organization: MentoringOrganization,
    on: dt.date,
    hours: Decimal,
    activity: str,
    balance: Balance,
    committed: Decimal,
    today: dt.date,
    exclude_leave_id: int | None = None,
) -> None:
    """Every rule of a paid-leave request; called when it is made and again when approved."""
    params = selectors.policy_params(on.year)
    policy.check_increment(hours=hours, params=params)
    policy.check_leave_date(on=on, today=today)
    _check_mentoring_allowed(
        employee=employee, organization=organization, on=on, activity=activity, params=params
    )
    paid, personal = selectors.hours_on_date(
        employee_id=employee.pk, on=on, exclude_leave_id=exclude_leave_id
    )
    policy.check_daily_limits(
        on=on, hours=hours, paid=True, paid_that_day=paid, personal_that_day=personal, params=params
    )
    at_approval = exclude_leave_id is not None  # the request being approved is set aside
    policy.check_annual_cap(
        year=on.year, hours=hours, committed=committed, params=params, at_approval=at_approval
    )
    policy.check_match(
        year=on.year,
        hours=hours,
        committed=committed,
        personal_verified=balance.personal_verified,
        params=params,
        at_approval=at_approval,
    )


def leave_request_create(
    *,
    employee: Employee,
    by,
    date: dt.date,
    hours: Decimal,
    organization: MentoringOrganization,
    activity: str = "mentoring",
    notes: str = "",
    today: dt.date | None = None,
) -> LeaveRequest:
    today = today or selectors.today()
    _check_can_log(employee=employee, by=by)
    with transaction.atomic():
        balance = _lock_year(employee_id=employee.pk, year=date.year)
        _check_paid_leave(
            employee=employee,
            organization=organization,
            on=date,
            hours=hours,
            activity=activity,
            balance=balance,
            committed=balance.paid_approved + balance.paid_pending,
            today=today,
        )
        request = LeaveRequest.objects.create(
            employee=employee,
            date=date,
            hours=hours,
            organization=organization,
            activity=activity,
            notes=notes,
        )
        _change(
            balance=balance,
            kind=LedgerEntry.Kind.LEAVE_REQUESTED,
            subject=request,
            employee=employee,
            actor=by,
            data={"date": date.isoformat(), "hours": str(hours)},
            paid_pending=hours,
        )
    return request


def _locked_request(request: LeaveRequest) -> tuple[Balance, LeaveRequest]:
    balance = _lock_year(employee_id=request.employee_id, year=request.date.year)
    fresh = (
        LeaveRequest.objects.select_for_update()
        .select_related("employee__user", "employee__agency", "organization")
        .get(pk=request.pk)
    )
    return balance, fresh


def _require_status(request: LeaveRequest, *allowed: str, action: str) -> None:
    if request.status not in allowed:
        raise StateConflict(
            f"This request is {request.get_status_display().lower()}, so it cannot be {action}."
        )


def leave_request_approve(
    *, request: LeaveRequest, by, note: str = "", today: dt.date | None = None
) -> LeaveRequest:
    """Approve a pending request, after checking every rule again under the year's lock.

    At approval the request is weighed against what is already approved: other pending
    requests wait their turn, and whichever are approved first take the hours.
    """
    today = today or selectors.today()
    employee = request.employee
    check_may_decide(employee=employee, by=by, action="approve")
    with transaction.atomic():
        balance, request = _locked_request(request)
        _require_status(request, LeaveRequest.Status.PENDING, action="approved")
        _check_paid_leave(
            employee=request.employee,
            organization=request.organization,
            on=request.date,
            hours=request.hours,
            activity=request.activity,
            balance=balance,
            committed=balance.paid_approved,
            today=today,
            exclude_leave_id=request.pk,
        )
        request.status = LeaveRequest.Status.APPROVED
        request.approver = by
        request.decided_at = timezone.now()
        request.reason = note.strip()
        request.save()
        _change(
            balance=balance,
            kind=LedgerEntry.Kind.LEAVE_APPROVED,
            subject=request,
            employee=request.employee,
            actor=by,
            reason=request.reason,
            paid_pending=-request.hours,
            paid_approved=request.hours,
        )
    _notify(
        request.employee,
        "Your mentoring leave was approved",
        f"Your request for {policy.plural_hours(request.hours)} of paid mentoring leave on "
        f"{request.date:%B %-d, %Y} was approved.",
    )
    return request


def leave_request_deny(*, request: LeaveRequest, by, reason: str) -> LeaveRequest:
    """Deny a pending request; a coordinator may deny for operational needs, with a reason."""
    employee = request.employee
    check_may_decide(employee=employee, by=by, action="deny")
    policy.check_reason(reason=reason, action="deny a request")
    with transaction.atomic():
        balance, request = _locked_request(request)
        _require_status(request, LeaveRequest.Status.PENDING, action="denied")
        request.status = LeaveRequest.Status.DENIED
        request.approver = by
        request.decided_at = timezone.now()
        request.reason = reason.strip()
        request.save()
        _change(
            balance=balance,
            kind=LedgerEntry.Kind.LEAVE_DENIED,
            subject=request,
            employee=request.employee,
            actor=by,
            reason=request.reason,
            paid_pending=-request.hours,
        )
    _notify(
        request.employee,
        "Your mentoring leave was denied",
        f"Your request for {policy.plural_hours(request.hours)} of paid mentoring leave on "
        f"{request.date:%B %-d, %Y} was denied.\n\nReason: {request.reason}",
    )
    return request


def leave_request_cancel(
    *, request: LeaveRequest, by, reason: str = "", today: dt.date | None = None
) -> LeaveRequest:
    """The employee withdraws a pending request, or an approved one before its date."""
    today = today or selectors.today()
    check_may_cancel(request=request, by=by)
    with transaction.atomic():
        balance, request = _locked_request(request)
        _require_status(
            request, LeaveRequest.Status.PENDING, LeaveRequest.Status.APPROVED, action="cancelled"
        )
        was_approved = request.status == LeaveRequest.Status.APPROVED
        if was_approved and request.date <= today:
            raise StateConflict(
                "Approved leave can be cancelled only before its date; after that, ask your "
                "coordinator to reverse it."
            )
        request.status = LeaveRequest.Status.CANCELLED
        request.reason = reason.strip()
        request.save()
        deltas = (
            {"paid_approved": -request.hours} if was_approved else {"paid_pending": -request.hours}
        )
        _change(
            balance=balance,
            kind=LedgerEntry.Kind.LEAVE_CANCELLED,
            subject=request,
            employee=request.employee,
            actor=by,
            reason=request.reason,
            data={"was_approved": was_approved},
            **deltas,
        )
    return request


def leave_request_reverse(*, request: LeaveRequest, by, reason: str) -> LeaveRequest:
    """A coordinator takes back approved leave, with a written reason."""
    employee = request.employee
    check_may_decide(employee=employee, by=by, action="reverse")
    policy.check_reason(reason=reason, action="reverse approved leave")
    with transaction.atomic():
        balance, request = _locked_request(request)
        _require_status(request, LeaveRequest.Status.APPROVED, action="reversed")
        request.status = LeaveRequest.Status.REVERSED
        request.reason = reason.strip()
        request.save()
        _change(
            balance=balance,
            kind=LedgerEntry.Kind.LEAVE_REVERSED,
            subject=request,
            employee=request.employee,
            actor=by,
            reason=request.reason,
            paid_approved=-request.hours,
        )
    _notify(
        request.employee,
        "Your mentoring leave was reversed",
        f"Your approved {policy.plural_hours(request.hours)} of paid mentoring leave on "
        f"{request.date:%B %-d, %Y} were reversed by your pilot coordinator.\n\n"
        f"Reason: {request.reason}",
    )
    return request


@dataclass(frozen=True)
class BulkResult:
    id: int
    approved: bool
    code: str | None = None
    detail: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "approved": self.approved, "code": self.code, "detail": self.detail}


def leave_requests_bulk_approve(
    *, requests: list[LeaveRequest], by, today: dt.date | None = None
) -> list[BulkResult]:
    """Approve each request on its own: one that breaks a rule does not hold back the others."""
    results = []
    for request in requests:
        try:
            leave_request_approve(request=request, by=by, today=today)
        except policy.PolicyViolation as violation:
            results.append(BulkResult(request.pk, False, violation.code, violation.detail))
        except StateConflict as conflict:
            results.append(BulkResult(request.pk, False, conflict.code, conflict.detail))
        except NotAllowed as refusal:
            results.append(BulkResult(request.pk, False, "not_allowed", str(refusal)))
        else:
            results.append(BulkResult(request.pk, True))
    return results
