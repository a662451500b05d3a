"""The pages of each role, over the same selectors and services as the API.

Objects are looked up in the API's scoped querysets, so what is out of reach answers 404; a
service's NotAllowed answers 403, a broken rule re-renders the page with the policy's sentence
next to its field (400), a state conflict does the same above the form (409).

The parts: common (the layout, the year, home), employee (My mentoring year), queue (the
coordinator's queues), roster, transfers, adoption (the workgroup's page), accounting (leave
accounting).
"""

from __future__ import annotations

from .accounting import leave_accounting, leave_accounting_send
from .adoption import adoption
from .common import adoption_workbook_url, agency_workbook_url, home
from .email import email_preferences
from .employee import leave_request_cancel, leave_request_create, my_year, personal_hours_log
from .profile import profile_update
from .queue import (
    bulk_approve,
    hours_bulk_verify,
    hours_reject,
    hours_verify,
    queue,
    request_approve,
    request_deny,
    send_confirmation_requests,
)
from .roster import roster
from .supervisor import supervisor_approve, supervisor_deny, waiting
from .transfers import transfer_accept, transfer_cancel, transfers

__all__ = [
    "adoption",
    "adoption_workbook_url",
    "agency_workbook_url",
    "bulk_approve",
    "email_preferences",
    "home",
    "leave_accounting",
    "leave_accounting_send",
    "hours_bulk_verify",
    "hours_reject",
    "hours_verify",
    "leave_request_cancel",
    "leave_request_create",
    "my_year",
    "personal_hours_log",
    "profile_update",
    "queue",
    "request_approve",
    "transfer_accept",
    "transfer_cancel",
    "transfers",
    "request_deny",
    "roster",
    "send_confirmation_requests",
    "supervisor_approve",
    "supervisor_deny",
    "waiting",
]
