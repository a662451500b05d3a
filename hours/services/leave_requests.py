"""Paid leave requests: made, approved, denied, cancelled and reversed, one or many."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from agencies.models import Employee, MentoringOrganization
from agencies.roles import roles_of
from hours import selectors
from hours.models import Balance, LeaveRequest
from ledger.models import LedgerEntry
from policy import dates, rules
from policy.errors import NotAllowed, StateConflict

from . import chain
from .years import (
    check_can_log,
    check_cancellable,
    check_may_cancel,
    check_may_decide,
    check_mentoring_allowed,
    check_written,
    lock_year,
    notify,
    record_change,
    record_decision,
    write_named_request_year,
    write_request_year,
)

# --- Paid leave requests ------------------------------------------------------------------------


def _check_paid_leave(
    *,
    employee: Employee,
    organization: MentoringOrganization,
    on: dt.date,
    hours: Decimal,
    activity: str,
    committed: Decimal,
    personal_verified: Decimal,
    today: dt.date,
    facts: selectors.DayFacts,
    at_approval: bool = False,
) -> None:
    """Every rule of a paid-leave request; called when it is made and again when approved
    (when the request is set aside from the day's hours and from what is committed)."""
    params = facts.params
    rules.check_increment(hours=hours, params=params)
    rules.check_leave_date(on=on, today=today)
    check_mentoring_allowed(
        employee=employee, organization=organization, on=on, activity=activity, facts=facts
    )
    rules.check_daily_limits(
        on=on,
        hours=hours,
        paid=True,
        paid_that_day=facts.paid_that_day,
        personal_that_day=facts.personal_that_day,
        params=params,
    )
    rules.check_annual_cap(
        year=on.year, hours=hours, committed=committed, params=params, at_approval=at_approval
    )
    rules.check_match(
        year=on.year,
        hours=hours,
        committed=committed,
        personal_verified=personal_verified,
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
    today = today or dates.today()
    check_can_log(employee=employee, by=by)
    with transaction.atomic():
        balance = lock_year(employee_id=employee.pk, year=date.year)
        _check_paid_leave(
            employee=employee,
            organization=organization,
            on=date,
            hours=hours,
            activity=activity,
            committed=balance.paid_approved + balance.paid_pending,
            personal_verified=balance.personal_verified,
            today=today,
            facts=selectors.day_facts(employee_id=employee.pk, on=date),
        )
        status, supervisor_id, routing_note = chain.route(employee)
        request = LeaveRequest.objects.create(
            employee=employee,
            date=date,
            hours=hours,
            organization=organization,
            activity=activity,
            notes=notes,
            status=status,
            supervisor_id=supervisor_id,
            routing_note=routing_note,
        )
        record_change(
            balance=balance,
            kind=LedgerEntry.Kind.LEAVE_REQUESTED,
            subject=request,
            employee=employee,
            actor=by,
            reason=routing_note,
            data={"date": date.isoformat(), "hours": str(hours), "status": status},
            paid_pending=hours,
        )
        if supervisor_id is not None:
            chain.tell_supervisor(request)
    return request


def _locked_request(request: LeaveRequest) -> tuple[Balance, LeaveRequest]:
    balance = lock_year(employee_id=request.employee_id, year=request.date.year)
    return balance, _request_again(request)


def _request_again(request: LeaveRequest) -> LeaveRequest:
    """The request read again and locked, once the year's lock is held."""
    return (
        LeaveRequest.objects.select_for_update()
        .select_related("employee__user", "employee__agency", "organization")
        .get(pk=request.pk)
    )


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
    requests wait their turn, and whichever are approved first take the hours. The approval's
    deltas are written first, as the lock; the request, the facts of its date and the year's
    figures are then read in one query, and a refusal rolls the write back.
    """
    today = today or dates.today()
    employee = request.employee
    if chain.decides_as_supervisor(request=request, by=by, on=today):
        return chain.leave_request_supervisor_approve(
            request=request, by=by, note=note, today=today
        )
    on_behalf = check_may_decide(employee=employee, by=by, action="approve", on=today)
    with transaction.atomic():
        written = write_request_year(
            request, paid_pending=-request.hours, paid_approved=request.hours
        )
        return _approve_under_lock(
            request.pk,
            by=by,
            note=note,
            today=today,
            written=written,
            decided_for=(employee.agency_id, on_behalf),
        )


def leave_request_approve_by_id(
    *, pk: int, by, note: str = "", today: dt.date | None = None
) -> LeaveRequest | None:
    """leave_request_approve() for a coordinator (or an administrator) deciding a pending
    request of their own agency named by its id, without reading it first: the year's lock is
    the UPDATE that moves its hours from pending to approved, finding the employee, the year
    and the hours by the id (immutable, as write_request_year() says). Every rule and the
    coordinator's standing are then checked under the lock as in leave_request_approve().

    None, with nothing written, where that UPDATE finds no row: no such request, not pending,
    outside the agencies `by` coordinates, a delegate or a supervisor deciding, or the year's
    figures not holding the hours. The caller then approves the ordinary way, which gives the
    answer (404, 403, 409 or the approval)."""
    roles = roles_of(by)
    if not (roles.is_admin or roles.coordinator_agency_ids):
        return None
    named = LeaveRequest.objects.filter(pk=pk, status=LeaveRequest.Status.PENDING)
    if not roles.is_admin:
        named = named.filter(employee__agency_id__in=roles.coordinator_agency_ids)
    today = today or dates.today()
    with transaction.atomic():
        if not write_named_request_year(named, take="paid_pending", give="paid_approved"):
            return None
        return _approve_under_lock(pk, by=by, note=note, today=today, written=True)


def _approve_under_lock(
    pk: int, *, by, note: str, today: dt.date, written: bool, decided_for=None
) -> LeaveRequest:
    """The approval once its deltas are written (as the year's lock): the request, the facts of
    its date and the year's figures read in one query, every rule checked, the decision
    recorded. `decided_for` is the employee's agency and the coordinator stood in for, as
    checked before the lock; without it, or when the employee has moved since, who may decide
    is checked here, on the employee as read under the lock."""
    request, facts = selectors.leave_request_with_facts(pk)
    if decided_for is None or request.employee.agency_id != decided_for[0]:
        # Transferred meanwhile (or not checked yet): the decider must be one of this agency's.
        on_behalf = check_may_decide(employee=request.employee, by=by, action="approve", on=today)
    else:
        on_behalf = decided_for[1]
    _require_status(request, LeaveRequest.Status.PENDING, action="approved")
    check_written(written)
    chain.check_two_people(request=request, by=by)
    _check_paid_leave(
        employee=request.employee,
        organization=request.organization,
        on=request.date,
        hours=request.hours,
        activity=request.activity,
        # The figures were read after the write above: this request is already approved in
        # them, and the rules weigh it against what was approved before it.
        committed=facts.year.paid_approved - request.hours,
        personal_verified=facts.year.personal_verified,
        today=today,
        facts=facts,
        at_approval=True,
    )
    _record_decision(
        request,
        status=LeaveRequest.Status.APPROVED,
        by=by,
        on_behalf=on_behalf,
        reason=note,
        paid_pending=-request.hours,
        paid_approved=request.hours,
    )
    return request


def _record_decision(request, *, status, by, on_behalf, reason: str, **deltas) -> None:
    """A coordinator's decision on a pending request read under the year's lock, its deltas
    written: the request (who decided, for whom, when, why), its ledger entry (with whom a
    delegate decided for) and the employee's email, in the caller's transaction."""
    request.approver = by
    request.approver_for = on_behalf
    request.decided_at = timezone.now()
    request.reason = reason.strip()
    record_decision(
        request,
        status=status,
        kind=DECISION_KINDS[status],
        by=by,
        reason=request.reason,
        data={"for": on_behalf.username} if on_behalf else None,
        notice={
            "template": "hours/email/leave_decision",
            "context": {
                "decision": str(status),  # "approved" or "denied"
                "hours": rules.plural_hours(request.hours),
                "date": request.date,
                "reason": request.reason,
            },
        },
        **deltas,
    )


DECISION_KINDS = {
    LeaveRequest.Status.APPROVED: LedgerEntry.Kind.LEAVE_APPROVED,
    LeaveRequest.Status.DENIED: LedgerEntry.Kind.LEAVE_DENIED,
}


def leave_request_deny(*, request: LeaveRequest, by, reason: str) -> LeaveRequest:
    """Deny a pending request; a coordinator may deny for operational needs, with a reason."""
    employee = request.employee
    if chain.decides_as_supervisor(request=request, by=by):
        return chain.leave_request_supervisor_deny(request=request, by=by, reason=reason)
    on_behalf = check_may_decide(employee=employee, by=by, action="deny")
    rules.check_reason(reason=reason, action="deny a request")
    with transaction.atomic():
        written = write_request_year(request, paid_pending=-request.hours)
        request = _request_again(request)
        _require_status(request, LeaveRequest.Status.PENDING, action="denied")
        check_written(written)
        chain.check_two_people(request=request, by=by)
        _record_decision(
            request,
            status=LeaveRequest.Status.DENIED,
            by=by,
            on_behalf=on_behalf,
            reason=reason,
            paid_pending=-request.hours,
        )
    return request


def leave_request_cancel(
    *, request: LeaveRequest, by, reason: str = "", today: dt.date | None = None
) -> LeaveRequest:
    """The employee withdraws a pending request, or an approved one before its date."""
    today = today or dates.today()
    check_may_cancel(request=request, by=by)
    with transaction.atomic():
        balance, request = _locked_request(request)
        check_cancellable(request, today=today)
        was_approved = request.status == LeaveRequest.Status.APPROVED
        request.status = LeaveRequest.Status.CANCELLED
        request.reason = reason.strip()
        request.save()
        deltas = (
            {"paid_approved": -request.hours} if was_approved else {"paid_pending": -request.hours}
        )
        record_change(
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
    rules.check_reason(reason=reason, action="reverse approved leave")
    with transaction.atomic():
        balance, request = _locked_request(request)
        _require_status(request, LeaveRequest.Status.APPROVED, action="reversed")
        request.status = LeaveRequest.Status.REVERSED
        request.reason = reason.strip()
        request.save()
        record_change(
            balance=balance,
            kind=LedgerEntry.Kind.LEAVE_REVERSED,
            subject=request,
            employee=request.employee,
            actor=by,
            reason=request.reason,
            paid_approved=-request.hours,
        )
        notify(
            request.employee,
            template="hours/email/leave_decision",
            context={
                "decision": "reversed",
                "hours": rules.plural_hours(request.hours),
                "date": request.date,
                "reason": request.reason,
            },
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
        except rules.PolicyViolation as violation:
            results.append(BulkResult(request.pk, False, violation.code, violation.detail))
        except StateConflict as conflict:
            results.append(BulkResult(request.pk, False, conflict.code, conflict.detail))
        except NotAllowed as refusal:
            results.append(BulkResult(request.pk, False, "not_allowed", str(refusal)))
        else:
            results.append(BulkResult(request.pk, True))
    return results
