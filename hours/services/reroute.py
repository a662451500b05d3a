"""Requests follow their employee's supervisor: when it changes, a request waiting for the old
supervisor goes to the new one (who is told by email); when it is cleared, to the coordinator,
with a routing note; when the supervisor is deactivated (can no longer sign in), to the
coordinator too. So no request waits for someone who can no longer decide it.

Receives agencies.signals.supervisors_changed and accounts.signals.users_deactivated (neither
may import hours), inside the transaction of the change. Each move is ledgered on the request,
with who held it and who holds it now; the employee is told, and their history shows who holds
it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from agencies.models import Employee
from hours.models import LeaveRequest
from ledger import services as ledger
from ledger.models import LedgerEntry
from policy import dates, rules

from . import chain
from .chain import tell_supervisor
from .years import lock_year, notify

COORDINATOR = "coordinator"


def requests_follow_supervisor(
    sender, *, employees: list[Employee], by, because: str = "", **kwargs
) -> int:
    """Move every request of `employees` that waits for a supervisor other than their
    current one; the number moved. One query when none waits. `because` replaces the routing
    note of a request passed to the coordinator (a transfer says where the employee went)."""
    current = {employee.pk: employee for employee in employees}
    waiting = list(
        LeaveRequest.objects.filter(
            employee_id__in=current, status=LeaveRequest.Status.AWAITING_SUPERVISOR
        )
        .order_by("employee_id", "date", "pk")
        .values_list("pk", "employee_id", "date")
    )
    if not waiting:
        return 0
    cannot_sign_in = set(
        get_user_model()
        .objects.filter(pk__in={employee.supervisor_id for employee in employees}, is_active=False)
        .values_list("pk", flat=True)
    )
    moved = 0
    for pk, employee_id, on in waiting:
        to = current[employee_id].supervisor_id
        note = because
        if to in cannot_sign_in:
            to, note = None, because or chain.SUPERVISOR_CANNOT_SIGN_IN
        moved += _move(
            pk, employee_id=employee_id, year=on.year, supervisor_id=to, by=by, because=note
        )
    return moved


def requests_leave_deactivated(sender, *, users, by, **kwargs) -> int:
    """The requests waiting for one of `users` (deactivated: they can no longer sign in) as a
    supervisor go to the coordinator; the number moved."""
    employees = list(
        Employee.objects.filter(
            pk__in=LeaveRequest.objects.filter(
                status=LeaveRequest.Status.AWAITING_SUPERVISOR,
                supervisor_id__in=[user.pk for user in users],
            ).values("employee_id")
        )
    )
    return requests_follow_supervisor(None, employees=employees, by=by)


def stranded_requests_reroute(*, by=None) -> int:
    """Move the requests already waiting for someone who is no longer their employee's
    supervisor, or who can no longer sign in (made before requests followed the supervisor,
    or changed outside the services); the number moved. `manage.py reroute_stranded_requests`
    runs it."""
    with transaction.atomic():
        employees = list(
            Employee.objects.filter(
                pk__in=LeaveRequest.objects.filter(
                    status=LeaveRequest.Status.AWAITING_SUPERVISOR
                ).values("employee_id")
            )
        )
        return requests_follow_supervisor(None, employees=employees, by=by)


def _move(
    pk: int, *, employee_id: int, year: int, supervisor_id: int | None, by, because: str
) -> bool:
    # The year first, then the request: the order every decision locks them in.
    lock_year(employee_id=employee_id, year=year)
    request = (
        LeaveRequest.objects.select_for_update(of=("self",))
        .select_related("employee__user", "supervisor")
        .get(pk=pk)
    )
    if (
        request.status != LeaveRequest.Status.AWAITING_SUPERVISOR
        or request.supervisor_id == supervisor_id
    ):
        return False
    old = request.supervisor.username if request.supervisor else ""
    today = dates.today()
    when = f"{rules.plural_hours(request.hours)} on {request.date:%B %-d, %Y}"
    if supervisor_id is None:
        request.status = LeaveRequest.Status.PENDING
        request.supervisor = None
        request.routing_note = because or (
            f"Your supervisor was taken off your record on {today:%B %-d, %Y}, so the request "
            "went to the coordinator."
        )
        holder = COORDINATOR
        subject = "Your mentoring leave request went to your coordinator"
        body = f"Your request for {when} was waiting for your supervisor. {request.routing_note}"
    else:
        new = get_user_model().objects.get(pk=supervisor_id)
        name = new.get_full_name() or new.username
        request.supervisor = new
        request.routing_note = (
            f"Your supervisor changed on {today:%B %-d, %Y}, so the request went to {name}."
        )
        holder = new.username
        subject = "Your mentoring leave request went to your new supervisor"
        body = (
            f"Your request for {when} was waiting for your former supervisor. It now waits "
            f"for {name}, your supervisor on record."
        )
    request.save(update_fields=["status", "supervisor", "routing_note"])
    ledger.record(
        # Still requested, so the year's figures do not change (awaiting counts as pending).
        kind=LedgerEntry.Kind.LEAVE_PASSED_ON,
        subject=request,
        agency_id=request.employee.agency_id,
        actor=by,
        employee_id=employee_id,
        year=year,
        reason=request.routing_note,
        data={"step": "supervisor", "held_by": [old, holder]},
    )
    if supervisor_id is not None:
        tell_supervisor(request)
    notify(request.employee, subject, body)
    return True
