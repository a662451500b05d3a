"""Every write to hours and leave: checked against the policy, locked, and written to the ledger
in one transaction.

The employee's Balance row for the year is the lock. Every change to an employee's year takes
it first (a row lock on PostgreSQL; SQLite's IMMEDIATE transactions serialize writers),
re-reads what it depends on, checks the rules, then writes. So two coordinators approving at
the same moment, or a request sent twice, cannot push a year past the cap or out of match.
The busiest writes (logging hours, deciding a request) take the lock by writing their deltas
to the Balance (one UPDATE, years.write_year), read the facts after it, and let a refused rule
roll the write back; the others read the Balance under SELECT ... FOR UPDATE (years.lock_year)
and write it after the checks.

The parts: years (the lock, the balance deltas, who may act), personal_hours, leave_requests.
"""

from __future__ import annotations

from .bulk import (
    BULK_APPROVE_LIMIT,
    MAX_ID,
    BulkApproval,
    check_may_bulk_approve,
    leave_requests_approve_ids,
)
from .chain import (
    check_may_decide_as_supervisor,
    decides_as_supervisor,
    leave_request_supervisor_approve,
    leave_request_supervisor_deny,
)
from .leave_requests import (
    BulkResult,
    leave_request_approve,
    leave_request_approve_by_id,
    leave_request_cancel,
    leave_request_create,
    leave_request_deny,
    leave_request_reverse,
    leave_requests_bulk_approve,
)
from .personal_hours import (
    personal_hours_bulk_verify,
    personal_hours_log,
    personal_hours_reject,
    personal_hours_verify,
)
from .years import check_cancellable, check_may_cancel, check_may_decide, is_cancellable

__all__ = [
    "BULK_APPROVE_LIMIT",
    "MAX_ID",
    "BulkApproval",
    "BulkResult",
    "check_may_bulk_approve",
    "leave_requests_approve_ids",
    "check_cancellable",
    "check_may_decide_as_supervisor",
    "decides_as_supervisor",
    "check_may_cancel",
    "check_may_decide",
    "leave_request_approve",
    "leave_request_approve_by_id",
    "leave_request_cancel",
    "leave_request_create",
    "leave_request_deny",
    "leave_request_reverse",
    "is_cancellable",
    "leave_requests_bulk_approve",
    "personal_hours_bulk_verify",
    "leave_request_supervisor_approve",
    "leave_request_supervisor_deny",
    "personal_hours_log",
    "personal_hours_reject",
    "personal_hours_verify",
]
