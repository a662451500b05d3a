"""An employee's year: the lock, its deltas and ledger entry, and who may act on it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from agencies.approvals import coordinator_delegation_for
from agencies.models import Employee, MentoringOrganization
from agencies.roles import roles_of
from hours import selectors
from hours.models import Balance, LeaveRequest
from ledger import services as ledger
from notifications.services import message_queue
from policy import rules
from policy.errors import NotAllowed, StateConflict

ZERO = Decimal("0")


# --- Helpers ------------------------------------------------------------------------------------


def lock_year(*, employee_id: int, year: int) -> Balance:
    balance, _ = Balance.objects.select_for_update().get_or_create(
        employee_id=employee_id, year=year
    )
    return balance


def apply_deltas(balance: Balance, **deltas: Decimal) -> None:
    for name, delta in deltas.items():
        setattr(balance, name, getattr(balance, name) + delta)
    balance.save(update_fields=list(deltas))


def record_change(
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
        apply_deltas(balance, **deltas)
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


def check_can_log(*, employee: Employee, by) -> None:
    roles = roles_of(by)
    if roles.employee_id != employee.pk and not roles.is_admin:
        raise NotAllowed("Employees log and request only their own hours.")


def check_may_cancel(*, request: LeaveRequest, by) -> None:
    if roles_of(by).employee_id != request.employee_id:
        raise NotAllowed("Only the employee who made a request can cancel it.")


def check_cancellable(request: LeaveRequest, *, today: dt.date) -> None:
    """A request with the supervisor or pending can be cancelled, and approved leave before its
    date; after that only a coordinator reverses it. The service checks this under the lock; the
    page asks it too, to offer Cancel only where it works."""
    cancellable = (
        LeaveRequest.Status.AWAITING_SUPERVISOR,
        LeaveRequest.Status.PENDING,
        LeaveRequest.Status.APPROVED,
    )
    if request.status not in cancellable:
        raise StateConflict(
            f"This request is {request.get_status_display().lower()}, so it cannot be cancelled."
        )
    if request.status == LeaveRequest.Status.APPROVED and request.date <= today:
        raise StateConflict(
            "Approved leave can be cancelled only before its date; after that, ask your "
            "coordinator to reverse it."
        )


def is_cancellable(request: LeaveRequest, *, today: dt.date) -> bool:
    try:
        check_cancellable(request, today=today)
    except StateConflict:
        return False
    return True


def check_may_decide(*, employee: Employee, by, action: str) -> None:
    """A coordinator of the employee's agency (or an administrator, or a coordinator's delegate
    today), and not the employee."""
    if not roles_of(by).coordinates(employee.agency_id) and not coordinator_delegation_for(
        by, agency_id=employee.agency_id
    ):
        raise NotAllowed(f"Only a coordinator of {employee.agency.code} can {action} this.")
    rules.check_not_self(actor_user_id=by.pk, owner_user_id=employee.user_id, action=action)


def check_mentoring_allowed(
    *,
    employee: Employee,
    organization: MentoringOrganization,
    on: dt.date,
    activity: str,
    facts: selectors.DayFacts,
) -> None:
    """The rules shared by personal hours and paid leave, in the order a person fixes them."""
    rules.check_eligible(bargaining_unit=employee.bargaining_unit, appointment=employee.appointment)
    rules.check_activity(activity=activity)
    rules.check_organization_qualified(
        name=organization.name, meets_quality_standards=organization.meets_quality_standards
    )
    rules.check_enrolled_on(on=on, enrollments=facts.enrollments, params=facts.params)


def notify(
    employee: Employee,
    subject: str = "",
    body: str = "",
    *,
    template: str = "notifications/notice",
    context: dict | None = None,
) -> None:
    """Tell the employee about a decision on their own hours or requests (always sent; no
    opt-out). Call it inside the service's transaction: the message is a row of the outbox,
    so a change that rolls back queues nothing. Either a `template` with its `context`, or a
    plain `subject` and `body` (the generic notice template)."""
    message_queue(
        to=employee.user.email,
        template=template,
        context=context if context is not None else {"subject": subject, "body": body},
        link=reverse("web:my-year"),
    )
