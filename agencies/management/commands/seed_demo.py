"""Load the demo data of SPEC.md section 7, once. Running it again changes nothing.

Everything goes through the same services as the API, so the demo year obeys every rule and
its ledger and balances agree.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from agencies import services as roster
from agencies.models import Agency, Employee, MentoringOrganization, Role
from hours import services
from hours.errors import NotAllowed, StateConflict
from hours.models import LeaveRequest, PersonalHours
from hours.policy import PolicyViolation
from hours.selectors import balance_for, today

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
                self._load()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(
            f"\nDemo logins (password for all: {DEMO_PASSWORD}):\n"
            "  admin            administrator (Django admin at /admin/)\n"
            "  dot.coordinator  pilot coordinator, DOT (Caltrans)\n"
            "  dph.coordinator  pilot coordinator, DPH\n"
            "  workgroup        SEM workgroup member (reads everything)\n"
            "  dot.employee     employee mentor at DOT\n"
            "  dph.employee     employee mentor at DPH\n"
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
        on_day = today()
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
        # Not eligible: unit 6, a retired annuitant, and a DHCS employee with no pilot yet.
        ineligible = [
            employee("DOT", unit="6"),
            employee("DPH", unit="4", appointment="retired_annuitant"),
        ]
        employee("DHCS", unit="1")

        for code, members in people.items():
            for person in members:
                roster.enrollment_create(
                    by=coordinators[code],
                    employee=person,
                    pilot=pilots[code],
                    organization=rng.choice(qualified),
                    commitment_starts_on=dt.date(year, 1, 1),
                    commitment_ends_on=dt.date(year, 12, 31),
                )
        del ineligible  # on the employee list, never on a roster

        for code, members in people.items():
            for index, person in enumerate(members):
                self._year_of(person, coordinators[code], admin, index, rng, on_day, qualified)

    def _year_of(self, person, coordinator, admin, index, rng, on_day, qualified) -> None:
        """A realistic spread: some have used their 40 hours, some have just begun."""
        # A coordinator's own hours are verified and approved by the administrator.
        reviewer = admin if person.user_id == coordinator.pk else coordinator
        org = person.enrollments.first().organization
        year_start = dt.date(on_day.year, 1, 1)
        span = max(1, (on_day - year_start).days)
        target = [44, 40, 30, 24, 16, 10, 6, 2][index % 8]
        logged = Decimal("0")
        attempts = 0
        while logged < target and attempts < 200:
            attempts += 1
            day = year_start + dt.timedelta(days=rng.randrange(span + 1))
            hours = Decimal(rng.choice(["1.5", "2", "2.5", "3", "4"]))
            try:
                entry = services.personal_hours_log(
                    employee=person,
                    by=person.user,
                    date=day,
                    hours=hours,
                    source=rng.choice(["non_working_time", "non_working_time", "vacation", "cto"]),
                    organization=org,
                    notes="Weekly session at the school site.",
                    today=on_day,
                )
            except PolicyViolation:
                continue
            logged += hours
            roll = rng.random()
            if roll < 0.8:
                services.personal_hours_verify(
                    entry=entry,
                    by=reviewer,
                    verified_by_name=f"{org.contact_name}, {org.name}",
                    verified_on=min(on_day, day + dt.timedelta(days=7)),
                )
            elif roll < 0.88:
                services.personal_hours_reject(
                    entry=entry,
                    by=reviewer,
                    reason="The organization has no record of this session.",
                )
        self._requests_of(person, reviewer, rng, on_day, org)

    def _requests_of(self, person, reviewer, rng, on_day, org) -> None:
        year_start = dt.date(on_day.year, 1, 1)
        span = max(1, (on_day - year_start).days)
        made: list[LeaveRequest] = []
        for _ in range(12):
            available = balance_for(employee_id=person.pk, year=on_day.year).paid_available
            if available <= 0:
                break
            hours = min(available, Decimal(rng.choice(["2", "3", "4", "4"])))
            day = year_start + dt.timedelta(days=rng.randrange(span + 1))
            try:
                made.append(
                    services.leave_request_create(
                        employee=person,
                        by=person.user,
                        date=day,
                        hours=hours,
                        organization=org,
                        today=on_day,
                    )
                )
            except PolicyViolation:
                continue
        for position, request in enumerate(made):
            try:
                if position == len(made) - 1 and position >= 2:
                    continue  # the newest stays pending
                if position == 1 and rng.random() < 0.3:
                    services.leave_request_deny(
                        request=request,
                        by=reviewer,
                        reason="Staffing is short that week; please pick another date.",
                    )
                    continue
                if position == 2 and rng.random() < 0.25:
                    services.leave_request_cancel(
                        request=request, by=person.user, reason="Session moved.", today=on_day
                    )
                    continue
                services.leave_request_approve(request=request, by=reviewer, today=on_day)
                if position == 3 and rng.random() < 0.2 and request.date <= on_day:
                    services.leave_request_reverse(
                        request=request,
                        by=reviewer,
                        reason="Timesheet shows a regular workday; leave not taken.",
                    )
            except (PolicyViolation, StateConflict, NotAllowed):
                continue
        # One year out of match: a verified session turns out not to have happened.
        if person.user.username == "dph.employee":
            entry = person.personal_hours.filter(status=PersonalHours.Status.VERIFIED).first()
            if entry:
                services.personal_hours_reject(
                    entry=entry,
                    by=reviewer,
                    reason="The organization corrected its records: this session was cancelled.",
                )
