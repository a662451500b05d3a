"""Shared fixtures: a pinned "today", two agencies with pilots, and a person in every role.

DOT is "our" agency; DPH is the other agency, used for outsiders.

"Today" is pinned for every test to TODAY, the middle of a fixed year, so that a test can log
hours in the past and request leave ahead whatever the real date is. The program reads the
date only through policy.dates.today(). A module can override the `today` fixture to run its
tests on another date (tests/test_edge_dates.py runs key tests on January 1 and December 31).
Fake names are drawn from the same seed in every test.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory.random
import pytest
from rest_framework.test import APIClient

from agencies.models import Role
from hours import services
from policy import dates

from .factories import (
    AgencyFactory,
    EmployeeFactory,
    EnrollmentFactory,
    OrganizationFactory,
    PilotFactory,
    RoleFactory,
    UserFactory,
)

TODAY = dt.date(2026, 7, 1)


def pin_today(monkeypatch, day: dt.date) -> dt.date:
    monkeypatch.setattr(dates, "today", lambda: day)
    return day


@pytest.fixture(autouse=True)
def today(monkeypatch) -> dt.date:
    """The pinned California today: July 1, 2026."""
    return pin_today(monkeypatch, TODAY)


@pytest.fixture(autouse=True)
def same_fake_names():
    """Each test draws the same fake names, whatever ran before it, so that a run on a CI machine
    is the run seen here (a random surname once matched a test's "nothing named Re..." check)."""
    factory.random.reseed_random("mentoring-leave-2119")


@pytest.fixture
def day(today):
    """day(n): the n-th day of this year counted from January 1 (0-based), never after today."""

    def make(n: int) -> dt.date:
        return min(today, dt.date(today.year, 1, 1) + dt.timedelta(days=n))

    return make


@pytest.fixture
def dot(db):
    return AgencyFactory(code="DOT", name="Department of Transportation", headcount=21000)


@pytest.fixture
def dph(db):
    return AgencyFactory(code="DPH", name="Department of Public Health", headcount=4200)


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Friends for Youth")


@pytest.fixture
def unqualified_org(db):
    return OrganizationFactory(name="Peacemakers Inc.", meets_quality_standards=False)


@pytest.fixture
def dot_pilot(dot):
    return PilotFactory(agency=dot, name="DOT Pilot")


@pytest.fixture
def dph_pilot(dph):
    return PilotFactory(agency=dph, name="DPH Pilot")


def _enrolled(agency, pilot, org, username, **kwargs):
    employee = EmployeeFactory(agency=agency, user=UserFactory(username=username), **kwargs)
    EnrollmentFactory(employee=employee, pilot=pilot, organization=org)
    return employee


@pytest.fixture
def employee(dot, dot_pilot, org):
    """An eligible DOT employee on the DOT roster."""
    return _enrolled(dot, dot_pilot, org, "dot.employee")


@pytest.fixture
def other_employee(dph, dph_pilot, org):
    """An eligible DPH employee on the DPH roster."""
    return _enrolled(dph, dph_pilot, org, "dph.employee")


@pytest.fixture
def coordinator(dot, dot_pilot, org):
    """DOT's coordinator, who is also an enrolled DOT employee."""
    person = _enrolled(dot, dot_pilot, org, "dot.coordinator", bargaining_unit="excluded")
    RoleFactory(user=person.user, kind=Role.Kind.COORDINATOR, agency=dot)
    return person.user


@pytest.fixture
def second_coordinator(dot):
    user = UserFactory(username="dot.coordinator2")
    RoleFactory(user=user, kind=Role.Kind.COORDINATOR, agency=dot)
    return user


@pytest.fixture
def other_coordinator(dph):
    user = UserFactory(username="dph.coordinator")
    RoleFactory(user=user, kind=Role.Kind.COORDINATOR, agency=dph)
    return user


@pytest.fixture
def workgroup(db):
    user = UserFactory(username="workgroup")
    RoleFactory(user=user, kind=Role.Kind.WORKGROUP, agency=None)
    return user


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def client_for():
    """client_for(user): an API client signed in as `user` (None: anonymous)."""

    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def verified_hours(coordinator, day):
    """verified_hours(employee, hours, n=0): log and verify personal hours on day(n)."""

    def make(employee, hours, n: int = 0):
        entry = services.personal_hours_log(
            employee=employee,
            by=employee.user,
            date=day(n),
            hours=Decimal(str(hours)),
            source="non_working_time",
            organization=employee.enrollments.first().organization,
        )
        return services.personal_hours_verify(
            reason="Signed paper form",
            entry=entry,
            by=coordinator,
            verified_by_name="Program Office",
        )

    return make
