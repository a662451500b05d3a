"""Pending requests that a withdrawal from the roster leaves without an enrollment.

A withdrawn roster line counts before its withdrawal date and not from it on
(policy.rules.check_enrolled_on). Requests still pending (with the coordinator or the
supervisor) for dates from then on, within the line's commitment, are cancelled with that reason
when no other line of the employee covers their date: each ledgered with its balance delta, and
the employee told by email. Approved leave is left as it is (a coordinator reverses it, with a
reason, where it must go).

agencies cannot import hours: it sends agencies.signals.enrollments_withdrawn inside the
withdrawal's transaction, and hours.apps connects cancel_on_withdrawal to it.
"""

from __future__ import annotations

from agencies.models import Enrollment
from hours import selectors
from hours.models import LeaveRequest
from ledger.models import LedgerEntry
from policy import rules
from policy.selectors import policy_params

from .years import lock_year, notify, record_change

STILL_OPEN = (LeaveRequest.Status.PENDING, LeaveRequest.Status.AWAITING_SUPERVISOR)


def cancel_on_withdrawal(sender, *, enrollments: list[Enrollment], by, **kwargs) -> None:
    """Receiver of agencies.signals.enrollments_withdrawn."""
    leave_requests_cancel_for_withdrawals(enrollments=enrollments, by=by)


def _line_covering(lines: list[Enrollment], request: LeaveRequest) -> Enrollment | None:
    """The withdrawn line whose withdrawal took the request's date away, if any."""
    for line in lines:
        if line.withdrawn_on <= request.date <= line.commitment_ends_on:
            return line
    return None


def leave_requests_cancel_for_withdrawals(
    *, enrollments: list[Enrollment], by
) -> list[LeaveRequest]:
    """Cancel the pending requests these withdrawn lines leave without an enrollment. Call it
    inside the withdrawal's transaction, after the lines are saved. One query when no request is
    affected, whatever the number of lines (a roster import withdraws many at once)."""
    lines_of: dict[int, list[Enrollment]] = {}
    for line in enrollments:
        if line.status == Enrollment.Status.WITHDRAWN and line.withdrawn_on is not None:
            lines_of.setdefault(line.employee_id, []).append(line)
    if not lines_of:
        return []
    earliest = min(line.withdrawn_on for lines in lines_of.values() for line in lines)
    open_requests = LeaveRequest.objects.filter(
        employee_id__in=list(lines_of), status__in=STILL_OPEN, date__gte=earliest
    ).values_list("pk", "employee_id", "date")
    affected: dict[int, dict[int, list[int]]] = {}  # employee -> year -> request ids
    for pk, employee_id, day in open_requests:
        lines = lines_of[employee_id]
        if any(line.withdrawn_on <= day <= line.commitment_ends_on for line in lines):
            affected.setdefault(employee_id, {}).setdefault(day.year, []).append(pk)
    cancelled = []
    for employee_id in sorted(affected):
        cancelled += _cancel_for_employee(
            employee_id=employee_id, years=affected[employee_id], lines=lines_of[employee_id], by=by
        )
    return cancelled


def _cancel_for_employee(
    *, employee_id: int, years: dict[int, list[int]], lines: list[Enrollment], by
) -> list[LeaveRequest]:
    facts = selectors.enrollment_facts(employee_id=employee_id)  # the lines as saved now
    cancelled = []
    for year in sorted(years):
        balance = lock_year(employee_id=employee_id, year=year)
        params = policy_params(year)
        requests = (
            LeaveRequest.objects.select_for_update(of=("self",))
            .select_related("employee__user", "employee__agency")
            .filter(pk__in=years[year], status__in=STILL_OPEN)
            .order_by("date", "pk")
        )
        for request in requests:
            try:
                rules.check_enrolled_on(on=request.date, enrollments=facts, params=params)
            except rules.PolicyViolation:
                line = _line_covering(lines, request)
                _cancel(request, balance=balance, line=line, by=by)
                cancelled.append((request, line))
            # Enrolled that day through another line: the request stands.
    if cancelled:
        employee = cancelled[0][0].employee
        notify(
            employee,
            template="hours/email/leave_cancelled_by_withdrawal",
            context={
                "requests": [
                    {
                        "date": request.date,
                        "hours": rules.plural_hours(request.hours),
                        "pilot": line.pilot.name,
                        "withdrawn_on": line.withdrawn_on,
                    }
                    for request, line in cancelled
                ],
            },
        )
    return [request for request, _line in cancelled]


def withdrawal_reason(*, line: Enrollment, request: LeaveRequest) -> str:
    return (
        f"Cancelled by the withdrawal from the {line.pilot.name} roster, which takes effect on "
        f"{line.withdrawn_on:%B %-d, %Y}: not enrolled on {request.date:%B %-d, %Y}."
    )


def _cancel(request: LeaveRequest, *, balance, line: Enrollment, by) -> None:
    was = request.status
    request.status = LeaveRequest.Status.CANCELLED
    request.reason = withdrawal_reason(line=line, request=request)
    request.save()
    record_change(
        balance=balance,
        kind=LedgerEntry.Kind.LEAVE_CANCELLED,
        subject=request,
        employee=request.employee,
        actor=by,
        reason=request.reason,
        data={
            "was_approved": False,
            "was": was,
            "withdrawn_on": line.withdrawn_on.isoformat(),
            "enrollment": line.pk,
        },
        paid_pending=-request.hours,
    )
