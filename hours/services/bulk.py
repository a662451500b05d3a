"""Approving several requests at once, by their ids: the one home of the bulk approval's limit,
its not-found rows and who may use it, for the API and the coordinator's page alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from agencies import approvals
from agencies.models import Employee
from agencies.roles import roles_of
from hours.models import LeaveRequest
from policy.errors import NotAllowed

from .leave_requests import BulkResult, leave_requests_bulk_approve

BULK_APPROVE_LIMIT = 200
MAX_ID = 2**63 - 1  # BigAutoField
NOT_FOUND = BulkResult(0, False, "not_found", "No such request within your reach.")


@dataclass(frozen=True)
class BulkApproval:
    """One result per distinct id, in the order given, and the requests that were found."""

    results: list[BulkResult]
    found: dict[int, LeaveRequest]

    @property
    def approved(self) -> int:
        return sum(1 for result in self.results if result.approved)

    @property
    def refused(self) -> int:
        return len(self.results) - self.approved


def check_may_bulk_approve(*, by) -> None:
    """A coordinator or an administrator; a supervisor, or someone standing in today for a
    supervisor or a coordinator."""
    roles = roles_of(by)
    if roles.is_coordinator or roles.is_admin:
        return
    reach = approvals.reach_of(by)
    if reach.agencies or Employee.objects.filter(supervisor_id__in=reach.supervisors).exists():
        return
    raise NotAllowed("Only a pilot coordinator or a supervisor can approve leave.")


def leave_requests_approve_ids(*, ids: list[int], by, today: dt.date | None = None) -> BulkApproval:
    """Approve the requests `ids`, each on its own; an id outside `by`'s reach (or of no
    request) answers not_found, as a single request's 404 does."""
    check_may_bulk_approve(by=by)
    ids = list(dict.fromkeys(ids))
    if not 1 <= len(ids) <= BULK_APPROVE_LIMIT:
        raise ValidationError({"ids": f"Give between 1 and {BULK_APPROVE_LIMIT} request ids."})
    if not all(1 <= i <= MAX_ID for i in ids):
        raise ValidationError({"ids": f"A request id is a whole number from 1 to {MAX_ID}."})
    within = approvals.scope_by_reach(
        LeaveRequest.objects.select_related("employee__user", "employee__agency", "organization"),
        by,
        team=True,
    )
    found = {leave.pk: leave for leave in within.filter(pk__in=ids)}
    done = {
        result.id: result
        for result in leave_requests_bulk_approve(
            requests=[found[i] for i in ids if i in found], by=by, today=today
        )
    }
    results = [done.get(i) or BulkResult(i, False, NOT_FOUND.code, NOT_FOUND.detail) for i in ids]
    return BulkApproval(results=results, found=found)
