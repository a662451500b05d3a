"""A synthetic statewide year, written straight into the database with bulk inserts.

Everything goes through the real models, so every database constraint holds, and the data obeys
the policy a service would enforce: each employee is eligible and enrolled on an active pilot of
their own agency through a qualified organization; hours are multiples of 0.25 on distinct dates
(so the daily limits hold); personal hours are dated up to today; approved plus pending paid
leave stays within the cap and within the verified personal hours (the match). Balances are the
sums of the entries, and every change has its ledger entry with the same deltas, so
`check_balances` is clean. This is also how a migration of historical data would be loaded.

Employees are loaded in slices (`load_employees(start, stop)`), each with all of its hours, so
the year can be grown in steps (10%, 30%, 100%) and stays consistent after each step.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from agencies.models import Agency, Employee, Enrollment, MentoringOrganization, Pilot, Role
from hours.models import Balance, LeaveRequest, PersonalHours
from ledger.models import LedgerEntry
from policy import rules

User = get_user_model()
ZERO = Decimal("0.00")
KIND = LedgerEntry.Kind
PH = PersonalHours.Status
LR = LeaveRequest.Status

# State employees in California, for the agencies' headcounts (the adoption rate's denominator).
STATE_WORKFORCE = 230_000
USERNAME_PREFIX = "bench."


@dataclass(frozen=True)
class Scale:
    name: str
    agencies: int
    employees: int
    entries: int

    @property
    def headcount(self) -> int:
        return round(STATE_WORKFORCE * self.employees / 25_000)


SCALES = {
    "statewide": Scale("statewide", agencies=150, employees=25_000, entries=1_000_000),
    "quick": Scale("quick", agencies=15, employees=500, entries=20_000),
    "tiny": Scale("tiny", agencies=3, employees=12, entries=300),
}

# Real departments first, then numbered ones up to the scale's count.
DEPARTMENTS = [
    ("DOT", "Department of Transportation (Caltrans)"),
    ("CDCR", "Department of Corrections and Rehabilitation"),
    ("DHCS", "Department of Health Care Services"),
    ("DPH", "Department of Public Health"),
    ("CHP", "California Highway Patrol"),
    ("DMV", "Department of Motor Vehicles"),
    ("EDD", "Employment Development Department"),
    ("DSH", "Department of State Hospitals"),
    ("FTB", "Franchise Tax Board"),
    ("CDTFA", "Department of Tax and Fee Administration"),
    ("DWR", "Department of Water Resources"),
    ("CALFIRE", "Department of Forestry and Fire Protection"),
    ("DGS", "Department of General Services"),
    ("CDSS", "Department of Social Services"),
    ("DDS", "Department of Developmental Services"),
    ("DOJ", "Department of Justice"),
    ("DCA", "Department of Consumer Affairs"),
    ("DIR", "Department of Industrial Relations"),
    ("CARB", "Air Resources Board"),
    ("CDFW", "Department of Fish and Wildlife"),
]
ORGANIZATIONS = [
    "Friends for Youth",
    "Be A Mentor",
    "SFUSD Mentoring for Success",
    "LAUSD Villages Mentoring Movement",
    "Give A Beat",
    "Metro Community Ministries",
    "Big Brothers Big Sisters of the Bay Area",
    "Sacramento Mentoring Partnership",
    "Fresno Youth Mentoring",
    "San Diego Youth Mentors",
    "Central Valley Reading Buddies",
    "Inland Empire Mentoring Collaborative",
]
FIRST = ["Maria", "James", "Linh", "Carlos", "Aisha", "Robert", "Priya", "Daniel", "Grace"]
FIRST += ["Miguel", "Hannah", "Tomas", "Keisha", "Arjun", "Sofia", "Ethan", "Mei", "Jorge"]
LAST = ["Garcia", "Nguyen", "Johnson", "Martinez", "Patel", "Kim", "Lopez", "Williams", "Chen"]
LAST += ["Hernandez", "Brown", "Singh", "Rodriguez", "Davis", "Tran", "Wilson", "Lee", "Flores"]
UNITS = sorted(rules.COVERED_BARGAINING_UNITS)
SOURCES = ["non_working_time"] * 6 + ["annual_leave", "vacation", "personal_leave", "cto"]
PERSONAL_HOURS = [Decimal(h) for h in ("1.00", "1.50", "2.00", "2.00", "2.50", "3.00", "4.00")]
PAID_HOURS = [Decimal(h) for h in ("1.00", "2.00", "2.00", "3.00", "4.00", "4.00")]
LEAVE_SHARE = 0.3  # of an employee's entries; the rest are personal hours
MAX_LEAVE_ENTRIES = 14


@dataclass
class LoadStats:
    rows: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def add(self, other: LoadStats) -> None:
        self.rows.update(other.rows)
        self.seconds += other.seconds


def analyze() -> None:
    """Refresh the planner's statistics, as after any bulk load: without them PostgreSQL
    plans the first queries over the new rows as if the tables were empty. On PostgreSQL also
    VACUUM, which sets the visibility map so that index-only scans can skip the rows, as
    autovacuum does in a while on a live database."""
    if connection.vendor == "postgresql" and connection.get_autocommit():
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


class YearLoader:
    """Loads one synthetic year. Deterministic for a given scale, year and seed."""

    def __init__(
        self,
        *,
        scale: Scale,
        today: dt.date | None = None,
        seed: int = 2119,
        batch_size: int = 5000,
        chunk_employees: int = 500,
    ) -> None:
        self.scale = scale
        self.today = today or timezone.localdate()
        self.year = self.today.year
        self.seed = seed
        self.batch_size = batch_size
        self.chunk_employees = chunk_employees
        self.now = timezone.now()
        rng = random.Random(seed)
        # Agencies' sizes fall off like real departments' (a few very large, many small);
        # adoption varies by agency.
        weights = [1 / (i + 4) for i in range(scale.agencies)]
        total = sum(weights)
        self.headcounts = [max(50, round(scale.headcount * w / total)) for w in weights]
        uptake = [w * rng.uniform(0.5, 1.5) for w in weights]
        self.agency_of = rng.choices(range(scale.agencies), weights=uptake, k=scale.employees)
        # Entries per employee: most near the mean, some very active mentors, some barely.
        spread = [rng.lognormvariate(0, 0.5) for _ in range(scale.employees)]
        factor = scale.entries / sum(spread)
        self.entries_of = [max(2, round(s * factor)) for s in spread]
        self.agencies: list[Agency] = []
        self.coordinators: list = []
        self.pilots: list[Pilot] = []
        self.organizations: list[MentoringOrganization] = []

    # --- helpers -------------------------------------------------------------------------------

    def _bulk(self, model, objects: list, stats: LoadStats) -> list:
        if objects:
            if connection.vendor == "postgresql":
                self._copy(model, objects)
            else:
                model.objects.bulk_create(objects, batch_size=self.batch_size)
            stats.rows[model._meta.label] += len(objects)
        return objects

    def _copy(self, model, objects: list) -> None:
        """PostgreSQL's COPY: the instances' own values, ids reserved from the table's sequence.

        The database checks every constraint as for an INSERT; what is skipped is Django's
        per-value preparation, which costs more than the database's work."""
        from psycopg.types.json import Jsonb

        fields = model._meta.concrete_fields
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                [table, table, len(objects)],
            )
            first = cursor.fetchone()[0] - len(objects) + 1
            stamped = [f.attname for f in fields if getattr(f, "auto_now_add", False)]
            stamped += [f.attname for f in fields if getattr(f, "auto_now", False)]
            json = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
            columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            with cursor.copy(
                f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN"
            ) as copy:
                for number, obj in enumerate(objects, first):
                    obj.pk = number
                    for name in stamped:
                        setattr(obj, name, getattr(obj, name) or self.now)
                    copy.write_row(
                        [
                            Jsonb(getattr(obj, f.attname))
                            if f.attname in json
                            else getattr(obj, f.attname)
                            for f in fields
                        ]
                    )

    def _at(self, day: dt.date, rng: random.Random) -> dt.datetime:
        moment = dt.datetime.combine(day, dt.time(rng.randint(7, 20), rng.randint(0, 59)))
        return min(timezone.make_aware(moment), self.now)

    # --- what every slice shares ---------------------------------------------------------------

    def load_fixed(self) -> LoadStats:
        """Agencies, organizations, pilots, coordinators and a workgroup member."""
        stats = LoadStats()
        started = time.perf_counter()
        year = self.year
        with transaction.atomic():
            names = DEPARTMENTS[: self.scale.agencies]
            names += [
                (f"AG{i:03d}", f"State Agency {i:03d}")
                for i in range(len(names) + 1, self.scale.agencies + 1)
            ]
            self.agencies = self._bulk(
                Agency,
                [
                    Agency(code=code, name=name, headcount=headcount)
                    for (code, name), headcount in zip(names, self.headcounts, strict=True)
                ],
                stats,
            )
            self.organizations = self._bulk(
                MentoringOrganization,
                [
                    MentoringOrganization(
                        name=name,
                        meets_quality_standards=True,
                        contact_name="Program Office",
                        contact_email=f"office{i}@mentoring.example.org",
                    )
                    for i, name in enumerate(ORGANIZATIONS)
                ],
                stats,
            )
            self.pilots = self._bulk(
                Pilot,
                [
                    Pilot(
                        agency=agency,
                        name=f"{agency.code} Mentoring {year}",
                        starts_on=dt.date(year, 1, 1),
                        ends_on=dt.date(year, 12, 31),
                        status=Pilot.Status.ACTIVE,
                    )
                    for agency in self.agencies
                ],
                stats,
            )
            unusable = make_password(None)
            people = [
                User(
                    username=f"{USERNAME_PREFIX}coordinator.{agency.code.lower()}",
                    first_name="Pilot",
                    last_name=f"Coordinator {agency.code}",
                    password=unusable,
                )
                for agency in self.agencies
            ]
            workgroup = User(
                username=f"{USERNAME_PREFIX}workgroup",
                first_name="Workgroup",
                last_name="Member",
                password=unusable,
            )
            self._bulk(User, [*people, workgroup], stats)
            self.coordinators = people
            roles = [
                Role(user=user, kind=Role.Kind.COORDINATOR, agency=agency)
                for user, agency in zip(people, self.agencies, strict=True)
            ]
            self._bulk(Role, [*roles, Role(user=workgroup, kind=Role.Kind.WORKGROUP)], stats)
            self._bulk(
                LedgerEntry,
                [
                    LedgerEntry(
                        kind=KIND.PILOT_CREATED,
                        subject_type="pilot",
                        subject_id=pilot.pk,
                        agency_id=pilot.agency_id,
                        data={"name": pilot.name, "status": pilot.status},
                    )
                    for pilot in self.pilots
                ],
                stats,
            )
        stats.seconds = time.perf_counter() - started
        return stats

    # --- employees and their year --------------------------------------------------------------

    def load_employees(self, start: int, stop: int) -> LoadStats:
        """Employees number start..stop-1, enrolled, with all their hours, balances and ledger."""
        stats = LoadStats()
        for chunk_start in range(start, stop, self.chunk_employees):
            chunk_stop = min(stop, chunk_start + self.chunk_employees)
            started = time.perf_counter()
            with transaction.atomic():
                self._load_chunk(chunk_start, chunk_stop, stats)
            stats.seconds += time.perf_counter() - started
        started = time.perf_counter()
        analyze()
        stats.seconds += time.perf_counter() - started
        return stats

    def _load_chunk(self, start: int, stop: int, stats: LoadStats) -> None:
        year = self.year
        unusable = make_password(None)
        users, employees, plans = [], [], []
        for i in range(start, stop):
            rng = random.Random(self.seed * 1_000_003 + i)
            agency = self.agencies[self.agency_of[i]]
            first, last = rng.choice(FIRST), rng.choice(LAST)
            users.append(
                User(
                    username=f"{USERNAME_PREFIX}{i:06d}",
                    first_name=first,
                    last_name=last,
                    email=f"{first.lower()}.{last.lower()}.{i}@example.ca.gov",
                    password=unusable,
                )
            )
            employees.append(
                Employee(
                    agency=agency,
                    employee_number=f"B{i:07d}",
                    bargaining_unit=rng.choice(UNITS),
                    appointment=rng.choices(sorted(rules.ELIGIBLE_APPOINTMENTS), weights=[9, 1])[0],
                )
            )
            plans.append(rng)
        self._bulk(User, users, stats)
        for user, employee in zip(users, employees, strict=True):
            employee.user = user
        self._bulk(Employee, employees, stats)

        enrollments, personal, leave, ledger, balances = [], [], [], [], []
        for i, employee, rng in zip(range(start, stop), employees, plans, strict=True):
            a = self.agency_of[i]
            org = rng.choice(self.organizations)
            starts = dt.date(year, 1, 1) - dt.timedelta(days=rng.randint(0, 140))
            enrollments.append(
                Enrollment(
                    employee=employee,
                    pilot=self.pilots[a],
                    organization=org,
                    commitment_starts_on=starts,
                    commitment_ends_on=dt.date(year, 12, 31)
                    + dt.timedelta(days=rng.randint(0, 180)),
                )
            )
            p, r, b = self._year_of(employee, org, self.coordinators[a], self.entries_of[i], rng)
            personal += p
            leave += r
            balances.append(b)
        self._bulk(Enrollment, enrollments, stats)
        self._bulk(PersonalHours, personal, stats)
        self._bulk(LeaveRequest, leave, stats)
        self._bulk(Balance, balances, stats)

        for employee in employees:
            ledger.append(
                LedgerEntry(
                    kind=KIND.EMPLOYEE_CREATED,
                    subject_type="employee",
                    subject_id=employee.pk,
                    agency_id=employee.agency_id,
                    employee_id=employee.pk,
                    data={
                        "employee_number": employee.employee_number,
                        "bargaining_unit": employee.bargaining_unit,
                        "appointment": employee.appointment,
                    },
                )
            )
        for enrollment in enrollments:
            ledger.append(
                LedgerEntry(
                    kind=KIND.ENROLLMENT_CREATED,
                    subject_type="enrollment",
                    subject_id=enrollment.pk,
                    agency_id=enrollment.employee.agency_id,
                    employee_id=enrollment.employee_id,
                    data={
                        "pilot": enrollment.pilot.name,
                        "organization": enrollment.organization.name,
                        "commitment_starts_on": str(enrollment.commitment_starts_on),
                        "commitment_ends_on": str(enrollment.commitment_ends_on),
                        "status": enrollment.status,
                    },
                )
            )
        for entry in personal:
            ledger += self._personal_ledger(entry)
        for request in leave:
            ledger += self._leave_ledger(request)
        self._bulk(LedgerEntry, ledger, stats)

    def _year_of(self, employee, org, coordinator, count: int, rng: random.Random):
        """One employee's personal hours and leave requests, and the balance they add up to."""
        year, today = self.year, self.today
        first = dt.date(year, 1, 1)
        past_days = (today - first).days + 1
        year_days = (dt.date(year, 12, 31) - first).days + 1
        leave_count = min(MAX_LEAVE_ENTRIES, round(count * LEAVE_SHARE), year_days // 2)
        personal_count = min(count - leave_count, past_days)
        # Distinct dates for every entry: with at most 4 hours an entry, the daily limits
        # (12 hours in all, 8 paid) always hold.
        personal_days = sorted(rng.sample(range(past_days), personal_count))
        taken = set(personal_days)
        free = [d for d in range(year_days) if d not in taken]
        leave_days = sorted(rng.sample(free, min(leave_count, len(free))))

        personal, verified, logged = [], ZERO, ZERO
        for offset in personal_days:
            day = first + dt.timedelta(days=offset)
            hours = rng.choice(PERSONAL_HOURS)
            recent = (today - day).days < 14
            roll = rng.random()
            if recent and roll < 0.6 or not recent and roll < 0.05:
                status = PH.LOGGED
            elif roll > 0.95:
                status = PH.REJECTED
            else:
                status = PH.VERIFIED
            entry = PersonalHours(
                employee=employee,
                date=day,
                hours=hours,
                source=rng.choice(SOURCES),
                organization=org,
                status=status,
            )
            if status != PH.LOGGED:
                reviewed = min(today, day + dt.timedelta(days=rng.randint(1, 10)))
                entry.reviewed_by = coordinator
                entry.reviewed_at = self._at(reviewed, rng)
                if status == PH.VERIFIED:
                    entry.verified_by_name = "Program Office"
                    entry.verified_on = reviewed
                    verified += hours
                else:
                    entry.reason = "The mentoring organization could not confirm these hours."
            else:
                logged += hours
            personal.append(entry)

        # Paid leave, in date order, within the cap and the match: approved plus pending never
        # exceed the cap nor the verified personal hours.
        room = min(rules.DEFAULT_PARAMS.cap_hours, verified)
        leave, approved, pending = [], ZERO, ZERO
        for offset in leave_days:
            day = first + dt.timedelta(days=offset)
            hours = rng.choice(PAID_HOURS)
            roll = rng.random()
            if day > today:
                status = LR.PENDING if roll < 0.55 else LR.APPROVED if roll < 0.9 else LR.CANCELLED
            elif (today - day).days < 14 and roll < 0.3:
                status = LR.PENDING
            else:
                status = (
                    LR.APPROVED
                    if roll < 0.82
                    else LR.DENIED
                    if roll < 0.9
                    else LR.CANCELLED
                    if roll < 0.97
                    else LR.REVERSED
                )
            if status in (LR.APPROVED, LR.PENDING):
                left = room - approved - pending
                hours = min(hours, left)
                if hours <= 0:
                    # The coordinator turned it down: the year had no room left.
                    status, hours = LR.DENIED, rng.choice(PAID_HOURS)
            request = LeaveRequest(
                employee=employee, date=day, hours=hours, organization=org, status=status
            )
            if status == LR.PENDING:
                pending += hours
            elif status != LR.CANCELLED:
                request.approver = coordinator
                request.decided_at = self._at(min(day, today), rng)
                if status == LR.APPROVED:
                    approved += hours
                elif status == LR.DENIED:
                    request.reason = "Operational needs: the unit is short-staffed that day."
                else:
                    request.reason = "The mentoring session did not take place."
            else:
                request.reason = "Plans changed."
            leave.append(request)

        balance = Balance(
            employee=employee,
            year=year,
            paid_approved=approved,
            paid_pending=pending,
            personal_verified=verified,
            personal_logged=logged,
        )
        return personal, leave, balance

    def _entry(self, subject, kind: str, actor, **fields) -> LedgerEntry:
        return LedgerEntry(
            kind=kind,
            subject_type=subject._meta.model_name,
            subject_id=subject.pk,
            agency_id=subject.employee.agency_id,
            employee_id=subject.employee_id,
            actor=actor,
            year=self.year,
            **fields,
        )

    def _personal_ledger(self, entry: PersonalHours) -> list[LedgerEntry]:
        hours = entry.hours
        rows = [
            self._entry(
                entry,
                KIND.PERSONAL_LOGGED,
                entry.employee.user,
                data={"date": entry.date.isoformat(), "hours": str(hours)},
                d_personal_logged=hours,
            )
        ]
        if entry.status == PH.VERIFIED:
            rows.append(
                self._entry(
                    entry,
                    KIND.PERSONAL_VERIFIED,
                    entry.reviewed_by,
                    data={
                        "verified_by_name": entry.verified_by_name,
                        "verified_on": entry.verified_on.isoformat(),
                    },
                    d_personal_logged=-hours,
                    d_personal_verified=hours,
                )
            )
        elif entry.status == PH.REJECTED:
            rows.append(
                self._entry(
                    entry,
                    KIND.PERSONAL_REJECTED,
                    entry.reviewed_by,
                    reason=entry.reason,
                    data={"was_verified": False},
                    d_personal_logged=-hours,
                )
            )
        return rows

    def _leave_ledger(self, request: LeaveRequest) -> list[LedgerEntry]:
        hours, status = request.hours, request.status
        rows = [
            self._entry(
                request,
                KIND.LEAVE_REQUESTED,
                request.employee.user,
                data={"date": request.date.isoformat(), "hours": str(hours)},
                d_paid_pending=hours,
            )
        ]
        if status in (LR.APPROVED, LR.REVERSED):
            rows.append(
                self._entry(
                    request,
                    KIND.LEAVE_APPROVED,
                    request.approver,
                    d_paid_pending=-hours,
                    d_paid_approved=hours,
                )
            )
        if status == LR.REVERSED:
            rows.append(
                self._entry(
                    request,
                    KIND.LEAVE_REVERSED,
                    request.approver,
                    reason=request.reason,
                    d_paid_approved=-hours,
                )
            )
        elif status == LR.DENIED:
            rows.append(
                self._entry(
                    request,
                    KIND.LEAVE_DENIED,
                    request.approver,
                    reason=request.reason,
                    d_paid_pending=-hours,
                )
            )
        elif status == LR.CANCELLED:
            rows.append(
                self._entry(
                    request,
                    KIND.LEAVE_CANCELLED,
                    request.employee.user,
                    reason=request.reason,
                    data={"was_approved": False},
                    d_paid_pending=-hours,
                )
            )
        return rows
