"""An employee's year: the lock, its deltas and ledger entry, and who may act on it.

Two ways to take the year's lock, both first in the service's transaction:
- write_year(): the deltas written in the statement that takes the lock (one UPDATE), for the
  busiest writes, whose deltas are known before anything is read (logging hours, approving and
  denying a request); the figures the rules need are read after it, with its deltas in them.
  write_named_request_year() does the same for a request named only by its id (the API's
  approval by a coordinator), its employee, year and hours found inside the UPDATE;
- lock_year() then record_change(): the row read under the lock (SELECT ... FOR UPDATE), then
  written, for the others (a cancellation's deltas depend on the status it reads).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import F, Q, Subquery
from django.db.models.functions import ExtractYear
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


def write_year(*, employee_id: int, year: int, **deltas: Decimal) -> bool:
    """Take the employee's year's lock by writing `deltas` to it, in one statement:
    UPDATE balance SET name = name + delta. The UPDATE locks the row and writes at once, where
    lock_year() then record_change() take two statements (SELECT ... FOR UPDATE, then UPDATE).

    Call it first in the service's transaction.atomic(), then read what the rules need. Under
    READ COMMITTED each statement sees what was committed before it began: a read made after
    this returns sees every change to the year (every writer takes this lock first), where a
    read in the same statement as the lock would see a snapshot from before the wait. A rule
    that refuses then raises inside the transaction, which rolls this write back with the rest.

    A figure never goes below zero (the balance_not_negative constraint): when a negative delta
    would take it there, nothing is written (the lock is held all the same) and the answer is
    False: the hours have left that figure, as when another decision came first. The caller
    then answers from the state it reads next, and check_written() covers the rest. The year's
    first change creates its row; without deltas this is lock_year()."""
    if not deltas:
        lock_year(employee_id=employee_id, year=year)
        return True
    row = Balance.objects.filter(employee_id=employee_id, year=year).filter(
        *[Q(**{f"{name}__gte": -delta}) for name, delta in deltas.items() if delta < 0]
    )
    changes = {name: F(name) + delta for name, delta in deltas.items()}
    if row.update(**changes):
        return True
    # No row yet (the year's first change), or a figure would go below zero: lock_year creates
    # the row if need be and locks it, so that the second try is decided under the lock.
    lock_year(employee_id=employee_id, year=year)
    return bool(row.update(**changes))


def write_request_year(request: LeaveRequest, **deltas: Decimal) -> bool:
    """write_year() for a decision on `request`. A request's employee, date and hours never
    change once it is made (no service changes them; the admin shows them read-only), so a
    copy read before the lock names the right year and hours; its status is read again under
    the lock, after this."""
    return write_year(employee_id=request.employee_id, year=request.date.year, **deltas)


def write_named_request_year(named, *, take: str, give: str) -> bool:
    """write_year() for the one request that the queryset `named` finds by its id, without
    reading it first: its employee, year and hours are subqueries of the UPDATE, which moves
    the hours from the figure `take` to `give`. False, with nothing written, when `named`
    finds no request, the year has no row, or `take` would go below zero."""
    one = named.order_by()
    hours = Subquery(one.values("hours")[:1])
    return bool(
        Balance.objects.filter(
            employee_id=Subquery(one.values("employee_id")[:1]),
            year=Subquery(one.values(year_of=ExtractYear("date"))[:1]),
            **{f"{take}__gte": hours},
        ).update(**{take: F(take) - hours, give: F(give) + hours})
    )


def check_written(written: bool) -> None:
    """After write_year(): it refused, yet the state read under the lock allows the change, so
    the year's figures disagree with its entries (check_balances names the difference)."""
    if not written:
        raise StateConflict(
            "This year's figures do not hold these hours, so nothing was changed; the program "
            "office can compare them with the entries (check_balances)."
        )


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
    record_entry(
        year=balance.year,
        kind=kind,
        subject=subject,
        employee=employee,
        actor=actor,
        reason=reason,
        data=data,
        **deltas,
    )


def record_entry(
    *,
    year: int,
    kind: str,
    subject,
    employee: Employee,
    actor,
    reason: str = "",
    data: dict | None = None,
    **deltas: Decimal,
) -> None:
    """The ledger entry of a change to the employee's `year`, with the deltas its Balance was
    given (by record_change, or already by write_year)."""
    ledger.record(
        kind=kind,
        subject=subject,
        agency_id=employee.agency_id,
        actor=actor,
        employee_id=employee.pk,
        year=year,
        reason=reason,
        data=data,
        **{f"d_{name}": value for name, value in deltas.items()},
    )


def record_decision(
    request: LeaveRequest,
    *,
    status: str,
    kind: str,
    by,
    reason: str,
    data: dict | None,
    notice: dict,
    **deltas: Decimal,
) -> None:
    """A decision on a request read under the year's lock, whose deltas write_year() has
    written: the request saved with its new status, its ledger entry, and the employee's email
    (`notice`: notify()'s arguments; a row of the outbox), in the caller's transaction. The
    caller has set who decided on the request; `reason` is the ledger entry's."""
    request.status = status
    request.save()
    record_entry(
        year=request.date.year,
        kind=kind,
        subject=request,
        employee=request.employee,
        actor=by,
        reason=reason,
        data=data,
        **deltas,
    )
    notify(request.employee, **notice)


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


def check_may_decide(*, employee: Employee, by, action: str, on: dt.date | None = None):
    """A coordinator of the employee's agency (or an administrator, or a coordinator's delegate
    on `on`, today by default), and not the employee. Returns the coordinator a delegate stands
    in for, or None when `by` decides in their own right; `self_approval` holds through a
    delegation, so a delegate never decides the delegating coordinator's own entries."""
    on_behalf = None
    if not roles_of(by).coordinates(employee.agency_id):
        on_behalf = coordinator_delegation_for(by, agency_id=employee.agency_id, on=on)
        if on_behalf is None:
            raise NotAllowed(f"Only a coordinator of {employee.agency.code} can {action} this.")
        rules.check_not_self(
            actor_user_id=on_behalf.pk, owner_user_id=employee.user_id, action=action
        )
    rules.check_not_self(actor_user_id=by.pk, owner_user_id=employee.user_id, action=action)
    return on_behalf


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
