"""Reads: the year's policy, balances, queues. Each runs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear

from agencies.models import Employee, Enrollment, MentoringOrganization
from ledger.models import LedgerEntry
from policy import rules
from policy.models import PolicyYear
from policy.selectors import policy_params

from .models import Balance, LeaveRequest, PersonalHours

ZERO = Decimal("0.00")
HOURS_FIELD = DecimalField(max_digits=8, decimal_places=2)


def enrollment_facts(*, employee_id: int) -> list[rules.EnrollmentFacts]:
    """The employee's roster lines as the rules weigh them (one query)."""
    rows = Enrollment.objects.filter(employee_id=employee_id).select_related("pilot")
    return [
        rules.EnrollmentFacts(
            active=row.status == Enrollment.Status.ACTIVE,
            pilot_name=row.pilot.name,
            pilot_active=row.pilot.status == "active",
            pilot_starts_on=row.pilot.starts_on,
            pilot_ends_on=row.pilot.ends_on,
            commitment_starts_on=row.commitment_starts_on,
            commitment_ends_on=row.commitment_ends_on,
            withdrawn_on=row.withdrawn_on,
        )
        for row in rows
    ]


def _hours_that_day(queryset) -> Coalesce:
    summed = queryset.order_by().values("employee_id").annotate(t=Sum("hours")).values("t")
    return Coalesce(Subquery(summed), Value(ZERO), output_field=HOURS_FIELD)


@dataclass(frozen=True)
class YearFigures:
    """The employee's Balance for the year, as read with the facts: after the caller's own
    write_year(), so its deltas are in these figures."""

    paid_approved: Decimal
    paid_pending: Decimal
    personal_verified: Decimal
    personal_logged: Decimal


@dataclass(frozen=True)
class DayFacts:
    """What the rules need to weigh hours on one date: the year's parameters, the employee's
    roster lines, and the paid and personal hours that already count that day; where asked,
    the employee's figures for the year and the mentoring organization named (None when no
    organization has that id)."""

    params: rules.PolicyParams
    enrollments: list[rules.EnrollmentFacts]
    paid_that_day: Decimal
    personal_that_day: Decimal
    year: YearFigures | None = None
    organization: MentoringOrganization | None = None


POLICY_FIELDS = tuple(rules.PolicyParams.__dataclass_fields__)
YEAR_FIELDS = tuple(YearFigures.__dataclass_fields__)
ORGANIZATION_FIELDS = tuple(field.attname for field in MentoringOrganization._meta.concrete_fields)
ENROLLMENT_FIELDS = (
    "status",
    "pilot__name",
    "pilot__status",
    "pilot__starts_on",
    "pilot__ends_on",
    "commitment_starts_on",
    "commitment_ends_on",
    "withdrawn_on",
)


def _facts_annotations(*, employee_id, on, year, exclude_leave_id, to_employee: str) -> dict:
    """Annotations that bring the facts of `on` to each row of a query: the day's sums and the
    year's parameters (subqueries), and one roster line per row (a join: NULLs without one).
    `to_employee` leads from the query's model to the employee ("" from Employee itself). The
    employee, the date, its year and the request left out are values, or expressions of the
    row (OuterRef) where the query names a request by its id alone."""
    leave = LeaveRequest.objects.filter(
        employee_id=employee_id,
        date=on,
        status__in=[
            LeaveRequest.Status.PENDING,
            LeaveRequest.Status.APPROVED,
            LeaveRequest.Status.AWAITING_SUPERVISOR,
        ],
    )
    if exclude_leave_id is not None:
        leave = leave.exclude(pk=exclude_leave_id)
    personal = PersonalHours.objects.filter(
        employee_id=employee_id,
        date=on,
        status__in=[PersonalHours.Status.LOGGED, PersonalHours.Status.VERIFIED],
    )
    policy_year = PolicyYear.objects.filter(year=year)
    return {
        "fact_paid_that_day": _hours_that_day(leave),
        "fact_personal_that_day": _hours_that_day(personal),
        **{f"fact_policy_{name}": Subquery(policy_year.values(name)[:1]) for name in POLICY_FIELDS},
        **{
            f"fact_enrollment_{name.replace('__', '_')}": F(f"{to_employee}enrollments__{name}")
            for name in ENROLLMENT_FIELDS
        },
    }


def _year_annotations(*, employee_id, year) -> dict:
    """The employee's Balance for `year`, field by field (subqueries by its key; NULLs without
    one)."""
    balance = Balance.objects.filter(employee_id=employee_id, year=year)
    return {f"fact_year_{name}": Subquery(balance.values(name)[:1]) for name in YEAR_FIELDS}


def _organization_annotations(organization_id: int) -> dict:
    """The mentoring organization `organization_id`, field by field (subqueries by its key)."""
    named = MentoringOrganization.objects.filter(pk=organization_id)
    return {
        f"fact_organization_{name}": Subquery(named.values(name)[:1])
        for name in ORGANIZATION_FIELDS
    }


def _facts_of(rows: list, *, year: bool = False, organization: bool = False) -> DayFacts:
    """DayFacts of the rows annotated above; with the year's figures and the organization where
    the query asked for them."""
    first = rows[0]
    if first.fact_policy_cap_hours is None:
        params = rules.DEFAULT_PARAMS
    else:
        params = rules.PolicyParams(
            **{name: getattr(first, f"fact_policy_{name}") for name in POLICY_FIELDS}
        )
    enrollments = [
        rules.EnrollmentFacts(
            active=row.fact_enrollment_status == Enrollment.Status.ACTIVE,
            pilot_name=row.fact_enrollment_pilot_name,
            pilot_active=row.fact_enrollment_pilot_status == "active",
            pilot_starts_on=row.fact_enrollment_pilot_starts_on,
            pilot_ends_on=row.fact_enrollment_pilot_ends_on,
            commitment_starts_on=row.fact_enrollment_commitment_starts_on,
            commitment_ends_on=row.fact_enrollment_commitment_ends_on,
            withdrawn_on=row.fact_enrollment_withdrawn_on,
        )
        for row in rows
        if row.fact_enrollment_status is not None
    ]
    figures = None
    if year:
        figures = YearFigures(
            **{name: getattr(first, f"fact_year_{name}") or ZERO for name in YEAR_FIELDS}
        )
    named = None
    if organization and first.fact_organization_id is not None:
        named = MentoringOrganization.from_db(
            first._state.db,
            list(ORGANIZATION_FIELDS),
            [getattr(first, f"fact_organization_{name}") for name in ORGANIZATION_FIELDS],
        )
    return DayFacts(
        params=params,
        enrollments=enrollments,
        paid_that_day=first.fact_paid_that_day,
        personal_that_day=first.fact_personal_that_day,
        year=figures,
        organization=named,
    )


def day_facts(*, employee_id: int, on: dt.date, organization_id: int | None = None) -> DayFacts:
    """The facts of `on` for the employee, in one query (one row per roster line), with the
    mentoring organization `organization_id` when given (logging hours names it by its id, so
    it is read here rather than on its own). Read under the year's lock, after it is taken, so
    the day's sums include every committed change."""
    named = organization_id is not None
    rows = list(
        Employee.objects.filter(pk=employee_id)
        .annotate(
            **_facts_annotations(
                employee_id=employee_id,
                on=on,
                year=on.year,
                exclude_leave_id=None,
                to_employee="",
            ),
            **(_organization_annotations(organization_id) if named else {}),
        )
        .order_by()
    )
    return _facts_of(rows, organization=named)


def leave_request_with_facts(pk: int) -> tuple[LeaveRequest, DayFacts]:
    """The request `pk` read again and locked, with its employee and organization, together
    with the facts of its date other than itself and the employee's figures for its year: what
    an approval weighs, in one query that needs nothing read before it (the employee and the
    date are the row's own). Read under the year's lock, after it is taken (the figures then
    include the caller's own write_year())."""
    year = ExtractYear(OuterRef("date"))
    rows = list(
        LeaveRequest.objects.select_for_update(of=("self",))
        .select_related("employee__user", "employee__agency", "organization")
        .filter(pk=pk)
        .annotate(
            **_facts_annotations(
                employee_id=OuterRef("employee_id"),
                on=OuterRef("date"),
                year=year,
                exclude_leave_id=OuterRef("pk"),
                to_employee="employee__",
            ),
            **_year_annotations(employee_id=OuterRef("employee_id"), year=year),
        )
        .order_by()
    )
    return rows[0], _facts_of(rows, year=True)


@dataclass(frozen=True)
class BalanceFigures:
    """An employee's year as SPEC.md section 4 describes it."""

    employee_id: int
    year: int
    cap: Decimal
    paid_approved: Decimal
    paid_pending: Decimal
    personal_verified: Decimal
    personal_awaiting_verification: Decimal
    paid_available: Decimal
    in_match: bool
    # Part of the requested hours: still with the employee's supervisor (paid_pending is the
    # rest, with the coordinator). Both count against the cap and the match.
    paid_awaiting_supervisor: Decimal = ZERO

    @property
    def paid_requested(self) -> Decimal:
        """Requested and not yet decided, whoever holds the request."""
        return self.paid_pending + self.paid_awaiting_supervisor

    @property
    def committed(self) -> Decimal:
        """Paid leave approved and requested (with the supervisor or the coordinator): what
        counts against the cap."""
        return self.paid_approved + self.paid_requested

    @classmethod
    def from_values(
        cls,
        *,
        employee_id: int,
        year: int,
        params: rules.PolicyParams,
        paid_approved: Decimal,
        paid_pending: Decimal,
        personal_verified: Decimal,
        personal_logged: Decimal,
        paid_awaiting_supervisor: Decimal = ZERO,
    ) -> BalanceFigures:
        """`paid_pending` is the Balance's: every requested hour, whoever holds the request."""
        return cls(
            employee_id=employee_id,
            year=year,
            cap=params.cap_hours,
            paid_approved=paid_approved,
            paid_pending=paid_pending - paid_awaiting_supervisor,
            paid_awaiting_supervisor=paid_awaiting_supervisor,
            personal_verified=personal_verified,
            personal_awaiting_verification=personal_logged,
            paid_available=rules.paid_available(
                paid_approved=paid_approved,
                paid_pending=paid_pending,
                personal_verified=personal_verified,
                params=params,
            ),
            in_match=rules.in_match(
                paid_approved=paid_approved, personal_verified=personal_verified, params=params
            ),
        )


def awaiting_supervisor(*, year: int, employee_ref: str = "pk"):
    """The hours of an employee's requests of `year` still with their supervisor, as an
    expression over the outer row (Employee by default; `employee_ref` names its employee id)."""
    summed = (
        LeaveRequest.objects.filter(
            employee_id=OuterRef(employee_ref),
            date__year=year,
            status=LeaveRequest.Status.AWAITING_SUPERVISOR,
        )
        .order_by()
        .values("employee_id")
        .annotate(t=Sum("hours"))
        .values("t")
    )
    return Coalesce(Subquery(summed), Value(ZERO), output_field=HOURS_FIELD)


def balance_for(*, employee_id: int, year: int) -> BalanceFigures:
    row = (
        Balance.objects.filter(employee_id=employee_id, year=year)
        .annotate(awaiting=awaiting_supervisor(year=year, employee_ref="employee_id"))
        .first()
    )
    return BalanceFigures.from_values(
        employee_id=employee_id,
        year=year,
        params=policy_params(year),
        paid_approved=row.paid_approved if row else ZERO,
        paid_pending=row.paid_pending if row else ZERO,
        personal_verified=row.personal_verified if row else ZERO,
        personal_logged=row.personal_logged if row else ZERO,
        paid_awaiting_supervisor=row.awaiting if row else ZERO,
    )


def employees_with_year(queryset: QuerySet[Employee], *, year: int) -> QuerySet[Employee]:
    """Employees annotated with their figures for `year` (zeros where they have none), in one
    query. The balances API and the workbooks both read this, so they cannot disagree."""
    figures = {}
    for name in ("paid_approved", "paid_pending", "personal_verified", "personal_logged"):
        figures[name] = Coalesce(F(f"year_balance__{name}"), Value(ZERO), output_field=HOURS_FIELD)
    figures["paid_awaiting_supervisor"] = awaiting_supervisor(year=year)
    return queryset.annotate(
        year_balance=FilteredRelation("balances", condition=Q(balances__year=year)), **figures
    ).select_related("user", "agency")


def figures_of(employee: Employee, *, year: int, params: rules.PolicyParams) -> BalanceFigures:
    """Figures of an employee annotated by employees_with_year."""
    return BalanceFigures.from_values(
        employee_id=employee.pk,
        year=year,
        params=params,
        paid_approved=employee.paid_approved,
        paid_pending=employee.paid_pending,
        personal_verified=employee.personal_verified,
        personal_logged=employee.personal_logged,
        paid_awaiting_supervisor=employee.paid_awaiting_supervisor,
    )


FIELDS = ("paid_approved", "paid_pending", "personal_verified", "personal_logged")


@dataclass
class BalanceReport:
    checked: int
    ledger_entries: int
    differences: list[str]


def recomputed_balances() -> BalanceReport:
    """Every stored balance against (a) the sums of the ledger's deltas and (b) the hours and
    requests themselves by status. Four aggregating queries, whatever the data size."""
    stored = {
        (row["employee_id"], row["year"]): tuple(row[name] for name in FIELDS)
        for row in Balance.objects.values("employee_id", "year", *FIELDS)
    }
    ledger_rows = (
        LedgerEntry.objects.filter(employee__isnull=False, year__isnull=False)
        .values("employee_id", "year")
        .annotate(n=Count("id"), **{name: Sum(f"d_{name}") for name in FIELDS})
    )
    from_ledger, entries = {}, 0
    for row in ledger_rows:
        entries += row["n"]
        key = (row["employee_id"], row["year"])
        from_ledger[key] = tuple(row[name] or ZERO for name in FIELDS)

    from_entries: dict[tuple[int, int], list[Decimal]] = {}
    slot = {
        ("leave", LeaveRequest.Status.APPROVED): 0,
        ("leave", LeaveRequest.Status.PENDING): 1,
        # Hours awaiting the supervisor are pending in the Balance (paid_pending) and the ledger.
        ("leave", LeaveRequest.Status.AWAITING_SUPERVISOR): 1,
        ("personal", PersonalHours.Status.VERIFIED): 2,
        ("personal", PersonalHours.Status.LOGGED): 3,
    }
    for kind, model in (("leave", LeaveRequest), ("personal", PersonalHours)):
        rows = (
            model.objects.annotate(y=ExtractYear("date"))
            .values("employee_id", "y", "status")
            .annotate(total=Sum("hours"))
        )
        for row in rows:
            index = slot.get((kind, row["status"]))
            if index is None:
                continue
            figures = from_entries.setdefault((row["employee_id"], row["y"]), [ZERO] * 4)
            figures[index] += row["total"]

    differences = []
    zero = (ZERO,) * 4
    for key in sorted(set(stored) | set(from_ledger) | set(from_entries)):
        have = stored.get(key, zero)
        for source, other in (
            ("ledger", from_ledger.get(key, zero)),
            ("entries", tuple(from_entries.get(key, zero))),
        ):
            for name, a, b in zip(FIELDS, have, other, strict=True):
                if a != b:
                    verb = "gives" if source == "ledger" else "give"
                    differences.append(
                        f"employee {key[0]} year {key[1]}: stored {name} {a:.2f} but the "
                        f"{source} {verb} {b:.2f}"
                    )
    return BalanceReport(checked=len(stored), ledger_entries=entries, differences=differences)
