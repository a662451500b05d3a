"""A small world for the security tests: two agencies, a person in every role, and for each
agency one object of every kind, in every state an action needs.

DOT is "our" agency and DPH the other one. Every object kind exists on both sides, so each
route is tried on an object inside a role's reach and on one outside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.cache import cache

from accounts.services import token_create
from agencies import approvals
from hours import services
from hours.models import LeaveRequest, PersonalHours
from ledger.models import LedgerEntry

from ..factories import EmployeeFactory, OrganizationFactory, UserFactory

ROLES = [
    "anonymous",
    "employee",
    "other_employee",
    "coordinator",
    "other_coordinator",
    "workgroup",
    "admin",
]
# A DOT supervisor, to whom the DOT employee reports, and the DOT colleague they named as
# delegate for today (both DOT employees who are not on the pilot roster).
TEAM_ROLES = ["supervisor", "delegate"]


@dataclass
class Side:
    """One agency's objects."""

    agency: object
    pilot: object
    organization: object
    employee: object
    enrollment: object
    logged: PersonalHours
    verified: PersonalHours
    pending: LeaveRequest
    approved: LeaveRequest
    ledger_entry: LedgerEntry
    contact: object = None  # a verification contact, for the confirmation routes
    link: object = None  # a confirmation link listing `logged`
    delegation: object = None
    transfer: object = None  # a proposed move of `employee` out of the agency


@dataclass
class World:
    users: dict[str, object]
    tokens: dict[str, str]
    dot: Side
    dph: Side
    year: int
    extra: dict = field(default_factory=dict)

    def side(self, name: str) -> Side:
        return self.dot if name == "dot" else self.dph

    def headers(self, role: str) -> dict[str, str]:
        """Django test client keywords that sign in as `role` with its token."""
        token = self.tokens.get(role)
        return {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}

    def http_headers(self, role: str) -> dict[str, str]:
        """The same, as HTTP headers."""
        token = self.tokens.get(role)
        return {"Authorization": f"Token {token}"} if token else {}


def _side(*, agency, pilot, organization, employee, coordinator, day, year) -> Side:
    """Verified and logged personal hours, a pending and an approved request for `employee`."""
    enrollment = employee.enrollments.get()

    def log(hours: str, n: int) -> PersonalHours:
        return services.personal_hours_log(
            employee=employee,
            by=employee.user,
            date=day(n),
            hours=Decimal(hours),
            source="non_working_time",
            organization=enrollment.organization,
        )

    verified = services.personal_hours_verify(
        reason="Signed paper form",
        entry=log("8", 0),
        by=coordinator,
        verified_by_name="Program Office",
    )
    logged = log("2", 1)
    approved = services.leave_request_create(
        employee=employee,
        by=employee.user,
        date=dt.date(year, 12, 30),
        hours=Decimal("2"),
        organization=enrollment.organization,
    )
    approved = services.leave_request_approve(request=approved, by=coordinator)
    pending = services.leave_request_create(
        employee=employee,
        by=employee.user,
        date=dt.date(year, 12, 29),
        hours=Decimal("2"),
        organization=enrollment.organization,
    )
    return Side(
        agency=agency,
        pilot=pilot,
        organization=organization,
        employee=employee,
        enrollment=enrollment,
        logged=logged,
        verified=verified,
        pending=pending,
        approved=approved,
        ledger_entry=LedgerEntry.objects.filter(employee=employee).order_by("id").first(),
    )


@pytest.fixture
def world(
    dot,
    dph,
    dot_pilot,
    dph_pilot,
    org,
    employee,
    other_employee,
    coordinator,
    other_coordinator,
    workgroup,
    admin_user,
    day,
    today,
) -> World:
    cache.clear()  # the auth throttle counts in the cache
    dph_org = OrganizationFactory(name="Be A Mentor")
    users = {
        "employee": employee.user,
        "other_employee": other_employee.user,
        "coordinator": coordinator,
        "other_coordinator": other_coordinator,
        "workgroup": workgroup,
        "admin": admin_user,
    }
    dot_side = _side(
        agency=dot,
        pilot=dot_pilot,
        organization=org,
        employee=employee,
        coordinator=coordinator,
        day=day,
        year=today.year,
    )
    dph_side = _side(
        agency=dph,
        pilot=dph_pilot,
        organization=dph_org,
        employee=other_employee,
        coordinator=other_coordinator,
        day=day,
        year=today.year,
    )
    supervisor = EmployeeFactory(agency=dot, user=UserFactory(username="dot.supervisor")).user
    delegate = EmployeeFactory(agency=dot, user=UserFactory(username="dot.delegate")).user
    employee.supervisor = supervisor
    employee.save(update_fields=["supervisor"])
    dot_side.delegation = approvals.delegation_create(
        by=supervisor, agency=dot, delegate=delegate, starts_on=today, ends_on=today
    )
    # DPH's coordinator names a DPH colleague (no role in the tables) for tomorrow.
    dph_side.delegation = approvals.delegation_create(
        by=other_coordinator,
        agency=dph,
        delegate=EmployeeFactory(agency=dph, user=UserFactory(username="dph.delegate")).user,
        starts_on=today + dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=1),
    )
    users |= {"supervisor": supervisor, "delegate": delegate}
    tokens = {role: token_create(user=user)[0] for role, user in users.items()}
    return World(users=users, tokens=tokens, dot=dot_side, dph=dph_side, year=today.year)


def pytest_terminal_summary(terminalreporter):
    """The figures docs/SECURITY.md quotes: fuzzed requests sent, by role and status."""
    from .test_fuzz import FOUND, SENT, STATEFUL

    if not SENT:
        return
    terminalreporter.section("schema fuzzing")
    total = sum(SENT.values())
    errors = sum(n for (_, status), n in SENT.items() if status >= 500)
    terminalreporter.write_line(f"fuzzed requests sent: {total}; server errors: {errors}")
    for role in ROLES + TEAM_ROLES:
        by_status = {s: n for (r, s), n in sorted(SENT.items()) if r == role}
        if by_status:
            terminalreporter.write_line(f"  {role}: {by_status}")
    if STATEFUL:
        terminalreporter.write_line(
            "  of which stateful: "
            + ", ".join(f"{role} {STATEFUL[role]}" for role in ROLES if STATEFUL[role])
        )
    by_check: dict[str, int] = {}
    for (check, _role, _operation), n in FOUND.items():
        by_check[check] = by_check.get(check, 0) + n
    terminalreporter.write_line(
        "failures of the checks that are not defects (docs/SECURITY.md says why): "
        + (", ".join(f"{check} {n}" for check, n in sorted(by_check.items())) or "none")
    )
    for (check, role, operation), n in sorted(FOUND.items()):
        terminalreporter.write_line(f"  {check} as {role}: {operation} ({n})")
