"""The pages of each role, over the same selectors and services as the API.

Objects are looked up in the API's scoped querysets, so what is out of reach answers 404; a
service's NotAllowed answers 403, a broken rule re-renders the page with the policy's sentence
next to its field (400), a state conflict does the same above the form (409).

The parts: common (the layout, the year, home), employee (My mentoring year), queue (the
coordinator's queues), roster, adoption (the workgroup's page).
"""

from __future__ import annotations

from .adoption import adoption
from .common import adoption_workbook_url, agency_workbook_url, home
from .employee import leave_request_cancel, leave_request_create, my_year, personal_hours_log
from .queue import bulk_approve, hours_reject, hours_verify, queue, request_approve, request_deny
from .roster import roster
from .supervisor import supervisor_approve, supervisor_deny, waiting

__all__ = [
    "adoption",
    "adoption_workbook_url",
    "agency_workbook_url",
    "bulk_approve",
    "home",
    "hours_reject",
    "hours_verify",
    "leave_request_cancel",
    "leave_request_create",
    "my_year",
    "personal_hours_log",
    "queue",
    "request_approve",
    "request_deny",
    "roster",
    "supervisor_approve",
    "supervisor_deny",
    "waiting",
]
