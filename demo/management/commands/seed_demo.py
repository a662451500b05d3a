"""Load the demo data of SPEC.md section 7, once. Running it again changes nothing.

Everything goes through the same services as the API, so the demo year obeys every rule and
its ledger and balances agree.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from post_office.models import Email

from accounting import selectors as accounting_selectors
from accounting import services as accounting
from agencies import approvals
from agencies import services as roster
from agencies.models import Agency, Employee, MentoringOrganization, Role
from confirmations.services import contact_save
from hours import services
from hours.selectors import balance_for
from hours.services import transfers
from policy import dates
from policy.errors import NotAllowed, StateConflict
from policy.rules import PolicyViolation

User = get_user_model()
DEMO_PASSWORD = "mentor-2119"

AGENCIES = [
    ("DHCS", "Department of Health Care Services", 4300),
    ("DOT", "Department of Transportation (Caltrans)", 21000),
    ("DPH", "Department of Public Health", 4200),
]
# Peacemakers Inc. is shown as not (yet) recorded as meeting the quality-assurance standards,
# so the demo can show that rule.
ORGANIZATIONS = [
    ("Friends for Youth", True, "Program Director", "info@friendsforyouth.example.org"),
    ("Be A Mentor", True, "Match Support", "contact@beamentor.example.org"),
    ("SFUSD Mentoring for Success", True, "Program Office", "mentoring@sfusd.example.org"),
    ("LAUSD Villages Mentoring Movement", True, "Villages Office", "villages@lausd.example.org"),
    ("Give A Beat", True, "Mentor Coordinator", "hello@giveabeat.example.org"),
    ("Metro Community Ministries", True, "Youth Programs", "youth@metro.example.org"),
    ("Peacemakers Inc.", False, "Front Office", "office@peacemakers.example.org"),
]
FIRST = [
    "Maria",
    "James",
    "Linh",
    "Carlos",
    "Aisha",
    "Robert",
    "Priya",
    "Daniel",
    "Grace",
    "Miguel",
    "Hannah",
    "Tomas",
    "Keisha",
    "Arjun",
    "Sofia",
    "Ethan",
    "Mei",
    "Jorge",
    "Fatima",
    "Samuel",
    "Elena",
    "David",
    "Rosa",
    "Kevin",
]
LAST = [
    "Garcia",
    "Nguyen",
    "Johnson",
    "Martinez",
    "Patel",
    "Kim",
    "Lopez",
    "Williams",
    "Chen",
    "Hernandez",
    "Brown",
    "Singh",
    "Rodriguez",
    "Davis",
    "Tran",
    "Wilson",
    "Gonzalez",
    "Lee",
    "Ramirez",
    "Anderson",
    "Flores",
    "Thomas",
    "Rivera",
    "Moore",
]


class Command(BaseCommand):
    help = "Load the demo agencies, pilots, organizations, people and a year of hours (once)."

    def handle(self, *args, **options):
        if User.objects.filter(username="admin").exists():
            self.stdout.write("Demo data is already loaded; nothing changed.")
        else:
            # The demo people are not real: send them no email.
            dummy = "django.core.mail.backends.dummy.EmailBackend"
            with override_settings(EMAIL_BACKEND=dummy), transaction.atomic():
                before = Email.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
                self._load()
                # ...and leave none of the decisions' emails queued in the outbox.
                Email.objects.filter(pk__gt=before).delete()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(
            f"\nDemo logins (password for all: {DEMO_PASSWORD}):\n"
            "  admin            administrator (Django admin at /admin/)\n"
            "  dot.coordinator  pilot coordinator, DOT (Caltrans)\n"
            "  dph.coordinator  pilot coordinator, DPH\n"
            "  workgroup        SEM workgroup member (reads everything)\n"
            "  dot.employee     employee mentor at DOT\n"
            "  dph.employee     employee mentor at DPH\n"
            "  dot.newmentor    employee at DOT, just enrolled, no hours yet\n"
            "  dot.supervisor   supervisor at DOT (of dot.employee, dot.newmentor and two more):\n"
            "                   DOT decides requests supervisor first, then coordinator\n"
        )

    def _user(self, username: str, first: str, last: str, **extra):
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.ca.gov",
            **extra,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        return user

    def _load(self) -> None:
        rng = random.Random(2119)
        on_day = dates.today()
        year = on_day.year
        admin = self._user("admin", "Avery", "Admin", is_staff=True, is_superuser=True)
        agencies = {
            code: Agency.objects.create(code=code, name=name, headcount=headcount)
            for code, name, headcount in AGENCIES
        }
        orgs = [
            MentoringOrganization.objects.create(
                name=name, meets_quality_standards=ok, contact_name=contact, contact_email=email
            )
            for name, ok, contact, email in ORGANIZATIONS
        ]
        qualified = [org for org in orgs if org.meets_quality_standards]
        # Each organization's verification contact, who confirms hours from the emailed link.
        for org in orgs:
            if org.contact_email:
                contact_save(
                    by=admin, organization=org, name=org.contact_name, email=org.contact_email
                )
        pilots = {
            code: roster.pilot_create(
                by=admin,
                agency=agencies[code],
                name=f"{code} Mentoring Pilot {year}",
                starts_on=dt.date(year, 1, 1),
                ends_on=dt.date(year, 12, 31),
                status="active",
            )
            for code in ("DOT", "DPH")
        }
        workgroup = self._user("workgroup", "Wendy", "Workgroup")
        Role.objects.create(user=workgroup, kind=Role.Kind.WORKGROUP)

        number = iter(range(100001, 200000))
        names = iter(zip(FIRST, LAST, strict=True))

        def employee(
            agency: str,
            username: str | None = None,
            unit: str = "1",
            appointment: str = "permanent",
        ) -> Employee:
            first, last = next(names)
            emp_number = str(next(number))
            person = roster.employee_create(
                by=admin,
                agency=agencies[agency],
                employee_number=emp_number,
                first_name=first,
                last_name=last,
                email=f"{(username or emp_number)}@example.ca.gov",
                bargaining_unit=unit,
                appointment=appointment,
                username=username or "",
            )
            person.user.set_password(DEMO_PASSWORD)
            person.user.save(update_fields=["password"])
            return person

        people: dict[str, list[Employee]] = {"DOT": [], "DPH": []}
        coordinators = {}
        for code in ("DOT", "DPH"):
            coordinator = employee(code, f"{code.lower()}.coordinator", unit="excluded")
            Role.objects.create(
                user=coordinator.user, kind=Role.Kind.COORDINATOR, agency=agencies[code]
            )
            coordinators[code] = coordinator.user
            people[code].append(coordinator)
            people[code].append(employee(code, f"{code.lower()}.employee", unit="1"))
            for unit in ("2", "4", "9", "12", "17", "19"):
                people[code].append(employee(code, unit=unit))
        # Just joined the DOT roster, with no hours yet: the README's walkthrough starts here.
        people["DOT"].append(employee("DOT", "dot.newmentor", unit="7"))
        # On file but never on a roster: two who are not eligible (unit 6, a retired
        # annuitant) and a DHCS employee, whose agency has no pilot yet.
        employee("DOT", unit="6")
        employee("DPH", unit="4", appointment="retired_annuitant")
        employee("DHCS", unit="1")

        for code, members in people.items():
            for person in members:
                roster.enrollment_create(
                    by=admin,
                    employee=person,
                    pilot=pilots[code],
                    organization=rng.choice(qualified),
                    commitment_starts_on=dt.date(year, 1, 1),
                    commitment_ends_on=dt.date(year, 12, 31),
                )

        for code, members in people.items():
            for index, person in enumerate(members):
                self._year_of(person, coordinators[code], admin, index, rng, on_day)
        # DOT has sent last month to leave accounting: its first batch holds the year's approved
        # leave so far, and what is approved from now on waits for the next one. (In January,
        # last month belongs to a year with no demo leave, so nothing is sent.)
        last_month = (on_day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        dot = Agency.objects.get(code="DOT")
        if accounting_selectors.unsent_lines(agency=dot, period=last_month):
            accounting.batch_send(agency=dot, period=last_month, by=coordinators["DOT"])
        self._one_transfer(people["DOT"], agencies["DPH"], coordinators["DPH"], admin, on_day)
        self._two_step_chain(agencies["DOT"], people["DOT"], employee, admin, on_day)
        mentors = [p for p in people["DPH"] if not p.user.username.startswith("dph.")]
        self._withdrawal(mentors, coordinators["DPH"], on_day)

    def _withdrawal(self, mentors, coordinator, on_day) -> None:
        """A DPH mentor (the one with the most paid hours left) leaves the pilot: the withdrawal
        takes effect tomorrow, so the year so far still counts, and the request they had made
        for a later date is cancelled by it, with the reason."""
        left = {
            p.pk: balance_for(employee_id=p.pk, year=on_day.year).paid_available for p in mentors
        }
        person = max(mentors, key=lambda p: (left[p.pk], -p.pk))
        line = person.enrollments.get()
        takes_effect = min(on_day + dt.timedelta(days=1), line.commitment_ends_on)
        later = takes_effect + dt.timedelta(days=7)
        if later.year == on_day.year and left[person.pk] > 0:
            with contextlib.suppress(PolicyViolation):  # a request the rules refuse: none
                services.leave_request_create(
                    employee=person,
                    by=person.user,
                    date=later,
                    hours=min(left[person.pk], Decimal("2")),
                    organization=line.organization,
                    today=on_day,
                )
        roster.enrollment_update(
            by=coordinator,
            enrollment=line,
            status="withdrawn",
            withdrawn_on=takes_effect,
        )

    def _one_transfer(self, members, dph, dph_coordinator, admin, on_day) -> None:
        """One DOT mentor moves to DPH on the first of this month: the year so far stays in
        DOT's workbook and leave accounting (DOT has sent last month), what follows is DPH's,
        and the cap and the match stay one year. A session of today is DPH's to verify."""
        mover = [p for p in members if not p.user.username.startswith("dot.")][-1]
        outcome = transfers.transfer_start(
            by=admin, employee=mover, to_agency=dph, effective_on=on_day.replace(day=1)
        )
        if outcome.enrollment is None:
            return
        try:
            entry = services.personal_hours_log(
                employee=outcome.transfer.employee,
                by=mover.user,
                date=on_day,
                hours=Decimal("1.5"),
                source="non_working_time",
                organization=outcome.enrollment.organization,
                today=on_day,
            )
        except PolicyViolation:
            return
        services.personal_hours_verify(
            reason="A signed paper form from the organization",
            entry=entry,
            by=dph_coordinator,
            verified_by_name=outcome.enrollment.organization.contact_name,
            verified_on=on_day,
        )

    def _two_step_chain(self, dot, members, employee, admin, on_day) -> None:
        """From now on DOT's requests go to the supervisor first; the year so far was decided by
        the coordinator alone. A new request of the team waits for dot.supervisor."""
        supervisor = employee("DOT", "dot.supervisor", unit="1").user
        team = [p for p in members if p.user.username in ("dot.employee", "dot.newmentor")]
        team += [p for p in members if not p.user.username.startswith("dot.")][:2]
        for person in team:
            roster.employee_update(by=admin, employee=person, supervisor=supervisor)
        approvals.agency_set_approval_chain(
            by=admin, agency=dot, approval_chain=Agency.ApprovalChain.SUPERVISOR_THEN_COORDINATOR
        )
        ahead = on_day + dt.timedelta(days=7)
        for person in team:
            available = balance_for(employee_id=person.pk, year=on_day.year).paid_available
            if available < 2 or ahead.year != on_day.year:
                continue
            person.refresh_from_db()
            try:
                services.leave_request_create(
                    employee=person,
                    by=person.user,
                    date=ahead,
                    hours=Decimal("2"),
                    organization=person.enrollments.first().organization,
                    today=on_day,
                )
            except PolicyViolation:
                continue

    def _year_of(self, person, coordinator, admin, index, rng, on_day) -> None:
        """A realistic spread: one mentor has used all 40 hours, one year is out of match
        after a correction, and every status of hours and requests appears."""
        # A coordinator's own hours are verified and approved by the administrator.
        reviewer = admin if person.user_id == coordinator.pk else coordinator
        org = person.enrollments.first().organization
        days = _days_until(on_day)
        username = person.user.username
        if username == "dot.newmentor":
            return

        def log(day, hours, verify=True):
            try:
                entry = services.personal_hours_log(
                    employee=person,
                    by=person.user,
                    date=day,
                    hours=Decimal(hours),
                    source=rng.choice(["non_working_time", "non_working_time", "vacation", "cto"]),
                    organization=org,
                    notes="Weekly session at the school site.",
                    today=on_day,
                )
            except PolicyViolation:
                return None
            if verify:
                services.personal_hours_verify(
                    reason="A signed paper form from the organization",
                    entry=entry,
                    by=reviewer,
                    verified_by_name=f"{org.contact_name}, {org.name}",
                    verified_on=min(on_day, day + dt.timedelta(days=7)),
                )
            return entry

        def request(day, hours):
            try:
                return services.leave_request_create(
                    employee=person,
                    by=person.user,
                    date=day,
                    hours=Decimal(hours),
                    organization=org,
                    today=on_day,
                )
            except PolicyViolation:
                return None

        def approve(leave):
            if leave is not None:
                services.leave_request_approve(request=leave, by=reviewer, today=on_day)

        if username == "dot.employee":
            # The whole year used: 44 verified personal hours, 40 approved paid hours.
            for n in range(11):
                log(days[(n * 2) % len(days)], "4")
            for n in range(10):
                approve(request(days[(n * 2 + 1) % len(days)], "4"))
            return
        if username == "dph.employee":
            # Out of match: 20 hours approved, then one verified session is withdrawn.
            entries = [log(days[(n * 3) % len(days)], "4") for n in range(5)]
            for n in range(5):
                approve(request(days[(n * 3 + 1) % len(days)], "4"))
            if entries[0] is not None:
                services.personal_hours_reject(
                    entry=entries[0],
                    by=reviewer,
                    reason="The organization corrected its records: this session was cancelled.",
                )
            return

        target = [30, 24, 16, 10, 6, 2, 8, 12][index % 8]
        logged = Decimal("0")
        for _attempt in range(60):
            if logged >= target:
                break
            entry = log(rng.choice(days), rng.choice(["1.5", "2", "2.5", "3"]), verify=False)
            if entry is None:
                continue
            logged += entry.hours
            roll = rng.random()
            if roll < 0.8:
                services.personal_hours_verify(
                    reason="A signed paper form from the organization",
                    entry=entry,
                    by=reviewer,
                    verified_by_name=f"{org.contact_name}, {org.name}",
                    verified_on=on_day,
                )
            elif roll < 0.88:
                services.personal_hours_reject(
                    entry=entry,
                    by=reviewer,
                    reason="The organization has no record of this session.",
                )
        made = []
        for _attempt in range(6):
            available = balance_for(employee_id=person.pk, year=on_day.year).paid_available
            if available <= 0:
                break
            leave = request(rng.choice(days), min(available, Decimal(rng.choice(["2", "3", "4"]))))
            if leave is not None:
                made.append(leave)
        for position, leave in enumerate(made):
            if position == len(made) - 1 and position >= 1:
                continue  # the newest stays pending
            try:
                if position == 1 and index % 3 == 0:
                    services.leave_request_deny(
                        request=leave,
                        by=reviewer,
                        reason="Staffing is short that week; please pick another date.",
                    )
                elif position == 0 and index % 4 == 1:
                    services.leave_request_cancel(
                        request=leave, by=person.user, reason="Session moved.", today=on_day
                    )
                else:
                    approve(leave)
                    if position == 0 and index % 4 == 2 and leave.date <= on_day:
                        services.leave_request_reverse(
                            request=leave,
                            by=reviewer,
                            reason="Timesheet shows a regular workday; leave not taken.",
                        )
            except (PolicyViolation, StateConflict, NotAllowed):
                continue


def _days_until(on_day: dt.date) -> list[dt.date]:
    """Weekdays and Saturdays of this year up to today, at least one day."""
    start = dt.date(on_day.year, 1, 1)
    days = [
        start + dt.timedelta(days=n)
        for n in range((on_day - start).days + 1)
        if (start + dt.timedelta(days=n)).weekday() != 6
    ]
    return days or [on_day]
