"""The supervisor's step of an agency's approval chain, and delegations at decision time.

Under `supervisor_then_coordinator` a new request waits for the employee's supervisor (or the
supervisor's delegate), who approves it for the coordinator or denies it for operational needs.
Its hours count as pending from the moment it is made, so the Balance and the ledger do not
change when the supervisor approves; a denial releases them.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies import approvals
from agencies.models import Agency, Delegation, Employee
from agencies.roles import roles_of
from hours.models import LeaveRequest
from ledger.models import LedgerEntry
from notifications.services import message_queue
from policy import dates, rules
from policy.errors import NotAllowed, StateConflict

from .years import check_written, record_decision, write_request_year

NO_SUPERVISOR = "No supervisor is on file for you, so the request went straight to the coordinator."
SUPERVISOR_CANNOT_SIGN_IN = (
    "Your supervisor on record can no longer sign in, so the request went to the coordinator."
)


def route(employee: Employee) -> tuple[str, int | None, str]:
    """(status, supervisor user id, note) of a new request under the agency's chain."""
    if employee.agency.approval_chain != Agency.ApprovalChain.SUPERVISOR_THEN_COORDINATOR:
        return LeaveRequest.Status.PENDING, None, ""
    if employee.supervisor_id is None:
        return LeaveRequest.Status.PENDING, None, NO_SUPERVISOR
    supervisor = get_user_model().objects.filter(pk=employee.supervisor_id, is_active=True)
    if not supervisor.exists():  # read now: the employee's copy may be older
        return LeaveRequest.Status.PENDING, None, SUPERVISOR_CANNOT_SIGN_IN
    return LeaveRequest.Status.AWAITING_SUPERVISOR, employee.supervisor_id, ""


def current_holder(*, supervisor_id: int, on: dt.date | None = None):
    """The supervisor, or the delegate standing in for them today."""
    delegation = (
        Delegation.objects.filter(
            approvals.running(on or dates.today()), delegator_id=supervisor_id
        )
        .select_related("delegate")
        .first()
    )
    if delegation is not None:
        return delegation.delegate
    return get_user_model().objects.get(pk=supervisor_id)


def tell_supervisor(request: LeaveRequest) -> None:
    """Email the supervisor (or their delegate today) that a request waits for them. Called in
    the request's transaction: the message is a row of the outbox. The supervisor may have no
    employee profile (a coordinator named as supervisor), so this writes to their address."""
    holder = current_holder(supervisor_id=request.supervisor_id)
    employee = request.employee
    message_queue(
        to=holder.email,
        template="hours/email/supervisor_waiting",
        context={
            "employee_name": employee.user.get_full_name() or employee.user.username,
            "hours": rules.plural_hours(request.hours),
            "date": request.date,
        },
        link=reverse("web:waiting"),
    )


# --- Who decides the supervisor's step ----------------------------------------------------------


def supervisor_acting_for(*, employee: Employee, by, on: dt.date | None = None):
    """None when `by` is the employee's supervisor; the supervisor when `by` is their delegate
    today. Anyone else is refused."""
    reach = approvals.reach_of(by, on=on)
    if not reach.supervises(employee.supervisor_id):
        raise NotAllowed("Only the employee's supervisor, or their delegate, decides this step.")
    return None if employee.supervisor_id == by.pk else reach.on_behalf[employee.supervisor_id]


def check_may_decide_as_supervisor(*, employee: Employee, by, action: str) -> None:
    supervisor_acting_for(employee=employee, by=by)
    rules.check_not_self(actor_user_id=by.pk, owner_user_id=employee.user_id, action=action)


def decides_as_supervisor(*, request: LeaveRequest, by, on: dt.date | None = None) -> bool:
    """Whether an approve or deny by `by` is the supervisor's step.

    A supervisor who is not a coordinator of the agency always acts as supervisor (so deciding
    a request past that step answers 409). One who is also a coordinator acts as supervisor
    only while the request awaits the supervisor."""
    employee = request.employee
    if employee.supervisor_id is None:
        return False
    if not approvals.reach_of(by, on=on).supervises(employee.supervisor_id):
        return False
    coordinates = roles_of(by).coordinates(
        employee.agency_id
    ) or approvals.coordinator_delegation_for(by, agency_id=employee.agency_id, on=on)
    return not coordinates or request.status == LeaveRequest.Status.AWAITING_SUPERVISOR


def check_two_people(*, request: LeaveRequest, by) -> None:
    """Where an agency wants two decisions, one person does not make both."""
    decided_by = request.supervisor_decided_by_id
    if decided_by is not None and by.pk in (decided_by, request.supervisor_id):
        raise rules.PolicyViolation(
            rules.SELF_APPROVAL,
            "You made the supervisor's decision on this request; another coordinator of the "
            "agency makes the coordinator's.",
        )


# --- The supervisor's decisions -----------------------------------------------------------------


def _locked(request: LeaveRequest, *, written: bool = True) -> LeaveRequest:
    """The request read again and locked, once write_year() has taken the year's lock (and
    answered `written`), while it still waits for the supervisor."""
    fresh = (
        LeaveRequest.objects.select_for_update()
        .select_related("employee__user", "employee__agency")
        .get(pk=request.pk)
    )
    if fresh.status != LeaveRequest.Status.AWAITING_SUPERVISOR:
        raise StateConflict(
            f"This request is {fresh.get_status_display().lower()}, so the supervisor's step "
            "is over."
        )
    check_written(written)
    return fresh


def _decided(request: LeaveRequest, *, by, on_behalf) -> dict:
    request.supervisor_decided_by = by
    request.supervisor_decided_at = timezone.now()
    request.supervisor = on_behalf or by
    data = {"step": "supervisor", "decided_by": by.username}
    if on_behalf is not None:
        data["for"] = on_behalf.username
    return data


def leave_request_supervisor_approve(
    *, request: LeaveRequest, by, note: str = "", today: dt.date | None = None
) -> LeaveRequest:
    """The supervisor can spare the employee that day: the request goes to the coordinator."""
    today = today or dates.today()
    on_behalf = supervisor_acting_for(employee=request.employee, by=by, on=today)
    rules.check_not_self(
        actor_user_id=by.pk, owner_user_id=request.employee.user_id, action="approve"
    )
    with transaction.atomic():
        write_request_year(request)  # no deltas: the year's lock alone
        request = _locked(request)
        data = _decided(request, by=by, on_behalf=on_behalf)
        record_decision(
            request,
            status=LeaveRequest.Status.PENDING,
            kind=LedgerEntry.Kind.LEAVE_SUPERVISOR_APPROVED,
            by=by,
            reason=note.strip(),
            data=data,
            notice={
                "subject": "Your supervisor approved your mentoring leave",
                "body": f"Your supervisor approved your request for "
                f"{rules.plural_hours(request.hours)} of paid mentoring leave on "
                f"{request.date:%B %-d, %Y}; it now goes to your pilot coordinator.",
            },
        )
    return request


def leave_request_supervisor_deny(
    *, request: LeaveRequest, by, reason: str, today: dt.date | None = None
) -> LeaveRequest:
    """The office cannot spare the employee: denied for operational needs, with a reason."""
    today = today or dates.today()
    on_behalf = supervisor_acting_for(employee=request.employee, by=by, on=today)
    rules.check_not_self(actor_user_id=by.pk, owner_user_id=request.employee.user_id, action="deny")
    rules.check_reason(reason=reason, action="deny a request")
    with transaction.atomic():
        written = write_request_year(request, paid_pending=-request.hours)
        request = _locked(request, written=written)
        data = _decided(request, by=by, on_behalf=on_behalf)
        data["code"] = rules.OPERATIONAL_NEEDS
        request.reason = reason.strip()
        record_decision(
            request,
            status=LeaveRequest.Status.DENIED,
            kind=LedgerEntry.Kind.LEAVE_DENIED,
            by=by,
            reason=request.reason,
            data=data,
            notice={
                "subject": "Your supervisor denied your mentoring leave",
                "body": f"Your supervisor denied your request for "
                f"{rules.plural_hours(request.hours)} of paid mentoring leave on "
                f"{request.date:%B %-d, %Y} for operational needs.\n\nReason: {request.reason}",
            },
            paid_pending=-request.hours,
        )
    return request
