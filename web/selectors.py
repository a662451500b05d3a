"""Reads for the pages. Each runs a fixed number of queries, whatever the data size.

Balances come from hours.selectors (the same figures as the balances API); these only gather
what a page lists: an employee's year, a coordinator's queues, the adoption figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from agencies import approvals
from agencies.models import (
    Agency,
    Delegation,
    Employee,
    Enrollment,
    MentoringOrganization,
    Role,
    Transfer,
)
from agencies.roles import Roles, scope_by_agency
from hours import selectors
from hours.models import Balance, LeaveRequest, PersonalHours
from policy import dates
from policy.dates import year_bounds
from policy.selectors import policy_params, policy_params_by_year
from reports import selectors as report_selectors

ZERO = Decimal("0.00")


def scoped_entries(queryset: QuerySet, roles: Roles) -> QuerySet:
    """Hours or requests within the user's reach: the API's scope, so the same 404s."""
    return scope_by_agency(
        queryset, roles, agency_path="employee__agency_id", employee_path="employee_id"
    )


# --- An employee's year -------------------------------------------------------------------------


def personal_hours_of(*, employee_id: int, year: int) -> QuerySet[PersonalHours]:
    start, end = year_bounds(year)
    return PersonalHours.objects.filter(
        employee_id=employee_id, date__gte=start, date__lte=end
    ).select_related("organization")


def leave_requests_of(*, employee_id: int, year: int) -> QuerySet[LeaveRequest]:
    start, end = year_bounds(year)
    return LeaveRequest.objects.filter(
        employee_id=employee_id, date__gte=start, date__lte=end
    ).select_related(
        "organization",
        "approver",
        "approver_for",
        "supervisor",
        "supervisor_decided_by",
        "employee__supervisor",
    )


def enrolled_organization_id(*, employee_id: int) -> int | None:
    """The organization of the employee's roster line today (a withdrawal from a later day
    still holds): the forms' default."""
    return (
        Enrollment.objects.filter(Enrollment.holds_on(dates.today()), employee_id=employee_id)
        .order_by("-commitment_starts_on")
        .values_list("organization_id", flat=True)
        .first()
    )


def organizations() -> list[MentoringOrganization]:
    return list(MentoringOrganization.objects.order_by("name"))


# --- A coordinator's queues ---------------------------------------------------------------------


def _coordinated(queryset: QuerySet, roles: Roles) -> QuerySet:
    """What the coordinator may decide: their agencies' entries (every agency for an admin),
    never their own."""
    queryset = scoped_entries(queryset, roles)
    if not roles.is_admin:
        queryset = queryset.filter(employee__agency_id__in=roles.coordinator_agency_ids)
    if roles.employee_id:
        queryset = queryset.exclude(employee_id=roles.employee_id)
    return queryset


def pending_requests(roles: Roles) -> QuerySet[LeaveRequest]:
    return (
        _coordinated(LeaveRequest.objects.all(), roles)
        .filter(status=LeaveRequest.Status.PENDING)
        .select_related("employee__user", "employee__agency", "organization")
        .order_by("date", "id")
    )


def hours_awaiting_verification(roles: Roles) -> QuerySet[PersonalHours]:
    return (
        _coordinated(PersonalHours.objects.all(), roles)
        .filter(status=PersonalHours.Status.LOGGED)
        .select_related("employee__user", "employee__agency", "organization")
        .order_by("date", "id")
    )


def waiting_count(roles: Roles) -> int:
    """What waits in the coordinator's queue: the header's "Waiting in your queue"."""
    return pending_requests(roles).count() + hours_awaiting_verification(roles).count()


def figures_for_requests(requests: list[LeaveRequest]) -> dict[int, selectors.BalanceFigures]:
    """Each request's employee-year figures, keyed by request id: two queries for any number."""
    keys = {(r.employee_id, r.date.year) for r in requests}
    if not keys:
        return {}
    condition = Q()
    for employee_id, year in keys:
        condition |= Q(employee_id=employee_id, year=year)
    rows = {(b.employee_id, b.year): b for b in Balance.objects.filter(condition)}
    params = policy_params_by_year({year for _, year in keys})
    result = {}
    for r in requests:
        row = rows.get((r.employee_id, r.date.year))
        result[r.pk] = selectors.BalanceFigures.from_values(
            employee_id=r.employee_id,
            year=r.date.year,
            params=params[r.date.year],
            paid_approved=row.paid_approved if row else ZERO,
            paid_pending=row.paid_pending if row else ZERO,
            personal_verified=row.personal_verified if row else ZERO,
            personal_logged=row.personal_logged if row else ZERO,
        )
    return result


def agencies_coordinated(roles: Roles) -> QuerySet[Agency]:
    agencies = Agency.objects.order_by("code")
    return agencies if roles.is_admin else agencies.filter(pk__in=roles.coordinator_agency_ids)


def roster_of(agency: Agency) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(pilot__agency=agency)
        .select_related("employee__user", "pilot", "organization")
        .order_by("pilot__name", "employee__employee_number")
    )


# --- The workgroup's adoption figures -----------------------------------------------------------


@dataclass
class Adoption:
    year: int
    rows: list[report_selectors.AgencyFigures]
    totals: report_selectors.AgencyFigures
    months: list[dict]


def adoption(*, year: int) -> Adoption:
    """Per agency: the adoption workbook's own figures (reports.selectors, over the balances
    API's employees_with_year), and every agency's hours by month. Five queries."""
    params = policy_params(year)
    rows = report_selectors.adoption_figures(year, params=params)
    totals = report_selectors.total_of(rows, cap=params.cap_hours)
    monthly = report_selectors.monthly_totals(year)
    months = [
        {"month": m, "paid": monthly.paid[m], "personal": monthly.personal[m]} for m in range(1, 13)
    ]
    return Adoption(year=year, rows=rows, totals=totals, months=months)


# --- The same entry sent twice ------------------------------------------------------------------


def recent_same_entry(model, *, employee_id: int, since, **fields):
    """The employee's latest entry of `model` with the same `fields`, made since `since`
    (cancelled requests aside), or None."""
    queryset = model.objects.filter(employee_id=employee_id, created_at__gte=since, **fields)
    if model is LeaveRequest:
        queryset = queryset.exclude(status=LeaveRequest.Status.CANCELLED)
    return queryset.order_by("-created_at").first()


# --- A supervisor's queue -----------------------------------------------------------------------


def awaiting_supervisor_of(user) -> QuerySet[LeaveRequest]:
    """Requests waiting for `user` as supervisor, or for a supervisor they stand in for today."""
    reach = approvals.reach_of(user)
    return (
        LeaveRequest.objects.filter(
            status=LeaveRequest.Status.AWAITING_SUPERVISOR,
            employee__supervisor_id__in=reach.supervisors,
        )
        .exclude(employee__user=user)
        .select_related("employee__user", "employee__supervisor", "organization")
        .order_by("date", "id")
    )


def with_supervisors(roles: Roles) -> QuerySet[LeaveRequest]:
    """The coordinator's agencies' requests still with a supervisor, the oldest first."""
    return (
        _coordinated(LeaveRequest.objects.all(), roles)
        .filter(status=LeaveRequest.Status.AWAITING_SUPERVISOR)
        .select_related("employee__user", "employee__supervisor")
        .order_by("created_at", "id")
    )


# --- Whose queues a person works today ----------------------------------------------------------


@dataclass(frozen=True)
class ApproverLinks:
    """The approvers' pages the header offers: the team's requests (someone reports to the
    person, or to a supervisor they stand in for today) and the coordinator's page (they stand
    in for a coordinator today)."""

    team: bool
    stands_in_for_coordinator: bool


def _held_for_coordinators(held: QuerySet[Delegation]) -> QuerySet[Delegation]:
    """Of these delegations, those whose delegator coordinates the delegation's agency."""
    return held.filter(
        Exists(
            Role.objects.filter(
                user_id=OuterRef("delegator_id"),
                agency_id=OuterRef("agency_id"),
                kind=Role.Kind.COORDINATOR,
                active=True,
            )
        )
    )


def approver_links(user) -> ApproverLinks:
    """One query, whatever the number of delegations and reports; kept on the user object for
    the rest of the request, as roles_of keeps the roles."""
    cached = getattr(user, "_approver_links", None)
    if cached is not None:
        return cached
    held = Delegation.objects.filter(approvals.running(dates.today()), delegate=user)
    team = Employee.objects.filter(
        Q(supervisor=user) | Q(supervisor_id__in=held.values("delegator_id"))
    )
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(leads_team=Exists(team), for_coordinator=Exists(_held_for_coordinators(held)))
        .values("leads_team", "for_coordinator")
        .get()
    )
    user._approver_links = ApproverLinks(
        team=row["leads_team"], stands_in_for_coordinator=row["for_coordinator"]
    )
    return user._approver_links


def coordinators_stood_in_for(user) -> list[Delegation]:
    """The running delegations through which `user` stands in for a coordinator today."""
    held = Delegation.objects.filter(approvals.running(dates.today()), delegate=user)
    return list(
        _held_for_coordinators(held).select_related("delegator", "agency").order_by("agency__code")
    )


def transfers_within(roles: Roles) -> QuerySet[Transfer]:
    """Transfers from or to the agencies a coordinator coordinates (every one for an
    administrator), those awaiting a decision first, then the latest."""
    queryset = Transfer.objects.select_related(
        "employee__user", "from_agency", "to_agency"
    ).order_by(
        Case(
            When(status=Transfer.Status.PROPOSED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "-effective_on",
        "-pk",
    )
    if roles.is_admin:
        return queryset
    ids = roles.coordinator_agency_ids
    return queryset.filter(Q(from_agency_id__in=ids) | Q(to_agency_id__in=ids))
